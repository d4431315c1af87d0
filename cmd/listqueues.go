package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// list_queues: its info keys, as each queue type and release report them, and the
// command, which streams the rows of every page.

// Queues

// typed is a queue statistic that only some queue types report: for the others
// rabbitmqctl prints an empty field even where the HTTP API has a value. missing is
// what a type that has it shows when the server leaves the field out.
func typed(name, path string, types []string, missing any) infoItem {
	return infoItem{name: name, fields: []string{path, "type"}, stats: true, cell: func(it mgmtapi.Item) output.Cell {
		t, _ := it.Get("type").(string)
		if !contains(types, t) {
			return output.Str("")
		}
		if v := it.Get(path); v != nil {
			return output.Raw(termText(v), v)
		}
		if missing != nil {
			return output.Raw(termText(missing), missing)
		}
		return output.Str("")
	}}
}

var (
	classic         = []string{"classic"}
	classicOrQuorum = []string{"classic", "quorum"}
)

func classicOnly(name string) infoItem { return typed(name, name, classic, nil) }

// queueItems are list_queues's info items. Columns that are Erlang pids in rabbitmqctl
// get the closest name the HTTP API has (see README): pid → the queue's node (or
// leader), owner_pid → the owning connection's name, exclusive_consumer_pid → the
// exclusive consumer's channel name, slave_pids → node names.
var queueItems = infoItems{
	all: []infoItem{
		item("name", false), item("durable", false), item("auto_delete", false),
		{name: "arguments", fields: []string{"arguments"}, cell: table("arguments")},
		item("policy", true),
		{name: "pid", fields: []string{"node", "leader"}, cell: func(it mgmtapi.Item) output.Cell {
			return field(firstPresent(it, "node", "leader"))(it)
		}},
		{name: "owner_pid", fields: []string{"exclusive"}, cell: field("owner_pid_details.name")},
		item("exclusive", false),
		{name: "exclusive_consumer_pid", fields: []string{"exclusive_consumer_tag"}, stats: true, cell: exclusiveConsumerChannel},
		item("exclusive_consumer_tag", true),
		item("messages_ready", false), item("messages_unacknowledged", false), item("messages", false),
		classicOnly("messages_ready_ram"), classicOnly("messages_unacknowledged_ram"),
		typed("messages_ram", "messages_ram", classicOrQuorum, 0),
		classicOnly("messages_persistent"), classicOnly("message_bytes"), classicOnly("message_bytes_ready"),
		classicOnly("message_bytes_unacknowledged"), typed("message_bytes_ram", "message_bytes_ram", classicOrQuorum, 0),
		classicOnly("message_bytes_persistent"), classicOnly("head_message_timestamp"),
		typed("disk_reads", "message_stats.disk_reads", classic, 0), typed("disk_writes", "message_stats.disk_writes", classic, 0),
		item("consumers", true), classicOnly("consumer_utilisation"), classicOnly("consumer_capacity"), item("memory", true),
		renamed("slave_pids", "slave_nodes", true), renamed("synchronised_slave_pids", "synchronised_slave_nodes", true),
		item("state", false), item("type", false), releaseLeader("leader"), releaseLeader("members"), item("online", false),
		item("operator_policy", true),
		{name: "effective_policy_definition", fields: []string{"effective_policy_definition"}, stats: true,
			cell: proplist("effective_policy_definition", true), forRelease: func(p compat.Profile) infoItem {
				return infoItem{name: "effective_policy_definition", fields: []string{"effective_policy_definition"}, stats: true,
					cell: proplist("effective_policy_definition", p.Has(compat.JSONProplistObjects))}
			}},
	},
	defaults: []string{"name", "messages"},
}

