package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of publish and get.

const publishDefault = "POST /api/exchanges/%2F/amq.default/publish"

func TestPublishToTheDefaultExchange(t *testing.T) {
	api := newFakeAPI(t).on(publishDefault, 200, fixture(t, "POST_exchanges_%2F_amq.default_publish.routed.json"))
	r := api.run(t, nil, "", "publish", "--routing-key", "cq", "--payload", "hello")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Publishing a message to exchange 'amq.default' with routing key 'cq' in vhost '/' ...\nMessage published\n", r.stdout)
	assert.Empty(t, r.stderr)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/exchanges/%2F/amq.default/publish", reqs[0].URI)
	// the body of the recorded request (testdata/http/README.md)
	assert.JSONEq(t, `{"properties":{},"routing_key":"cq","payload":"hello","payload_encoding":"string"}`, reqs[0].Body)
}

func TestPublishPropertiesAndHeaders(t *testing.T) {
	api := newFakeAPI(t).on("POST /api/exchanges/%2F/ex.direct/publish", 200, fixture(t, "POST_exchanges_%2F_ex.direct_publish.routed-to-named-exchange.json"))
	r := api.run(t, nil, "", "publish", "--exchange", "ex.direct", "--routing-key", "cq.key", "--payload", "via-ex.direct",
		"--property", "delivery_mode=2", "--property", "priority=5", "--property", "timestamp=1700000000",
		"--property", "content_type=application/json", "--property", "message_id=42", "--property", "expiration=60000",
		"--header", "source=ci", "--header", "n=1", "--header", "eq=a=b")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Publishing a message to exchange 'ex.direct' with routing key 'cq.key' in vhost '/' ...\nMessage published\n", r.stdout)
	post, ok := api.find("POST", "/api/exchanges/%2F/ex.direct/publish")
	require.True(t, ok)
	assert.JSONEq(t, `{"routing_key":"cq.key","payload":"via-ex.direct","payload_encoding":"string","properties":{
		"delivery_mode":2,"priority":5,"timestamp":1700000000,
		"content_type":"application/json","message_id":"42","expiration":"60000",
		"headers":{"source":"ci","n":"1","eq":"a=b"}}}`, post.Body,
		"integer properties are numbers, the others and every header strings")
}

func TestPublishPayloadFromStdinAndFile(t *testing.T) {
	api := newFakeAPI(t).on(publishDefault, 200, fixture(t, "POST_exchanges_%2F_amq.default_publish.utf8.json"))
	r := api.run(t, nil, "café ✓", "publish", "--routing-key", "bin")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"properties":{},"routing_key":"bin","payload":"café ✓","payload_encoding":"string"}`, api.requests()[0].Body)

	// invalid UTF-8 goes base64-encoded: the recorded binary request's exact body
	api = newFakeAPI(t).on(publishDefault, 200, fixture(t, "POST_exchanges_%2F_amq.default_publish.binary-base64.json"))
	r = api.run(t, nil, "\x00\xff\xfe\x01\x02", "publish", "--routing-key", "bin", "--property", "content_type=application/octet-stream")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"properties":{"content_type":"application/octet-stream"},"routing_key":"bin","payload":"AP/+AQI=","payload_encoding":"base64"}`,
		api.requests()[0].Body)

	file := filepath.Join(t.TempDir(), "order.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"id":1}`+"\n"), 0o600))
	api = newFakeAPI(t).on(publishDefault, 200, `{"routed":true}`)
	r = api.run(t, nil, "ignored stdin", "publish", "--routing-key", "q", "--payload-file", file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"properties":{},"routing_key":"q","payload":"{\"id\":1}\n","payload_encoding":"string"}`, api.requests()[0].Body)

	// an explicit empty --payload is an empty body, stdin is not read
	api = newFakeAPI(t).on(publishDefault, 200, `{"routed":true}`)
	r = api.run(t, nil, "from stdin", "publish", "--routing-key", "q", "--payload", "")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"properties":{},"routing_key":"q","payload":"","payload_encoding":"string"}`, api.requests()[0].Body)
}

