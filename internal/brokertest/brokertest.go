// Package brokertest gives integration tests the real broker that `make test` starts
// (scripts/broker.sh), or the one named by RMQCTL_TEST_URL.
//
// Without a broker the tests are skipped on a developer machine, but under CI=true a
// missing broker fails them: integration tests never skip silently in CI.
package brokertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Broker is a running RabbitMQ node reachable over HTTP and AMQP.
type Broker struct {
	// URL is the management API base, e.g. http://127.0.0.1:15672.
	URL string
	// AMQPURL is amqp://host:port without credentials or vhost.
	AMQPURL string
	// Node is the Erlang node name (for the real rabbitmqctl's -n).
	Node string
	// Home is the HOME holding the node's Erlang cookie.
	Home string
	// Rabbitmqctl is the path of the real rabbitmqctl, "" when unavailable.
	Rabbitmqctl string
	// Tools is the directory holding the broker release's real CLI tools
	// (rabbitmqctl, rabbitmq-diagnostics, rabbitmq-queues …), "" when unavailable.
	Tools string
	// RabbitmqadminV1 is the path of the real rabbitmqadmin v1 script, "" when unavailable.
	RabbitmqadminV1 string
	// Version is the broker's RabbitMQ version as its package gives it (e.g. 4.3.6),
	// "" when unknown.
	Version string
}

// Require returns the test broker, or skips the test (fails it under CI=true).
func Require(t testing.TB) *Broker {
	t.Helper()
	b := &Broker{
		URL:         os.Getenv("RMQCTL_TEST_URL"),
		AMQPURL:     os.Getenv("RMQCTL_TEST_AMQP_URL"),
		Node:        os.Getenv("RMQCTL_TEST_NODE"),
		Home:        os.Getenv("RMQCTL_TEST_HOME"),
		Rabbitmqctl: os.Getenv("RMQCTL_TEST_RABBITMQCTL"),
		Tools:       os.Getenv("RMQCTL_TEST_TOOLS"),
		Version:     os.Getenv("RMQCTL_TEST_VERSION"),

		RabbitmqadminV1: os.Getenv("RMQCTL_TEST_RABBITMQADMIN_V1"),
	}
	if b.URL == "" || b.AMQPURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no test broker: RMQCTL_TEST_URL/RMQCTL_TEST_AMQP_URL are unset (run `make test`)")
		}
		t.Skip("no test broker: run `make test`, or set RMQCTL_TEST_URL and RMQCTL_TEST_AMQP_URL")
	}
	return b
}

// RequireRabbitmqctl is Require plus the real rabbitmqctl for differential tests.
func RequireRabbitmqctl(t testing.TB) *Broker {
	t.Helper()
	b := Require(t)
	if b.Rabbitmqctl == "" || b.Node == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but the real rabbitmqctl is not configured (RMQCTL_TEST_RABBITMQCTL, RMQCTL_TEST_NODE)")
		}
		t.Skip("real rabbitmqctl not configured: run `make test`")
	}
	return b
}

// RequireRabbitmqadminV1 is Require plus the real rabbitmqadmin v1 script and a
// python3 to run it, for differential tests of `rmqctl admin`.
func RequireRabbitmqadminV1(t testing.TB) *Broker {
	t.Helper()
	b := Require(t)
	_, err := exec.LookPath("python3")
	if b.RabbitmqadminV1 == "" || err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but rabbitmqadmin v1 cannot run (RMQCTL_TEST_RABBITMQADMIN_V1=%q, python3: %v)", b.RabbitmqadminV1, err)
		}
		t.Skip("rabbitmqadmin v1 not configured (RMQCTL_TEST_RABBITMQADMIN_V1) or no python3: run `make test`")
	}
	return b
}

// Name returns a name unique to this test run, starting with prefix.
func Name(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// Result is what a command printed and how it exited.
type Result struct {
	Stdout string
	Stderr string
	Code   int
}

// Ctl runs the real rabbitmqctl against the test node.
func (b *Broker) Ctl(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	return b.runWithin(t, 2*time.Minute, b.Rabbitmqctl, stdin, append([]string{"-n", b.Node}, args...)...)
}

// CtlWithin is Ctl for a case where the real tool is known to hang: it is killed after
// d (its Code is then -1).
func (b *Broker) CtlWithin(t testing.TB, d time.Duration, stdin string, args ...string) Result {
	t.Helper()
	return b.runWithin(t, d, b.Rabbitmqctl, stdin, append([]string{"-n", b.Node}, args...)...)
}

// Tool runs the broker release's real CLI tool (rabbitmq-diagnostics, rabbitmq-queues …)
// against the test node; the test fails when the release has no such tool.
func (b *Broker) Tool(t testing.TB, tool, stdin string, args ...string) Result {
	t.Helper()
	if b.Tools == "" {
		t.Fatal("the real CLI tools are not configured (RMQCTL_TEST_TOOLS)")
	}
	path := filepath.Join(b.Tools, tool)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("RabbitMQ %s has no %s: %v", b.Version, tool, err)
	}
	return b.runWithin(t, 2*time.Minute, path, stdin, append([]string{"-n", b.Node}, args...)...)
}

// runWithin runs one of the release's real programs with the node's HOME (its cookie),
// killing it after d.
func (b *Broker) runWithin(t testing.TB, d time.Duration, path, stdin string, args ...string) Result {
	t.Helper()
	// a crashing escript leaves erl_crash.dump in its working directory
	return execWithin(t, d, os.TempDir(), []string{"HOME=" + b.Home, "LANG=C.UTF-8", "LC_ALL=C.UTF-8"}, stdin, path, args...)
}

// Exec runs a program for two minutes at most, in dir, with env added to this
// process's environment and stdin as its input, and returns what it printed and its
// exit code. The test fails when the program cannot be run at all.
func Exec(t testing.TB, dir string, env []string, stdin, path string, args ...string) Result {
	t.Helper()
	return execWithin(t, 2*time.Minute, dir, env, stdin, path, args...)
}

// execWithin is Exec killing the program after d.
func execWithin(t testing.TB, d time.Duration, dir string, env []string, stdin, path string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = time.Second // a killed wrapper's children must not hold the pipes open
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s %v: %v", filepath.Base(path), args, err)
	}
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// AMQPURI is the AMQP URI for user/password in vhost.
func (b *Broker) AMQPURI(user, password, vhost string) string {
	u, _ := url.Parse(b.AMQPURL)
	u.User = url.UserPassword(user, password)
	u.Path = "/" + vhost
	u.RawPath = "/" + url.PathEscape(vhost)
	return u.String()
}

// Dial opens an AMQP connection as user in vhost.
func (b *Broker) Dial(user, password, vhost string) (*amqp.Connection, error) {
	return amqp.DialConfig(b.AMQPURI(user, password, vhost), amqp.Config{
		Dial: amqp.DefaultDial(5 * time.Second), Locale: "en_US",
	})
}

// Eventually polls cond until it returns nil or the deadline passes, then fails with
// its last error. The management API's counters lag, so tests poll; they never sleep
// a fixed time.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for {
		if err = cond(); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
