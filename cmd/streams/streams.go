// Package streams is rabbitmq-streams over the management HTTP API: the stream
// plugin's lists of connections, consumers and publishers, super streams and stream
// tracking; the stream replica and coordinator commands have no HTTP route and are
// refused.
package streams

import (
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/plugincmds"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/spf13/cobra"
)

const (
	secCluster       = "cluster"
	secReplication   = "replication"
	secObservability = "observability"
	secPolicies      = "policies"
	secStream        = "stream"
)

// Tool is rabbitmq-streams.
var Tool = cmd.Tool{
	Name:  compat.Streams,
	Alias: "streams",
	Short: "rabbitmq-streams: the stream plugin's connections, consumers and publishers",
	Sections: []cobra.Group{
		{ID: secCluster, Title: "Cluster:"}, {ID: secReplication, Title: "Replication:"},
		{ID: secObservability, Title: "Monitoring, observability and health checks:"},
		{ID: secPolicies, Title: "Policies:"}, {ID: secStream, Title: "Stream plugin:"},
	},
	Commands: commands,
}

// Register makes rabbitmq-streams available (rmqctl streams …, and under its name).
func Register() { cmd.RegisterTool(Tool) }

const whyNoRoute = "the management API has no route for it"

func commands(f *cmd.Factory) []*cobra.Command {
	in, refuse := cmd.InSection, cmd.NotServedCommand
	var out []*cobra.Command
	add := func(cs []*cobra.Command) { out = append(out, cs...) }
	add(in(secStream, plugincmds.Streams(f)...))
	add(in(secCluster,
		refuse("grow", "Grows stream clusters by adding a replica on the specified node for all matching streams", whyNoRoute),
		refuse("shrink", "Shrinks stream clusters by removing any replicas on the given node", whyNoRoute)))
	add(in(secReplication,
		refuse("add_replica", "Adds a stream replica on the given node", whyNoRoute),
		refuse("delete_replica", "Removes a stream queue replica on the given node", whyNoRoute),
		refuse("restart_stream", "Restarts a stream", whyNoRoute),
		refuse("transfer_leadership", "Transfers the leadership of a stream to the given node", whyNoRoute)))
	add(shared.NotServed(secObservability, "stream_status", "coordinator_status"))
	add(in(secPolicies, refuse("set_stream_retention_policy", "Sets the retention policy of a stream queue", whyNoRoute)))
	add(in(secStream,
		newCmdAddSuperStream(f), newCmdDeleteSuperStream(f), newCmdListStreamTracking(f),
		refuse("list_stream_consumer_groups", "Lists groups of stream single active consumers for a vhost", whyNoRoute),
		refuse("list_stream_group_consumers", "Lists consumers of a stream consumer group in a vhost", whyNoRoute),
		refuse("reset_offset", "Reset the stored offset for a consumer name on a stream", whyNoRoute),
		refuse("activate_stream_consumer", "Trigger a rebalancing to activate a consumer in a single active consumer group", whyNoRoute)))
	return out
}
