package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every declarable and deletable type, with every key it takes: v1 and rmqctl each
// run the command on the same starting state, print the same bytes, and leave the
// broker in the same state (read back over the API).
func TestAdminDifferentialDeclareAndDelete(t *testing.T) {
	e := newAdminEnv(t)
	v := newAdminVhost(t, e, "adm-obj")
	user := brokertest.Name("adm-u")
	t.Cleanup(func() { e.quietly(t, "delete", "user", "name="+user) })
	e.ok(t, "declare", "user", "name="+user, "password=pw", "tags=")
	node := strings.TrimSpace(e.ok(t, "-f", "bash", "list", "nodes", "name"))
	V := []string{"-V", v}

	type object struct {
		name    string
		declare [][]string // each variant declares it anew
		del     []string
		look    string // API path read back after each command
		strip   []string
	}
	objects := []object{
		{name: "queue", look: "/queues/" + v + "/q1?columns=name,durable,auto_delete,arguments,type,vhost", declare: [][]string{
			{"declare", "queue", "name=q1"},
			{"declare", "queue", "name=q1", "durable=false", "auto_delete=true"},
			{"declare", "queue", "name=q1", `arguments={"x-max-length":5,"x-message-ttl":60000}`, "node=" + node},
			{"declare", "queue", "name=q1", "queue_type=quorum", `arguments={"x-delivery-limit":3}`},
			{"declare", "queue", "name=q1", "queue_type=stream"},
		}, del: []string{"delete", "queue", "name=q1"}},
		{name: "exchange", look: "/exchanges/" + v + "/x1", declare: [][]string{
			{"declare", "exchange", "name=x1", "type=direct"},
			{"declare", "exchange", "name=x1", "type=headers", "durable=false", "auto_delete=true", "internal=true", `arguments={"alternate-exchange":"amq.fanout"}`},
		}, del: []string{"delete", "exchange", "name=x1"}},
		{name: "binding", look: "/bindings/" + v + "/e/amq.topic/e/amq.fanout", declare: [][]string{
			{"declare", "binding", "source=amq.topic", "destination=amq.fanout", "destination_type=exchange", "routing_key=a.*"},
		}, del: []string{"delete", "binding", "source=amq.topic", "destination_type=exchange", "destination=amq.fanout", "properties_key=a.%2A"}},
		{name: "vhost", look: "/vhosts/" + v + "-2?columns=name,tracing,default_queue_type", declare: [][]string{
			{"declare", "vhost", "name=" + v + "-2"},
			{"declare", "vhost", "name=" + v + "-2", "tracing=true"},
		}, del: []string{"delete", "vhost", "name=" + v + "-2"}},
		{name: "user", look: "/users/" + user + "-2", strip: []string{"password_hash"}, declare: [][]string{
			{"declare", "user", "name=" + user + "-2", "password=secret", "tags=administrator,monitoring"},
			{"declare", "user", "name=" + user + "-2", "password_hash=" + hashPassword(t, "x"), "tags=", "hashing_algorithm=rabbit_password_hashing_sha256"},
		}, del: []string{"delete", "user", "name=" + user + "-2"}},
		{name: "permission", look: "/permissions/" + v + "/" + user, declare: [][]string{
			{"declare", "permission", "vhost=" + v, "user=" + user, "configure=^c", "write=^w", "read=.*"},
		}, del: []string{"delete", "permission", "vhost=" + v, "user=" + user}},
		{name: "parameter", look: "/parameters/vhost-limits/" + v + "/limits", declare: [][]string{
			{"declare", "parameter", "component=vhost-limits", "name=limits", `value={"max-queues":50}`},
		}, del: []string{"delete", "parameter", "component=vhost-limits", "name=limits"}},
		{name: "policy", look: "/policies/" + v + "/p1", declare: [][]string{
			{"declare", "policy", "name=p1", "pattern=^q", `definition={"max-length":10}`},
			{"declare", "policy", "name=p1", "pattern=^x", `definition={"alternate-exchange":"amq.direct"}`, "priority=7", "apply-to=exchanges"},
		}, del: []string{"delete", "policy", "name=p1"}},
		{name: "operator_policy", look: "/operator-policies/" + v + "/o1", declare: [][]string{
			{"declare", "operator_policy", "name=o1", "pattern=^q", `definition={"max-length":10}`, "priority=2", "apply-to=queues"},
		}, del: []string{"delete", "operator_policy", "name=o1"}},
		{name: "vhost_limit", look: "/vhost-limits/" + v, declare: [][]string{
			{"declare", "vhost_limit", "vhost=" + v, "name=max-connections", "value=20"},
		}, del: []string{"delete", "vhost_limit", "vhost=" + v, "name=max-connections"}},
	}
	if !e.v1Is310() {
		objects[3].declare = append(objects[3].declare, []string{"declare", "vhost", "name=" + v + "-2", "default_queue_type=quorum"})
	}
	for _, o := range objects {
		look := func() string { return normalizeJSON(t, e.api(t, o.look), o.strip) }
		for _, args := range o.declare {
			args := append(append([]string{}, V...), args...)
			r := e.sameEffect(t, func() { e.quietly(t, append(append([]string{}, V...), o.del...)...) }, look, "", args...)
			require.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
			assert.Equal(t, o.name+" declared\n", r.Stdout)
			assert.NotEqual(t, "404", look(), "%v declared something", args)
		}
		args := append(append([]string{}, V...), o.del...)
		recreate := func() {
			e.quietly(t, args...)
			e.ok(t, append(append([]string{}, V...), o.declare[0]...)...)
		}
		r := e.sameEffect(t, recreate, look, "", args...)
		require.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
		assert.Equal(t, o.name+" deleted\n", r.Stdout)
		// v1 is not idempotent: deleting what is gone is "Not found" (but the broker
		// answers 204 for a missing vhost limit, and 3.10.8 for a missing vhost)
		r = e.same(t, "", args...)
		if o.name != "vhost_limit" && (o.name != "vhost" || !e.v1Is310()) {
			assert.Equal(t, 1, r.Code, "%v twice", args)
			assert.True(t, strings.HasPrefix(r.Stderr, "*** Not found: /api/"), r.Stderr)
		}
	}

	t.Run("purge", func(t *testing.T) {
		e.ok(t, append(V, "declare", "queue", "name=full")...)
		fill := func() {
			for range 3 {
				e.ok(t, append(V, "publish", "routing_key=full", "payload=x")...)
			}
		}
		look := func() string { return e.ok(t, append(V, "-f", "tsv", "-q", "get", "queue=full", "count=10")...) }
		r := e.sameEffect(t, fill, look, "", append(V, "purge", "queue", "name=full")...)
		assert.Equal(t, "queue purged\n", r.Stdout)
		assert.Equal(t, "", look())
	})

	t.Run("close connection", func(t *testing.T) {
		// v1 closes one connection, rmqctl its twin: same output, both gone
		names := map[string]*amqp.Connection{}
		for range 2 {
			conn := dialGuest(t, e.b, v, "")
			names[localConnectionName(conn)] = conn
		}
		brokertest.Eventually(t, 30*time.Second, func() error {
			out := e.ok(t, "-f", "tsv", "-q", "list", "connections", "name")
			for n := range names {
				if !strings.Contains(out, n+"\n") {
					return errorf("%s not listed yet", n)
				}
			}
			return nil
		})
		var results []brokertest.Result
		i := 0
		for n, conn := range names {
			closed := conn.NotifyClose(make(chan *amqp.Error, 1))
			run := e.v1
			if i == 1 {
				run = e.ours
			}
			i++
			results = append(results, run(t, "", "close", "connection", "name="+n))
			select {
			case err := <-closed:
				require.NotNil(t, err, "closed by the broker, not by us")
				assert.Equal(t, amqp.ConnectionForced, err.Code)
			case <-time.After(30 * time.Second):
				t.Fatalf("connection %s still open", n)
			}
		}
		assertSameResult(t, results[0], results[1], "close connection")
		assert.Equal(t, "connection closed\n", results[1].Stdout)
		r := e.same(t, "", "close", "connection", "name=no such connection")
		assert.Equal(t, "*** Not found: /api/connections/no%20such%20connection\n\n", r.Stderr)
	})

	t.Run("export and import", func(t *testing.T) {
		dir := t.TempDir()
		for _, scope := range [][]string{nil, V} {
			a, b := filepath.Join(dir, "v1.json"), filepath.Join(dir, "ours.json")
			want := e.v1(t, "", append(append([]string{}, scope...), "export", a)...)
			got := e.ours(t, "", append(append([]string{}, scope...), "export", b)...)
			assert.Equal(t, strings.Replace(want.Stdout, a, b, 1), got.Stdout)
			assert.Equal(t, want.Code, got.Code)
			assert.Equal(t, "Exported definitions for "+e.host+" to \""+b+"\"\n", got.Stdout)
			da, err := os.ReadFile(a)
			require.NoError(t, err)
			db, err := os.ReadFile(b)
			require.NoError(t, err)
			assert.JSONEq(t, string(da), string(db), "the same definitions")
			assert.NotEqual(t, byte('\n'), db[len(db)-1], "written as the server sent it")
			r := e.same(t, "", append(append([]string{}, scope...), "import", b)...)
			require.Equal(t, 0, r.Code, r.Stderr)
			assert.Equal(t, "Uploaded definitions from \""+e.host+"\" to "+b+". The import process may take some time. Consult server logs to track progress.\n", r.Stdout)
			assert.Empty(t, e.same(t, "", append(append([]string{"-q"}, scope...), "import", b)...).Stdout)
		}
		bad := filepath.Join(dir, "bad.json")
		require.NoError(t, os.WriteFile(bad, []byte(`{"vhosts": [{"nme": 1}`), 0o600))
		r := e.same(t, "", "import", bad)
		assert.Equal(t, 1, r.Code)
		assert.True(t, strings.HasPrefix(r.Stderr, "*** "), r.Stderr)
		r = e.same(t, "", "-V", "no-such-vhost-"+v, "export", filepath.Join(dir, "x.json"))
		assert.Equal(t, 1, r.Code)
	})

	t.Run("rmqctl's additions", func(t *testing.T) {
		for _, args := range [][]string{
			{"declare", "topic_permission", "vhost=" + v, "user=" + user, "exchange=amq.topic", "write=^a", "read=^b"},
			{"declare", "user_limit", "user=" + user, "name=max-channels", "value=3"},
			{"declare", "global_parameter", "name=" + v, `value={"a":1}`},
			{"list", "topic_permissions"}, {"list", "user_limits"}, {"list", "global_parameters"},
		} {
			want := e.v1(t, "", args...)
			assert.Equal(t, 1, want.Code, "v1 does not know %v", args)
			r := e.ours(t, "", args...)
			require.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
		}
		assert.Contains(t, e.ok(t, "-f", "tsv", "-q", "list", "topic_permissions", "user", "vhost", "exchange", "write", "read"),
			user+"\t"+v+"\tamq.topic\t^a\t^b\n")
		assert.Contains(t, e.ok(t, "-f", "kvp", "list", "user_limits"), `user="`+user+`" value="{"max-channels": 3}"`)
		assert.Contains(t, e.ok(t, "-f", "tsv", "-q", "list", "global_parameters", "name", "value"), v+"\t"+`{"a": 1}`+"\n")
		e.ok(t, "delete", "topic_permission", "vhost="+v, "user="+user, "exchange=amq.topic")
		e.ok(t, "delete", "user_limit", "user="+user, "name=max-channels")
		e.ok(t, "delete", "global_parameter", "name="+v)
		assert.NotContains(t, e.ok(t, "list", "topic_permissions"), user)
	})
}

// normalizeJSON re-encodes an answer with its keys sorted and the given keys dropped
// (a password hash is salted afresh each time).
func normalizeJSON(t *testing.T, body string, drop []string) string {
	t.Helper()
	if body == "404" {
		return body
	}
	var v any
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	if m, ok := v.(map[string]any); ok {
		for _, k := range drop {
			delete(m, k)
		}
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// localConnectionName is the broker's name of an AMQP connection: "client -> server".
func localConnectionName(conn *amqp.Connection) string {
	return conn.LocalAddr().String() + " -> " + conn.RemoteAddr().String()
}
