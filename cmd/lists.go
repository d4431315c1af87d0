package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/completions"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// pagingFlags are the --page/--page-size/--name-regex options of the big lists.
type pagingFlags struct {
	page, pageSize int
	nameRegex      string
}

func (p *pagingFlags) add(c *cobra.Command) {
	c.Flags().IntVar(&p.page, "page", 0, "return only this page (from 1) of the list, sorted by name")
	c.Flags().IntVar(&p.pageSize, "page-size", 100, "items per page with --page (at most 500)")
	c.Flags().StringVar(&p.nameRegex, "name-regex", "", "only items whose name matches this regular expression (evaluated by the server)")
}

func (p *pagingFlags) validate() error {
	if p.page < 0 || p.pageSize < 1 || p.pageSize > 500 {
		return usageError(fmt.Sprintf("--page must be at least 1 and --page-size between 1 and 500 (got %d and %d)", p.page, p.pageSize))
	}
	return nil
}

// streamedList is a list whose rows are printed as the server's answer is decoded:
// rabbitmqctl's streamed commands (list_queues, list_exchanges, …), asking the server
// for no more than the columns requested.
type streamedList struct {
	banner []string
	items  []infoItem
	query  mgmtapi.ListQuery
	// fetch lists the objects with that query.
	fetch  func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error)
	filter func(mgmtapi.Item) bool
	// expand turns one object into several rows (consumers grouped per queue); nil is one row.
	paging *pagingFlags
	// missingIsEmpty: a 404 (missing vhost) is an empty list, as rabbitmqctl shows it.
	missingIsEmpty bool
}

func (f *Factory) runStreamed(ctx context.Context, s streamedList) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	if s.paging != nil {
		if err := s.paging.validate(); err != nil {
			return err
		}
	}
	for _, b := range s.banner {
		f.Banner("%s", b)
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	rows := f.NewListHeaders(itemNames(s.items), true, f.headers())
	emit := func(it mgmtapi.Item) error {
		if s.filter != nil && !s.filter(it) {
			return nil
		}
		return rows.Row(rowOf(s.items, it)...)
	}
	q := s.query
	if p := s.paging; p != nil && (p.page > 0 || p.nameRegex != "") {
		q.Page, q.PageSize, q.Name, q.Regex = p.page, p.pageSize, p.nameRegex, p.nameRegex != ""
		if p.page == 0 {
			// A name filter works only on pages: walk the pages of the filtered list.
			q.Page, q.PageSize = 1, 500
			for {
				page, err := s.fetch(ctx, client, q, emit)
				if err != nil {
					return f.listError(s, rows, err)
				}
				if page == nil || page.Page >= page.PageCount {
					break
				}
				q.Page++
			}
			return rows.Close()
		}
	}
	if _, err := s.fetch(ctx, client, q, emit); err != nil {
		return f.listError(s, rows, err)
	}
	return rows.Close()
}

func (f *Factory) listError(s streamedList, rows *output.ListWriter, err error) error {
	if s.missingIsEmpty && mgmtapi.IsNotFound(err) && rows.Rows() == 0 {
		return rows.Close()
	}
	return err
}

// listCommand builds a streamed list command: columns as arguments, validated before
// anything is sent, and completed from the info items.
func listCommand(f *Factory, use, short, long, example string, items infoItems, run func(ctx context.Context, cols []infoItem) error) *cobra.Command {
	return &cobra.Command{
		Use:               use,
		Short:             short,
		Long:              long + "\n\nColumns: " + strings.Join(items.names(), ", ") + ".\nDefault: " + strings.Join(items.defaults, ", ") + ".",
		Example:           example,
		ValidArgsFunction: completions.Columns(items.names()),
		RunE: func(c *cobra.Command, args []string) error {
			cols, err := items.parse(c.Context(), f, c.Name(), args)
			if err != nil {
				return err
			}
			return run(c.Context(), cols)
		},
	}
}

// Exchanges

var exchangeItems = infoItems{
	all: []infoItem{
		item("name", false), item("type", false), item("durable", false), item("auto_delete", false),
		item("internal", false), {name: "arguments", fields: []string{"arguments"}, cell: table("arguments")},
		item("policy", false),
	},
	defaults: []string{"name", "type"},
}

func newCmdListExchanges(f *Factory) *cobra.Command {
	var paging pagingFlags
	c := listCommand(f, "list_exchanges [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		"Lists exchanges", "Lists the exchanges of a vhost.",
		"  rmqctl list_exchanges -p / name type durable arguments",
		exchangeItems, func(ctx context.Context, cols []infoItem) error {
			vhost := f.Vhost()
			return f.runStreamed(ctx, streamedList{
				banner: []string{"Listing exchanges for vhost " + vhost + " ..."},
				items:  cols, query: query(cols), paging: &paging, missingIsEmpty: true,
				fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
					return c.ListExchanges(ctx, vhost, q, fn)
				},
			})
		})
	paging.add(c)
	return c
}

// Bindings

var bindingItems = infoItems{
	all: []infoItem{
		renamed("source_name", "source", false), constant("source_kind", "exchange"),
		renamed("destination_name", "destination", false), renamed("destination_kind", "destination_type", false),
		item("routing_key", false), {name: "arguments", fields: []string{"arguments"}, cell: table("arguments")},
	},
	defaults: []string{"source_name", "source_kind", "destination_name", "destination_kind", "routing_key", "arguments"},
}

