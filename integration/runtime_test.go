package integration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// comparePair runs a mutation with each tool on its own object (named by the tool in
// place of NAME in args) and requires the same output, first stderr line and exit code.
func comparePair(t *testing.T, b *brokertest.Broker, args ...string) {
	t.Helper()
	subst := func(name string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = strings.ReplaceAll(a, "NAME", name)
		}
		return out
	}
	ctlName, rmqName := "ctl-"+suffixOf(t), "rmq-"+suffixOf(t)
	want := b.Ctl(t, "", subst(ctlName)...)
	got := rmq(t, b, "", append([]string{"-n", b.Node}, subst(rmqName)...)...)
	norm := func(s, name string) string { return strings.ReplaceAll(s, name, "NAME") }
	label := strings.Join(args, " ")
	assert.Equal(t, want.Code, got.Code, "%s\nrabbitmqctl: %s\nrmqctl: %s", label, want.Stderr, got.Stderr)
	assert.Equal(t, norm(want.Stdout, ctlName), norm(got.Stdout, rmqName), label)
	assert.Equal(t, firstStderrLine(norm(want.Stderr, ctlName)), firstStderrLine(norm(got.Stderr, rmqName)), label)
}

var suffixes = map[string]string{}

// suffixOf is a per-test random suffix.
func suffixOf(t *testing.T) string {
	if s, ok := suffixes[t.Name()]; ok {
		return s
	}
	s := strings.TrimPrefix(brokertest.Name(""), "-")
	suffixes[t.Name()] = s
	return s
}

// Policies, operator policies, runtime and global parameters: same banners, outputs,
// errors and exit codes as rabbitmqctl, and the same state for both tools to list.
func TestDifferentialPoliciesAndParameters(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	vhost := newVhost(t, b, "pol")
	s := suffixOf(t)
	t.Cleanup(func() {
		for _, who := range []string{"ctl-", "rmq-"} {
			rmq(t, b, "", "clear_global_parameter", who+s)
			rmq(t, b, "", "clear_global_parameter", who+s+"-str")
		}
	})
	p := []string{"-p", vhost}
	for _, args := range [][]string{
		{"set_policy", "NAME", "^q\\.", `{"max-length":10,"message-ttl":1000}`, "--priority", "5", "--apply-to", "queues"},
		{"set_policy", "NAME-ex", "^ex", `{"alternate-exchange":"ae"}`, "--apply-to", "exchanges"},
		{"set_policy", "NAME-bad", "^x", `{}`},
		{"set_policy", "NAME-bad", "^x", `not-json`},
		{"set_policy", "NAME-bad", "^x", `{"foo":"bar"}`},
		{"set_policy", "NAME-bad", "^x", `{"max-length":1}`, "--apply-to", "bogus"},
		{"set_policy", "NAME-bad", "^x", `{"max-length":1}`, "--priority", "x"},
		{"set_policy", "NAME-bad", "^x"},
		{"set_operator_policy", "NAME-op", "^q", `{"max-length":100}`, "--apply-to", "queues"},
		{"set_operator_policy", "NAME-bad", "^q", `{"ha-mode":"all"}`},
		{"set_parameter", "nosuchcomp", "NAME", `{"a":1}`},
		{"set_parameter", "vhost-limits", "NAME", `not-json`},
		{"clear_parameter", "federation-upstream", "NAME"},
		{"clear_policy", "NAME-nosuch"},
		{"clear_operator_policy", "NAME-nosuch"},
	} {
		comparePair(t, b, append(p, args...)...)
	}
	for _, args := range [][]string{
		{"set_global_parameter", "NAME", `{"a":[1,2]}`},
		{"set_global_parameter", "NAME-str", `"a string"`},
		{"set_global_parameter", "NAME-bad", `{oops`},
		{"clear_global_parameter", "NAME-nosuch"},
	} {
		comparePair(t, b, args...)
	}
	nosuch := brokertest.Name("nosuch")
	for _, args := range [][]string{
		{"list_policies", "-p", vhost},
		{"list_policies", "-p", vhost, "--formatter", "csv"},
		{"list_policies", "-p", vhost, "-s"},
		{"list_operator_policies", "-p", vhost},
		{"list_policies", "-p", nosuch},
		{"list_policies", "-p", "/", "-q"},
		{"list_parameters", "-p", vhost},
		{"list_parameters", "-p", nosuch},
		{"list_global_parameters", "-q"},
		{"list_global_parameters", "--formatter", "csv"},
		{"set_policy", "-p", nosuch, "x", "^x", `{"max-length":1}`},
		{"clear_policy", "-p", nosuch, "x"},
		{"list_policies", "extra"},
	} {
		compare(t, b, "", args...)
	}
	// Clearing works the same way for both, and leaves nothing behind.
	for _, args := range [][]string{
		{"clear_policy", "NAME"}, {"clear_policy", "NAME-ex"}, {"clear_operator_policy", "NAME-op"},
	} {
		comparePair(t, b, append(p, args...)...)
	}
	for _, args := range [][]string{{"clear_global_parameter", "NAME"}, {"clear_global_parameter", "NAME-str"}} {
		comparePair(t, b, args...)
	}
	compare(t, b, "", "list_policies", "-p", vhost)
}

