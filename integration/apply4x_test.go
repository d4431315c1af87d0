package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Apply against the releases users run (3.10.8, 4.0.5, 4.3.6): what each one's own
// export and import do, and what apply must do the same.

// api sends one request to the management API as guest and returns the status and body.
func api(t *testing.T, b *brokertest.Broker, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch x := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(x)
	default:
		data, err := json.Marshal(x)
		require.NoError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.URL+"/api"+path, r)
	require.NoError(t, err)
	req.SetBasicAuth("guest", "guest")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

func mustAPI(t *testing.T, b *brokertest.Broker, method, path string, body any) []byte {
	t.Helper()
	code, data := api(t, b, method, path, body)
	require.Less(t, code, 300, "%s %s: %d %s", method, path, code, data)
	return data
}

// release is the test broker's release; the env file always names it.
func release(t *testing.T, b *brokertest.Broker) compat.Version {
	t.Helper()
	if b.Version == "" {
		raw := getJSON(t, b, "/overview?columns=rabbitmq_version").(map[string]any)["rabbitmq_version"]
		b.Version, _ = raw.(string)
	}
	v, err := compat.Parse(b.Version)
	require.NoError(t, err)
	return v
}

func atLeast(t *testing.T, b *brokertest.Broker, v string) bool {
	return release(t, b).AtLeast(compat.MustParse(v))
}

// cleanupProtectedVhost deletes a vhost a test may have protected from deletion.
func cleanupProtectedVhost(t *testing.T, b *brokertest.Broker, name string) {
	t.Cleanup(func() {
		api(t, b, http.MethodDelete, "/vhosts/"+url.PathEscape(name)+"/deletion/protection", nil)
		api(t, b, http.MethodDelete, "/vhosts/"+url.PathEscape(name), nil)
	})
}

// shopVhost fills vhost vh with one of everything a vhost holds; user u gets
// permissions there and a topic permission on its exchange.
func shopVhost(t *testing.T, b *brokertest.Broker, vh, u, password string) {
	t.Helper()
	v := url.PathEscape(vh)
	mustAPI(t, b, "PUT", "/vhosts/"+v, map[string]any{"description": "Online shop", "tags": []string{"prod"},
		"default_queue_type": "quorum", "defaultqueuetype": "quorum"})
	mustAPI(t, b, "PUT", "/vhost-limits/"+v+"/max-queues", map[string]any{"value": 500})
	mustAPI(t, b, "PUT", "/users/"+u, map[string]any{"password": password, "tags": []string{"monitoring"}})
	mustAPI(t, b, "PUT", "/user-limits/"+u+"/max-channels", map[string]any{"value": 10})
	mustAPI(t, b, "PUT", "/permissions/"+v+"/"+u, map[string]any{"configure": "^shop\\.", "write": ".*", "read": ".*"})
	mustAPI(t, b, "PUT", "/permissions/"+v+"/guest", map[string]any{"configure": ".*", "write": ".*", "read": ".*"})
	mustAPI(t, b, "PUT", "/exchanges/"+v+"/events", map[string]any{"type": "topic", "durable": true})
	mustAPI(t, b, "PUT", "/topic-permissions/"+v+"/"+u, map[string]any{"exchange": "events", "write": "^orders\\.", "read": ".*"})
	mustAPI(t, b, "PUT", "/queues/"+v+"/shop.orders", map[string]any{"durable": true, "arguments": map[string]any{"x-queue-type": "quorum", "x-delivery-limit": 5}})
	mustAPI(t, b, "PUT", "/queues/"+v+"/shop.audit", map[string]any{"durable": true, "arguments": map[string]any{"x-queue-type": "classic", "x-max-length": 100}})
	mustAPI(t, b, "PUT", "/queues/"+v+"/shop.log", map[string]any{"durable": true, "arguments": map[string]any{"x-queue-type": "stream"}})
	mustAPI(t, b, "POST", "/bindings/"+v+"/e/events/q/shop.orders", map[string]any{"routing_key": "orders.#"})
	mustAPI(t, b, "PUT", "/policies/"+v+"/lim", map[string]any{"pattern": "^shop\\.audit", "definition": map[string]any{"max-length": 50}, "apply-to": "queues"})
	mustAPI(t, b, "PUT", "/operator-policies/"+v+"/cap", map[string]any{"pattern": ".*", "definition": map[string]any{"max-length": 1000}, "apply-to": "queues"})
}

