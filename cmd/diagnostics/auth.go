package diagnostics

import (
	"context"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// list_node_auth_attempt_stats: GET /api/auth/attempts/{node}[/source], a row per
// protocol (or remote address, user and protocol), columns in the node's order.
func newCmdListNodeAuthAttemptStats(f *cmd.Factory) *cobra.Command {
	var bySource bool
	c := &cobra.Command{
		Use:   "list_node_auth_attempts [--by-source]",
		Short: "Lists authentication attempts on the target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			node := f.NodeName()
			return f.Do(c.Context(), "Listing authentication\n attempts for node \""+node+"\" ...", func(ctx context.Context, client *mgmtapi.Client) error {
				target, err := f.TargetNode(ctx, client)
				if err != nil {
					return err
				}
				rows, err := client.AuthAttempts(ctx, target, bySource)
				if err != nil {
					return err
				}
				if f.Format() == output.JSON {
					attempts := make([]*output.OrderedObject, len(rows))
					for i, r := range rows {
						o := &output.OrderedObject{}
						for _, k := range r.Keys() {
							o.Set(k, r.Value(k))
						}
						attempts[i] = f.OrderJSON(ctx, "auth_attempt", o)
					}
					o := (&output.OrderedObject{}).Set("result", "ok").Set("node", node).Set("attempts", attempts)
					return f.PrintJSON(f.OrderJSON(ctx, "auth_attempts", o))
				}
				if len(rows) == 0 {
					return f.PrintMessage("Node " + node + " reported no authentication attempt stats")
				}
				list := f.NewListHeaders(rows[0].Keys(), false, f.Headers())
				for _, r := range rows {
					cells := make([]output.Cell, 0, r.Len())
					for _, k := range rows[0].Keys() {
						cells = append(cells, cmd.Field(k)(r))
					}
					if err := list.Row(cells...); err != nil {
						return err
					}
				}
				return list.Close()
			})
		},
	}
	c.Flags().BoolVar(&bySource, "by-source", false, "list authentication attempts by remote address and username")
	c.Use = "list_node_auth_attempt_stats [--by-source]"
	return c
}

// reset_node_auth_attempt_metrics: DELETE /api/auth/attempts/{node}.
func newCmdResetNodeAuthAttemptMetrics(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "reset_node_auth_attempt_metrics",
		Short: "Resets auth attempt metrics on the target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Mutate(c.Context(), "Reset auth attempt metrics on node "+f.NodeName()+" ...", func(ctx context.Context, client *mgmtapi.Client) error {
				target, err := f.TargetNode(ctx, client)
				if err != nil {
					return err
				}
				return client.ResetAuthAttempts(ctx, target)
			})
		},
	}
}