// Vhost and user limits, cluster name and tracing.
func TestDifferentialLimitsAndTracing(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	s := suffixOf(t)
	for _, who := range []string{"ctl-", "rmq-"} {
		cleanupVhost(t, b, who+s)
		cleanupUser(t, b, who+s)
		mustRmq(t, b, "add_vhost", who+s, "--description", "limited", "--tags", "a,b")
		mustRmq(t, b, "add_user", who+s, "pw")
	}
	for _, args := range [][]string{
		{"set_vhost_limits", "-p", "NAME", `{"max-connections":10,"max-queues":20}`},
		{"list_vhost_limits", "-p", "NAME"},
		{"set_vhost_limits", "-p", "NAME", `{"max-queues":5}`},
		{"list_vhost_limits", "-p", "NAME"},
		{"set_vhost_limits", "-p", "NAME", `{"foo":"bar"}`},
		{"set_vhost_limits", "-p", "NAME", `not-json`},
		{"clear_vhost_limits", "-p", "NAME"},
		{"clear_vhost_limits", "-p", "NAME"},
		{"list_vhost_limits", "-p", "NAME"},
		{"list_vhost_limits", "-p", "NAME", "--formatter", "json"},
		{"set_user_limits", "NAME", `{"max-connections":5}`},
		{"set_user_limits", "NAME", `{"max-channels":7}`},
		{"list_user_limits", "--user", "NAME"},
		{"set_user_limits", "NAME", `{"foo":1}`},
		{"clear_user_limits", "NAME", "max-connections"},
		{"list_user_limits", "--user", "NAME"},
		{"clear_user_limits", "NAME", "all"},
		{"list_user_limits", "--user", "NAME"},
		{"set_user_limits", "NAME-nosuch", `{"max-connections":5}`},
		{"list_user_limits", "--user", "NAME-nosuch"},
		{"trace_on", "-p", "NAME"},
		{"trace_on", "-p", "NAME-nosuch"},
		{"trace_on", "-p", "NAME", "--formatter", "json"},
		{"trace_off", "-p", "NAME"},
	} {
		comparePair(t, b, args...)
	}
	compare(t, b, "", "list_vhosts", "-q", "name", "tracing", "description", "tags")
	comparePair(t, b, "trace_off", "-p", "NAME")
	for _, args := range [][]string{
		{"list_vhost_limits", "-p", brokertest.Name("nosuch")},
		{"list_user_limits"},
		{"list_vhost_limits", "extra"},
	} {
		compare(t, b, "", args...)
	}
	// set_cluster_name: same banner and effect; the name is restored afterwards.
	var cs map[string]any
	require.NoError(t, json.Unmarshal([]byte(mustRmq(t, b, "cluster_status", "--formatter", "json")), &cs))
	original, _ := cs["cluster_name"].(string)
	t.Cleanup(func() { rmq(t, b, "", "set_cluster_name", original) })
	comparePair(t, b, "set_cluster_name", "NAME")
	comparePair(t, b, "set_cluster_name")
	assert.Contains(t, b.Ctl(t, "", "cluster_status").Stdout, "Cluster name: rmq-"+s+"\n", "rabbitmqctl sees the name rmqctl set")

	// Tracing kept the vhost's description and tags.
	assert.Contains(t, mustRmq(t, b, "list_vhosts", "-s", "name", "description", "tags", "tracing"), "rmq-"+s+"\tlimited\t[a, b]\tfalse\n")
}