// The "done when": the server's own export of a cluster, and its per-vhost
// export, applied after the vhost and user are gone, converge; diff then says "no
// changes"; the user logs in with the password its exported hash stands for, and its
// topic permission is enforced.
func TestApplyServerExportsRoundTrip(t *testing.T) {
	b := brokertest.Require(t)
	vh, u := brokertest.Name("apx4"), brokertest.Name("apx4u")
	cleanupProtectedVhost(t, b, vh)
	cleanupUser(t, b, u)
	shopVhost(t, b, vh, u, "Export-pw-1")
	protected := atLeast(t, b, "4.0.6")
	if protected {
		mustAPI(t, b, "POST", "/vhosts/"+url.PathEscape(vh)+"/deletion/protection", nil)
	}
	dir := t.TempDir()
	cluster, single := filepath.Join(dir, "defs.json"), filepath.Join(dir, "vhost.json")
	require.NoError(t, os.WriteFile(cluster, mustAPI(t, b, "GET", "/definitions", nil), 0o600))
	require.NoError(t, os.WriteFile(single, mustAPI(t, b, "GET", "/definitions/"+url.PathEscape(vh), nil), 0o600))

	r := rmq(t, b, "", "diff", "-f", cluster)
	require.Equal(t, 0, r.Code, "the export matches the broker it came from: %s%s", r.Stdout, r.Stderr)
	assert.Empty(t, r.Stderr, "nothing to warn about")
	r = rmq(t, b, "", "diff", "-f", single, "-p", vh)
	require.Equal(t, 0, r.Code, "the vhost's export matches it: %s%s", r.Stdout, r.Stderr)
	assert.Empty(t, r.Stderr)

	// Wipe: the vhost (its protection first) and the user.
	api(t, b, "DELETE", "/vhosts/"+url.PathEscape(vh)+"/deletion/protection", nil)
	mustAPI(t, b, "DELETE", "/vhosts/"+url.PathEscape(vh), nil)
	mustAPI(t, b, "DELETE", "/users/"+u, nil)

	r = rmq(t, b, "", "apply", "-f", cluster)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	r = rmq(t, b, "", "diff", "-f", cluster)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "No changes: the broker matches the file.")
	v := getJSON(t, b, "/vhosts/"+url.PathEscape(vh)).(map[string]any)
	if atLeast(t, b, "3.11.0") { // 3.10's exports have no vhost metadata
		assert.Equal(t, "Online shop", v["description"])
		assert.Equal(t, []any{"prod"}, v["tags"])
		assert.Equal(t, "quorum", v["default_queue_type"])
	}
	if protected {
		assert.Equal(t, true, v["protected_from_deletion"], "the protection came back")
		code, _ := api(t, b, "DELETE", "/vhosts/"+url.PathEscape(vh), nil)
		assert.Equal(t, http.StatusPreconditionFailed, code)
	}
	require.NoError(t, publishTo(b, u, "Export-pw-1", vh, "events", "orders.new"), "the exported hash logs in")
	assert.Equal(t, 403, amqpCode(publishTo(b, u, "Export-pw-1", vh, "events", "invoices.new")), "topic permission enforced")
	q := getJSON(t, b, "/queues/"+url.PathEscape(vh)+"/shop.log").(map[string]any)
	assert.Equal(t, "stream", q["type"])

	// The per-vhost export, into the vhost emptied and made again with nothing in it.
	api(t, b, "DELETE", "/vhosts/"+url.PathEscape(vh)+"/deletion/protection", nil)
	mustAPI(t, b, "DELETE", "/vhosts/"+url.PathEscape(vh), nil)
	mustAPI(t, b, "PUT", "/vhosts/"+url.PathEscape(vh), map[string]any{})
	r = rmq(t, b, "", "apply", "-f", single, "-p", vh)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	r = rmq(t, b, "", "diff", "-f", single, "-p", vh)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "No changes: the broker matches the file.")
	assert.ElementsMatch(t, []string{"shop.orders", "shop.audit", "shop.log"}, strings.Fields(mustRmq(t, b, "-s", "list_queues", "-p", vh, "name")))
	assert.Equal(t, []any{map[string]any{"vhost": vh, "value": map[string]any{"max-queues": float64(500)}}},
		getJSON(t, b, "/vhost-limits/"+url.PathEscape(vh)))
}

