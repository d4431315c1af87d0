package mgmtapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of parallel requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func logLines(t *testing.T, log string) []string {
	t.Helper()
	require.True(t, strings.HasSuffix(log, "\n"), "the log ends with a newline: %q", log)
	return strings.Split(strings.TrimSuffix(log, "\n"), "\n")
}

func loggedClient(t *testing.T, url, user, pass string) (*Client, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	c := newClient(t, []string{url}, func(cfg *Config) {
		cfg.Log = buf
		cfg.Username, cfg.Password = user, pass
	})
	return c, buf
}

func TestLogOneLinePerRequestAndResponse(t *testing.T) {
	srv, _ := newServer(t, fixtureHandler(t))
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	ctx := testCtx(t)

	_, err := c.Whoami(ctx)
	require.NoError(t, err)
	_, err = c.GetVhost(ctx, "rabbit/hole")
	require.NoError(t, err)
	require.NoError(t, c.PutUser(ctx, "bob", UserSettings{Password: strPtr("pw")}))
	_, err = c.GetUser(ctx, "nosuch")
	require.True(t, IsNotFound(err))

	lines := logLines(t, log.String())
	require.Len(t, lines, 8, "two lines for each of 4 requests:\n%s", log.String())
	for i, l := range lines {
		if i%2 == 0 {
			assert.True(t, strings.HasPrefix(l, "> "), "request line %d: %q", i, l)
		} else {
			assert.True(t, strings.HasPrefix(l, "< "), "response line %d: %q", i, l)
		}
	}
	assert.True(t, strings.HasPrefix(lines[0], "> GET "+srv.URL+"/api/whoami "), lines[0])
	assert.Contains(t, lines[1], "200 OK")
	assert.True(t, strings.HasPrefix(lines[2], "> GET "+srv.URL+"/api/vhosts/rabbit%2Fhole "), "the logged URL keeps the encoding: %s", lines[2])
	assert.True(t, strings.HasPrefix(lines[4], "> PUT "+srv.URL+"/api/users/bob "), lines[4])
	assert.Contains(t, lines[5], "204 No Content")
	assert.Contains(t, lines[7], "404 Not Found")
	assert.Contains(t, lines[7], `body: {"error":"Object Not Found","reason":"Not Found"}`)
	assert.Contains(t, lines[0], "[Accept: application/json, */*;q=0.1]")
}

func TestLogRedactsAuthorizationHeader(t *testing.T) {
	const user, pass = "admin", "hunter2-Sup3r!"
	srv, rec := newServer(t, answer(200, `{"name":"admin","tags":["administrator"]}`))
	c, log := loggedClient(t, srv.URL, user, pass)
	_, err := c.Whoami(testCtx(t))
	require.NoError(t, err)

	// The server still got the real credentials.
	assert.Equal(t, pass, rec.last(t).Pass)

	out := log.String()
	cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	assert.NotContains(t, out, cred, "the base64 credential must not be logged")
	assert.NotContains(t, out, pass, "the password must not be logged")
	assert.NotContains(t, out, "hunter2")
	assert.Contains(t, out, "[Authorization: Basic [redacted]]")

	// Other clients built with WithCredentials are redacted too.
	_, err = c.WithCredentials("alice", "0therS3cret").Whoami(testCtx(t))
	require.NoError(t, err)
	out = log.String()
	assert.NotContains(t, out, "0therS3cret")
	assert.NotContains(t, out, base64.StdEncoding.EncodeToString([]byte("alice:0therS3cret")))
}

func TestLogMasksPasswordInRequestBody(t *testing.T) {
	const secret = "Pl41n-T3xt-Secret"
	srv, rec := newServer(t, answer(201, ""))
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	require.NoError(t, c.PutUser(testCtx(t), "bob", UserSettings{Password: strPtr(secret), Tags: []string{"management"}}))

	out := log.String()
	assert.NotContains(t, out, secret)
	assert.Contains(t, out, `"password":"[redacted]"`)
	assert.Contains(t, out, `"tags":["management"]`, "the rest of the body is shown")
	// The request body was not consumed by the logger.
	assert.JSONEq(t, `{"password":"`+secret+`","tags":["management"]}`, string(rec.last(t).Body))
}

func TestLogMasksPasswordHashInRequestBody(t *testing.T) {
	const hash = "hSUh+byEhMR5PMK7Lq1n7RXb/CRKyK24qJjuTDlpB8xuQslm"
	srv, rec := newServer(t, answer(204, ""))
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	require.NoError(t, c.PutUser(testCtx(t), "bob", UserSettings{PasswordHash: strPtr(hash), HashingAlgorithm: "rabbit_password_hashing_sha256"}))
	out := log.String()
	assert.NotContains(t, out, hash)
	assert.NotContains(t, out, "hSUh")
	assert.Contains(t, out, `"password_hash":"[redacted]"`)
	assert.Contains(t, out, `"hashing_algorithm":"rabbit_password_hashing_sha256"`)
	assert.Contains(t, string(rec.last(t).Body), hash)
}

