// Package desired is rmqctl's desired-state engine: it reads a desired-state file (YAML,
// JSON, or RabbitMQ's definitions document), compares it with what a broker has, plans
// the changes and applies them in dependency order.
//
// It talks to the broker only through mgmtapi and never prints: callers render plans and
// results, and follow progress through events.
package desired

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// Kind is a kind of object the file can declare.
type Kind string

// The kinds, named as the file's sections name them.
const (
	Vhosts           Kind = "vhosts"
	Users            Kind = "users"
	GlobalParameters Kind = "global_parameters"
	Permissions      Kind = "permissions"
	TopicPermissions Kind = "topic_permissions"
	Policies         Kind = "policies"
	OperatorPolicies Kind = "operator_policies"
	Parameters       Kind = "parameters"
	Exchanges        Kind = "exchanges"
	Queues           Kind = "queues"
	Bindings         Kind = "bindings"
)

// AllKinds lists the kinds in the order they are created: what others depend on first.
var AllKinds = []Kind{Vhosts, Users, GlobalParameters, Permissions, TopicPermissions,
	Policies, OperatorPolicies, Parameters, Exchanges, Queues, Bindings}

// Singular names a kind for one object ("queue").
func (k Kind) Singular() string {
	switch k {
	case Policies:
		return "policy"
	case OperatorPolicies:
		return "operator_policy"
	}
	return strings.TrimSuffix(string(k), "s")
}

// PerVhost reports whether objects of the kind live in a vhost.
func (k Kind) PerVhost() bool {
	return k != Vhosts && k != Users && k != GlobalParameters
}

// phase orders creation: vhosts and users first, then what lives in vhosts, bindings
// and topic permissions last (they need their exchanges). Deletion runs the phases
// backwards.
func (k Kind) phase() int {
	switch k {
	case Vhosts, Users, GlobalParameters:
		return 0
	case Bindings, TopicPermissions:
		// 4.3.2+ refuses a topic permission on an exchange that does not exist yet
		return 2
	}
	return 1
}

// Object is one declared or live object: its identity and its settings, as canonical
// values (see canonical) so that file and broker compare equal when they mean the same.
type Object struct {
	Kind  Kind
	Vhost string // for per-vhost kinds
	// ID holds the identity fields beyond the vhost, in display order (name; or user;
	// or user and exchange; component and name; source, destination…).
	ID []Field
	// Fields are the settings compared with the broker's, in display order. A field
	// the file leaves out is not in Fields and is not compared (the broker's is kept).
	Fields []Field
	// Password is what the file says of a user's password (nil: leave it alone).
	Password *Password
	// Line is where the object is declared (0 for live objects).
	Line int

	// live only: exclusive queues belong to a connection and are never pruned.
	exclusive bool
	// live only: a binding's properties_key, needed to delete it.
	propertiesKey string
	// live only: a user's stored password hash and hashing algorithm.
	password [2]string
}

// Field is a named canonical value.
type Field struct {
	Name  string
	Value any
}

// Password is a user's password as the file gives it. Exactly one of Plain (read from
// password_env or password_file) and Hash is meaningful; Plain never leaves the process
// except in the PUT that sets it.
type Password struct {
	Plain     string
	Hash      string
	Algorithm string
	HasHash   bool
	// Source says where the password came from (password_env NAME), for messages.
	Source string
}

// field returns the value of a named field.
func (o *Object) field(name string) (any, bool) {
	for _, f := range o.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

func (o *Object) str(name string) string {
	v, _ := o.field(name)
	s, _ := v.(string)
	return s
}

func (o *Object) bool(name string) bool {
	v, _ := o.field(name)
	b, _ := v.(bool)
	return b
}

func (o *Object) id(name string) string {
	s, _ := o.idValue(name).(string)
	return s
}

// Name is the object's name as a person reads it: the name, or for permissions the
// user, for bindings "source -> destination".
func (o *Object) Name() string {
	switch o.Kind {
	case TopicPermissions:
		return o.id("user") + " on " + o.id("exchange")
	case Parameters:
		return o.id("component") + "/" + o.id("name")
	case Bindings:
		s := o.id("source") + " -> " + o.id("destination_type") + " " + o.id("destination")
		if rk := o.id("routing_key"); rk != "" {
			s += " (" + rk + ")"
		}
		if args, _ := o.idValue("arguments").(map[string]any); len(args) > 0 {
			s += " " + Render(args)
		}
		return s
	}
	if len(o.ID) == 0 {
		return ""
	}
	s, _ := o.ID[0].Value.(string)
	return s
}

// Label names the object in a message: its kind and name, and its vhost for what
// lives in one (queue "orders" in vhost "shop").
func (o *Object) Label() string {
	s := o.Kind.Singular() + " " + strconv.Quote(o.Name())
	if o.Kind.PerVhost() {
		s += " in vhost " + strconv.Quote(o.Vhost)
	}
	return s
}

// Names lists names for a message: all of them up to first, else the first ones and
// how many more ("a", "b", "c" and 47 more).
func Names(names []string, first int) string {
	quoted := make([]string, 0, first)
	for i, n := range names {
		if i == first {
			break
		}
		quoted = append(quoted, strconv.Quote(n))
	}
	s := strings.Join(quoted, ", ")
	if len(names) > first {
		s += fmt.Sprintf(" and %d more", len(names)-first)
	}
	return s
}

func (o *Object) idValue(name string) any {
	for _, f := range o.ID {
		if f.Name == name {
			return f.Value
		}
	}
	return nil
}

// key identifies the object within its kind.
func (o *Object) key() string {
	var b strings.Builder
	b.WriteString(o.Vhost)
	for _, f := range o.ID {
		b.WriteByte(0)
		b.WriteString(Render(f.Value))
	}
	return b.String()
}

// canonical turns a decoded value (from YAML, or the API's JSON) into the form
// used for comparison: integers as int64, other numbers as float64, maps with string
// keys, slices, strings, bools and nil.
func canonical(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return canonical(f)
	case int:
		return int64(x)
	case int64:
		return x
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = canonical(e)
		}
		return m
	case *mgmtapi.Object:
		// as the API's answers are decoded: ordered objects
		m := map[string]any{}
		if x != nil {
			for _, k := range x.Keys() {
				m[k] = canonical(x.Value(k))
			}
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = canonical(e)
		}
		return s
	case []string:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = e
		}
		return s
	}
	return v
}

// Render writes a canonical value compactly: strings as they are at the top level,
// everything else as JSON (map keys sorted).
func Render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return renderJSON(v)
}

func renderJSON(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// equal compares canonical values.
func equal(a, b any) bool {
	return renderJSON(a) == renderJSON(b)
}

// sortedTags turns tags into a sorted, de-duplicated canonical list.
func sortedTags(tags []string) []any {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	res := make([]any, len(out))
	for i, t := range out {
		res[i] = t
	}
	return res
}
