package desired

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// Live is what the broker has of the kinds a document declares or refers to.
type Live struct {
	// Objects maps each fetched kind to its objects by key.
	Objects map[Kind]map[string]*Object
}

func (l *Live) has(kind Kind, key string) bool {
	_, ok := l.Objects[kind][key]
	return ok
}

func nameKey(vhost, name string) string {
	return (&Object{Vhost: vhost, ID: []Field{{"name", name}}}).key()
}

// needs returns the kinds to read for doc: what it declares, plus vhosts (always:
// every per-vhost object names one), users (permissions name them), exchanges
// (binding ends, topic permissions' exchanges), queues (binding ends), and bindings
// when queues or exchanges may be recreated (their bindings must be kept).
func needs(doc *Document, recreate bool) map[Kind]bool {
	n := map[Kind]bool{Vhosts: true}
	for k := range doc.Declared {
		n[k] = true
	}
	for k, objs := range doc.Objects {
		if len(objs) > 0 {
			n[k] = true
		}
	}
	if n[Permissions] || n[TopicPermissions] {
		n[Users] = true
	}
	if n[Bindings] || n[TopicPermissions] {
		n[Exchanges] = true
	}
	if n[Bindings] {
		n[Queues] = true
	}
	if recreate && (n[Queues] || n[Exchanges]) {
		n[Bindings] = true
	}
	return n
}

// maxVhostReads bounds the per-vhost reads of one kind: a file naming more existing
// vhosts than this is read with one broker-wide request per kind.
const maxVhostReads = 32

// Fetch reads the broker's state for doc: only the kinds it needs, and of what lives
// in vhosts only the vhosts doc names. First the vhosts (and users, global
// parameters, parameters, vhost limits, as needed), all at once; then, for each kind
// living in vhosts, one request per named vhost that exists (none for a vhost still
// to be created), or one broker-wide request when the file names every vhost of the
// broker or more than maxVhostReads of them. Lists ask for the columns compared and
// no statistics. recreate says whether conflicting queues and exchanges may be
// recreated.
func Fetch(ctx context.Context, c *mgmtapi.Client, doc *Document, recreate bool) (*Live, error) {
	f := &fetch{c: c, doc: doc, l: &Live{Objects: map[Kind]map[string]*Object{}}, limits: map[string]map[string]any{}}
	need := needs(doc, recreate)
	f.run(ctx, func() error { return f.vhosts(ctx) })
	if declaresVhostLimits(doc) {
		f.run(ctx, func() error { return f.vhostLimits(ctx) })
	}
	for _, kind := range []Kind{Users, GlobalParameters, Parameters} {
		if need[kind] {
			kind := kind
			f.run(ctx, func() error { return f.list(ctx, kind, "") })
		}
	}
	if err := f.wait(); err != nil {
		return nil, err
	}
	f.addVhosts()
	var perVhost []Kind
	for _, kind := range AllKinds {
		if need[kind] && kind.PerVhost() && kind != Parameters {
			perVhost = append(perVhost, kind)
		}
	}
	scope := f.scope()
	for _, kind := range perVhost {
		for _, vh := range scope {
			kind, vh := kind, vh
			f.run(ctx, func() error { return f.list(ctx, kind, vh) })
		}
	}
	if err := f.wait(); err != nil {
		return nil, err
	}
	return f.l, nil
}

// fetch is one Fetch: its reads run at once, at most readConcurrency in flight.
type fetch struct {
	c         *mgmtapi.Client
	doc       *Document
	l         *Live
	mu        sync.Mutex
	wg        sync.WaitGroup
	sem       chan struct{}
	err       error
	limits    map[string]map[string]any // vhost limits by vhost
	vhostObjs []*Object                 // the broker's vhosts, as read
	onHost    map[string]bool           // the broker's vhosts, by name
}

const readConcurrency = 8

func (f *fetch) run(ctx context.Context, read func() error) {
	if f.sem == nil {
		f.sem = make(chan struct{}, readConcurrency)
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		f.sem <- struct{}{}
		defer func() { <-f.sem }()
		f.mu.Lock()
		failed := f.err != nil
		f.mu.Unlock()
		if failed {
			return // another read failed: the fetch has
		}
		err := ctx.Err()
		if err == nil {
			err = read()
		}
		if err != nil {
			f.mu.Lock()
			if f.err == nil {
				f.err = err
			}
			f.mu.Unlock()
		}
	}()
}

func (f *fetch) wait() error {
	f.wg.Wait()
	return f.err
}

