package mgmtapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorCase drives one call against a server answering status with a recorded body.
type errorCase struct {
	fixture    string
	status     int
	call       func(ctx context.Context, c *Client) error
	method     string
	path       string
	kind       string
	reason     string
	notFound   bool
	unauth     bool
	forbidden  bool
	badRequest bool
}

func TestAPIErrorsFromRecordedAnswers(t *testing.T) {
	noUser := func(UserInfo) error { return nil }
	cases := []errorCase{
		{fixture: "GET_users_nosuch.404.json", status: 404,
			call:   func(ctx context.Context, c *Client) error { _, err := c.GetUser(ctx, "nosuch"); return err },
			method: "GET", path: "/users/nosuch", kind: "Object Not Found", reason: "Not Found", notFound: true},
		{fixture: "GET_vhosts_nosuch.404.json", status: 404,
			call:   func(ctx context.Context, c *Client) error { _, err := c.GetVhost(ctx, "nosuch"); return err },
			method: "GET", path: "/vhosts/nosuch", kind: "Object Not Found", reason: "Not Found", notFound: true},
		{fixture: "DELETE_vhosts_nosuch.404.json", status: 404,
			call:   func(ctx context.Context, c *Client) error { return c.DeleteVhost(ctx, "nosuch") },
			method: "DELETE", path: "/vhosts/nosuch", kind: "Object Not Found", reason: "Not Found", notFound: true},
		{fixture: "DELETE_permissions_%2F_suser.404.json", status: 404,
			call:   func(ctx context.Context, c *Client) error { return c.ClearPermissionsIn(ctx, "/", "suser") },
			method: "DELETE", path: "/permissions/%2F/suser", kind: "Object Not Found", reason: "Not Found", notFound: true},
		{fixture: "GET_vhosts_nosuch_permissions.404.json", status: 404,
			call: func(ctx context.Context, c *Client) error {
				return c.ListPermissionsIn(ctx, "nosuch", func(PermissionInfo) error { return nil })
			},
			method: "GET", path: "/vhosts/nosuch/permissions", kind: "Object Not Found", reason: "Not Found", notFound: true},
		{fixture: "PUT_permissions_nosuch_guest.400.json", status: 400,
			call: func(ctx context.Context, c *Client) error {
				return c.UpdatePermissionsIn(ctx, "nosuch", "guest", Permissions{Configure: ".*", Write: ".*", Read: ".*"})
			},
			method: "PUT", path: "/permissions/nosuch/guest", kind: "bad_request", reason: "vhost_or_user_not_found", badRequest: true},
		{fixture: "PUT_topic-permissions_nosuch_guest.400.json", status: 400,
			call: func(ctx context.Context, c *Client) error {
				return c.UpdateTopicPermissionsIn(ctx, "nosuch", "guest", TopicPermissions{Exchange: "amq.topic", Write: ".*", Read: ".*"})
			},
			method: "PUT", path: "/topic-permissions/nosuch/guest", kind: "bad_request", reason: "vhost_or_user_not_found", badRequest: true},
		{fixture: "PUT_permissions_%2F_guest.missing-field.400.json", status: 400,
			call: func(ctx context.Context, c *Client) error {
				return c.UpdatePermissionsIn(ctx, "/", "guest", Permissions{})
			},
			method: "PUT", path: "/permissions/%2F/guest", kind: "bad_request", reason: "[{key_missing,read}]", badRequest: true},
		{fixture: "PUT_users_x.invalid-json.400.json", status: 400,
			call:   func(ctx context.Context, c *Client) error { return c.PutUser(ctx, "x", UserSettings{}) },
			method: "PUT", path: "/users/x", kind: "bad_request", reason: "not_json", badRequest: true},
		{fixture: "GET_users.wrong-password.401.json", status: 401,
			call:   func(ctx context.Context, c *Client) error { return c.ListUsers(ctx, noUser) },
			method: "GET", path: "/users", kind: "not_authorized", reason: "Login failed", unauth: true},
		{fixture: "GET_users.unknown-user.401.json", status: 401,
			call:   func(ctx context.Context, c *Client) error { return c.ListUsers(ctx, noUser) },
			method: "GET", path: "/users", kind: "not_authorized", reason: "Login failed", unauth: true},
		{fixture: "GET_users.no-tags-user.401.json", status: 401,
			call:   func(ctx context.Context, c *Client) error { return c.ListUsers(ctx, noUser) },
			method: "GET", path: "/users", kind: "not_authorised", reason: "Not management user", forbidden: true},
		{fixture: "GET_whoami.no-tags-user.401.json", status: 401,
			call:   func(ctx context.Context, c *Client) error { _, err := c.Whoami(ctx); return err },
			method: "GET", path: "/whoami", kind: "not_authorised", reason: "Not management user", forbidden: true},
		{fixture: "GET_users.management-user.401.json", status: 401,
			call:   func(ctx context.Context, c *Client) error { return c.ListUsers(ctx, noUser) },
			method: "GET", path: "/users", kind: "not_authorised", reason: "Not administrator user", forbidden: true},
		{fixture: "GET_permissions.management-user.401.json", status: 401,
			call: func(ctx context.Context, c *Client) error {
				return c.ListPermissionsOf(ctx, "mgmtonly", func(PermissionInfo) error { return nil })
			},
			method: "GET", path: "/users/mgmtonly/permissions", kind: "not_authorised", reason: "Not administrator user", forbidden: true},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 401 {
					w.Header().Set("WWW-Authenticate", `Basic realm="RabbitMQ Management"`)
				}
				answer(tc.status, string(fixture(t, tc.fixture)))(w, r)
			})
			c := newClient(t, []string{srv.URL}, nil)
			err := tc.call(testCtx(t), c)
			require.Error(t, err)
			var ae *APIError
			require.True(t, errors.As(err, &ae), "want *APIError, got %T: %v", err, err)
			assert.Equal(t, tc.status, ae.Status)
			assert.Equal(t, tc.method, ae.Method)
			assert.Equal(t, tc.path, ae.Path)
			assert.Equal(t, tc.kind, ae.Kind)
			assert.Equal(t, tc.reason, ae.Reason)
			assert.Equal(t, fmt.Sprintf("%s %s: HTTP %d: %s", tc.method, tc.path, tc.status, tc.reason), err.Error())
			assert.Equal(t, tc.notFound, IsNotFound(err), "IsNotFound")
			assert.Equal(t, tc.unauth, IsUnauthorized(err), "IsUnauthorized")
			assert.Equal(t, tc.forbidden, IsForbidden(err), "IsForbidden")
			assert.Equal(t, tc.badRequest, IsBadRequest(err, ""), "IsBadRequest any reason")
			assert.Equal(t, tc.badRequest, IsBadRequest(err, tc.reason), "IsBadRequest with its reason")
			assert.False(t, IsBadRequest(err, "some_other_reason"), "IsBadRequest with another reason")
			assert.Equal(t, 1, rec.count(), "an error answer is not retried")
		})
	}
}

