package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// limitsObject reads a limits definition: a JSON object.
func limitsObject(raw string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m == nil {
		return nil, genericError("JSON decoding error. Reason: badarg")
	}
	return m, nil
}

func sortedLimitKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// limitsLine prints one object's limits as rabbitmqctl does: compact JSON ({} for none).
func (f *Factory) limitsLine(v any) error {
	if v == nil {
		v = mgmtapi.NewObject()
	}
	if f.format() == output.JSON {
		return output.JSONLine(f.Out(), v)
	}
	return f.printMessage(compactJSON(v))
}

func newCmdSetVhostLimits(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set_vhost_limits [--vhost <vhost>] <definition>",
		Short: "Sets virtual host limits",
		Long: `Sets the vhost's limits, replacing all of them: a JSON object with max-connections
and/or max-queues (a negative value means no limit). {} removes every limit.`,
		Example: `  rmqctl set_vhost_limits -p qa1 '{"max-connections":100,"max-queues":500}'`,
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			vhost := f.Vhost()
			return f.runMutation(c.Context(), fmt.Sprintf(`Setting vhost limits to "%s" for vhost "%s" ...`, args[0], vhost),
				func(ctx context.Context, client *mgmtapi.Client) error {
					if _, err := limitsObject(args[0]); err != nil {
						return err
					}
					// The vhost-limits runtime parameter replaces the whole set at once, with
					// the server's own validation, as rabbitmqctl does.
					err := client.PutParameter(ctx, "vhost-limits", vhost, "limits", json.RawMessage(args[0]))
					if mgmtapi.IsNotFound(err) {
						return errVhostNotFoundBare(vhost)
					}
					return validationError(err)
				})
		},
	}
}

func newCmdClearVhostLimits(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "clear_vhost_limits [--vhost <vhost>]",
		Short:   "Clears virtual host limits",
		Example: "  rmqctl clear_vhost_limits -p qa1",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			vhost := f.Vhost()
			return f.runMutation(c.Context(), fmt.Sprintf(`Clearing vhost "%s" limits ...`, vhost),
				func(ctx context.Context, client *mgmtapi.Client) error {
					err := client.DeleteParameter(ctx, "vhost-limits", vhost, "limits")
					if mgmtapi.IsNotFound(err) {
						return errParameterNotFound()
					}
					return err
				})
		},
	}
}

func newCmdListVhostLimits(f *Factory) *cobra.Command {
	var global bool
	c := &cobra.Command{
		Use:     "list_vhost_limits [--vhost <vhost>] [--global] [--no-table-headers]",
		Short:   "Displays configured virtual host limits",
		Example: "  rmqctl list_vhost_limits -p qa1\n  rmqctl list_vhost_limits --global",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			if global {
				return f.runList(c.Context(), listSpec{
					banner:  "Listing limits for all vhosts ...",
					columns: []string{"vhost", "limits"},
					fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
						return c.ListVhostLimits(ctx, "", func(it mgmtapi.Item) error {
							return rows.Row(field("vhost")(it), jsonCell(it.Get("value")))
						})
					},
				})
			}
			vhost := f.Vhost()
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner(`Listing limits for vhost "%s" ...`, vhost)
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			var limits any
			err = client.ListVhostLimits(ctx, vhost, func(it mgmtapi.Item) error { limits = it.Get("value"); return nil })
			if mgmtapi.IsNotFound(err) {
				return errVhostNotFoundBare(vhost)
			} else if err != nil {
				return err
			}
			if limits == nil {
				// no limits: an empty line, or an empty list in JSON, as rabbitmqctl
				if f.format() == output.JSON {
					return output.JSONLine(f.Out(), []any{})
				}
				return f.printMessage("")
			}
			return f.limitsLine(limits)
		},
	}
	c.Flags().BoolVar(&global, "global", false, "list the limits of every vhost")
	return c
}

func newCmdSetUserLimits(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set_user_limits <username> <definition>",
		Short: "Sets user limits",
		Long: `Sets limits of a user, merged into those it has: a JSON object with max-connections
and/or max-channels (a negative value means no limit).`,
		Example: `  rmqctl set_user_limits junesu '{"max-connections":10,"max-channels":100}'`,
		Args:    exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			user := args[0]
			return f.runMutation(c.Context(), fmt.Sprintf(`Setting user limits to "%s" for user "%s" ...`, args[1], user),
				func(ctx context.Context, client *mgmtapi.Client) error {
					m, err := limitsObject(args[1])
					if err != nil {
						return err
					}
					if _, err := client.GetUser(ctx, user); err != nil {
						if mgmtapi.IsNotFound(err) {
							return errNoSuchUserTerm(user)
						}
						return err
					}
					for _, k := range sortedLimitKeys(m) {
						if err := client.PutUserLimit(ctx, user, k, m[k]); err != nil {
							return validationError(err)
						}
					}
					return nil
				})
		},
	}
}

func newCmdClearUserLimits(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "clear_user_limits <username> <limit_type> | all",
		Short:   "Clears user connection/channel limits",
		Example: "  rmqctl clear_user_limits junesu max-connections\n  rmqctl clear_user_limits junesu all",
		Args:    exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			user, limit := args[0], args[1]
			banner := fmt.Sprintf(`Clearing "%s" limit for user "%s" ...`, limit, user)
			if limit == "all" {
				banner = fmt.Sprintf(`Clearing all limits for user "%s" ...`, user)
			}
			return f.runMutation(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				names := []string{limit}
				if limit == "all" {
					names = nil
					err := client.ListUserLimits(ctx, user, func(it mgmtapi.Item) error {
						if v, ok := it.Get("value").(*mgmtapi.Object); ok {
							names = append(names, v.Keys()...)
						}
						return nil
					})
					if mgmtapi.IsNotFound(err) {
						return errNoSuchUserTerm(user)
					} else if err != nil {
						return err
					}
				}
				for _, n := range names {
					if err := client.DeleteUserLimit(ctx, user, n); err != nil && !mgmtapi.IsNotFound(err) {
						return err
					}
				}
				return nil
			})
		},
	}
}

func newCmdListUserLimits(f *Factory) *cobra.Command {
	var user string
	var global bool
	c := &cobra.Command{
		Use:     "list_user_limits [--user <username>] [--global]",
		Short:   "Displays configured user limits",
		Example: "  rmqctl list_user_limits --user junesu\n  rmqctl list_user_limits --global",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			if global {
				return f.runList(c.Context(), listSpec{
					banner:  "Listing limits for all users ...",
					columns: []string{"user", "limits"},
					fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
						return c.ListUserLimits(ctx, "", func(it mgmtapi.Item) error {
							return rows.Row(field("user")(it), jsonCell(it.Get("value")))
						})
					},
				})
			}
			if user == "" {
				return badArgument("user cannot be an empty string")
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner(`Listing limits for user "%s" ...`, user)
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			var limits any
			err = client.ListUserLimits(ctx, user, func(it mgmtapi.Item) error { limits = it.Get("value"); return nil })
			if mgmtapi.IsNotFound(err) {
				return errNoSuchUserTerm(user)
			} else if err != nil {
				return err
			}
			return f.limitsLine(limits)
		},
	}
	c.Flags().StringVar(&user, "user", "guest", "the user whose limits to show")
	c.Flags().BoolVar(&global, "global", false, "list the limits of every user")
	return c
}
