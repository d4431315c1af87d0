package cmd

import (
	"context"
	"fmt"
	"strings"

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
