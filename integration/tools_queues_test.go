package integration

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startCluster starts a 3-node cluster of the release under test and returns a broker
// for its first node (the real tools run with the cluster's cookie) and the nodes.
func startCluster(t *testing.T, b *brokertest.Broker, prefix string) (*brokertest.Broker, []string) {
	t.Helper()
	name := brokertest.Name(prefix)
	t.Cleanup(func() { brokerScript(t, "stop-cluster", name, "3") })
	env := readEnv(t, brokerScript(t, "cluster", name, "3"))
	nodes := strings.Split(env["RMQCTL_TEST_CLUSTER_NODES"], ",")
	require.Len(t, nodes, 3)
	first, _, _ := strings.Cut(env["RMQCTL_TEST_CLUSTER_URLS"], ",")
	version := getJSON(t, &brokertest.Broker{URL: first}, "/overview?columns=rabbitmq_version").(map[string]any)["rabbitmq_version"].(string)
	require.Equal(t, release(t, b).String(), version, "the cluster runs the release under test (RMQCTL_BROKER_VERSION)")
	return &brokertest.Broker{
		URL: env["RMQCTL_TEST_CLUSTER_URLS"], Node: nodes[0], Home: env["RMQCTL_TEST_CLUSTER_HOME"],
		Rabbitmqctl: env["RMQCTL_TEST_RABBITMQCTL"], Tools: env["RMQCTL_TEST_TOOLS"], Version: version,
	}, nodes
}

// members are a queue's members, sorted, as rmqctl lists them.
func members(t *testing.T, cb *brokertest.Broker, queue string) []string {
	t.Helper()
	r := rmq(t, cb, "", "list_queues", "name", "members", "--formatter", "json")
	require.Equal(t, 0, r.Code, r.Stderr)
	var qs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &qs))
	for _, q := range qs {
		if q["name"] == queue {
			m := asStrings(q["members"])
			sort.Strings(m)
			return m
		}
	}
	return nil
}

