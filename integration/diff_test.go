package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compare runs the real rabbitmqctl and rmqctl with the same arguments on the same
// broker and requires the same stdout (first line exact, all lines as a set), the same
// first stderr line and the same exit code. rmqctl is given -n with the node's name so
// that messages naming the node agree.
func compare(t *testing.T, b *brokertest.Broker, stdin string, args ...string) brokertest.Result {
	t.Helper()
	want := b.Ctl(t, stdin, args...)
	got := rmq(t, b, stdin, append([]string{"-n", b.Node}, args...)...)
	label := strings.Join(args, " ")
	if c := knownCrash(b, args); c != nil {
		checkCrash(t, c, label, want, got)
		return got
	}
	assertSameAnswer(t, label, args, want, got)
	return got
}

// assertSameAnswer requires the same exit code, the same first stdout line, the same
// stdout lines as a set and the same first stderr line.
func assertSameAnswer(t *testing.T, label string, args []string, want, got brokertest.Result) {
	t.Helper()
	assert.Equal(t, want.Code, got.Code, "exit code of %q\nreal stderr: %s\nrmqctl stderr: %s", label, want.Stderr, got.Stderr)
	if !contains(args, "-s") && !contains(args, "--no-table-headers") {
		// the banner, header or "[": rows themselves come in different orders
		assert.Equal(t, firstLine(want.Stdout), firstLine(got.Stdout), "first stdout line of %q", label)
	}
	assert.Equal(t, normalizeRows(want.Stdout), normalizeRows(got.Stdout), "stdout of %q\nreal:\n%s\nrmqctl:\n%s", label, want.Stdout, got.Stdout)
	assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr), "first stderr line of %q", label)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// world is a broker state for the list comparisons: users with tags, vhosts with
// awkward names, permissions and topic permissions.
type world struct {
	alice, bob, vhost, slashVhost, emptyVhost string
}

func setupWorld(t *testing.T, b *brokertest.Broker) world {
	t.Helper()
	w := world{
		alice: brokertest.Name("alice"), bob: brokertest.Name("bob"),
		vhost: brokertest.Name("qv"), slashVhost: brokertest.Name("rabbit/hole"), emptyVhost: brokertest.Name("a b"),
	}
	for _, u := range []string{w.alice, w.bob} {
		cleanupUser(t, b, u)
	}
	for _, v := range []string{w.vhost, w.slashVhost, w.emptyVhost} {
		cleanupVhost(t, b, v)
	}
	mustRmq(t, b, "add_user", w.alice, "pw")
	mustRmq(t, b, "add_user", w.bob, "pw")
	mustRmq(t, b, "set_user_tags", w.alice, "administrator", "management")
	mustRmq(t, b, "add_vhost", w.vhost, "--description", "Quorum vhost", "--tags", "prod,eu", "--default-queue-type", "quorum")
	mustRmq(t, b, "add_vhost", w.slashVhost)
	mustRmq(t, b, "add_vhost", w.emptyVhost)
	mustRmq(t, b, "set_vhost_tags", w.slashVhost, "staging", "blue")
	mustRmq(t, b, "set_permissions", "-p", w.vhost, w.alice, ".*", ".*", ".*")
	mustRmq(t, b, "set_permissions", "-p", w.slashVhost, w.alice, `^amq\.`, "", ".*")
	mustRmq(t, b, "set_permissions", "-p", w.slashVhost, w.bob, "", "^bob", ".*")
	mustRmq(t, b, "set_topic_permissions", "-p", w.slashVhost, w.bob, "amq.topic", "^w", "^r")
	mustRmq(t, b, "set_topic_permissions", "-p", w.vhost, w.alice, "amq.topic", "^a", "^b")
	return w
}

