package integration

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	path string // the CA certificate, PEM
}

// newTestCA writes a self-signed CA certificate to dir/name.pem.
func newTestCA(t *testing.T, dir, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          serialNumber(t),
		Subject:               pkix.Name{CommonName: "rmqctl test CA " + name, Organization: []string{"rmqctl tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	path := filepath.Join(dir, name+".pem")
	writePEM(t, path, "CERTIFICATE", der)
	return &testCA{cert: cert, key: key, path: path}
}

// issue signs a leaf certificate made from tmpl and writes dir/name.pem and
// dir/name.key; it returns their paths.
func (ca *testCA) issue(t *testing.T, dir, name string, tmpl *x509.Certificate) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl.SerialNumber = serialNumber(t)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour)
		tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	tmpl.BasicConstraintsValid = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certPath, keyPath = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	writePEM(t, certPath, "CERTIFICATE", der)
	writePEM(t, keyPath, "EC PRIVATE KEY", keyDER)
	return certPath, keyPath
}

func serverTemplate(cn string, hosts ...string) *x509.Certificate {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return tmpl
}

func clientTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
}

func serialNumber(t *testing.T) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	require.NoError(t, err)
	return n
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

// freeLoopbackPort returns a loopback port nobody listens on, and a listener holding
// it until release is called (so that broker.sh does not pick it for something else).
func freeLoopbackPort(t *testing.T) (port int, release func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return l.Addr().(*net.TCPAddr).Port, func() { _ = l.Close() }
}

// assertCleanFailure checks that rmqctl failed with exit 69 and one line on stderr
// containing every one of wants, without a Go stack trace.
func assertCleanFailure(t *testing.T, r brokertest.Result, wants ...string) {
	t.Helper()
	assert.Equal(t, 69, r.Code, "stderr: %s", r.Stderr)
	assert.Empty(t, r.Stdout)
	msg := strings.TrimSuffix(r.Stderr, "\n")
	assert.NotEmpty(t, msg)
	assert.NotContains(t, msg, "\n", "one line on stderr")
	assert.NotContains(t, msg, "panic")
	assert.NotContains(t, msg, "goroutine ")
	for _, w := range wants {
		assert.Contains(t, msg, w)
	}
	t.Logf("stderr: %s", msg)
}

