package shared

import (
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/spf13/cobra"
)

// whyNoRoute is why most commands cannot be served over HTTP.
const whyNoRoute = "the management API has no route for it"

// notServed are commands of several tools that the management API cannot serve.
var notServed = map[string]struct{ short, why string }{
	"stream_status":         {"Displays the status of a stream", "the management API reports a stream's members, not their Osiris status"},
	"coordinator_status":    {"Displays raft status of the stream coordinator", whyNoRoute},
	"reclaim_quorum_memory": {"Requests a full sweep GC on all of a quorum queue's Erlang processes", whyNoRoute},
	"check_if_new_quorum_queue_replicas_have_finished_initial_sync": {
		"Health check that exits with a non-zero code if there are queues that run promotable replicas on the current node", whyNoRoute},
}

// NotServed builds the refusals of these commands, in one help section.
func NotServed(section string, names ...string) []*cobra.Command {
	out := make([]*cobra.Command, len(names))
	for i, n := range names {
		r, ok := notServed[n]
		if !ok {
			panic("shared: no refusal for " + n)
		}
		out[i] = cmd.NotServedCommand(n, r.short, r.why)
		out[i].GroupID = section
	}
	return out
}
