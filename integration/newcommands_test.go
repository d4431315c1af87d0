package integration

import (
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
)

// has reports whether the test broker's release carries change k.
func has(t *testing.T, b *brokertest.Broker, k compat.Key) bool {
	t.Helper()
	return compat.For(release(t, b)).Has(k)
}

// compareOrRefused compares rmqctl with the real tool where the release has the command;
// where it does not, rabbitmqctl says "Command not found" and rmqctl names the release
// that added the command, both with exit 64.
func compareOrRefused(t *testing.T, b *brokertest.Broker, p compat.Profile, tool string, args ...string) {
	t.Helper()
	if msg := p.CommandError(args[0]); msg != "" {
		want := b.Tool(t, tool, "", args...)
		got := rmq(t, b, "", append([]string{"-n", b.Node}, args...)...)
		assert.Equal(t, 64, want.Code, "%s %v: %s", tool, args, want.Stderr)
		assert.Contains(t, want.Stderr, "Command '"+args[0]+"' not found")
		assert.Equal(t, 64, got.Code)
		assert.Equal(t, "Error: "+msg+"\n", got.Stderr)
		assert.Empty(t, got.Stdout)
		return
	}
	if tool == "rabbitmqctl" {
		compare(t, b, "", args...)
		return
	}
	want := b.Tool(t, tool, "", args...)
	got := rmq(t, b, "", append([]string{"-n", b.Node}, args...)...)
	label := tool + " " + strings.Join(args, " ")
	assert.Equal(t, want.Code, got.Code, "%s: %s / %s", label, want.Stderr, got.Stderr)
	assert.Equal(t, want.Stdout, got.Stdout, label)
	assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr), label)
}

// The commands and columns of 4.x, side by side with the release's own tools; on older
// releases, refused naming the release that added them.
func TestDifferentialNewCommands(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	p := compat.For(release(t, b))
	vhost, user := brokertest.Name("new4x"), brokertest.Name("glob")
	cleanupVhost(t, b, vhost)
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_vhost", vhost, "--description", "four", "--tags", "a,b")
	mustRmq(t, b, "add_user", user, "pw")
	nosuch := brokertest.Name("nosuch")

	for _, args := range [][]string{
		{"list_deprecated_features"},
		{"list_deprecated_features", "name", "deprecation_phase", "--formatter", "json"},
		{"list_deprecated_features", "name,provided_by", "-q"},
		{"list_deprecated_features", "bogus"},
		{"set_permissions_globally", user, "^c", "^w", "^r"},
		{"set_permissions_globally", nosuch, "", "", ".*"},
		{"set_permissions_globally", nosuch, "", "", ".*", "--formatter", "json"},
		{"set_permissions_globally", user, ".*"},
		{"await_online_nodes", "1"},
		{"await_online_nodes", "x"},
		{"update_vhost_metadata", vhost, "--description", "changed", "--tags", "x,y"},
		{"update_vhost_metadata", vhost, "--default-queue-type", "bogus"},
		{"update_vhost_metadata", nosuch, "--description", "d"},
		{"update_vhost_metadata", vhost},
		{"enable_vhost_deletion_protection", vhost},
		{"delete_vhost", vhost},
		{"delete_vhost", vhost, "--formatter", "json"},
		{"disable_vhost_deletion_protection", vhost, "--formatter", "json"},
		{"enable_vhost_deletion_protection", nosuch},
	} {
		if args[0] == "delete_vhost" && p.CommandError("enable_vhost_deletion_protection") != "" {
			continue // nothing is protected on this release
		}
		compareOrRefused(t, b, p, "rabbitmqctl", args...)
	}
	if p.CommandError("set_permissions_globally") == "" {
		perms := mustRmq(t, b, "list_user_permissions", user, "-s")
		assert.Contains(t, perms, vhost+"\t^c\t^w\t^r\n", "set in every vhost")
		assert.Contains(t, perms, "/\t^c\t^w\t^r\n")
	}
	if p.CommandError("update_vhost_metadata") == "" {
		// only the options given change: the description and tags, not the queue type
		compare(t, b, "", "list_vhosts", "name", "description", "tags", "default_queue_type")
	}
	for _, args := range [][]string{
		{"list_vhosts", "name", "protected_from_deletion", "metadata"},
		{"list_vhosts", "name", "metadata", "tags", "--formatter", "json"},
		{"list_vhosts", "metadata", "protected_from_deletion", "name", "--formatter", "json"},
	} {
		if p.HasInfoKey("list_vhosts", "metadata") {
			compare(t, b, "", args...)
		} else {
			got := rmq(t, b, "", args...)
			assert.Equal(t, 64, got.Code)
			want := b.Ctl(t, "", args...)
			assert.Equal(t, firstStderrLine(want.Stderr), firstStderrLine(got.Stderr))
		}
	}
	compareOrRefused(t, b, p, "rabbitmq-diagnostics", "check_if_any_deprecated_features_are_used")
	compareOrRefused(t, b, p, "rabbitmq-diagnostics", "check_if_any_deprecated_features_are_used", "--formatter", "json")
}
