package admin

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seen is one request the fake broker got.
type seen struct {
	Method, Path, RawPath, Query, Body, User, Pass, ContentType string
}

// fakeBroker is an httptest server that records requests and answers with handler.
type fakeBroker struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newFakeBroker(t *testing.T, handler http.HandlerFunc) *fakeBroker {
	t.Helper()
	fb := &fakeBroker{t: t}
	fb.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u, p, _ := r.BasicAuth()
		fb.mu.Lock()
		fb.reqs = append(fb.reqs, seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, string(body), u, p, r.Header.Get("Content-Type")})
		fb.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(fb.srv.Close)
	return fb
}

func (fb *fakeBroker) port() string {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(fb.srv.URL, "http://"))
	return port
}

func (fb *fakeBroker) last() seen {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	require.NotEmpty(fb.t, fb.reqs, "no request")
	return fb.reqs[len(fb.reqs)-1]
}

func (fb *fakeBroker) count() int {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return len(fb.reqs)
}

// reply answers every request with status and body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs Main as rabbitmqadmin with env (HOME is an empty directory unless given).
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	e := map[string]string{"HOME": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	ios, in, out, errOut := output.Test()
	in.WriteString(stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := Main(ctx, "rabbitmqadmin", args, ios, func(k string) (string, bool) { v, ok := e[k]; return v, ok })
	return result{code, out.String(), errOut.String()}
}

// runAt runs Main against the fake broker.
func (fb *fakeBroker) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return run(t, nil, stdin, append([]string{"-H", "127.0.0.1", "-P", fb.port()}, args...)...)
}

