package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Node commands and health checks against the real rabbitmqctl and rabbitmq-diagnostics.
func TestDifferentialNodeAndHealth(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	diag := &brokertest.Broker{Rabbitmqctl: filepath.Join(filepath.Dir(b.Rabbitmqctl), "rabbitmq-diagnostics"), Node: b.Node, Home: b.Home}
	amqpPort := b.AMQPURL[strings.LastIndex(b.AMQPURL, ":")+1:]
	for _, args := range [][]string{
		{"check_running"}, {"check_local_alarms"}, {"check_alarms"},
		{"check_port_listener", amqpPort}, {"check_port_listener", "1"},
		{"check_protocol_listener", "amqp"}, {"check_protocol_listener", "stomp"},
		{"check_virtual_hosts"}, {"check_if_node_is_quorum_critical"},
		{"check_certificate_expiration"}, {"check_certificate_expiration", "--within", "1", "--unit", "weeks"},
		{"check_alarms", "--formatter", "json"},
	} {
		want := diag.Ctl(t, "", args...)
		got := rmq(t, b, "", append([]string{"-n", b.Node}, args...)...)
		label := strings.Join(args, " ")
		assert.Equal(t, want.Code, got.Code, "%s: %s", label, got.Stderr)
		assert.Equal(t, want.Stdout, got.Stdout, label)
		assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr), label)
	}
	for _, args := range [][]string{
		{"ping"}, {"ping", "--formatter", "json"}, {"ping", "extra"},
		{"list_feature_flags"}, {"list_feature_flags", "name", "state", "stability", "provided_by", "desc", "doc_url"},
		{"list_feature_flags", "name,state", "--formatter", "json"}, {"list_feature_flags", "bogus"},
		{"enable_feature_flag", "quorum_queue"}, {"enable_feature_flag", "all"},
		{"enable_feature_flag", "nosuch_flag"}, {"enable_feature_flag", ""},
		{"cluster_status"}, {"status", "--unit", "foo"}, {"status", "extra"},
		{"await_startup"}, {"export_definitions", "/nosuch/dir/defs.json"},
		{"import_definitions", "/nosuch/defs.json"},
	} {
		compare(t, b, "", args...)
	}

	// status: rabbitmqctl's JSON keys and value shapes, where the API has the data.
	var want, got map[string]any
	require.NoError(t, json.Unmarshal([]byte(b.Ctl(t, "", "status", "--formatter", "json").Stdout), &want))
	r := rmq(t, b, "", "-n", b.Node, "status", "--formatter", "json")
	require.Equal(t, 0, r.Code, r.Stderr)
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &got))
	for _, k := range []string{"rabbitmq_version", "pid", "config_files", "log_files", "data_directory", "net_ticktime",
		"vm_memory_calculation_strategy", "vm_memory_high_watermark_limit", "release_series_support_status", "alarms", "is_under_maintenance"} {
		assert.Equal(t, want[k], got[k], k)
	}
	for _, k := range []string{"memory", "file_descriptors", "processes", "totals", "listeners", "uptime", "disk_free", "erlang_version", "run_queue", "tags"} {
		if _, there := want[k]; !there {
			assert.NotContains(t, got, k, "%s: the release's status has no such key", k)
			continue
		}
		require.Contains(t, got, k)
		assert.IsType(t, want[k], got[k], k)
	}
	assert.ElementsMatch(t, want["listeners"], got["listeners"])
	for _, k := range []string{"virtual_host_count", "queue_count", "connection_count"} {
		assert.Contains(t, got["totals"], k)
	}
	text := rmq(t, b, "", "status").Stdout
	wantText := ansi.ReplaceAllString(b.Ctl(t, "", "status").Stdout, "")
	for _, section := range []string{"Runtime\n", "Plugins\n", "Memory\n", "File Descriptors\n", "Free Disk Space\n", "Totals\n", "Listeners\n", "Tags\n"} {
		assert.Equal(t, strings.Contains(wantText, "\n"+section), strings.Contains(text, "\n"+section), "section %q", section)
	}
	assert.Contains(t, text, "\nRuntime\n")
}

// A password hashed by hash_password logs in over AMQP.
func TestHashPasswordAuthenticates(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("hashed")
	cleanupUser(t, b, user)
	r := rmq(t, b, "", "hash_password", "h4sh-me")
	require.Equal(t, 0, r.Code, r.Stderr)
	hash := strings.TrimSpace(r.Stdout)
	require.Len(t, hash, 48, "base64 of 4 bytes of salt and 32 of SHA-256")
	assert.NotContains(t, r.Stdout, "h4sh-me")
	mustRmq(t, b, "add_user", user, hash, "--pre-hashed-password")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	assert.NoError(t, publishAndConsume(b, user, "h4sh-me", "/", "x"))
	r = rmq(t, b, "h4sh-me\n", "hash_password", "-q")
	assert.Len(t, strings.TrimSpace(r.Stdout), 48, "from stdin")
}

