package plugincmds

import (
	"context"
	"time"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const shovelPlugin = "rabbitmq_shovel_management"

// lastChanged is a status timestamp as the CLI prints it ("2026-11-30 08:25:49");
// the API writes the hour without padding ("2026-11-30 8:25:49").
func lastChanged(v any) string {
	s := cmd.TermText(v)
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t.Format("2006-01-02 15:04:05")
	}
	if t, err := time.Parse("2006-01-02 3:04:05", s); err == nil {
		return t.Format("2006-01-02 15:04:05")
	}
	return s
}

// shovelRow is one shovel as rabbit_shovel_status reports it to the CLI, from the
// API's /api/shovels item.
func shovelRow(ctx context.Context, f *cmd.Factory, s mgmtapi.Item) *output.OrderedObject {
	r := &output.OrderedObject{}
	get := func(k string) any {
		if v := s.Get(k); v != nil {
			return v
		}
		return ""
	}
	state := cmd.TermText(s.Get("state"))
	r.Set("name", get("name"))
	if s.Get("vhost") != nil {
		r.Set("vhost", s.Get("vhost"))
	}
	r.Set("type", get("type")).Set("last_changed", lastChanged(s.Get("timestamp")))
	metrics, _ := f.Has(ctx, compat.ShovelMetrics)
	switch state {
	case "starting":
		r.Set("state", state).Set("source", "").Set("destination", "").Set("termination_reason", "")
	case "terminated":
		r.Set("state", state).Set("termination_reason", get("reason")).Set("source", "").Set("destination", "")
	default:
		if blocked, _ := f.Has(ctx, compat.ShovelBlockedStatus); blocked && s.Get("blocked_status") != nil {
			state = cmd.TermText(s.Get("blocked_status"))
		}
		r.Set("state", state).Set("source_protocol", get("src_protocol")).Set("source", get("src_uri")).
			Set("destination_protocol", get("dest_protocol")).Set("destination", get("dest_uri")).Set("termination_reason", "")
		for _, k := range [][2]string{{"src_address", "source_address"}, {"src_queue", "source_queue"},
			{"src_exchange", "source_exchange"}, {"src_exchange_key", "source_exchange_key"},
			{"dest_address", "destination_address"}, {"dest_queue", "destination_queue"},
			{"dest_exchange", "destination_exchange"}, {"dest_exchange_key", "destination_exchange_key"}} {
			if v := s.Get(k[0]); v != nil {
				r.Set(k[1], v)
			}
		}
	}
	if metrics && state != "starting" && state != "terminated" {
		for _, k := range []string{"pending", "remaining", "remaining_unacked", "forwarded"} {
			if v := s.Get(k); v != nil {
				r.Set(k, v)
			}
		}
	}
	return f.OrderJSON(ctx, "shovel", r)
}

// shovel_status: GET /api/shovels, a row per shovel, columns as the first row has them.
func newCmdShovelStatus(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "shovel_status",
		Short: "Displays status of Shovel on a node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), "Shovel status on node "+f.NodeName(), func(ctx context.Context, client *mgmtapi.Client) error {
				items, err := client.ListShovels(ctx, "")
				if cmd.IsNotFound(err) {
					return f.PluginMissing("shovel_status", shovelPlugin)
				}
				if err != nil {
					return err
				}
				rows := make([]*output.OrderedObject, len(items))
				for i, s := range items {
					rows[i] = shovelRow(ctx, f, s)
				}
				return printObjects(f, rows)
			})
		},
	}
}

// printObjects prints rows as the CLI's stream of maps: a table whose columns are the
// first row's keys, or JSON rows.
func printObjects(f *cmd.Factory, rows []*output.OrderedObject) error {
	var cols []string
	if len(rows) > 0 {
		cols = rows[0].Keys
	}
	list := output.NewList(f.Out(), f.Format(), cols, output.ListOptions{Headers: f.Headers(), Streamed: true})
	for _, r := range rows {
		cells := make([]output.Cell, len(cols))
		for i, k := range cols {
			cells[i] = output.Str("")
			for j, rk := range r.Keys {
				if rk == k {
					cells[i] = output.Raw(cmd.TermText(r.Values[j]), r.Values[j])
				}
			}
		}
		if err := list.Row(cells...); err != nil {
			return err
		}
	}
	return list.Close()
}

// findShovel looks a shovel up by vhost and name among all shovels (nil when there is
// none).
func findShovel(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client, command, vhost, name string) (mgmtapi.Item, error) {
	items, err := client.ListShovels(ctx, "")
	switch {
	case cmd.IsNotFound(err):
		return nil, f.PluginMissing(command, shovelPlugin)
	case err != nil:
		return nil, err
	}
	for _, s := range items {
		if s.Get("name") == name && cmd.TermText(s.Get("vhost")) == vhost {
			return s, nil
		}
	}
	return nil, nil
}

// delete_shovel: DELETE /api/shovels/vhost/{vhost}/{name} (which also clears the
// dynamic shovel's runtime parameter).
func newCmdDeleteShovel(f *cmd.Factory) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "delete_shovel [--vhost <vhost>] [--force] <name>",
		Short: "Deletes a Shovel",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost := args[0], f.Vhost()
			if c.Flags().Changed("force") {
				if ok, err := f.Has(c.Context(), compat.DeleteShovelForce); err != nil {
					return err
				} else if !ok {
					return cmd.UsageError("Invalid options for this command:\n--force : ")
				}
			}
			return f.Mutate(c.Context(), "Deleting shovel "+name+" in vhost "+vhost, func(ctx context.Context, client *mgmtapi.Client) error {
				s, err := findShovel(ctx, f, client, "delete_shovel", vhost, name)
				if err != nil {
					return err
				}
				if s != nil {
					err = client.DeleteShovel(ctx, vhost, name)
				}
				if s == nil || cmd.IsNotFound(err) {
					clears, err := f.Has(ctx, compat.DeleteShovelClearsParameter)
					if err != nil {
						return err
					}
					if clears {
						_ = client.DeleteParameter(ctx, "shovel", vhost, name)
						return cmd.Failure("Shovel with the given name was not found on the target node '" + f.NodeName() +
							"' and/or virtual host '" + vhost + "'. It may be failing to connect and report its state, will delete its runtime parameter...")
					}
					return cmd.Failure("Shovel with the given name was not found on the target node '" + f.NodeName() + "' and / or virtual host '" + vhost + "'")
				}
				return err
			})
		},
	}
	c.Flags().BoolVar(&force, "force", false, "delete as the internal user (no acting user checks)")
	return c
}

// restart_shovel: DELETE /api/shovels/vhost/{vhost}/{name}/restart.
func newCmdRestartShovel(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "restart_shovel <name>",
		Short: "Restarts a dynamic Shovel",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost, node := args[0], f.Vhost(), f.NodeName()
			banner := "Restarting dynamic Shovel " + name + " in virtual host " + vhost + " on node " + node
			return f.Mutate(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				s, err := findShovel(ctx, f, client, "restart_shovel", vhost, name)
				if err != nil {
					return err
				}
				if s != nil {
					err = client.RestartShovel(ctx, vhost, name)
				}
				if s == nil || cmd.IsNotFound(err) {
					return cmd.Failure("Shovel with the given name was not found on the target node '" + node + "' and / or virtual host '" + vhost + "'")
				}
				return err
			})
		},
	}
}
