package desired

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
)

// Action is what a change does.
type Action string

// The actions of a plan.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	// Conflict: the object differs in a property the broker cannot change in place
	// (a queue's type or arguments). Nothing is done unless recreation is allowed.
	Conflict Action = "conflict"
	// Recreate: a conflicting queue or exchange is deleted and declared again, as the
	// user allowed (its messages and bindings go with it).
	Recreate Action = "recreate"
)

// Change is one step of a plan.
type Change struct {
	Action Action
	Kind   Kind
	Vhost  string
	Name   string
	// ID is the object's identity fields (name; user; source, destination…).
	ID []Field
	// Line is where the file declares the object (0 for deletions).
	Line int
	// Diffs are the settings that change (for creations: the settings given).
	Diffs []Diff
	// Reason explains a conflict or a side effect.
	Reason string

	want, have *Object
	// last: a change to the user rmqctl runs as, made after all others.
	last bool
}

// Diff is one setting's change. Secret ones (passwords) carry no values.
type Diff struct {
	Field    string
	Old, New any
	HasOld   bool
	HasNew   bool
	Secret   bool
}

// String renders a diff as "field: old → new", or "password: (changes)".
func (d Diff) String() string {
	switch {
	case d.Secret && d.HasOld:
		return d.Field + ": (changes)"
	case d.Secret:
		return d.Field + ": (set)"
	case !d.HasOld:
		return d.Field + ": " + quoteEmpty(d.New)
	case !d.HasNew:
		return d.Field + ": " + quoteEmpty(d.Old) + " → (none)"
	}
	return d.Field + ": " + quoteEmpty(d.Old) + " → " + quoteEmpty(d.New)
}

func quoteEmpty(v any) string {
	if s, ok := v.(string); ok && s == "" {
		return `""`
	}
	return Render(v)
}

// Plan is what it takes to converge the broker to a document.
type Plan struct {
	Changes []*Change
	// Unchanged counts the declared objects that already match, per kind.
	Unchanged map[Kind]int
	// Kinds are the kinds the plan covers, in dependency order.
	Kinds []Kind
	// Kept explains objects --prune leaves alone on purpose (the running user).
	Kept []string
}

// Pending reports whether anything differs.
func (p *Plan) Pending() bool { return len(p.Changes) > 0 }

// Count returns how many changes have action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// PlanOptions are the choices that shape a plan.
type PlanOptions struct {
	// Prune deletes objects the file does not declare, only in the kinds it declares
	// and, for per-vhost kinds, in the vhosts it names.
	Prune bool
	// Recreate allows deleting and declaring again queues and exchanges whose
	// unchangeable properties differ.
	Recreate bool
	// RunningUser is never pruned, nor are its permissions.
	RunningUser string
	// Version tells the broker's release, asked only when the plan depends on it
	// (a vhost's default queue type changes, a vhost is protected, a topic permission
	// names an exchange that does not exist). nil: the newest release rmqctl knows.
	Version func() (compat.Version, error)
}

// immutable are the settings a declared queue or exchange cannot change.
var immutable = map[Kind]map[string]string{
	Queues: {"type": "a queue's type cannot change", "durable": "durability cannot change",
		"auto_delete": "auto-delete cannot change", "arguments": "a queue's arguments cannot change (use a policy for what may change)"},
	Exchanges: {"type": "an exchange's type cannot change", "durable": "durability cannot change",
		"auto_delete": "auto-delete cannot change", "internal": "internal cannot change",
		"arguments": "an exchange's arguments cannot change"},
}

