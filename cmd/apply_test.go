package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// liveBroker answers the reads of a plan: vhost "/", user "app" (password "pw",
// hash recorded from 3.10.8) and nothing else.
func liveBroker(t *testing.T) *fakeAPI {
	f := newFakeAPI(t)
	f.on("GET /api/vhosts", 200, `[{"name":"/","description":"Default virtual host","tags":[],"default_queue_type":"undefined","tracing":false}]`)
	f.on("GET /api/vhost-limits", 200, `[]`)
	f.on("GET /api/users", 200, `[{"name":"app","password_hash":"lQ+Dm87kvetSRHo7vNxIsmaX2i7lFBlq3ZYTnruVnODH5+I1","hashing_algorithm":"rabbit_password_hashing_sha256","tags":[],"limits":{}}]`)
	f.on("GET /api/queues", 200, `[]`)
	f.on("GET /api/exchanges", 200, `[{"name":"amq.direct","vhost":"/","type":"direct","durable":true,"auto_delete":false,"internal":false,"arguments":{}}]`)
	f.on("GET /api/bindings", 200, `[]`)
	return f
}

func desiredFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "broker.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// The requests apply sends: a user PUT that keeps the stored hash when only the tags
// change (a PUT without one would clear the password), a queue PUT carrying the type
// as x-queue-type, a binding POST; reads ask only for the columns they compare.
func TestApplyRequestShaping(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/users/app", 204, "")
	f.on("PUT /api/queues/%2F/jobs", 201, "")
	f.on("POST /api/bindings/%2F/e/amq.direct/q/jobs", 201, "")
	file := desiredFile(t, `users:
  - {name: app, password_env: PW, tags: [monitoring]}
queues:
  - {name: jobs, type: quorum, arguments: {x-max-length: 10}}
bindings:
  - {source: amq.direct, destination: jobs, routing_key: k}
`)
	r := f.run(t, map[string]string{"PW": "pw"}, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	u, ok := f.find("PUT", "/api/users/app")
	require.True(t, ok)
	assert.JSONEq(t, `{"password_hash":"lQ+Dm87kvetSRHo7vNxIsmaX2i7lFBlq3ZYTnruVnODH5+I1","hashing_algorithm":"rabbit_password_hashing_sha256","tags":["monitoring"]}`, u.Body)
	q, ok := f.find("PUT", "/api/queues/%2F/jobs")
	require.True(t, ok)
	assert.JSONEq(t, `{"durable":true,"auto_delete":false,"arguments":{"x-max-length":10,"x-queue-type":"quorum"}}`, q.Body)
	bd, ok := f.find("POST", "/api/bindings/%2F/e/amq.direct/q/jobs")
	require.True(t, ok)
	assert.JSONEq(t, `{"routing_key":"k","arguments":{}}`, bd.Body)
	var order []string
	for _, req := range f.requests() {
		if req.Method != "GET" {
			order = append(order, req.Method+" "+req.URI)
		} else if strings.HasPrefix(req.URI, "/api/queues") {
			assert.Equal(t, "/api/queues?columns=name%2Cvhost%2Ctype%2Cdurable%2Cauto_delete%2Cexclusive%2Carguments&disable_stats=true&sort=", req.URI)
		}
	}
	assert.Equal(t, []string{"PUT /api/users/app", "PUT /api/queues/%2F/jobs", "POST /api/bindings/%2F/e/amq.direct/q/jobs"}, order,
		"users, then queues, then bindings")
}

// A changed password is sent as a password (the server hashes it); the output never
// shows it.
func TestApplySendsAChangedPasswordOnly(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/users/app", 204, "")
	file := desiredFile(t, "users:\n  - {name: app, password_env: PW}\n")
	r := f.run(t, map[string]string{"PW": "n3w-secret"}, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	u, _ := f.find("PUT", "/api/users/app")
	assert.JSONEq(t, `{"password":"n3w-secret","tags":[]}`, u.Body)
	assert.Contains(t, r.stdout, "update\tuser\t\tapp\tpassword: (changes)\tdone\n")
	assert.NotContains(t, r.stdout+r.stderr, "n3w-secret")
}

// One refused change does not stop the others; the exit is 70 with the reason, and
// the result column names it.
func TestApplyReportsRefusedChanges(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/queues/%2F/bad", 400, `{"error":"bad_request","reason":"invalid arg 'x-max-length' for queue 'bad'"}`)
	f.on("PUT /api/queues/%2F/good", 201, "")
	file := desiredFile(t, "queues:\n  - {name: bad, arguments: {x-max-length: -3}}\n  - {name: good}\n")
	r := f.run(t, nil, "", "apply", "-f", file, "--concurrency", "1")
	assert.Equal(t, 70, r.code)
	assert.Equal(t, "Error: 1 of 2 changes failed: queue \"bad\" in vhost \"/\": invalid arg 'x-max-length' for queue 'bad'; apply again to retry them\n", r.stderr)
	assert.Contains(t, r.stdout, "\tfailed: invalid arg 'x-max-length' for queue 'bad'\n")
	assert.Contains(t, r.stdout, "create\tqueue\t/\tgood\tdurable: true; auto_delete: false\tdone\n")
	assert.Contains(t, r.stdout, "queues\t1\t0\t0\t0\t0\t0\t1\t0\n")
}

// A 503 on a write is retried; a 400 is not.
func TestApplyRetriesTransientWrites(t *testing.T) {
	f := liveBroker(t)
	calls := 0
	f.on("PUT /api/queues/%2F/q", 503, `{"error":"unavailable"}`)
	f.onHook = func(method, uri string) {
		if method == "PUT" && uri == "/api/queues/%2F/q" {
			if calls++; calls == 3 {
				f.on("PUT /api/queues/%2F/q", 201, "")
			}
		}
	}
	file := desiredFile(t, "queues:\n  - {name: q}\n")
	r := f.run(t, nil, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 3, calls, "two 503s, then created")
}

func TestApplyJSONAndQuiet(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/queues/%2F/q", 201, "")
	file := desiredFile(t, "queues:\n  - {name: q, type: classic}\n")
	r := f.run(t, nil, "", "apply", "-f", file, "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var doc struct {
		Changes []struct {
			Action, Kind, Vhost, Name, Status string
			Line                              int
		}
		Summary     []map[string]any
		Interrupted bool
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.Len(t, doc.Changes, 1)
	assert.Equal(t, "create", doc.Changes[0].Action)
	assert.Equal(t, "queue", doc.Changes[0].Kind)
	assert.Equal(t, "/", doc.Changes[0].Vhost)
	assert.Equal(t, "done", doc.Changes[0].Status)
	assert.Equal(t, 2, doc.Changes[0].Line)
	assert.Equal(t, []map[string]any{{"kind": "queues", "created": 1.0, "updated": 0.0, "deleted": 0.0, "recreated": 0.0,
		"conflicts": 0.0, "unchanged": 0.0, "failed": 0.0, "not_started": 0.0}}, doc.Summary)

	r = f.run(t, nil, "", "apply", "-f", file, "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "kind\tcreated\tupdated\tdeleted\trecreated\tunchanged\tconflicts\tfailed\tnot_started\nqueues\t1\t0\t0\t0\t0\t0\t0\t0\n", r.stdout)
	r = f.run(t, nil, "", "apply", "-f", file, "-s")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
}

// On a terminal, stderr shows a progress line, cleared at the end.
func TestApplyProgressOnTerminal(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/queues/%2F/q", 201, "")
	file := desiredFile(t, "queues:\n  - {name: q}\n")
	ios, _, out, errOut := output.Test()
	ios.SetStderrTTY(true)
	env := map[string]string{"RMQCTL_URL": f.srv.URL, "HOME": t.TempDir()}
	code := Main(context.Background(), []string{"apply", "-f", file, "-q"}, ios, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "\rApplying changes: 1/1\r\x1b[K", errOut.String())
	assert.NotContains(t, out.String(), "Applying changes")

	r := f.run(t, nil, "", "apply", "-f", file, "-q")
	assert.Empty(t, r.stderr, "no progress when stderr is not a terminal")
}

func TestDiffExitCodes(t *testing.T) {
	f := liveBroker(t)
	file := desiredFile(t, "users:\n  - {name: app}\n")
	r := f.run(t, nil, "", "diff", "-f", file)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Comparing \""+file+"\" with node rabbit@127.0.0.1 ...\nNo changes: the broker matches the file.\n", r.stdout)

	r = f.run(t, nil, "", "diff", "-f", desiredFile(t, "users:\n  - {name: app, tags: [x]}\n"), "-q")
	assert.Equal(t, 2, r.code)
	assert.Empty(t, r.stderr, "pending changes are no error")
	assert.Equal(t, "action\tkind\tvhost\tname\tchanges\nupdate\tuser\t\tapp\ttags: [] → [\"x\"]\n", r.stdout)

	r = f.run(t, nil, "", "diff")
	assert.Equal(t, 64, r.code)
	r = f.run(t, nil, "", "apply", "-f", "x.yaml", "--concurrency", "0")
	assert.Equal(t, 65, r.code)
	assert.Contains(t, r.stderr, "--concurrency must be at least 1")
}

// The user rmqctl runs as comes last, its permissions just before it: once its
// password changes, no further request could authenticate.
func TestApplyChangesTheRunningUserLast(t *testing.T) {
	f := liveBroker(t)
	f.on("GET /api/users", 200, `[{"name":"guest","password_hash":"lQ+Dm87kvetSRHo7vNxIsmaX2i7lFBlq3ZYTnruVnODH5+I1","hashing_algorithm":"rabbit_password_hashing_sha256","tags":["administrator"],"limits":{}}]`)
	f.on("GET /api/permissions", 200, `[]`)
	f.on("PUT /api/users/guest", 204, "")
	f.on("PUT /api/permissions/%2F/guest", 201, "")
	f.on("PUT /api/queues/%2F/q", 201, "")
	file := desiredFile(t, `users:
  - {name: guest, password_env: PW, tags: [administrator]}
permissions:
  - {user: guest, configure: ".*", write: ".*", read: ".*"}
queues:
  - {name: q}
`)
	for i := 0; i < 5; i++ { // the three would race if they ran in one step
		f.mu.Lock()
		f.reqs = nil
		f.mu.Unlock()
		r := f.run(t, map[string]string{"PW": "n3w"}, "", "apply", "-f", file)
		require.Equal(t, 0, r.code, r.stderr)
		var order []string
		for _, req := range f.requests() {
			if req.Method != "GET" {
				order = append(order, req.Method+" "+req.URI)
			}
		}
		assert.Equal(t, []string{"PUT /api/queues/%2F/q", "PUT /api/permissions/%2F/guest", "PUT /api/users/guest"}, order)
	}
}

// Fifty users refused for one reason are one line: the count and the first names;
// another cause is a line of its own, naming its object.
func TestApplyReportsOneCauseOnce(t *testing.T) {
	f := liveBroker(t)
	var file strings.Builder
	file.WriteString("users:\n")
	for i := 1; i <= 50; i++ {
		name := fmt.Sprintf("u%02d", i)
		f.on("PUT /api/users/"+name, 400, `{"error":"bad_request","reason":"A user can have at most 32 tags (received 33)"}`)
		fmt.Fprintf(&file, "  - {name: %s, tags: [t]}\n", name)
	}
	f.on("PUT /api/queues/%2F/q1", 400, `{"error":"bad_request","reason":"invalid arg 'x-max-length' for queue 'q1'"}`)
	f.on("PUT /api/queues/%2F/q2", 400, `{"error":"bad_request","reason":"invalid arg 'x-max-length' for queue 'q2'"}`)
	f.on("PUT /api/queues/%2F/q3", 201, "")
	file.WriteString("queues:\n  - {name: q1, arguments: {x-max-length: -1}}\n  - {name: q2, arguments: {x-max-length: -1}}\n  - {name: q3}\n")
	r := f.run(t, nil, "", "apply", "-f", desiredFile(t, file.String()), "--concurrency", "1", "-q")
	assert.Equal(t, 70, r.code)
	assert.Equal(t, `Error: 52 of 53 changes failed; apply again to retry them:
  50 users ("u01", "u02", "u03" and 47 more): A user can have at most 32 tags (received 33)
  2 queues ("q1", "q2"): invalid arg 'x-max-length' for queue 'q1'
`, r.stderr)
}

// RabbitMQ's definitions format may carry inline passwords, as the server's import
// takes them: apply sets them, with one warning for the whole file.
func TestApplyInlinePasswordsWarnOnce(t *testing.T) {
	f := liveBroker(t)
	f.on("PUT /api/users/a", 204, "")
	f.on("PUT /api/users/b", 204, "")
	file := desiredFile(t, `{"users": [{"name": "a", "password": "Inline-A1", "tags": ""}, {"name": "b", "password": "Inline-B2", "tags": ""}]}`)
	r := f.run(t, nil, "", "apply", "-f", file, "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Warning: "+file+`: 2 users have an inline password ("a", "b"): they are used as given, `+
		"but the file holds them in clear text (password_hash, as exports give it, does not)\n", r.stderr)
	u, _ := f.find("PUT", "/api/users/b")
	assert.JSONEq(t, `{"password":"Inline-B2","tags":[]}`, u.Body)
	assert.NotContains(t, r.stdout+r.stderr, "Inline-")
	r = f.run(t, nil, "", "diff", "-f", file, "-s")
	assert.Empty(t, r.stderr, "-s silences the warning")
}

// Reads follow the file: its vhosts' lists only, none for a vhost still to be made,
// one broker-wide list when the file names every vhost; a vhost deleted between the
// reads has nothing in it.
func TestApplyReadsTheFilesVhosts(t *testing.T) {
	f := newFakeAPI(t)
	f.on("GET /api/vhosts", 200, `[{"name":"/","tags":[],"default_queue_type":"classic","tracing":false,"cluster_state":[]},
{"name":"other","tags":[],"tracing":false},{"name":"gone","tags":[],"tracing":false}]`)
	f.on("GET /api/queues/%2F", 200, `[{"name":"q","vhost":"/","type":"classic","durable":true,"auto_delete":false,"exclusive":false,"arguments":{}}]`)
	f.on("GET /api/queues/gone", 404, notFound)
	f.on("PUT /api/queues/gone/q", 201, "")
	f.on("PUT /api/vhosts/new", 201, "")
	f.on("PUT /api/queues/new/q", 201, "")
	file := desiredFile(t, "vhosts: [{name: new}]\nqueues:\n  - {name: q}\n  - {vhost: gone, name: q}\n  - {vhost: new, name: q}\n")
	r := f.run(t, nil, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	var reads []string
	for _, req := range f.requests() {
		if req.Method == "GET" {
			reads = append(reads, strings.SplitN(req.URI, "?", 2)[0])
		}
	}
	assert.ElementsMatch(t, []string{"/api/vhosts", "/api/queues/%2F", "/api/queues/gone"}, reads)

	f.mu.Lock()
	f.reqs = nil
	f.mu.Unlock()
	f.on("GET /api/queues", 200, `[]`)
	r = f.run(t, nil, "", "diff", "-f", desiredFile(t, "queues:\n  - {name: q}\n  - {vhost: other, name: q}\n  - {vhost: gone, name: q}\n"))
	assert.Equal(t, 2, r.code, r.stderr)
	reads = nil
	for _, req := range f.requests() {
		reads = append(reads, req.Method+" "+strings.SplitN(req.URI, "?", 2)[0])
	}
	assert.ElementsMatch(t, []string{"GET /api/vhosts", "GET /api/queues"}, reads, "every vhost named: one broker-wide read")
}
