package desired

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	// in them, and only they are read from the broker.
	Vhosts map[string]bool
	// Definitions is set for RabbitMQ's definitions format: a JSON document (what the
	// server's import reads), or one carrying an export's version keys.
	Definitions bool
	// Warnings are things the file does that work but deserve a word (inline
	// passwords), each said once for the whole file.
	Warnings []string
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

// Parse reads a desired-state document (YAML or JSON; RabbitMQ's definitions JSON is
// one) and validates all of it. A document with problems yields an *InvalidError
// listing each with its line.
func Parse(file string, data []byte, opts LoadOptions) (*Document, error) {
	p := &parser{file: file, opts: opts, doc: &Document{
		File: file, Objects: map[Kind][]*Object{}, Declared: map[Kind]bool{}, Vhosts: map[string]bool{},
	}, seen: map[string]int{}, meta: map[string]*yaml.Node{}}
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
	// definitions is set for RabbitMQ's definitions format (see Document.Definitions).
	definitions bool
	// meta holds the definitions document's top-level keys that are not sections.
	meta map[string]*yaml.Node
	// skippedQueues are amq.* queues of a definitions document, skipped as the
	// server's import skips them.
	skippedQueues []string
	// perVhost is set for a per-vhost export (export_definitions -p V): its entries
	// go to the vhost it is applied to, whatever vhost they name.
	perVhost bool
	// from is the vhost a per-vhost export was made of, as far as it tells.
	from string
	// version is the RabbitMQ version a definitions document was exported from.
	version string
	// inlinePasswords names the users given an inline password (definitions format).
	inlinePasswords []string
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
			p.definitions = true // what the server's own import reads
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
		if definitionsTopLevel[k.Value] {
			p.meta[k.Value] = k
			continue
		}
		if !isKind(k.Value) {
			p.errf(k.Line, "unknown section %q (known: %s)", k.Value, kindList())
			continue
		}
	}
	p.readMetadata(sections)
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
	p.warnings()
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
		if v, ok := vals["vhost"]; ok && !p.perVhost {
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
		case !ok || v.Kind != yaml.ScalarNode || (v.Value == "" && k != "routing_key"):
			return nil // no name to tell it by (reported as such)
		default:
			o.ID = append(o.ID, Field{k, v.Value})
		}
	}
	return o
}

func (p *parser) dupError(o *Object, first int) {
	p.errf(o.Line, "%s is declared twice (first at line %d)", o.Label(), first)
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