// releaseLeader is list_queues's leader or members: quorum queues and streams have
// them; from 4.0.3 a classic queue's are its node (as the HTTP API does not say).
func releaseLeader(name string) infoItem {
	it := item(name, false)
	it.forRelease = func(p compat.Profile) infoItem {
		if !p.Has(compat.ClassicQueueLeader) {
			return item(name, false)
		}
		return infoItem{name: name, fields: []string{name, "node", "type"}, cell: func(q mgmtapi.Item) output.Cell {
			if q.Get(name) != nil || q.Get("type") != "classic" {
				return field(name)(q)
			}
			node, _ := q.Get("node").(string)
			if name == "members" {
				return output.Raw("["+node+"]", []any{node})
			}
			return output.Str(node)
		}}
	}
	return it
}

// proplist renders an object as rabbitmqctl prints an Erlang property list with binary
// keys: [{<<"k">>, v}, …]. In JSON it is the object ({} when empty) where the release
// turns property lists into maps (asObject), else a list of [key, value] pairs.
func proplist(path string, asObject bool) func(mgmtapi.Item) output.Cell {
	return func(it mgmtapi.Item) output.Cell {
		o, _ := it.Get(path).(*mgmtapi.Object)
		if o == nil {
			o = mgmtapi.NewObject()
		}
		parts := make([]string, 0, o.Len())
		pairs := make([]any, 0, o.Len())
		for _, k := range o.Keys() {
			parts = append(parts, "{<<\""+k+"\">>, "+erlangTerm(o.Value(k))+"}")
			pairs = append(pairs, []any{k, o.Value(k)})
		}
		if asObject {
			return output.Raw("["+strings.Join(parts, ", ")+"]", o)
		}
		return output.Raw("["+strings.Join(parts, ", ")+"]", pairs)
	}
}

// erlangTerm renders a JSON value as Erlang prints the term the broker holds: strings
// are binaries (<<"x">>).
func erlangTerm(v any) string {
	switch t := v.(type) {
	case string:
		return "<<\"" + t + "\">>"
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = erlangTerm(x)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return termText(v)
}

func firstPresent(it mgmtapi.Item, paths ...string) string {
	for _, p := range paths {
		if it.Get(p) != nil {
			return p
		}
	}
	return paths[0]
}

func exclusiveConsumerChannel(it mgmtapi.Item) output.Cell {
	tag, _ := it.Get("exclusive_consumer_tag").(string)
	if consumers, ok := it.Get("consumer_details").([]any); ok && tag != "" {
		for _, c := range consumers {
			if o, ok := c.(*mgmtapi.Object); ok && o.Get("consumer_tag") == tag {
				return field("channel_details.name")(o)
			}
		}
	}
	return output.Str("")
}

// streamFill are the items the queue list leaves out for streams: their message
// counters (without statistics) and their leader, members and online nodes.
var streamFill = map[string]bool{"messages": true, "messages_ready": true, "messages_unacknowledged": true,
	"leader": true, "members": true, "online": true}

// ListQueuesOptions are list_queues's inputs.
type ListQueuesOptions struct {
	F                      *Factory
	Columns                []infoItem
	Online, Offline, Local bool
	Paging                 pagingFlags
}

func newCmdListQueues(f *Factory) *cobra.Command {
	o := &ListQueuesOptions{F: f}
	c := listCommand(f, "list_queues [--vhost <vhost>] [--online] [--offline] [--local] [--no-table-headers] [<column>, ...] [--timeout <timeout>]",
		"Lists queues and their properties",
		`Lists the queues of a vhost. One request asks the server for the requested columns
only, without statistics when none of them needs any, and rows are printed as they
arrive: memory stays flat with 20 000 queues. --page/--page-size return one page;
--name-regex filters on the server.`,
		`  rmqctl list_queues name messages
  rmqctl list_queues -p qa1 name type leader members --formatter json
  rmqctl list_queues --name-regex '^orders\.' name messages consumers`,
		queueItems, func(ctx context.Context, cols []infoItem) error {
			o.Columns = cols
			return runListQueues(ctx, o)
		})
	c.Annotations = map[string]string{annTimeoutMS: "60000"}
	c.Flags().BoolVar(&o.Online, "online", false, "only queues whose node is up")
	c.Flags().BoolVar(&o.Offline, "offline", false, "only queues whose node is down")
	c.Flags().BoolVar(&o.Local, "local", false, "only queues on the node that answers")
	o.Paging.add(c)
	return c
}

func runListQueues(ctx context.Context, o *ListQueuesOptions) error {
	f := o.F
	vhost := f.Vhost()
	filters := []string{"type"} // streams need their totals completed
	if o.Online || o.Offline || o.Local {
		filters = append(filters, "state", "node", "leader")
	}
	q := query(o.Columns, filters...)
	q.QueueTotals = true
	var local string
	if o.Local {
		client, err := f.Client()
		if err != nil {
			return err
		}
		c2, cancel := f.withTimeout(ctx)
		ov, err := client.Overview(c2)
		cancel()
		if err != nil {
			return err
		}
		local = ov.Node
	}
	return f.runStreamed(ctx, streamedList{
		banner:         []string{fmt.Sprintf("Timeout: %.1f seconds ...", f.timeout(f.current).Seconds()), "Listing queues for vhost " + vhost + " ..."},
		items:          o.Columns,
		query:          q,
		paging:         &o.Paging,
		missingIsEmpty: true,
		filter: func(it mgmtapi.Item) bool {
			down := it.Get("state") == "down"
			switch {
			case o.Local:
				return termText(it.Get(firstPresent(it, "node", "leader"))) == local
			case o.Online && !o.Offline:
				return !down
			case o.Offline && !o.Online:
				return down
			}
			return true
		},
		fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
			return c.ListQueues(ctx, vhost, q, func(it mgmtapi.Item) error {
				if want := singleQueueFields(it, o.Columns); len(want) > 0 {
					fillFromQueue(ctx, c, vhost, it, want)
				}
				return fn(it)
			})
		},
	})
}

