// Package diagnostics is rabbitmq-diagnostics over the management HTTP API: its own
// commands, the rabbitmqctl commands in its scope (the same constructors as rmqctl's),
// and the commands it shares with rabbitmq-queues and rabbitmq-upgrade.
package diagnostics

import (
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/cmd/plugincmds"
	"github.com/rmqctl/rmqctl/cmd/shared"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/spf13/cobra"
)

// Help sections, as rabbitmq-diagnostics 4.3 prints them.
const (
	secNodes         = "nodes"
	secCluster       = "cluster"
	secUsers         = "users"
	secAccess        = "access"
	secObservability = "observability"
	secParameters    = "parameters"
	secPolicies      = "policies"
	secVhosts        = "vhosts"
	secUpgrade       = "upgrade"
	secConfiguration = "configuration"
	secFeatureFlags  = "feature_flags"
	secOperations    = "operations"
	secDeprecated    = "deprecated"
	secPlugins       = "plugins"
)

// Tool is rabbitmq-diagnostics.
var Tool = cmd.Tool{
	Name:  compat.Diagnostics,
	Alias: "diagnostics",
	Short: "rabbitmq-diagnostics: health checks, node and cluster state",
	Sections: []cobra.Group{
		{ID: secNodes, Title: "Nodes:"}, {ID: secCluster, Title: "Cluster:"}, {ID: secUsers, Title: "Users:"},
		{ID: secAccess, Title: "Access Control:"},
		{ID: secObservability, Title: "Monitoring, observability and health checks:"},
		{ID: secParameters, Title: "Parameters:"}, {ID: secPolicies, Title: "Policies:"},
		{ID: secVhosts, Title: "Virtual hosts:"}, {ID: secUpgrade, Title: "Upgrade:"},
		{ID: secConfiguration, Title: "Configuration and Environment:"},
		{ID: secFeatureFlags, Title: "Feature flags:"}, {ID: secOperations, Title: "Operations:"},
		{ID: secDeprecated, Title: "Deprecated:"},
		{ID: secPlugins, Title: "Plugins (shovel, federation, stream):"},
	},
	Commands: commands,
}

// Register makes rabbitmq-diagnostics available (rmqctl diagnostics …, and under its name).
func Register() { cmd.RegisterTool(Tool) }

func commands(f *cmd.Factory) []*cobra.Command {
	in := cmd.InSection
	var out []*cobra.Command
	add := func(cs []*cobra.Command) { out = append(out, cs...) }
	add(in(secCluster, cmd.SharedCommands(f, "cluster_status")...))
	add(in(secUsers, cmd.SharedCommands(f, "list_users", "list_user_limits")...))
	add(in(secAccess, cmd.SharedCommands(f, "list_permissions", "list_topic_permissions", "list_user_permissions",
		"list_user_topic_permissions", "list_vhosts")...))
	add(in(secObservability, cmd.SharedCommands(f, "check_alarms", "check_certificate_expiration",
		"check_if_any_deprecated_features_are_used", "check_if_node_is_quorum_critical", "check_port_listener",
		"check_protocol_listener", "check_running", "check_virtual_hosts", "list_bindings", "list_channels",
		"list_connections", "list_consumers", "list_exchanges", "list_queues", "ping", "status")...))
	add(in(secObservability,
		newCmdAlarms(f), newCmdListeners(f), newCmdServerVersion(f), newCmdErlangVersion(f), newCmdIsRunning(f),
		newCmdIsBooting(f), newCmdMemoryBreakdown(f), newCmdListNodeAuthAttemptStats(f), newCmdCheckPortConnectivity(f),
		cmd.NewHealthCheck(f, metadataStoreCheck("check_if_metadata_store_is_initialized", "metadata-store", "initialized")),
		cmd.NewHealthCheck(f, metadataStoreCheck("check_if_metadata_store_is_initialized_with_data", "metadata-store", "initialized", "with-data")),
		newCmdCheckQuorumLeaders(f), shared.NewCmdQuorumStatus(f), shared.NewCmdCheckMirroringPolicy(f),
		shared.NewCmdListMirroringPolicies(f, false), shared.NewCmdListMirroringPolicies(f, true)))
	add(in(secParameters, cmd.SharedCommands(f, "list_global_parameters", "list_parameters")...))
	add(in(secPolicies, cmd.SharedCommands(f, "list_operator_policies", "list_policies")...))
	add(in(secPolicies, newCmdListPoliciesThatMatch(f)))
	add(in(secVhosts, cmd.SharedCommands(f, "list_vhost_limits")...))
	add(in(secUpgrade, shared.NewCmdHasReachedTargetClusterSize(f)))
	add(in(secConfiguration, newCmdLogLocation(f), newCmdResetNodeAuthAttemptMetrics(f)))
	add(in(secFeatureFlags, cmd.SharedCommands(f, "list_deprecated_features", "list_feature_flags")...))
	add(in(secDeprecated, cmd.SharedCommands(f, "check_local_alarms", "node_health_check")...))
	add(in(secDeprecated, shared.NewCmdMirrorSyncCritical(f)))
	add(in(cmd.HelpSection, cmd.SharedCommands(f, "version")...))
	add(in(secPlugins, plugincmds.Diagnostics(f)...))
	for _, r := range notServed {
		add(in(r.section, cmd.NotServedCommand(r.name, r.short, r.why)))
	}
	add(shared.NotServed(secObservability, "stream_status", "coordinator_status",
		"check_if_new_quorum_queue_replicas_have_finished_initial_sync"))
	add(shared.NotServed(secOperations, "reclaim_quorum_memory"))
	return out
}

