package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// brokerScript runs scripts/broker.sh with args and returns its last output line.
func brokerScript(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join("..", "scripts", "broker.sh")}, args...)...)
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "broker.sh %v: %s", args, stderr)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// readEnv reads an env file of export lines.
func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	return env
}

func asStrings(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, x := range items {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// rmqAt runs rmqctl in-process against the given base URL(s).
func rmqAt(t *testing.T, urls string, args ...string) brokertest.Result {
	t.Helper()
	return rmqEnv(t, &brokertest.Broker{URL: urls}, nil, "", args...)
}

// A real 3-node cluster on loopback: cluster_status, a quorum queue spread over the
// three, failover across URLs with a node down, the quorum-critical check as
// rabbitmq-diagnostics reports it, and await_startup for a node that comes back.
func TestCluster(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	name := brokertest.Name("cl")
	t.Cleanup(func() { brokerScript(t, "stop-cluster", name, "3") })
	env := readEnv(t, brokerScript(t, "cluster", name, "3"))
	urls := strings.Split(env["RMQCTL_TEST_CLUSTER_URLS"], ",")
	nodes := strings.Split(env["RMQCTL_TEST_CLUSTER_NODES"], ",")
	require.Len(t, urls, 3)
	all := env["RMQCTL_TEST_CLUSTER_URLS"]
	ctl := func(node string, args ...string) brokertest.Result {
		c := &brokertest.Broker{Rabbitmqctl: b.Rabbitmqctl, Node: node, Home: env["RMQCTL_TEST_CLUSTER_HOME"]}
		return c.Ctl(t, "", args...)
	}
	diagnostics := func(node string, args ...string) brokertest.Result {
		c := &brokertest.Broker{Rabbitmqctl: filepath.Join(filepath.Dir(b.Rabbitmqctl), "rabbitmq-diagnostics"), Node: node, Home: env["RMQCTL_TEST_CLUSTER_HOME"]}
		return c.Ctl(t, "", args...)
	}

	// cluster_status lists the three nodes, as rabbitmqctl does.
	r := rmqAt(t, all, "-n", nodes[0], "cluster_status", "--formatter", "json")
	require.Equal(t, 0, r.Code, r.Stderr)
	var got, want map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &got))
	require.NoError(t, json.Unmarshal([]byte(ctl(nodes[0], "cluster_status", "--formatter", "json").Stdout), &want))
	for _, k := range []string{"cluster_name", "partitions", "alarms", "maintenance_status"} {
		assert.Equal(t, want[k], got[k], k)
	}
	for _, k := range []string{"disk_nodes", "running_nodes", "ram_nodes"} {
		assert.ElementsMatch(t, want[k], got[k], k)
	}
	wl, _ := want["listeners"].(map[string]any)
	gl, _ := got["listeners"].(map[string]any)
	require.Len(t, gl, len(wl))
	for node, ls := range wl {
		assert.ElementsMatch(t, ls, gl[node], "listeners of %s", node)
	}
	assert.ElementsMatch(t, []any{nodes[0], nodes[1], nodes[2]}, got["running_nodes"])
	text := rmqAt(t, all, "-n", nodes[0], "cluster_status")
	for _, n := range nodes {
		assert.Contains(t, text.Stdout, "\n"+n+"\n")
	}

	// A quorum queue declared through rmqctl spreads over the three nodes.
	vhost := "/"
	r = rmqAt(t, all, "declare_queue", "-p", vhost, "qq-"+name, "--type", "quorum")
	require.Equal(t, 0, r.Code, r.Stderr)
	t.Cleanup(func() { rmqAt(t, all, "delete_queue", "qq-"+name, "--if-exists") })
	brokertest.Eventually(t, 30*time.Second, func() error {
		r := rmqAt(t, all, "list_queues", "name", "members", "online", "--formatter", "json")
		var qs []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &qs); err != nil {
			return err
		}
		for _, q := range qs {
			if q["name"] != "qq-"+name {
				continue
			}
			members, online := asStrings(q["members"]), asStrings(q["online"])
			sort.Strings(members)
			sort.Strings(online)
			sorted := append([]string{}, nodes...)
			sort.Strings(sorted)
			if strings.Join(members, ",") == strings.Join(sorted, ",") && strings.Join(online, ",") == strings.Join(sorted, ",") {
				return nil
			}
			return errorf("members %v online %v", members, online)
		}
		return errorf("queue not listed: %s", r.Stdout)
	})

	// Node 1 goes down (its management listener with it): commands given all three
	// URLs still succeed, answered by another node, and say so with --verbose.
	require.Equal(t, 0, ctl(nodes[0], "stop_app").Code)
	brokertest.Eventually(t, 30*time.Second, func() error {
		// the queue's leader moves off the stopped node first
		if r = rmqAt(t, all, "list_queues", "-s", "name", "--verbose"); r.Code != 0 || !strings.Contains(r.Stdout, "qq-"+name+"\n") {
			return errorf("%d %q %s", r.Code, r.Stdout, r.Stderr)
		}
		return nil
	})
	assert.Contains(t, r.Stderr, "connection refused")
	assert.Contains(t, r.Stderr, "< 200 OK from "+strings.TrimPrefix(urls[1], "http://"))
	r = rmqAt(t, all, "add_user", "failover-"+name, "pw")
	assert.Equal(t, 0, r.Code, "writes fail over too when a node cannot be reached: %s", r.Stderr)
	t.Cleanup(func() { rmqAt(t, all, "delete_user", "failover-"+name) })

	// With node 1 down, losing node 2 too would cost the queue its quorum: the check
	// fails on node 2 as rabbitmq-diagnostics says.
	brokertest.Eventually(t, 30*time.Second, func() error {
		want := diagnostics(nodes[1], "check_if_node_is_quorum_critical")
		got := rmqAt(t, urls[1], "-n", nodes[1], "check_if_node_is_quorum_critical")
		if want.Code != 69 {
			return errorf("rabbitmq-diagnostics does not report it yet: %d %s", want.Code, want.Stderr)
		}
		if got.Code != want.Code {
			return errorf("exit %d, rabbitmq-diagnostics %d: %s", got.Code, want.Code, got.Stderr)
		}
		if firstLine(got.Stdout) != firstLine(want.Stdout) || firstStderrLine(got.Stderr) != firstStderrLine(want.Stderr) {
			t.Logf("rmqctl %q / %q\nrabbitmq-diagnostics %q / %q", got.Stdout, got.Stderr, want.Stdout, want.Stderr)
			return errorf("outputs differ")
		}
		return nil
	})

	// await_startup started while node 1 is down returns once it is back.
	done := make(chan brokertest.Result, 1)
	go func() { done <- rmqAt(t, urls[0], "await_startup", "-t", "120") }()
	select {
	case r := <-done:
		t.Fatalf("await_startup returned while the node was down: %d %s", r.Code, r.Stderr)
	case <-time.After(2 * time.Second):
	}
	require.Equal(t, 0, ctl(nodes[0], "start_app").Code)
	select {
	case r := <-done:
		assert.Equal(t, 0, r.Code, r.Stderr)
	case <-time.After(2 * time.Minute):
		t.Fatal("await_startup did not return after the node started")
	}
	r = rmqAt(t, urls[0], "-n", nodes[0], "check_if_node_is_quorum_critical")
	assert.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, firstLine(diagnostics(nodes[0], "check_if_node_is_quorum_critical").Stdout), firstLine(r.Stdout))
}

// await_startup started before a node is even listening returns 0 once it is up, and
// runs out of time with exit 75 when it is not.
func TestAwaitStartupBeforeBoot(t *testing.T) {
	brokertest.Require(t)
	name := brokertest.Name("boot")
	t.Cleanup(func() { brokerScript(t, "stop", name) })
	env := readEnv(t, brokerScript(t, "prepare", name))
	url := env["RMQCTL_TEST_URL"]

	r := rmqAt(t, url, "await_startup", "-t", "1")
	assert.Equal(t, 75, r.Code)
	assert.Contains(t, r.Stderr, "timed out. Timeout value used: 1000")

	done := make(chan brokertest.Result, 1)
	go func() { done <- rmqAt(t, url, "await_startup", "-t", "180") }()
	brokerScript(t, "boot", name)
	select {
	case r := <-done:
		assert.Equal(t, 0, r.Code, r.Stderr)
		assert.Empty(t, r.Stdout, "await_startup prints nothing on success")
	case <-time.After(3 * time.Minute):
		t.Fatal("await_startup did not return")
	}
	assert.Equal(t, 0, rmqAt(t, url, "check_running").Code)
}