// rabbitmq-queues on a real 3-node cluster: members really removed and added, queues
// shrunk and grown, leaders rebalanced, side by side with the release's own tool (each
// change made by the real tool, undone, then made by rmqctl, so that both see the same
// cluster).
func TestDifferentialQueuesCluster(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	p := compat.For(release(t, b))
	cb, nodes := startCluster(t, b, "sibq")
	qa, qb, cq := brokertest.Name("qqa"), brokertest.Name("qqb"), brokertest.Name("cq")
	for _, q := range []string{qa, qb} {
		mustRmq(t, cb, "declare_queue", q, "--type", "quorum")
	}
	mustRmq(t, cb, "declare_queue", cq)
	sortedNodes := append([]string{}, nodes...)
	sort.Strings(sortedNodes)
	brokertest.Eventually(t, time.Minute, func() error {
		for _, q := range []string{qa, qb} {
			if got := members(t, cb, q); strings.Join(got, ",") != strings.Join(sortedNodes, ",") {
				return errorf("%s has members %v", q, got)
			}
		}
		return nil
	})
	third := nodes[2]
	two := []string{nodes[0], nodes[1]}
	sort.Strings(two)

	if p.ToolHTTPError(compat.Queues, "add_member") != "" {
		// 3.10: the membership routes came in 3.11.19/3.12.1
		for _, args := range [][]string{{"add_member", qa, third}, {"delete_member", qa, third}, {"grow", third, "all"}, {"shrink", third}} {
			compareTool(t, cb, p, compat.Queues, args...)
		}
	} else {
		// A member removed, then added back, by each tool in turn.
		for _, format := range [][]string{nil, {"--formatter", "json"}} {
			want := realTool(t, cb, compat.Queues, append([]string{"delete_member", qa, third}, format...)...)
			require.Equal(t, 0, want.Code, want.Stderr)
			require.Equal(t, two, members(t, cb, qa))
			wantAdd := realTool(t, cb, compat.Queues, append([]string{"add_member", qa, third}, format...)...)
			require.Equal(t, 0, wantAdd.Code, wantAdd.Stderr)
			require.Equal(t, sortedNodes, members(t, cb, qa))

			got := rmqTool(t, cb, compat.Queues, append([]string{"delete_member", qa, third}, format...)...)
			assertSameAnswer(t, "delete_member", format, want, got)
			assert.Equal(t, two, members(t, cb, qa), "rmqctl removed the member")
			got = rmqTool(t, cb, compat.Queues, append([]string{"add_member", qa, third}, format...)...)
			assertSameAnswer(t, "add_member", format, wantAdd, got)
			assert.Equal(t, sortedNodes, members(t, cb, qa), "rmqctl added the member")
		}
		// Every quorum queue shrunk off the third node, then grown back.
		for _, format := range [][]string{nil, {"--formatter", "json"}} {
			want := realTool(t, cb, compat.Queues, append([]string{"shrink", third}, format...)...)
			require.Equal(t, 0, want.Code, want.Stderr)
			wantGrow := realTool(t, cb, compat.Queues, append([]string{"grow", third, "all"}, format...)...)
			require.Equal(t, 0, wantGrow.Code, wantGrow.Stderr)
			got := rmqTool(t, cb, compat.Queues, append([]string{"shrink", third}, format...)...)
			assertSameAnswer(t, "shrink", format, want, got)
			assert.Equal(t, two, members(t, cb, qb), "rmqctl shrank the queue")
			got = rmqTool(t, cb, compat.Queues, append([]string{"grow", third, "all"}, format...)...)
			assertSameAnswer(t, "grow", format, wantGrow, got)
			assert.Equal(t, sortedNodes, members(t, cb, qb), "rmqctl grew the queue")
		}
		// quorum_status: the members' Raft state, their indexes blanked (they move)
		for _, format := range [][]string{nil, {"--formatter", "json"}} {
			args := append([]string{"quorum_status", qa}, format...)
			want := realTool(t, cb, compat.Queues, args...)
			got := rmqTool(t, cb, compat.Queues, args...)
			require.Equal(t, want.Code, got.Code, got.Stderr)
			blank := func(s string) []string {
				cells := tableCells(s)
				for i := range cells {
					cells[i] = digits.ReplaceAllString(cells[i], "N")
				}
				return cells
			}
			assert.Equal(t, blank(want.Stdout), blank(got.Stdout), "quorum_status %v\nreal:\n%s\nrmqctl:\n%s", format, want.Stdout, got.Stdout)
		}
		nosuch := brokertest.Name("nosuch")
		for _, args := range [][]string{
			{"add_member", qa, "nosuch@localhost"}, {"add_member", nosuch, third}, {"delete_member", nosuch, third},
			{"add_member", cq, third}, {"delete_member", cq, third}, {"add_member", qa, third, "--membership", "bogus"},
			{"grow", third, "bogus"}, {"grow", third, "all", "--queue-pattern", "^" + qa + "$"}, {"shrink", "nosuch@localhost"},
			{"quorum_status", cq}, {"quorum_status", nosuch},
		} {
			compareTool(t, cb, p, compat.Queues, args...)
		}
	}

	// Leaders: both quorum queues were declared through node 1, which leads them. The
	// rebalancing moves one away; the real tool, run after, finds them balanced and
	// reports the same counts.
	got := rmqTool(t, cb, compat.Queues, "rebalance", "all", "--formatter", "json")
	require.Equal(t, 0, got.Code, got.Stderr)
	want := realTool(t, cb, compat.Queues, "rebalance", "all", "--formatter", "json")
	require.Equal(t, 0, want.Code, want.Stderr)
	var gotDoc, wantDoc map[string]any
	require.NoError(t, json.Unmarshal([]byte(got.Stdout), &gotDoc))
	require.NoError(t, json.Unmarshal([]byte(want.Stdout), &wantDoc))
	assert.ElementsMatch(t, wantDoc["value"], gotDoc["value"], "leaders per node\nreal: %s\nrmqctl: %s", want.Stdout, got.Stdout)
	assert.Equal(t, wantDoc["result"], gotDoc["result"])
	for _, row := range gotDoc["value"].([]any) {
		assert.Equal(t, 1.0, rowValue(row, "Number of quorum queues"), "one leader per node after the rebalancing: %s", got.Stdout)
	}
	for _, args := range [][]string{{"rebalance", "all"}, {"rebalance", "bogus"}} {
		compareTool(t, cb, p, compat.Queues, args...)
	}
	refusedRebalance := rmqTool(t, cb, compat.Queues, "rebalance", "quorum")
	assert.Equal(t, 69, refusedRebalance.Code)
	assert.Contains(t, refusedRebalance.Stderr, "rebalance quorum cannot be run over the management HTTP API")
}

// rowValue reads a key of a JSON row: an object, or (before 4.1.2) a list of pairs.
func rowValue(row any, key string) any {
	switch r := row.(type) {
	case map[string]any:
		return r[key]
	case []any:
		for _, kv := range r {
			if pair, ok := kv.([]any); ok && len(pair) == 2 && pair[0] == key {
				return pair[1]
			}
		}
	}
	return nil
}
