package queues

import (
	"context"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// rebalance: POST /api/rebalance/queues starts the server's rebalancing of every
// replicated queue's leader (type all, every vhost and queue) and answers at once. The
// CLI prints the leaders per node once the rebalancing is over; rmqctl reads them from
// the queue list once every node holds no more leaders than the rebalancing aims at
// (rabbit_amqqueue:maybe_rebalance/4's MaxQueuesDesired), or the leaders stop moving.
func newCmdRebalance(f *cmd.Factory) *cobra.Command {
	var vhostPattern, queuePattern string
	c := &cobra.Command{
		Use:   "rebalance < all | quorum | stream > [--vhost-pattern <pattern>] [--queue-pattern <pattern>]",
		Short: "Re-balances leaders of replicated queues across up-and-running cluster nodes",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			typ := args[0]
			streams, err := f.Has(c.Context(), compat.RebalanceStreams)
			if err != nil {
				return err
			}
			known := []string{"all", "classic", "quorum"}
			if streams {
				known = []string{"all", "quorum", "stream"}
			}
			if !has(known, typ) {
				return cmd.Failure("type " + typ + " is not supported. Try one of " + known[0] + ", " + known[1] + ", " + known[2] + ".")
			}
			if typ != "all" || vhostPattern != ".*" || queuePattern != ".*" {
				return cmd.NotServed("rebalance "+typ, "the management API rebalances the leaders of all replicated queues only (POST /api/rebalance/queues takes no queue type or patterns): use `rebalance all` without patterns")
			}
			return f.Do(c.Context(), "Re-balancing leaders of "+typ+" queues...", func(ctx context.Context, client *mgmtapi.Client) error {
				if err := client.RebalanceQueues(ctx); err != nil {
					return err
				}
				summary, err := shared.AwaitBalance(ctx, client, streams)
				if err != nil {
					return err
				}
				return printRebalance(ctx, f, summary, streams)
			})
		},
	}
	c.Flags().StringVar(&vhostPattern, "vhost-pattern", ".*", "regular expression to match virtual host names")
	c.Flags().StringVar(&queuePattern, "queue-pattern", ".*", "regular expression to match queue names")
	f.SetDefaultFormat(c, output.PrettyTable)
	return c
}

func printRebalance(ctx context.Context, f *cmd.Factory, l shared.Leaders, streams bool) error {
	rows := l.Rows(streams)
	if f.Format() == output.JSON {
		return shared.PrintRowsJSON(ctx, f, rows)
	}
	var cols []string
	for _, r := range rows {
		for _, k := range r.Keys {
			if !has(cols, k) {
				cols = append(cols, k)
			}
		}
	}
	list := f.NewRows(ctx, "rebalance_row", cols, false, f.Headers())
	for _, r := range rows {
		cells := make([]output.Cell, len(cols))
		for i, col := range cols {
			cells[i] = output.Str("")
			for j, k := range r.Keys {
				if k == col {
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
