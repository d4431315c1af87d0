package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// whichMissing tells, after the server refused for a missing user or vhost, which one
// it was, checking the user first as rabbitmqctl does. It returns nil when both exist.
func whichMissing(ctx context.Context, client *mgmtapi.Client, user, vhost string) error {
	if _, err := client.GetUser(ctx, user); err != nil {
		if mgmtapi.IsNotFound(err) {
			return errUserNotFoundUnquoted(user)
		}
		return err
	}
	if _, err := client.GetVhost(ctx, vhost); err != nil {
		if mgmtapi.IsNotFound(err) {
			return errVhostNotFoundUnquoted(vhost)
		}
		return err
	}
	return nil
}

// permissionWriteError maps the answer to a permissions PUT to rabbitmqctl's errors.
func permissionWriteError(ctx context.Context, client *mgmtapi.Client, user, vhost string, err error) error {
	var ae *mgmtapi.APIError
	switch {
	case mgmtapi.IsBadRequest(err, "vhost_or_user_not_found"):
		if missing := whichMissing(ctx, client, user, vhost); missing != nil {
			return missing
		}
	case errors.As(err, &ae) && ae.Status == 400:
		if text, ok := invalidRegexpText(ae.Reason); ok {
			return genericError(text)
		}
		if x, ok := noSuchExchange(ae.Reason); ok { // 4.3.2+: the exchange must exist
			msg := "Exchange " + x + " does not exist"
			return &cliError{code: exitUnavailable, msg: msg, jsonMsg: msg}
		}
	}
	return err
}

// noSuchExchange reads the server's ["no_such_exchange", Name] refusal.
func noSuchExchange(reason string) (string, bool) {
	var v []string
	if json.Unmarshal([]byte(reason), &v) != nil || len(v) != 2 || v[0] != "no_such_exchange" {
		return "", false
	}
	return v[1], true
}

// invalidRegexpText renders the server's ["invalid_regexp", Pattern, [Message, Pos]]
// as rabbitmqctl prints the same Erlang term: {:invalid_regexp, '*', {'nothing to repeat', 0}}.
func invalidRegexpText(reason string) (string, bool) {
	var v []any
	if json.Unmarshal([]byte(reason), &v) != nil || len(v) != 3 || v[0] != "invalid_regexp" {
		return "", false
	}
	detail, ok := v[2].([]any)
	if !ok || len(detail) != 2 {
		return "", false
	}
	pos, _ := detail[1].(float64)
	return "{:invalid_regexp, " + erlangText(v[1]) + ", {" + erlangText(detail[0]) + ", " +
		strconv.FormatFloat(pos, 'f', -1, 64) + "}}", true
}