// compactJSON re-encodes a JSON text compactly, keys in order.
func compactJSON(t *testing.T, s string) string {
	t.Helper()
	v, err := mgmtapi.ParseJSON([]byte(s))
	require.NoError(t, err, s)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// The requests v1 sends, captured with a logging fake server (reference §4.2 and
// §4.4): method, path and body, keys in v1's order.
func TestRequestsAreV1s(t *testing.T) {
	cases := []struct {
		args               []string
		method, path, body string
	}{
		{[]string{"declare", "queue", "name=q1"}, "PUT", "/api/queues/%2F/q1",
			`{"auto_delete": "false", "durable": "true", "arguments": {}, "name": "q1", "vhost": "/"}`},
		{[]string{"declare", "queue", "name=q2", "durable=false", "auto_delete=true", `arguments={"x-max-length":5}`, "node=rabbit@h", "queue_type=quorum"},
			"PUT", "/api/queues/%2F/q2",
			`{"auto_delete": "true", "durable": "false", "arguments": {"x-max-length": 5, "x-queue-type": "quorum"}, "name": "q2", "node": "rabbit@h", "queue_type": "quorum", "vhost": "/"}`},
		{[]string{"-V", "v1", "declare", "exchange", "name=x1", "type=topic"}, "PUT", "/api/exchanges/v1/x1",
			`{"auto_delete": "false", "durable": "true", "internal": "false", "arguments": {}, "name": "x1", "type": "topic", "vhost": "v1"}`},
		{[]string{"declare", "binding", "source=x1", "destination=x2", "destination_type=exchange", "routing_key=rk", `arguments={"a":1}`},
			"POST", "/api/bindings/%2F/e/x1/e/x2",
			`{"destination_type": "exchange", "routing_key": "rk", "arguments": {"a": 1}, "source": "x1", "destination": "x2", "vhost": "/"}`},
		{[]string{"declare", "vhost", "name=v2", "tracing=true"}, "PUT", "/api/vhosts/v2", `{"name": "v2", "tracing": "true", "vhost": "/"}`},
		{[]string{"declare", "user", "name=u1", "password=p", "tags=administrator,monitoring"}, "PUT", "/api/users/u1",
			`{"name": "u1", "password": "p", "tags": "administrator,monitoring", "vhost": "/"}`},
		{[]string{"declare", "user", "name=u2", "password_hash=abc", "hashing_algorithm=rabbit_password_hashing_sha512", "tags="}, "PUT", "/api/users/u2",
			`{"name": "u2", "password_hash": "abc", "hashing_algorithm": "rabbit_password_hashing_sha512", "tags": "", "vhost": "/"}`},
		{[]string{"declare", "permission", "vhost=v2", "user=u1", "configure=.*", "write=.*", "read=.*"}, "PUT", "/api/permissions/v2/u1",
			`{"vhost": "v2", "user": "u1", "configure": ".*", "write": ".*", "read": ".*"}`},
		{[]string{"declare", "parameter", "component=federation-upstream", "name=up1", `value={"uri":"amqp://h"}`}, "PUT", "/api/parameters/federation-upstream/%2F/up1",
			`{"component": "federation-upstream", "name": "up1", "value": {"uri": "amqp://h"}, "vhost": "/"}`},
		{[]string{"declare", "policy", "name=p1", "pattern=.*", `definition={"max-length":1}`, "priority=5", "apply-to=queues"}, "PUT", "/api/policies/%2F/p1",
			`{"priority": 5, "name": "p1", "pattern": ".*", "definition": {"max-length": 1}, "apply-to": "queues", "vhost": "/"}`},
		{[]string{"declare", "operator_policy", "name=o1", "pattern=^q", `definition={"max-length":1}`}, "PUT", "/api/operator-policies/%2F/o1",
			`{"priority": 0, "name": "o1", "pattern": "^q", "definition": {"max-length": 1}, "vhost": "/"}`},
		{[]string{"declare", "vhost_limit", "vhost=v2", "name=max-queues", "value=10"}, "PUT", "/api/vhost-limits/v2/max-queues",
			`{"vhost": "v2", "name": "max-queues", "value": 10}`},
		{[]string{"publish", "routing_key=rk", "payload=hello"}, "POST", "/api/exchanges/%2F/amq.default/publish",
			`{"properties": {}, "exchange": "amq.default", "payload_encoding": "string", "routing_key": "rk", "payload": "hello", "vhost": "/"}`},
		{[]string{"get", "queue=q1", "count=5", "ackmode=reject_requeue_false", "encoding=base64"}, "POST", "/api/queues/%2F/q1/get",
			`{"count": "5", "ackmode": "reject_requeue_false", "encoding": "base64", "queue": "q1", "vhost": "/"}`},
		{[]string{"close", "connection", "name=127.0.0.1:1 -> 127.0.0.1:5672"}, "DELETE", "/api/connections/127.0.0.1%3A1%20-%3E%20127.0.0.1%3A5672", ""},
		{[]string{"purge", "queue", "name=a/b"}, "DELETE", "/api/queues/%2F/a%2Fb/contents", ""},
		{[]string{"delete", "binding", "source=x", "destination_type=queue", "destination=q", "properties_key=order.%23"}, "DELETE",
			"/api/bindings/%2F/e/x/q/q/order.%2523", ""},
		{[]string{"delete", "binding", "source=x", "destination_type=QUEUE", "destination=q"}, "DELETE", "/api/bindings/%2F/e/x/Q/q/~", ""},
		{[]string{"delete", "permission", "vhost=v", "user=u", "--vhost", "ignored"}, "DELETE", "/api/permissions/v/u", ""},
		{[]string{"--vhost=", "delete", "queue", "name=q"}, "DELETE", "/api/queues/%2F/q", ""},
		// rmqctl's additions
		{[]string{"declare", "topic_permission", "vhost=v", "user=u", "exchange=amq.topic", "write=^a", "read=^b"}, "PUT", "/api/topic-permissions/v/u",
			`{"vhost": "v", "user": "u", "exchange": "amq.topic", "write": "^a", "read": "^b"}`},
		{[]string{"delete", "topic_permission", "vhost=v", "user=u"}, "DELETE", "/api/topic-permissions/v/u", ""},
		{[]string{"delete", "topic_permission", "vhost=v", "user=u", "exchange=amq.topic"}, "DELETE", "/api/topic-permissions/v/u/amq.topic", ""},
		{[]string{"declare", "user_limit", "user=u", "name=max-channels", "value=5"}, "PUT", "/api/user-limits/u/max-channels",
			`{"user": "u", "name": "max-channels", "value": 5, "vhost": "/"}`},
		{[]string{"declare", "global_parameter", "name=g", `value={"a":[1,2]}`}, "PUT", "/api/global-parameters/g",
			`{"name": "g", "value": {"a": [1, 2]}, "vhost": "/"}`},
	}
	for _, c := range cases {
		fb := newFakeBroker(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/publish") {
				reply(200, `{"routed":true}`)(w, r)
				return
			}
			if strings.HasSuffix(r.URL.Path, "/get") {
				reply(200, `[]`)(w, r)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		label := strings.Join(c.args, " ")
		r := fb.run(t, "", c.args...)
		require.Equal(t, 0, r.code, "%s: %s", label, r.stderr)
		got := fb.last()
		assert.Equal(t, c.method, got.Method, label)
		assert.Equal(t, c.path, got.RawPath, label)
		assert.Equal(t, "guest", got.User, label)
		if c.body == "" {
			assert.Empty(t, got.Body, label)
			assert.Empty(t, got.ContentType, label)
			continue
		}
		assert.Equal(t, compactJSON(t, c.body), got.Body, label)
		assert.Equal(t, "application/json", got.ContentType, label)
	}
}

func TestPublishFromStdinIsBase64(t *testing.T) {
	fb := newFakeBroker(t, reply(200, `{"routed":false}`))
	r := fb.run(t, "from stdin", "publish", "routing_key=rk")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Message published but NOT routed\n", r.stdout)
	assert.Equal(t, compactJSON(t, `{"properties": {}, "exchange": "amq.default", "payload_encoding": "base64", "routing_key": "rk", "vhost": "/", "payload": "ZnJvbSBzdGRpbg=="}`), fb.last().Body)

	r = fb.run(t, "\xff\x00binary", "-q", "publish", "routing_key=rk", "payload_encoding=string")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.Contains(t, fb.last().Body, `"payload_encoding":"base64"`)
	assert.Contains(t, fb.last().Body, `"payload":"/wBiaW5hcnk="`)
}

// List requests: v1's query (default columns only for the built-in depth and the
// table-like formats), -V only for vhost-scoped types, show overview wrapped in a list.
func TestListRequests(t *testing.T) {
	cases := []struct {
		args  []string
		query string // decoded
		path  string
	}{
		{[]string{"list", "queues"}, "columns=name,messages", "/api/queues"},
		{[]string{"-V", "a b", "list", "queues"}, "columns=name,messages", "/api/queues/a%20b"},
		{[]string{"list", "queues", "name", "arguments.x-queue-type"}, "columns=name,arguments.x-queue-type", "/api/queues"},
		{[]string{"-d", "1", "list", "queues"}, "", "/api/queues"},
		{[]string{"-f", "raw_json", "list", "queues"}, "", "/api/queues"},
		{[]string{"-f", "pretty_json", "list", "exchanges", "name"}, "columns=name", "/api/exchanges"},
		{[]string{"-S", "name", "-R", "list", "bindings"}, "columns=source,destination,routing_key&sort=name&sort_reverse=true", "/api/bindings"},
		{[]string{"--vhost=v", "list", "policies"}, "", "/api/policies"},
		{[]string{"-V", "v", "list", "operator_policies"}, "", "/api/operator-policies"},
		{[]string{"-V", "v", "list", "consumers"}, "", "/api/consumers/v"},
		{[]string{"list", "vhost_limits"}, "", "/api/vhost-limits"},
		{[]string{"list", "nodes"}, "columns=name,type,mem_used", "/api/nodes"},
		{[]string{"show", "overview"}, "columns=rabbitmq_version,cluster_name,queue_totals.messages,object_totals.queues", "/api/overview"},
		{[]string{"--path-prefix", "/pfx", "list", "users"}, "", "/pfx/api/users"},
	}
	for _, c := range cases {
		body := `[]`
		if c.args[len(c.args)-1] == "overview" {
			body = `{}`
		}
		fb := newFakeBroker(t, reply(200, body))
		label := strings.Join(c.args, " ")
		r := fb.run(t, "", c.args...)
		require.Equal(t, 0, r.code, "%s: %s", label, r.stderr)
		got := fb.last()
		assert.Equal(t, "GET", got.Method, label)
		assert.Equal(t, c.path, got.RawPath, label)
		q, err := url.QueryUnescape(got.Query)
		require.NoError(t, err)
		assert.Equal(t, c.query, q, label)
	}
}

func TestShowWrapsTheObjectInAList(t *testing.T) {
	fb := newFakeBroker(t, reply(200, `{"rabbitmq_version":"4.3.6","object_totals":{"queues":3}}`))
	r := fb.run(t, "", "-f", "raw_json", "show", "overview")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `[{"rabbitmq_version":"4.3.6","object_totals":{"queues":3}}]`+"\n", r.stdout)
	r = fb.run(t, "", "-f", "kvp", "show", "overview", "rabbitmq_version", "object_totals.queues")
	assert.Equal(t, `rabbitmq_version="4.3.6" object_totals.queues="3"`+"\n", r.stdout)
}

// Error answers and failures, in v1's words.
func TestErrorAnswers(t *testing.T) {
	cases := []struct {
		status int
		body   string
		args   []string
		stderr string
	}{
		{400, `{"error":"bad_request","reason":"invalid exchange type 'nosuch'"}`, []string{"declare", "exchange", "name=x", "type=nosuch"},
			"*** invalid exchange type 'nosuch'\n\n"},
		{400, `{"error":"bad_request","reason":["not_base64","not-base64-encoded"]}`, []string{"declare", "user", "name=u", "password_hash=not-base64-encoded", "tags="},
			"*** ['not_base64', 'not-base64-encoded']\n\n"},
		{400, `{"error":"bad_request","reason":"Validation failed\n\ncomponent nosuch not found\n"}`, []string{"declare", "parameter", "component=nosuch", "name=x", "value=1"},
			"*** Validation failed\n\ncomponent nosuch not found\n\n\n"},
		{401, `{"error":"not_authorized","reason":"Login failed"}`, []string{"list", "vhosts"},
			"*** Access refused: /api/vhosts?columns=name,messages\n\n"},
		{403, `{"error":"not_authorised","reason":"Not management user"}`, []string{"list", "vhosts"},
			"*** Access refused: /api/vhosts?columns=name,messages\n\n"},
		{404, `{"error":"Object Not Found","reason":"Not Found"}`, []string{"-V", "nosuch", "list", "queues"},
			"*** Not found: /api/queues/nosuch?columns=name,messages\n\n"},
		{404, `{"error":"Object Not Found","reason":"Not Found"}`, []string{"-V", "a b", "list", "queues"},
			"*** Not found: /api/queues/a+b?columns=name,messages\n\n"},
		{404, `{"error":"Object Not Found","reason":"Not Found"}`, []string{"delete", "queue", "name=a b"},
			"*** Not found: /api/queues/%2F/a%20b\n\n"},
		{405, `{"error":"Method Not Allowed","reason":"no"}`, []string{"delete", "queue", "name=q"},
			"*** Method not allowed: no\n\n"},
		{412, `{"error":"precondition_failed","reason":"Refusing to delete virtual host 'v' because it is protected from deletion"}`, []string{"delete", "vhost", "name=v"},
			"*** Received response 412 Precondition Failed for path /api/vhosts/v\nRefusing to delete virtual host 'v' because it is protected from deletion\n\n"},
		{400, `<html>bad</html>`, []string{"import", "defs.json"}, "*** <html>bad</html>\n\n"},
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "defs.json"), []byte(`{}`), 0o600))
	t.Chdir(dir)
	for _, c := range cases {
		fb := newFakeBroker(t, reply(c.status, c.body))
		r := fb.run(t, "", c.args...)
		label := strings.Join(c.args, " ")
		assert.Equal(t, 1, r.code, label)
		assert.Empty(t, r.stdout, label)
		assert.Equal(t, c.stderr, r.stderr, label)
	}
}