func (f *fetch) add(o *Object) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o.Kind.PerVhost() && !f.doc.Vhosts[o.Vhost] {
		return // from a broker-wide list: outside the file's vhosts
	}
	m := f.l.Objects[o.Kind]
	if m == nil {
		m = map[string]*Object{}
		f.l.Objects[o.Kind] = m
	}
	m[o.key()] = o
}

// scope is where per-vhost kinds are read: "" (the whole broker) when that is the
// cheaper read, else the vhosts the file names that exist.
func (f *fetch) scope() []string {
	var vhosts []string
	for vh := range f.doc.Vhosts {
		if f.onHost[vh] {
			vhosts = append(vhosts, vh)
		}
	}
	if len(vhosts) == 0 {
		return nil
	}
	if len(vhosts) == len(f.onHost) || len(vhosts) > maxVhostReads {
		return []string{""}
	}
	sort.Strings(vhosts)
	return vhosts
}

func (f *fetch) vhosts(ctx context.Context) error {
	var vhosts []*Object
	q := mgmtapi.ListQuery{Columns: []string{"name", "description", "tags", "default_queue_type", "tracing",
		"protected_from_deletion"}, DisableStats: true}
	err := f.c.ListVhostItems(ctx, q, func(it mgmtapi.Item) error {
		o := &Object{Kind: Vhosts, ID: []Field{{"name", itemStr(it, "name")}}, Fields: []Field{
			{"description", itemStr(it, "description")}, {"tags", sortedTags(vhostTags(it.Value("tags")))},
			{"tracing", it.Value("tracing") == true}, {"protected_from_deletion", it.Value("protected_from_deletion") == true}}}
		if dqt := itemStr(it, "default_queue_type"); dqt != "" && dqt != "undefined" {
			o.Fields = append(o.Fields, Field{"default_queue_type", dqt})
		}
		vhosts = append(vhosts, o)
		return nil
	})
	f.mu.Lock()
	f.vhostObjs = vhosts
	f.mu.Unlock()
	return err
}

// vhostLimits reads the limits of every vhost that has some (one short list), for
// the vhosts whose limits the file gives.
func (f *fetch) vhostLimits(ctx context.Context) error {
	return f.c.ListVhostLimits(ctx, "", func(it mgmtapi.Item) error {
		m, _ := canonical(it.Value("value")).(map[string]any)
		f.mu.Lock()
		f.limits[itemStr(it, "vhost")] = m
		f.mu.Unlock()
		return nil
	})
}

// addVhosts records the vhosts read, with their limits.
func (f *fetch) addVhosts() {
	f.onHost = map[string]bool{}
	for _, v := range f.vhostObjs {
		limits := f.limits[v.Name()]
		if limits == nil {
			limits = map[string]any{}
		}
		v.Fields = append(v.Fields, Field{"limits", limits})
		f.onHost[v.Name()] = true
		f.add(v)
	}
}

