package cmd

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of close_connection, close_all_connections and close_all_user_connections.

// connHeaders is an HTTP transport that records each request's headers (fakeAPI does
// not) and can react to an answer (after) before the command sees it.
type connHeaders struct {
	mu    sync.Mutex
	reqs  []connHeaderReq
	after func(method, uri string, status int)
}

type connHeaderReq struct {
	Method, URI string
	Header      http.Header
}

func (c *connHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, connHeaderReq{r.Method, r.URL.RequestURI(), r.Header.Clone()})
	c.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && c.after != nil {
		c.after(r.Method, r.URL.RequestURI(), resp.StatusCode)
	}
	return resp, err
}

func (c *connHeaders) sent(method string) []connHeaderReq {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []connHeaderReq
	for _, r := range c.reqs {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// runVia runs rmqctl against the fake through the recording transport.
func (f *fakeAPI) runVia(t *testing.T, rt http.RoundTripper, args ...string) result {
	t.Helper()
	env := map[string]string{"RMQCTL_URL": f.srv.URL, "HOME": t.TempDir()}
	ios, _, out, errOut := output.Test()
	fac := &Factory{IO: ios, Version: Version, Transport: rt,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok && v != "" }}
	code := fac.Run(context.Background(), args)
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

const (
	connName    = "127.0.0.1:49340 -> 127.0.0.1:45325"
	connPath    = "/api/connections/127.0.0.1%3A49340%20-%3E%20127.0.0.1%3A45325"
	trackedList = "/api/connections?columns=name&disable_stats=true"
)

// --- close_connection ------------------------------------------------------------

func TestCloseConnectionSendsReasonAndEncodedName(t *testing.T) {
	api := newFakeAPI(t).on("DELETE "+connPath, 204, "")
	rec := &connHeaders{}
	r := api.runVia(t, rec, "close_connection", connName, "go away")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing connection 127.0.0.1:49340 -> 127.0.0.1:45325, reason: go away...\n", r.stdout)
	assert.Empty(t, r.stderr)
	dels := rec.sent("DELETE")
	require.Len(t, dels, 1)
	assert.Equal(t, connPath, dels[0].URI, "every reserved character percent-encoded")
	assert.Equal(t, "go away", dels[0].Header.Get("X-Reason"))
	assert.Len(t, api.requests(), 1, "a 2xx needs no check of the list")
}

func TestCloseConnectionWithoutReasonSendsNoHeader(t *testing.T) {
	api := newFakeAPI(t).on("DELETE "+connPath, 204, "")
	rec := &connHeaders{}
	r := api.runVia(t, rec, "close_connection", connName)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing connection 127.0.0.1:49340 -> 127.0.0.1:45325, reason: ...\n", r.stdout)
	dels := rec.sent("DELETE")
	require.Len(t, dels, 1)
	_, has := dels[0].Header["X-Reason"]
	assert.False(t, has)

	r = api.run(t, nil, "", "close_connection", connName, "x", "--formatter", "json", "-n", "rabbit@localhost")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"node":"rabbit@localhost","result":"ok"}`+"\n", r.stdout)
}

func TestCloseConnectionRetriesWhileTheConnectionIsStillListed(t *testing.T) {
	// The statistics database does not know the connection yet (404), but connection
	// tracking lists it: the DELETE is retried until it succeeds.
	api := newFakeAPI(t).
		on("DELETE "+connPath, 404, notFound).
		on("GET "+trackedList, 200, `[{"name":"127.0.0.1:49348 -> 127.0.0.1:45325"},{"name":"`+connName+`"}]`)
	rec := &connHeaders{}
	rec.after = func(method, uri string, status int) {
		if method == "DELETE" && status == 404 {
			api.on("DELETE "+connPath, 204, "") // known to the statistics by the next try
		}
	}
	start := time.Now()
	r := api.runVia(t, rec, "close_connection", connName, "retry me")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Less(t, time.Since(start), 5*time.Second)
	var seq []string
	for _, q := range api.requests() {
		seq = append(seq, q.Method+" "+q.URI)
	}
	assert.Equal(t, []string{"DELETE " + connPath, "GET " + trackedList, "DELETE " + connPath}, seq)
	for _, d := range rec.sent("DELETE") {
		assert.Equal(t, "retry me", d.Header.Get("X-Reason"), "every try carries the reason")
	}
}

func TestCloseConnectionGoneIsSuccess(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/connections/127.0.0.1%3A44326%20-%3E%20127.0.0.1%3A45325", 404,
			fixture(t, "DELETE_connections_127.0.0.1%3A44326%20-%3E%20127.0.0.1%3A45325.already-closed.404.json")).
		on("GET "+trackedList, 200, `[{"name":"`+connName+`"}]`)
	r := api.run(t, nil, "", "close_connection", "127.0.0.1:44326 -> 127.0.0.1:45325", "again")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing connection 127.0.0.1:44326 -> 127.0.0.1:45325, reason: again...\n", r.stdout)
	assert.Empty(t, r.stderr)
	assert.Len(t, ltRequests(api, "DELETE", "/"), 1, "not listed: no retry")
	gets := ltRequests(api, "GET", "/")
	require.Len(t, gets, 1)
	assert.Equal(t, trackedList, gets[0].URI, "the tracking list, names only, without statistics")

	// a client-provided name is not a connection name: a 404, not listed, success as in rabbitmqctl
	api = newFakeAPI(t).
		on("DELETE /api/connections/traffic-1", 404, fixture(t, "DELETE_connections_traffic-1.user-provided-name.404.json")).
		on("GET "+trackedList, 200, "[]")
	r = api.run(t, nil, "", "close_connection", "traffic-1", "bye")
	assert.Equal(t, 0, r.code, r.stderr)
}

func TestCloseConnectionArguments(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "close_connection")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): not enough arguments.", firstLine(r.stderr))
	r = api.run(t, nil, "", "close_connection", "a", "b", "c")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, api.requests())
}

// --- close_all_connections -------------------------------------------------------

const allConnsList = "/api/connections?columns=name%2Cnode%2Cvhost&disable_stats=true"

func closeAllAPI(t *testing.T) *fakeAPI {
	return newFakeAPI(t).
		on("GET "+allConnsList, 200, `[{"name":"c1","node":"rabbit@n1","vhost":"/"},`+
			`{"name":"c2","node":"rabbit@n2","vhost":"other"},{"name":"c3","node":"rabbit@n2","vhost":"/"}]`).
		on("DELETE /api/connections/c1", 204, "").
		on("DELETE /api/connections/c2", 204, "").
		on("DELETE /api/connections/c3", 204, "")
}

func closedNames(api *fakeAPI) []string {
	var out []string
	for _, r := range ltRequests(api, "DELETE", "/api/connections/") {
		out = append(out, strings.TrimPrefix(r.URI, "/api/connections/"))
	}
	return out
}

func TestCloseAllConnectionsOfTheVhost(t *testing.T) {
	api := closeAllAPI(t)
	rec := &connHeaders{}
	r := api.runVia(t, rec, "close_all_connections", "no -p given")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections in vhost /, reason: no -p given...\nClosed 2 connections\n", r.stdout)
	assert.Equal(t, []string{"c1", "c3"}, closedNames(api))
	gets := ltRequests(api, "GET", "/")
	require.Len(t, gets, 1)
	assert.Equal(t, allConnsList, gets[0].URI, "the cluster-wide tracking list, filtered by vhost here")
	for _, d := range rec.sent("DELETE") {
		assert.Equal(t, "no -p given", d.Header.Get("X-Reason"))
	}

	api = closeAllAPI(t)
	r = api.run(t, nil, "", "close_all_connections", "-p", "other", "bye")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections in vhost other, reason: bye...\nClosed 1 connections\n", r.stdout)
	assert.Equal(t, []string{"c2"}, closedNames(api))
}

func TestCloseAllConnectionsGlobalUsesTheNodeFromOverview(t *testing.T) {
	api := closeAllAPI(t).on("GET /api/overview", 200, `{"node":"rabbit@n2"}`)
	r := api.run(t, nil, "", "close_all_connections", "--global", "-p", "/", "global close")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections to node rabbit@n2 (across all vhosts), reason: global close...\nClosed 2 connections\n", r.stdout)
	assert.Equal(t, []string{"c2", "c3"}, closedNames(api), "every vhost, this node only")
}

func TestCloseAllConnectionsLimit(t *testing.T) {
	api := closeAllAPI(t)
	r := api.run(t, nil, "", "close_all_connections", "--limit", "1", "limit one")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing 1 connections in vhost /, reason: limit one...\nClosed 1 connections\n", r.stdout)
	assert.Equal(t, []string{"c1"}, closedNames(api))

	api = closeAllAPI(t)
	r = api.run(t, nil, "", "close_all_connections", "--limit", "5", "limit five")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing 5 connections in vhost /, reason: limit five...\nClosed 2 connections\n", r.stdout)

	api = closeAllAPI(t)
	r = api.run(t, nil, "", "close_all_connections", "--limit", "0", "limit zero")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections in vhost /, reason: limit zero...\nClosed 2 connections\n", r.stdout)

	r = api.run(t, nil, "", "close_all_connections", "--limit", "-1", "x")
	assert.Equal(t, 65, r.code)
}

func TestCloseAllConnectionsOutputs(t *testing.T) {
	api := closeAllAPI(t)
	r := api.run(t, nil, "", "close_all_connections", "bye", "--formatter", "json", "-n", "rabbit@localhost")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"node":"rabbit@localhost","result":"ok","value":"Closed 2 connections"}`+"\n", r.stdout)

	api = closeAllAPI(t)
	r = api.run(t, nil, "", "close_all_connections", "-p", "empty", "nothing here")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections in vhost empty, reason: nothing here...\nClosed 0 connections\n", r.stdout)
	assert.Empty(t, closedNames(api))

	r = api.run(t, nil, "", "close_all_connections", "-q", "-p", "empty", "quiet")
	assert.Equal(t, "Closed 0 connections\n", r.stdout)
}

