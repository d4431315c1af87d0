package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command lines real projects run (reference rabbitmqadmin-v1.md §11), exactly
// as they write them: no connection options (the [default] section of
// ~/.rabbitmqadmin.conf says where the broker is), options after the verb, long-option
// prefixes, -c with a config file. Each prints what v1 prints and leaves the broker
// as v1 leaves it. Names are the test's own; a policy's pattern matches nothing else.
func TestAdminDifferentialRealWorld(t *testing.T) {
	e := newAdminEnv(t)
	v := newAdminVhost(t, e, "adm-rw")
	n := func(s string) string { return brokertest.Name("tc-" + s) }
	q, q2, x, u, pol, opol := n("q"), n("q2"), n("x"), n("u"), n("max length policy"), n("op")
	for _, cleanup := range [][]string{
		{"delete", "queue", "name=" + q}, {"delete", "exchange", "name=" + x}, {"delete", "user", "name=" + u},
		{"delete", "policy", "name=" + pol}, {"delete", "operator_policy", "name=" + opol}, {"delete", "vhost", "name=" + v + "-tc"},
	} {
		t.Cleanup(func() { e.quietly(t, cleanup...) })
	}
	type line struct {
		args  []string
		reset []string // undoes the line (run before v1 and before rmqctl)
		look  string   // API path read back after it
	}
	tc := []line{
		// Testcontainers' RabbitMQContainer (Java) and testcontainers-go
		{[]string{"declare", "queue", "name=" + q}, []string{"delete", "queue", "name=" + q}, "/queues/%2F/" + q + "?columns=name,durable,auto_delete,arguments"},
		{[]string{"--vhost=" + v, "declare", "queue", "name=" + q}, []string{"--vhost=" + v, "delete", "queue", "name=" + q}, "/queues/" + v + "/" + q + "?columns=name,durable"},
		{[]string{"declare", "queue", "name=" + q, "auto_delete=false", "durable=false", `arguments={"x-message-ttl":1000}`},
			[]string{"delete", "queue", "name=" + q}, "/queues/%2F/" + q + "?columns=name,durable,auto_delete,arguments"},
		{[]string{"--vhost=" + v, "declare", "queue", "name=" + q2, "auto_delete=true", "durable=true", `arguments={"x-max-length":2}`},
			[]string{"--vhost=" + v, "delete", "queue", "name=" + q2}, "/queues/" + v + "/" + q2 + "?columns=name,durable,auto_delete,arguments"},
		{[]string{"declare", "exchange", "name=" + x, "type=direct"}, []string{"delete", "exchange", "name=" + x}, "/exchanges/%2F/" + x},
		{[]string{"--vhost=" + v, "declare", "exchange", "name=" + x, "type=fanout"}, []string{"--vhost=" + v, "delete", "exchange", "name=" + x}, "/exchanges/" + v + "/" + x},
		{[]string{"--vhost=" + v, "declare", "exchange", "name=" + x, "type=headers", "auto_delete=false", "internal=false", "durable=true", `arguments={"a":"b"}`},
			[]string{"--vhost=" + v, "delete", "exchange", "name=" + x}, "/exchanges/" + v + "/" + x},
		{[]string{"--vhost=" + v, "declare", "binding", "source=" + x, "destination=" + q}, []string{"--vhost=" + v, "delete", "binding", "source=" + x, "destination_type=queue", "destination=" + q},
			"/bindings/" + v + "/e/" + x + "/q/" + q},
		{[]string{"--vhost=" + v, "declare", "binding", "source=" + x, "destination=" + q, "routing_key=rk", "destination_type=queue", `arguments={"x-match":"any"}`},
			nil, "/bindings/" + v + "/e/" + x + "/q/" + q},
		{[]string{"declare", "parameter", "component=vhost-limits", "name=limits", `value={"max-queues":5}`, "--vhost=" + v}, []string{"--vhost=" + v, "delete", "parameter", "component=vhost-limits", "name=limits"},
			"/parameters/vhost-limits/" + v + "/limits"},
		{[]string{"declare", "user", "name=" + u, "password=secret", "tags="}, []string{"delete", "user", "name=" + u}, "/users/" + u + "?columns=name,tags"},
		{[]string{"declare", "user", "name=" + u, "password=secret", "tags=administrator,management"}, []string{"delete", "user", "name=" + u}, "/users/" + u + "?columns=name,tags"},
		{[]string{"declare", "permission", "vhost=" + v, "user=" + u, "configure=.*", "write=.*", "read=.*"}, []string{"delete", "permission", "vhost=" + v, "user=" + u}, "/permissions/" + v + "/" + u},
		{[]string{"declare", "policy", "name=" + pol, "pattern=^" + pol + "$", `definition={"max-length":5}`}, []string{"delete", "policy", "name=" + pol},
			"/policies/%2F/" + strings.ReplaceAll(pol, " ", "%20")},
		{[]string{"declare", "policy", "--vhost=" + v, "name=" + pol, "pattern=^q$", `definition={"max-length":5}`}, []string{"--vhost=" + v, "delete", "policy", "name=" + pol},
			"/policies/" + v + "/" + strings.ReplaceAll(pol, " ", "%20")},
		{[]string{"declare", "policy", "name=" + pol, "pattern=^" + pol + "$", "priority=1", "apply-to=queues", `definition={"max-length":5}`}, []string{"delete", "policy", "name=" + pol},
			"/policies/%2F/" + strings.ReplaceAll(pol, " ", "%20")},
		{[]string{"declare", "operator_policy", "name=" + opol, "pattern=^" + opol + "$", "priority=1", "apply-to=queues", `definition={"message-ttl":3}`},
			[]string{"delete", "operator_policy", "name=" + opol}, "/operator-policies/%2F/" + opol},
		{[]string{"declare", "vhost", "name=" + v + "-tc"}, []string{"delete", "vhost", "name=" + v + "-tc"}, "/vhosts/" + v + "-tc?columns=name,tracing"},
		{[]string{"declare", "vhost", "name=" + v + "-tc", "tracing=true"}, []string{"delete", "vhost", "name=" + v + "-tc"}, "/vhosts/" + v + "-tc?columns=name,tracing"},
		{[]string{"declare", "vhost_limit", "vhost=" + v, "name=max-connections", "value=10"}, []string{"delete", "vhost_limit", "vhost=" + v, "name=max-connections"}, "/vhost-limits/" + v},
		{[]string{"declare", "vhost_limit", "vhost=" + v, "name=max-queues", "value=20"}, []string{"delete", "vhost_limit", "vhost=" + v, "name=max-queues"}, "/vhost-limits/" + v},
		// Ansible tasks (command: rabbitmqadmin …)
		{[]string{"declare", "queue", "name=" + q, "durable=true"}, []string{"delete", "queue", "name=" + q}, "/queues/%2F/" + q + "?columns=name,durable"},
		{[]string{"declare", "exchange", "name=" + x, "type=topic"}, []string{"delete", "exchange", "name=" + x}, "/exchanges/%2F/" + x},
		{[]string{"declare", "binding", "source=" + x, "destination_type=queue", "destination=" + q, "routing_key=a.b"},
			[]string{"delete", "binding", "source=" + x, "destination_type=queue", "destination=" + q, "properties_key=a.b"}, "/bindings/%2F/e/" + x + "/q/" + q},
	}
	for _, l := range tc {
		reset := func() {}
		if l.reset != nil {
			reset = func() { e.quietly(t, l.reset...) }
		}
		r := e.sameEffect(t, reset, func() string { return normalizeJSON(t, e.api(t, l.look), nil) }, "", l.args...)
		assert.Equal(t, 0, r.Code, "%v: %s", l.args, r.Stderr)
	}
	// Testcontainers' tests read back with list …, and contains(…) on the table
	for _, args := range [][]string{
		{"list", "queues"}, {"list", "exchanges"}, {"list", "bindings"}, {"list", "users"}, {"list", "policies"},
		{"list", "operator_policies"}, {"list", "policies", "--vhost=" + v}, {"list", "vhosts"}, {"list", "permissions"},
	} {
		r := e.same(t, "", args...)
		assert.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
	}
	assert.Contains(t, e.ok(t, "list", "policies", "--vhost="+v), pol, "-V does not filter policies")

	t.Run("puppet", func(t *testing.T) {
		conf := filepath.Join(t.TempDir(), "rabbitmqadmin.conf")
		require.NoError(t, os.WriteFile(conf, []byte("[default]\nport = "+e.port+"\nhostname = "+e.host+"\n"), 0o600))
		common := []string{"--vhost=" + v, "--user=guest", "--password=guest"}
		pq, px := n("pq"), n("px")
		lines := []line{
			{append(append([]string{"declare", "queue"}, common...), "-c", conf, "name="+pq, "durable=true", "auto_delete=false", `arguments={"x-max-priority":3}`),
				[]string{"-V", v, "delete", "queue", "name=" + pq}, "/queues/" + v + "/" + pq + "?columns=name,durable,auto_delete,arguments"},
			{append(append([]string{"declare", "exchange"}, common...), "name="+px, "type=topic", "internal=false", "durable=true", "auto_delete=false", "arguments={}", "-c", conf),
				[]string{"-V", v, "delete", "exchange", "name=" + px}, "/exchanges/" + v + "/" + px},
			{append(append([]string{"declare", "binding"}, common...), "-c", conf, "source="+px, "destination="+pq, "arguments={}", "routing_key=r.k", "destination_type=queue"),
				[]string{"-V", v, "delete", "binding", "source=" + px, "destination_type=queue", "destination=" + pq, "properties_key=r.k"}, "/bindings/" + v + "/e/" + px + "/q/" + pq},
			{append(append([]string{"delete", "binding"}, common...), "-c", conf, "source="+px, "destination_type=queue", "destination="+pq, "properties_key=r.k"),
				[]string{"-V", v, "declare", "binding", "source=" + px, "destination=" + pq, "routing_key=r.k"}, "/bindings/" + v + "/e/" + px + "/q/" + pq},
			{append(append([]string{"delete", "exchange"}, common...), "name="+px, "-c", conf),
				[]string{"-V", v, "declare", "exchange", "name=" + px, "type=topic"}, "/exchanges/" + v + "/" + px},
			{append(append([]string{"delete", "queue"}, common...), "-c", conf, "name="+pq),
				[]string{"-V", v, "declare", "queue", "name=" + pq}, "/queues/" + v + "/" + pq + "?columns=name"},
		}
		for _, l := range lines {
			r := e.sameEffect(t, func() { e.quietly(t, l.reset...) }, func() string { return normalizeJSON(t, e.api(t, l.look), nil) }, "", l.args...)
			assert.Equal(t, 0, r.Code, "%v: %s", l.args, r.Stderr)
		}
		// --vhost= may be empty when Puppet knows none: the default vhost
		e.sameEffect(t, func() { e.quietly(t, "delete", "queue", "name="+pq) }, func() string { return e.api(t, "/queues/%2F/"+pq+"?columns=name") },
			"", "declare", "queue", "--vhost=", "--user=guest", "--password=guest", "-c", conf, "name="+pq)
		e.quietly(t, "delete", "queue", "name="+pq)
		// lib/facter/rabbitmq_version.rb: `rabbitmqadmin --version 2>&1` =~ /^rabbitmqadmin ([\w.]+)/
		r := e.ours(t, "", "--version")
		m := regexp.MustCompile(`^rabbitmqadmin ([\w.]+)`).FindStringSubmatch(r.Stdout + r.Stderr)
		require.NotNil(t, m, r.Stdout)
		assert.Equal(t, e.b.Version, m[1], "the fact is the broker's RabbitMQ version")
	})
}

