package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counter is a reverse proxy in front of the broker that counts the requests rmqctl
// sends, by method and path: how idempotence ("a second apply sends no write") and
// "no request for a bad file" are proved.
type counter struct {
	mu   sync.Mutex
	reqs []string // "METHOD /api/path"
	url  string
}

func newCounter(t *testing.T, b *brokertest.Broker) *counter {
	t.Helper()
	target, err := url.Parse(b.URL)
	require.NoError(t, err)
	c := &counter{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.reqs = append(c.reqs, r.Method+" "+r.URL.EscapedPath())
		c.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// take returns the requests counted so far and starts over.
func (c *counter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.reqs
	c.reqs = nil
	return r
}

func writes(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// applyEnv runs rmqctl with the file's password variables.
func applyRun(t *testing.T, baseURL string, env map[string]string, args ...string) brokertest.Result {
	t.Helper()
	return rmqEnv(t, &brokertest.Broker{URL: baseURL}, env, "", args...)
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "broker.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// topology is the scenario's desired state with its names filled in.
type topology struct {
	vhost, user, gparam string
}

func newTopology(t *testing.T, b *brokertest.Broker) topology {
	tp := topology{vhost: brokertest.Name("ap"), user: brokertest.Name("apu"), gparam: brokertest.Name("apg")}
	cleanupVhost(t, b, tp.vhost)
	cleanupUser(t, b, tp.user)
	t.Cleanup(func() { rmq(t, b, "", "clear_global_parameter", tp.gparam) })
	return tp
}

func (tp topology) file(t *testing.T, variant map[string]string) string {
	v := map[string]string{
		"DESC": "Online shop", "TAGS": "[monitoring]", "MAXCONN": "100", "MAXCH": "20",
		"CONF": `"^app\\."`, "TOPICW": `"^orders\\."`, "TTL": "60000", "PRIO": "1", "GVAL": "{env: test}",
		"PW": "APP_PASSWORD", "EXTRA": "",
	}
	for k, x := range variant {
		v[k] = x
	}
	text := `
vhosts:
  - name: VHOST
    description: DESC
    tags: [prod]
    limits: {max-connections: MAXCONN}
users:
  - name: USER
    password_env: PW
    tags: TAGS
    limits: {max-channels: MAXCH}
permissions:
  - {user: USER, vhost: VHOST, configure: CONF, write: ".*", read: ".*"}
topic_permissions:
  - {user: USER, vhost: VHOST, exchange: events, write: TOPICW, read: ".*"}
policies:
  - {vhost: VHOST, name: ttl, pattern: "^app\\.", definition: {message-ttl: TTL}, apply-to: queues}
operator_policies:
  - {vhost: VHOST, name: cap, pattern: ".*", definition: {max-length: 100000}, priority: PRIO}
global_parameters:
  - {name: GPARAM, value: GVAL}
exchanges:
  - {vhost: VHOST, name: events, type: topic}
queues:
  - {vhost: VHOST, name: app.orders, type: quorum, arguments: {x-delivery-limit: 5}}
  - {vhost: VHOST, name: app.audit, arguments: {x-max-length: 1000}}
EXTRA
bindings:
  - {vhost: VHOST, source: events, destination: app.orders, routing_key: "orders.#"}
`
	r := strings.NewReplacer("VHOST", tp.vhost, "USER", tp.user, "GPARAM", tp.gparam)
	for k, x := range v {
		text = strings.ReplaceAll(text, k, x)
	}
	return writeFile(t, r.Replace(text))
}

// publishTo publishes with confirms and reports the broker's refusal, if any.
func publishTo(b *brokertest.Broker, user, password, vhost, exchange, key string) error {
	conn, ch, err := confirmChannel(b, user, password, vhost)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A refused publish closes the channel (403) instead of being confirmed.
	closed := ch.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, true, false, amqp.Publishing{Body: []byte("hello")})
	if err != nil {
		return err
	}
	select {
	case e := <-closed:
		if e != nil {
			return e
		}
		return fmt.Errorf("channel closed")
	case <-conf.Done():
		if !conf.Acked() {
			return fmt.Errorf("publish nacked")
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("no confirm and no channel close")
	}
}

func getJSON(t *testing.T, b *brokertest.Broker, path string) any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.URL+"/api"+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth("guest", "guest")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, path)
	var v any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	return v
}

// Create from empty, check every effect over AMQP and the API, then a second apply
// that finds nothing to do and sends no write.
func TestApplyCreatesEverythingThenSendsNoWrite(t *testing.T) {
	b := brokertest.Require(t)
	tp := newTopology(t, b)
	file := tp.file(t, nil)
	env := map[string]string{"APP_PASSWORD": "App-Secret-1"}

	r := applyRun(t, b.URL, env, "diff", "-f", file)
	require.Equal(t, 2, r.Code, "changes pending: %s", r.Stderr)
	assert.Empty(t, r.Stderr)
	assert.Contains(t, r.Stdout, "action\tkind\tvhost\tname\tchanges\n")
	assert.Contains(t, r.Stdout, "create\tqueue\t"+tp.vhost+"\tapp.orders\ttype: quorum")
	assert.Contains(t, r.Stdout, "Plan: 11 to create, 0 to update, 0 to delete; 0 unchanged.")

	r = applyRun(t, b.URL, env, "apply", "-f", file)
	require.Equal(t, 0, r.Code, "apply: %s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "kind\tcreated\tupdated\tdeleted\trecreated\tunchanged\tconflicts\tfailed\tnot_started\n")
	assert.Contains(t, r.Stdout, "queues\t2\t0\t0\t0\t0\t0\t0\t0\n")
	assert.NotContains(t, r.Stdout+r.Stderr, "App-Secret-1")

	// The user logs in with the password from the environment, publishes through the
	// binding into the quorum queue, and its topic permission is enforced.
	require.NoError(t, publishTo(b, tp.user, "App-Secret-1", tp.vhost, "events", "orders.new"))
	brokertest.Eventually(t, 10*time.Second, func() error {
		q := getJSON(t, b, "/queues/"+url.PathEscape(tp.vhost)+"/app.orders").(map[string]any)
		if q["type"] != "quorum" || q["messages"] != float64(1) {
			return fmt.Errorf("queue: type %v, messages %v", q["type"], q["messages"])
		}
		return nil
	})
	err := publishTo(b, tp.user, "App-Secret-1", tp.vhost, "events", "invoices.new")
	assert.Equal(t, 403, amqpCode(err), "topic permission enforced: %v", err)
	_, err = b.Dial(tp.user, "wrong", tp.vhost)
	assert.Error(t, err)

	v := getJSON(t, b, "/vhosts/"+url.PathEscape(tp.vhost)).(map[string]any)
	assert.Equal(t, "Online shop", v["description"])
	assert.Equal(t, []any{"prod"}, v["tags"])
	assert.Equal(t, []any{map[string]any{"vhost": tp.vhost, "value": map[string]any{"max-connections": float64(100)}}},
		getJSON(t, b, "/vhost-limits/"+url.PathEscape(tp.vhost)))
	assert.Equal(t, []any{map[string]any{"user": tp.user, "value": map[string]any{"max-channels": float64(20)}}},
		getJSON(t, b, "/user-limits/"+tp.user))
	p := getJSON(t, b, "/policies/"+url.PathEscape(tp.vhost)+"/ttl").(map[string]any)
	assert.Equal(t, map[string]any{"message-ttl": float64(60000)}, p["definition"])
	assert.Equal(t, "queues", p["apply-to"])
	op := getJSON(t, b, "/operator-policies/"+url.PathEscape(tp.vhost)+"/cap").(map[string]any)
	assert.Equal(t, float64(1), op["priority"])
	assert.Equal(t, map[string]any{"env": "test"}, getJSON(t, b, "/global-parameters/"+tp.gparam).(map[string]any)["value"])

	// Second apply: reads only, no write; diff agrees.
	c := newCounter(t, b)
	r = applyRun(t, c.url, env, "apply", "-f", file)
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	reqs := c.take()
	assert.Empty(t, writes(reqs), "a second apply sends no write")
	assert.LessOrEqual(t, len(reqs), 12, "one read per kind: %v", reqs)
	assert.Contains(t, r.Stdout, "queues\t0\t0\t0\t0\t2\t0\t0\t0\n")
	r = applyRun(t, c.url, env, "diff", "-f", file)
	assert.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Contains(t, r.Stdout, "No changes: the broker matches the file.")
	assert.Empty(t, writes(c.take()))
}

// Every kind changed at once: the plan shows old → new for each and hides the
// password; apply converges; the old password stops working, the new one works.
func TestApplyChangesEachKind(t *testing.T) {
	b := brokertest.Require(t)
	tp := newTopology(t, b)
	env := map[string]string{"APP_PASSWORD": "First-Pass-1", "NEW_PASSWORD": "Second-Pass-2"}
	r := applyRun(t, b.URL, env, "apply", "-f", tp.file(t, nil))
	require.Equal(t, 0, r.Code, "%s", r.Stderr)

	changed := tp.file(t, map[string]string{
		"DESC": "Shop v2", "TAGS": "[monitoring, management]", "MAXCONN": "50", "MAXCH": "10",
		"CONF": `".*"`, "TOPICW": `"^o"`, "TTL": "5000", "PRIO": "7", "GVAL": "{env: prod}", "PW": "NEW_PASSWORD",
		"EXTRA": "  - {vhost: " + tp.vhost + ", name: app.new}",
	})
	c := newCounter(t, b)
	r = applyRun(t, c.url, env, "diff", "-f", changed, "--formatter", "json")
	require.Equal(t, 2, r.Code, "%s", r.Stderr)
	assert.Empty(t, writes(c.take()), "diff never writes")
	assert.NotContains(t, r.Stdout, "Second-Pass-2")
	assert.NotContains(t, r.Stdout, "First-Pass-1")
	var plan struct {
		Changes []struct {
			Action, Kind, Name string
			Changes            []map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &plan), r.Stdout)
	got := map[string][]string{}
	for _, ch := range plan.Changes {
		var fields []string
		for _, d := range ch.Changes {
			f := d["field"].(string)
			if d["secret"] == true {
				assert.NotContains(t, d, "old")
				assert.NotContains(t, d, "new")
				f += "(secret)"
			}
			fields = append(fields, f)
		}
		got[ch.Action+" "+ch.Kind+" "+ch.Name] = fields
	}
	assert.Equal(t, map[string][]string{
		"update vhost " + tp.vhost:                          {"description", "limits"},
		"update user " + tp.user:                            {"tags", "limits", "password(secret)"},
		"update global_parameter " + tp.gparam:              {"value"},
		"update permission " + tp.user:                      {"configure"},
		"update topic_permission " + tp.user + " on events": {"write"},
		"update policy ttl":                                 {"definition"},
		"update operator_policy cap":                        {"priority"},
		"create queue app.new":                              {"durable", "auto_delete"},
	}, got)

	r = applyRun(t, b.URL, env, "diff", "-f", changed)
	assert.Contains(t, r.Stdout, "password: (changes)")
	assert.Contains(t, r.Stdout, "description: Online shop → Shop v2")
	assert.Contains(t, r.Stdout, `limits: {"max-connections":100} → {"max-connections":50}`)

	r = applyRun(t, c.url, env, "apply", "-f", changed)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.NotContains(t, r.Stdout+r.Stderr, "Second-Pass-2")
	_, err := b.Dial(tp.user, "First-Pass-1", tp.vhost)
	assert.Error(t, err, "the old password no longer works")
	require.NoError(t, publishTo(b, tp.user, "Second-Pass-2", tp.vhost, "events", "o.1"), "the new one does, with the new topic pattern")
	u := getJSON(t, b, "/users/"+tp.user).(map[string]any)
	assert.ElementsMatch(t, []any{"monitoring", "management"}, u["tags"])
	assert.Equal(t, map[string]any{"message-ttl": float64(5000)},
		getJSON(t, b, "/policies/"+url.PathEscape(tp.vhost)+"/ttl").(map[string]any)["definition"])
	assert.Equal(t, "Shop v2", getJSON(t, b, "/vhosts/"+url.PathEscape(tp.vhost)).(map[string]any)["description"])
	c.take()

	// Same file, same password: the user is not written; the password still works.
	// Then only the tags change: the user is written once, keeping the password.
	r = applyRun(t, c.url, env, "apply", "-f", changed)
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Empty(t, writes(c.take()))
	tagsOnly := tp.file(t, map[string]string{
		"DESC": "Shop v2", "TAGS": "[policymaker]", "MAXCONN": "50", "MAXCH": "10",
		"CONF": `".*"`, "TOPICW": `"^o"`, "TTL": "5000", "PRIO": "7", "GVAL": "{env: prod}", "PW": "NEW_PASSWORD",
		"EXTRA": "  - {vhost: " + tp.vhost + ", name: app.new}",
	})
	r = applyRun(t, c.url, env, "apply", "-f", tagsOnly)
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Equal(t, []string{"PUT /api/users/" + tp.user}, writes(c.take()))
	require.NoError(t, publishTo(b, tp.user, "Second-Pass-2", tp.vhost, "events", "o.2"), "the password was kept")
}

// A bad file: every problem with its line, exit 65, and not one request.
func TestApplyBadFileSendsNothing(t *testing.T) {
	b := brokertest.Require(t)
	c := newCounter(t, b)
	file := writeFile(t, "queues:\n  - {name: q, durable: maybe}\n  - {name: amq.x}\nusers:\n  - {name: u, password: inline}\n")
	for _, cmd := range []string{"diff", "apply"} {
		r := applyRun(t, c.url, nil, cmd, "-f", file)
		assert.Equal(t, 65, r.Code, cmd)
		assert.Equal(t, file+`:2: queue "q" in vhost "/": durable must be true or false
`+file+`:3: queue "amq.x" in vhost "/": queue names starting with "amq." are reserved by the broker
`+file+`:5: user "u": inline passwords are not accepted: use password_env, password_file or password_hash
`, r.Stderr)
		assert.Empty(t, r.Stdout)
	}
	assert.Empty(t, c.take(), "no request for a bad file")

	r := applyRun(t, c.url, nil, "apply", "-f", filepath.Join(t.TempDir(), "missing.yaml"))
	assert.Equal(t, 66, r.Code)
	assert.Contains(t, r.Stderr, "missing.yaml: no such file or directory")

	// References are checked against the broker before any write.
	file = writeFile(t, "permissions:\n  - {user: "+brokertest.Name("ghost")+", configure: '', write: '', read: ''}\nqueues:\n  - {vhost: "+brokertest.Name("novh")+", name: q}\n")
	r = applyRun(t, c.url, nil, "apply", "-f", file)
	assert.Equal(t, 65, r.Code)
	assert.Regexp(t, `^`+file+`:2: permission "(ghost-\w+)" in vhost "/": user "ghost-\w+" is neither declared nor on the broker\n`+
		file+`:4: queue "q" in vhost "(novh-\w+)": vhost "novh-\w+" is neither declared nor on the broker\n$`, r.Stderr)
	assert.Empty(t, writes(c.take()))
}

// A queue whose type differs is a conflict: left alone with its messages (exit 3)
// unless --recreate-conflicting, which declares it again with its bindings.
func TestApplyConflictsAndRecreate(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("apc")
	cleanupVhost(t, b, vh)
	mustRmq(t, b, "add_vhost", vh)
	mustRmq(t, b, "set_permissions", "-p", vh, "guest", ".*", ".*", ".*")
	mustRmq(t, b, "declare_queue", "-p", vh, "jobs")
	mustRmq(t, b, "publish", "-p", vh, "--routing-key", "jobs", "--payload", "keep me")
	file := writeFile(t, strings.ReplaceAll(`
exchanges:
  - {vhost: VH, name: work, type: direct}
queues:
  - {vhost: VH, name: jobs, type: quorum}
bindings:
  - {vhost: VH, source: work, destination: jobs, routing_key: jobs}
`, "VH", vh))
	r := rmq(t, b, "", "apply", "-f", file)
	assert.Equal(t, 3, r.Code, "%s", r.Stderr)
	assert.Equal(t, "Error: 1 conflicting objects were left as they are; --recreate-conflicting deletes and declares queues and exchanges again\n", r.Stderr)
	assert.Contains(t, r.Stdout, "conflict\tqueue\t"+vh+"\tjobs\ttype: classic → quorum; (a queue's type cannot change)\tleft as it is\n")
	q := getJSON(t, b, "/queues/"+url.PathEscape(vh)+"/jobs").(map[string]any)
	assert.Equal(t, "classic", q["type"], "a conflict is never fixed by deleting")
	brokertest.Eventually(t, 10*time.Second, func() error {
		q := getJSON(t, b, "/queues/"+url.PathEscape(vh)+"/jobs").(map[string]any)
		if q["messages"] != float64(1) {
			return fmt.Errorf("messages %v", q["messages"])
		}
		return nil
	})
	assert.Equal(t, 2, rmq(t, b, "", "diff", "-f", file).Code, "the conflict stays pending")

	r = rmq(t, b, "", "apply", "-f", file, "--recreate-conflicting")
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Contains(t, r.Stdout, "recreate\tqueue\t"+vh+"\tjobs\t")
	q = getJSON(t, b, "/queues/"+url.PathEscape(vh)+"/jobs").(map[string]any)
	assert.Equal(t, "quorum", q["type"])
	require.NoError(t, publishTo(b, "guest", "guest", vh, "work", "jobs"), "the binding came back with the queue")
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", file).Code)
}

// --prune deletes what the file does not declare, only in the kinds it declares and
// the vhosts it names.
func TestApplyPruneStaysInScope(t *testing.T) {
	b := brokertest.Require(t)
	vh, other := brokertest.Name("apx"), brokertest.Name("apo")
	for _, v := range []string{vh, other} {
		cleanupVhost(t, b, v)
		mustRmq(t, b, "add_vhost", v)
		mustRmq(t, b, "declare_queue", "-p", v, "stale")
		mustRmq(t, b, "set_policy", "-p", v, "old", "^x", `{"max-length":1}`)
	}
	mustRmq(t, b, "declare_exchange", "-p", vh, "ex", "--type", "fanout")
	file := writeFile(t, strings.ReplaceAll(`
queues:
  - {vhost: VH, name: keep}
policies: []
`, "VH", vh))
	r := rmq(t, b, "", "diff", "-f", file, "--prune")
	require.Equal(t, 2, r.Code, "%s", r.Stderr)
	assert.Contains(t, r.Stdout, "Plan: 1 to create, 0 to update, 2 to delete; 0 unchanged.")
	r = rmq(t, b, "", "apply", "-f", file, "--prune")
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Equal(t, "keep\n", mustRmq(t, b, "-s", "list_queues", "-p", vh, "name"))
	assert.Empty(t, strings.TrimSpace(mustRmq(t, b, "-s", "list_policies", "-p", vh)))
	assert.Contains(t, mustRmq(t, b, "-s", "list_exchanges", "-p", vh, "name"), "ex\n", "exchanges are not declared: kept")
	assert.Equal(t, "stale\n", mustRmq(t, b, "-s", "list_queues", "-p", other, "name"), "another vhost is out of scope")
	assert.Contains(t, mustRmq(t, b, "-s", "list_policies", "-p", other), "old")
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", file, "--prune").Code)
}

// RabbitMQ's own definitions document is a desired-state file: the broker's export
// matches the broker, and applying it brings back a deleted vhost with its contents.
func TestApplyDefinitionsDocument(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("apd")
	cleanupVhost(t, b, vh)
	mustRmq(t, b, "add_vhost", vh)
	mustRmq(t, b, "set_permissions", "-p", vh, "guest", ".*", ".*", ".*")
	mustRmq(t, b, "declare_queue", "-p", vh, "orders", "--type", "quorum")
	mustRmq(t, b, "declare_exchange", "-p", vh, "in", "--type", "topic")
	mustRmq(t, b, "declare_binding", "-p", vh, "in", "orders", "--routing-key", "o.#")
	mustRmq(t, b, "set_policy", "-p", vh, "lim", "^o", `{"max-length":10}`, "--apply-to", "queues")
	mustRmq(t, b, "set_operator_policy", "-p", vh, "cap", ".*", `{"max-length":100}`)
	mustRmq(t, b, "set_vhost_limits", "-p", vh, `{"max-queues":50}`)
	defs := filepath.Join(t.TempDir(), "defs.json")
	mustRmq(t, b, "export_definitions", defs)

	r := rmq(t, b, "", "diff", "-f", defs)
	require.Equal(t, 0, r.Code, "the export matches the broker: %s%s", r.Stdout, r.Stderr)

	mustRmq(t, b, "delete_vhost", vh)
	r = rmq(t, b, "", "diff", "-f", defs)
	require.Equal(t, 2, r.Code, "%s", r.Stderr)
	r = rmq(t, b, "", "apply", "-f", defs)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	// 3.10's export gives only the limits; 3.11+ also the vhost's metadata
	assert.Regexp(t, "\ncreate\tvhost\t\t"+vh+"\t(?:description: \"\"; tags: \\[\\]; default_queue_type: classic; )?"+
		`limits: \{"max-queues":50\}\tdone\n`, r.Stdout)
	q := getJSON(t, b, "/queues/"+url.PathEscape(vh)+"/orders").(map[string]any)
	assert.Equal(t, "quorum", q["type"])
	op := getJSON(t, b, "/operator-policies/"+url.PathEscape(vh)+"/cap").(map[string]any)
	assert.Equal(t, map[string]any{"max-length": float64(100)}, op["definition"])
	require.NoError(t, publishTo(b, "guest", "guest", vh, "in", "o.1"), "the binding is back")
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", defs).Code)
}

// The user rmqctl runs as may be in the file (a definitions export always has it):
// changing its password and rights comes after everything else, so the rest is not
// refused halfway.
func TestApplyChangesTheRunningUserLast(t *testing.T) {
	b := brokertest.Require(t)
	admin, vh := brokertest.Name("apa"), brokertest.Name("apr")
	cleanupUser(t, b, admin)
	cleanupVhost(t, b, vh)
	mustRmq(t, b, "add_user", admin, "Old-Admin-1")
	mustRmq(t, b, "set_user_tags", admin, "administrator")
	file := writeFile(t, strings.NewReplacer("{admin}", admin, "{vh}", vh).Replace(`
users:
  - {name: "{admin}", password_env: NEW_ADMIN_PW, tags: [administrator]}
vhosts:
  - {name: "{vh}"}
permissions:
  - {user: "{admin}", vhost: "{vh}", configure: ".*", write: ".*", read: ".*"}
queues:
  - {vhost: "{vh}", name: q1}
  - {vhost: "{vh}", name: q2}
`))
	env := map[string]string{"RMQCTL_USERNAME": admin, "RMQCTL_PASSWORD": "Old-Admin-1", "NEW_ADMIN_PW": "New-Admin-2"}
	r := rmqEnv(t, b, env, "", "apply", "-f", file)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "update\tuser\t\t"+admin+"\tpassword: (changes); (made last: rmqctl runs as this user)\tdone\n")
	assert.ElementsMatch(t, []string{"q1", "q2"}, strings.Fields(mustRmq(t, b, "-s", "list_queues", "-p", vh, "name")))
	require.NoError(t, publishAndConsume(b, admin, "New-Admin-2", vh, "rotated"))

	env["RMQCTL_PASSWORD"] = "New-Admin-2"
	r = rmqEnv(t, b, env, "", "diff", "-f", file)
	assert.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
}

// A per-vhost export (export_definitions -p V) names no vhost; applied with -p V it
// restores V's contents.
func TestApplyPerVhostDefinitions(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("app")
	cleanupVhost(t, b, vh)
	mustRmq(t, b, "add_vhost", vh)
	mustRmq(t, b, "declare_queue", "-p", vh, "orders")
	mustRmq(t, b, "set_policy", "-p", vh, "lim", "^o", `{"max-length":10}`)
	mustRmq(t, b, "set_vhost_limits", "-p", vh, `{"max-queues":20}`)
	defs := filepath.Join(t.TempDir(), "v.json")
	mustRmq(t, b, "export_definitions", defs, "-p", vh)
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", defs, "-p", vh).Code)

	mustRmq(t, b, "delete_queue", "-p", vh, "orders")
	mustRmq(t, b, "clear_policy", "-p", vh, "lim")
	mustRmq(t, b, "clear_vhost_limits", "-p", vh)
	r := rmq(t, b, "", "apply", "-f", defs, "-p", vh)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Equal(t, "orders\n", mustRmq(t, b, "-s", "list_queues", "-p", vh, "name"))
	assert.Contains(t, mustRmq(t, b, "-s", "list_policies", "-p", vh), "lim")
	assert.Contains(t, mustRmq(t, b, "-s", "list_vhost_limits", "-p", vh), `"max-queues":20`)
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", defs, "-p", vh).Code)
}
