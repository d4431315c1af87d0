package mgmtapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"unicode/utf8"
)

// APIError is an HTTP error answer from the management API: the status code plus the
// server's {"error": …, "reason": …} body.
type APIError struct {
	Method string
	Path   string
	Status int
	// Kind is the body's "error" field, e.g. "Object Not Found", "bad_request",
	// "not_authorized" (bad credentials) or "not_authorised" (missing tag).
	Kind string
	// Reason is the body's "reason" field, e.g. "vhost_or_user_not_found".
	Reason string
	// Body is the answer's body (at most 64 KiB), for errors that carry more, such as
	// a failed health check's details.
	Body []byte
}

func (e *APIError) Error() string {
	msg := e.Reason
	if msg == "" {
		msg = e.Kind
	}
	if msg == "" {
		msg = "no details"
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, msg)
}

func newAPIError(method, path string, status int, body io.Reader) *APIError {
	e := &APIError{Method: method, Path: path, Status: status}
	raw := readAllLimited(body, 64<<10)
	e.Body = raw
	var parsed struct {
		Error  any `json:"error"`
		Reason any `json:"reason"`
	}
	if json.Unmarshal(raw, &parsed) == nil {
		e.Kind = textOf(parsed.Error)
		e.Reason = textOf(parsed.Reason)
	} else {
		e.Reason = strings.TrimSpace(strings.ToValidUTF8(string(raw), "\uFFFD"))
		if len(e.Reason) > 200 {
			cut := 200
			for cut > 0 && !utf8.RuneStart(e.Reason[cut]) {
				cut--
			}
			e.Reason = e.Reason[:cut] + "…"
		}
	}
	return e
}

func textOf(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == 404 }

// IsUnauthorized reports whether err is a 401 answer for bad credentials ("Login failed").
func IsUnauthorized(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == 401 && e.Kind != "not_authorised"
}

// IsForbidden reports whether the credentials were accepted but the user may not do
// this: 403, or 3.x's 401 "not_authorised" (missing tag, vhost access, loopback-only).
func IsForbidden(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == 403 || (e.Status == 401 && e.Kind == "not_authorised"))
}

// IsBadRequest reports whether err is a 400 answer, optionally with the given reason.
func IsBadRequest(err error, reason string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == 400 && (reason == "" || e.Reason == reason)
}

func statusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// TransportError means no HTTP answer was received: the node could not be reached,
// the TLS handshake failed, the connection broke, or the context ended.
type TransportError struct {
	Method string
	URL    string
	Err    error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Method, e.URL, e.Cause())
}

func (e *TransportError) Unwrap() error { return e.Err }

func newTransportError(method, full string, err error) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &TransportError{Method: method, URL: full, Err: err}
}

// Timeout reports whether the context deadline (the command's timeout) ran out.
func (e *TransportError) Timeout() bool {
	return errors.Is(e.Err, context.DeadlineExceeded)
}

// AnswerTimedOut reports whether the request was sent but its answer did not begin
// within Config.ResponseTimeout.
func (e *TransportError) AnswerTimedOut() bool {
	return strings.Contains(e.Err.Error(), "timeout awaiting response headers")
}

// Unreachable reports whether nothing reached the node, so the request can safely be
// sent to another one: connection refused, unknown host, or a connect timeout.
func (e *TransportError) Unreachable() bool {
	if errors.Is(e.Err, syscall.ECONNREFUSED) || errors.Is(e.Err, syscall.EHOSTUNREACH) ||
		errors.Is(e.Err, syscall.ENETUNREACH) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(e.Err, &dnsErr) {
		return true
	}
	var op *net.OpError
	if errors.As(e.Err, &op) && op.Op == "dial" {
		return true
	}
	return false
}

// Cause describes in a few words why no answer came.
func (e *TransportError) Cause() string {
	err := e.Err
	var dnsErr *net.DNSError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var certVerify *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve host %q", dnsErr.Name)
	case errors.As(err, &unknownAuth):
		return "TLS: server certificate signed by an unknown authority (use --cacert, or --insecure to skip verification)"
	case errors.As(err, &hostErr):
		return "TLS: server certificate is not valid for this host: " + hostErr.Error()
	case errors.As(err, &certInvalid):
		if certInvalid.Reason == x509.Expired {
			return "TLS: server certificate has expired or is not yet valid"
		}
		return "TLS: server certificate is invalid: " + certInvalid.Error()
	case errors.As(err, &certVerify):
		return "TLS: server certificate verification failed: " + certVerify.Err.Error()
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS handshake failed: the server does not speak TLS on this port (try http://)"
	case tlsAlert(err) == "certificate required":
		return "TLS handshake failed: the server requires a client certificate (use --cert and --key)"
	case tlsAlert(err) != "":
		return "TLS handshake failed: the server rejected our client certificate (" + tlsAlert(err) + ")"
	case strings.Contains(err.Error(), `malformed HTTP response "\x15\x03`):
		return "the server speaks TLS on this port (try https:// or --tls)"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "connection timed out"
	}
	return err.Error()
}

// tlsAlert is the alert the server sent during the TLS handshake ("certificate
// required", "bad certificate", …), or "".
func tlsAlert(err error) string {
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return strings.TrimPrefix(alert.Error(), "tls: ")
	}
	s := err.Error()
	if i := strings.Index(s, "remote error: tls: "); i >= 0 {
		return s[i+len("remote error: tls: "):]
	}
	return ""
}

// DecodeError means a 2xx answer could not be decoded.
type DecodeError struct {
	Path string
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decoding the answer to %s: %v", e.Path, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
