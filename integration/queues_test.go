package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newVhost makes a vhost for one test, where guest may do anything, removed afterwards.
func newVhost(t *testing.T, b *brokertest.Broker, prefix string) string {
	t.Helper()
	v := brokertest.Name(prefix)
	cleanupVhost(t, b, v)
	mustRmq(t, b, "add_vhost", v)
	mustRmq(t, b, "set_permissions", "-p", v, "guest", ".*", ".*", ".*")
	return v
}

// lines splits output into its lines, without the final newline.
func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func dialGuest(t *testing.T, b *brokertest.Broker, vhost, connName string) *amqp.Connection {
	t.Helper()
	cfg := amqp.Config{Properties: amqp.NewConnectionProperties(), Dial: amqp.DefaultDial(5 * time.Second)}
	if connName != "" {
		cfg.Properties.SetClientConnectionName(connName)
	}
	conn, err := amqp.DialConfig(b.AMQPURI("guest", "guest", vhost), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

func publishConfirmed(t *testing.T, ch *amqp.Channel, exchange, key, body string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, false, false, amqp.Publishing{Body: []byte(body), DeliveryMode: amqp.Persistent})
	require.NoError(t, err)
	ok, err := conf.WaitContext(ctx)
	require.NoError(t, err)
	require.True(t, ok, "publish nacked")
}

// The primer's loop, closed with rmqctl: declare, AMQP publish, list, get, HTTP publish
// to an AMQP consumer.
func TestPrimerLoop(t *testing.T) {
	b := brokertest.Require(t)
	vhost := newVhost(t, b, "primer")
	out := mustRmq(t, b, "declare_queue", "-p", vhost, "xiaosusu")
	assert.Equal(t, "Declaring queue 'xiaosusu' in vhost '"+vhost+"' ...\n", out)
	mustRmq(t, b, "declare_queue", "-p", vhost, "xiaosusu") // identical re-declare: fine

	conn := dialGuest(t, b, vhost, "")
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.Confirm(false))
	publishConfirmed(t, ch, "", "xiaosusu", "hello world")

	want := "Timeout: 60.0 seconds ...\nListing queues for vhost " + vhost + " ...\nname\tmessages\nxiaosusu\t1\n"
	brokertest.Eventually(t, 15*time.Second, func() error {
		if got := mustRmq(t, b, "list_queues", "-p", vhost, "name", "messages"); got != want {
			return errorf("list_queues: %q", got)
		}
		return nil
	})

	out = mustRmq(t, b, "get", "-p", vhost, "xiaosusu", "-s")
	fields := strings.Split(strings.TrimSuffix(out, "\n"), "\t")
	require.GreaterOrEqual(t, len(fields), 6, out)
	assert.Equal(t, "hello world", fields[0])
	assert.Equal(t, "string", fields[1])
	assert.Equal(t, "xiaosusu", fields[5])
	// get requeues by default: the message is still there, redelivered.
	r := rmq(t, b, "", "get", "-p", vhost, "xiaosusu", "--ack-mode", "ack", "--formatter", "json")
	require.Equal(t, 0, r.Code, r.Stderr)
	var msgs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &msgs))
	require.Len(t, msgs, 1)
	assert.Equal(t, "hello world", msgs[0]["payload"])
	assert.Equal(t, true, msgs[0]["redelivered"])

	// publish through rmqctl reaches an AMQP consumer.
	deliveries, err := ch.Consume("xiaosusu", "", true, false, false, false, nil)
	require.NoError(t, err)
	r = rmq(t, b, "", "publish", "-p", vhost, "--routing-key", "xiaosusu", "--payload", "from rmqctl",
		"--property", "content_type=text/plain", "--header", "source=ci", "--mandatory")
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "Message published\n")
	select {
	case d := <-deliveries:
		assert.Equal(t, "from rmqctl", string(d.Body))
		assert.Equal(t, "text/plain", d.ContentType)
		assert.Equal(t, "ci", d.Headers["source"])
	case <-time.After(10 * time.Second):
		t.Fatal("the AMQP consumer got nothing")
	}

	r = rmq(t, b, "", "publish", "-p", vhost, "--routing-key", "nowhere", "--payload", "x", "--mandatory")
	assert.Equal(t, 65, r.Code)
	assert.Contains(t, r.Stdout, "Message published but NOT routed\n")
}