func TestDifferentialLists(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	w := setupWorld(t, b)
	cases := [][]string{
		{"list_users"},
		{"list_users", "-q"},
		{"list_users", "-s"},
		{"list_users", "--no-table-headers"},
		{"list_users", "--formatter", "json"},
		{"list_users", "--formatter", "csv"},
		{"list_vhosts"},
		{"list_vhosts", "name", "description", "tags", "default_queue_type", "tracing", "cluster_state"},
		{"list_vhosts", "name,tracing", "name"},
		{"list_vhosts", "tracing, name,description", "--formatter", "json"},
		{"list_vhosts", "tracing name"},
		{"list_vhosts", "name", "tags", "cluster_state", "--formatter", "csv"},
		{"list_permissions", "-p", w.vhost},
		{"list_permissions", "-p", w.slashVhost, "--formatter", "json"},
		{"list_permissions", "-p", w.emptyVhost},
		{"list_permissions", "-p", w.emptyVhost, "--formatter", "json"},
		{"list_permissions", "-p", w.emptyVhost, "--formatter", "csv"},
		{"list_permissions", "-p", w.emptyVhost, "-s"},
		{"list_user_permissions", w.alice},
		{"list_user_permissions", w.bob, "-q"},
		{"list_user_permissions", w.alice, "--formatter", "json"},
		{"list_topic_permissions", "-p", w.slashVhost},
		{"list_topic_permissions", "-p", w.emptyVhost},
		{"list_topic_permissions", "-p", w.vhost, "--formatter", "json"},
		{"list_user_topic_permissions", w.bob},
		{"list_user_topic_permissions", w.bob, "--table-headers"},
		{"list_user_topic_permissions", w.alice, "--formatter", "json"},
	}
	for _, args := range cases {
		compare(t, b, "", args...)
	}
}

func TestDifferentialErrors(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	w := setupWorld(t, b)
	nosuch := brokertest.Name("nosuch")
	cases := [][]string{
		{"add_user", w.alice, "pw"},
		{"add_user", w.alice, "pw", "--formatter", "json"},
		{"add_user", "", "pw"},
		{"add_user"},
		{"add_user", "a", "b", "c"},
		{"delete_user", nosuch},
		{"delete_user", nosuch, "--formatter", "json"},
		{"delete_user"},
		{"change_password", nosuch, "pw"},
		{"change_password", nosuch, "pw", "--formatter", "json"},
		{"clear_password", nosuch},
		{"set_user_tags", nosuch, "administrator"},
		{"set_user_tags", nosuch, "a", "--formatter", "json"},
		{"set_user_tags"},
		{"list_users", "extra"},
		{"list_users", "--bogus"},
		{"list_users", "-t", "0"},
		{"authenticate_user", w.alice, "wrong"},
		{"authenticate_user", nosuch, "pw"},
		{"authenticate_user", w.alice, "wrong", "--formatter", "json"},
		{"authenticate_user", "a", "b", "c"},
		{"delete_vhost", nosuch},
		{"delete_vhost", nosuch, "--formatter", "json"},
		{"add_vhost", nosuch, "--default-queue-type", "bogus"},
		{"add_vhost", nosuch, "--default-queue-type", ""},
		{"set_vhost_tags", nosuch, "a", "b"},
		{"set_vhost_tags", nosuch, "a", "--formatter", "json"},
		{"list_vhosts", "foo", "bar", "name"},
		{"list_vhosts", "-t", "0"},
		{"set_permissions", "-p", nosuch, w.alice, ".*", ".*", ".*"},
		{"set_permissions", "-p", nosuch, w.alice, ".*", ".*", ".*", "--formatter", "json"},
		{"set_permissions", nosuch, ".*", ".*", ".*"},
		{"set_permissions", nosuch, ".*", ".*", ".*", "--formatter", "json"},
		{"set_permissions", w.alice, ".*", ".*"},
		{"set_permissions", w.alice, "*", ".*", ".*"},
		{"clear_permissions", "-p", nosuch, w.alice},
		{"clear_permissions", nosuch},
		{"clear_permissions", "-p", w.emptyVhost, w.bob},
		{"list_permissions", "-p", nosuch},
		{"list_permissions", "extra"},
		{"list_user_permissions", nosuch},
		{"list_user_permissions"},
		{"set_topic_permissions", "-p", nosuch, w.alice, "amq.topic", ".*", ".*"},
		{"set_topic_permissions", nosuch, "amq.topic", ".*", ".*"},
		{"set_topic_permissions", w.alice, "amq.topic", "*", ".*"},
		{"clear_topic_permissions", nosuch},
		{"clear_topic_permissions", nosuch, "amq.topic"},
		{"clear_topic_permissions", "-p", nosuch, w.alice},
		{"clear_topic_permissions"},
		{"list_topic_permissions", "-p", nosuch},
		{"list_user_topic_permissions", nosuch},
		{"list_userz"},
	}
	for _, args := range cases {
		compare(t, b, "", args...)
	}
}