// singleQueueFields are the fields the queue list leaves out for this queue but its
// own record has: a stream's message counters, leader (the node it runs on), members
// and online nodes; an exclusive queue's owner; the consumer behind an exclusive
// consumer tag. Such queues are few, and so are the extra requests.
func singleQueueFields(it mgmtapi.Item, cols []infoItem) []string {
	var want []string
	for _, col := range cols {
		switch {
		case streamFill[col.name] && it.Get("type") == "stream" && it.Get(col.name) == nil:
			want = append(want, col.name)
		case col.name == "owner_pid" && it.Get("exclusive") == true:
			want = append(want, "owner_pid_details")
		case col.name == "exclusive_consumer_pid" && termText(it.Get("exclusive_consumer_tag")) != "":
			want = append(want, "consumer_details")
		}
	}
	return want
}

// fillFromQueue copies want from the queue's own record into it (nothing when the
// queue is gone meanwhile).
func fillFromQueue(ctx context.Context, c *mgmtapi.Client, vhost string, it mgmtapi.Item, want []string) {
	name, _ := it.Get("name").(string)
	full, err := c.GetQueue(ctx, vhost, name, mgmtapi.ListQuery{Columns: append(want, "node")})
	if err != nil {
		return
	}
	for _, k := range want {
		v := full.Value(k)
		if k == "leader" && v == nil {
			v = full.Value("node")
		}
		if v != nil {
			it.Set(k, v)
		}
	}
}

// Connections, channels, consumers

// protocolText renders the HTTP API's "AMQP 0-9-1" as rabbitmqctl's {0,9,1}.
func protocolText(it mgmtapi.Item) output.Cell {
	p, _ := it.Get("protocol").(string)
	if _, ver, ok := strings.Cut(p, " "); ok {
		return output.Str("{" + strings.NewReplacer("-", ",", ".", ",").Replace(ver) + "}")
	}
	return output.Str(p)
}