func TestDeclareDeletePurge(t *testing.T) {
	b := brokertest.Require(t)
	vhost := newVhost(t, b, "decl")
	mustRmq(t, b, "declare_queue", "-p", vhost, "cq", "--max-length", "10", "--message-ttl", "60000", "--dead-letter-exchange", "dlx")
	mustRmq(t, b, "declare_queue", "-p", vhost, "qq", "--type", "quorum", "--delivery-limit", "3")
	mustRmq(t, b, "declare_queue", "-p", vhost, "sq", "--type", "stream", "--max-age", "7D")
	mustRmq(t, b, "declare_queue", "-p", vhost, "tmp", "--durable=false", "--auto-delete")
	listed := lines(mustRmq(t, b, "list_queues", "-p", vhost, "-s", "name", "durable", "auto_delete", "arguments", "type"))
	assert.Len(t, listed, 4)
	// 4.x adds the vhost's default type to a classic queue's arguments: compare with the
	// release's own rabbitmqctl for the exact rows.
	for _, want := range []string{"cq\ttrue\tfalse\t[{\"x-dead-letter-exchange\",\"dlx\"},{\"x-max-length\",10},{\"x-message-ttl\",60000}",
		"qq\ttrue\tfalse\t[{\"x-delivery-limit\",3},{\"x-queue-type\",\"quorum\"}]\tquorum",
		"sq\ttrue\tfalse\t[{\"x-max-age\",\"7D\"},{\"x-queue-type\",\"stream\"}]\tstream",
		"tmp\tfalse\ttrue\t["} {
		assert.Condition(t, func() bool {
			for _, l := range listed {
				if strings.HasPrefix(l, want) {
					return true
				}
			}
			return false
		}, "a row starting %q in %q", want, listed)
	}
	if b.Rabbitmqctl != "" {
		compare(t, b, "", "list_queues", "-p", vhost, "-s", "name", "durable", "auto_delete", "arguments", "type")
	}

	// The queue really exists, with those properties, for an AMQP client.
	conn := dialGuest(t, b, vhost, "")
	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclarePassive("qq", true, false, false, false, amqp.Table{"x-queue-type": "quorum"})
	require.NoError(t, err)

	// A different declaration fails with the server's reason, and changes nothing.
	r := rmq(t, b, "", "declare_queue", "-p", vhost, "cq", "--max-length", "20")
	assert.Equal(t, 65, r.Code)
	assert.Contains(t, r.Stderr, "inequivalent arg")
	r = rmq(t, b, "", "declare_queue", "-p", vhost, "bad", "--arguments", "{not json")
	assert.Equal(t, 65, r.Code)
	r = rmq(t, b, "", "declare_queue", "-p", brokertest.Name("nosuch"), "x")
	assert.Equal(t, 65, r.Code)

	mustRmq(t, b, "declare_exchange", "-p", vhost, "ex.topic", "--type", "topic", "--alternate-exchange", "ex.alt")
	mustRmq(t, b, "declare_exchange", "-p", vhost, "ex.alt", "--type", "fanout")
	mustRmq(t, b, "declare_binding", "-p", vhost, "ex.topic", "cq", "--routing-key", "*.cq")
	mustRmq(t, b, "declare_binding", "-p", vhost, "ex.alt", "ex.topic", "--destination-type", "exchange", "--routing-key", "e2e")
	mustRmq(t, b, "declare_binding", "-p", vhost, "ex.alt", "ex.topic", "--destination-type", "exchange", "--routing-key", "e2e")
	bindings := mustRmq(t, b, "list_bindings", "-p", vhost, "-s", "source_name", "destination_name", "destination_kind", "routing_key")
	assert.Contains(t, bindings, "ex.topic\tcq\tqueue\t*.cq\n")
	assert.Equal(t, 1, strings.Count(bindings, "ex.alt\tex.topic\texchange\te2e\n"), "declaring a binding twice keeps one")

	// Routing through the binding, seen over AMQP.
	require.NoError(t, ch.Confirm(false))
	publishConfirmed(t, ch, "ex.topic", "a.cq", "routed")
	brokertest.Eventually(t, 10*time.Second, func() error {
		msg, ok, err := ch.Get("cq", true)
		if err != nil || !ok {
			return errorf("no message in cq (%v)", err)
		}
		if string(msg.Body) != "routed" {
			return errorf("got %q", msg.Body)
		}
		return nil
	})

	// purge, then delete with its count.
	publishConfirmed(t, ch, "", "cq", "1")
	publishConfirmed(t, ch, "", "cq", "2")
	r = rmq(t, b, "", "delete_queue", "-p", vhost, "cq", "--if-empty")
	if has(t, b, compat.DeleteQueuePreconditionTerm) {
		assert.Equal(t, 69, r.Code)
		assert.Equal(t, "Error:\n{:amqp_error, :precondition_failed, ~c\"queue 'cq' in vhost '"+vhost+"' not empty\", :none}\n", r.Stderr)
	} else {
		assert.Equal(t, 64, r.Code)
		assert.Equal(t, "Error:\nQueue is not empty\n", r.Stderr)
	}
	assert.Equal(t, "Deleting queue 'cq' on vhost '"+vhost+"' if queue is empty ...\n", r.Stdout)
	mustRmq(t, b, "purge_queue", "-p", vhost, "cq")
	brokertest.Eventually(t, 10*time.Second, func() error {
		if out := mustRmq(t, b, "list_queues", "-p", vhost, "-s", "name", "messages"); !strings.Contains(out, "cq\t0\n") {
			return errorf("%s", out)
		}
		return nil
	})
	publishConfirmed(t, ch, "", "cq", "3")
	assert.Equal(t, "Deleting queue 'cq' on vhost '"+vhost+"' ...\nQueue was successfully deleted with 1 ready messages\n",
		mustRmq(t, b, "delete_queue", "-p", vhost, "cq"))
	r = rmq(t, b, "", "delete_queue", "-p", vhost, "cq")
	assert.Equal(t, 64, r.Code)
	if has(t, b, compat.NoSuchQueueWording) {
		assert.Equal(t, "Error:\nNo such queue was found\n", r.Stderr)
	} else {
		assert.Equal(t, "Error:\nQueue not found\n", r.Stderr)
	}
	assert.Equal(t, 0, rmq(t, b, "", "delete_queue", "-p", vhost, "cq", "--if-exists").Code)
	r = rmq(t, b, "", "purge_queue", "-p", vhost, "cq")
	if has(t, b, compat.NotFoundIsDataError) {
		assert.Equal(t, 65, r.Code)
		assert.Equal(t, "Object (queue, stream, exchange, etc) was not found\n", r.Stderr)
	} else {
		assert.Equal(t, 69, r.Code)
		assert.Equal(t, "Error:\nnot_found\n", r.Stderr)
	}
	assert.Equal(t, 0, rmq(t, b, "", "purge_queue", "-p", vhost, "cq", "--if-exists").Code)

	// A routing key with characters the properties_key escapes.
	mustRmq(t, b, "declare_queue", "-p", vhost, "cq2")
	mustRmq(t, b, "declare_binding", "-p", vhost, "ex.topic", "cq2", "--routing-key", "*.cq")
	require.Contains(t, mustRmq(t, b, "list_bindings", "-p", vhost, "-s"), "*.cq")
	mustRmq(t, b, "delete_binding", "-p", vhost, "ex.topic", "cq2", "--routing-key", "*.cq")
	assert.NotContains(t, mustRmq(t, b, "list_bindings", "-p", vhost, "-s"), "*.cq")

	// An exclusive queue's owner is its connection (owner_pid's stand-in).
	owner := dialGuest(t, b, vhost, "")
	och, err := owner.Channel()
	require.NoError(t, err)
	_, err = och.QueueDeclare("excl", false, false, true, false, nil)
	require.NoError(t, err)
	_, err = och.Consume("excl", "excl-consumer", false, true, false, false, nil)
	require.NoError(t, err)
	brokertest.Eventually(t, 15*time.Second, func() error {
		out := mustRmq(t, b, "list_queues", "-p", vhost, "-s", "name", "exclusive", "owner_pid", "exclusive_consumer_pid", "exclusive_consumer_tag")
		for _, l := range strings.Split(out, "\n") {
			f := strings.Split(l, "\t")
			if f[0] == "excl" && len(f) == 5 && f[1] == "true" && strings.Contains(f[2], " -> ") &&
				strings.HasPrefix(f[3], f[2]+" (") && f[4] == "excl-consumer" {
				return nil
			}
		}
		return errorf("%s", out)
	})

	// Deleting exchanges and bindings, idempotently with --if-exists.
	r = rmq(t, b, "", "delete_exchange", "-p", vhost, "ex.alt", "--if-unused")
	assert.Equal(t, 65, r.Code, "ex.alt still has a binding")
	mustRmq(t, b, "delete_binding", "-p", vhost, "ex.alt", "ex.topic", "--destination-type", "exchange", "--routing-key", "e2e")
	assert.NotContains(t, mustRmq(t, b, "list_bindings", "-p", vhost, "-s"), "e2e")
	assert.Equal(t, 65, rmq(t, b, "", "delete_binding", "-p", vhost, "ex.alt", "ex.topic", "--destination-type", "exchange", "--routing-key", "e2e").Code)
	mustRmq(t, b, "delete_binding", "-p", vhost, "ex.alt", "ex.topic", "--destination-type", "exchange", "--routing-key", "e2e", "--if-exists")
	mustRmq(t, b, "delete_exchange", "-p", vhost, "ex.alt", "--if-unused")
	assert.Equal(t, 65, rmq(t, b, "", "delete_exchange", "-p", vhost, "ex.alt").Code)
	mustRmq(t, b, "delete_exchange", "-p", vhost, "ex.alt", "--if-exists")
}