func TestPublishUnrouted(t *testing.T) {
	api := newFakeAPI(t).on(publishDefault, 200, fixture(t, "POST_exchanges_%2F_amq.default_publish.unrouted.json"))
	r := api.run(t, nil, "", "publish", "--routing-key", "nosuchqueue", "--payload", "hello")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Publishing a message to exchange 'amq.default' with routing key 'nosuchqueue' in vhost '/' ...\nMessage published but NOT routed\n", r.stdout)

	r = api.run(t, nil, "", "publish", "--routing-key", "nosuchqueue", "--payload", "hello", "--mandatory")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Publishing a message to exchange 'amq.default' with routing key 'nosuchqueue' in vhost '/' ...\nMessage published but NOT routed\n", r.stdout)
	assert.Equal(t, "Error: the message was not routed to any queue (--mandatory)\n", r.stderr)

	r = api.run(t, nil, "", "publish", "--routing-key", "nosuchqueue", "--payload", "hello", "--mandatory", "--formatter", "json")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, `{"routed":false}`+"\n", r.stdout)
}

func TestPublishJSON(t *testing.T) {
	api := newFakeAPI(t).on(publishDefault, 200, fixture(t, "POST_exchanges_%2F_amq.default_publish.routed.json"))
	r := api.run(t, nil, "", "publish", "--routing-key", "cq", "--payload", "hello", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"routed":true}`+"\n", r.stdout, "no banner, one JSON line")

	r = api.run(t, nil, "", "publish", "--routing-key", "cq", "--payload", "hello", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Message published\n", r.stdout)
}

func TestPublishBadOptionsSendNothing(t *testing.T) {
	api := newFakeAPI(t)
	cases := []struct {
		args  []string
		first string
	}{
		{[]string{"--property", "nosuch=1"}, "Error (argument validation): Bad argument: --property nosuch: unknown property (headers go in --header)"},
		{[]string{"--property", "priority=high"}, "Error (argument validation): Bad argument: --property priority=high: not an integer"},
		{[]string{"--property", "delivery_mode=2.5"}, "Error (argument validation): Bad argument: --property delivery_mode=2.5: not an integer"},
		{[]string{"--property", "content_type"}, `Error (argument validation): Bad argument: --property "content_type": want key=value`},
		{[]string{"--property", "=x"}, `Error (argument validation): Bad argument: --property "=x": want key=value`},
		{[]string{"--header", "noequals"}, `Error (argument validation): Bad argument: --header "noequals": want key=value`},
		{[]string{"--payload-file", "/nonexistent/file"}, "Error (argument validation): Bad argument: cannot read --payload-file"},
	}
	for _, c := range cases {
		args := []string{"publish", "--routing-key", "q"}
		if c.args[0] != "--payload-file" {
			args = append(args, "--payload", "x")
		}
		r := api.run(t, nil, "", append(args, c.args...)...)
		assert.Equal(t, 65, r.code, c.args)
		assert.True(t, strings.HasPrefix(firstLine(r.stderr), c.first), "%v: %s", c.args, r.stderr)
		assert.Empty(t, r.stdout, "%v: no banner before a request", c.args)
	}
	r := api.run(t, nil, "", "publish", "--routing-key", "q", "--payload", "x", "--payload-file", "f")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error (argument validation): Bad argument: --payload and --payload-file are mutually exclusive", firstLine(r.stderr))
	r = api.run(t, nil, "", "publish", "--routing-key", "q", "--payload", "x", "extra")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, api.requests(), "nothing is published with bad options")
}

func TestPublishRoutingKeyIsRequired(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "publish", "--payload", "x")
	assert.Equal(t, 64, r.code)
	assert.True(t, strings.HasPrefix(firstLine(r.stderr), "Error (argument validation):"), r.stderr)
	assert.Empty(t, api.requests())
}

func TestPublishToAMissingExchange(t *testing.T) {
	api := newFakeAPI(t).on("POST /api/exchanges/%2F/nosuchex/publish", 400, fixture(t, "POST_exchanges_%2F_nosuchex_publish.400.json"))
	r := api.run(t, nil, "", "publish", "--exchange", "nosuchex", "--routing-key", "x", "--payload", "hello")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Publishing a message to exchange 'nosuchex' with routing key 'x' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "Error:\n404 NOT_FOUND - no exchange 'nosuchex' in vhost '/'\n", r.stderr)
}

// --- get -------------------------------------------------------------------------

const getHeader = "payload\tpayload_encoding\tpayload_bytes\tredelivered\texchange\trouting_key\tmessage_count\tproperties\n"

func TestGetRendersTheRecordedAnswer(t *testing.T) {
	api := newFakeAPI(t).on("POST /api/queues/%2F/cq/get", 200, fixture(t, "POST_queues_%2F_cq_get.json"))
	r := api.run(t, nil, "", "get", "cq", "--count", "2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Getting messages from queue 'cq' in vhost '/' ...\n"+getHeader+
		"cq-msg-1\tstring\t8\tfalse\t\tcq\t4\t{\"delivery_mode\":2}\n"+
		"cq-msg-2\tstring\t8\tfalse\t\tcq\t3\t{\"delivery_mode\":2}\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/queues/%2F/cq/get", reqs[0].URI)
	// the recorded request's body
	assert.JSONEq(t, `{"count":2,"ackmode":"ack_requeue_true","encoding":"auto"}`, reqs[0].Body)

	r = api.run(t, nil, "", "get", "cq", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n"+
		`{"payload":"cq-msg-1","payload_encoding":"string","payload_bytes":8,"redelivered":false,"exchange":"","routing_key":"cq","message_count":4,"properties":{"delivery_mode":2}}`+"\n"+
		`,{"payload":"cq-msg-2","payload_encoding":"string","payload_bytes":8,"redelivered":false,"exchange":"","routing_key":"cq","message_count":3,"properties":{"delivery_mode":2}}`+"\n]\n", r.stdout)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	assert.JSONEq(t, `{"count":1,"ackmode":"ack_requeue_true","encoding":"auto"}`, api.requests()[1].Body, "count defaults to 1")
}

func TestGetBinaryAndEmptyProperties(t *testing.T) {
	api := newFakeAPI(t).on("POST /api/queues/%2F/bin/get", 200, fixture(t, "POST_queues_%2F_bin_get.binary-auto.json"))
	r := api.run(t, nil, "", "get", "bin", "--count", "5", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, getHeader+
		"AP/+AQI=\tbase64\t5\tfalse\t\tbin\t1\t{\"content_type\":\"application/octet-stream\"}\n"+
		"café ✓\tstring\t9\tfalse\t\tbin\t0\t[]\n", r.stdout, "properties is [] when the message has none")

	r = api.run(t, nil, "", "get", "bin", "--count", "1", "--encoding", "base64", "--truncate", "3", "--ack-mode", "reject_requeue")
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"count":1,"ackmode":"reject_requeue_true","encoding":"base64","truncate":3}`, api.requests()[1].Body)
}

