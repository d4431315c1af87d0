package desired

import (
	"context"
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

// needs returns the kinds to read for doc: what it declares, plus vhosts and users
// (references), exchanges and queues (binding ends), and bindings when queues or
// exchanges may be recreated (their bindings must be kept).
func needs(doc *Document, recreate bool) map[Kind]bool {
	n := map[Kind]bool{Vhosts: true, Users: true}
	for k := range doc.Declared {
		n[k] = true
	}
	for k, objs := range doc.Objects {
		if len(objs) > 0 {
			n[k] = true
		}
	}
	if n[Bindings] {
		n[Exchanges], n[Queues] = true, true
	}
	if recreate && (n[Queues] || n[Exchanges]) {
		n[Bindings] = true
	}
	return n
}

// Fetch reads the broker's state for doc, one list request per kind, all at once.
// recreate says whether conflicting queues and exchanges may be recreated.
func Fetch(ctx context.Context, c *mgmtapi.Client, doc *Document, recreate bool) (*Live, error) {
	l := &Live{Objects: map[Kind]map[string]*Object{}}
	var mu sync.Mutex
	add := func(o *Object) {
		mu.Lock()
		defer mu.Unlock()
		m := l.Objects[o.Kind]
		if m == nil {
			m = map[string]*Object{}
			l.Objects[o.Kind] = m
		}
		m[o.key()] = o
	}
	var wg sync.WaitGroup
	var firstErr error
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	vhostLimits := map[string]map[string]any{}
	var vhosts []*Object
	for kind := range needs(doc, recreate) {
		switch kind {
		case Vhosts:
			run(func() error {
				return c.ListVhosts(ctx, []string{"name", "description", "tags", "default_queue_type", "tracing"}, func(v mgmtapi.VhostInfo) error {
					o := &Object{Kind: Vhosts, ID: []Field{{"name", v.Name}}, Fields: []Field{
						{"description", v.Description}, {"tags", sortedTags(vhostTags(v.Tags))},
						{"tracing", v.Tracing}}}
					if v.DefaultQueueType != "" && v.DefaultQueueType != "undefined" {
						o.Fields = append(o.Fields, Field{"default_queue_type", v.DefaultQueueType})
					}
					mu.Lock()
					vhosts = append(vhosts, o)
					mu.Unlock()
					return nil
				})
			})
			if !declaresVhostLimits(doc) {
				break // limits are compared only for vhosts whose limits the file gives
			}
			run(func() error {
				return c.ListVhostLimits(ctx, "", func(it mgmtapi.Item) error {
					m, _ := canonical(it.Value("value")).(map[string]any)
					vh, _ := it.Value("vhost").(string)
					mu.Lock()
					vhostLimits[vh] = m
					mu.Unlock()
					return nil
				})
			})
		case Users:
			run(func() error {
				return c.ListUsers(ctx, func(u mgmtapi.UserInfo) error {
					limits, _ := canonical(u.Limits).(map[string]any)
					if limits == nil {
						limits = map[string]any{}
					}
					o := &Object{Kind: Users, ID: []Field{{"name", u.Name}}, Fields: []Field{
						{"tags", sortedTags(u.Tags)}, {"limits", limits}}}
					o.password = [2]string{u.PasswordHash, u.HashingAlgorithm}
					add(o)
					return nil
				})
			})
		case Permissions:
			run(func() error {
				return c.ListPermissions(ctx, func(p mgmtapi.PermissionInfo) error {
					add(&Object{Kind: Permissions, Vhost: p.Vhost, ID: []Field{{"user", p.User}}, Fields: []Field{
						{"configure", p.Configure}, {"write", p.Write}, {"read", p.Read}}})
					return nil
				})
			})
		case TopicPermissions:
			run(func() error {
				return c.ListTopicPermissions(ctx, func(p mgmtapi.TopicPermissionInfo) error {
					add(&Object{Kind: TopicPermissions, Vhost: p.Vhost, ID: []Field{{"user", p.User}, {"exchange", p.Exchange}},
						Fields: []Field{{"write", p.Write}, {"read", p.Read}}})
					return nil
				})
			})
		case Policies, OperatorPolicies:
			run(func() error {
				return c.ListPolicies(ctx, "", kind == OperatorPolicies, func(it mgmtapi.Item) error {
					add(&Object{Kind: kind, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", itemStr(it, "name")}}, Fields: []Field{
						{"pattern", itemStr(it, "pattern")}, {"definition", canonical(it.Value("definition"))},
						{"priority", canonical(it.Value("priority"))}, {"apply-to", itemStr(it, "apply-to")}}})
					return nil
				})
			})
		case Parameters:
			run(func() error {
				return c.ListParameters(ctx, func(it mgmtapi.Item) error {
					switch itemStr(it, "component") {
					case "policy", "operator_policy", "vhost-limits":
						return nil // managed as policies, operator policies and vhost limits
					}
					add(&Object{Kind: Parameters, Vhost: itemStr(it, "vhost"),
						ID:     []Field{{"component", itemStr(it, "component")}, {"name", itemStr(it, "name")}},
						Fields: []Field{{"value", canonical(it.Value("value"))}}})
					return nil
				})
			})
		case GlobalParameters:
			run(func() error {
				return c.ListGlobalParameters(ctx, func(it mgmtapi.Item) error {
					if name := itemStr(it, "name"); name != "internal_cluster_id" {
						add(&Object{Kind: GlobalParameters, ID: []Field{{"name", name}},
							Fields: []Field{{"value", canonical(it.Value("value"))}}})
					}
					return nil
				})
			})
		case Exchanges:
			run(func() error {
				q := mgmtapi.ListQuery{Columns: []string{"name", "vhost", "type", "durable", "auto_delete", "internal", "arguments"},
					DisableStats: true, Unsorted: true}
				_, err := c.ListExchanges(ctx, "", q, func(it mgmtapi.Item) error {
					name := itemStr(it, "name")
					if name == "" || strings.HasPrefix(name, "amq.") {
						return nil // the broker's own exchanges
					}
					add(&Object{Kind: Exchanges, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", name}}, Fields: []Field{
						{"type", itemStr(it, "type")}, {"durable", it.Value("durable") == true},
						{"auto_delete", it.Value("auto_delete") == true}, {"internal", it.Value("internal") == true},
						{"arguments", liveMap(it.Value("arguments"))}}})
					return nil
				})
				return err
			})
		case Queues:
			run(func() error {
				q := mgmtapi.ListQuery{Columns: []string{"name", "vhost", "type", "durable", "auto_delete", "exclusive", "arguments"},
					DisableStats: true, Unsorted: true}
				_, err := c.ListQueues(ctx, "", q, func(it mgmtapi.Item) error {
					args := liveMap(it.Value("arguments"))
					typ := itemStr(it, "type")
					if t, ok := args["x-queue-type"].(string); ok && typ == "" {
						typ = t
					}
					delete(args, "x-queue-type")
					add(&Object{Kind: Queues, Vhost: itemStr(it, "vhost"), ID: []Field{{"name", itemStr(it, "name")}},
						Fields: []Field{{"type", typ}, {"durable", it.Value("durable") == true},
							{"auto_delete", it.Value("auto_delete") == true}, {"arguments", args}},
						exclusive: it.Value("exclusive") == true})
					return nil
				})
				return err
			})
		case Bindings:
			run(func() error {
				_, err := c.ListBindings(ctx, "", mgmtapi.ListQuery{Unsorted: true}, func(it mgmtapi.Item) error {
					if itemStr(it, "source") == "" {
						return nil // the default exchange's implicit bindings
					}
					add(&Object{Kind: Bindings, Vhost: itemStr(it, "vhost"), ID: []Field{
						{"source", itemStr(it, "source")}, {"destination_type", itemStr(it, "destination_type")},
						{"destination", itemStr(it, "destination")}, {"routing_key", itemStr(it, "routing_key")},
						{"arguments", liveMap(it.Value("arguments"))}},
						propertiesKey: itemStr(it, "properties_key")})
					return nil
				})
				return err
			})
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for _, v := range vhosts {
		limits := vhostLimits[v.Name()]
		if limits == nil {
			limits = map[string]any{}
		}
		v.Fields = append(v.Fields, Field{"limits", limits})
		add(v)
	}
	return l, nil
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
