// Package upgrade is rabbitmq-upgrade over the management HTTP API: the waits and
// checks of a rolling upgrade (await_online_quorum_plus_one,
// has_reached_target_cluster_size …) and post_upgrade's rebalancing.
package upgrade

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const secUpgrade = "upgrade"

// Tool is rabbitmq-upgrade.
var Tool = cmd.Tool{
	Name:     compat.Upgrade,
	Alias:    "upgrade",
	Short:    "rabbitmq-upgrade: waits and checks around rolling upgrades",
	Sections: []cobra.Group{{ID: secUpgrade, Title: "Upgrade:"}},
	Commands: func(f *cmd.Factory) []*cobra.Command {
		const maintenance = "the management API cannot put a node into or out of maintenance mode"
		return cmd.InSection(secUpgrade, newCmdAwaitQuorumPlusOne(f), newCmdAwaitSynchronizedMirror(f),
			shared.NewCmdHasReachedTargetClusterSize(f), newCmdPostUpgrade(f),
			cmd.NotServedCommand("drain", "Puts the node in maintenance mode. Such nodes will not serve any client traffic or host any primary queue replicas", maintenance),
			cmd.NotServedCommand("revive", "Puts the node out of maintenance and into regular operating mode", maintenance))
	},
}

// Register makes rabbitmq-upgrade available (rmqctl upgrade …, and under its name).
func Register() { cmd.RegisterTool(Tool) }

const singleNode = "Target node seems to be the only one in a single node cluster, the "

// awaitCheck is await_online_quorum_plus_one and await_online_synchronized_mirror:
// on a single-node cluster there is nothing to wait for; else the health check is
// polled until it passes or the time is up.
type awaitCheck struct {
	use, short, banner, timeUp string
	check                      string
	// releases without wording use oldBanner and oldTimeUp
	wording              compat.Key
	oldBanner, oldTimeUp string
}

func (a awaitCheck) command(f *cmd.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   a.use,
		Short: a.short,
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			banner, timeUp := a.banner, a.timeUp
			if a.wording != "" {
				if ok, err := f.Has(c.Context(), a.wording); err != nil {
					return err
				} else if !ok {
					banner, timeUp = a.oldBanner, a.oldTimeUp
				}
			}
			banner = fmt.Sprintf(banner, int(math.Round(f.Timeout(c).Seconds())))
			node := f.NodeName()
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				nodes := 0
				if err := client.ListNodes(ctx, func(mgmtapi.Item) error { nodes++; return nil }); err != nil {
					return err
				}
				if nodes == 1 {
					switch {
					case f.Format() == output.JSON:
						return f.PrintJSON((&output.OrderedObject{}).Set("message", singleNode+"check does not apply").Set("result", "ok"))
					case !f.Informational():
						return nil
					}
					return f.PrintLines(singleNode + "command does not apply")
				}
				for {
					ok, _, err := client.HealthCheck(ctx, a.check)
					if err != nil && ctx.Err() == nil {
						return err
					}
					if ok {
						return f.PrintDone()
					}
					select {
					case <-ctx.Done():
						if f.Format() == output.JSON {
							o := (&output.OrderedObject{}).Set("message", timeUp).Set("node", node).Set("result", "error")
							return cmd.FailureJSON(o)
						}
						return cmd.Failure(timeUp)
					case <-time.After(time.Second):
					}
				}
			})
		},
	}
	cmd.SetDefaultTimeout(c, 120*time.Second)
	return c
}

// await_online_quorum_plus_one: /api/health/checks/node-is-quorum-critical until it
// passes (rabbit_upgrade_preparation:await_online_quorum_plus_one/1 waits for the same).
func newCmdAwaitQuorumPlusOne(f *cmd.Factory) *cobra.Command {
	return awaitCheck{
		use:       "await_online_quorum_plus_one",
		short:     "Waits for all quorum queues and streams to have an above minimum online quorum. This makes sure that no queues/streams would lose their quorum if the target node is shut down",
		banner:    "Will wait for a quorum + 1 of nodes to be online for all quorum queues and streams for %d seconds...",
		timeUp:    "time is up, no quorum + 1 online replicas came online for at least some quorum queues or streams",
		check:     "node-is-quorum-critical",
		wording:   compat.AwaitQuorumStreams,
		oldBanner: "Will wait for a quorum + 1 of nodes to be online for all quorum queues for %d seconds...",
		oldTimeUp: "time is up, no quorum + 1 online replicas came online for at least some quorum queues",
	}.command(f)
}

// await_online_synchronized_mirror (3.x): /api/health/checks/node-is-mirror-sync-critical.
func newCmdAwaitSynchronizedMirror(f *cmd.Factory) *cobra.Command {
	return awaitCheck{
		use:    "await_online_synchronized_mirror",
		short:  "Waits for all classic mirrored queues hosted on the target node to have at least one synchronized mirror online",
		banner: "Will wait for a synchronised mirror be online for all classic mirrored queues for %d seconds...",
		timeUp: "time is up, no synchronised mirror came online for at least some classic mirrored queues",
		check:  "node-is-mirror-sync-critical",
	}.command(f)
}

// post_upgrade: rabbit_amqqueue:rebalance(all, ".*", ".*"), as rabbitmq-queues
// rebalance all does (POST /api/rebalance/queues); the summary rows printed as the CLI
// prints the {:ok, rows} it gets (inspected proplists).
func newCmdPostUpgrade(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "post_upgrade",
		Short: "Runs post-upgrade tasks",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), "Executing post upgrade tasks...\nRebalancing queue masters...", func(ctx context.Context, client *mgmtapi.Client) error {
				streams, err := f.Has(ctx, compat.RebalanceStreams)
				if err != nil {
					return err
				}
				if err := client.RebalanceQueues(ctx); err != nil {
					return err
				}
				l, err := shared.AwaitBalance(ctx, client, streams)
				if err != nil {
					return err
				}
				rows := l.Rows(streams)
				if f.Format() == output.JSON {
					return shared.PrintRowsJSON(ctx, f, rows)
				}
				lines := make([]string, len(rows))
				for i, r := range rows {
					parts := make([]string, len(r.Keys))
					for j, k := range r.Keys {
						v := cmd.TermText(r.Values[j])
						if k == "Node name" {
							v = cmd.ElixirAtom(v)
						}
						parts[j] = "{" + cmd.ElixirString(k) + ", " + v + "}"
					}
					lines[i] = "[" + strings.Join(parts, ", ") + "]"
				}
				if len(lines) == 0 {
					lines = []string{""} // {:ok, []} prints an empty line
				}
				return f.PrintLines(lines...)
			})
		},
	}
}