// erlangText renders a charlist (a JSON array of codes) as 'text' and a binary (a JSON
// string) as "text", as Elixir's inspect does.
func erlangText(v any) string {
	switch t := v.(type) {
	case string:
		return elixirString(t)
	case []any:
		var b strings.Builder
		for _, c := range t {
			n, _ := c.(float64)
			b.WriteRune(rune(n))
		}
		return "'" + strings.ReplaceAll(b.String(), "'", `\'`) + "'"
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// permissionDeleteError maps a 404 from a permissions DELETE: the server gives it both
// for a missing user or vhost and for nothing to delete, which rabbitmqctl treats as success.
// From 3.12.0 clearing the permissions of a missing user or in a missing vhost is a
// quiet success.
func (f *Factory) permissionDeleteError(ctx context.Context, client *mgmtapi.Client, user, vhost string, err error) error {
	if !mgmtapi.IsNotFound(err) {
		return err
	}
	if unchecked, err := f.has(ctx, compat.ClearPermissionsUnchecked); err != nil || unchecked {
		return err
	}
	return whichMissing(ctx, client, user, vhost)
}

// SetPermissionsOptions are set_permissions's inputs.
type SetPermissionsOptions struct {
	F        *Factory
	Username string
	mgmtapi.Permissions
}

func newCmdSetPermissions(f *Factory) *cobra.Command {
	o := &SetPermissionsOptions{F: f}
	return &cobra.Command{
		Use:   "set_permissions [--vhost <vhost>] <username> <conf> <write> <read>",
		Short: "Sets user permissions for a vhost",
		Long: `Sets the user's configure, write and read permissions in a vhost (-p, default "/").
Each is a regular expression matched against resource names; "" grants nothing.`,
		Example: `  rmqctl set_permissions -p / junesu ".*" ".*" ".*"
  rmqctl set_permissions -p qa1 reader "" "" "^orders\."`,
		Args: exactArgs(4),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			o.Permissions = mgmtapi.Permissions{Configure: args[1], Write: args[2], Read: args[3]}
			return runSetPermissions(c.Context(), o)
		},
	}
}

func runSetPermissions(ctx context.Context, o *SetPermissionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner(`Setting permissions for user "%s" in vhost "%s" ...`, o.Username, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.UpdatePermissionsIn(ctx, vhost, o.Username, o.Permissions); err != nil {
		return permissionWriteError(ctx, client, o.Username, vhost, err)
	}
	return f.printDone()
}

// ClearPermissionsOptions are clear_permissions's inputs.
type ClearPermissionsOptions struct {
	F        *Factory
	Username string
}

func newCmdClearPermissions(f *Factory) *cobra.Command {
	o := &ClearPermissionsOptions{F: f}
	return &cobra.Command{
		Use:     "clear_permissions [--vhost <vhost>] <username>",
		Short:   "Revokes user permissions for a vhost",
		Example: "  rmqctl clear_permissions -p qa1 junesu",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			return runClearPermissions(c.Context(), o)
		},
	}
}

func runClearPermissions(ctx context.Context, o *ClearPermissionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner(`Clearing permissions for user "%s" in vhost "%s" ...`, o.Username, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.ClearPermissionsIn(ctx, vhost, o.Username); err != nil {
		if err := f.permissionDeleteError(ctx, client, o.Username, vhost, err); err != nil {
			return err
		}
	}
	return f.printDone()
}

// ListPermissionsOptions are list_permissions's inputs.
type ListPermissionsOptions struct{ F *Factory }

func newCmdListPermissions(f *Factory) *cobra.Command {
	o := &ListPermissionsOptions{F: f}
	return &cobra.Command{
		Use:     "list_permissions [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
		Short:   "Lists user permissions in a virtual host",
		Example: "  rmqctl list_permissions -p /",
		Args:    noArgs(),
		RunE:    func(c *cobra.Command, _ []string) error { return runListPermissions(c.Context(), o) },
	}
}

func runListPermissions(ctx context.Context, o *ListPermissionsOptions) error {
	vhost := o.F.Vhost()
	return o.F.runList(ctx, listSpec{
		banner:   `Listing permissions for vhost "` + vhost + `" ...`,
		columns:  []string{"user", "configure", "write", "read"},
		notFound: func() error { return errVhostNotFoundBare(vhost) },
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListPermissionsIn(ctx, vhost, func(p mgmtapi.PermissionInfo) error {
				return rows.Row(output.Str(p.User), output.Str(p.Configure), output.Str(p.Write), output.Str(p.Read))
			})
		},
	})
}

// ListUserPermissionsOptions are list_user_permissions's inputs.
type ListUserPermissionsOptions struct {
	F        *Factory
	Username string
}

func newCmdListUserPermissions(f *Factory) *cobra.Command {
	o := &ListUserPermissionsOptions{F: f}
	return &cobra.Command{
		Use:     "list_user_permissions [--no-table-headers] <username> [--timeout <timeout>]",
		Short:   "Lists permissions of a user across all virtual hosts",
		Example: "  rmqctl list_user_permissions junesu",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			return runListUserPermissions(c.Context(), o)
		},
	}
}

func runListUserPermissions(ctx context.Context, o *ListUserPermissionsOptions) error {
	return o.F.runList(ctx, listSpec{
		banner:   `Listing permissions for user "` + o.Username + `" ...`,
		columns:  []string{"vhost", "configure", "write", "read"},
		notFound: func() error { return errNoSuchUserTerm(o.Username) },
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListPermissionsOf(ctx, o.Username, func(p mgmtapi.PermissionInfo) error {
				return rows.Row(output.Str(p.Vhost), output.Str(p.Configure), output.Str(p.Write), output.Str(p.Read))
			})
		},
	})
}

// SetTopicPermissionsOptions are set_topic_permissions's inputs.
type SetTopicPermissionsOptions struct {
	F        *Factory
	Username string
	mgmtapi.TopicPermissions
}

func newCmdSetTopicPermissions(f *Factory) *cobra.Command {
	o := &SetTopicPermissionsOptions{F: f}
	return &cobra.Command{
		Use:   "set_topic_permissions [--vhost <vhost>] <username> <exchange> <write> <read>",
		Short: "Sets topic permissions for an exchange",
		Long: `Restricts which routing keys the user may publish with (write) and bind with (read)
on a topic exchange. Both are regular expressions.`,
		Example: `  rmqctl set_topic_permissions -p / junesu amq.topic "^junesu\." "^junesu\."`,
		Args:    exactArgs(4),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			o.TopicPermissions = mgmtapi.TopicPermissions{Exchange: args[1], Write: args[2], Read: args[3]}
			return runSetTopicPermissions(c.Context(), o)
		},
	}
}