// MakePlan compares doc with live. References to objects neither declared nor on the
// broker (a permission for an unknown user, a binding to a missing queue) make an
// *InvalidError: they are found before anything is sent.
func MakePlan(doc *Document, live *Live, opts PlanOptions) (*Plan, error) {
	p := &Plan{Unchanged: map[Kind]int{}}
	version := &brokerVersion{ask: opts.Version}
	problems, err := checkReferences(doc, live, version)
	if err != nil {
		return nil, err
	}
	recreated := map[string]bool{} // endKey of queues and exchanges recreated
	for _, kind := range AllKinds {
		if !doc.Declared[kind] && len(doc.Objects[kind]) == 0 {
			continue
		}
		p.Kinds = append(p.Kinds, kind)
		for _, w := range doc.Objects[kind] {
			h := live.Objects[kind][w.key()]
			ch := compare(w, h)
			if ch == nil {
				if kind == Bindings && (recreated[endKey(w.Vhost, "exchange", w.id("source"))] ||
					recreated[endKey(w.Vhost, w.id("destination_type"), w.id("destination"))]) {
					p.add(&Change{Action: Create, want: w, Reason: "declared again: one of its ends is recreated"})
					continue
				}
				p.Unchanged[kind]++
				continue
			}
			if ch.Action == Conflict && opts.Recreate && (kind == Queues || kind == Exchanges) && !h.exclusive {
				ch.Action = Recreate
				ch.Reason = "deleted and declared again (--recreate-conflicting): " + ch.Reason
				recreated[endKey(w.Vhost, kind.Singular(), w.Name())] = true
			}
			if kind == Vhosts {
				msg, err := vhostReleaseProblem(ch, version)
				if err != nil {
					return nil, err
				}
				if msg != "" {
					problems = append(problems, Problem{Line: w.Line, Msg: w.Label() + ": " + msg})
					continue
				}
			}
			if kind == Vhosts && ch.Action == Update && changes(ch, "default_queue_type") {
				ok, err := version.has(compat.VhostQueueTypeUpdate)
				if err != nil {
					return nil, err
				}
				if c := splitQueueTypeChange(ch); c != nil && !ok {
					p.add(c)
				} else if c != nil {
					ch.Diffs = append(ch.Diffs, c.Diffs...) // the broker changes it in place
				}
				if len(ch.Diffs) == 0 {
					continue
				}
			}
			if opts.RunningUser != "" && ((kind == Users && w.Name() == opts.RunningUser) ||
				((kind == Permissions || kind == TopicPermissions) && w.id("user") == opts.RunningUser)) {
				ch.last = true
				ch.Reason = "made last: rmqctl runs as this user"
			}
			p.add(ch)
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &InvalidError{File: doc.File, Problems: problems}
	}
	if len(recreated) > 0 {
		p.keepBindings(doc, live, opts, recreated)
	}
	if opts.Prune {
		p.prune(doc, live, opts)
	}
	return p, nil
}

// vhostReleaseProblem says why the broker's release cannot make a vhost change
// (protection from deletion before 4.0.6), or "".
func vhostReleaseProblem(ch *Change, version *brokerVersion) (string, error) {
	for _, d := range ch.Diffs {
		if d.Field == "protected_from_deletion" && d.New == true {
			ok, err := version.has(compat.VhostDeletionProtection)
			if err != nil || ok {
				return "", err
			}
			return "protected_from_deletion: " + version.lacks(compat.VhostDeletionProtection), nil
		}
	}
	return "", nil
}

// splitQueueTypeChange takes a vhost's default queue type out of its update: RabbitMQ
// 3.10 (before 3.11.17) keeps the type of an existing vhost whatever a PUT says, so
// there that part is a conflict (reported, never "done"); the rest of the update goes
// ahead.
func splitQueueTypeChange(ch *Change) *Change {
	for i, d := range ch.Diffs {
		if d.Field != "default_queue_type" {
			continue
		}
		ch.Diffs = append(ch.Diffs[:i:i], ch.Diffs[i+1:]...)
		return &Change{Action: Conflict, want: ch.want, have: ch.have, Diffs: []Diff{d},
			Reason: "a vhost's default queue type cannot change once it exists before RabbitMQ 3.11.17"}
	}
	return nil
}

// keepBindings declares again the bindings on the broker that the file does not
// declare but that go with a recreated queue or exchange: recreating must not lose
// them. (With --prune, those in scope are deleted instead, as prune says.)
func (p *Plan) keepBindings(doc *Document, live *Live, opts PlanOptions, recreated map[string]bool) {
	declared := map[string]bool{}
	for _, o := range doc.Objects[Bindings] {
		declared[o.key()] = true
	}
	var keep []*Object
	for key, h := range live.Objects[Bindings] {
		if declared[key] || !(recreated[endKey(h.Vhost, "exchange", h.id("source"))] ||
			recreated[endKey(h.Vhost, h.id("destination_type"), h.id("destination"))]) {
			continue
		}
		if opts.Prune && doc.Declared[Bindings] && doc.Vhosts[h.Vhost] {
			continue // pruned
		}
		keep = append(keep, h)
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].key() < keep[j].key() })
	for _, h := range keep {
		p.add(&Change{Action: Create, want: h, Reason: "not in the file, kept: declared again after its queue or exchange is recreated"})
	}
}

func endKey(vhost, typ, name string) string { return vhost + "\x00" + typ + "\x00" + name }

func (p *Plan) add(c *Change) {
	o := c.want
	if o == nil {
		o = c.have
	}
	c.Kind, c.Vhost, c.Name, c.ID = o.Kind, o.Vhost, o.Name(), o.ID
	if c.want != nil {
		c.Line = c.want.Line
	}
	p.Changes = append(p.Changes, c)
}

