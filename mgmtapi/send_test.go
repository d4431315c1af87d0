package mgmtapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSendEncodesSegmentsAndSendsTheBodyAsItIs(t *testing.T) {
	srv, rec := newServer(t, answer(201, ""))
	c := newClient(t, []string{srv.URL}, nil)
	body := []byte(`{"b": 1, "a": "<&>"}`) // not re-encoded: order, spacing and <&> kept
	err := c.Send(testCtx(t), Request{Method: http.MethodPut, Segments: []string{"queues", "/", "a b"}, Body: body}, nil)
	require.NoError(t, err)
	r := rec.last(t)
	assert.Equal(t, "/api/queues/%2F/a%20b", r.RequestURI)
	assert.Equal(t, string(body), string(r.Body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
}

func TestSendGetReadsTheBodyWithTheQuery(t *testing.T) {
	srv, rec := newServer(t, answer(200, `[{"name":"q","messages":1}]`))
	c := newClient(t, []string{srv.URL}, nil)
	var got []byte
	err := c.Send(testCtx(t), Request{Segments: []string{"queues"}, Query: url.Values{"columns": {"name,messages"}, "sort": {"name"}}},
		func(r io.Reader) (err error) { got, err = io.ReadAll(r); return err })
	require.NoError(t, err)
	assert.Equal(t, `[{"name":"q","messages":1}]`, string(got))
	r := rec.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "columns=name%2Cmessages&sort=name", r.RawQuery)
	assert.Empty(t, r.Header.Get("Content-Type"), "no body, no content type")
}

func TestSendErrorAnswerIsAPIError(t *testing.T) {
	srv, _ := newServer(t, answer(400, `{"error":"bad_request","reason":["not_base64","x"]}`))
	c := newClient(t, []string{srv.URL}, nil)
	err := c.Send(testCtx(t), Request{Method: http.MethodPut, Segments: []string{"users", "u"}, Body: []byte(`{}`)}, nil)
	var ae *APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, 400, ae.Status)
	assert.JSONEq(t, `{"error":"bad_request","reason":["not_base64","x"]}`, string(ae.Body))
}

func TestParseJSONKeepsKeyOrder(t *testing.T) {
	v, err := ParseJSON([]byte(` {"b":1,"a":[true,null,"x",2.5]} `))
	require.NoError(t, err)
	o := v.(*Object)
	assert.Equal(t, []string{"b", "a"}, o.Keys())
	assert.Equal(t, []any{true, nil, "x", json.Number("2.5")}, o.Value("a"))
	_, err = ParseJSON([]byte(`{"a":}`))
	assert.Error(t, err)
	_, err = ParseJSON([]byte(`{"a":1} x`))
	assert.Error(t, err)
}

func TestResponseTimeoutIsAnswerTimedOut(t *testing.T) {
	srv, rec := newServer(t, blockUntilDone)
	c := newClient(t, []string{srv.URL}, func(cfg *Config) { cfg.ResponseTimeout = 100 * time.Millisecond })
	err := c.Send(testCtx(t), Request{Segments: []string{"overview"}}, nil)
	var te *TransportError
	require.True(t, errors.As(err, &te), "%v", err)
	assert.True(t, te.AnswerTimedOut())
	assert.False(t, te.Unreachable())
	assert.Equal(t, 1, rec.count(), "an answer that timed out is not asked again")

	_, err = newClient(t, []string{closedURL(t)}, nil).GetOverview(testCtx(t))
	require.True(t, errors.As(err, &te), "%v", err)
	assert.False(t, te.AnswerTimedOut())
}