// list reads one kind, in vhost vh ("" for the whole broker). A vhost deleted since
// the vhosts were read has nothing in it.
func (f *fetch) list(ctx context.Context, kind Kind, vh string) error {
	var err error
	switch kind {
	case Users:
		err = f.c.ListUsers(ctx, func(u mgmtapi.UserInfo) error {
			limits, _ := canonical(u.Limits).(map[string]any)
			if limits == nil {
				limits = map[string]any{}
			}
			o := &Object{Kind: Users, ID: []Field{{"name", u.Name}}, Fields: []Field{
				{"tags", sortedTags(u.Tags)}, {"limits", limits}}}
			o.password = [2]string{u.PasswordHash, u.HashingAlgorithm}
			f.add(o)
			return nil
		})
	case Permissions:
		fn := func(p mgmtapi.PermissionInfo) error {
			f.add(&Object{Kind: Permissions, Vhost: p.Vhost, ID: []Field{{"user", p.User}}, Fields: []Field{
				{"configure", p.Configure}, {"write", p.Write}, {"read", p.Read}}})
			return nil
		}
		if vh == "" {
			err = f.c.ListPermissions(ctx, fn)
		} else {
			err = f.c.ListPermissionsIn(ctx, vh, fn)
		}
	case TopicPermissions:
		fn := func(p mgmtapi.TopicPermissionInfo) error {
			f.add(&Object{Kind: TopicPermissions, Vhost: p.Vhost, ID: []Field{{"user", p.User}, {"exchange", p.Exchange}},
				Fields: []Field{{"write", p.Write}, {"read", p.Read}}})
			return nil
		}
		if vh == "" {
			err = f.c.ListTopicPermissions(ctx, fn)
		} else {
			err = f.c.ListTopicPermissionsIn(ctx, vh, fn)
		}
	case Policies, OperatorPolicies:
		err = f.c.ListPolicies(ctx, vh, kind == OperatorPolicies, func(it mgmtapi.Item) error {
			f.add(&Object{Kind: kind, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", itemStr(it, "name")}}, Fields: []Field{
				{"pattern", itemStr(it, "pattern")}, {"definition", canonical(it.Value("definition"))},
				{"priority", canonical(it.Value("priority"))}, {"apply-to", itemStr(it, "apply-to")}}})
			return nil
		})
	case Parameters:
		err = f.c.ListParameters(ctx, func(it mgmtapi.Item) error {
			switch itemStr(it, "component") {
			case "policy", "operator_policy", "vhost-limits":
				return nil // managed as policies, operator policies and vhost limits
			}
			f.add(&Object{Kind: Parameters, Vhost: itemStr(it, "vhost"),
				ID:     []Field{{"component", itemStr(it, "component")}, {"name", itemStr(it, "name")}},
				Fields: []Field{{"value", canonical(it.Value("value"))}}})
			return nil
		})
	case GlobalParameters:
		err = f.c.ListGlobalParameters(ctx, func(it mgmtapi.Item) error {
			if name := itemStr(it, "name"); name != "internal_cluster_id" {
				f.add(&Object{Kind: GlobalParameters, ID: []Field{{"name", name}},
					Fields: []Field{{"value", canonical(it.Value("value"))}}})
			}
			return nil
		})
	case Exchanges:
		q := mgmtapi.ListQuery{Columns: []string{"name", "vhost", "type", "durable", "auto_delete", "internal", "arguments"},
			DisableStats: true, Unsorted: true}
		_, err = f.c.ListExchanges(ctx, vh, q, func(it mgmtapi.Item) error {
			name := itemStr(it, "name")
			if name == "" || strings.HasPrefix(name, "amq.") {
				return nil // the broker's own exchanges
			}
			f.add(&Object{Kind: Exchanges, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", name}}, Fields: []Field{
				{"type", itemStr(it, "type")}, {"durable", it.Value("durable") == true},
				{"auto_delete", it.Value("auto_delete") == true}, {"internal", it.Value("internal") == true},
				{"arguments", liveMap(it.Value("arguments"))}}})
			return nil
		})
	case Queues:
		q := mgmtapi.ListQuery{Columns: []string{"name", "vhost", "type", "durable", "auto_delete", "exclusive", "arguments"},
			DisableStats: true, Unsorted: true}
		_, err = f.c.ListQueues(ctx, vh, q, func(it mgmtapi.Item) error {
			args := liveMap(it.Value("arguments"))
			typ := itemStr(it, "type")
			if t, ok := args["x-queue-type"].(string); ok && typ == "" {
				typ = t
			}
			delete(args, "x-queue-type")
			f.add(&Object{Kind: Queues, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", itemStr(it, "name")}},
				Fields: []Field{{"type", typ}, {"durable", it.Value("durable") == true},
					{"auto_delete", it.Value("auto_delete") == true}, {"arguments", args}},
				exclusive: it.Value("exclusive") == true})
			return nil
		})
	case Bindings:
		q := mgmtapi.ListQuery{Columns: []string{"source", "vhost", "destination", "destination_type", "routing_key",
			"arguments", "properties_key"}, Unsorted: true}
		_, err = f.c.ListBindings(ctx, vh, q, func(it mgmtapi.Item) error {
			if itemStr(it, "source") == "" {
				return nil // the default exchange's implicit bindings
			}
			f.add(&Object{Kind: Bindings, Vhost: itemStr(it, "vhost"), ID: []Field{
				{"source", itemStr(it, "source")}, {"destination_type", itemStr(it, "destination_type")},
				{"destination", itemStr(it, "destination")}, {"routing_key", itemStr(it, "routing_key")},
				{"arguments", liveMap(it.Value("arguments"))}},
				propertiesKey: itemStr(it, "properties_key")})
			return nil
		})
	}
	if vh != "" && mgmtapi.IsNotFound(err) {
		return nil
	}
	return err
}

func declaresVhostLimits(doc *Document) bool {
	for _, v := range doc.Objects[Vhosts] {
		if _, ok := v.field("limits"); ok {
			return true
		}
	}
	return false
}

func itemStr(it mgmtapi.Item, k string) string {
	s, _ := it.Value(k).(string)
	return s
}

func liveMap(v any) map[string]any {
	m, _ := canonical(v).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// vhostTags reads a vhost's tags: a JSON array, or "" / "a,b" from older brokers.
func vhostTags(v any) []string {
	switch x := v.(type) {
	case string:
		return strings.Split(x, ",")
	case []any:
		out := make([]string, 0, len(x))
		for _, t := range x {
			if s, ok := t.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
