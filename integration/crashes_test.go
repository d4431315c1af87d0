package integration

import (
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
)

// realCrash is a case where the real rabbitmqctl of some releases crashes (an Erlang or
// Elixir exception instead of an answer). There rmqctl does what the command means, as
// README's list of deviations says; the test checks that the real tool still crashes
// (so that a fixed release is noticed) instead of comparing outputs.
type realCrash struct {
	since, why string
	// until, when set, is the first release without the crash.
	until string
	// check, when set, replaces the default checks (the real tool failed, rmqctl
	// succeeded) for cases where the real tool misreports rather than crashes.
	check func(t *testing.T, want, got brokertest.Result)
	// signature is a text the real tool's stderr shows when it crashes.
	signature string
	matches   func(args []string) bool
}

var realCrashes = []realCrash{
	{since: "4.0.0", why: "4.x's classic queue mirroring commands call rabbit_mirror_queue_misc, which 4.0 removed (undef)",
		signature: "rabbit_mirror_queue_misc", matches: func(args []string) bool {
			return contains(args, "check_if_cluster_has_classic_queue_mirroring_policy") ||
				contains(args, "list_policies_with_classic_queue_mirroring") ||
				contains(args, "list_operator_policies_with_classic_queue_mirroring")
		}},
	{since: "4.1.5", why: "the csv formatter of 4.1.5+ and 4.2+ cannot print list values (tags, cluster_state, metadata)",
		signature: "Error", matches: func(args []string) bool {
			return contains(args, "csv") && (contains(args, "list_users") ||
				(contains(args, "list_vhosts") && (contains(args, "tags") || contains(args, "cluster_state") || contains(args, "metadata"))))
		}},
	{since: "4.0.0", why: "4.x cannot read a password from stdin (4.0.5 on Erlang 27 hangs, 4.3.6 on Erlang 29 crashes in prim_tty)",
		signature: "", matches: func(args []string) bool {
			return (contains(args, "add_user") || contains(args, "change_password")) && len(positional(args)) == 2
		}},
	{since: "4.0.0", until: "4.2.8", why: "add_vhost with an unknown queue type prints the error term and exits 0",
		signature: "{:error, :invalid_queue_type,", matches: func(args []string) bool {
			return contains(args, "add_vhost") && contains(args, "--default-queue-type") && !contains(args, "quorum") &&
				!contains(args, "classic") && !contains(args, "stream")
		},
		check: func(t *testing.T, want, got brokertest.Result) {
			assert.Equal(t, 0, want.Code, "the real tool still reports the failure as a success")
			assert.Equal(t, 65, got.Code, "rmqctl reports it as a data error")
			assert.Equal(t, strings.ReplaceAll(want.Stdout, "'rabbitmqctl help", "'rmqctl help"), got.Stdout, "the same text")
		}},
}

// positional is args without options and their values (good enough for the cases above).
func positional(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			if !strings.Contains(args[i], "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// knownCrash returns the crash the broker's release has for args, if any.
func knownCrash(b *brokertest.Broker, args []string) *realCrash {
	v, err := compat.Parse(b.Version)
	if err != nil {
		return nil
	}
	for i, c := range realCrashes {
		if v.AtLeast(compat.MustParse(c.since)) && (c.until == "" || !v.AtLeast(compat.MustParse(c.until))) && c.matches(args) {
			return &realCrashes[i]
		}
	}
	return nil
}

// checkCrash asserts that the real tool crashed as known and that rmqctl answered.
func checkCrash(t *testing.T, c *realCrash, label string, want, got brokertest.Result) {
	t.Helper()
	assert.Contains(t, want.Stdout+want.Stderr, c.signature, label)
	if c.check != nil {
		c.check(t, want, got)
		return
	}
	assert.NotEqual(t, 0, want.Code, "%s: the real tool no longer crashes (%s): compare the outputs again", label, c.why)
	assert.Equal(t, 0, got.Code, "%s: rmqctl answers where the real tool crashes (%s): %s", label, c.why, got.Stderr)
}