// A per-vhost export applied with -p does what the server's own import of it
// (POST /api/definitions/{vh}) does: the same queues, exchanges, bindings, policies
// and limits, and the vhost's own description, tags and default queue type left
// alone. Compared side by side on two vhosts of one broker.
func TestApplyPerVhostExportAsTheServerImportsIt(t *testing.T) {
	b := brokertest.Require(t)
	src, byServer, byApply := brokertest.Name("aps"), brokertest.Name("apsi"), brokertest.Name("apsa")
	u := brokertest.Name("apsu")
	for _, v := range []string{src, byServer, byApply} {
		cleanupProtectedVhost(t, b, v)
	}
	cleanupUser(t, b, u)
	shopVhost(t, b, src, u, "Import-pw-1")
	doc := mustAPI(t, b, "GET", "/definitions/"+url.PathEscape(src), nil)
	file := filepath.Join(t.TempDir(), "vhost.json")
	require.NoError(t, os.WriteFile(file, doc, 0o600))
	for _, v := range []string{byServer, byApply} {
		mustAPI(t, b, "PUT", "/vhosts/"+url.PathEscape(v), map[string]any{"description": "target", "tags": []string{"t"}})
	}
	mustAPI(t, b, "POST", "/definitions/"+url.PathEscape(byServer), doc)
	r := rmq(t, b, "", "apply", "-f", file, "-p", byApply)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	// 4.0.5+ exports name their vhost; 3.x ones keep it in their policies' entries
	assert.Equal(t, `Warning: `+file+`: the document was exported from vhost "`+src+`"; its entries go to vhost "`+byApply+`" (-p)`+"\n", r.Stderr)

	state := func(vh string) map[string]any {
		v := url.PathEscape(vh)
		vhost := getJSON(t, b, "/vhosts/"+v).(map[string]any)
		out := map[string]any{
			"description": vhost["description"], "tags": vhost["tags"], "default_queue_type": vhost["default_queue_type"],
			"limits": getJSON(t, b, "/vhost-limits/"+v),
		}
		for _, kind := range []string{"queues", "exchanges", "bindings", "policies", "operator-policies"} {
			var rows []string
			for _, it := range getJSON(t, b, "/"+kind+"/"+v).([]any) {
				m := it.(map[string]any)
				if strings.HasPrefix(fmt.Sprint(m["name"]), "amq.") || m["source"] == "" {
					continue
				}
				delete(m, "vhost")
				rows = append(rows, fmt.Sprint(pick(m, "name", "type", "durable", "auto_delete", "arguments",
					"source", "destination", "routing_key", "pattern", "definition", "apply-to", "priority")))
			}
			sort.Strings(rows)
			out[kind] = rows
		}
		if lim, ok := out["limits"].([]any); ok && len(lim) == 1 {
			delete(lim[0].(map[string]any), "vhost")
		}
		return out
	}
	assert.Equal(t, state(byServer), state(byApply))
	assert.Equal(t, "target", state(byApply)["description"], "the document's description is not the target's")
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", file, "-p", byServer).Code, "the server's import is what the document says")
}

