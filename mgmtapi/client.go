// Package mgmtapi is a typed client for RabbitMQ's management HTTP API.
//
// Every method takes a context first, percent-encodes every path segment and returns
// typed errors (*APIError for HTTP error answers, *TransportError when no answer came).
// The package never prints and never reads flags or the environment: the caller hands
// it a Config.
package mgmtapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"
)

// Config says where the management API is and how to authenticate.
type Config struct {
	// URLs are base URLs such as http://localhost:15672 or https://mq1:15671/prefix.
	// The API lives under <base>/api. When a base cannot be reached (refused, DNS,
	// connect timeout) the next one is tried; an HTTP answer is never retried elsewhere.
	URLs     []string
	Username string
	Password string
	// TLS configures https bases; nil means Go's defaults.
	TLS *tls.Config
	// ConnectTimeout bounds the TCP connect and TLS handshake (default 5s).
	ConnectTimeout time.Duration
	// ResponseTimeout, when set, bounds the wait for an answer's headers once the
	// request is sent (a *TransportError whose AnswerTimedOut is true).
	ResponseTimeout time.Duration
	// Log, when set, receives one line per request and response with the
	// Authorization header and password fields redacted.
	Log io.Writer
	// UserAgent is sent with every request.
	UserAgent string
	// Transport replaces the HTTP transport (tests); TLS and ConnectTimeout are then ignored.
	Transport http.RoundTripper
}

// Client talks to one broker (or cluster) through a single shared HTTP client.
type Client struct {
	rc    *resty.Client
	bases []*url.URL
	user  string
	pass  string
	log   io.Writer
	// writes, when set, lets idempotent writes be retried too (see WithWriteRetries).
	writes *RetryPolicy
}

// RetryPolicy bounds the retries of idempotent writes: Attempts tries in all, waiting
// Initial, then twice as long each time, at most Max.
type RetryPolicy struct {
	Attempts int
	Initial  time.Duration
	Max      time.Duration
	// Stop, when closed, ends the waiting between tries: the last failure is returned.
	// (A caller may want requests in flight to finish without starting new tries.)
	Stop <-chan struct{}
}

// WithWriteRetries returns a client sharing this one's connections that also retries
// idempotent writes (PUT, DELETE, and a binding's POST) after a transient failure: the
// node refusing or dropping connections (as while it restarts) or answering 503.
// Replaying such a write is harmless: a PUT declares the same thing again, a DELETE
// that already happened answers 404, and a binding that exists is kept.
func (c *Client) WithWriteRetries(p RetryPolicy) *Client {
	cp := *c
	cp.writes = &p
	return &cp
}

// New validates cfg and builds a client. No request is made.
func New(cfg Config) (*Client, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("no management API URL given")
	}
	c := &Client{user: cfg.Username, pass: cfg.Password, log: cfg.Log}
	for _, raw := range cfg.URLs {
		u, err := ParseBaseURL(raw)
		if err != nil {
			return nil, err
		}
		c.bases = append(c.bases, u)
	}
	rt := cfg.Transport
	if rt == nil {
		ct := cfg.ConnectTimeout
		if ct == 0 {
			ct = 5 * time.Second
		}
		rt = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: ct, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       cfg.TLS,
			TLSHandshakeTimeout:   ct,
			ResponseHeaderTimeout: cfg.ResponseTimeout,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     false,
		}
	}
	if cfg.Log != nil {
		rt = &logTransport{next: rt, w: cfg.Log}
	}
	rc := resty.NewWithClient(&http.Client{Transport: rt})
	rc.SetDisableWarn(true)
	rc.SetLogger(quietLogger{})
	rc.SetRetryCount(0)
	rc.SetDoNotParseResponse(true)
	rc.SetHeader("Accept", "application/json, */*;q=0.1") // some resources (queue contents) offer no JSON
	if cfg.UserAgent != "" {
		rc.SetHeader("User-Agent", cfg.UserAgent)
	}
	c.rc = rc
	return c, nil
}

