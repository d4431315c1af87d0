package admin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// The connection: the same mgmtapi client as every rmqctl command (one HTTP client,
// retried reads, TLS from mgmtapi.TLSFiles), set up from v1's settings.

// newClient builds the client from the resolved settings. Nothing is sent.
func (a *app) newClient() (*mgmtapi.Client, error) {
	s := a.opts
	scheme := "http"
	var tlsCfg *tls.Config
	if s.truthy("ssl") {
		scheme = "https"
		files := mgmtapi.TLSFiles{
			CACert: s.str("ssl_ca_cert_file"), KeepSystemRoots: true,
			Insecure:     s.truthy("ssl_insecure"),
			SkipHostname: s.truthy("ssl_disable_hostname_verification"),
		}
		// v1 loads the client certificate only when a key file is given (and fails
		// when the key comes without a certificate: so does TLSFiles)
		if s.truthy("ssl_key_file") {
			files.Cert, files.Key = s.str("ssl_cert_file"), s.str("ssl_key_file")
		}
		var err error
		if tlsCfg, err = files.Config(); err != nil {
			var fe *mgmtapi.TLSFileError
			var pe *fs.PathError
			switch {
			case errors.As(err, &pe):
				return nil, osError(pe, pe.Path)
			case errors.As(err, &fe):
				return nil, die("Could not load the %s %s: %v", fe.What, pyRepr(fe.Path), fe.Err)
			}
			return nil, die("%v", err)
		}
	}
	prefix := s.str("path_prefix")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	base := scheme + "://" + net.JoinHostPort(s.str("hostname"), s.str("port")) + prefix
	if _, err := mgmtapi.ParseBaseURL(base); err != nil {
		return nil, die("Could not connect: invalid host or port %s", pyRepr(net.JoinHostPort(s.str("hostname"), s.str("port"))))
	}
	timeout := time.Duration(a.timeout()) * time.Second
	cfg := mgmtapi.Config{
		URLs:     []string{base},
		Username: s.str("username"), Password: s.str("password"),
		TLS: tlsCfg, ConnectTimeout: timeout, ResponseTimeout: timeout,
		UserAgent: "rmqctl-admin/" + Version,
	}
	if v, _ := a.env("RMQCTL_VERBOSE"); v == "true" || v == "1" {
		cfg.Log = a.io.ErrOut // redacted by mgmtapi
	}
	c, err := mgmtapi.New(cfg)
	if err != nil {
		return nil, die("%v", err)
	}
	return c, nil
}

// timeout is --request-timeout in seconds (a config file gives a string).
func (a *app) timeout() int {
	if n, ok := pyInt(a.opts["request_timeout"]); ok && n > 0 {
		return n
	}
	return 120
}

// query is a list query in v1's order and spelling (columns, sort, sort_reverse).
type query [][2]string

// request is one call: the resource's segments (each percent-encoded), a query and a
// JSON body.
type request struct {
	method   string
	segments []string
	query    query
	body     []byte
	// plusVhost: v1 wrote the last segment (a vhost of list, export or import) with
	// quote_plus, a space as "+", which the broker does not read back (a 404). The
	// request spells it right; messages spell it as v1 did.
	plusVhost bool
}

// displayPath is the path v1 names in its messages: prefix, /api, path, raw query.
func (a *app) displayPath(r request) string {
	path := mgmtapi.Path(r.segments...)
	if n := len(r.segments); r.plusVhost && n > 0 {
		last := mgmtapi.Path(r.segments[n-1])
		path = strings.TrimSuffix(path, last) + strings.ReplaceAll(last, "%20", "+")
	}
	p := a.opts.str("path_prefix") + "/api" + path
	if len(r.query) > 0 {
		parts := make([]string, len(r.query))
		for i, kv := range r.query {
			parts[i] = kv[0] + "=" + kv[1]
		}
		p += "?" + strings.Join(parts, "&")
	}
	return p
}

// call sends r and returns the answer's body, or v1's error for a failure.
func (a *app) call(ctx context.Context, r request) ([]byte, error) {
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, kv := range r.query {
		q.Add(kv[0], kv[1])
	}
	var body []byte
	err = c.Send(ctx, mgmtapi.Request{Method: r.method, Segments: r.segments, Query: q, Body: r.body},
		func(rd io.Reader) (err error) { body, err = io.ReadAll(rd); return err })
	if err != nil {
		return nil, httpError(err, a.displayPath(r), a.timeout())
	}
	return body, nil
}

func (a *app) client() (*mgmtapi.Client, error) {
	if a.c == nil {
		c, err := a.newClient()
		if err != nil {
			return nil, err
		}
		a.c = c
	}
	return a.c, nil
}

func isTLSError(err error) bool {
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var certErr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &recErr) || errors.As(err, &alert) || errors.As(err, &certErr) ||
		errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) ||
		strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// tlsCause follows the wording of Python's ssl errors (without the "(_ssl.c:N)"
// that depends on the Python build).
func tlsCause(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"
	case errors.As(err, &host):
		what := "Hostname"
		if net.ParseIP(host.Host) != nil {
			what = "IP address"
		}
		return "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + what + " mismatch, certificate is not valid for '" + host.Host + "'."
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired"
	case errors.As(err, &invalid):
		return "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + invalid.Error()
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return "[SSL: WRONG_VERSION_NUMBER] wrong version number"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "tls: "); i >= 0 {
		msg = msg[i+len("tls: "):]
	}
	if alert, ok := sslAlerts[msg]; ok {
		return alert
	}
	return "[SSL] " + msg
}

// sslAlerts are OpenSSL's texts for the alerts a server sends about our certificate.
var sslAlerts = map[string]string{
	"certificate required":          "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
	"bad certificate":               "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate",
	"unknown certificate authority": "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca",
	"handshake failure":             "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
}
