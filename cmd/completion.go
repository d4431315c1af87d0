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
	_ = root.RegisterFlagCompletionFunc("vhost", completions.Vhosts(src))
	formats := make([]string, len(output.Formats))
	for i, fm := range output.Formats {
		formats[i] = string(fm)
	}
	_ = root.RegisterFlagCompletionFunc("formatter", completions.Fixed(formats...))
	for _, c := range root.Commands() {
		switch c.Name() {
		case "delete_user", "change_password", "clear_password", "set_user_tags", "authenticate_user",
			"set_permissions", "clear_permissions", "list_user_permissions", "set_topic_permissions",
			"clear_topic_permissions", "list_user_topic_permissions":
			c.ValidArgsFunction = completions.Users(src)
		case "delete_vhost", "set_vhost_tags":
			c.ValidArgsFunction = firstArg(completions.Vhosts(src))
		case "list_vhosts":
			c.ValidArgsFunction = completions.Columns(vhostColumns)
		}
	}
}

// firstArg limits a completion to the first positional argument.
func firstArg(fn cobra.CompletionFunc) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fn(c, args, toComplete)
	}
}