func TestAPIErrorReasonArrayIsKeptAsJSONText(t *testing.T) {
	for fx, want := range map[string]string{
		"PUT_permissions_%2F_guest.invalid-regex.400.json":       `["invalid_regexp",[42],[[110,111,116,104,105,110,103,32,116,111,32,114,101,112,101,97,116],0]]`,
		"PUT_topic-permissions_%2F_guest.invalid-regex.400.json": `["invalid_regexp","*",[[110,111,116,104,105,110,103,32,116,111,32,114,101,112,101,97,116],0]]`,
		"POST_users_bulk-delete.400.json":                        `["no_such_user","nosuch1"]`,
	} {
		srv, _ := newServer(t, answer(400, string(fixture(t, fx))))
		c := newClient(t, []string{srv.URL}, nil)
		err := c.UpdatePermissionsIn(testCtx(t), "/", "guest", Permissions{Configure: "*", Write: ".*", Read: ".*"})
		var ae *APIError
		require.True(t, errors.As(err, &ae), "%s: %T %v", fx, err, err)
		assert.Equal(t, "bad_request", ae.Kind, fx)
		assert.Equal(t, want, ae.Reason, fx)
		assert.True(t, IsBadRequest(err, ""), fx)
		assert.True(t, IsBadRequest(err, want), fx)
		assert.False(t, IsBadRequest(err, "invalid_regexp"), fx)
	}
}

func TestAPIError403IsForbidden(t *testing.T) {
	srv, _ := newServer(t, answer(403, `{"error":"Forbidden","reason":"loopback users only"}`))
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.Whoami(testCtx(t))
	assert.True(t, IsForbidden(err))
	assert.False(t, IsUnauthorized(err))
	assert.False(t, IsNotFound(err))
	assert.EqualError(t, err, "GET /whoami: HTTP 403: loopback users only")
}

