// Package shared holds the commands that several of rabbitmqctl's tools have in
// their scopes (quorum_status in rabbitmq-diagnostics and rabbitmq-queues,
// has_reached_target_cluster_size in rabbitmqctl, rabbitmq-diagnostics and
// rabbitmq-upgrade …): each tool takes the same constructor.
package shared

import (
	"context"
	"fmt"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// NewCmdQuorumStatus is quorum_status: GET /api/queues/quorum/{vhost}/{queue}/status
// (3.13.7+), a row per member as the server reports it.
func NewCmdQuorumStatus(f *cmd.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "quorum_status [--vhost <vhost>] <queue>",
		Short: "Displays the quorum status of a queue",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost := args[0], f.Vhost()
			ra, err := f.Has(c.Context(), compat.RaQueueType)
			if err != nil {
				return err
			}
			banner := "Status of quorum queue " + name + " on node " + f.NodeName() + " ..."
			if ra {
				banner = "Status of queue " + name + " on node " + f.NodeName() + " ..."
			}
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				rows, err := client.QuorumStatus(ctx, vhost, name)
				if err != nil {
					missing := func() error { return f.NotFoundError(ctx) }
					if ra {
						missing = func() error { return MissingQueue(vhost, name) }
					}
					return QuorumError(err, missing, ClassicQueueRefusal(ra, "Cannot get quorum status of a classic queue"))
				}
				var cols []string
				if len(rows) > 0 {
					cols = rows[0].Keys()
				}
				list := f.NewListHeaders(cols, true, f.Headers())
				for _, r := range rows {
					cells := make([]output.Cell, len(cols))
					for i, k := range cols {
						cells[i] = cmd.Field(k)(r)
					}
					if err := list.Row(cells...); err != nil {
						return err
					}
				}
				return list.Close()
			})
		},
	}
	f.SetDefaultFormat(c, output.PrettyTable)
	return c
}

// QuorumError is how the release's CLI reports a refused quorum queue operation: a
// missing queue (404, or 503 not_found), a classic queue (503
// classic_queue_not_supported), or the server's reason (503).
func QuorumError(err error, missing, classic func() error) error {
	status, reason, api := cmd.APIReason(err)
	switch {
	case !api:
		return err
	case status == 404 || status == 503 && reason == "not_found":
		return missing()
	case status == 503 && reason == "classic_queue_not_supported":
		return classic()
	case status == 503:
		return cmd.Failure(reason)
	}
	return err
}

// MissingQueue is {:not_found, :queue, vhost, name} as the CLI prints it (3.11.16+), 65.
func MissingQueue(vhost, name string) error {
	return cmd.DataErrorBare("queue '" + name + "' was not found in virtual host '" + vhost + "'")
}

// ClassicQueueRefusal is the release's answer to a quorum operation on a classic
// queue: {:unsupported, :rabbit_classic_queue} from 4.3, else text (69).
func ClassicQueueRefusal(ra bool, text string) func() error {
	return func() error {
		if ra {
			return cmd.Failure("{:unsupported, :rabbit_classic_queue}")
		}
		return cmd.Failure(text)
	}
}

// NewCmdMirrorSyncCritical is check_if_node_is_mirror_sync_critical: the health check
// /api/health/checks/node-is-mirror-sync-critical in 3.x; a no-op from 4.0.
func NewCmdMirrorSyncCritical(f *cmd.Factory) *cobra.Command {
	noop := func(r cmd.Release) bool { return r.Has(compat.MirrorSyncNoOp) }
	const single = "seems to be the only one in a single node cluster, the check does not apply"
	return cmd.NewHealthCheck(f, cmd.HealthCheck{
		Name:  "check_if_node_is_mirror_sync_critical",
		Short: "Health check that exits with a non-zero code if there are classic mirrored queues without online synchronised mirrors (queues that would potentially lose data if the target node is shut down)",
		Banner: func(r cmd.Release, n string, _ []string) string {
			if noop(r) {
				return "This command is DEPRECATED and is a no-op. It will be removed in a future version."
			}
			return "Checking if node " + n + " is critical for data safety of any classic mirrored queues ..."
		},
		NoOp: noop,
		Path: func([]string) []string { return []string{"node-is-mirror-sync-critical"} },
		OK: func(r cmd.Release, n string, _ []string, b mgmtapi.Item) string {
			switch {
			case noop(r):
				return "ok"
			case cmd.TermText(b.Get("reason")) == "single node cluster":
				return "Node " + n + " " + single
			}
			return "Node " + n + " reported no classic mirrored queues without online synchronised mirrors"
		},
		OKJSON: func(r cmd.Release, _ string, _ []string, b mgmtapi.Item) *output.OrderedObject {
			if !noop(r) && cmd.TermText(b.Get("reason")) == "single node cluster" {
				return (&output.OrderedObject{}).Set("message", "Target node "+single).Set("result", "ok")
			}
			return (&output.OrderedObject{}).Set("result", "ok")
		},
		Failure: func(_ cmd.Release, n string, _ []string, b mgmtapi.Item) string {
			var lines []string
			qs, _ := b.Get("queues").([]any)
			for _, q := range qs {
				if o, ok := q.(*mgmtapi.Object); ok {
					lines = append(lines, fmt.Sprintf("%s would lose its only synchronised replica (master) if node %s is stopped", cmd.TermText(o.Get("readable_name")), n))
				}
			}
			return strings.Join(lines, "\n")
		},
		FailureJSON: func(_ cmd.Release, n string, _ []string, b mgmtapi.Item) *output.OrderedObject {
			return (&output.OrderedObject{}).Set("message", "Node "+n+" reported local classic mirrored queues without online synchronised mirrors").
				Set("queues", b.Get("queues")).Set("result", "error")
		},
	})
}

// NewCmdHasReachedTargetClusterSize is has_reached_target_cluster_size (4.2.4+):
// /api/health/checks/reached-target-cluster-size.
func NewCmdHasReachedTargetClusterSize(f *cmd.Factory) *cobra.Command {
	notReached := func(n string, b mgmtapi.Item) string {
		return fmt.Sprintf("Target cluster size on node %s has not been reached: %s of %s nodes are online", n, cmd.TermText(b.Get("online")), cmd.TermText(b.Get("target")))
	}
	return cmd.NewHealthCheck(f, cmd.HealthCheck{
		Name:  "has_reached_target_cluster_size",
		Short: "Health check that exits with a non-zero code if the cluster has not yet reached its target size",
		Banner: func(_ cmd.Release, n string, _ []string) string {
			return "Checking if target cluster size has been reached on node " + n + " ..."
		},
		Path: func([]string) []string { return []string{"reached-target-cluster-size"} },
		OK: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) string {
			return "Target cluster size has been reached on node " + n
		},
		Failure: func(_ cmd.Release, n string, _ []string, b mgmtapi.Item) string { return notReached(n, b) },
		FailureJSON: func(_ cmd.Release, n string, _ []string, b mgmtapi.Item) *output.OrderedObject {
			return (&output.OrderedObject{}).Set("result", "error").Set("message", notReached(n, b)).
				Set("online", b.Get("online")).Set("target", b.Get("target"))
		},
	})
}