// Mutations: each tool changes its own object; banners, outputs and codes must agree,
// and so must the resulting state as both tools list it.
func TestDifferentialMutations(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	suffix := strings.TrimPrefix(brokertest.Name(""), "-")
	run := func(args func(user, vhost string) []string) {
		t.Helper()
		uCtl, uRmq := "ctl-"+suffix, "rmq-"+suffix
		vCtl, vRmq := "vctl/"+suffix, "vrmq/"+suffix
		want := b.Ctl(t, "", args(uCtl, vCtl)...)
		got := rmq(t, b, "", append([]string{"-n", b.Node}, args(uRmq, vRmq)...)...)
		norm := func(s, user, vhost string) string {
			s = strings.ReplaceAll(s, user, "USER")
			s = strings.ReplaceAll(s, vhost, "VHOST")
			return strings.ReplaceAll(s, "'rabbitmqctl help", "'rmqctl help")
		}
		label := strings.Join(args("USER", "VHOST"), " ")
		assert.Equal(t, want.Code, got.Code, "%s: %s / %s", label, want.Stderr, got.Stderr)
		assert.Equal(t, norm(want.Stdout, uCtl, vCtl), norm(got.Stdout, uRmq, vRmq), label)
		assert.Equal(t, firstStderrLine(norm(want.Stderr, uCtl, vCtl)), firstStderrLine(norm(got.Stderr, uRmq, vRmq)), label)
	}
	t.Cleanup(func() {
		for _, u := range []string{"ctl-" + suffix, "rmq-" + suffix} {
			rmq(t, b, "", "delete_user", u)
		}
		for _, v := range []string{"vctl/" + suffix, "vrmq/" + suffix} {
			rmq(t, b, "", "delete_vhost", v)
		}
	})
	steps := []func(u, v string) []string{
		func(u, v string) []string { return []string{"add_user", u, "pw"} },
		func(u, v string) []string { return []string{"add_user", u + "-json", "pw", "--formatter", "json"} },
		func(u, v string) []string { return []string{"delete_user", u + "-json", "--formatter", "json"} },
		func(u, v string) []string { return []string{"set_user_tags", u, "monitoring", "policymaker"} },
		func(u, v string) []string { return []string{"change_password", u, "pw2"} },
		func(u, v string) []string { return []string{"authenticate_user", u, "pw2"} },
		func(u, v string) []string { return []string{"authenticate_user", u, "pw2", "--formatter", "json"} },
		func(u, v string) []string { return []string{"add_vhost", v, "--description", "desc", "--tags", "a,b"} },
		func(u, v string) []string { return []string{"add_vhost", v} },
		func(u, v string) []string { return []string{"set_vhost_tags", v, "c", "d"} },
		func(u, v string) []string { return []string{"set_permissions", "-p", v, u, ".*", "^w", "^r"} },
		func(u, v string) []string {
			return []string{"set_permissions", "-p", v, u, ".*", ".*", ".*", "--formatter", "json"}
		},
		func(u, v string) []string {
			return []string{"set_topic_permissions", "-p", v, u, "amq.topic", "^a", "^b"}
		},
		func(u, v string) []string { return []string{"clear_topic_permissions", "-p", v, u, "amq.topic"} },
		func(u, v string) []string { return []string{"clear_topic_permissions", "-p", v, u} },
		func(u, v string) []string { return []string{"clear_permissions", "-p", v, u} },
		func(u, v string) []string { return []string{"set_permissions", "-p", v, u, "^c", "^w", "^r"} },
		func(u, v string) []string { return []string{"clear_password", u} },
		func(u, v string) []string { return []string{"add_user", "-q", u + "-q", "pw"} },
		func(u, v string) []string { return []string{"delete_user", "-q", u + "-q"} },
	}
	for _, s := range steps {
		run(s)
	}
	// Both objects now look the same to both tools.
	for _, tool := range []string{"rabbitmqctl", "rmqctl"} {
		var users, vhosts, perms string
		if tool == "rabbitmqctl" {
			users = b.Ctl(t, "", "list_users", "-s").Stdout
			vhosts = b.Ctl(t, "", "list_vhosts", "-s", "name", "description", "tags").Stdout
			perms = b.Ctl(t, "", "list_permissions", "-s", "-p", "vrmq/"+suffix).Stdout +
				b.Ctl(t, "", "list_permissions", "-s", "-p", "vctl/"+suffix).Stdout
		} else {
			users = mustRmq(t, b, "list_users", "-s")
			vhosts = mustRmq(t, b, "list_vhosts", "-s", "name", "description", "tags")
			perms = mustRmq(t, b, "list_permissions", "-s", "-p", "vrmq/"+suffix) + mustRmq(t, b, "list_permissions", "-s", "-p", "vctl/"+suffix)
		}
		assert.Contains(t, users, "ctl-"+suffix+"\t[monitoring, policymaker]\n", tool)
		assert.Contains(t, users, "rmq-"+suffix+"\t[monitoring, policymaker]\n", tool)
		assert.Contains(t, vhosts, "vctl/"+suffix+"\tdesc\t[c, d]\n", tool)
		assert.Contains(t, vhosts, "vrmq/"+suffix+"\tdesc\t[c, d]\n", tool)
		assert.Contains(t, perms, "ctl-"+suffix+"\t^c\t^w\t^r\n", tool)
		assert.Contains(t, perms, "rmq-"+suffix+"\t^c\t^w\t^r\n", tool)
	}
	// Passwords read from stdin.
	uCtl, uRmq := "ctl-"+suffix+"-stdin", "rmq-"+suffix+"-stdin"
	cleanupUser(t, b, uCtl)
	cleanupUser(t, b, uRmq)
	crash := knownCrash(b, []string{"add_user", uCtl})
	var want brokertest.Result
	if crash != nil {
		want = b.CtlWithin(t, 20*time.Second, "pw\n", "add_user", uCtl) // it may hang
	} else {
		want = b.Ctl(t, "pw\n", "add_user", uCtl)
	}
	got := rmq(t, b, "pw\n", "-n", b.Node, "add_user", uRmq)
	if c := crash; c != nil {
		checkCrash(t, c, "add_user with the password on stdin", want, got)
		assert.Equal(t, "Adding user \""+uRmq+"\" ...\nPassword: \nDone. Don't forget to grant the user permissions to some virtual hosts! See 'rmqctl help set_permissions' to learn more.\n", got.Stdout)
	} else {
		require.Equal(t, want.Code, got.Code)
		assert.Equal(t, strings.ReplaceAll(strings.ReplaceAll(want.Stdout, uCtl, "U"), "'rabbitmqctl help", "'rmqctl help"),
			strings.ReplaceAll(got.Stdout, uRmq, "U"))
	}
	assert.Equal(t, 0, b.Ctl(t, "", "authenticate_user", uRmq, "pw").Code, "rabbitmqctl agrees the stdin password was stored")
	if knownCrash(b, []string{"add_user", uCtl}) == nil {
		want = b.Ctl(t, "", "add_user", uCtl+"-x")
		got = rmq(t, b, "", "-n", b.Node, "add_user", uRmq+"-x")
		assert.Equal(t, want.Code, got.Code)
		assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr))
	} else {
		got = rmq(t, b, "", "-n", b.Node, "add_user", uRmq+"-x")
		assert.Equal(t, 65, got.Code, "no password on stdin")
		assert.Equal(t, "Password is not provided via argument or stdin", firstStderrLine(strings.TrimPrefix(got.Stderr, "Error:\n")))
	}
}