func TestAPIError401WithoutBodyIsUnauthorized(t *testing.T) {
	srv, _ := newServer(t, answer(401, ""))
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.Whoami(testCtx(t))
	assert.True(t, IsUnauthorized(err))
	assert.False(t, IsForbidden(err))
	assert.EqualError(t, err, "GET /whoami: HTTP 401: no details")
}

func TestAPIErrorNonJSONBody(t *testing.T) {
	body := "<html><body><h1>502 Bad Gateway</h1></body></html>\n"
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, body)
	})
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.Overview(testCtx(t))
	var ae *APIError
	require.True(t, errors.As(err, &ae), "want *APIError, got %T: %v", err, err)
	assert.Equal(t, 502, ae.Status)
	assert.Equal(t, "", ae.Kind)
	assert.Equal(t, strings.TrimSpace(body), ae.Reason)
	assert.Equal(t, "GET /overview: HTTP 502: "+strings.TrimSpace(body), err.Error())
	assert.False(t, IsNotFound(err) || IsForbidden(err) || IsUnauthorized(err) || IsBadRequest(err, ""))
}

func TestAPIErrorKindUsedWhenNoReason(t *testing.T) {
	srv, _ := newServer(t, answer(404, `{"error":"Object Not Found"}`))
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.GetUser(testCtx(t), "a b")
	assert.EqualError(t, err, "GET /users/a%20b: HTTP 404: Object Not Found")
	assert.True(t, IsNotFound(err))
}

func TestAPIErrorLongNonJSONBodyIsCut(t *testing.T) {
	srv, _ := newServer(t, answer(500, strings.Repeat("x", 5000)))
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.Overview(testCtx(t))
	var ae *APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, strings.Repeat("x", 200)+"…", ae.Reason)
}

func TestAPIErrorCutKeepsValidUTF8(t *testing.T) {
	// 'a' then 2-byte runes: byte 200 falls in the middle of a rune.
	srv, _ := newServer(t, answer(500, "a"+strings.Repeat("é", 300)))
	c := newClient(t, []string{srv.URL}, nil)
	_, err := c.Overview(testCtx(t))
	var ae *APIError
	require.True(t, errors.As(err, &ae))
	assert.True(t, strings.HasSuffix(ae.Reason, "…"))
	assert.LessOrEqual(t, len(ae.Reason), 200+len("…"))
	if !utf8.ValidString(ae.Reason) {
		t.Fatalf("regression: newAPIError cuts a long non-JSON body at byte 200 (e.Reason[:200]), splitting a UTF-8 "+
			"sequence; the message then holds invalid UTF-8: %q", ae.Reason[195:])
	}
}

func TestErrorPredicatesSeeThroughWrapping(t *testing.T) {
	nf := &APIError{Method: "GET", Path: "/users/x", Status: 404, Kind: "Object Not Found", Reason: "Not Found"}
	wrapped := fmt.Errorf("looking up user: %w", nf)
	assert.True(t, IsNotFound(wrapped))
	br := fmt.Errorf("ctx: %w", &APIError{Status: 400, Kind: "bad_request", Reason: "vhost_or_user_not_found"})
	assert.True(t, IsBadRequest(br, "vhost_or_user_not_found"))

	for _, err := range []error{nil, errors.New("plain"), &TransportError{Err: syscall.ECONNREFUSED}, &DecodeError{Err: io.EOF}} {
		assert.False(t, IsNotFound(err), "%v", err)
		assert.False(t, IsUnauthorized(err), "%v", err)
		assert.False(t, IsForbidden(err), "%v", err)
		assert.False(t, IsBadRequest(err, ""), "%v", err)
	}
	assert.False(t, IsNotFound(&APIError{Status: 400}))
	assert.False(t, IsBadRequest(&APIError{Status: 404}, ""))
	assert.False(t, IsUnauthorized(&APIError{Status: 403}))
	assert.False(t, IsForbidden(&APIError{Status: 401, Kind: "not_authorized"}))
}

// --- TransportError ---------------------------------------------------------------

type fakeTimeout struct{}

func (fakeTimeout) Error() string   { return "i/o timeout" }
func (fakeTimeout) Timeout() bool   { return true }
func (fakeTimeout) Temporary() bool { return true }