func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// Inline passwords in RabbitMQ's definitions format work as the server's import takes
// them: each user logs in with its own; one warning for the whole file; a second
// apply compares them with the stored hashes and writes nothing.
func TestApplyInlinePasswords(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("api")
	cleanupVhost(t, b, vh)
	var users []map[string]any
	var perms []map[string]any
	for i := 1; i <= 3; i++ {
		u := brokertest.Name(fmt.Sprintf("apiu%d", i))
		cleanupUser(t, b, u)
		users = append(users, map[string]any{"name": u, "password": fmt.Sprintf("Inline-pw-%d", i), "tags": ""})
		perms = append(perms, map[string]any{"user": u, "vhost": vh, "configure": ".*", "write": ".*", "read": ".*"})
	}
	data, err := json.Marshal(map[string]any{"vhosts": []any{map[string]any{"name": vh}}, "users": users, "permissions": perms})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "defs.json")
	require.NoError(t, os.WriteFile(file, data, 0o600))

	r := rmq(t, b, "", "apply", "-f", file)
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Equal(t, 1, strings.Count(r.Stderr, "Warning:"), r.Stderr)
	assert.Contains(t, r.Stderr, "3 users have an inline password")
	assert.NotContains(t, r.Stdout+r.Stderr, "Inline-pw-")
	for i, u := range users {
		require.NoError(t, publishAndConsume(b, u["name"].(string), fmt.Sprintf("Inline-pw-%d", i+1), vh, "hi"))
	}
	_, err = b.Dial(users[0]["name"].(string), "Inline-pw-2", vh)
	assert.Error(t, err, "each user has its own password")

	c := newCounter(t, b)
	r = applyRun(t, c.url, nil, "apply", "-f", file)
	require.Equal(t, 0, r.Code, "%s", r.Stderr)
	assert.Empty(t, writes(c.take()), "the passwords match their hashes: nothing to write")
}

// protected_from_deletion (4.0.6+): set and lifted by the file; a protected vhost is
// not pruned but reported (exit 3); before 4.0.6 the file is refused before anything
// is sent, naming the release.
func TestApplyVhostDeletionProtection(t *testing.T) {
	b := brokertest.Require(t)
	vh, other := brokertest.Name("apdp"), brokertest.Name("apdo")
	cleanupProtectedVhost(t, b, vh)
	file := func(protected bool) string {
		return writeFile(t, fmt.Sprintf("vhosts:\n  - {name: %s, description: kept, protected_from_deletion: %v}\n", vh, protected))
	}
	c := newCounter(t, b)
	if !atLeast(t, b, "4.0.6") {
		r := applyRun(t, c.url, nil, "apply", "-f", file(true))
		assert.Equal(t, 65, r.Code)
		assert.Regexp(t, `:2: vhost "`+vh+`": protected_from_deletion: RabbitMQ 4.0.6 and later protect vhosts from deletion; `+
			`the broker runs `+b.Version+`\n$`, r.Stderr)
		assert.Empty(t, writes(c.take()), "nothing sent")
		r = applyRun(t, c.url, nil, "apply", "-f", file(false))
		require.Equal(t, 0, r.Code, "false is what every release has: %s", r.Stderr)
		return
	}
	r := applyRun(t, c.url, nil, "apply", "-f", file(true))
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, writes(c.take()), "POST /api/vhosts/"+vh+"/deletion/protection")
	code, _ := api(t, b, "DELETE", "/vhosts/"+vh, nil)
	assert.Equal(t, http.StatusPreconditionFailed, code, "the broker refuses to delete it")
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", file(true)).Code)

	// --prune of a file without it: reported, not tried.
	cleanupVhost(t, b, other)
	pruneFile := writeFile(t, "vhosts:\n  - {name: /}\n  - {name: "+other+"}\n")
	r = rmq(t, b, "", "diff", "-f", pruneFile, "--prune")
	assert.Contains(t, r.Stdout, "conflict\tvhost\t\t"+vh+"\t(protected from deletion, so not pruned")
	assert.NotContains(t, r.Stdout, "delete\tvhost\t\t"+vh)

	// Lifted by the file; the description stays as it was.
	r = applyRun(t, c.url, nil, "apply", "-f", file(false))
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Equal(t, []string{"DELETE /api/vhosts/" + vh + "/deletion/protection"}, writes(c.take()))
	v := getJSON(t, b, "/vhosts/"+vh).(map[string]any)
	assert.Equal(t, false, v["protected_from_deletion"])
	assert.Equal(t, "kept", v["description"])
}