func TestCloseConnections(t *testing.T) {
	b := brokertest.Require(t)
	vhost := newVhost(t, b, "close")
	conn := dialGuest(t, b, vhost, "to-close")
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))

	var name string
	brokertest.Eventually(t, 15*time.Second, func() error {
		r := rmq(t, b, "", "list_connections", "name", "vhost", "--formatter", "json")
		var conns []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &conns); err != nil {
			return err
		}
		for _, c := range conns {
			if c["vhost"] == vhost {
				name, _ = c["name"].(string)
				return nil
			}
		}
		return errorf("connection not listed yet")
	})
	out := mustRmq(t, b, "close_connection", name, "go away")
	assert.Equal(t, "Closing connection "+name+", reason: go away...\n", out)
	select {
	case e := <-closed:
		require.NotNil(t, e)
		assert.Equal(t, amqp.ConnectionForced, e.Code)
		assert.Contains(t, e.Reason, "go away")
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not see its connection closed")
	}
	assert.Equal(t, 0, rmq(t, b, "", "close_connection", name, "again").Code, "closing a gone connection succeeds, as rabbitmqctl")

	// close_all_connections in the vhost, and by user.
	c1, c2 := dialGuest(t, b, vhost, ""), dialGuest(t, b, vhost, "")
	n1, n2 := c1.NotifyClose(make(chan *amqp.Error, 1)), c2.NotifyClose(make(chan *amqp.Error, 1))
	brokertest.Eventually(t, 15*time.Second, func() error {
		out := mustRmq(t, b, "list_connections", "-s", "vhost")
		if strings.Count(out, vhost+"\n") < 2 {
			return errorf("connections not listed yet: %s", out)
		}
		return nil
	})
	out = mustRmq(t, b, "close_all_connections", "-p", vhost, "--limit", "1", "maintenance")
	assert.Equal(t, "Closing 1 connections in vhost "+vhost+", reason: maintenance...\nClosed 1 connections\n", out)
	out = mustRmq(t, b, "close_all_connections", "-p", vhost, "maintenance")
	assert.Equal(t, "Closing all connections in vhost "+vhost+", reason: maintenance...\nClosed 1 connections\n", out)
	for _, n := range []chan *amqp.Error{n1, n2} {
		select {
		case e := <-n:
			require.NotNil(t, e)
			assert.Contains(t, e.Reason, "maintenance")
		case <-time.After(10 * time.Second):
			t.Fatal("a connection stayed open")
		}
	}

	user := brokertest.Name("closer")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	mustRmq(t, b, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
	uc, err := b.Dial(user, "pw", vhost)
	require.NoError(t, err)
	defer uc.Close()
	un := uc.NotifyClose(make(chan *amqp.Error, 1))
	brokertest.Eventually(t, 15*time.Second, func() error {
		if !strings.Contains(mustRmq(t, b, "list_connections", "-s", "user"), user+"\n") {
			return errorf("not listed yet")
		}
		return nil
	})
	out = mustRmq(t, b, "close_all_user_connections", user, "rotated")
	assert.Equal(t, "Closing connections of user "+user+", reason: rotated...\n", out)
	select {
	case e := <-un:
		require.NotNil(t, e)
		assert.Contains(t, e.Reason, "rotated")
	case <-time.After(10 * time.Second):
		t.Fatal("the user's connection stayed open")
	}
}