func TestTransportFailures(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	require.NoError(t, l.Close())
	r := run(t, nil, "", "-H", "127.0.0.1", "-P", port, "show", "overview")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "*** Could not connect: [Errno 111] Connection refused\n\n", r.stderr)

	r = run(t, nil, "", "-H", "no-such-host.invalid", "show", "overview")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "*** Could not connect: [Errno -2] Name or service not known\n\n", r.stderr)

	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	slow := newFakeBroker(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	})
	r = slow.run(t, "", "-t", "1", "show", "overview")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "*** Timed out getting HTTP response (request timeout: 1 seconds)\n\n", r.stderr)
	assert.Equal(t, 1, slow.count(), "a timed-out answer is not asked again")
}

// The usage errors v1 checks before any request (reference §8).
func TestUsageErrors(t *testing.T) {
	framed := func(msg string) string { return "\nERROR: " + msg + "\n\nrabbitmqadmin --help for help\n\n" }
	cases := []struct {
		args   []string
		stderr string
	}{
		{nil, framed("Action not specified")},
		{[]string{"frobnicate"}, framed("Action frobnicate not understood")},
		{[]string{"list", "nosuch"}, framed("Don't know how to list nosuch")},
		{[]string{"show", "nosuch"}, framed("Don't know how to show nosuch")},
		{[]string{"list"}, framed("Type not specified")},
		{[]string{"declare"}, framed("Type not specified")},
		{[]string{"declare", "nosuch"}, framed("Type nosuch not recognised")},
		{[]string{"declare", "queue"}, framed(`mandatory argument "name" is required`)},
		{[]string{"declare", "queue", "name"}, framed(`Argument "name" not in the name=value format`)},
		{[]string{"declare", "queue", "name=q", "nosuch=1"}, framed(`Argument "nosuch" is not recognised`)},
		{[]string{"declare", "user", "name=u", "tags="}, framed(`one of mandatory arguments "['password', 'password_hash']" is required`)},
		{[]string{"declare", "queue", "name=q", "arguments={bad"}, "ERROR: Could not parse JSON:\n  {bad\n"},
		{[]string{"declare", "queue", "name="}, framed(`Argument "name" must not be empty`)},
		{[]string{"declare", "binding", "source=", "destination=q"}, framed(`Argument "source" must not be empty`)},
		{[]string{"declare", "binding", "source=x", "destination=q", "destination_type="}, framed(`Argument "destination_type" must not be empty`)},
		{[]string{"declare", "queue", "name=q", "arguments=[]", "queue_type=quorum"}, framed(`Argument "arguments" must be a JSON object to add x-queue-type to it`)},
		{[]string{"get", "queue=q", "payload_file=f", "count=2"}, framed("Cannot get multiple messages using payload_file")},
		{[]string{"export"}, framed("Exactly one argument required")},
		{[]string{"import", "a", "b"}, framed("Exactly one argument required")},
		{[]string{"help", "astronomy"}, framed("help topic must be one of:\n  subcommands\n  config")},
		{[]string{"help", "a", "b"}, framed("Exactly one argument required")},
		{[]string{"-c", "/nonexistent/x.conf", "list", "users"}, framed("Could not read config file '/nonexistent/x.conf'")},
		{[]string{"import", "/nonexistent/defs.json"}, "*** [Errno 2] No such file or directory: '/nonexistent/defs.json'\n\n"},
	}
	fb := newFakeBroker(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("unexpected request %s %s", r.Method, r.URL) })
	for _, c := range cases {
		r := fb.run(t, "", c.args...)
		label := strings.Join(c.args, " ")
		assert.Equal(t, 1, r.code, label)
		assert.Empty(t, r.stdout, label)
		assert.Equal(t, c.stderr, r.stderr, label)
	}
	assert.Zero(t, fb.count())
}

