package desired

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Document is a validated desired-state file.
type Document struct {
	// File is the name the file was read under (for messages).
	File string
	// Objects are the declared objects of each kind, in file order.
	Objects map[Kind][]*Object
	// Declared says which sections the file has: only those kinds are pruned.
	Declared map[Kind]bool
	// Vhosts are the vhosts the file names anywhere: per-vhost kinds are pruned only
	// in them.
	Vhosts map[string]bool
}

// Count is the number of declared objects.
func (d *Document) Count() int {
	n := 0
	for _, objs := range d.Objects {
		n += len(objs)
	}
	return n
}

// Problem is one thing wrong with the file, at a line.
type Problem struct {
	Line int
	Msg  string
}

// InvalidError lists every problem found in a file. Nothing is sent to the broker
// for a file with problems.
type InvalidError struct {
	File     string
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Msg)
	}
	return b.String()
}

// LoadOptions gives the loader its view of the outside world.
type LoadOptions struct {
	// LookupEnv resolves password_env.
	LookupEnv func(string) (string, bool)
	// ReadFile reads password_file (relative paths are taken from the file's directory).
	ReadFile func(string) ([]byte, error)
	// DefaultVhost is the vhost of entries that name none ("/" when empty), as -p is
	// for rabbitmqctl: a per-vhost definitions document has no vhost keys.
	DefaultVhost string
}

// Section keys of a definitions document that carry nothing to converge.
var ignoredTopLevel = map[string]bool{
	"rabbit_version": true, "rabbitmq_version": true, "product_name": true, "product_version": true,
}

// Parse reads a desired-state document (YAML or JSON; RabbitMQ's definitions JSON is
// one) and validates all of it. A document with problems yields an *InvalidError
// listing each with its line.
func Parse(file string, data []byte, opts LoadOptions) (*Document, error) {
	p := &parser{file: file, opts: opts, doc: &Document{
		File: file, Objects: map[Kind][]*Object{}, Declared: map[Kind]bool{}, Vhosts: map[string]bool{},
	}, seen: map[string]int{}}
	p.parse(data)
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, &InvalidError{File: file, Problems: p.problems}
	}
	return p.doc, nil
}

type parser struct {
	file     string
	opts     LoadOptions
	doc      *Document
	problems []Problem
	// seen maps an object's kind and key to its line, to find duplicates.
	seen map[string]int
	// vhostLimits collects vhost-limits parameters, attached to vhosts at the end.
	vhostLimits []*Object
	// definitions is set for RabbitMQ's own documents (they carry rabbit_version).
	definitions bool
}

func (p *parser) defaultVhost() string {
	if p.opts.DefaultVhost != "" {
		return p.opts.DefaultVhost
	}
	return "/"
}

func (p *parser) errf(line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	p.problems = append(p.problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (p *parser) parse(data []byte) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		p.errf(1, "the file is empty")
		return
	}
	if !utf8.Valid(data) {
		bad := 0
		for bad < len(data) {
			r, size := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		p.errf(1+bytes.Count(data[:bad], []byte{'\n'}), "the file is not UTF-8 text")
		return
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		switch {
		case json.Valid(data):
			// JSON is YAML, except that YAML forbids tabs where JSON allows them as
			// whitespace, and lacks some escapes. In valid JSON a tab can only be
			// whitespace (inside strings it must be escaped), so spaces do as well and
			// keep every line where it was.
			data = yamlEscapes(bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '}))
		case meantAsJSON(trimmed):
			// YAML's parser would name the line where the enclosing collection starts;
			// JSON's names the offending byte.
			var se *json.SyntaxError
			if err := json.Unmarshal(data, new(any)); errors.As(err, &se) {
				line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'})
				p.errf(line, "invalid JSON: %s", se.Error())
				return
			}
		}
		// otherwise a YAML flow document ({queues: [...]}): YAML's parser decides
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		p.yamlError(err)
		return
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = *root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		p.errf(root.Line, "the document must be a mapping of sections (vhosts:, users:, queues: …)")
		return
	}
	sections := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if _, dup := sections[k.Value]; dup {
			p.errf(k.Line, "section %q appears twice", k.Value)
			continue
		}
		sections[k.Value] = v
		if ignoredTopLevel[k.Value] {
			p.definitions = true
			continue
		}
		if !isKind(k.Value) {
			p.errf(k.Line, "unknown section %q (known: %s)", k.Value, kindList())
			continue
		}
	}
	// Parse in dependency order, so vhosts are known before what refers to them.
	for _, kind := range AllKinds {
		n, ok := sections[string(kind)]
		if !ok {
			continue
		}
		n = resolve(n)
		p.doc.Declared[kind] = true
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			continue // "queues:" with nothing: the kind is declared, with no objects
		}
		if n.Kind != yaml.SequenceNode {
			p.errf(n.Line, "%s must be a list", kind)
			continue
		}
		for _, item := range n.Content {
			p.parseEntry(kind, resolve(item))
		}
	}
	p.attachVhostLimits()
}

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

