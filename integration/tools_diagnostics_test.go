package integration

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rabbitmq-diagnostics' commands side by side with the release's own.
func TestDifferentialDiagnostics(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	p := compat.For(release(t, b))
	q := brokertest.Name("diagq")
	mustRmq(t, b, "declare_queue", q, "--type", "quorum")
	t.Cleanup(func() { rmq(t, b, "", "delete_queue", q) })
	pol := brokertest.Name("diagpol")
	mustRmq(t, b, "set_policy", pol, "^"+q, `{"max-length":7}`, "--priority", "3", "--apply-to", "queues")
	t.Cleanup(func() { rmq(t, b, "", "clear_policy", pol) })
	nosuch := brokertest.Name("nosuch")

	for _, args := range [][]string{
		{"alarms"}, {"alarms", "--formatter", "json"}, {"alarms", "extra"},
		{"listeners"}, {"listeners", "--formatter", "json"}, {"listeners", "--formatter", "csv"},
		{"server_version"}, {"server_version", "--formatter", "json"},
		{"erlang_version"}, {"erlang_version", "--details"}, {"erlang_version", "--formatter", "json"},
		{"is_running"}, {"is_running", "--formatter", "json"}, {"is_booting"}, {"is_booting", "--formatter", "json"},
		{"log_location"}, {"log_location", "--all"}, {"log_location", "-a", "--formatter", "json"},
		{"memory_breakdown", "--unit", "foo"},
		{"check_port_connectivity"}, {"check_port_connectivity", "--formatter", "json"},
		{"check_port_connectivity", "--address", "127.0.0.1"},
		{"check_if_metadata_store_is_initialized"}, {"check_if_metadata_store_is_initialized", "--formatter", "json"},
		{"check_if_metadata_store_is_initialized_with_data"},
		{"check_for_quorum_queues_without_an_elected_leader", ".*"},
		{"check_for_quorum_queues_without_an_elected_leader", "--across-all-vhosts", ".*"},
		{"check_for_quorum_queues_without_an_elected_leader", ".*", "--formatter", "json"},
		{"list_policies_that_match", q, "--formatter", "table"},
		{"list_policies_that_match", q, "--formatter", "json"},
		{"list_policies_that_match", "amq.direct", "--object-type", "exchange", "--formatter", "json"},
		{"list_policies_that_match", nosuch, "--formatter", "json"},
		{"list_policies_that_match", nosuch},
		{"has_reached_target_cluster_size"}, {"has_reached_target_cluster_size", "--formatter", "json"},
		{"check_if_node_is_mirror_sync_critical"}, {"check_if_node_is_mirror_sync_critical", "--formatter", "json"},
		{"check_if_cluster_has_classic_queue_mirroring_policy"},
		{"list_policies_with_classic_queue_mirroring"},
		{"reset_node_auth_attempt_metrics"}, {"reset_node_auth_attempt_metrics", "--formatter", "json"},
		// rabbitmqctl's commands in rabbitmq-diagnostics' scope
		{"list_vhosts", "name", "tracing"}, {"list_queues", "name", "type"}, {"check_virtual_hosts"},
		{"check_port_listener", "1"},
	} {
		compareTool(t, b, p, compat.Diagnostics, args...)
	}
}

var digits = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// The node's counters change between two runs: memory_breakdown and the auth attempt
// stats are compared with their numbers blanked out.
func TestDifferentialDiagnosticsCounters(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	for _, args := range [][]string{
		{"memory_breakdown"}, {"memory_breakdown", "--unit", "mb"}, {"memory_breakdown", "--unit", "bytes"},
		{"list_node_auth_attempt_stats"}, {"list_node_auth_attempt_stats", "--by-source"},
		{"list_node_auth_attempt_stats", "--formatter", "json"},
	} {
		want := realTool(t, b, compat.Diagnostics, args...)
		got := rmqTool(t, b, compat.Diagnostics, args...)
		label := strings.Join(args, " ")
		require.Equal(t, want.Code, got.Code, "%s: %s", label, got.Stderr)
		blank := func(s string) []string { return normalizeRows(digits.ReplaceAllString(s, "N")) }
		assert.Equal(t, digits.ReplaceAllString(firstLine(want.Stdout), "N"), digits.ReplaceAllString(firstLine(got.Stdout), "N"), label)
		if args[0] == "memory_breakdown" {
			// the categories are ordered by size, which moves: compare them as a set
			assert.ElementsMatch(t, blank(want.Stdout), blank(got.Stdout), "%s\nreal:\n%s\nrmqctl:\n%s", label, want.Stdout, got.Stdout)
			continue
		}
		assert.Equal(t, blank(want.Stdout), blank(got.Stdout), "%s\nreal:\n%s\nrmqctl:\n%s", label, want.Stdout, got.Stdout)
	}
	// JSON: the same categories, each with bytes and a percentage
	var want, got map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(realTool(t, b, compat.Diagnostics, "memory_breakdown", "--formatter", "json").Stdout), &want))
	require.NoError(t, json.Unmarshal([]byte(rmqTool(t, b, compat.Diagnostics, "memory_breakdown", "--formatter", "json").Stdout), &got))
	require.Equal(t, len(want), len(got))
	for k := range want {
		assert.Contains(t, got, k)
		assert.Contains(t, got[k], "bytes")
		assert.Contains(t, got[k], "percentage")
	}
}

// Commands that the management API cannot serve are refused on one line, exit 69,
// without contacting the broker.
func TestDiagnosticsRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"log_tail", "-N", "10"}, {"remote_shell"}, {"observer"}, {"cipher_suites", "--all"}, {"tls_versions"},
		{"command_line_arguments"}, {"os_env"}, {"erlang_cookie_hash"}, {"maybe_stuck"}, {"runtime_thread_stats"},
		{"consume_event_stream"}, {"wait", "/var/run/rabbitmq/pid"}, {"report"}, {"environment"}, {"certificates"},
		{"stream_status", "s1"}, {"coordinator_status"}, {"reclaim_quorum_memory", "q"}, {"schema_info"},
		{"resolve_hostname", "example.com"}, {"discover_peers"}, {"list_network_interfaces"},
	} {
		refused(t, compat.Diagnostics, args...)
	}
}
