package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every error path v1 has a message for: optparse's errors (exit 2), its usage
// errors, JSON that does not parse, the broker's 400/401/404 answers, a refused
// connection, a bad config file; and what -q silences. Same bytes, same exit code.
func TestAdminDifferentialErrors(t *testing.T) {
	e := newAdminEnv(t)
	v := newAdminVhost(t, e, "adm-err")
	u := brokertest.Name("adm-nomgmt")
	t.Cleanup(func() { e.quietly(t, "delete", "user", "name="+u) })
	e.ok(t, "declare", "user", "name="+u, "password=pw", "tags=")
	e.ok(t, "declare", "permission", "vhost="+v, "user="+u, "configure=.*", "write=.*", "read=.*")
	e.ok(t, "-V", v, "declare", "queue", "name=q")

	closedPort := closedLoopbackPort(t)

	dir := t.TempDir()
	noSection := filepath.Join(dir, "nosection.conf")
	require.NoError(t, os.WriteFile(noSection, []byte("[other]\nport = 1\n"), 0o600))

	cases := [][]string{
		// optparse
		{"--nosuch", "list", "queues"}, {"-x"}, {"-V"}, {"--vhost"}, {"--pa", "x", "list", "users"}, {"--s"},
		{"-t", "abc", "list", "users"}, {"--quiet=yes", "list", "users"}, {"list", "users", "--format"},
		// usage
		{}, {"frobnicate"}, {"list", "nosuch"}, {"show", "nosuch"}, {"declare"}, {"declare", "nosuch"}, {"delete", "nosuch"},
		{"close"}, {"close", "channel"}, {"purge", "exchange"}, {"declare", "queue"}, {"declare", "queue", "name"},
		{"declare", "queue", "name=q", "nosuch=1"}, {"declare", "queue", "name=q", "Name=q"},
		{"declare", "user", "name=x", "tags="}, {"declare", "user", "name=x", "password=p"},
		{"declare", "binding", "source=a"}, {"delete", "binding", "source=a", "destination=b"},
		{"declare", "permission", "vhost=/", "user=guest", "configure=.*", "write=.*"},
		{"publish"}, {"publish", "payload=x"}, {"get"}, {"get", "queue=q", "payload_file=/tmp/x", "count=2"},
		{"export"}, {"export", "a", "b"}, {"import"}, {"help", "astronomy"}, {"help", "a", "b"},
		{"-c", filepath.Join(dir, "nosuch.conf"), "list", "users"}, {"-c", dir, "list", "users"},
		{"-c", noSection, "-N", "nosuch", "list", "users"},
		// JSON
		{"declare", "queue", "name=q", "arguments={bad"}, {"declare", "policy", "name=p", "pattern=.*", "definition="},
		{"declare", "vhost_limit", "vhost=/", "name=max-queues", "value=ten"}, {"publish", "routing_key=k", "properties=[1,"},
		// the broker's answers
		{"-V", v, "declare", "exchange", "name=x", "type=nosuch"},
		{"-V", v, "declare", "queue", "name=q", "durable=false"},
		{"-V", v, "declare", "queue", "name=q2", `arguments={"x-max-length":"ten"}`},
		{"declare", "user", "name=" + u, "password_hash=not-base64-encoded", "tags="},
		{"-V", v, "declare", "policy", "name=p", "pattern=.*", `definition={"nosuch-key":1}`},
		{"-V", v, "declare", "policy", "name=p", "pattern=.*", `definition={"max-length":1}`, "apply-to=nothing"},
		{"-V", v, "declare", "parameter", "component=nosuch", "name=x", "value=1"},
		{"declare", "permission", "vhost=" + v, "user=no-such-user", "configure=.*", "write=.*", "read=.*"},
		{"-V", v, "declare", "binding", "source=amq.direct", "destination=nosuch"},
		{"-V", v, "publish", "exchange=nosuch", "routing_key=x", "payload=y"},
		{"-V", v, "get", "queue=nosuch"},
		{"-V", "no-such-vhost", "list", "queues"}, {"-V", "no-such-vhost", "declare", "queue", "name=q"},
		{"-V", v, "delete", "queue", "name=nosuch"}, {"-V", v, "purge", "queue", "name=nosuch"},
		{"delete", "user", "name=no-such-user"}, {"-V", v, "delete", "binding", "source=amq.direct", "destination_type=queue", "destination=q", "properties_key=nosuch"},
		{"-u", "no-such-user", "list", "vhosts"}, {"-p", "wrong", "list", "queues", "name"},
		{"-u", u, "-p", "pw", "list", "users"}, {"-u", u, "-p", "pw", "-V", v, "list", "queues"},
		{"-H", "127.0.0.1", "-P", closedPort, "list", "users"},
		{"--base-uri", "http://127.0.0.1:" + closedPort + "/", "show", "overview"},
	}
	for _, args := range cases {
		r := e.same(t, "", args...)
		assert.NotEqual(t, 0, r.Code, "%v must fail", args)
		assert.NotEmpty(t, r.Stderr, "%v", args)
		assert.Empty(t, r.Stdout, "%v", args)
	}

	// a 500 answer: v1 raises an exception (traceback); rmqctl says the same in one
	// line (4.3 answers a bad ackmode with a 400, which v1 prints as any other)
	for _, args := range [][]string{
		{"-V", v, "declare", "binding", "source=amq.direct", "destination=q", "destination_type=QUEUE"},
		{"-V", v, "get", "queue=q", "ackmode=nosuch"},
	} {
		want, got := e.v1(t, "", args...), e.ours(t, "", args...)
		assert.Equal(t, 1, want.Code)
		assert.Equal(t, 1, got.Code)
		if !strings.Contains(want.Stderr, "Traceback") {
			assertSameResult(t, want, got, strings.Join(args, " "))
			continue
		}
		line := got.Stderr[:strings.IndexByte(got.Stderr, '\n')]
		assert.True(t, strings.HasPrefix(line, "*** Received response 500 Internal Server Error for path /api/"), got.Stderr)
		assert.Contains(t, want.Stderr, "Exception: "+strings.TrimPrefix(line, "*** "))
	}

	t.Run("what -q silences", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "defs.json")
		declared := func() { e.ok(t, "-V", v, "declare", "queue", "name=q3") }
		for _, c := range []struct {
			setup func()
			args  []string
		}{
			{func() {}, []string{"-V", v, "declare", "queue", "name=q3"}},
			{declared, []string{"-V", v, "purge", "queue", "name=q3"}},
			{declared, []string{"-V", v, "publish", "routing_key=q3", "payload=x"}},
			{declared, []string{"-V", v, "publish", "routing_key=none", "payload=x"}},
			{declared, []string{"-V", v, "export", file}},
			{declared, []string{"-V", v, "import", file}},
			{declared, []string{"-V", v, "delete", "queue", "name=q3"}},
			{declared, []string{"-V", v, "list", "policies", "name"}},
			{declared, []string{"-V", v, "-f", "tsv", "list", "queues", "name"}},
		} {
			var loud, quiet brokertest.Result
			for _, q := range []bool{false, true} {
				args := c.args
				if q {
					args = append([]string{"-q"}, args...)
				}
				c.setup()
				want := e.v1(t, "", args...)
				c.setup()
				got := e.ours(t, "", args...)
				assertSameResult(t, want, got, strings.Join(args, " "))
				if q {
					quiet = got
				} else {
					loud = got
				}
			}
			assert.Equal(t, 0, loud.Code, "%v: %s", c.args, loud.Stderr)
			assert.NotEqual(t, loud.Stdout, quiet.Stdout, "-q silences something of %v", c.args)
		}
		r := e.same(t, "", "-q", "--base-uri", "http://"+e.host+":"+e.port+"/api", "list", "users", "name")
		assert.Equal(t, "WARNING: path in --base-uri is ignored. Please specify --vhost and/or --path-prefix separately.\n\n", r.Stderr,
			"-q does not silence the warning")
	})

	t.Run("unreadable payload file", func(t *testing.T) {
		e.ok(t, "-V", v, "publish", "routing_key=q", "payload=hello")
		bad := filepath.Join(t.TempDir(), "no", "such", "dir")
		want := e.v1(t, "", "-V", v, "get", "queue=q", "payload_file="+bad)
		got := e.ours(t, "", "-V", v, "get", "queue=q", "payload_file="+bad)
		assert.Equal(t, 1, want.Code)
		assert.Equal(t, 1, got.Code)
		assert.Equal(t, "*** [Errno 2] No such file or directory: '"+bad+"'\n\n", got.Stderr)
		assert.Contains(t, want.Stderr, "FileNotFoundError: [Errno 2] No such file or directory: '"+bad+"'")
	})
}
