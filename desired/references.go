package desired

import (
	"fmt"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
)

// checkReferences finds declared objects that refer to vhosts, users, exchanges or
// queues that are neither declared nor on the broker. One cause is one problem: a
// missing vhost that fifty queues name is one line, at the first of them.
func checkReferences(doc *Document, live *Live, version *brokerVersion) ([]Problem, error) {
	// index declared names once: files may hold thousands of objects
	index := map[Kind]map[string]bool{}
	for _, kind := range []Kind{Vhosts, Users, Exchanges, Queues} {
		index[kind] = map[string]bool{}
		for _, o := range doc.Objects[kind] {
			index[kind][o.key()] = true
		}
	}
	exists := func(kind Kind, vhost, name string) bool {
		k := nameKey(vhost, name)
		return index[kind][k] || live.has(kind, k)
	}
	causes := &causeList{}
	for _, kind := range AllKinds {
		if !kind.PerVhost() {
			continue
		}
		for _, o := range doc.Objects[kind] {
			if !exists(Vhosts, "", o.Vhost) {
				causes.add(o, fmt.Sprintf("vhost %q is neither declared nor on the broker", o.Vhost))
				continue
			}
			switch kind {
			case Permissions, TopicPermissions:
				if u := o.id("user"); !exists(Users, "", u) {
					causes.add(o, fmt.Sprintf("user %q is neither declared nor on the broker", u))
				}
				if x := o.id("exchange"); kind == TopicPermissions && !strings.HasPrefix(x, "amq.") && !exists(Exchanges, o.Vhost, x) {
					ok, err := version.has(compat.TopicPermissionExchangeChecked)
					if err != nil {
						return nil, err
					}
					if ok {
						causes.add(o, fmt.Sprintf("exchange %q is neither declared nor on the broker (RabbitMQ %s and later %s)", x,
							compat.Lookup(compat.TopicPermissionExchangeChecked).Since, compat.Lookup(compat.TopicPermissionExchangeChecked).Summary))
					}
				}
			case Bindings:
				if s := o.id("source"); !strings.HasPrefix(s, "amq.") && !exists(Exchanges, o.Vhost, s) {
					causes.add(o, fmt.Sprintf("source exchange %q is neither declared nor on the broker", s))
				}
				d, dt := o.id("destination"), o.id("destination_type")
				dkind := Queues
				if dt == "exchange" {
					dkind = Exchanges
				}
				if !(dt == "exchange" && strings.HasPrefix(d, "amq.")) && !exists(dkind, o.Vhost, d) {
					causes.add(o, fmt.Sprintf("destination %s %q is neither declared nor on the broker", dt, d))
				}
			}
		}
	}
	return causes.problems(), nil
}

// causeList gathers problems by cause, so that one cause is reported once.
type causeList struct {
	order []string
	objs  map[string][]*Object
}

func (c *causeList) add(o *Object, msg string) {
	if c.objs == nil {
		c.objs = map[string][]*Object{}
	}
	key := string(o.Kind) + "\x00" + msg
	if _, seen := c.objs[key]; !seen {
		c.order = append(c.order, key)
	}
	c.objs[key] = append(c.objs[key], o)
}

// problems is one problem per cause: the object's label and the cause, or for many
// objects the cause and how many of which kind, at the first one's line.
func (c *causeList) problems() []Problem {
	var out []Problem
	for _, key := range c.order {
		objs := c.objs[key]
		kind, msg, _ := strings.Cut(key, "\x00")
		if len(objs) == 1 {
			out = append(out, Problem{Line: objs[0].Line, Msg: objs[0].Label() + ": " + msg})
			continue
		}
		names := make([]string, len(objs))
		for i, o := range objs {
			names[i] = o.Name()
		}
		out = append(out, Problem{Line: objs[0].Line, Msg: fmt.Sprintf("%s: %d %s (%s)", msg, len(objs), kind, Names(names, 3))})
	}
	return out
}