func TestTransportErrorCauseTexts(t *testing.T) {
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	read := func(err error) error { return &net.OpError{Op: "read", Net: "tcp", Err: err} }
	cases := []struct {
		name        string
		err         error
		cause       string // exact, or a prefix when prefix is set
		prefix      bool
		unreachable bool
		timeout     bool
	}{
		{"deadline", context.DeadlineExceeded, "timed out", false, false, true},
		{"wrapped deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), "timed out", false, false, true},
		{"canceled", context.Canceled, "interrupted", false, false, false},
		{"refused", dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)), "connection refused", false, true, false},
		{"host unreachable", dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "dial tcp: connect: no route to host", false, true, false},
		{"net unreachable", os.NewSyscallError("connect", syscall.ENETUNREACH), "connect: network is unreachable", false, true, false},
		{"reset", read(os.NewSyscallError("read", syscall.ECONNRESET)), "connection reset by peer", false, false, false},
		{"dns", dial(&net.DNSError{Err: "no such host", Name: "mq9.example", IsNotFound: true}), `cannot resolve host "mq9.example"`, false, true, false},
		{"dial timeout", dial(fakeTimeout{}), "connection timed out", false, true, false},
		{"read timeout", read(fakeTimeout{}), "connection timed out", false, false, false},
		{"unknown authority", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}},
			"TLS: server certificate signed by an unknown authority", true, false, false},
		{"hostname", &tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "mq1"}},
			"TLS: server certificate is not valid for this host: ", true, false, false},
		{"expired", &tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.Expired}},
			"TLS: server certificate has expired or is not yet valid", false, false, false},
		{"invalid", x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.NotAuthorizedToSign},
			"TLS: server certificate is invalid: ", true, false, false},
		{"other verification", &tls.CertificateVerificationError{Err: errors.New("weird")},
			"TLS: server certificate verification failed: weird", false, false, false},
		{"record header", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
			"TLS handshake failed: the server does not speak TLS on this port (try http://)", false, false, false},
		{"alert", tls.AlertError(42), "TLS handshake failed: the server rejected our client certificate", true, false, false},
		{"remote alert text", errors.New("remote error: tls: bad certificate"),
			"TLS handshake failed: the server rejected our client certificate (bad certificate)", false, false, false},
		{"certificate required", errors.New("readLoopPeekFailLocked: remote error: tls: certificate required"),
			"TLS handshake failed: the server requires a client certificate (use --cert and --key)", false, false, false},
		{"http to a TLS port", errors.New(`net/http: HTTP/1.x transport connection broken: malformed HTTP response "\x15\x03\x01\x00\x02\x02"`),
			"the server speaks TLS on this port (try https:// or --tls)", false, false, false},
		{"eof", io.EOF, "connection closed by the server", false, false, false},
		{"unexpected eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), "connection closed by the server", false, false, false},
		{"other", errors.New("something odd"), "something odd", false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			te := newTransportError("GET", "http://mq1:15672/api/overview", &url.Error{Op: "Get", URL: "http://mq1:15672/api/overview", Err: tc.err})
			assert.Equal(t, tc.err, te.Err, "the *url.Error wrapper is dropped")
			if tc.prefix {
				assert.True(t, strings.HasPrefix(te.Cause(), tc.cause), "Cause() = %q", te.Cause())
			} else {
				assert.Equal(t, tc.cause, te.Cause())
			}
			assert.Equal(t, tc.unreachable, te.Unreachable(), "Unreachable()")
			assert.Equal(t, tc.timeout, te.Timeout(), "Timeout()")
			assert.Equal(t, "GET http://mq1:15672/api/overview: "+te.Cause(), te.Error())
			assert.ErrorIs(t, te, tc.err)
		})
	}
}

func TestDecodeErrorTextAndUnwrap(t *testing.T) {
	de := &DecodeError{Path: "/users", Err: io.ErrUnexpectedEOF}
	assert.Equal(t, "decoding the answer to /users: unexpected EOF", de.Error())
	assert.ErrorIs(t, de, io.ErrUnexpectedEOF)
	var wrapped error = fmt.Errorf("list_users: %w", de)
	var got *DecodeError
	require.True(t, errors.As(wrapped, &got))
	assert.Equal(t, "/users", got.Path)
}
