package admin

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// v1's command line is read by Python's optparse with its defaults: options may come
// anywhere (before, between and after the positional arguments), a long option may be
// any unambiguous prefix of its name (Puppet and the upstream suite write --user),
// `--opt=value`, `--opt value`, `-Xvalue` and `-X value` all work, short flags
// combine (-qs), and `--` ends the options.

type optKind int

const (
	optString optKind = iota
	optInt            // optparse type="int"
	optTrue           // store_true
	optFalse          // store_false
	optHelp           // -h: print the help and exit
)

type optSpec struct {
	short, long string
	// dest is the option's name in the settings and in the config file.
	dest string
	kind optKind
}

// optSpecs are make_parser()'s options (the help's order).
var optSpecs = []optSpec{
	{"-h", "--help", "", optHelp},
	{"-c", "--config", "config", optString},
	{"-N", "--node", "node", optString},
	{"-H", "--host", "hostname", optString},
	{"-P", "--port", "port", optString},
	{"", "--path-prefix", "path_prefix", optString},
	{"-V", "--vhost", "vhost", optString},
	{"-u", "--username", "username", optString},
	{"-p", "--password", "password", optString},
	{"-U", "--base-uri", "base_uri", optString},
	{"-q", "--quiet", "verbose", optFalse},
	{"-s", "--ssl", "ssl", optTrue},
	{"", "--ssl-key-file", "ssl_key_file", optString},
	{"", "--ssl-cert-file", "ssl_cert_file", optString},
	{"", "--ssl-ca-cert-file", "ssl_ca_cert_file", optString},
	{"", "--ssl-disable-hostname-verification", "ssl_disable_hostname_verification", optTrue},
	{"-k", "--ssl-insecure", "ssl_insecure", optTrue},
	{"-t", "--request-timeout", "request_timeout", optInt},
	{"-f", "--format", "format", optString},
	{"-S", "--sort", "sort", optString},
	{"-R", "--sort-reverse", "sort_reverse", optTrue},
	{"-d", "--depth", "depth", optString},
	{"", "--bash-completion", "bash_completion", optTrue},
	{"", "--version", "version", optTrue},
}

// values holds option values the way Python holds them: string, int or bool; a
// missing key is None.
type values map[string]any

// errHelp means -h/--help was met: the help is printed and the program exits 0.
type errHelp struct{}

func (errHelp) Error() string { return "help" }

// parseCommandLine splits args into option values and positional arguments.
func parseCommandLine(args []string) (values, []string, error) {
	v := values{}
	var pos []string
	rest := append([]string(nil), args...)
	for len(rest) > 0 {
		a := rest[0]
		var err error
		switch {
		case a == "--":
			return v, append(pos, rest[1:]...), nil
		case strings.HasPrefix(a, "--"):
			rest, err = longOption(v, rest)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			rest, err = shortOptions(v, rest)
		default:
			pos = append(pos, a)
			rest = rest[1:]
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return v, pos, nil
}

func longOption(v values, rest []string) ([]string, error) {
	arg := rest[0]
	rest = rest[1:]
	name, value, explicit := strings.Cut(arg, "=")
	spec, err := matchLong(name)
	if err != nil {
		return nil, err
	}
	if explicit {
		rest = append([]string{value}, rest...)
	}
	if spec.kind == optString || spec.kind == optInt {
		if len(rest) == 0 {
			return nil, optError("%s option requires 1 argument", spec.long)
		}
		return rest[1:], store(v, spec, spec.long, rest[0])
	}
	if explicit {
		return nil, optError("%s option does not take a value", spec.long)
	}
	return rest, store(v, spec, spec.long, "")
}

func shortOptions(v values, rest []string) ([]string, error) {
	arg := rest[0]
	rest = rest[1:]
	for i := 1; i < len(arg); i++ {
		opt := "-" + arg[i:i+1]
		spec, ok := findShort(opt)
		if !ok {
			return nil, optError("no such option: %s", opt)
		}
		if spec.kind == optString || spec.kind == optInt {
			if i+1 < len(arg) {
				rest = append([]string{arg[i+1:]}, rest...)
			}
			if len(rest) == 0 {
				return nil, optError("%s option requires 1 argument", opt)
			}
			return rest[1:], store(v, spec, opt, rest[0])
		}
		if err := store(v, spec, opt, ""); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

func store(v values, spec optSpec, opt, value string) error {
	switch spec.kind {
	case optHelp:
		return errHelp{}
	case optTrue:
		v[spec.dest] = true
	case optFalse:
		v[spec.dest] = false
	case optInt:
		n, ok := pyParseInt(value)
		if !ok {
			return optError("option %s: invalid integer value: %s", opt, pyRepr(value))
		}
		v[spec.dest] = n
	default:
		v[spec.dest] = value
	}
	return nil
}

func findShort(opt string) (optSpec, bool) {
	for _, s := range optSpecs {
		if s.short == opt {
			return s, true
		}
	}
	return optSpec{}, false
}

// matchLong finds a long option by its name or an unambiguous prefix of it.
func matchLong(name string) (optSpec, error) {
	var matches []optSpec
	for _, s := range optSpecs {
		if s.long == name {
			return s, nil
		}
		if strings.HasPrefix(s.long, name) {
			matches = append(matches, s)
		}
	}
	switch len(matches) {
	case 0:
		return optSpec{}, optError("no such option: %s", name)
	case 1:
		return matches[0], nil
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.long
	}
	sort.Strings(names)
	return optSpec{}, optError("ambiguous option: %s (%s?)", name, strings.Join(names, ", "))
}

// pyParseInt reads an integer as optparse does (_parse_num): 0x… hexadecimal, 0b…
// binary, a leading 0 octal, else decimal.
func pyParseInt(s string) (int, bool) {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "0x"):
		return pyIntBase(s, 16)
	case strings.HasPrefix(lower, "0b"):
		if s[2:] == "" {
			return 0, true
		}
		return pyIntBase(s[2:], 2)
	case strings.HasPrefix(s, "0"):
		return pyIntBase(s, 8)
	}
	return pyIntBase(s, 10)
}

// pyIntBase is Python's int(s, base): surrounding space, a sign, single underscores
// between digits, and for bases 16, 8 and 2 an optional 0x/0o/0b prefix.
func pyIntBase(s string, base int) (int, bool) {
	t := strings.TrimSpace(s)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg, t = t[0] == '-', t[1:]
	}
	if len(t) > 2 && t[0] == '0' && strings.ContainsRune(map[int]string{16: "xX", 8: "oO", 2: "bB"}[base], rune(t[1])) {
		t = strings.TrimPrefix(t[2:], "_")
	}
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(t, "_", ""), base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return int(n), true
}

// optionError is optparse's error: usage and "<prog>: error: <msg>" on stderr, exit 2.
type optionError struct{ msg string }

func (e *optionError) Error() string { return e.msg }

func optError(format string, args ...any) error {
	return &optionError{msg: fmt.Sprintf(format, args...)}
}