func isKind(s string) bool {
	for _, k := range AllKinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

func kindList() string {
	names := make([]string, len(AllKinds))
	for i, k := range AllKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// entry is one mapping of a section, with its keys checked.
type entry struct {
	p      *parser
	kind   Kind
	line   int
	values map[string]*yaml.Node
	keys   map[string]*yaml.Node
	bad    bool
}

func (p *parser) entry(kind Kind, n *yaml.Node, allowed []string) *entry {
	e := &entry{p: p, kind: kind, line: n.Line, values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		p.errf(n.Line, "each entry of %s must be a mapping", kind)
		e.bad = true
		return e
	}
	for _, kv := range pairs(n) {
		k, v := kv[0], resolve(kv[1])
		if _, dup := e.values[k.Value]; dup {
			p.errf(k.Line, "%s: key %q appears twice", kind.Singular(), k.Value)
			e.bad = true
			continue
		}
		if !contains(allowed, k.Value) {
			p.errf(k.Line, "%s: unknown key %q (known: %s)", kind.Singular(), k.Value, strings.Join(allowed, ", "))
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
	e.p.errf(line, "%s: %s", e.kind.Singular(), fmt.Sprintf(format, args...))
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

func (p *parser) parseEntry(kind Kind, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.errf(n.Line, "each entry of %s must be a mapping", kind)
		return
	}
	// Duplicates are found from the identity alone, valid entry or not.
	if id := p.identity(kind, n); id != nil {
		k := string(kind) + "\x00" + id.key()
		if first, dup := p.seen[k]; dup {
			p.dupError(id, first)
			return
		}
		p.seen[k] = n.Line
	}
	var o *Object
	switch kind {
	case Vhosts:
		o = p.vhost(n)
	case Users:
		o = p.user(n)
	case GlobalParameters:
		o = p.globalParameter(n)
	case Permissions:
		o = p.permission(n)
	case TopicPermissions:
		o = p.topicPermission(n)
	case Policies, OperatorPolicies:
		o = p.policy(kind, n)
	case Parameters:
		o = p.parameter(n)
	case Exchanges:
		o = p.exchange(n)
	case Queues:
		o = p.queue(n)
	case Bindings:
		o = p.binding(n)
	}
	if o == nil {
		return
	}
	if o.Kind != kind {
		// an operator policy given as a parameter: a duplicate of the section's?
		k := string(o.Kind) + "\x00" + o.key()
		if first, dup := p.seen[k]; dup {
			p.dupError(o, first)
			return
		}
		p.seen[k] = o.Line
	}
	p.add(o)
}

// identityKeys are the fields that name an object of each kind.
var identityKeys = map[Kind][]string{
	Vhosts: {"name"}, Users: {"name"}, GlobalParameters: {"name"}, Permissions: {"user"},
	TopicPermissions: {"user", "exchange"}, Policies: {"name"}, OperatorPolicies: {"name"},
	Parameters: {"component", "name"}, Exchanges: {"name"}, Queues: {"name"},
	Bindings: {"source", "destination_type", "destination", "routing_key", "arguments"},
}

// identity reads an entry's identity as written, or nil when it has none to compare.
func (p *parser) identity(kind Kind, n *yaml.Node) *Object {
	vals := map[string]*yaml.Node{}
	for _, kv := range pairs(n) {
		vals[kv[0].Value] = resolve(kv[1])
	}
	o := &Object{Kind: kind, Line: n.Line}
	if kind.PerVhost() {
		o.Vhost = p.defaultVhost()
		if v, ok := vals["vhost"]; ok {
			o.Vhost = v.Value
		}
	}
	for _, k := range identityKeys[kind] {
		v, ok := vals[k]
		switch {
		case k == "destination_type" && !ok:
			o.ID = append(o.ID, Field{k, "queue"})
		case k == "routing_key" && !ok:
			o.ID = append(o.ID, Field{k, ""})
		case k == "arguments":
			args := map[string]any{}
			if ok {
				d, err := decodeNode(v)
				if m, isMap := d.(map[string]any); err == nil && isMap {
					args = m
				}
			}
			o.ID = append(o.ID, Field{k, args})
		case !ok || v.Kind != yaml.ScalarNode:
			return nil
		default:
			o.ID = append(o.ID, Field{k, v.Value})
		}
	}
	return o
}

func (p *parser) dupError(o *Object, first int) {
	where := ""
	if o.Kind.PerVhost() {
		where = fmt.Sprintf(" in vhost %q", o.Vhost)
	}
	p.errf(o.Line, "%s %q%s is declared twice (first at line %d)", o.Kind.Singular(), o.Name(), where, first)
}

// add records a valid object.
func (p *parser) add(o *Object) {
	p.doc.Objects[o.Kind] = append(p.doc.Objects[o.Kind], o)
	if o.Kind == Vhosts {
		p.doc.Vhosts[o.Name()] = true
	} else if o.Kind.PerVhost() {
		p.doc.Vhosts[o.Vhost] = true
	}
}

// vhostOf reads an entry's vhost: the default vhost (-p, else "/") when not given.
func (e *entry) vhostOf() string {
	if !e.has("vhost") {
		return e.p.defaultVhost()
	}
	return e.str("vhost", true)
}

var queueTypes = []string{"classic", "quorum", "stream"}

func (p *parser) vhost(n *yaml.Node) *Object {
	e := p.entry(Vhosts, n, []string{"name", "description", "tags", "default_queue_type", "tracing", "limits", "metadata"})
	if e.bad && len(e.values) == 0 {
		return nil
	}
	o := &Object{Kind: Vhosts, Line: e.line, ID: []Field{{"name", e.str("name", true)}}}
	// 3.11+ exports carry description, tags and default queue type in metadata too.
	meta, _ := e.mapping("metadata")
	if e.has("description") {
		o.Fields = append(o.Fields, Field{"description", e.str("description", false)})
	} else if d, ok := meta["description"].(string); ok {
		o.Fields = append(o.Fields, Field{"description", d})
	}
	if tags, ok := e.tags("tags"); ok {
		o.Fields = append(o.Fields, Field{"tags", tags})
	} else if t, ok := meta["tags"].([]any); ok {
		var list []string
		for _, x := range t {
			s, _ := x.(string)
			list = append(list, s)
		}
		o.Fields = append(o.Fields, Field{"tags", sortedTags(list)})
	}
	dqt := e.str("default_queue_type", false)
	if !e.has("default_queue_type") {
		dqt, _ = meta["default_queue_type"].(string)
	}
	if dqt != "" && dqt != "undefined" {
		if !contains(queueTypes, dqt) {
			e.errf("default_queue_type", "default_queue_type must be one of %s", strings.Join(queueTypes, ", "))
		}
		o.Fields = append(o.Fields, Field{"default_queue_type", dqt})
	}
	if e.has("tracing") {
		o.Fields = append(o.Fields, Field{"tracing", e.boolean("tracing", false)})
	}
	if e.has("limits") {
		o.Fields = append(o.Fields, Field{"limits", e.limits([]string{"max-connections", "max-queues"})})
	}
	if e.bad {
		return nil
	}
	return o
}

// limits reads a limits mapping: known names, integer values (-1 means no limit).
// An empty list is no limits: 3.11+ exports write an empty Erlang proplist as [].
func (e *entry) limits(known []string) map[string]any {
	if n := e.values["limits"]; n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		return map[string]any{}
	}
	m, _ := e.mapping("limits")
	out := map[string]any{}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := m[k]
		if !contains(known, k) {
			e.errf("limits", "unknown limit %q (known: %s)", k, strings.Join(known, ", "))
			continue
		}
		i, ok := v.(int64)
		if !ok || i < -1 {
			e.errf("limits", "limit %s must be an integer, -1 for none", k)
			continue
		}
		out[k] = i
	}
	return out
}

var hashingAlgorithms = []string{"rabbit_password_hashing_sha256", "rabbit_password_hashing_sha512", "rabbit_password_hashing_md5"}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *parser) user(n *yaml.Node) *Object {
	e := p.entry(Users, n, []string{"name", "password", "password_env", "password_file", "password_hash", "hashing_algorithm", "tags", "limits"})
	if e.bad && len(e.values) == 0 {
		return nil
	}
	o := &Object{Kind: Users, Line: e.line, ID: []Field{{"name", e.str("name", true)}}}
	if tags, ok := e.tags("tags"); ok {
		o.Fields = append(o.Fields, Field{"tags", tags})
	}
	if e.has("limits") {
		o.Fields = append(o.Fields, Field{"limits", e.limits([]string{"max-connections", "max-channels"})})
	}
	given := 0
	for _, k := range []string{"password", "password_env", "password_file", "password_hash"} {
		if e.has(k) {
			given++
		}
	}
	if given > 1 {
		e.errf("name", "give at most one of password_env, password_file and password_hash")
	}
	switch {
	case e.has("password"):
		e.errf("password", "inline passwords are not accepted: use password_env, password_file or password_hash")
	case e.has("password_env"):
		name := e.str("password_env", true)
		if name != "" && !envName.MatchString(name) {
			e.errf("password_env", "password_env must name an environment variable")
		} else if name != "" {
			v, ok := "", false
			if p.opts.LookupEnv != nil {
				v, ok = p.opts.LookupEnv(name)
			}
			if !ok || v == "" {
				e.errf("password_env", "environment variable %s (password_env) is not set or empty", name)
			}
			o.Password = &Password{Plain: v, Source: "password_env " + name}
		}
	case e.has("password_file"):
		path := e.str("password_file", true)
		if path != "" {
			if !filepath.IsAbs(path) && p.file != "-" && p.file != "" {
				path = filepath.Join(filepath.Dir(p.file), path)
			}
			var data []byte
			err := fmt.Errorf("no file reader")
			if p.opts.ReadFile != nil {
				data, err = p.opts.ReadFile(path)
			}
			pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
			switch {
			case err != nil:
				e.errf("password_file", "cannot read password_file %s: %v", path, unwrapPathError(err))
			case pw == "":
				e.errf("password_file", "password_file %s is empty", path)
			}
			o.Password = &Password{Plain: pw, Source: "password_file " + path}
		}
	case e.has("password_hash"):
		h := e.str("password_hash", false)
		if _, err := base64.StdEncoding.DecodeString(h); err != nil {
			e.errf("password_hash", "password_hash must be base64 (as export_definitions writes it)")
		}
		alg := e.str("hashing_algorithm", false)
		if alg == "" {
			alg = "rabbit_password_hashing_sha256"
		}
		o.Password = &Password{Hash: h, HasHash: true, Algorithm: alg, Source: "password_hash"}
	}
	if e.has("hashing_algorithm") {
		if !e.has("password_hash") {
			e.errf("hashing_algorithm", "hashing_algorithm goes with password_hash")
		} else if !contains(hashingAlgorithms, e.str("hashing_algorithm", false)) {
			e.errf("hashing_algorithm", "hashing_algorithm must be one of %s", strings.Join(hashingAlgorithms, ", "))
		}
	}
	if e.bad {
		return nil
	}
	return o
}

func unwrapPathError(err error) error {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok && u.Unwrap() != nil {
		return u.Unwrap()
	}
	return err
}

func (p *parser) globalParameter(n *yaml.Node) *Object {
	e := p.entry(GlobalParameters, n, []string{"name", "value"})
	name := e.str("name", true)
	v, ok := e.value("value")
	if !ok && !e.bad {
		e.errf("value", "value is required")
	}
	if e.bad || name == "internal_cluster_id" {
		// internal_cluster_id is each cluster's own: never copied between brokers
		return nil
	}
	return &Object{Kind: GlobalParameters, Line: e.line, ID: []Field{{"name", name}}, Fields: []Field{{"value", v}}}
}

func (p *parser) permission(n *yaml.Node) *Object {
	e := p.entry(Permissions, n, []string{"user", "vhost", "configure", "write", "read"})
	o := &Object{Kind: Permissions, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"user", e.str("user", true)}}}
	return e.patterns(o, "configure", "write", "read")
}