// compareEventually is compare for outputs built from the statistics database, which
// lags the broker: it retries until both tools agree or the deadline passes, then
// asserts on the last try.
func compareEventually(t *testing.T, b *brokertest.Broker, timeout time.Duration, args ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		want := b.Ctl(t, "", args...)
		got := rmq(t, b, "", append([]string{"-n", b.Node}, args...)...)
		if want.Code == got.Code && reflect.DeepEqual(normalizeRows(want.Stdout), normalizeRows(got.Stdout)) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	compare(t, b, "", args...)
}

// Lists of queues, exchanges, bindings, connections, channels and consumers match the
// real rabbitmqctl on the same broker, with real AMQP traffic behind them.
func TestDifferentialTopology(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	vhost := newVhost(t, b, "rabbit/hole")
	for _, args := range [][]string{
		{"declare_queue", "cq", "--max-length", "10", "--message-ttl", "60000"},
		{"declare_queue", "qq", "--type", "quorum"},
		{"declare_queue", "sq", "--type", "stream"},
		{"declare_queue", "tmp", "--durable=false", "--auto-delete"},
		{"declare_queue", "sac", "--single-active-consumer"},
		{"declare_queue", "prio", "--max-priority", "5"},
		{"declare_queue", "work"},
		{"declare_exchange", "ex.direct"},
		{"declare_exchange", "ex.topic", "--type", "topic", "--alternate-exchange", "ex.alt"},
		{"declare_exchange", "ex.alt", "--type", "fanout"},
		{"declare_exchange", "ex.internal", "--type", "topic", "--internal"},
		{"declare_exchange", "ex.autodel", "--auto-delete"},
		{"declare_exchange", "ex.headers", "--type", "headers"},
		{"declare_binding", "ex.direct", "cq", "--routing-key", "cq.key"},
		{"declare_binding", "ex.direct", "qq", "--routing-key", "qq.key"},
		{"declare_binding", "ex.topic", "sq", "--routing-key", "stream.#"},
		{"declare_binding", "ex.direct", "ex.internal", "--destination-type", "exchange", "--routing-key", "e2e"},
		{"declare_binding", "ex.headers", "prio", "--arguments", `{"x-match":"all","format":"pdf"}`},
		{"declare_binding", "ex.autodel", "tmp"},
	} {
		mustRmq(t, b, append([]string{"-p", vhost}, args...)...)
	}
	conn := dialGuest(t, b, vhost, "traffic-1")
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.Confirm(false))
	for i := 0; i < 3; i++ {
		publishConfirmed(t, ch, "", "cq", "c")
	}
	publishConfirmed(t, ch, "ex.direct", "qq.key", "q1")
	publishConfirmed(t, ch, "ex.direct", "qq.key", "q2")
	for i := 0; i < 4; i++ {
		publishConfirmed(t, ch, "", "work", "w")
	}
	// consumers: manual ack holding 4 unacked with prefetch 10, two on a
	// single-active-consumer queue (one waits), one with arguments.
	wch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, wch.Qos(10, 0, false))
	_, err = wch.Consume("work", "work-consumer", false, false, false, false, nil)
	require.NoError(t, err)
	sch, err := conn.Channel()
	require.NoError(t, err)
	_, err = sch.Consume("sac", "sac-1", false, false, false, false, nil)
	require.NoError(t, err)
	_, err = sch.Consume("sac", "sac-2", false, false, false, false, nil)
	require.NoError(t, err)
	pch, err := conn.Channel()
	require.NoError(t, err)
	_, err = pch.Consume("prio", "prio-consumer", true, false, false, false, amqp.Table{"x-priority": int32(7)})
	require.NoError(t, err)

	// Wait until the broker reports what was done.
	brokertest.Eventually(t, 20*time.Second, func() error {
		out := mustRmq(t, b, "list_queues", "-p", vhost, "-s", "name", "messages", "consumers")
		for _, want := range []string{"cq\t3\t0\n", "qq\t2\t0\n", "work\t4\t1\n", "sac\t0\t2\n", "prio\t0\t1\n"} {
			if !strings.Contains(out, want) {
				return errorf("list_queues:\n%s", out)
			}
		}
		return nil
	})

	p := []string{"-p", vhost}
	for _, args := range [][]string{
		{"list_queues"},
		{"list_queues", "name", "durable", "auto_delete", "arguments", "exclusive", "state", "type", "messages_ready", "messages_unacknowledged", "messages"},
		{"list_queues", "-q", "name, type", "leader"},
		{"list_queues", "--online", "name"},
		{"list_queues", "--offline", "name"},
		{"list_queues", "name", "messages", "--formatter", "json"},
		{"list_queues", "name", "type", "state", "--formatter", "csv"},
		{"list_exchanges"},
		{"list_exchanges", "name", "type", "durable", "auto_delete", "internal", "arguments", "policy"},
		{"list_exchanges", "name", "type", "durable", "internal", "--formatter", "json"},
		{"list_bindings"},
		{"list_bindings", "source_name", "routing_key", "destination_name", "--formatter", "json"},
		{"list_bindings", "-s", "destination_name,arguments"},
	} {
		compare(t, b, "", append(p, args...)...)
	}
	for _, args := range [][]string{
		{"list_queues", "name", "messages", "consumers", "policy", "exclusive_consumer_tag", "messages_ready_ram", "messages_persistent", "head_message_timestamp"},
		{"list_consumers", "queue_name", "consumer_tag", "ack_required", "prefetch_count", "active", "activity_status", "arguments"},
		{"list_consumers", "queue_name", "consumer_tag", "active", "--formatter", "json"},
		{"list_connections"},
		{"list_connections", "name", "user", "vhost", "ssl", "protocol", "auth_mechanism", "state", "channels", "frame_max", "channel_max", "peer_host"},
		{"list_channels", "name", "number", "user", "vhost", "transactional", "confirm", "consumer_count", "messages_unacknowledged", "prefetch_count", "global_prefetch_count"},
		{"list_channels", "-s", "user", "consumer_count", "--formatter", "csv"},
	} {
		compareEventually(t, b, 20*time.Second, append(p, args...)...)
	}
	// Errors and edge cases.
	nosuch := brokertest.Name("nosuch")
	for _, args := range [][]string{
		{"list_queues", "foo", "bar", "name"},
		{"list_queues", "-t", "0"},
		{"list_queues", "-p", nosuch},
		{"list_queues", "-p", nosuch, "--formatter", "json"},
		{"list_exchanges", "-p", nosuch},
		{"list_bindings", "-p", nosuch},
		{"list_consumers", "-p", nosuch},
		{"list_exchanges", "badcol"},
		{"list_connections", "user_provided_name"},
		{"list_channels", "-t", "0"},
		{"delete_queue", "-p", vhost, nosuch},
		{"delete_queue", ""},
		{"delete_queue"},
		{"purge_queue", "-p", vhost, nosuch},
		{"purge_queue", "-p", vhost, "sq"},
	} {
		compare(t, b, "", args...)
	}
}

var errorf = fmt.Errorf
