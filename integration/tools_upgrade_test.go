package integration

import (
	"path/filepath"
	"testing"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rabbitmq-upgrade and rabbitmq-plugins on a single node, side by side with the
// release's own tools.
func TestDifferentialUpgradePlugins(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	p := compat.For(release(t, b))
	for _, args := range [][]string{
		{"await_online_quorum_plus_one"}, {"await_online_quorum_plus_one", "--formatter", "json"},
		{"await_online_quorum_plus_one", "-q"}, {"await_online_quorum_plus_one", "-t", "5"},
		{"has_reached_target_cluster_size"}, {"has_reached_target_cluster_size", "--formatter", "json"},
		{"await_online_synchronized_mirror"}, {"await_online_synchronized_mirror", "--formatter", "json"},
		{"post_upgrade"},
	} {
		compareTool(t, b, p, compat.Upgrade, args...)
	}
	for _, args := range [][]string{
		{"list", "-e"}, {"list", "-E"}, {"list", "-e", "--formatter", "json"}, {"list", "-E", "-m"},
		{"list", "-e", "management"}, {"list", "-e", "^nosuch"}, {"list", "-v", "-m"},
		{"is_enabled", "rabbitmq_management"}, {"is_enabled", "rabbitmq_management", "--formatter", "json"},
		{"is_enabled", "rabbitmq_management", "rabbitmq_management_agent"}, {"is_enabled"},
		{"directories"}, {"directories", "--formatter", "json"},
	} {
		compareToolWith(t, b, p, compat.Plugins, enabledPluginsFile(b), args...)
	}
	// a plugin that is not enabled: the same first lines and code (the real tool also
	// names the plugins' libraries, amqp_client, cowboy …, which the API does not tell)
	for _, args := range [][]string{{"is_enabled", "rabbitmq_shovel"}, {"is_enabled", "rabbitmq_shovel", "--formatter", "json"}} {
		want := realTool(t, b, compat.Plugins, append(enabledPluginsFile(b), args...)...)
		got := rmqTool(t, b, compat.Plugins, args...)
		require.Equal(t, want.Code, got.Code, got.Stderr)
		assert.Equal(t, firstLine(want.Stdout), firstLine(got.Stdout))
		assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr))
		assert.Contains(t, got.Stderr, "rabbitmq_shovel is not enabled on node "+b.Node+". Enabled plugins and dependencies: ")
		assert.Contains(t, got.Stderr, "rabbitmq_management")
	}
	for _, args := range [][]string{{"drain"}, {"revive"}} {
		refused(t, compat.Upgrade, args...)
	}
	for _, args := range [][]string{{"enable", "rabbitmq_shovel"}, {"disable", "rabbitmq_shovel"}, {"set", "rabbitmq_shovel"}} {
		refused(t, compat.Plugins, args...)
	}
	r := rmqTool(t, b, compat.Plugins, "list")
	assert.Equal(t, 69, r.Code)
	assert.Contains(t, r.Stderr, "Error: list cannot be run over the management HTTP API: the management API lists the plugins a node runs")
}

// enabledPluginsFile tells the real tools the node's enabled plugins file, which they
// read locally (broker.sh keeps it beside the node's HOME), and the release's plugins
// directory (Debian's 4.0.5 CLI does not find it by itself).
func enabledPluginsFile(b *brokertest.Broker) []string {
	return []string{"--enabled-plugins-file", filepath.Join(filepath.Dir(b.Home), "enabled_plugins"),
		"--plugins-dir", "/usr/lib/rabbitmq/lib/rabbitmq_server-" + b.Version + "/plugins"}
}
