package queues

import (
	"context"
	"regexp"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// validMembership checks --membership as the CLI does.
func validMembership(m string) error {
	if m != "promotable" && m != "non_voter" && m != "voter" {
		return cmd.ValidationFailure("voter status '" + m + "' is not recognised.")
	}
	return nil
}

// memberChecks runs the checks of add_member and grow before their banner: --membership,
// then the node, which must be a member of the cluster as the CLI's
// execution-environment check requires (3.11.16+). The context carries -t's deadline.
func memberChecks(c *cobra.Command, f *cmd.Factory, membership, node string) (context.Context, context.CancelFunc, error) {
	if err := validMembership(membership); err != nil {
		return nil, nil, err
	}
	client, err := f.Client()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := f.WithTimeout(c.Context())
	ok, err := cmd.ClusterMember(ctx, client, node)
	if err == nil && !ok {
		err = cmd.NotClusterMember(node)
	}
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// add_member: POST /api/queues/quorum/{vhost}/{queue}/replicas/add (3.11.19, 3.12.1+).
func newCmdAddMember(f *cmd.Factory) *cobra.Command {
	var membership string
	c := &cobra.Command{
		Use:   "add_member [--vhost <vhost>] <queue> <node> [--membership <promotable|voter>]",
		Short: "Adds a queue member/replica on the given node.",
		Args:  cmd.Exact(2),
		RunE: func(c *cobra.Command, args []string) error {
			name, node, vhost := args[0], args[1], f.Vhost()
			ctx, cancel, err := memberChecks(c, f, membership, node)
			if err != nil {
				return err
			}
			defer cancel()
			ra, err := f.Has(ctx, compat.RaQueueType)
			if err != nil {
				return err
			}
			banner := "Adding a replica for queue " + name + " on node " + node + "..."
			if ok, _ := f.Has(ctx, compat.AddMemberWording); ok {
				banner = "Adding a member for queue " + name + " on node " + node + "..."
			}
			return f.Mutate(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				m := membership
				if !c.Flags().Changed("membership") {
					m = "" // the server's default
				}
				err := client.AddQuorumMember(ctx, vhost, name, node, m)
				return shared.QuorumError(err, func() error { return shared.MissingQueue(vhost, name) },
					shared.ClassicQueueRefusal(ra, "Cannot add members to a classic queue"))
			})
		},
	}
	c.Flags().StringVar(&membership, "membership", "promotable", "add a promotable non-voter (default) or full voter")
	return c
}

// delete_member: DELETE /api/queues/quorum/{vhost}/{queue}/replicas/delete.
func newCmdDeleteMember(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "delete_member [--vhost <vhost>] <queue> <node>",
		Short: "Removes a queue member (replica) on the given node.",
		Args:  cmd.Exact(2),
		RunE: func(c *cobra.Command, args []string) error {
			name, node, vhost := args[0], args[1], f.Vhost()
			ra, err := f.Has(c.Context(), compat.RaQueueType)
			if err != nil {
				return err
			}
			return f.Mutate(c.Context(), "Removing a replica of queue "+name+" on node "+node+"...", func(ctx context.Context, client *mgmtapi.Client) error {
				err := client.DeleteQuorumMember(ctx, vhost, name, node)
				return shared.QuorumError(err, func() error { return shared.MissingQueue(vhost, name) },
					shared.ClassicQueueRefusal(ra, "Cannot add members to a classic queue"))
			})
		},
	}
}

// quorumQueue is a quorum queue and its members, as listed before a change.
type quorumQueue struct {
	vhost, name string
	members     []string
}

// quorumQueues lists the quorum queues whose vhost and name match the patterns.
func quorumQueues(ctx context.Context, client *mgmtapi.Client, vhostPattern, queuePattern string) ([]quorumQueue, error) {
	vre, err := regexp.Compile(vhostPattern)
	if err != nil {
		return nil, cmd.Failure("invalid vhost pattern: " + err.Error())
	}
	qre, err := regexp.Compile(queuePattern)
	if err != nil {
		return nil, cmd.Failure("invalid queue pattern: " + err.Error())
	}
	var out []quorumQueue
	q := mgmtapi.ListQuery{Columns: []string{"name", "vhost", "type", "members"}, DisableStats: true, Unsorted: true}
	_, err = client.ListQueues(ctx, "", q, func(it mgmtapi.Item) error {
		vh, name := cmd.TermText(it.Get("vhost")), cmd.TermText(it.Get("name"))
		if it.Get("type") == "quorum" && vre.MatchString(vh) && qre.MatchString(name) {
			out = append(out, quorumQueue{vhost: vh, name: name, members: texts(it.Get("members"))})
		}
		return nil
	})
	return out, err
}

func texts(v any) []string {
	items, _ := v.([]any)
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = cmd.TermText(x)
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// membersNow reads a queue's members after a change (nil when it is gone).
func membersNow(ctx context.Context, client *mgmtapi.Client, q quorumQueue) []string {
	it, err := client.GetQueue(ctx, q.vhost, q.name, mgmtapi.ListQuery{Columns: []string{"members"}, DisableStats: true})
	if err != nil {
		return nil
	}
	return texts(it.Get("members"))
}

// membershipRow is one queue's outcome in grow's and shrink's table.
type membershipRow struct {
	vhost, name, result string
	size                any
}

// printMembershipRows prints grow's and shrink's table (vhost, name, size, result).
func printMembershipRows(ctx context.Context, f *cmd.Factory, rows []membershipRow, errorsOnly bool) error {
	list := f.NewRows(ctx, "membership_result", []string{"vhost", "name", "size", "result"}, false, f.Headers())
	for _, r := range rows {
		if errorsOnly && r.result == "ok" {
			continue
		}
		if err := list.Row(output.Str(r.vhost), output.Str(r.name), output.Raw(cmd.TermText(r.size), r.size), output.Str(r.result)); err != nil {
			return err
		}
	}
	return list.Close()
}

// requireRunning refuses a node that is not running, as 4.3's rabbit_queue_type_ra
// does for grow and shrink ({:node_not_running, node}, 69).
func requireRunning(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client, node string) error {
	ra, err := f.Has(ctx, compat.RaQueueType)
	if err != nil || !ra {
		return err
	}
	running, err := cmd.NodeRunning(ctx, client, node)
	if err == nil && !running {
		return cmd.Failure("{:node_not_running, " + cmd.ElixirAtom(node) + "}")
	}
	return err
}
