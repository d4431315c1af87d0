// Package queues is rabbitmq-queues over the management HTTP API: quorum queue
// membership (add_member, delete_member, grow, shrink), leader rebalancing and the
// quorum status, plus the health checks it shares with rabbit-diagnostics.
package queues

import (
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/spf13/cobra"
)

// Help sections, as rabbitmq-queues 4.3 prints them.
const (
	secCluster       = "cluster"
	secReplication   = "replication"
	secObservability = "observability"
	secOperations    = "operations"
	secDeprecated    = "deprecated"
)

// Tool is rabbitmq-queues.
var Tool = cmd.Tool{
	Name:  compat.Queues,
	Alias: "queues",
	Short: "rabbitmq-queues: quorum queue membership, leader placement and status",
	Sections: []cobra.Group{
		{ID: secCluster, Title: "Cluster:"}, {ID: secReplication, Title: "Replication:"},
		{ID: secObservability, Title: "Monitoring, observability and health checks:"},
		{ID: secOperations, Title: "Operations:"}, {ID: secDeprecated, Title: "Deprecated:"},
	},
	Commands: commands,
}

// Register makes rabbitmq-queues available (rmqctl queues …, and under its name).
func Register() { cmd.RegisterTool(Tool) }

// whyNoRoute is why most refused commands cannot be served.
const whyNoRoute = "the management API has no route for it"

func commands(f *cmd.Factory) []*cobra.Command {
	in := cmd.InSection
	var out []*cobra.Command
	add := func(cs []*cobra.Command) { out = append(out, cs...) }
	add(in(secCluster, newCmdGrow(f), newCmdShrink(f), newCmdRebalance(f),
		cmd.NotServedCommand("grow_to_count", "Grows quorum queue clusters by adding member replicas on the specified number of nodes for all matching queues", whyNoRoute)))
	add(in(secReplication, newCmdAddMember(f), newCmdDeleteMember(f),
		cmd.NotServedCommand("force_checkpoint", "Forces checkpoints for all matching quorum queues", whyNoRoute),
		cmd.NotServedCommand("transfer_leadership", "Transfers the leadership of a quorum queue to the given node", whyNoRoute)))
	add(in(secObservability, shared.NewCmdQuorumStatus(f), shared.NewCmdCheckMirroringPolicy(f),
		shared.NewCmdListMirroringPolicies(f, false), shared.NewCmdListMirroringPolicies(f, true),
		cmd.NotServedCommand("peek", "Peeks at the given position of a quorum queue",
			"the management API can only get messages from the head of a queue, consuming or requeueing them")))
	add(in(secObservability, cmd.SharedCommands(f, "check_if_node_is_quorum_critical")...))
	add(shared.NotServed(secObservability, "stream_status", "check_if_new_quorum_queue_replicas_have_finished_initial_sync"))
	add(shared.NotServed(secOperations, "reclaim_quorum_memory"))
	add(in(secDeprecated, shared.NewCmdMirrorSyncCritical(f)))
	return out
}