// A real node with a TLS management listener that requires client certificates:
// mutual TLS through flags, environment and a config target; a missing client
// certificate, an unknown CA, the system roots, --insecure, --tls with --host/--port,
// and https:// spoken to the plain HTTP port. The expired and wrong-host server
// certificates are served by a Go TLS server, as the node has one TLS listener.
func TestTLS(t *testing.T) {
	brokertest.Require(t)
	dir := t.TempDir()
	ca := newTestCA(t, dir, "ca")
	otherCA := newTestCA(t, dir, "other-ca")
	serverCert, serverKey := ca.issue(t, dir, "server", serverTemplate("localhost", "localhost", "127.0.0.1", "::1"))
	clientCert, clientKey := ca.issue(t, dir, "client", clientTemplate("rmqctl-client"))
	strangerCert, strangerKey := otherCA.issue(t, dir, "stranger", clientTemplate("stranger"))

	name := brokertest.Name("tls")
	tlsPort, release := freeLoopbackPort(t)
	t.Setenv("RMQCTL_BROKER_EXTRA_CONF", strings.Join([]string{
		"management.ssl.port = " + strconv.Itoa(tlsPort),
		"management.ssl.ip = 127.0.0.1",
		"management.ssl.cacertfile = " + ca.path,
		"management.ssl.certfile = " + serverCert,
		"management.ssl.keyfile = " + serverKey,
		"management.ssl.verify = verify_peer",
		"management.ssl.fail_if_no_peer_cert = true",
	}, "\n"))
	t.Cleanup(func() { brokerScript(t, "stop", name) })
	env := readEnv(t, brokerScript(t, "prepare", name))
	release()
	brokerScript(t, "boot", name)
	plainURL := env["RMQCTL_TEST_URL"]
	tlsURL := "https://127.0.0.1:" + strconv.Itoa(tlsPort)
	mtls := []string{"--cacert", ca.path, "--cert", clientCert, "--key", clientKey}
	args := func(extra ...string) []string { return append(append([]string{}, mtls...), extra...) }

	// The management plugin starts both listeners together; the plain one is up.
	brokertest.Eventually(t, 30*time.Second, func() error {
		if r := rmqAt(t, tlsURL, args("list_users")...); r.Code != 0 {
			return errorf("exit %d: %s", r.Code, r.Stderr)
		}
		return nil
	})

	t.Run("mutual TLS with flags", func(t *testing.T) {
		r := rmqAt(t, tlsURL, args("list_users")...)
		require.Equal(t, 0, r.Code, r.Stderr)
		assert.Contains(t, r.Stdout, "guest\t")
	})

	t.Run("mutual TLS with environment", func(t *testing.T) {
		r := rmqEnv(t, &brokertest.Broker{URL: tlsURL}, map[string]string{
			"RMQCTL_CACERT": ca.path, "RMQCTL_CERT": clientCert, "RMQCTL_KEY": clientKey,
		}, "", "list_users")
		require.Equal(t, 0, r.Code, r.Stderr)
		assert.Contains(t, r.Stdout, "guest\t")
	})

	t.Run("mutual TLS with a config target", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "config.toml")
		require.NoError(t, os.WriteFile(cfg, fmt.Appendf(nil, "[targets.tls]\nurl = %q\ncacert = %q\ncert = %q\nkey = %q\n",
			tlsURL, ca.path, clientCert, clientKey), 0o600))
		require.NoError(t, os.Chmod(cfg, 0o600))
		// RMQCTL_URL would win over the target's url (environment > config target).
		r := rmqEnv(t, &brokertest.Broker{}, nil, "", "--config", cfg, "-n", "tls", "list_users")
		require.Equal(t, 0, r.Code, r.Stderr)
		assert.Contains(t, r.Stdout, "guest\t")
		assert.NotContains(t, r.Stderr, "Warning")
	})

	t.Run("--tls with --host and --port", func(t *testing.T) {
		r := rmqEnv(t, &brokertest.Broker{}, nil, "",
			args("--tls", "--host", "127.0.0.1", "--port", strconv.Itoa(tlsPort), "list_users")...)
		require.Equal(t, 0, r.Code, r.Stderr)
		assert.Contains(t, r.Stdout, "guest\t")
		// without --tls the same host and port are spoken to over http
		// (the node answers a TLS alert, which Go reports as a malformed HTTP response)
		r = rmqEnv(t, &brokertest.Broker{}, nil, "",
			args("--host", "127.0.0.1", "--port", strconv.Itoa(tlsPort), "list_users")...)
		assertCleanFailure(t, r, "http://127.0.0.1:"+strconv.Itoa(tlsPort)+"/api/users", "speaks TLS on this port")
	})

	t.Run("missing client certificate", func(t *testing.T) {
		r := rmqAt(t, tlsURL, "--cacert", ca.path, "list_users")
		assertCleanFailure(t, r, "requires a client certificate (use --cert and --key)", tlsURL)
		r = rmqAt(t, tlsURL, "--cacert", ca.path, "list_users", "--verbose")
		assert.Equal(t, 1, strings.Count(r.Stderr, "> GET "), "a TLS failure is not retried: %s", r.Stderr)
	})

	// Go sends no certificate the server's CertificateRequest does not ask for (its CA
	// is not among the node's acceptable CAs), so the node sees none.
	t.Run("client certificate from another CA", func(t *testing.T) {
		r := rmqAt(t, tlsURL, "--cacert", ca.path, "--cert", strangerCert, "--key", strangerKey, "list_users")
		assertCleanFailure(t, r, "client certificate")
	})

	t.Run("unknown CA", func(t *testing.T) {
		r := rmqAt(t, tlsURL, "--cacert", otherCA.path, "--cert", clientCert, "--key", clientKey, "list_users")
		assertCleanFailure(t, r, "certificate", "unknown authority", "--insecure")

		r = rmqAt(t, tlsURL, "--cacert", otherCA.path, "--cert", clientCert, "--key", clientKey, "--insecure", "list_users")
		require.Equal(t, 0, r.Code, r.Stderr)
		assert.Contains(t, r.Stdout, "guest\t")
	})

	t.Run("system roots", func(t *testing.T) {
		r := rmqAt(t, tlsURL, "--cert", clientCert, "--key", clientKey, "list_users")
		assertCleanFailure(t, r, "certificate", "unknown authority")
	})

	t.Run("https to the plain HTTP port", func(t *testing.T) {
		r := rmqAt(t, strings.Replace(plainURL, "http://", "https://", 1), args("list_users")...)
		assertCleanFailure(t, r, "does not speak TLS")
	})

	t.Run("expired server certificate", func(t *testing.T) {
		tmpl := serverTemplate("localhost", "localhost", "127.0.0.1")
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
		cert, key := ca.issue(t, dir, "expired", tmpl)
		url := goTLSServer(t, cert, key)
		r := rmqAt(t, url, args("list_users")...)
		assertCleanFailure(t, r, "certificate", "expired")
	})

	t.Run("server certificate for another host", func(t *testing.T) {
		cert, key := ca.issue(t, dir, "elsewhere", serverTemplate("mq.example.com", "mq.example.com"))
		url := goTLSServer(t, cert, key)
		r := rmqAt(t, url, args("list_users")...)
		assertCleanFailure(t, r, "certificate", "not valid for this host")
	})
}

// goTLSServer serves https on loopback with the given certificate and returns its URL.
// It is only for server certificates the node cannot be given (expired, wrong host):
// the handshake fails before any request.
func goTLSServer(t *testing.T, certPath, keyPath string) string {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "not a broker", http.StatusTeapot)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}
