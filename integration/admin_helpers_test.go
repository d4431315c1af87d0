package integration

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/cmd/admin"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adminEnv runs the real rabbitmqadmin v1 script (python3) and rmqctl's admin command
// set with the same command lines against the same broker. Both see the same HOME,
// whose ~/.rabbitmqadmin.conf points the [default] section at the test broker, so
// the command lines are the real-world ones, without connection options.
type adminEnv struct {
	b    *brokertest.Broker
	home string
	// script is a symlink named rabbitmqadmin to the real script, so that v1 names
	// itself "rabbitmqadmin" in its messages as an installed copy does.
	script string
	host   string
	port   string
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	b := brokertest.RequireRabbitmqadminV1(t)
	u, err := url.Parse(b.URL)
	require.NoError(t, err)
	e := &adminEnv{b: b, home: t.TempDir(), host: u.Hostname(), port: u.Port()}
	bin := t.TempDir()
	e.script = filepath.Join(bin, "rabbitmqadmin")
	require.NoError(t, os.Symlink(b.RabbitmqadminV1, e.script))
	require.NoError(t, os.WriteFile(filepath.Join(e.home, ".rabbitmqadmin.conf"),
		[]byte("[default]\nhostname = "+e.host+"\nport = "+e.port+"\n"), 0o600))
	return e
}

// v1 runs the real script.
func (e *adminEnv) v1(t *testing.T, stdin string, args ...string) brokertest.Result {
	t.Helper()
	// v1 looks for its config file in $USERPROFILE first
	return brokertest.Exec(t, e.home, []string{"HOME=" + e.home, "USERPROFILE=", "LC_ALL=C.UTF-8", "LANG=C.UTF-8"},
		stdin, v1Python(), append([]string{e.script}, args...)...)
}

var (
	pythonOnce sync.Once
	pythonPath string
)

// v1Python is the interpreter to run v1 with: the one its shebang names
// (/usr/bin/python3), else python3 from PATH resolved once to its real executable
// (a pyenv shim costs seconds per call on a loaded machine).
func v1Python() string {
	pythonOnce.Do(func() {
		pythonPath = "python3"
		if st, err := os.Stat("/usr/bin/python3"); err == nil && st.Mode()&0o111 != 0 {
			pythonPath = "/usr/bin/python3"
			return
		}
		if out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
			pythonPath = string(bytes.TrimSpace(out))
		}
	})
	return pythonPath
}

// ours runs rmqctl's admin command set in-process, as the binary named rabbitmqadmin.
func (e *adminEnv) ours(t *testing.T, stdin string, args ...string) brokertest.Result {
	t.Helper()
	ios, in, out, errOut := output.Test()
	in.WriteString(stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := map[string]string{"HOME": e.home}
	code := admin.Main(ctx, "rabbitmqadmin", args, ios, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	return brokertest.Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// same runs both and requires byte-identical stdout and stderr and the same exit code.
// Commands that only read run side by side (Python's start-up dominates the time).
func (e *adminEnv) same(t *testing.T, stdin string, args ...string) brokertest.Result {
	t.Helper()
	return e.sameBut(t, func(s string) string { return s }, stdin, args...)
}

// sameBut is same with both stdouts passed through norm first (to blank out
// counters that move between the two requests).
func (e *adminEnv) sameBut(t *testing.T, norm func(string) string, stdin string, args ...string) brokertest.Result {
	t.Helper()
	var want, got brokertest.Result
	if slices.ContainsFunc(args, func(a string) bool { return slices.Contains(writingVerbs, a) }) {
		want = e.v1(t, stdin, args...)
		got = e.ours(t, stdin, args...)
	} else {
		done := make(chan struct{})
		go func() {
			defer close(done)
			got = e.ours(t, stdin, args...)
		}()
		want = e.v1(t, stdin, args...)
		<-done
	}
	normWant, normGot := want, got
	normWant.Stdout, normGot.Stdout = norm(want.Stdout), norm(got.Stdout)
	assertSameResult(t, normWant, normGot, strings.Join(args, " "))
	return got
}

// writingVerbs are the verbs that may change the broker or a file.
var writingVerbs = []string{"declare", "delete", "close", "purge", "publish", "get", "import", "export"}

func assertSameResult(t *testing.T, want, got brokertest.Result, label string) {
	t.Helper()
	assert.Equal(t, want.Stdout, got.Stdout, "stdout of %q", label)
	assert.Equal(t, want.Stderr, got.Stderr, "stderr of %q", label)
	assert.Equal(t, want.Code, got.Code, "exit code of %q (v1 stderr: %s)", label, want.Stderr)
}

// sameEffect runs a command that changes the broker: reset, v1, look; reset, ours,
// look. The outputs must be identical and so must what look sees afterwards.
func (e *adminEnv) sameEffect(t *testing.T, reset func(), look func() string, stdin string, args ...string) brokertest.Result {
	t.Helper()
	reset()
	want := e.v1(t, stdin, args...)
	wantState := look()
	reset()
	got := e.ours(t, stdin, args...)
	gotState := look()
	label := strings.Join(args, " ")
	assertSameResult(t, want, got, label)
	assert.Equal(t, wantState, gotState, "broker state after %q", label)
	return got
}

// ok runs ours and requires exit 0.
func (e *adminEnv) ok(t *testing.T, args ...string) string {
	t.Helper()
	r := e.ours(t, "", args...)
	require.Equal(t, 0, r.Code, "rabbitmqadmin %v: %s", args, r.Stderr)
	return r.Stdout
}

// quietly runs ours and ignores the outcome (cleanup, resets).
func (e *adminEnv) quietly(t *testing.T, args ...string) { e.ours(t, "", args...) }

// api GETs an API path as guest and returns the body ("404" when there is none).
func (e *adminEnv) api(t *testing.T, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.b.URL+"/api"+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth("guest", "guest")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return "404"
	}
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, body)
	return string(body)
}

// v1Is310 reports whether the real script is 3.10.8's, which knows no
// default_queue_type for `declare vhost` and no 405 answer.
func (e *adminEnv) v1Is310() bool { return strings.HasPrefix(e.b.Version, "3.10") }
