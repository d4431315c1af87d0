package cmd

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// `rmqctl admin` hands its whole command line, options included, to the admin
// command set: cobra parses none of it, and the exit code comes through.
func TestAdminSubcommandPassesItsArgumentsThrough(t *testing.T) {
	r := runWithEnv(t, map[string]string{"HOME": t.TempDir()}, "", "admin", "--help")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "Usage\n=====\n  rabbitmqadmin [options] subcommand\n"), r.stdout)

	r = runWithEnv(t, map[string]string{"HOME": t.TempDir()}, "", "admin", "frobnicate")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "\nERROR: Action frobnicate not understood\n\nrmqctl admin --help for help\n\n", r.stderr)

	r = runWithEnv(t, map[string]string{"HOME": t.TempDir()}, "", "admin", "--nosuch")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "rmqctl admin: error: no such option: --nosuch\n")

	f := newFakeAPI(t).on("GET /api/queues", 200, `[{"name":"q","messages":3}]`)
	u, _ := url.Parse(f.srv.URL)
	r = runWithEnv(t, map[string]string{"HOME": t.TempDir()}, "", "admin", "-H", u.Hostname(), "-P", u.Port(), "-f", "tsv", "-q", "list", "queues")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "q\t3\n", r.stdout)
	assert.Equal(t, "/api/queues?columns=name%2Cmessages", f.requests()[0].URI)
}
