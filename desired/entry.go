package desired

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// entry is one mapping of a section, with its keys checked.
type entry struct {
	p      *parser
	kind   Kind
	line   int
	values map[string]*yaml.Node
	keys   map[string]*yaml.Node
	bad    bool
	// label names the object in messages (queue "q" in vhost "v"), or just its kind
	// when the entry's identity cannot be read.
	label string
}

func (p *parser) entry(kind Kind, n *yaml.Node, allowed []string) *entry {
	e := &entry{p: p, kind: kind, line: n.Line, values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{},
		label: kind.Singular()}
	if id := p.identity(kind, n); id != nil && id.Name() != "" {
		e.label = id.Label()
	}
	if n.Kind != yaml.MappingNode {
		p.errf(n.Line, "each entry of %s must be a mapping", kind)
		e.bad = true
		return e
	}
	for _, kv := range pairs(n) {
		k, v := kv[0], resolve(kv[1])
		if _, dup := e.values[k.Value]; dup {
			p.errf(k.Line, "%s: key %q appears twice", e.label, k.Value)
			e.bad = true
			continue
		}
		if !contains(allowed, k.Value) {
			p.errf(k.Line, "%s: unknown key %q (known: %s)", e.label, k.Value, strings.Join(allowed, ", "))
			e.bad = true
			continue
		}
		e.values[k.Value] = v
		e.keys[k.Value] = k
	}
	return e
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (e *entry) has(k string) bool { _, ok := e.values[k]; return ok }

func (e *entry) errf(k string, format string, args ...any) {
	line := e.line
	if n, ok := e.values[k]; ok {
		line = n.Line
	}
	e.p.errf(line, "%s: %s", e.label, fmt.Sprintf(format, args...))
	e.bad = true
}

// str reads a scalar as text (a queue named 1.10 stays "1.10"). required reports a
// missing or empty value.
func (e *entry) str(k string, required bool) string {
	n, ok := e.values[k]
	if !ok || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		if required {
			e.errf(k, "%s is required", k)
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		e.errf(k, "%s must be a string", k)
		return ""
	}
	if required && n.Value == "" {
		e.errf(k, "%s must not be empty", k)
	}
	return n.Value
}

func (e *entry) boolean(k string, def bool) bool {
	n, ok := e.values[k]
	if !ok {
		return def
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		e.errf(k, "%s must be true or false", k)
		return def
	}
	b, _ := strconv.ParseBool(n.Value)
	return b
}

func (e *entry) integer(k string, def int64) int64 {
	n, ok := e.values[k]
	if !ok {
		return def
	}
	var i int64
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&i) != nil {
		e.errf(k, "%s must be an integer", k)
		return def
	}
	return i
}

// value decodes any value into canonical form.
func (e *entry) value(k string) (any, bool) {
	n, ok := e.values[k]
	if !ok {
		return nil, false
	}
	v, err := decodeNode(n)
	if err != nil {
		e.errf(k, "%s: %v", k, err)
		return nil, false
	}
	return v, true
}

// mapping decodes a mapping value (arguments, definition, limits).
func (e *entry) mapping(k string) (map[string]any, bool) {
	n, ok := e.values[k]
	if !ok || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		e.errf(k, "%s must be a mapping", k)
		return nil, false
	}
	v, ok := e.value(k)
	if !ok {
		return nil, false
	}
	m, _ := v.(map[string]any)
	return m, true
}

// arguments reads optional x-arguments: none is an empty mapping.
func (e *entry) arguments() map[string]any {
	args, _ := e.mapping("arguments")
	if args == nil {
		args = map[string]any{}
	}
	return args
}

// tags reads tags given as a list or as one comma-separated string.
func (e *entry) tags(k string) ([]any, bool) {
	n, ok := e.values[k]
	if !ok {
		return nil, false
	}
	var list []string
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
	case n.Kind == yaml.ScalarNode:
		list = strings.Split(n.Value, ",")
	case n.Kind == yaml.SequenceNode:
		for _, t := range n.Content {
			t = resolve(t)
			if t.Kind != yaml.ScalarNode {
				e.errf(k, "%s must be a list of strings", k)
				return nil, false
			}
			list = append(list, t.Value)
		}
	default:
		e.errf(k, "%s must be a list or a comma-separated string", k)
		return nil, false
	}
	return sortedTags(list), true
}

// vhostOf reads an entry's vhost: the default vhost (-p, else "/") when not given,
// and always in a per-vhost export, whose entries go where it is applied.
func (e *entry) vhostOf() string {
	if !e.has("vhost") {
		return e.p.defaultVhost()
	}
	vh := e.str("vhost", true)
	if e.p.perVhost {
		e.p.exportedFrom(vh)
		return e.p.defaultVhost()
	}
	return vh
}
