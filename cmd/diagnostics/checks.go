package diagnostics

import (
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// metadataStoreCheck is check_if_metadata_store_is_initialized[_with_data] (4.0.6+):
// GET /api/health/checks/metadata-store/initialized[/with-data].
func metadataStoreCheck(name string, path ...string) cmd.HealthCheck {
	notYet := func(n string) string {
		return "Metadata store on node " + n + " reports to not yet have finished initialization"
	}
	return cmd.HealthCheck{
		Name:  name,
		Short: "Health check that exits with a non-zero code if the metadata store on target node has not yet finished initializing",
		Banner: func(_ cmd.Release, n string, _ []string) string {
			return "Checking if metadata store on node " + n + " has finished initializing ..."
		},
		Path: func([]string) []string { return path },
		OK: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) string {
			return "Metadata store on node " + n + " has completed its initialization"
		},
		Failure: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) string { return notYet(n) },
		FailureJSON: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) *output.OrderedObject {
			return (&output.OrderedObject{}).Set("result", "error").Set("message", notYet(n))
		},
	}
}

// check_for_quorum_queues_without_an_elected_leader (4.0.8+; the route, 4.1.0+).
func newCmdCheckQuorumLeaders(f *cmd.Factory) *cobra.Command {
	var allVhosts bool
	c := &cobra.Command{
		Use:   "check_for_quorum_queues_without_an_elected_leader [--vhost <vhost>] [--across-all-vhosts] <pattern>",
		Short: "Checks that quorum queue have elected and available leader replicas",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			vhost := f.Vhost()
			h := cmd.HealthCheck{
				Banner: func(_ cmd.Release, _ string, a []string) string {
					if allVhosts {
						return "Checking leader replicas of quorum queues matching '" + a[0] + "' in all vhosts ..."
					}
					return "Checking leader replicas of quorum queues matching '" + a[0] + "' in vhost " + vhost + " ..."
				},
				Path: func(a []string) []string {
					if allVhosts {
						return []string{"quorum-queues-without-elected-leaders", "all-vhosts", "pattern", a[0]}
					}
					return []string{"quorum-queues-without-elected-leaders", "vhost", vhost, "pattern", a[0]}
				},
				OK: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) string {
					return "Node " + n + " reported all quorum queue as having responsive leader replicas"
				},
				OKJSON: func(_ cmd.Release, n string, _ []string, _ mgmtapi.Item) *output.OrderedObject {
					return (&output.OrderedObject{}).Set("message", "Node "+n+" reported all quorum queue as having responsive leader replicas").
						Set("result", "ok")
				},
				Failure: func(_ cmd.Release, _ string, _ []string, b mgmtapi.Item) string {
					var lines []string
					qs, _ := b.Get("queues").([]any)
					for _, q := range qs {
						if o, ok := q.(*mgmtapi.Object); ok {
							lines = append(lines, cmd.TermText(o.Get("readable_name"))+" does not have an elected leader replica or the replica was unresponsive")
						}
					}
					return strings.Join(lines, "\n")
				},
				FailureJSON: func(_ cmd.Release, n string, _ []string, b mgmtapi.Item) *output.OrderedObject {
					return (&output.OrderedObject{}).Set("result", "error").Set("queues", b.Get("queues")).
						Set("message", "Node "+n+" reported quorum queues with a missing (not elected) or unresponsive leader replica")
				},
			}
			return f.RunHealthCheck(c, h, args)
		},
	}
	c.Flags().BoolVar(&allVhosts, "across-all-vhosts", false, "run this health check across all existing virtual hosts")
	return c
}
