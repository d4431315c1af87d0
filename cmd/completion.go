package cmd

import (
	"context"

	"github.com/rmqctl/rmqctl/completions"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// nameLister adapts the API client to completions.Lister.
type nameLister struct{ c *mgmtapi.Client }

func (n nameLister) VhostNames(ctx context.Context) ([]string, error) {
	var names []string
	err := n.c.ListVhosts(ctx, []string{"name"}, func(v mgmtapi.VhostInfo) error {
		names = append(names, v.Name)
		return nil
	})
	return names, err
}

func (n nameLister) UserNames(ctx context.Context) ([]string, error) { return n.c.ListUserNames(ctx) }

func names(ctx context.Context, list func(context.Context, string, mgmtapi.ListQuery, func(mgmtapi.Item) error) (*mgmtapi.PageInfo, error), vhost string) ([]string, error) {
	var out []string
	_, err := list(ctx, vhost, mgmtapi.ListQuery{Columns: []string{"name"}, DisableStats: true, Unsorted: true}, func(it mgmtapi.Item) error {
		out = append(out, termText(it.Get("name")))
		return nil
	})
	return out, err
}

func (n nameLister) NodeNames(ctx context.Context) ([]string, error) { return n.c.ListNodeNames(ctx) }

func (n nameLister) QueueNames(ctx context.Context, vhost string) ([]string, error) {
	return names(ctx, n.c.ListQueues, vhost)
}

func (n nameLister) ExchangeNames(ctx context.Context, vhost string) ([]string, error) {
	all, err := names(ctx, n.c.ListExchanges, vhost)
	var out []string
	for _, x := range all {
		if x != "" { // the default exchange cannot be named on a command line
			out = append(out, x)
		}
	}
	return out, err
}

func (n nameLister) PolicyNames(ctx context.Context, vhost string, operator bool) ([]string, error) {
	var out []string
	err := n.c.ListPolicies(ctx, vhost, operator, func(it mgmtapi.Item) error {
		out = append(out, termText(it.Get("name")))
		return nil
	})
	return out, err
}

// completionSource builds the lister from the connection flags typed so far.
func (f *Factory) completionSource() completions.Source {
	return func(*cobra.Command) (completions.Lister, error) {
		c, err := f.Client()
		if err != nil {
			return nil, err
		}
		return nameLister{c}, nil
	}
}

// registerCompletions wires live and static completion into the tree.
func (f *Factory) registerCompletions(root *cobra.Command) {
	src := f.completionSource()
	vhostOf := func(*cobra.Command) string { return f.Vhost() }
	_ = root.RegisterFlagCompletionFunc("vhost", completions.Vhosts(src))
	formats := make([]string, len(output.Formats))
	for i, fm := range output.Formats {
		formats[i] = string(fm)
	}
	_ = root.RegisterFlagCompletionFunc("formatter", completions.Fixed(formats...))
	_ = root.RegisterFlagCompletionFunc("node", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		targets, _, _ := f.configTargets()
		return targets, cobra.ShellCompDirectiveNoFileComp
	})
	users := completions.Users(src)
	queues := completions.Queues(src, vhostOf)
	exchanges := completions.Exchanges(src, vhostOf)
	nodes := completions.Nodes(src)
	for _, c := range root.Commands() {
		switch c.Name() {
		case "delete_user", "change_password", "clear_password", "set_user_tags", "authenticate_user",
			"set_permissions", "clear_permissions", "list_user_permissions", "set_topic_permissions",
			"clear_topic_permissions", "list_user_topic_permissions", "set_user_limits", "clear_user_limits",
			"close_all_user_connections":
			c.ValidArgsFunction = users
		case "delete_vhost", "set_vhost_tags":
			c.ValidArgsFunction = completions.Positional(0, completions.Vhosts(src))
		case "delete_queue", "purge_queue", "get":
			c.ValidArgsFunction = completions.Positional(0, queues)
		case "delete_exchange":
			c.ValidArgsFunction = completions.Positional(0, exchanges)
		case "declare_binding", "delete_binding":
			c.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) == 0 {
					return exchanges(c, args, toComplete)
				}
				if len(args) == 1 {
					if t, _ := c.Flags().GetString("destination-type"); t == "exchange" {
						return exchanges(c, args, toComplete)
					}
					return queues(c, args, toComplete)
				}
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		case "clear_policy":
			c.ValidArgsFunction = completions.Positional(0, completions.Policies(src, vhostOf, false))
		case "clear_operator_policy":
			c.ValidArgsFunction = completions.Positional(0, completions.Policies(src, vhostOf, true))
		case "list_vhosts":
			c.ValidArgsFunction = completions.Columns(vhostColumns)
		// the sibling tools' commands (rabbitmq-queues, -streams, -diagnostics)
		case "quorum_status", "list_stream_tracking", "list_policies_that_match":
			c.ValidArgsFunction = completions.Positional(0, queues)
		case "delete_super_stream":
			c.ValidArgsFunction = completions.Positional(0, exchanges)
		case "add_member", "delete_member": // <queue> <node>
			c.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) == 1 {
					return nodes(c, args, toComplete)
				}
				return completions.Positional(0, queues)(c, args, toComplete)
			}
		case "grow": // <node> <all | even>
			c.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) == 1 {
					return completions.Fixed("all", "even")(c, args, toComplete)
				}
				return completions.Positional(0, nodes)(c, args, toComplete)
			}
		case "shrink":
			c.ValidArgsFunction = completions.Positional(0, nodes)
		case "rebalance":
			c.ValidArgsFunction = completions.Positional(0, completions.Fixed("all"))
		case "publish":
			_ = c.RegisterFlagCompletionFunc("exchange", exchanges)
			_ = c.RegisterFlagCompletionFunc("routing-key", queues)
		}
	}
}