// Reasons why commands cannot be served over HTTP.
const (
	whyRuntime  = "it inspects the node's Erlang runtime, which the management API does not expose"
	whyLocal    = "it inspects the machine the CLI runs on (rmqctl has no Erlang runtime of its own)"
	whyLogs     = "the management API does not serve the node's log files"
	whyTLS      = "the management API does not report the node's TLS settings and certificates"
	whySession  = "it needs an Erlang distribution connection (an interactive session with the node)"
	whyNoRoute  = "the management API has no route for it"
	whyPIDFile  = "it watches the node's PID file on the node's machine"
	whyComposed = "it concatenates the output of commands that need the Erlang runtime"
)

// notServed are rabbitmq-diagnostics' commands that the management API cannot serve.
var notServed = []struct{ section, name, short, why string }{
	{secObservability, "activate_free_disk_space_monitoring", "[Re-]activates free disk space monitoring on a node", whyNoRoute},
	{secObservability, "deactivate_free_disk_space_monitoring", "Deactivates free disk space monitoring on a node", whyNoRoute},
	{secObservability, "cipher_suites", "Lists cipher suites enabled by default", whyTLS},
	{secObservability, "consume_event_stream", "Streams internal events from a running node", whySession},
	{secObservability, "discover_peers", "Performs peer discovery and lists discovered nodes, if any", whyRuntime},
	{secObservability, "list_channel_interceptors", "Lists registered channel interceptors", whyNoRoute},
	{secObservability, "list_ciphers", "Lists cipher suites supported by encoding commands", whyLocal},
	{secObservability, "list_hashes", "Lists hash functions supported by encoding commands", whyLocal},
	{secObservability, "list_network_interfaces", "Lists network interfaces (NICs) on the target node", whyRuntime},
	{secObservability, "list_unresponsive_queues", "Tests queues to respond within timeout. Lists those which did not respond", whyNoRoute},
	{secObservability, "log_tail", "Prints the last N lines of the log on the node", whyLogs},
	{secObservability, "log_tail_stream", "Streams logs from a running node for a period of time", whyLogs},
	{secObservability, "maybe_stuck", "Detects Erlang processes potentially not making progress on the target node", whyRuntime},
	{secObservability, "message_size_stats", "Displays message size distribution statistics aggregated across all cluster nodes", whyNoRoute},
	{secObservability, "metadata_store_status", "Displays quorum status of Khepri metadata store", whyNoRoute},
	{secObservability, "observer", "Starts a CLI observer interface on the target node", whySession},
	{secObservability, "remote_shell", "Starts an interactive Erlang shell on the target node", whySession},
	{secObservability, "report", "Generate a server status report for support purposes", whyComposed},
	{secObservability, "runtime_thread_stats", "Provides a breakdown of runtime thread activity stats on the target node", whyRuntime},
	{secObservability, "schema_info", "Lists schema database tables and their properties", whyRuntime},
	{secObservability, "tls_versions", "Lists TLS versions supported (but not necessarily allowed) on the target node", whyTLS},
	{secNodes, "wait", "Waits for RabbitMQ node startup by monitoring a local PID file", whyPIDFile},
	{secConfiguration, "certificates", "Displays certificates (public keys) for every listener on target node that is configured to use TLS", whyTLS},
	{secConfiguration, "command_line_arguments", "Displays target node's command-line arguments and flags as reported by the runtime", whyRuntime},
	{secConfiguration, "disable_auth_attempt_source_tracking", "Disables the tracking of peer IP address and username of authentication attempts", whyNoRoute},
	{secConfiguration, "enable_auth_attempt_source_tracking", "Enables the tracking of peer IP address and username of authentication attempts", whyNoRoute},
	{secConfiguration, "environment", "Displays the name and value of each variable in the application environment for each running application", whyRuntime},
	{secConfiguration, "erlang_cookie_hash", "Displays a hash of the Erlang cookie (shared secret) used by the target node", whyRuntime},
	{secConfiguration, "erlang_cookie_sources", "Display Erlang cookie source information useful for troubleshooting", whyLocal},
	{secConfiguration, "os_env", "Lists RabbitMQ-specific environment variables set on target node", whyRuntime},
	{secConfiguration, "resolve_hostname", "Resolves a hostname to a set of addresses", whyRuntime},
	{secConfiguration, "resolver_info", "Displays effective hostname resolver (inetrc) configuration on target node", whyRuntime},
}