// The seed's scenario in v1 syntax: a user, its permission, queue xiaosusu
// (durable=false), a real AMQP produce and consume as that user, then `list queues
// name messages`. v1 and rmqctl each run it in a vhost of their own and print the
// same bytes; rmqctl runs as the real binary invoked through a rabbitmqadmin symlink.
func TestAdminSeedScenario(t *testing.T) {
	e := newAdminEnv(t)
	bin := filepath.Join(t.TempDir(), "rabbitmqadmin")
	require.NoError(t, os.Symlink(buildBinary(t), bin))
	scenario := func(run func(stdin string, args ...string) brokertest.Result) []brokertest.Result {
		v, user := brokertest.Name("adm-seed"), brokertest.Name("junesu")
		t.Cleanup(func() { e.quietly(t, "delete", "vhost", "name="+v); e.quietly(t, "delete", "user", "name="+user) })
		var outs []brokertest.Result
		do := func(args ...string) {
			r := run("", args...)
			require.Equal(t, 0, r.Code, "%v: %s", args, r.Stderr)
			outs = append(outs, r)
		}
		do("declare", "vhost", "name="+v)
		do("declare", "user", "name="+user, "password=123456", "tags=")
		do("declare", "permission", "vhost="+v, "user="+user, "configure=.*", "write=.*", "read=.*")
		do("--vhost="+v, "declare", "queue", "name=xiaosusu", "durable=false")
		// the producer and the consumer log in as the new user
		conn, ch, err := confirmChannel(e.b, user, "123456", v)
		require.NoError(t, err)
		defer conn.Close()
		for _, body := range []string{"hello world", "second"} {
			publishConfirmed(t, ch, "", "xiaosusu", body)
		}
		msg, ok, err := ch.Get("xiaosusu", true)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "hello world", string(msg.Body))
		// the message counters lag: wait until one message is left
		brokertest.Eventually(t, 30*time.Second, func() error {
			if r := run("", "--vhost="+v, "-f", "tsv", "-q", "list", "queues", "name", "messages"); r.Stdout != "xiaosusu\t1\n" {
				return errorf("not yet: %q", r.Stdout)
			}
			return nil
		})
		do("--vhost="+v, "list", "queues", "name", "messages")
		return outs
	}
	want := scenario(func(stdin string, args ...string) brokertest.Result { return e.v1(t, stdin, args...) })
	got := scenario(func(stdin string, args ...string) brokertest.Result {
		return runProgram(t, bin, e.home, stdin, args...)
	})
	require.Len(t, got, len(want))
	for i := range want {
		assertSameResult(t, want[i], got[i], "seed scenario step")
	}
	assert.Equal(t, "+----------+----------+\n|   name   | messages |\n+----------+----------+\n| xiaosusu | 1        |\n+----------+----------+\n", got[len(got)-1].Stdout)
}

// runProgram runs a program with HOME set, as a shell would.
func runProgram(t *testing.T, path, home, stdin string, args ...string) brokertest.Result {
	t.Helper()
	return brokertest.Exec(t, home, []string{"HOME=" + home, "USERPROFILE="}, stdin, path, args...)
}
