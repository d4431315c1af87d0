package integration

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The one-liners of CI scripts and Docker images, run by a real bash with a
// `rabbitmqadmin` on PATH: once the real v1 script, once the rmqctl binary through a
// symlink. (The originals act on every vhost; these keep to the test's own with -V.)
func TestAdminDifferentialShellOneLiners(t *testing.T) {
	e := newAdminEnv(t)
	rmqctl := buildBinary(t)
	v1Dir, oursDir := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(v1Dir, "rabbitmqadmin"),
		[]byte("#!/bin/sh\nexec "+v1Python()+" "+e.script+" \"$@\"\n"), 0o755))
	require.NoError(t, os.Symlink(rmqctl, filepath.Join(oursDir, "rabbitmqadmin")))
	v := newAdminVhost(t, e, "adm-sh")
	closed := closedLoopbackPort(t)

	shell := func(dir, script string) brokertest.Result {
		return brokertest.Exec(t, t.TempDir(), []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "HOME=" + e.home, "USERPROFILE=",
			"V=" + v, "CLOSED=" + closed, "LC_ALL=C.UTF-8"}, "", "bash", "-c", script)
	}
	queues := func() string { return e.ok(t, "-V", v, "-f", "tsv", "-q", "list", "queues", "name") }
	three := func() {
		for _, q := range []string{"a", "b c", "d"} {
			e.ok(t, "-V", v, "declare", "queue", "name="+q)
		}
	}
	satellite := func() {
		e.ok(t, "-V", v, "declare", "exchange", "name=satellite", "type=topic")
		e.ok(t, "-V", v, "declare", "queue", "name=sat")
		e.ok(t, "-V", v, "purge", "queue", "name=sat")
		e.ok(t, "-V", v, "declare", "binding", "source=satellite", "destination=sat", "routing_key=a.#")
	}
	cases := []struct {
		script string
		setup  func()
		look   func() string
		want   string // in stdout: the line did what it says
	}{
		{`rabbitmqadmin -V "$V" -f tsv -q list queues name | while read q; do rabbitmqadmin -V "$V" -q delete queue name="$q"; done; rabbitmqadmin -V "$V" list queues`, three, queues, "No items\n"},
		{`rabbitmqadmin -V "$V" -f tsv -q list queues name | xargs -I qn rabbitmqadmin -V "$V" delete queue name=qn`, three, queues, "queue deleted\nqueue deleted\nqueue deleted\n"},
		{`rabbitmqadmin -V "$V" purge queue name=a && rabbitmqadmin -V "$V" list queues name`, three, queues, "queue purged\n+------+\n| name |\n"},
		{`rabbitmqadmin -V "$V" publish exchange=satellite routing_key="a.b.c" payload='{"a": 1}' && ` +
			`rabbitmqadmin -V "$V" get queue=sat ackmode=ack_requeue_false count=10`, satellite, queues, "| a.b.c       | satellite | 0             | {\"a\": 1}"},
		{`rabbitmqadmin -V "$V" export defs.json && rabbitmqadmin -V "$V" -q import defs.json && ` +
			`rabbitmqadmin -V "$V" import defs.json --username=guest --password=guest`, three, queues, "Exported definitions for "},
		{`rabbitmqadmin show overview -f raw_json | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)[0])[:3])'`, func() {}, queues, "['"},
		{`until rabbitmqadmin show overview >/dev/null; do sleep 1; done; echo ready`, func() {}, queues, "ready\n"},
		{`rabbitmqadmin -P "$CLOSED" show overview; echo "exit $?"`, func() {}, queues, "exit 1\n"},
		{`rabbitmqadmin --nosuch-option 2>/dev/null; echo "exit $?"`, func() {}, queues, "exit 2\n"},
	}
	for _, c := range cases {
		e.quietly(t, "delete", "vhost", "name="+v)
		e.ok(t, "declare", "vhost", "name="+v)
		c.setup()
		want := shell(v1Dir, c.script)
		wantState := c.look()
		e.quietly(t, "delete", "vhost", "name="+v)
		e.ok(t, "declare", "vhost", "name="+v)
		c.setup()
		got := shell(oursDir, c.script)
		assertSameResult(t, want, got, c.script)
		assert.Contains(t, got.Stdout, c.want, c.script)
		assert.Equal(t, wantState, c.look(), "broker state after %s", c.script)
	}
	assert.Contains(t, shell(oursDir, `rabbitmqadmin -V "$V" list queues name; echo "exit $?"`).Stdout, "exit 0")
	r := shell(oursDir, `rabbitmqadmin -P "$CLOSED" show overview; echo "exit $?"`)
	assert.Equal(t, "exit 1\n", r.Stdout, "the readiness loop's test fails while the broker is down")

	t.Run("rmqctl admin and the symlink are the same program", func(t *testing.T) {
		for _, args := range [][]string{
			{"-V", v, "list", "queues"}, {"--version"}, {"help", "subcommands"}, {"-f", "kvp", "list", "vhosts", "name"},
			{"list", "nosuch"}, {"--nosuch"}, {"-V", v, "declare", "queue", "name=sym"},
		} {
			sym := runProgram(t, filepath.Join(oursDir, "rabbitmqadmin"), e.home, "", args...)
			sub := runProgram(t, rmqctl, e.home, "", append([]string{"admin"}, args...)...)
			assert.Equal(t, sym.Code, sub.Code, "%v", args)
			assert.Equal(t, sym.Stdout, sub.Stdout, "%v", args)
			assert.Equal(t, strings.ReplaceAll(sym.Stderr, "rabbitmqadmin: error", "rmqctl admin: error"),
				strings.ReplaceAll(sub.Stderr, "rmqctl admin --help", "rabbitmqadmin --help"), "%v: the program names itself", args)
		}
		// the Docker images' build check, without a broker: rmqctl's own version
		r := runProgram(t, filepath.Join(oursDir, "rabbitmqadmin"), t.TempDir(), "", "-P", closed, "--version")
		assert.Equal(t, 0, r.Code)
		assert.Regexp(t, regexp.MustCompile(`^rabbitmqadmin [\w.\-+]+\n$`), r.Stdout)
		r = runProgram(t, filepath.Join(oursDir, "rabbitmqadmin"), e.home, "", "--version")
		assert.Equal(t, "rabbitmqadmin "+e.b.Version+"\n", r.Stdout, "with a broker: its version, as the script it served said")
	})
}

// closedLoopbackPort is a loopback port where nothing listens.
func closedLoopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	require.NoError(t, l.Close())
	return port
}