func TestGetWritesThePayloadFile(t *testing.T) {
	dir := t.TempDir()
	fb := newFakeBroker(t, reply(200, `[{"payload_bytes":3,"redelivered":false,"exchange":"","routing_key":"q","message_count":0,"properties":[],"payload":"/wBh","payload_encoding":"base64"}]`))
	file := filepath.Join(dir, "p.bin")
	r := fb.run(t, "", "-f", "tsv", "get", "queue=q", "payload_file="+file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "routing_key\texchange\tmessage_count\tpayload_bytes\tredelivered\nq\t\t0\t3\tFalse\n", r.stdout)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, []byte{0xff, 0x00, 'a'}, data, "base64 payloads are decoded (v1 crashed)")

	empty := newFakeBroker(t, reply(200, `[]`))
	file2 := filepath.Join(dir, "none.bin")
	r = empty.run(t, "", "get", "queue=q", "payload_file="+file2)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No items\n", r.stdout)
	assert.NoFileExists(t, file2, "no message, no file")
}

func TestHelpTextsAreV1s(t *testing.T) {
	for _, c := range []struct {
		args   []string
		golden string
	}{
		{[]string{"--help"}, "v1-4.0.5-help.txt"},
		{[]string{"help"}, "v1-4.0.5-help.txt"},
		{[]string{"-q", "--he", "--nosuch"}, "v1-4.0.5-help.txt"},
		{[]string{"help", "subcommands"}, "v1-4.0.5-help-subcommands.txt"},
		{[]string{"help", "config"}, "v1-4.0.5-help-config.txt"},
		{[]string{"--bash-completion"}, "v1-4.0.5-bash-completion.txt"},
	} {
		want, err := os.ReadFile(filepath.Join("testdata", c.golden))
		require.NoError(t, err)
		r := run(t, nil, "", c.args...)
		assert.Equal(t, 0, r.code, c.args)
		assert.Equal(t, string(want), r.stdout, c.args)
		assert.Empty(t, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	fb := newFakeBroker(t, reply(200, `{"rabbitmq_version":"4.3.6"}`))
	r := fb.run(t, "", "--version", "list", "whatever")
	assert.Equal(t, result{0, "rabbitmqadmin 4.3.6\n", ""}, r)
	assert.Equal(t, "columns=rabbitmq_version", fb.last().Query)

	old := Version
	Version = "v1.2.3"
	t.Cleanup(func() { Version = old })
	r = run(t, nil, "", "-H", "127.0.0.1", "-P", "1", "--version")
	assert.Equal(t, result{0, "rabbitmqadmin 1.2.3\n", ""}, r, "no broker: rmqctl's version")
	r = run(t, nil, "", "-c", "/nonexistent", "--version")
	assert.Equal(t, 0, r.code, "a bad config file does not matter to --version")
	assert.Equal(t, "rabbitmqadmin 1.2.3\n", r.stdout)
}

// RMQCTL_VERBOSE logs the requests on stderr, without the credentials or the
// passwords of the bodies.
func TestVerboseLogHidesSecrets(t *testing.T) {
	fb := newFakeBroker(t, reply(204, ""))
	r := run(t, map[string]string{"RMQCTL_VERBOSE": "1"}, "", "-H", "127.0.0.1", "-P", fb.port(), "-p", "conn-S3cret",
		"declare", "user", "name=u", "password=user-S3cret", "tags=")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "> PUT http://127.0.0.1:"+fb.port()+"/api/users/u")
	assert.NotContains(t, r.stderr, "S3cret")
	assert.NotContains(t, r.stderr, "Z3Vlc3Q6Y29ubi1TM2NyZXQ=") // base64 of guest:conn-S3cret
	assert.Contains(t, fb.last().Body, "user-S3cret", "the broker does get it")
}

func TestTLSFileErrors(t *testing.T) {
	dir := t.TempDir()
	r := run(t, nil, "", "--ssl", "--ssl-ca-cert-file", filepath.Join(dir, "missing.pem"), "list", "users")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "*** [Errno 2] No such file or directory: '"+filepath.Join(dir, "missing.pem")+"'\n\n", r.stderr)
	r = run(t, nil, "", "--ssl", "--ssl-key-file", filepath.Join(dir, "key.pem"), "list", "users")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "*** a client certificate and its key go together\n\n", r.stderr)
	notPEM := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate"), 0o600))
	r = run(t, nil, "", "--ssl", "--ssl-ca-cert-file", notPEM, "list", "users")
	assert.Equal(t, "*** Could not load the CA certificate '"+notPEM+"': no PEM certificate found\n\n", r.stderr)
}