func TestCloseAllConnectionsSkipsOnesAlreadyGone(t *testing.T) {
	api := closeAllAPI(t).
		on("DELETE /api/connections/c1", 404, notFound).
		on("GET "+trackedList, 200, `[{"name":"c3"}]`)
	r := api.run(t, nil, "", "close_all_connections", "bye")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing all connections in vhost /, reason: bye...\nClosed 1 connections\n", r.stdout,
		"a connection closed meanwhile is not counted")
}

func TestCloseAllConnectionsArguments(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "close_all_connections")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): not enough arguments.", firstLine(r.stderr))
	r = api.run(t, nil, "", "close_all_connections", "two", "args")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): too many arguments.", firstLine(r.stderr))
	assert.Empty(t, api.requests())
}

// --- close_all_user_connections --------------------------------------------------

func TestCloseAllUserConnections(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/connections/username/guest", 204, "").
		on("DELETE /api/connections/username/j%C3%BCrgen", 204, "")
	rec := &connHeaders{}
	r := api.runVia(t, rec, "close_all_user_connections", "guest", "user close")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Closing connections of user guest, reason: user close...\n", r.stdout)
	dels := rec.sent("DELETE")
	require.Len(t, dels, 1)
	assert.Equal(t, "/api/connections/username/guest", dels[0].URI)
	assert.Equal(t, "user close", dels[0].Header.Get("X-Reason"))

	r = api.run(t, nil, "", "close_all_user_connections", "jürgen", "bye")
	require.Equal(t, 0, r.code, r.stderr)
	_, ok := api.find("DELETE", "/api/connections/username/j%C3%BCrgen")
	assert.True(t, ok)

	r = api.run(t, nil, "", "close_all_user_connections", "guest", "x", "--formatter", "json", "-n", "rabbit@localhost")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"node":"rabbit@localhost","result":"ok"}`+"\n", r.stdout)

	before := len(api.requests())
	r = api.run(t, nil, "", "close_all_user_connections", "guest")
	assert.Equal(t, 64, r.code)
	assert.Len(t, api.requests(), before)
}
