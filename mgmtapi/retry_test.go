package mgmtapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() { retryBackoff = time.Millisecond } // keep the package's tests fast

func countingServer(t *testing.T, fail int, status int) (*httptest.Server, *int32) {
	var n int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if atomic.AddInt32(&n, 1) <= int32(fail) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"status":"failed","reason":"busy"}`))
			return
		}
		_, _ = w.Write([]byte(`{"name":"guest","tags":["administrator"]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestIdempotentReadsRetryTransientFailures(t *testing.T) {
	srv, n := countingServer(t, 2, http.StatusServiceUnavailable)
	c, err := New(Config{URLs: []string{srv.URL}, Username: "guest", Password: "guest"})
	require.NoError(t, err)
	w, err := c.Whoami(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "guest", w.Name)
	assert.Equal(t, int32(3), atomic.LoadInt32(n), "two 503s, then the answer")
}

func TestRetriesAreBounded(t *testing.T) {
	srv, n := countingServer(t, 100, http.StatusServiceUnavailable)
	c, _ := New(Config{URLs: []string{srv.URL}})
	_, err := c.Whoami(context.Background())
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.Status)
	assert.Equal(t, int32(readRetries+1), atomic.LoadInt32(n))
}

func TestWritesAndHealthChecksAreNotRetried(t *testing.T) {
	srv, n := countingServer(t, 100, http.StatusServiceUnavailable)
	c, _ := New(Config{URLs: []string{srv.URL}})
	err := c.PutUser(context.Background(), "u", UserSettings{})
	require.Error(t, err)
	assert.Equal(t, int32(1), atomic.LoadInt32(n), "a PUT is never replayed")

	ok, body, err := c.HealthCheck(context.Background(), "alarms")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "busy", body.Get("reason"))
	assert.Equal(t, int32(2), atomic.LoadInt32(n), "a failed health check is an answer, not retried")
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	srv, n := countingServer(t, 100, http.StatusNotFound)
	c, _ := New(Config{URLs: []string{srv.URL}})
	_, err := c.GetUser(context.Background(), "x")
	assert.True(t, IsNotFound(err))
	assert.Equal(t, int32(1), atomic.LoadInt32(n))
}

// A read that broke after part of the answer was handed on is not retried: the rows
// already printed would come twice.
func TestNoRetryAfterPartOfTheAnswer(t *testing.T) {
	var n int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&n, 1)
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`[{"name":"alice","tags":[]},{"name":"bob","tags":[]},`))
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	c, _ := New(Config{URLs: []string{srv.URL}})
	var names []string
	err := c.ListUsers(context.Background(), func(u UserInfo) error { names = append(names, u.Name); return nil })
	require.Error(t, err)
	var te *TransportError
	assert.ErrorAs(t, err, &te)
	assert.Equal(t, []string{"alice", "bob"}, names, "each row once")
	assert.Equal(t, int32(1), atomic.LoadInt32(&n))
}
