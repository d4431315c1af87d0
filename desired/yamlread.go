package desired

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// meantAsJSON tells a JSON document from a YAML flow one: JSON's keys are quoted.
func meantAsJSON(trimmed []byte) bool {
	if trimmed[0] == '[' {
		return true
	}
	rest := bytes.TrimSpace(trimmed[1:])
	return len(rest) == 0 || rest[0] == '"' || rest[0] == '}'
}

// yamlEscapes rewrites the string escapes of valid JSON that YAML's parser does not
// take: "\/" (a plain slash) and UTF-16 surrogate pairs ("\ud83d\ude00", which YAML
// writes "\U0001F600"). No line moves.
func yamlEscapes(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\/`)) && !bytes.Contains(data, []byte(`\ud`)) && !bytes.Contains(data, []byte(`\uD`)) {
		return data
	}
	out := make([]byte, 0, len(data))
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(data):
			if data[i+1] == '/' {
				out = append(out, '/')
				i++
				continue
			}
			if r1, ok := hex4(data, i); ok && utf16.IsSurrogate(r1) {
				if r2, ok := hex4(data, i+6); ok {
					if r := utf16.DecodeRune(r1, r2); r != utf8.RuneError {
						out = append(out, fmt.Sprintf(`\U%08X`, r)...)
						i += 11
						continue
					}
				}
			}
			out = append(out, c, data[i+1]) // any other escape is YAML's too
			i++
			continue
		}
		out = append(out, c)
	}
	return out
}

// hex4 reads a \uXXXX escape at data[i].
func hex4(data []byte, i int) (rune, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[i+2:i+6]), 16, 32)
	return rune(v), err == nil
}

func (p *parser) yamlError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if ok := asTypeError(err, &te); ok {
		msgs = te.Errors
	}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			p.errf(line, "%s", sm[2])
			continue
		}
		p.errf(1, "%s", m)
	}
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

// decodeNode decodes a YAML value into canonical form, refusing non-string keys.
// Aliases are followed within a budget, so that a self-referencing or exponentially
// nested alias cannot hang or exhaust the process.
func decodeNode(n *yaml.Node) (any, error) {
	budget := maxDecodedNodes
	return decodeBounded(n, 0, &budget)
}

const (
	maxDecodedNodes = 100000
	maxDepth        = 64
)

var integerLiteral = regexp.MustCompile(`^[-+]?[0-9]+$`)

var errTooDeep = errors.New("value nested too deeply or aliased too often")

func decodeBounded(n *yaml.Node, depth int, budget *int) (any, error) {
	*budget--
	if *budget < 0 || depth > maxDepth {
		return nil, errTooDeep
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("unknown alias")
		}
		return decodeBounded(n.Alias, depth+1, budget)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for _, kv := range pairs(n) {
			k := kv[0]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be strings", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("key %q appears twice", k.Value)
			}
			v, err := decodeBounded(kv[1], depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := decodeBounded(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!timestamp", "!!binary":
			return n.Value, nil // a date stays the text it was written as
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				return nil, fmt.Errorf("integer %s is out of range", n.Value)
			}
			return i, nil
		case "!!float":
			if integerLiteral.MatchString(n.Value) {
				// too big for an integer: YAML would make it a rounded float
				return nil, fmt.Errorf("integer %s is out of range", n.Value)
			}
			var f float64
			if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, fmt.Errorf("%s is not a finite number", n.Value)
			}
			return canonical(f), nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return canonical(v), nil
	}
	return nil, fmt.Errorf("unsupported value")
}

// pairs lists a mapping's key/value pairs, with YAML merge keys ("<<: *base") expanded:
// the merged mapping's keys come first and keys written in the mapping win.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	return mergedPairs(n, 0)
}

// mergedPairs is pairs, merging at most maxDepth levels deep (merges can form cycles).
func mergedPairs(n *yaml.Node, depth int) [][2]*yaml.Node {
	var merged, own [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			v = resolve(v)
			var sources []*yaml.Node
			if v.Kind == yaml.SequenceNode {
				for _, c := range v.Content {
					sources = append(sources, resolve(c))
				}
			} else {
				sources = []*yaml.Node{v}
			}
			for _, src := range sources {
				if src.Kind == yaml.MappingNode && src != n && depth < maxDepth {
					merged = append(merged, mergedPairs(src, depth+1)...)
				}
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
		seen[k.Value] = true
	}
	out := make([][2]*yaml.Node, 0, len(merged)+len(own))
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			out = append(out, kv)
		}
	}
	return append(out, own...)
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}