// patterns sets the permission patterns named by keys, all required; nil if the
// entry has problems.
func (e *entry) patterns(o *Object, keys ...string) *Object {
	for _, k := range keys {
		if !e.has(k) {
			e.errf(k, "%s is required (a regular expression; \"\" grants nothing)", k)
		}
		o.Fields = append(o.Fields, Field{k, e.str(k, false)})
	}
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) topicPermission(n *yaml.Node) *Object {
	e := p.entry(TopicPermissions, n, []string{"user", "vhost", "exchange", "write", "read"})
	o := &Object{Kind: TopicPermissions, Line: e.line, Vhost: e.vhostOf(),
		ID: []Field{{"user", e.str("user", true)}, {"exchange", e.str("exchange", true)}}}
	return e.patterns(o, "write", "read")
}

var applyTo = []string{"all", "queues", "exchanges", "classic_queues", "quorum_queues", "streams"}

func (p *parser) policy(kind Kind, n *yaml.Node) *Object {
	e := p.entry(kind, n, []string{"vhost", "name", "pattern", "definition", "priority", "apply-to"})
	o := &Object{Kind: kind, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", e.str("name", true)}}}
	p.policyFields(e, o, e.str("pattern", true), "definition", e.integer("priority", 0), e.str("apply-to", false))
	if e.bad {
		return nil
	}
	return o
}

// policyFields checks and sets a policy's settings; def names the key holding the definition.
func (p *parser) policyFields(e *entry, o *Object, pattern, defKey string, priority int64, to string) {
	def, ok := e.mapping(defKey)
	if !ok && !e.bad {
		e.errf(defKey, "definition is required (a mapping of policy keys)")
	} else if ok && len(def) == 0 {
		e.errf(defKey, "definition must not be empty")
	}
	if to == "" {
		to = "all"
	} else if !contains(applyTo, to) {
		e.errf("apply-to", "apply-to must be one of %s", strings.Join(applyTo, ", "))
	}
	o.Fields = append(o.Fields, Field{"pattern", pattern}, Field{"definition", def},
		Field{"priority", priority}, Field{"apply-to", to})
}

func (p *parser) parameter(n *yaml.Node) *Object {
	e := p.entry(Parameters, n, []string{"vhost", "component", "name", "value"})
	vhost, component, name := e.vhostOf(), e.str("component", true), e.str("name", true)
	v, ok := e.value("value")
	if !ok && !e.bad {
		e.errf("value", "value is required")
	}
	if e.bad {
		return nil
	}
	switch component {
	case "policy":
		e.errf("component", "policies go in the policies section")
		return nil
	case "operator_policy":
		// definitions documents carry operator policies as parameters
		return p.operatorPolicyFromValue(e, vhost, name, v)
	case "vhost-limits":
		m, isMap := v.(map[string]any)
		if !isMap {
			e.errf("value", "vhost-limits value must be a mapping of limits")
			return nil
		}
		lim := &entry{p: p, kind: Vhosts, line: e.line, values: map[string]*yaml.Node{}}
		lim.values["limits"] = e.values["value"]
		limits := lim.limits([]string{"max-connections", "max-queues"})
		if lim.bad || len(m) != len(limits) {
			return nil
		}
		p.vhostLimits = append(p.vhostLimits, &Object{Kind: Vhosts, Line: e.line, ID: []Field{{"name", vhost}},
			Fields: []Field{{"limits", limits}}})
		return nil
	}
	return &Object{Kind: Parameters, Line: e.line, Vhost: vhost,
		ID: []Field{{"component", component}, {"name", name}}, Fields: []Field{{"value", v}}}
}

func (p *parser) operatorPolicyFromValue(e *entry, vhost, name string, v any) *Object {
	m, ok := v.(map[string]any)
	if !ok {
		e.errf("value", "operator_policy value must be a mapping with pattern and definition")
		return nil
	}
	pattern, _ := m["pattern"].(string)
	if pattern == "" {
		e.errf("value", "operator_policy value needs a pattern")
	}
	def, _ := m["definition"].(map[string]any)
	if len(def) == 0 {
		e.errf("value", "operator_policy value needs a definition")
	}
	prio, _ := m["priority"].(int64)
	to, _ := m["apply-to"].(string)
	if to == "" {
		to = "all"
	}
	if e.bad {
		return nil
	}
	o := &Object{Kind: OperatorPolicies, Line: e.line, Vhost: vhost, ID: []Field{{"name", name}},
		Fields: []Field{{"pattern", pattern}, {"definition", def}, {"priority", prio}, {"apply-to", to}}}
	p.doc.Declared[OperatorPolicies] = true
	return o
}

// attachVhostLimits merges vhost-limits parameters into the vhosts they limit. A
// vhost the file does not list (a per-vhost definitions document) gets an entry of its
// own that manages only its limits. 3.11+ exports carry the limits twice, in the
// vhost and as a parameter: that is fine when they agree.
func (p *parser) attachVhostLimits() {
	for _, l := range p.vhostLimits {
		var target *Object
		for _, v := range p.doc.Objects[Vhosts] {
			if v.Name() == l.Name() {
				target = v
			}
		}
		if target == nil {
			p.add(l)
			continue
		}
		if have, has := target.field("limits"); has {
			if want, _ := l.field("limits"); !equal(have, want) {
				p.errf(l.Line, "vhost %q has other limits at line %d", l.Name(), target.Line)
			}
			continue
		}
		target.Fields = append(target.Fields, l.Fields...)
	}
}

func (p *parser) exchange(n *yaml.Node) *Object {
	e := p.entry(Exchanges, n, []string{"vhost", "name", "type", "durable", "auto_delete", "internal", "arguments"})
	name := e.str("name", true)
	if strings.HasPrefix(name, "amq.") {
		if p.definitions {
			return nil // newer exports list the broker's own amq.rabbitmq.log
		}
		e.errf("name", "exchange names starting with \"amq.\" are reserved by the broker")
	}
	o := &Object{Kind: Exchanges, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", name}}}
	args := e.arguments()
	o.Fields = []Field{{"type", e.str("type", true)}, {"durable", e.boolean("durable", true)},
		{"auto_delete", e.boolean("auto_delete", false)}, {"internal", e.boolean("internal", false)},
		{"arguments", args}}
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) queue(n *yaml.Node) *Object {
	e := p.entry(Queues, n, []string{"vhost", "name", "type", "durable", "auto_delete", "arguments"})
	name := e.str("name", true)
	if strings.HasPrefix(name, "amq.") {
		e.errf("name", "queue names starting with \"amq.\" are reserved by the broker")
	}
	o := &Object{Kind: Queues, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", name}}}
	args := e.arguments()
	typ := e.str("type", false)
	if at, ok := args["x-queue-type"]; ok {
		s, isStr := at.(string)
		switch {
		case !isStr:
			e.errf("arguments", "x-queue-type must be a string")
		case typ != "" && typ != s:
			e.errf("type", "type %q and arguments.x-queue-type %q disagree", typ, s)
		}
		typ = s
		delete(args, "x-queue-type")
	}
	if typ != "" && !contains(queueTypes, typ) {
		e.errf("type", "type must be one of %s", strings.Join(queueTypes, ", "))
	}
	durable := e.boolean("durable", true)
	if typ == "quorum" || typ == "stream" {
		if !durable {
			e.errf("durable", "%s queues are always durable", typ)
		}
		if e.boolean("auto_delete", false) {
			e.errf("auto_delete", "%s queues cannot be auto-delete", typ)
		}
	}
	if typ != "" {
		o.Fields = append(o.Fields, Field{"type", typ})
	}
	o.Fields = append(o.Fields, Field{"durable", durable}, Field{"auto_delete", e.boolean("auto_delete", false)},
		Field{"arguments", args})
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) binding(n *yaml.Node) *Object {
	e := p.entry(Bindings, n, []string{"vhost", "source", "destination", "destination_type", "routing_key", "arguments"})
	source := e.str("source", false)
	if !e.has("source") || source == "" {
		e.errf("source", "source is required (bindings of the default exchange are implicit)")
	}
	dt := e.str("destination_type", false)
	if dt == "" {
		dt = "queue"
	} else if dt != "queue" && dt != "exchange" {
		e.errf("destination_type", "destination_type must be queue or exchange")
	}
	args := e.arguments()
	o := &Object{Kind: Bindings, Line: e.line, Vhost: e.vhostOf(), ID: []Field{
		{"source", source}, {"destination_type", dt}, {"destination", e.str("destination", true)},
		{"routing_key", e.str("routing_key", false)}, {"arguments", args}}}
	if e.bad {
		return nil
	}
	return o
}