func runSetTopicPermissions(ctx context.Context, o *SetTopicPermissionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner(`Setting topic permissions on "%s" for user "%s" in vhost "%s" ...`, o.Exchange, o.Username, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.UpdateTopicPermissionsIn(ctx, vhost, o.Username, o.TopicPermissions); err != nil {
		return permissionWriteError(ctx, client, o.Username, vhost, err)
	}
	return f.printDone()
}

// ClearTopicPermissionsOptions are clear_topic_permissions's inputs.
type ClearTopicPermissionsOptions struct {
	F        *Factory
	Username string
	Exchange string
}

func newCmdClearTopicPermissions(f *Factory) *cobra.Command {
	o := &ClearTopicPermissionsOptions{F: f}
	return &cobra.Command{
		Use:   "clear_topic_permissions [--vhost <vhost>] <username> [<exchange>]",
		Short: "Clears user topic permissions for a vhost or exchange",
		Example: `  rmqctl clear_topic_permissions -p / junesu amq.topic
  rmqctl clear_topic_permissions -p / junesu`,
		Args: rangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			if len(args) == 2 {
				o.Exchange = args[1]
			}
			return runClearTopicPermissions(c.Context(), o)
		},
	}
}

func runClearTopicPermissions(ctx context.Context, o *ClearTopicPermissionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	if o.Exchange == "" {
		f.Banner(`Clearing topic permissions for user "%s" in vhost "%s" ...`, o.Username, vhost)
	} else {
		f.Banner(`Clearing topic permissions on "%s" for user "%s" in vhost "%s" ...`, o.Exchange, o.Username, vhost)
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.ClearTopicPermissionsIn(ctx, vhost, o.Username, o.Exchange); err != nil {
		if err := f.permissionDeleteError(ctx, client, o.Username, vhost, err); err != nil {
			return err
		}
	}
	return f.printDone()
}

// ListTopicPermissionsOptions are list_topic_permissions's inputs.
type ListTopicPermissionsOptions struct{ F *Factory }

func newCmdListTopicPermissions(f *Factory) *cobra.Command {
	o := &ListTopicPermissionsOptions{F: f}
	return &cobra.Command{
		Use:     "list_topic_permissions [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
		Short:   "Lists topic permissions in a virtual host",
		Example: "  rmqctl list_topic_permissions -p /",
		Args:    noArgs(),
		RunE:    func(c *cobra.Command, _ []string) error { return runListTopicPermissions(c.Context(), o) },
	}
}

func runListTopicPermissions(ctx context.Context, o *ListTopicPermissionsOptions) error {
	vhost := o.F.Vhost()
	return o.F.runList(ctx, listSpec{
		banner:   `Listing topic permissions for vhost "` + vhost + `" ...`,
		columns:  []string{"user", "exchange", "write", "read"},
		notFound: func() error { return errVhostNotFoundBare(vhost) },
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListTopicPermissionsIn(ctx, vhost, func(p mgmtapi.TopicPermissionInfo) error {
				return rows.Row(output.Str(p.User), output.Str(p.Exchange), output.Str(p.Write), output.Str(p.Read))
			})
		},
	})
}

// ListUserTopicPermissionsOptions are list_user_topic_permissions's inputs.
type ListUserTopicPermissionsOptions struct {
	F            *Factory
	Username     string
	TableHeaders bool
}

func newCmdListUserTopicPermissions(f *Factory) *cobra.Command {
	o := &ListUserTopicPermissionsOptions{F: f}
	c := &cobra.Command{
		Use:   "list_user_topic_permissions [--table-headers] <username> [--timeout <timeout>]",
		Short: "Lists user topic permissions",
		Long: `Lists the user's topic permissions in every vhost. As in rabbitmqctl, the table has no
header row unless --table-headers is given.`,
		Example: "  rmqctl list_user_topic_permissions junesu --table-headers",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			return runListUserTopicPermissions(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.TableHeaders, "table-headers", false, "print the table header row")
	return c
}

func runListUserTopicPermissions(ctx context.Context, o *ListUserTopicPermissionsOptions) error {
	return o.F.runList(ctx, listSpec{
		banner:   `Listing topic permissions for user "` + o.Username + `" ...`,
		columns:  []string{"vhost", "exchange", "write", "read"},
		headers:  &o.TableHeaders,
		notFound: func() error { return errNoSuchUserTerm(o.Username) },
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListTopicPermissionsOf(ctx, o.Username, func(p mgmtapi.TopicPermissionInfo) error {
				return rows.Row(output.Str(p.Vhost), output.Str(p.Exchange), output.Str(p.Write), output.Str(p.Read))
			})
		},
	})
}