// ParseBaseURL checks a management base URL (scheme http or https, a host) and strips
// a trailing slash and a trailing /api.
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("invalid management URL %q: want http[s]://host:port[/prefix]", RedactURL(raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid management URL %q: put credentials in --username/--password, not in the URL", u.Redacted())
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api")
	u.RawPath = ""
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

var userinfo = regexp.MustCompile(`(://)[^/@\s]*@`)

// RedactURL hides the credentials a URL may carry, even one that does not parse.
func RedactURL(raw string) string {
	return userinfo.ReplaceAllString(raw, "${1}[redacted]@")
}

// WithCredentials returns a client sharing this one's connections but authenticating
// as another user (authenticate_user).
func (c *Client) WithCredentials(user, pass string) *Client {
	cp := *c
	cp.user, cp.pass = user, pass
	return &cp
}

// Username is the user the client authenticates as.
func (c *Client) Username() string { return c.user }

// BaseURL is the first configured base URL, for messages.
func (c *Client) BaseURL() string { return c.bases[0].String() }

// Path joins segments into an API path, percent-encoding each one ("/" becomes %2F).
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(escapeSegment(s))
	}
	return b.String()
}

// escapeSegment is url.PathEscape plus the characters PathEscape leaves alone but that
// RabbitMQ's router or intermediaries may treat specially.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		// dot segments would be resolved away by path normalisation
		return strings.Repeat("%2E", len(s))
	}
	e := url.PathEscape(s)
	r := strings.NewReplacer(";", "%3B", ",", "%2C", "=", "%3D", "+", "%2B", "@", "%40", ":", "%3A", "&", "%26", "$", "%24")
	return r.Replace(e)
}

// request describes one API call.
type request struct {
	method  string
	path    string // from Path(), without the /api prefix
	query   url.Values
	body    any
	headers map[string]string
	// failedIs503 marks requests whose 503 is an answer (a failed health check), not a
	// transient failure to retry.
	failedIs503 bool
	// idempotent marks a POST that may be replayed (declaring a binding).
	idempotent bool
	// rawBody, when not nil, is sent as it is instead of body's JSON encoding.
	rawBody []byte
}

// replayable reports whether the request may be sent again after a failure whose
// outcome is unknown.
func (req request) replayable() bool {
	return req.method == http.MethodGet || req.method == http.MethodPut ||
		req.method == http.MethodDelete || req.idempotent
}

// readRetries is how many times an idempotent read is retried after a transient
// failure (503, connection reset or closed mid-answer), waiting retryBackoff, then
// 3×, 9× as long. Writes are never replayed.
const readRetries = 3

var retryBackoff = 150 * time.Millisecond

// transient reports whether a request that failed with err may be tried again: a 503,
// or a connection broken after it was made. A write may also be retried when no node
// could be reached at all (a restarting broker refuses connections for a while). TLS
// and protocol failures are never retried: a retry cannot mend them.
func (req request) transient(err error, write bool) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusServiceUnavailable && !req.failedIs503
	}
	var te *TransportError
	if !errors.As(err, &te) || te.Timeout() || errors.Is(te.Err, context.Canceled) {
		return false
	}
	return errors.Is(te.Err, syscall.ECONNRESET) || errors.Is(te.Err, io.EOF) ||
		errors.Is(te.Err, io.ErrUnexpectedEOF) || (write && te.Unreachable())
}

// do sends req and decodes a 2xx JSON answer into out (when out is non-nil).
func (c *Client) do(ctx context.Context, req request, out any) error {
	return c.send(ctx, req, func(body io.Reader) error {
		if out == nil {
			return nil
		}
		dec := json.NewDecoder(body)
		dec.UseNumber()
		if err := dec.Decode(out); err != nil && !errors.Is(err, io.EOF) {
			return &DecodeError{Path: req.path, Err: err}
		}
		return nil
	})
}

