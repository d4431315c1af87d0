package admin

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// v1 reads its config file with Python's configparser.ConfigParser() and its
// defaults, so this is a small exact port of that parser rather than a Go INI
// library: the maintained ones (gopkg.in/ini.v1, go-ini) strip inline comments, keep
// key case, have no [DEFAULT] inheritance, and do not implement ConfigParser's
// "%(key)s"/"%%" interpolation or its continuation lines — each of which changes what
// a file that worked with v1 means. What is ported (Python 3.11, configparser.py):
//   - "[name]" section headers (the name is everything between the first "[" and
//     the last "]"); keys before any header are an error (MissingSectionHeaderError);
//   - "key = value" or "key : value", key and value stripped, keys lower-cased;
//     a line without a delimiter is an error (ParsingError);
//   - full-line comments starting with "#" or ";"; no inline comments ("vhost = / #
//     comment" keeps the comment in the value, as v1 did);
//   - continuation lines (indented deeper than the key) join the value with "\n";
//     empty lines inside a value are kept, trailing ones dropped;
//   - a repeated section or key in one file is an error (strict=True);
//   - [DEFAULT] gives its keys to every section;
//   - BasicInterpolation when values are read: "%%" is "%", "%(key)s" is another key
//     of the section (or of [DEFAULT]), any other "%" is an error.

type iniFile struct {
	defaults *iniSection
	sections map[string]*iniSection
}

type iniSection struct {
	keys   []string
	values map[string][]string // lines of the value; nil for a key without one
}

func newSection() *iniSection { return &iniSection{values: map[string][]string{}} }

func (s *iniSection) set(k string, lines []string) {
	if _, ok := s.values[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.values[k] = lines
}

var optionLine = regexp.MustCompile(`^(.*?)\s*[=:]\s*(.*)$`)

// iniError is a file configparser would refuse.
type iniError struct{ msg string }

func (e *iniError) Error() string { return e.msg }

func parseINI(text, path string) (*iniFile, error) {
	f := &iniFile{defaults: newSection(), sections: map[string]*iniSection{}}
	var cur *iniSection
	sectName, optName := "", ""
	added := map[string]bool{}
	indentLevel := 0
	var bad []string
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		if line == "" {
			continue
		}
		lineno := i + 1
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		value := strings.TrimFunc(line, unicode.IsSpace)
		isComment := strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";")
		if isComment {
			value = ""
		}
		if value == "" {
			if !isComment && cur != nil && optName != "" && cur.values[optName] != nil {
				cur.values[optName] = append(cur.values[optName], "")
			}
			continue
		}
		indent := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsSpace(r) })
		if cur != nil && optName != "" && indent > indentLevel {
			cur.values[optName] = append(cur.values[optName], value)
			continue
		}
		indentLevel = indent
		if strings.HasPrefix(value, "[") {
			if end := strings.LastIndex(value, "]"); end > 1 {
				sectName = value[1:end]
				switch {
				case sectName == "DEFAULT":
					cur = f.defaults
				case f.sections[sectName] != nil:
					if added[sectName] {
						return nil, &iniError{fmt.Sprintf("While reading from %s [line %2d]: section %s already exists", pyRepr(path), lineno, pyRepr(sectName))}
					}
					cur = f.sections[sectName]
				default:
					cur = newSection()
					f.sections[sectName] = cur
				}
				added[sectName] = true
				optName = ""
				continue
			}
		}
		if cur == nil {
			return nil, &iniError{fmt.Sprintf("File contains no section headers.\nfile: %s, line: %d\n%s", pyRepr(path), lineno, pyRepr(line+"\n"))}
		}
		m := optionLine.FindStringSubmatch(value)
		if m == nil || strings.TrimRightFunc(m[1], unicode.IsSpace) == "" {
			bad = append(bad, fmt.Sprintf("\t[line %2d]: %s", lineno, pyRepr(line+"\n")))
			optName = ""
			continue
		}
		optName = strings.ToLower(strings.TrimRightFunc(m[1], unicode.IsSpace))
		if added[sectName+"\x00"+optName] {
			return nil, &iniError{fmt.Sprintf("While reading from %s [line %2d]: option %s in section %s already exists", pyRepr(path), lineno, pyRepr(optName), pyRepr(sectName))}
		}
		added[sectName+"\x00"+optName] = true
		cur.set(optName, []string{strings.TrimFunc(m[2], unicode.IsSpace)})
	}
	if len(bad) > 0 {
		return nil, &iniError{"Source contains parsing errors: " + pyRepr(path) + "\n" + strings.Join(bad, "\n")}
	}
	return f, nil
}

// items returns a section's keys and values with [DEFAULT]'s, interpolated, in
// configparser's order (defaults first). ok is false when there is no such section.
func (f *iniFile) items(section string) (keys []string, vals map[string]string, ok bool, err error) {
	raw := map[string]string{}
	add := func(s *iniSection) {
		for _, k := range s.keys {
			if _, seen := raw[k]; !seen {
				keys = append(keys, k)
			}
			raw[k] = strings.TrimRightFunc(strings.Join(s.values[k], "\n"), unicode.IsSpace)
		}
	}
	add(f.defaults)
	if s := f.sections[section]; s != nil {
		add(s)
	} else if section != "DEFAULT" {
		return nil, nil, false, nil
	}
	vals = map[string]string{}
	for _, k := range keys {
		v, err := interpolate(k, section, raw[k], raw, 1)
		if err != nil {
			return nil, nil, true, err
		}
		vals[k] = v
	}
	return keys, vals, true, nil
}

var interpolationKey = regexp.MustCompile(`^%\(([^)]+)\)s`)

// interpolate is BasicInterpolation._interpolate_some.
func interpolate(option, section, rest string, vars map[string]string, depth int) (string, error) {
	if depth > 10 {
		return "", &iniError{fmt.Sprintf("Recursion limit exceeded in value substitution: option %s in section %s contains an interpolation key which cannot be substituted in 10 steps. Raw value: %s", pyRepr(option), pyRepr(section), pyRepr(vars[option]))}
	}
	var b strings.Builder
	for rest != "" {
		p := strings.IndexByte(rest, '%')
		if p < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:p])
		rest = rest[p:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			b.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			m := interpolationKey.FindStringSubmatch(rest)
			if m == nil {
				return "", &iniError{fmt.Sprintf("bad interpolation variable reference %s", pyRepr(rest))}
			}
			name := strings.ToLower(m[1])
			rest = rest[len(m[0]):]
			v, ok := vars[name]
			if !ok {
				return "", &iniError{fmt.Sprintf("Bad value substitution: option %s in section %s contains an interpolation key %s which is not a valid option name. Raw value: %s", pyRepr(option), pyRepr(section), pyRepr(name), pyRepr(vars[option]))}
			}
			if strings.Contains(v, "%") {
				s, err := interpolate(option, section, v, vars, depth+1)
				if err != nil {
					return "", err
				}
				v = s
			}
			b.WriteString(v)
		default:
			return "", &iniError{fmt.Sprintf("'%%' must be followed by '%%' or '(', found: %s", pyRepr(rest))}
		}
	}
	return b.String(), nil
}
