package queues

import (
	"context"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// The management API grows and shrinks quorum queues (POST …/replicas/on/{node}/grow,
// DELETE …/shrink) without telling which queues changed: rmqctl lists the queues the
// server will act on first (rabbit_quorum_queue:grow/5 and shrink_all/1 pick them the
// same way), and reads each one's members afterwards for the CLI's table.

// grow: a member on <node> for each matching quorum queue without one there (all of
// them, or those with an even number of members).
func newCmdGrow(f *cmd.Factory) *cobra.Command {
	var vhostPattern, queuePattern, membership string
	var errorsOnly bool
	c := &cobra.Command{
		Use:   "grow <node> <all | even> [--vhost-pattern <pattern>] [--queue-pattern <pattern>] [--membership <promotable|voter>]",
		Short: "Grows all matching queues by adding a member (replica) on the specified node",
		Args:  cmd.Exact(2),
		RunE: func(c *cobra.Command, args []string) error {
			node, strategy := args[0], args[1]
			if strategy != "all" && strategy != "even" {
				return cmd.ValidationFailure("strategy '" + strategy + "' is not recognised.")
			}
			ctx, cancel, err := memberChecks(c, f, membership, node)
			if err != nil {
				return err
			}
			defer cancel()
			what := "quorum queues"
			if ok, _ := f.Has(ctx, compat.GrowShrinkQueuesWording); ok {
				what = "queues"
			}
			return f.Do(c.Context(), "Growing "+strategy+" "+what+" on "+node+"...", func(ctx context.Context, client *mgmtapi.Client) error {
				if err := requireRunning(ctx, f, client, node); err != nil {
					return err
				}
				qs, err := quorumQueues(ctx, client, vhostPattern, queuePattern)
				if err != nil {
					return err
				}
				var todo []quorumQueue
				for _, q := range qs {
					if !has(q.members, node) && (strategy == "all" || len(q.members)%2 == 0) {
						todo = append(todo, q)
					}
				}
				m := membership
				if !c.Flags().Changed("membership") {
					m = ""
				}
				if err := client.GrowQuorumQueues(ctx, node, vhostPattern, queuePattern, strategy, m); err != nil {
					return err
				}
				rows := make([]membershipRow, len(todo))
				for i, q := range todo {
					now := membersNow(ctx, client, q)
					rows[i] = membershipRow{vhost: q.vhost, name: q.name, size: len(now), result: "ok"}
					if !has(now, node) {
						rows[i].size, rows[i].result = len(q.members), "error: the member was not added"
					}
				}
				return printMembershipRows(ctx, f, rows, errorsOnly)
			})
		},
	}
	c.Flags().StringVar(&vhostPattern, "vhost-pattern", ".*", "regular expression to match virtual host names")
	c.Flags().StringVar(&queuePattern, "queue-pattern", ".*", "regular expression to match queue names")
	c.Flags().StringVar(&membership, "membership", "promotable", "add a promotable non-voter (default) or full voter")
	c.Flags().BoolVar(&errorsOnly, "errors-only", false, "only list queues which reported an error")
	return c
}

// shrink: removes the member on <node> of every quorum queue that has one.
func newCmdShrink(f *cmd.Factory) *cobra.Command {
	var errorsOnly bool
	c := &cobra.Command{
		Use:   "shrink <node> [--errors-only]",
		Short: "Shrinks queue clusters by removing any members (replicas) on the given node.",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			node := args[0]
			what := "quorum queues"
			if ok, err := f.Has(c.Context(), compat.GrowShrinkQueuesWording); err != nil {
				return err
			} else if ok {
				what = "queues"
			}
			return f.Do(c.Context(), "Shrinking "+what+" on "+node+"...", func(ctx context.Context, client *mgmtapi.Client) error {
				if err := requireRunning(ctx, f, client, node); err != nil {
					return err
				}
				qs, err := quorumQueues(ctx, client, ".*", ".*")
				if err != nil {
					return err
				}
				var todo []quorumQueue
				for _, q := range qs {
					if has(q.members, node) {
						todo = append(todo, q)
					}
				}
				if err := client.ShrinkQuorumQueues(ctx, node); err != nil && !cmd.IsNotFound(err) {
					return err
				}
				rows := make([]membershipRow, len(todo))
				for i, q := range todo {
					now := membersNow(ctx, client, q)
					rows[i] = membershipRow{vhost: q.vhost, name: q.name, size: len(now), result: "ok"}
					switch {
					case len(q.members) == 1:
						rows[i].size, rows[i].result = 1, "error: the last node cannot be removed"
					case has(now, node):
						rows[i].size, rows[i].result = len(q.members), "error: the member was not removed"
					}
				}
				return printMembershipRows(ctx, f, rows, errorsOnly)
			})
		},
	}
	c.Flags().BoolVar(&errorsOnly, "errors-only", false, "only list queues which reported an error")
	return c
}