// Definitions exported by rmqctl import back, through rmqctl and through rabbitmqctl,
// into empty brokers that then hold the same users, vhosts, permissions, policies,
// queues, exchanges and bindings.
func TestDefinitionsRoundTrip(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	vhost := newVhost(t, b, "defs")
	user := brokertest.Name("defuser")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	mustRmq(t, b, "set_user_tags", user, "monitoring")
	mustRmq(t, b, "set_permissions", "-p", vhost, user, "^c", "^w", "^r")
	mustRmq(t, b, "set_topic_permissions", "-p", vhost, user, "amq.topic", "^a", "^b")
	mustRmq(t, b, "set_policy", "-p", vhost, "ttl", "^q", `{"message-ttl":1000}`, "--apply-to", "queues", "--priority", "3")
	mustRmq(t, b, "declare_queue", "-p", vhost, "q1", "--max-length", "5")
	mustRmq(t, b, "declare_queue", "-p", vhost, "qq", "--type", "quorum")
	mustRmq(t, b, "declare_exchange", "-p", vhost, "ex", "--type", "topic")
	mustRmq(t, b, "declare_binding", "-p", vhost, "ex", "q1", "--routing-key", "a.#")

	file := filepath.Join(t.TempDir(), "defs.json")
	out := mustRmq(t, b, "export_definitions", file)
	assert.Equal(t, "Exporting definitions in JSON to a file at \""+file+"\" ...\n", out)
	doc, err := os.ReadFile(file)
	require.NoError(t, err)
	var parsed map[string]any
	require.NoError(t, json.Unmarshal(doc, &parsed))
	for _, k := range []string{"users", "vhosts", "permissions", "topic_permissions", "policies", "queues", "exchanges", "bindings"} {
		assert.Contains(t, parsed, k)
	}
	assert.Equal(t, string(doc), mustRmq(t, b, "export_definitions", "-"), "- writes the same document, nothing else")

	state := func(target *brokertest.Broker) string {
		var s strings.Builder
		for _, args := range [][]string{
			{"list_users", "-s"}, {"list_vhosts", "-s", "name"}, {"list_permissions", "-s", "-p", vhost},
			{"list_topic_permissions", "-s", "-p", vhost}, {"list_policies", "-s", "-p", vhost},
			{"list_queues", "-s", "-p", vhost, "name", "durable", "arguments", "type"},
			{"list_exchanges", "-s", "-p", vhost, "name", "type", "durable"},
			{"list_bindings", "-s", "-p", vhost},
		} {
			r := rmq(t, target, "", args...)
			require.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
			lines := normalizeRows(r.Stdout)
			s.WriteString(strings.Join(lines, "\n") + "\n--\n")
		}
		return s.String()
	}
	source := state(b)
	assert.Contains(t, source, user+"\t[monitoring]")

	for _, importer := range []string{"rmqctl", "rabbitmqctl"} {
		t.Run(importer, func(t *testing.T) {
			name := brokertest.Name("empty")
			t.Cleanup(func() { brokerScript(t, "stop", name) })
			env := readEnv(t, brokerScript(t, "start", name))
			target := &brokertest.Broker{URL: env["RMQCTL_TEST_URL"], AMQPURL: env["RMQCTL_TEST_AMQP_URL"],
				Node: env["RMQCTL_TEST_NODE"], Home: env["RMQCTL_TEST_HOME"], Rabbitmqctl: b.Rabbitmqctl}
			if importer == "rmqctl" {
				r := rmq(t, target, "", "import_definitions", file)
				require.Equal(t, 0, r.Code, r.Stderr)
				assert.Equal(t, "Importing definitions in JSON from a file at \""+file+"\" ...\n"+importDone(t, b), r.Stdout)
			} else {
				r := target.Ctl(t, "", "import_definitions", file)
				require.Equal(t, 0, r.Code, r.Stderr)
			}
			brokertest.Eventually(t, 30*time.Second, func() error {
				if got := state(target); got != source {
					return errorf("state after import differs:\n%s\nwant:\n%s", got, source)
				}
				return nil
			})
			r := rmq(t, target, "", "authenticate_user", user, "pw")
			assert.Equal(t, 0, r.Code, "the imported user's password works: %s", r.Stderr)
		})
	}

	// One vhost's definitions: exported with -p, imported with -p into another vhost.
	vdoc := mustRmq(t, b, "export_definitions", "-", "-p", vhost)
	assert.Contains(t, vdoc, `"queues"`)
	assert.NotContains(t, vdoc, `"users"`, "the per-vhost document has no users")
	copyVhost := newVhost(t, b, "defs-copy")
	r := rmq(t, b, vdoc, "import_definitions", "-", "-p", copyVhost)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "Importing definitions in JSON from standard input ...\n"+importDone(t, b), r.Stdout)
	brokertest.Eventually(t, 20*time.Second, func() error {
		got := strings.Join(lines(mustRmq(t, b, "list_queues", "-s", "-p", copyVhost, "name", "type")), ",")
		if got != "q1\tclassic,qq\tquorum" && got != "qq\tquorum,q1\tclassic" {
			return errorf("queues in the copy: %q", got)
		}
		return nil
	})
	assert.Contains(t, mustRmq(t, b, "list_policies", "-s", "-p", copyVhost), "\tttl\t^q\tqueues\t")
}

// importDone is import_definitions' success line as the release prints it.
func importDone(t *testing.T, b *brokertest.Broker) string {
	msg := "Successfully started definition import. This process is asynchronous and can take some time."
	if has(t, b, compat.ImportWatchLogs) {
		msg += " Watch target node logs for completion."
	}
	return msg + "\n"
}
