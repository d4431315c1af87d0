package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBinary builds the real rmqctl binary once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rmqctl")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/rmqctl/rmqctl/cmd/rmqctl").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// A password typed at a terminal is not echoed, and never shows in the output. The
// terminal is a real pty made by script(1).
func TestPasswordFromTerminalIsNotEchoed(t *testing.T) {
	b := brokertest.Require(t)
	script, err := exec.LookPath("script")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("script(1) is needed to test terminal input (Debian package bsdutils)")
		}
		t.Skip("script(1) not installed")
	}
	bin := buildBinary(t)
	user := brokertest.Name("tty")
	cleanupUser(t, b, user)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "-q", "-e", "-c", bin+" add_user "+user, "/dev/null")
	cmd.Env = append(os.Environ(), "RMQCTL_URL="+b.URL)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	// Type the password once the prompt is up.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Password: ") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	_, err = stdin.Write([]byte("tty-Secret-42\r"))
	require.NoError(t, err)
	err = cmd.Wait()
	stdin.Close()
	require.NoError(t, err, "%s", out.String())

	assert.Contains(t, out.String(), "Adding user \""+user+"\" ...")
	assert.Contains(t, out.String(), "Password: ")
	assert.NotContains(t, out.String(), "tty-Secret-42", "the typed password was echoed")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	assert.NoError(t, publishAndConsume(b, user, "tty-Secret-42", "/", "typed"), "the typed password was stored")
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The process itself: exit codes reach the shell and stdout/stderr are separate.
func TestBinaryExitCodesAndStreams(t *testing.T) {
	b := brokertest.Require(t)
	bin := buildBinary(t)
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "RMQCTL_URL="+b.URL)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return out.String(), errOut.String(), code
	}
	out, _, code := run("list_users")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "Listing users ...\nuser\ttags\n"), out)
	out, errOut, code := run("delete_user", brokertest.Name("nosuch"))
	assert.True(t, strings.HasPrefix(out, "Deleting user "))
	if has(t, b, compat.DeleteMissingUserSucceeds) {
		assert.Equal(t, 0, code, "3.12+: deleting a missing user succeeds")
		assert.Empty(t, errOut)
	} else {
		assert.Equal(t, 67, code)
		assert.True(t, strings.HasPrefix(errOut, "Error:\nUser "))
	}
	_, errOut, code = run("--url", "http://127.0.0.1:1", "list_users")
	assert.Equal(t, 69, code)
	assert.Contains(t, errOut, "connection refused")
	out, _, code = run("version")
	assert.Equal(t, 0, code)
	assert.NotEmpty(t, strings.TrimSpace(out))
}

// The generated bash script, sourced by a real bash, completes commands and live names.
func TestBashCompletionScript(t *testing.T) {
	b := brokertest.Require(t)
	if _, err := os.Stat("/usr/share/bash-completion/bash_completion"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bash-completion is not installed (make test installs it)")
		}
		t.Skip("bash-completion not installed: run make test")
	}
	bin := buildBinary(t)
	// A sibling tool is the same binary under the tool's name.
	require.NoError(t, os.Symlink(bin, filepath.Join(filepath.Dir(bin), "rabbitmq-queues")))
	complete := func(line string) []string {
		t.Helper()
		prog := strings.Fields(line)[0]
		script := `source /usr/share/bash-completion/bash_completion
source <(` + prog + ` completion bash)
COMP_LINE="` + line + `"
COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_` + prog + ` ` + prog + ` "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "RMQCTL_URL="+b.URL)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr // compopt complains outside a real completion context
		out, err := cmd.Output()
		require.NoError(t, err, "%s", stderr.String())
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				got = append(got, l)
			}
		}
		return got
	}
	assert.ElementsMatch(t, []string{"add_user", "add_vhost"}, complete("rmqctl add_"))
	assert.Contains(t, complete("rmqctl delete_user "), "guest", "live user names from the broker")
	assert.Contains(t, complete("rmqctl list_queues name "), "messages", "columns")
	assert.Contains(t, complete("rmqctl list_users --formatter "), "json")

	// Each tool completes its own commands and live names.
	mustRmq(t, b, "declare_queue", "completion-qq", "--type", "quorum")
	t.Cleanup(func() { rmq(t, b, "", "delete_queue", "completion-qq") })
	assert.ElementsMatch(t, []string{"quorum_status"}, complete("rabbitmq-queues quorum_st"))
	assert.Contains(t, complete("rabbitmq-queues quorum_status "), "completion-qq", "live queue names")
	assert.Contains(t, complete("rabbitmq-queues add_member completion-qq "), b.Node, "live node names")
	assert.ElementsMatch(t, []string{"all", "even"}, complete("rabbitmq-queues grow "+b.Node+" "))
	assert.Contains(t, complete("rmqctl queues quorum_status "), "completion-qq", "rmqctl <tool> completes the same")
}
