package integration

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const shovelFederationPlugins = "rabbitmq_shovel,rabbitmq_shovel_management,rabbitmq_federation,rabbitmq_federation_management,rabbitmq_stream,rabbitmq_stream_management"

// freePort is a loopback port nobody listens on now (for the stream listener, whose
// default 5552 two nodes cannot share).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startPluginNode starts a node of the release under test with the shovel,
// federation and stream plugins.
func startPluginNode(t *testing.T, prefix string) *brokertest.Broker {
	t.Helper()
	name := brokertest.Name(prefix)
	t.Setenv("RMQCTL_BROKER_PLUGINS", shovelFederationPlugins)
	t.Setenv("RMQCTL_BROKER_EXTRA_CONF", fmt.Sprintf("stream.listeners.tcp.default = 127.0.0.1:%d", freePort(t)))
	t.Cleanup(func() { brokerScript(t, "stop", name) })
	env := readEnv(t, brokerScript(t, "start", name))
	return &brokertest.Broker{URL: env["RMQCTL_TEST_URL"], AMQPURL: env["RMQCTL_TEST_AMQP_URL"], Node: env["RMQCTL_TEST_NODE"],
		Home: env["RMQCTL_TEST_HOME"], Rabbitmqctl: env["RMQCTL_TEST_RABBITMQCTL"], Tools: env["RMQCTL_TEST_TOOLS"],
		Version: env["RMQCTL_TEST_VERSION"]}
}

// Shovel and federation status, restarts and deletion on a node with the plugins and
// a real link to a second node, side by side with the release's rabbitmqctl (told the
// node's enabled plugins file, as it must be to find the plugins' commands).
func TestDifferentialShovelFederation(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	// Without the plugins, the commands say so.
	for _, args := range [][]string{{"shovel_status"}, {"federation_status"}, {"restart_federation_link", "x"}, {"delete_shovel", "x"}} {
		r := rmq(t, b, "", args...)
		assert.Equal(t, 69, r.Code, "%v: %s", args, r.Stderr)
		assert.Regexp(t, `^Error: `+args[0]+` needs the rabbitmq_(shovel|federation)_management plugin, which is not enabled on node `, r.Stderr)
	}
	r := rmq(t, b, "", "streams", "list_stream_connections")
	assert.Equal(t, 69, r.Code)
	assert.Contains(t, r.Stderr, "needs the rabbitmq_stream_management plugin")

	up := startPluginNode(t, "sibup")
	down := startPluginNode(t, "sibdown")
	plugins := enabledPluginsFile(down)
	upURI := "amqp://guest:guest@" + strings.TrimPrefix(up.AMQPURL, "amqp://")
	src, dst, fx, fq := brokertest.Name("src"), brokertest.Name("dst"), brokertest.Name("fx"), brokertest.Name("fq")
	shovel, shovel2 := brokertest.Name("sh"), brokertest.Name("sh2")
	mustRmq(t, down, "declare_queue", src)
	mustRmq(t, up, "declare_queue", dst)
	for _, sh := range []string{shovel, shovel2} {
		mustRmq(t, down, "set_parameter", "shovel", sh, fmt.Sprintf(`{"src-uri":"amqp://","src-queue":%q,"dest-uri":%q,"dest-queue":%q}`, src, upURI, dst))
	}
	mustRmq(t, down, "set_parameter", "federation-upstream", "up", fmt.Sprintf(`{"uri":%q}`, upURI))
	mustRmq(t, down, "declare_exchange", fx, "--type", "topic")
	mustRmq(t, down, "declare_queue", fq)
	mustRmq(t, down, "declare_binding", fx, fq, "--routing-key", "#")
	mustRmq(t, down, "set_policy", "fed", "^"+fx+"$", `{"federation-upstream-set":"all"}`, "--apply-to", "exchanges")

	var link string
	brokertest.Eventually(t, time.Minute, func() error {
		var shovels, links []map[string]any
		if err := json.Unmarshal([]byte(mustRmq(t, down, "shovel_status", "--formatter", "json")), &shovels); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(mustRmq(t, down, "federation_status", "--formatter", "json")), &links); err != nil {
			return err
		}
		if len(shovels) != 2 || shovels[0]["state"] != "running" || shovels[1]["state"] != "running" || len(links) != 1 || links[0]["status"] != "running" {
			return errorf("shovels %v, links %v", shovels, links)
		}
		link, _ = links[0]["id"].(string)
		return nil
	})

	// The link is real: a message shovelled to the other node, and one federated from it.
	mustRmq(t, down, "publish", "--routing-key", src, "--payload", "shovelled")
	mustRmq(t, up, "publish", "--exchange", fx, "--routing-key", "a.b", "--payload", "federated")
	brokertest.Eventually(t, 30*time.Second, func() error {
		if out := rmq(t, up, "", "get", dst).Stdout; !strings.Contains(out, "shovelled") {
			return errorf("not shovelled yet: %s", out)
		}
		return nil
	})
	brokertest.Eventually(t, 30*time.Second, func() error {
		if out := rmq(t, down, "", "get", fq).Stdout; !strings.Contains(out, "federated") {
			return errorf("not federated yet: %s", out)
		}
		return nil
	})

	ctl := func(args ...string) []string { return append(append([]string{}, plugins...), args...) }
	for _, args := range [][]string{
		{"shovel_status"}, {"shovel_status", "--formatter", "json"}, {"federation_status"},
		{"federation_status", "--formatter", "json"}, {"federation_status", "--only-down"},
		{"list_stream_connections"}, {"list_stream_connections", "--formatter", "json"}, {"list_stream_publishers"},
		{"list_stream_consumers", "conn_name"},
		{"restart_shovel", shovel}, {"restart_shovel", brokertest.Name("nosuch")},
		{"delete_shovel", brokertest.Name("nosuch")},
		{"restart_federation_link", link}, {"restart_federation_link", "nosuch"},
	} {
		compareShovel(t, down, ctl(args...), args)
	}
	// rabbitmq-diagnostics has them too
	want := down.Tool(t, compat.Diagnostics, "", ctl("shovel_status")...)
	got := rmqTool(t, down, compat.Diagnostics, "shovel_status")
	assertSameAnswer(t, "diagnostics shovel_status", nil, want, got)

	// delete_shovel: the real tool deletes one shovel, rmqctl the other.
	want = down.Ctl(t, "", ctl("delete_shovel", shovel)...)
	got = rmq(t, down, "", "-n", down.Node, "delete_shovel", shovel2)
	assert.Equal(t, want.Code, got.Code, got.Stderr)
	assert.Equal(t, strings.ReplaceAll(want.Stdout, shovel, "SH"), strings.ReplaceAll(got.Stdout, shovel2, "SH"))
	brokertest.Eventually(t, 30*time.Second, func() error {
		if out := mustRmq(t, down, "shovel_status", "-s"); out != "" {
			return errorf("shovels left: %s", out)
		}
		return nil
	})
	assert.NotContains(t, mustRmq(t, down, "list_parameters", "-s"), shovel2, "the dynamic shovel's parameter is gone")
}

// compareShovel compares the real rabbitmqctl, given the node's plugins file, with rmqctl.
func compareShovel(t *testing.T, b *brokertest.Broker, ctlArgs, args []string) {
	t.Helper()
	want := b.Ctl(t, "", ctlArgs...)
	got := rmq(t, b, "", append([]string{"-n", b.Node}, args...)...)
	assertSameAnswer(t, strings.Join(args, " "), args, want, got)
}