func TestLogMasksPasswordHashInResponseAndCallerGetsItIntact(t *testing.T) {
	body := fixture(t, "GET_users.json")
	var want []UserInfo
	require.NoError(t, json.Unmarshal(body, &want))
	srv, _ := newServer(t, answer(200, string(body)))
	c, log := loggedClient(t, srv.URL, "guest", "guest")

	var got []UserInfo
	require.NoError(t, c.ListUsers(testCtx(t), func(u UserInfo) error { got = append(got, u); return nil }))
	assert.Equal(t, want, got, "the caller sees the body exactly as sent")
	require.Len(t, got, 8)
	assert.Equal(t, "hSUh+byEhMR5PMK7Lq1n7RXb/CRKyK24qJjuTDlpB8xuQslm", got[0].PasswordHash)

	out := log.String()
	for _, u := range want {
		if u.PasswordHash != "" {
			assert.NotContains(t, out, u.PasswordHash, "hash of %s", u.Name)
		}
	}
	assert.Contains(t, out, `"password_hash":"[redacted]"`)
	assert.Contains(t, out, `"name":"jürgen"`, "non-secret fields are shown")
	assert.Len(t, logLines(t, out), 2)
}

func TestLogHidesNonJSONBodies(t *testing.T) {
	const text = "token=abc123-very-private plain text answer"
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(500)
		_, _ = fmt.Fprint(w, text)
	})
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	_, err := c.Overview(testCtx(t))
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, text, ae.Reason, "the error still carries the body the logger peeked at")

	out := log.String()
	assert.NotContains(t, out, "abc123")
	assert.Contains(t, out, fmt.Sprintf("(%d bytes, not JSON, not shown)", len(text)))
}

func TestLogLargeBodyIsNotShownButReachesCaller(t *testing.T) {
	const n = 20000
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeUsers(w, n, nil, nil) })
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	count := 0
	require.NoError(t, c.ListUsers(testCtx(t), func(u UserInfo) error {
		if u.Name != fmt.Sprintf("user-%05d", count) {
			return fmt.Errorf("element %d is %q", count, u.Name)
		}
		count++
		return nil
	}))
	assert.Equal(t, n, count)
	out := log.String()
	assert.Contains(t, out, "(more than 4096 bytes, not shown)")
	assert.NotContains(t, out, "user-00000")
	assert.Len(t, logLines(t, out), 2)
}

func TestLogSmallBodyAtTheLimitIsStillDeliveredWhole(t *testing.T) {
	// A body whose length straddles the logger's peek size must not lose or repeat bytes.
	for _, size := range []int{4095, 4096, 4097, 4098, 8192} {
		name := strings.Repeat("n", size-len(`{"name":"","tags":[]}`))
		body := `{"name":"` + name + `","tags":[]}`
		require.Len(t, body, size)
		srv, _ := newServer(t, answer(200, body))
		c, _ := loggedClient(t, srv.URL, "guest", "guest")
		w, err := c.Whoami(testCtx(t))
		require.NoError(t, err, "size %d", size)
		assert.Equal(t, name, w.Name, "size %d", size)
	}
}

func TestLogTransportErrorLine(t *testing.T) {
	u := closedURL(t)
	c, log := loggedClient(t, u, "guest", "s3cr3t-pw")
	_, err := c.Whoami(testCtx(t))
	require.Error(t, err)
	lines := logLines(t, log.String())
	require.Len(t, lines, 2)
	assert.True(t, strings.HasPrefix(lines[1], "< GET "+u+"/api/whoami: "), lines[1])
	assert.Contains(t, lines[1], "connection refused")
	assert.NotContains(t, log.String(), "s3cr3t-pw")
}

func TestLogLinesStayWholeUnderConcurrency(t *testing.T) {
	srv, _ := newServer(t, answer(200, `{"name":"guest","tags":["administrator"]}`))
	c, log := loggedClient(t, srv.URL, "guest", "guest")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Whoami(context.Background())
		}()
	}
	wg.Wait()
	lines := logLines(t, log.String())
	require.Len(t, lines, 40)
	req, resp := 0, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "> GET "+srv.URL+"/api/whoami "):
			req++
		case strings.HasPrefix(l, "< 200 OK from "):
			resp++
		default:
			t.Errorf("mangled log line %q", l)
		}
	}
	assert.Equal(t, 20, req)
	assert.Equal(t, 20, resp)
}

func TestNoLogWhenConfigLogIsNil(t *testing.T) {
	srv, _ := newServer(t, answer(200, `{}`))
	c := newClient(t, []string{srv.URL}, nil)
	_, ok := c.rc.GetClient().Transport.(*logTransport)
	assert.False(t, ok, "no logging transport without Config.Log")
	c2, _ := loggedClient(t, srv.URL, "guest", "guest")
	_, ok = c2.rc.GetClient().Transport.(*logTransport)
	assert.True(t, ok)
}

func TestRedactAtAnyDepth(t *testing.T) {
	var defs any
	require.NoError(t, json.Unmarshal([]byte(`{
		"users":[{"name":"a","password_hash":"H1","tags":[]},{"name":"b","password":"P2"}],
		"nested":{"deeper":{"password":"P3","keep":"k"}},
		"password":{"even":"objects"},
		"list":["password","password_hash"],
		"Password":"case-differs"
	}`), &defs))
	red := Redact(defs)
	out, err := json.Marshal(red)
	require.NoError(t, err)
	s := string(out)
	for _, secret := range []string{"H1", "P2", "P3", "objects"} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, s, `"keep":"k"`)
	assert.Contains(t, s, `"list":["password","password_hash"]`, "values that merely look like keys stay")
	assert.Contains(t, s, `"name":"a"`)

	// The input is not modified.
	orig, _ := json.Marshal(defs)
	assert.Contains(t, string(orig), `"password_hash":"H1"`)

	assert.Equal(t, "x", Redact("x"))
	assert.Nil(t, Redact(nil))
}