func TestGetAckModes(t *testing.T) {
	for mode, wire := range map[string]string{
		"requeue": "ack_requeue_true", "ack": "ack_requeue_false",
		"reject": "reject_requeue_false", "reject_requeue": "reject_requeue_true",
	} {
		api := newFakeAPI(t).on("POST /api/queues/%2F/cq/get", 200, "[]")
		r := api.run(t, nil, "", "get", "cq", "--ack-mode", mode)
		require.Equal(t, 0, r.code, r.stderr)
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(api.requests()[0].Body), &body))
		assert.Equal(t, wire, body["ackmode"], mode)
		assert.Equal(t, "Getting messages from queue 'cq' in vhost '/' ...\n", r.stdout, "an empty queue: no rows")
	}
}

func TestGetBadOptionsSendNothing(t *testing.T) {
	api := newFakeAPI(t)
	for _, c := range []struct {
		args  []string
		first string
	}{
		{[]string{"--ack-mode", "nope"}, "Error (argument validation): Bad argument: --ack-mode must be one of: requeue, ack, reject, reject_requeue"},
		{[]string{"--ack-mode", "ack_requeue_true"}, "Error (argument validation): Bad argument: --ack-mode must be one of"},
		{[]string{"--encoding", "utf8"}, "Error (argument validation): Bad argument: --encoding must be auto or base64"},
		{[]string{"--count", "0"}, "Error (argument validation): Bad argument: --count must be at least 1"},
	} {
		r := api.run(t, nil, "", append([]string{"get", "cq"}, c.args...)...)
		assert.Equal(t, 65, r.code, c.args)
		assert.True(t, strings.HasPrefix(firstLine(r.stderr), c.first), "%v: %s", c.args, r.stderr)
		assert.Empty(t, r.stdout)
	}
	r := api.run(t, nil, "", "get")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, api.requests())
}

func TestGetErrors(t *testing.T) {
	api := newFakeAPI(t).
		on("POST /api/queues/%2F/nosuch/get", 404, fixture(t, "POST_queues_%2F_nosuch_get.404.json")).
		on("POST /api/queues/%2F/sq/get", 400, fixture(t, "POST_queues_%2F_sq_get.400.json"))
	r := api.run(t, nil, "", "get", "nosuch")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Getting messages from queue 'nosuch' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "Error:\nQueue 'nosuch' in vhost '/' was not found\n", r.stderr)

	r = api.run(t, nil, "", "get", "sq")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\n540 basic.get not supported by stream queues queue 'sq' in vhost '/'\n", r.stderr)
}
