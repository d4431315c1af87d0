package mgmtapi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSFiles names the files and switches that make the TLS configuration of an https
// base: the server's CA, a client certificate and its key for mutual TLS, and the
// verification to skip. Every command set of the binary builds its *tls.Config here.
type TLSFiles struct {
	// CACert is a PEM file of CA certificates to verify the server with.
	CACert string
	// KeepSystemRoots makes CACert add to the system's roots instead of replacing
	// them (Python's load_verify_locations on a default context does that).
	KeepSystemRoots bool
	// Cert and Key are the client certificate (PEM, may hold the chain) and its key.
	Cert string
	Key  string
	// Insecure skips every verification of the server's certificate.
	Insecure bool
	// SkipHostname verifies the server's chain but not that it names the host.
	SkipHostname bool
}

// ErrCertWithoutKey means a client certificate was given without its key, or a key
// without its certificate.
var ErrCertWithoutKey = errors.New("a client certificate and its key go together")

// TLSFileError is a TLS file that could not be read or used.
type TLSFileError struct {
	// What is "CA certificate" or "client certificate".
	What string
	Path string
	Err  error
}

func (e *TLSFileError) Error() string {
	return fmt.Sprintf("cannot use %s %s: %v", e.What, e.Path, e.Err)
}

func (e *TLSFileError) Unwrap() error { return e.Err }

// ErrNoPEM means a CA file holds no PEM certificate.
var ErrNoPEM = errors.New("no PEM certificate found")

// Config reads the files and returns the TLS configuration (TLS 1.2 at least).
func (f TLSFiles) Config() (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.Insecure} // #nosec G402 -- only when asked
	if f.CACert != "" {
		pem, err := os.ReadFile(f.CACert)
		if err != nil {
			return nil, &TLSFileError{What: "CA certificate", Path: f.CACert, Err: err}
		}
		var pool *x509.CertPool
		if f.KeepSystemRoots {
			pool, _ = x509.SystemCertPool()
		}
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &TLSFileError{What: "CA certificate", Path: f.CACert, Err: ErrNoPEM}
		}
		c.RootCAs = pool
	}
	if (f.Cert == "") != (f.Key == "") {
		return nil, ErrCertWithoutKey
	}
	if f.Cert != "" {
		pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, &TLSFileError{What: "client certificate", Path: f.Cert, Err: err}
		}
		c.Certificates = []tls.Certificate{pair}
	}
	if f.SkipHostname && !f.Insecure {
		// Verify the chain ourselves, without the server name.
		roots := c.RootCAs
		c.InsecureSkipVerify = true // #nosec G402 -- the chain is verified below
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: the server sent no certificate")
			}
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, ic := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(ic)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	}
	return c, nil
}