// compare returns the change that turns h (nil: missing) into w, or nil.
func compare(w, h *Object) *Change {
	if h == nil {
		c := &Change{Action: Create, want: w}
		for _, f := range w.Fields {
			if m, ok := f.Value.(map[string]any); ok && len(m) == 0 && f.Name == "arguments" {
				continue // no arguments: nothing worth showing
			}
			c.Diffs = append(c.Diffs, Diff{Field: f.Name, New: f.Value, HasNew: true})
		}
		if w.Password != nil && (w.Password.Plain != "" || w.Password.Hash != "") {
			c.Diffs = append(c.Diffs, Diff{Field: "password", Secret: true, HasNew: true})
		}
		return c
	}
	c := &Change{Action: Update, want: w, have: h}
	var reasons []string
	for _, f := range w.Fields {
		old, ok := h.field(f.Name)
		if ok && equal(old, f.Value) {
			continue
		}
		c.Diffs = append(c.Diffs, Diff{Field: f.Name, Old: old, HasOld: ok, New: f.Value, HasNew: true})
		if r, fixed := immutable[w.Kind][f.Name]; fixed {
			reasons = append(reasons, r)
		}
	}
	if w.Kind == Users && w.Password != nil && !passwordMatches(w, h) {
		c.Diffs = append(c.Diffs, Diff{Field: "password", Secret: true, HasOld: true, HasNew: true})
	}
	if h.exclusive {
		c.Action, c.Reason = Conflict, "an exclusive queue of a connection has this name"
		return c
	}
	if len(c.Diffs) == 0 {
		return nil
	}
	if len(reasons) > 0 {
		c.Action = Conflict
		c.Reason = strings.Join(reasons, "; ")
	}
	return c
}

// passwordMatches compares the file's password with the stored hash, hashing a plain
// password with the stored salt; nothing is sent to the broker.
func passwordMatches(w, h *Object) bool {
	hash, alg := h.password[0], h.password[1]
	if alg == "" {
		alg = "rabbit_password_hashing_sha256"
	}
	pw := w.Password
	if pw.HasHash {
		return pw.Hash == hash && (hash == "" || pw.Algorithm == alg)
	}
	return PasswordMatches(alg, hash, pw.Plain)
}

// prune adds the deletions of live objects the document does not declare, within
// the kinds it declares and the vhosts it names.
func (p *Plan) prune(doc *Document, live *Live, opts PlanOptions) {
	want := map[Kind]map[string]bool{}
	for kind, objs := range doc.Objects {
		want[kind] = map[string]bool{}
		for _, o := range objs {
			want[kind][o.key()] = true
		}
	}
	// what declared objects need is never pruned: binding ends, permission users
	needed := map[string]bool{}
	for _, o := range doc.Objects[Bindings] {
		needed[endKey(o.Vhost, "exchange", o.id("source"))] = true
		needed[endKey(o.Vhost, o.id("destination_type"), o.id("destination"))] = true
	}
	for _, kind := range []Kind{Permissions, TopicPermissions} {
		for _, o := range doc.Objects[kind] {
			needed[endKey("", "user", o.id("user"))] = true
		}
	}
	deletedVhosts, deletedUsers := map[string]bool{}, map[string]bool{}
	gone := map[string]bool{} // queues and exchanges deleted, by endKey
	for _, kind := range AllKinds {
		if !doc.Declared[kind] {
			continue
		}
		var dels []*Object
		keys := make([]string, 0, len(live.Objects[kind]))
		for key := range live.Objects[kind] {
			keys = append(keys, key)
		}
		sort.Strings(keys) // a stable plan, and stable notes
		for _, key := range keys {
			h := live.Objects[kind][key]
			if want[kind][key] {
				continue
			}
			if kind.PerVhost() && (!doc.Vhosts[h.Vhost] || deletedVhosts[h.Vhost]) {
				continue // out of scope, or goes with its vhost
			}
			switch kind {
			case Vhosts:
				if doc.Vhosts[h.Name()] {
					continue // named by declared objects: kept
				}
				if h.bool("protected_from_deletion") {
					// the broker would refuse (412): say so instead of trying
					p.add(&Change{Action: Conflict, have: h, Reason: "protected from deletion, so not pruned: " +
						"disable_vhost_deletion_protection first to delete it"})
					continue
				}
			case Users:
				if h.Name() == opts.RunningUser {
					p.Kept = append(p.Kept, fmt.Sprintf("user %q runs this command: not pruned", h.Name()))
					continue
				}
				if needed[endKey("", "user", h.Name())] {
					p.Kept = append(p.Kept, fmt.Sprintf("user %q has declared permissions: not pruned", h.Name()))
					continue
				}
			case Permissions, TopicPermissions:
				if u := h.id("user"); u == opts.RunningUser || deletedUsers[u] {
					continue
				}
			case Queues, Exchanges:
				if h.exclusive || strings.HasPrefix(h.Name(), "amq.gen-") {
					continue // belongs to a connection, or named by the server
				}
				if needed[endKey(h.Vhost, kind.Singular(), h.Name())] {
					p.Kept = append(p.Kept, fmt.Sprintf("%s %q in vhost %q is an end of a declared binding: not pruned",
						kind.Singular(), h.Name(), h.Vhost))
					continue
				}
			case Bindings:
				if gone[endKey(h.Vhost, "exchange", h.id("source"))] ||
					gone[endKey(h.Vhost, h.id("destination_type"), h.id("destination"))] {
					continue // goes with its queue or exchange
				}
			}
			dels = append(dels, h)
		}
		for _, h := range dels {
			switch kind {
			case Vhosts:
				deletedVhosts[h.Name()] = true
			case Users:
				deletedUsers[h.Name()] = true
			case Queues, Exchanges:
				gone[endKey(h.Vhost, kind.Singular(), h.Name())] = true
			}
			p.add(&Change{Action: Delete, have: h})
		}
	}
}