// A vhost's default queue type: changed in place where the broker can (3.11.17+),
// a conflict left as it is on 3.10. A write for something else sends back what the
// file leaves out: on 4.1.1+ a PUT without the type would reset it to classic.
func TestApplyVhostDefaultQueueType(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("apq")
	cleanupVhost(t, b, vh)
	mustAPI(t, b, "PUT", "/vhosts/"+vh, map[string]any{"description": "desc", "tags": []string{"a", "b"},
		"default_queue_type": "quorum", "defaultqueuetype": "quorum"})
	mustAPI(t, b, "PUT", "/permissions/"+vh+"/guest", map[string]any{"configure": ".*", "write": ".*", "read": ".*"})

	// tracing only: the PUT carries description, tags and the type as they are
	r := rmq(t, b, "", "apply", "-f", writeFile(t, "vhosts:\n  - {name: "+vh+", tracing: true}\n"))
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	v := getJSON(t, b, "/vhosts/"+vh).(map[string]any)
	assert.Equal(t, true, v["tracing"])
	assert.Equal(t, "desc", v["description"])
	assert.ElementsMatch(t, []any{"a", "b"}, v["tags"])
	assert.Equal(t, "quorum", v["default_queue_type"])

	file := writeFile(t, "vhosts:\n  - {name: "+vh+", default_queue_type: stream}\n")
	r = rmq(t, b, "", "apply", "-f", file)
	if !atLeast(t, b, "3.11.17") {
		assert.Equal(t, 3, r.Code, "%s%s", r.Stdout, r.Stderr)
		assert.Contains(t, r.Stdout, "conflict\tvhost\t\t"+vh+"\tdefault_queue_type: quorum → stream; (a vhost's default queue type cannot change once it exists before RabbitMQ 3.11.17)\tleft as it is\n")
		assert.Equal(t, "quorum", getJSON(t, b, "/vhosts/"+vh).(map[string]any)["default_queue_type"])
		return
	}
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "update\tvhost\t\t"+vh+"\tdefault_queue_type: quorum → stream\tdone\n")
	v = getJSON(t, b, "/vhosts/"+vh).(map[string]any)
	assert.Equal(t, "stream", v["default_queue_type"])
	assert.Equal(t, "desc", v["description"])
	// for real: a queue declared over AMQP without a type is now a stream
	conn, ch, err := confirmChannel(b, "guest", "guest", vh)
	require.NoError(t, err)
	defer conn.Close()
	_, err = ch.QueueDeclare("typed-by-vhost", true, false, false, false, nil)
	require.NoError(t, err)
	assert.Equal(t, "stream", getJSON(t, b, "/queues/"+vh+"/typed-by-vhost").(map[string]any)["type"])
	assert.Equal(t, 0, rmq(t, b, "", "diff", "-f", file).Code)
}

