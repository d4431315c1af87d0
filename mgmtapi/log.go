package mgmtapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// logTransport writes one line per request and per response to w. Credentials never
// reach the log: the Authorization header is replaced and JSON fields that hold
// passwords or hashes are masked in both directions.
type logTransport struct {
	next http.RoundTripper
	w    io.Writer
	mu   sync.Mutex
}

const redacted = "[redacted]"

// secretFields are JSON keys whose values are never logged.
var secretFields = map[string]bool{"password": true, "password_hash": true, "authorization": true}

// maxLoggedBody caps how much of a body is logged.
const maxLoggedBody = 4 << 10

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, maxLoggedBody+1))
			rc.Close()
		}
	}
	t.printf("> %s %s%s%s", req.Method, req.URL.String(), headerText(req.Header), bodyText(reqBody))
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.printf("< %s %s: %v (%s)", req.Method, req.URL.String(), err, elapsed)
		return nil, err
	}
	// Log the start of the body without consuming it for the caller.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody+1))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	t.printf("< %s from %s (%s)%s", resp.Status, req.URL.Host, elapsed, bodyText(head))
	return resp, nil
}

func (t *logTransport) printf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, format+"\n", args...)
}

func headerText(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Cookie") {
			scheme, _, _ := strings.Cut(v, " ")
			v = scheme + " " + redacted
		}
		fmt.Fprintf(&b, " [%s: %s]", k, v)
	}
	return b.String()
}

// bodyText renders a body for the log with secrets masked. A body that is not JSON is
// shown only by its size: it could hold anything.
func bodyText(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	if len(body) > maxLoggedBody {
		return fmt.Sprintf(" body: (more than %d bytes, not shown)", maxLoggedBody)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf(" body: (%d bytes, not JSON, not shown)", len(body))
	}
	out, _ := json.Marshal(Redact(v))
	return " body: " + string(out)
}

// Redact returns v with the values of password-like keys replaced, at any depth.
func Redact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			if secretFields[strings.ToLower(k)] {
				m[k] = redacted
			} else {
				m[k] = Redact(val)
			}
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, val := range t {
			s[i] = Redact(val)
		}
		return s
	case string:
		return RedactURL(t) // e.g. a federation upstream's amqp://user:pw@host
	default:
		return v
	}
}
