package mgmtapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
)

// Request is one API call described as data, for command sets that know resources
// only through a table (rabbitmqadmin v1's verbs × object types) rather than through
// a typed method. The path's segments are percent-encoded like every other path.
type Request struct {
	Method   string
	Segments []string
	Query    url.Values
	// Body, when not nil, is sent as it is with Content-Type application/json.
	Body []byte
}

// Send performs r and hands a 2xx answer's body to read (nil: the body is dropped).
// Error answers are *APIError, no answer a *TransportError; GETs are retried after a
// transient failure as every read is.
func (c *Client) Send(ctx context.Context, r Request, read func(io.Reader) error) error {
	req := request{method: r.Method, path: Path(r.Segments...), query: r.Query, rawBody: r.Body}
	if read == nil {
		read = func(io.Reader) error { return nil }
	}
	if req.method == "" {
		req.method = http.MethodGet
	}
	return c.send(ctx, req, read)
}

// ParseJSON parses one JSON value, objects as *Object with their key order kept,
// numbers as json.Number.
func ParseJSON(b []byte) (any, error) {
	if !json.Valid(b) {
		return nil, errSyntax
	}
	return parseValue(b)
}