// Since 4.3.2 the broker refuses a topic permission on an exchange that does not
// exist: apply finds that before sending anything, where the release checks it.
func TestApplyTopicPermissionNeedsItsExchange(t *testing.T) {
	b := brokertest.Require(t)
	vh, u := brokertest.Name("apt"), brokertest.Name("aptu")
	cleanupVhost(t, b, vh)
	cleanupUser(t, b, u)
	file := writeFile(t, fmt.Sprintf(`vhosts: [{name: %s}]
users: [{name: %s}]
topic_permissions:
  - {user: %s, vhost: %s, exchange: nowhere, write: ".*", read: ".*"}
  - {user: %s, vhost: %s, exchange: amq.topic, write: ".*", read: ".*"}
`, vh, u, u, vh, u, vh))
	c := newCounter(t, b)
	r := applyRun(t, c.url, nil, "apply", "-f", file)
	if !atLeast(t, b, "4.3.2") {
		require.Equal(t, 0, r.Code, "older releases take it: %s%s", r.Stdout, r.Stderr)
		return
	}
	assert.Equal(t, 65, r.Code)
	assert.Equal(t, file+`:4: topic_permission "`+u+` on nowhere" in vhost "`+vh+`": exchange "nowhere" is neither declared nor `+
		"on the broker (RabbitMQ 4.3.2 and later refuse topic permissions on an exchange that does not exist)\n", r.Stderr)
	assert.Empty(t, writes(c.take()))
}

// apply reads what the file declares: the vhosts it names, the kinds it has, each
// list asking for its columns only; another vhost's queues are never read.
func TestApplyReadsOnlyWhatTheFileDeclares(t *testing.T) {
	b := brokertest.Require(t)
	vh, other := brokertest.Name("apr"), brokertest.Name("apro")
	cleanupVhost(t, b, vh)
	cleanupVhost(t, b, other)
	mustRmq(t, b, "add_vhost", other)
	mustRmq(t, b, "declare_queue", "-p", other, "elsewhere")
	queues := fmt.Sprintf("queues:\n  - {vhost: %s, name: q1}\n  - {vhost: %s, name: q2}\n", vh, vh)
	c := newCounter(t, b)
	r := applyRun(t, c.url, nil, "apply", "-f", writeFile(t, "vhosts: [{name: "+vh+"}]\n"+queues))
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Equal(t, []string{"GET /api/vhosts"}, reads(c.take()), "the vhost is new: nothing in it to read")
	// (no vhosts section from here on: --prune would delete every other vhost)
	file := writeFile(t, queues)
	for _, prune := range []bool{false, true} {
		args := []string{"apply", "-f", file}
		if prune {
			args = append(args, "--prune")
		}
		r = applyRun(t, c.url, nil, args...)
		require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
		reqs := c.take()
		assert.Empty(t, writes(reqs))
		assert.ElementsMatch(t, []string{"GET /api/vhosts", "GET /api/queues/" + vh}, reads(reqs), "prune %v", prune)
	}
	assert.Equal(t, "elsewhere\n", mustRmq(t, b, "-s", "list_queues", "-p", other, "name"), "the other vhost is out of scope")
}

func reads(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		if strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

// Objects refused for one reason are one line on stderr, with the count and the
// first names; each row still names its object.
func TestApplyReportsOneCauseOnceOnARealBroker(t *testing.T) {
	b := brokertest.Require(t)
	vh := brokertest.Name("apf")
	cleanupVhost(t, b, vh)
	var text strings.Builder
	fmt.Fprintf(&text, "vhosts: [{name: %s}]\nexchanges:\n", vh)
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&text, "  - {vhost: %s, name: x%d, type: no-such-type}\n", vh, i)
	}
	r := rmq(t, b, "", "apply", "-f", writeFile(t, text.String()), "-q")
	assert.Equal(t, 70, r.Code)
	assert.Regexp(t, `^Error: 5 of 6 changes failed: 5 exchanges \("x\d", "x\d", "x\d" and 2 more\): [^\n]+; apply again to retry them\n$`, r.Stderr)
}