// send performs req, trying each base URL in turn while none can be reached, and hands
// a 2xx body to read. Error answers become *APIError.
func (c *Client) send(ctx context.Context, req request, read func(io.Reader) error) error {
	// reads: readRetries more tries, waiting retryBackoff, then 3×, 9× as long
	retries, wait, factor, maxWait, write := 0, retryBackoff, time.Duration(3), time.Duration(0), false
	var stop <-chan struct{}
	switch {
	case req.method == http.MethodGet:
		retries = readRetries
	case c.writes != nil && req.replayable():
		retries, wait, factor, maxWait, write = c.writes.Attempts-1, c.writes.Initial, 2, c.writes.Max, true
		stop = c.writes.Stop
	}
	for attempt := 0; ; attempt++ {
		// A retry starts the answer over: only when nothing of it was handed on yet
		// (rows printed, a document written) may it be tried again.
		started := false
		err := c.sendOnce(ctx, req, func(body io.Reader) error {
			return read(&startTracker{r: body, started: &started})
		})
		if err == nil || attempt >= retries || started || !req.transient(err, write) {
			return err
		}
		if c.log != nil {
			fmt.Fprintf(c.log, "! %s %s failed (%v), retrying in %s\n", req.method, req.path, err, wait)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		case <-stop:
			return err
		}
		if wait *= factor; maxWait > 0 && wait > maxWait {
			wait = maxWait
		}
	}
}

// sendOnce is one attempt of send.
// ErrEmptyName means a name in a request path is empty: the API cannot address it
// (the request would mean something else, e.g. the whole list), so nothing is sent.
var ErrEmptyName = errors.New("a name cannot be an empty string")

func (c *Client) sendOnce(ctx context.Context, req request, read func(io.Reader) error) error {
	if strings.Contains(req.path, "//") || strings.HasSuffix(req.path, "/") {
		return ErrEmptyName
	}
	body := req.rawBody
	if body == nil && req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("encoding request body: %w", err)
		}
	}
	var lastErr error
	for _, base := range c.bases {
		full := base.String() + "/api" + req.path
		r := c.rc.R().SetContext(ctx).SetBasicAuth(c.user, c.pass)
		if len(req.query) > 0 {
			r.SetQueryParamsFromValues(req.query)
		}
		for k, v := range req.headers {
			r.SetHeader(k, v)
		}
		if body != nil {
			r.SetHeader("Content-Type", "application/json").SetBody(body)
		}
		resp, err := r.Execute(req.method, full)
		if err != nil {
			terr := newTransportError(req.method, full, err)
			if terr.Unreachable() && ctx.Err() == nil {
				lastErr = terr
				continue // nothing reached this node: the next one may answer
			}
			return terr
		}
		raw := resp.RawBody()
		defer raw.Close()
		if resp.StatusCode() >= 400 {
			return newAPIError(req.method, req.path, resp.StatusCode(), raw)
		}
		body := &readErrRecorder{r: raw}
		if err := read(body); err != nil {
			if ctx.Err() != nil {
				return newTransportError(req.method, full, ctx.Err())
			}
			if body.err != nil {
				// the connection broke mid-body: not the server's JSON's fault
				return newTransportError(req.method, full, body.err)
			}
			return err
		}
		return nil
	}
	return lastErr
}

// startTracker notes whether any byte of a body was read.
type startTracker struct {
	r       io.Reader
	started *bool
}

func (t *startTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		*t.started = true
	}
	return n, err
}

// readErrRecorder remembers a read error other than EOF from the response body, so a
// broken connection is told apart from a malformed answer.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (rr *readErrRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.err == nil {
		rr.err = err
	}
	return n, err
}

// stream sends a GET whose answer is a JSON array and calls fn for each element as it
// is decoded, so memory stays flat however long the list is. A paginated envelope
// ({"items": [...]}) is accepted too.
func stream[T any](ctx context.Context, c *Client, req request, fn func(T) error) error {
	return c.send(ctx, req, func(body io.Reader) error {
		dec := json.NewDecoder(body)
		dec.UseNumber()
		_, err := decodeList(dec, req.path, fn)
		return err
	})
}

type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// readAllLimited reads at most n bytes.
func readAllLimited(r io.Reader, n int64) []byte {
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, io.LimitReader(r, n))
	return buf.Bytes()
}
