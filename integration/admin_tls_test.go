package integration

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tlsFront serves the broker's management API over https on loopback (a reverse
// proxy with the given server certificate), asking for a client certificate signed
// by clientCA when it is not "".
func tlsFront(t *testing.T, brokerURL, certPath, keyPath, clientCA string) string {
	t.Helper()
	target, err := url.Parse(brokerURL)
	require.NoError(t, err)
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if clientCA != "" {
		pem, err := os.ReadFile(clientCA)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem))
		srv.TLS.ClientCAs, srv.TLS.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Port()
}

var sslCodeLine = regexp.MustCompile(` \(_ssl\.c:\d+\)`)

// v1's TLS options (--ssl, the CA, client certificate and key, -k, no hostname check)
// and a config file with them (Puppet's TLS template), against https fronts of the
// broker: the same bytes where the connection works; where it fails, exit 1 and, for
// the certificate checks, Python's ssl message without its "(_ssl.c:N)".
func TestAdminDifferentialTLS(t *testing.T) {
	e := newAdminEnv(t)
	dir := t.TempDir()
	ca := newTestCA(t, dir, "ca")
	serverCert, serverKey := ca.issue(t, dir, "server", serverTemplate("localhost", "localhost", "127.0.0.1"))
	elsewhereCert, elsewhereKey := ca.issue(t, dir, "elsewhere", serverTemplate("mq.example.com", "mq.example.com"))
	clientCert, clientKey := ca.issue(t, dir, "client", clientTemplate("adm-client"))
	plain := tlsFront(t, e.b.URL, serverCert, serverKey, "")
	mutual := tlsFront(t, e.b.URL, serverCert, serverKey, ca.path)
	elsewhere := tlsFront(t, e.b.URL, elsewhereCert, elsewhereKey, "")
	at := func(port string, args ...string) []string {
		return append([]string{"-H", "127.0.0.1", "-P", port}, args...)
	}
	list := []string{"list", "vhosts", "name"}

	works := [][]string{
		at(plain, append([]string{"--ssl", "--ssl-ca-cert-file", ca.path}, list...)...),
		at(plain, append([]string{"-s", "-k"}, list...)...),
		at(plain, append([]string{"--ssl", "--ssl-insecure", "-f", "tsv"}, list...)...),
		at(mutual, append([]string{"--ssl", "--ssl-ca-cert-file=" + ca.path, "--ssl-cert-file=" + clientCert, "--ssl-key-file=" + clientKey}, list...)...),
		at(elsewhere, append([]string{"--ssl", "--ssl-ca-cert-file", ca.path, "--ssl-disable-hostname-verification"}, list...)...),
		// a remote user's line: --host --port --ssl --vhost --username --password
		{"--host=localhost", "--port=" + plain, "--ssl", "--ssl-ca-cert-file=" + ca.path, "--vhost=/", "--username=guest", "--password=guest", "list", "exchanges", "name"},
	}
	for _, args := range works {
		r := e.same(t, "", args...)
		assert.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
		assert.Contains(t, r.Stdout, "name", args)
	}

	// certificate checks: v1 prints a traceback, then the message rmqctl prints
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{at(plain, append([]string{"--ssl"}, list...)...),
			"*** Could not connect: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate\n\n"},
		{at(elsewhere, append([]string{"--ssl", "--ssl-ca-cert-file", ca.path}, list...)...),
			"*** Could not connect: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'.\n\n"},
	} {
		want, got := e.v1(t, "", c.args...), e.ours(t, "", c.args...)
		assert.Equal(t, 1, want.Code, "%v", c.args)
		assert.Equal(t, 1, got.Code, "%v", c.args)
		assert.Equal(t, c.msg, got.Stderr, "%v", c.args)
		assert.Regexp(t, regexp.QuoteMeta(c.msg)+`$`, sslCodeLine.ReplaceAllString(want.Stderr, ""), "v1 on %v", c.args)
	}
	// no client certificate: the server's alert, as OpenSSL words it
	args := at(mutual, append([]string{"--ssl", "--ssl-ca-cert-file", ca.path}, list...)...)
	want, got := e.v1(t, "", args...), e.ours(t, "", args...)
	assert.Equal(t, 1, want.Code)
	assert.Equal(t, "*** Could not connect: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required\n\n", got.Stderr)
	assert.Contains(t, want.Stderr, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required")
	// failures whose wording is Python's own: the exit code
	for _, args := range [][]string{
		at(plain, list...), // http to an https port
		append([]string{"--ssl", "--ssl-ca-cert-file", ca.path}, list...), // https to the http port
	} {
		want, got := e.v1(t, "", args...), e.ours(t, "", args...)
		assert.Equal(t, 1, want.Code, "%v", args)
		assert.Equal(t, 1, got.Code, "%v: %s", args, got.Stderr)
		assert.Regexp(t, `^\*\*\* .+\n\n$`, got.Stderr, "one message in v1's layout")
		t.Logf("%v:\nv1: %s\nrmqctl: %s", args, lastLines(want.Stderr, 2), got.Stderr)
	}

	t.Run("config file", func(t *testing.T) {
		// voxpupuli/puppet-rabbitmq's templates/rabbitmqadmin.conf.epp with management TLS
		conf := filepath.Join(t.TempDir(), "rabbitmqadmin.conf")
		require.NoError(t, os.WriteFile(conf, []byte("[default]\nssl = True\nssl_ca_cert_file = "+ca.path+
			"\nssl_cert_file = "+clientCert+"\nssl_key_file = "+clientKey+"\nport = "+mutual+"\nhostname = localhost\n"), 0o600))
		r := e.same(t, "", "-c", conf, "list", "vhosts", "name")
		assert.Equal(t, 0, r.Code, r.Stderr)
		r = e.same(t, "", "declare", "queue", "--vhost=/", "--user=guest", "--password=guest", "-c", conf, "name=adm-tls-q", "durable=false")
		assert.Equal(t, "queue declared\n", r.Stdout)
		e.ok(t, "delete", "queue", "name=adm-tls-q")
	})
}

// lastLines is the last n non-empty lines of s.
func lastLines(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n")
}
