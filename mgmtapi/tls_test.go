package mgmtapi

import (
	"encoding/pem"
	"errors"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// caFile writes the test server's certificate as a PEM CA file.
func caFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return path
}

func TestTLSFilesErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("hello"), 0o600))

	_, err := TLSFiles{Cert: "c.pem"}.Config()
	assert.ErrorIs(t, err, ErrCertWithoutKey)
	_, err = TLSFiles{Key: "k.pem"}.Config()
	assert.ErrorIs(t, err, ErrCertWithoutKey)

	_, err = TLSFiles{CACert: filepath.Join(dir, "missing.pem")}.Config()
	var fe *TLSFileError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, "CA certificate", fe.What)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	_, err = TLSFiles{CACert: notPEM}.Config()
	assert.ErrorIs(t, err, ErrNoPEM)
	_, err = TLSFiles{CACert: notPEM, KeepSystemRoots: true}.Config()
	assert.ErrorIs(t, err, ErrNoPEM)

	_, err = TLSFiles{Cert: notPEM, Key: notPEM}.Config()
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, "client certificate", fe.What)
}

// SkipHostname still verifies the chain: the CA must be trusted, the name need not match.
func TestTLSFilesSkipHostname(t *testing.T) {
	srv, _ := newTLSServer(t, answer(200, `{"name":"guest","tags":[]}`))
	ca := caFile(t, srv)
	// the test certificate names 127.0.0.1 and example.com, not localhost
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	get := func(files TLSFiles) error {
		cfg, err := files.Config()
		require.NoError(t, err)
		c := newClient(t, []string{byName}, func(c *Config) { c.TLS = cfg })
		_, err = c.GetUser(testCtx(t), "guest")
		return err
	}
	err := get(TLSFiles{CACert: ca})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")

	assert.NoError(t, get(TLSFiles{CACert: ca, SkipHostname: true}))
	assert.NoError(t, get(TLSFiles{CACert: ca, KeepSystemRoots: true, SkipHostname: true}))

	err = get(TLSFiles{SkipHostname: true})
	require.Error(t, err, "an unknown CA is refused even without the hostname check")
	assert.Contains(t, err.Error(), "unknown authority")

	assert.NoError(t, get(TLSFiles{Insecure: true}))
}