func newCmdListBindings(f *Factory) *cobra.Command {
	return listCommand(f, "list_bindings [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		"Lists all bindings on a vhost", "Lists the bindings of a vhost, including the default exchange's.",
		"  rmqctl list_bindings -p / source_name destination_name routing_key",
		bindingItems, func(ctx context.Context, cols []infoItem) error {
			vhost := f.Vhost()
			return f.runStreamed(ctx, streamedList{
				banner: []string{"Listing bindings for vhost " + vhost + "..."},
				items:  cols, query: query(cols), missingIsEmpty: true,
				fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
					return c.ListBindings(ctx, vhost, q, fn)
				},
			})
		})
}

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

var connectionItems = infoItems{
	all: []infoItem{
		// pid is not in the HTTP API: the connection's name is what close_connection takes.
		renamed("pid", "name", false), item("name", false), item("port", false), item("host", false),
		item("peer_port", false), item("peer_host", false), item("ssl", false), item("ssl_protocol", false),
		item("ssl_key_exchange", false), item("ssl_cipher", false), item("ssl_hash", false),
		item("peer_cert_subject", false), item("peer_cert_issuer", false), item("peer_cert_validity", false),
		item("state", true), item("channels", true),
		{name: "protocol", fields: []string{"protocol"}, cell: protocolText},
		item("auth_mechanism", false), item("user", false), item("vhost", false), item("timeout", false),
		item("frame_max", false), item("channel_max", false),
		{name: "client_properties", fields: []string{"client_properties"}, cell: table("client_properties")},
		item("recv_oct", true), item("recv_cnt", true), item("send_oct", true), item("send_cnt", true),
		item("send_pend", true), item("connected_at", false),
	},
	defaults: []string{"user", "peer_host", "peer_port", "state"},
}

func newCmdListConnections(f *Factory) *cobra.Command {
	var paging pagingFlags
	c := listCommand(f, "list_connections [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		"Lists AMQP 0.9.1 connections for the node",
		"Lists client connections across the cluster. pid shows the connection's name, which close_connection takes.",
		"  rmqctl list_connections name user vhost client_properties",
		connectionItems, func(ctx context.Context, cols []infoItem) error {
			return f.runStreamed(ctx, streamedList{
				banner: []string{"Listing connections ..."},
				items:  cols, query: query(cols), paging: &paging,
				fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
					return c.ListConnections(ctx, "", q, fn)
				},
			})
		})
	paging.add(c)
	return c
}

// statistical marks every item as needing the statistics database: channels' counters
// live there, and consumers are only known to it (/api/consumers fails without it).
func statistical(s infoItems) infoItems {
	all := make([]infoItem, len(s.all))
	for i, it := range s.all {
		it.stats = true
		all[i] = it
	}
	return infoItems{all: all, defaults: s.defaults}
}

var channelItems = statistical(infoItems{
	all: []infoItem{
		// pid and connection are Erlang pids: the channel's and its connection's names stand in.
		renamed("pid", "name", false), renamed("connection", "connection_details.name", false),
		item("name", false), item("number", false), item("user", false), item("vhost", false),
		item("transactional", false), item("confirm", false), item("consumer_count", false),
		item("messages_unacknowledged", false), item("messages_uncommitted", false), item("acks_uncommitted", false),
		item("messages_unconfirmed", false), item("prefetch_count", false), item("global_prefetch_count", false),
	},
	defaults: []string{"pid", "user", "consumer_count", "messages_unacknowledged"},
})

func newCmdListChannels(f *Factory) *cobra.Command {
	var paging pagingFlags
	c := listCommand(f, "list_channels [--no-table-headers] [<column> ...]",
		"Lists all channels in the node",
		"Lists channels across the cluster. pid shows the channel's name, connection its connection's name.",
		"  rmqctl list_channels name user consumer_count prefetch_count",
		channelItems, func(ctx context.Context, cols []infoItem) error {
			return f.runStreamed(ctx, streamedList{
				banner: []string{"Listing channels ..."},
				items:  cols, query: query(cols), paging: &paging,
				fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
					return c.ListChannels(ctx, "", q, fn)
				},
			})
		})
	paging.add(c)
	return c
}

var consumerItems = statistical(infoItems{
	all: []infoItem{
		renamed("queue_name", "queue.name", false),
		// channel_pid is a pid: the channel's name stands in.
		renamed("channel_pid", "channel_details.name", false),
		item("consumer_tag", false), item("ack_required", false), item("prefetch_count", false),
		item("active", false), item("activity_status", false),
		{name: "arguments", fields: []string{"arguments"}, cell: table("arguments")},
	},
	defaults: []string{"queue_name", "channel_pid", "consumer_tag", "ack_required", "prefetch_count", "active", "arguments"},
})

func newCmdListConsumers(f *Factory) *cobra.Command {
	return listCommand(f, "list_consumers [--vhost <vhost>] [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		"Lists all consumers for a vhost",
		"Lists the consumers of a vhost. channel_pid shows the channel's name.",
		"  rmqctl list_consumers -p / queue_name consumer_tag active activity_status",
		consumerItems, func(ctx context.Context, cols []infoItem) error {
			// rabbitmqctl prints the consumer columns asked for in its own order, whatever
			// order they were asked in (obs-3.10.8, obs-4.0.5, obs-4.3.6).
			cols = consumerItems.inOrder(cols)
			vhost := f.Vhost()
			return f.runStreamed(ctx, streamedList{
				banner: []string{"Listing consumers in vhost " + vhost + " ..."},
				items:  cols, query: query(cols), missingIsEmpty: true,
				fetch: func(ctx context.Context, c *mgmtapi.Client, q mgmtapi.ListQuery, fn func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error) {
					return c.ListConsumers(ctx, vhost, q, fn)
				},
			})
		})
}
