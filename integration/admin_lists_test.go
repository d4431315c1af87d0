package integration

import (
	"regexp"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adminWorld fills a vhost of the test's own with one of each listable thing, so the
// lists below have rows of every shape: classic and quorum queues with arguments, an
// exchange with arguments, bindings with and without arguments, a policy and an
// operator policy, a vhost limit, a user with two tags and its permissions, a topic
// permission, and an AMQP connection with a channel and a consumer.
type adminWorld struct {
	vhost, user string
	conn        *amqp.Connection
}

func newAdminWorld(t *testing.T, e *adminEnv) adminWorld {
	t.Helper()
	w := adminWorld{vhost: newAdminVhost(t, e, "adm-world"), user: brokertest.Name("adm-user")}
	t.Cleanup(func() { e.quietly(t, "delete", "user", "name="+w.user) })
	V := []string{"-V", w.vhost}
	for _, args := range [][]string{
		{"declare", "queue", "name=jobs", "durable=false"},
		{"declare", "queue", "name=orders", `arguments={"x-max-length":10,"x-overflow":"reject-publish"}`},
		{"declare", "queue", "name=ööö-quorum", "queue_type=quorum"},
		{"declare", "exchange", "name=events", "type=topic", `arguments={"alternate-exchange":"amq.fanout"}`},
		{"declare", "binding", "source=events", "destination=orders", "routing_key=order.#"},
		{"declare", "binding", "source=events", "destination=jobs", "routing_key=job.*", `arguments={"x-match":"all"}`},
		{"declare", "binding", "source=events", "destination=amq.topic", "destination_type=exchange", "routing_key=e2e"},
		{"declare", "policy", "name=pol", "pattern=^orders$", `definition={"max-length":1000,"overflow":"reject-publish"}`, "priority=1", "apply-to=queues"},
		{"declare", "operator_policy", "name=opol", "pattern=^jobs$", `definition={"max-length":7}`},
		{"declare", "vhost_limit", "vhost=" + w.vhost, "name=max-queues", "value=100"},
	} {
		e.ok(t, append(V, args...)...)
	}
	e.ok(t, "declare", "user", "name="+w.user, "password=pw", "tags=monitoring,policymaker")
	e.ok(t, "declare", "permission", "vhost="+w.vhost, "user="+w.user, "configure=^q", "write=.*", "read=.*")
	e.ok(t, "declare", "topic_permission", "vhost="+w.vhost, "user="+w.user, "exchange=amq.topic", "write=^a", "read=^b")
	e.ok(t, "-V", w.vhost, "publish", "routing_key=orders", "payload=first", `properties={"headers":{"h":1},"delivery_mode":2}`)

	cfg := amqp.Config{Properties: amqp.NewConnectionProperties()}
	cfg.Properties.SetClientConnectionName(brokertest.Name("adm-conn"))
	conn, err := amqp.DialConfig(e.b.AMQPURI("guest", "guest", w.vhost), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.Qos(7, 0, false))
	_, err = ch.Consume("jobs", "adm-v1-ctag", false, false, false, false, nil)
	require.NoError(t, err)
	w.conn = conn
	// the queues' counters, the connection, channel and consumer show up in the API
	// once stats are emitted
	brokertest.Eventually(t, 30*time.Second, func() error {
		out := e.ok(t, "-V", w.vhost, "-f", "tsv", "-q", "list", "queues", "name", "messages", "consumers")
		if out != "jobs\t0\t1\norders\t1\t0\nööö-quorum\t0\t0\n" {
			return errorf("queue stats not in yet: %q", out)
		}
		return nil
	})
	brokertest.Eventually(t, 30*time.Second, func() error {
		out := e.ok(t, "-f", "tsv", "-q", "list", "channels", "vhost", "consumer_count")
		if !strings.Contains(out, w.vhost+"\t1\n") {
			return errorf("channel not listed yet: %q", out)
		}
		return nil
	})
	return w
}

// Every listable type in every format, with its default columns, named columns
// (nested ones included) and deeper flattening: the same bytes as v1. Columns whose
// values move by themselves (rates, memory, counters of live processes) are left out.
func TestAdminDifferentialListsAndFormats(t *testing.T) {
	e := newAdminEnv(t)
	w := newAdminWorld(t, e)
	V := []string{"-V", w.vhost}
	type list struct{ args []string }
	var cases []list
	add := func(args ...string) { cases = append(cases, list{args}) }
	// vhost-scoped types: default columns, named and dotted columns, all columns
	add(append(V, "list", "queues")...)
	add(append(V, "list", "queues", "name", "durable", "auto_delete", "arguments", "arguments.x-max-length", "arguments.x-queue-type", "type", "nosuch")...)
	add(append(V, "list", "exchanges")...)
	add(append(V, "-d", "2", "list", "exchanges")...)
	add(append(V, "list", "exchanges", "name", "type", "durable", "internal", "arguments.alternate-exchange")...)
	add(append(V, "list", "bindings")...)
	add(append(V, "-d", "2", "list", "bindings")...)
	add(append(V, "list", "bindings", "source", "destination", "destination_type", "routing_key", "properties_key", "arguments.x-match")...)
	add(append(V, "list", "consumers", "consumer_tag", "prefetch_count", "ack_required", "exclusive", "queue.name", "channel_details.connection_name")...)
	// cluster-wide types, rows filtered by -V only where v1 filters
	add("list", "users", "name", "tags")
	add("-d", "2", "list", "permissions")
	add("list", "vhosts", "name", "tracing")
	add("list", "policies")
	add("-d", "3", "list", "policies")
	add("list", "policies", "name", "vhost", "definition", "definition.max-length", "apply-to", "priority")
	add("list", "operator_policies")
	add("list", "parameters")
	add("list", "vhost_limits")
	add("list", "connections", "name", "user", "vhost", "client_properties.connection_name", "channels")
	add("list", "channels", "name", "user", "vhost", "number", "prefetch_count")
	add("list", "nodes", "name", "type")
	add("show", "overview", "rabbitmq_version", "cluster_name", "node")
	for _, c := range cases {
		for _, f := range []string{"table", "tsv", "long", "kvp", "bash", "raw_json", "pretty_json"} {
			// the JSON formats ask for every field: the queues' process counters move
			r := e.sameBut(t, blankCounters, "", append([]string{"-f", f}, c.args...)...)
			assert.Equal(t, 0, r.Code, "%v -f %s: %s", c.args, f, r.Stderr)
			if f != "bash" { // bash prints nothing for rows without a name column
				assert.NotEmpty(t, r.Stdout, "%v -f %s", c.args, f)
			}
		}
		e.same(t, "", append([]string{"-q", "-f", "tsv"}, c.args...)...)
	}

	t.Run("sorted", func(t *testing.T) {
		for _, args := range [][]string{
			{"-S", "name", "list", "queues"}, {"-S", "name", "-R", "list", "queues", "name"},
			{"--sort=routing_key", "--sort-reverse", "list", "bindings"}, {"-S", "type", "list", "exchanges", "name", "type"},
		} {
			assert.Equal(t, 0, e.same(t, "", append(V, args...)...).Code, args)
		}
	})

	t.Run("rows of the world", func(t *testing.T) {
		out := e.same(t, "", append(V, "-f", "tsv", "list", "queues", "name", "arguments.x-max-length", "type")...).Stdout
		assert.Equal(t, "name\targuments.x-max-length\ttype\njobs\t\tclassic\norders\t10\tclassic\nööö-quorum\t\tquorum\n", out)
		out = e.same(t, "", append(V, "-f", "kvp", "list", "bindings", "source", "destination", "routing_key", "properties_key")...).Stdout
		assert.Contains(t, out, `source="events" destination="orders" routing_key="order.#" properties_key="order.%23"`)
		out = e.same(t, "", "-f", "tsv", "-q", "list", "users", "name", "tags").Stdout
		assert.Contains(t, out, w.user+"\tmonitoring policymaker\n", "a list of strings is joined with spaces")
		out = e.same(t, "", "-f", "tsv", "-q", "list", "policies", "name", "vhost", "definition").Stdout
		assert.Contains(t, out, "pol\t"+w.vhost+"\t"+`{"max-length": 1000, "overflow": "reject-publish"}`+"\n")
	})

	// get takes messages: v1 gets from one queue, rmqctl from its twin, both fed by
	// one fanout exchange, so both see the same messages (routing key, exchange,
	// properties, counts) in the same state.
	t.Run("get", func(t *testing.T) {
		e.ok(t, "-V", w.vhost, "declare", "exchange", "name=fan", "type=fanout")
		for _, q := range []string{"ga", "gb"} {
			e.ok(t, "-V", w.vhost, "declare", "queue", "name="+q)
			e.ok(t, "-V", w.vhost, "declare", "binding", "source=fan", "destination="+q)
		}
		for i, p := range []string{"first", "ünïcode", "\xff\xfebinary", "fourth"} {
			props := `{"headers":{"h":1,"list":["a","b"]},"delivery_mode":2,"content_type":"text/plain","priority":` + string(rune('1'+i)) + `}`
			if i == 3 {
				props = "{}"
			}
			e.ok(t, "-V", w.vhost, "publish", "exchange=fan", "routing_key=rk", "payload="+p, "properties="+props)
		}
		for _, args := range [][]string{
			{"get", "count=2"}, {"-d", "3", "get"}, {"-f", "raw_json", "get", "encoding=base64"},
			{"-f", "pretty_json", "get", "count=10"}, {"-f", "long", "-d", "2", "get", "ackmode=ack_requeue_false"},
			{"-f", "kvp", "get", "ackmode=reject_requeue_true", "count=3"}, {"-f", "tsv", "get", "ackmode=reject_requeue_false"},
			{"get", "count=5"}, {"get"},
		} {
			label := strings.Join(args, " ")
			want := e.v1(t, "", append(append([]string{"-V", w.vhost}, args...), "queue=ga")...)
			got := e.ours(t, "", append(append([]string{"-V", w.vhost}, args...), "queue=gb")...)
			assertSameResult(t, want, got, label)
			assert.Equal(t, 0, got.Code, "%s: %s", label, got.Stderr)
		}
	})
}

// Where v1 crashes with a traceback, rmqctl does what the command means.
func TestAdminDifferentialWhereV1Crashes(t *testing.T) {
	e := newAdminEnv(t)
	v := newAdminVhost(t, e, "adm-crash")
	e.ok(t, "-V", v, "declare", "queue", "name=q")

	// a null cell (a queue without a policy, once its stats are in): v1's table and
	// tsv die of a TypeError
	cols := []string{"list", "queues", "name", "policy", "exclusive_consumer_tag"}
	brokertest.Eventually(t, 30*time.Second, func() error {
		if out := e.ok(t, append([]string{"-V", v, "-f", "tsv", "-q"}, cols...)...); out != "q\tNone\tNone\n" {
			return errorf("stats not in yet: %q", out)
		}
		return nil
	})
	for _, f := range []string{"table", "tsv"} {
		want := e.v1(t, "", append([]string{"-V", v, "-f", f}, cols...)...)
		assert.Equal(t, 1, want.Code)
		assert.Contains(t, want.Stderr, "TypeError")
	}
	r := e.ours(t, "", append([]string{"-V", v, "-f", "table"}, cols...)...)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "| q    | None   | None                   |")
	// long and kvp printed None already: same bytes
	e.same(t, "", append([]string{"-V", v, "-f", "long"}, cols...)...)
	e.same(t, "", append([]string{"-V", v, "-f", "kvp"}, cols...)...)

	// a vhost whose name has a space: v1 sends it as "+" and gets a 404
	spaced := brokertest.Name("adm sp")
	e.ok(t, "declare", "vhost", "name="+spaced)
	t.Cleanup(func() { e.quietly(t, "delete", "vhost", "name="+spaced) })
	e.ok(t, "-V", spaced, "declare", "queue", "name=inside")
	want := e.v1(t, "", "-V", spaced, "list", "queues")
	assert.Equal(t, 1, want.Code)
	assert.Contains(t, want.Stderr, "*** Not found: /api/queues/"+strings.ReplaceAll(spaced, " ", "+"))
	r = e.ours(t, "", "-V", spaced, "-f", "tsv", "-q", "list", "queues", "name")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "inside\n", r.Stdout)
	r = e.ours(t, "", "-V", spaced, "export", t.TempDir()+"/defs.json")
	assert.Equal(t, 0, r.Code, r.Stderr)

	// list without a type: IndexError; declare with an empty name: KeyError
	for _, args := range [][]string{{"list"}, {"declare", "queue", "name="}} {
		want := e.v1(t, "", args...)
		assert.Equal(t, 1, want.Code)
		assert.Contains(t, want.Stderr, "Traceback")
		got := e.ours(t, "", args...)
		assert.Equal(t, 1, got.Code)
		assert.Contains(t, got.Stderr, "\nERROR: ")
		assert.NotContains(t, got.Stderr, "Traceback")
	}
}

var counters = regexp.MustCompile(`("(?:memory|reductions|minor_gcs|rate|consumer_utilisation|consumer_capacity)": ?)[0-9.e+-]+`)

// blankCounters hides the values of a queue process's own counters (memory,
// reductions, garbage collections, rates), which change from one request to the next.
func blankCounters(s string) string { return counters.ReplaceAllString(s, "${1}N") }
