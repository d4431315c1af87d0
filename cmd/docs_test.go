package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every command's help has a one-line summary, its arguments and an example.
func TestEveryCommandHasSummaryUsageAndExample(t *testing.T) {
	ios, _, _, _ := output.Test()
	root := NewRootCmd(&Factory{IO: ios, LookupEnv: func(string) (string, bool) { return "", false }})
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" || strings.HasPrefix(sub.Name(), "__") {
				continue
			}
			n++
			assert.NotEmpty(t, sub.Short, sub.CommandPath())
			assert.NotContains(t, sub.Short, "\n", sub.CommandPath())
			assert.NotEmpty(t, sub.Example, "%s has no example", sub.CommandPath())
			walk(sub)
		}
	}
	walk(root)
	assert.Greater(t, n, 80, "the whole tree was walked")
}

func TestDocsWriteManAndMarkdown(t *testing.T) {
	dir := t.TempDir()
	r := runWithEnv(t, nil, "", "docs", "man", filepath.Join(dir, "man"))
	require.Equal(t, 0, r.code, r.stderr)
	page, err := os.ReadFile(filepath.Join(dir, "man", "rmqctl-add_user.1"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "add_user")
	assert.Contains(t, string(page), "EXAMPLE")
	r = runWithEnv(t, nil, "", "docs", "markdown", filepath.Join(dir, "md"))
	require.Equal(t, 0, r.code, r.stderr)
	md, err := os.ReadFile(filepath.Join(dir, "md", "rmqctl_list_queues.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "### Examples")
	entries, _ := os.ReadDir(filepath.Join(dir, "md"))
	assert.Greater(t, len(entries), 80)
}

func TestConfigListAndShow(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.toml", `[targets.prod]
urls = ["https://mq1:15671", "https://mq2:15671"]
username = "ops"
password = "s3cret"
cacert = "/etc/ca.pem"

[targets.local]
url = "http://localhost:15672"
`, 0o600)
	env := map[string]string{"RMQCTL_CONFIG": cfg}
	r := runWithEnv(t, env, "", "config", "list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing targets in "+cfg+" ...\nname\turl\tusername\nlocal\thttp://localhost:15672\t\nprod\thttps://mq1:15671,https://mq2:15671\tops\n", r.stdout)

	r = runWithEnv(t, env, "", "config", "show", "prod")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `password = "********"`)
	assert.NotContains(t, r.stdout, "s3cret")
	assert.Contains(t, r.stdout, `urls = ["https://mq1:15671", "https://mq2:15671"]`)
	r = runWithEnv(t, env, "", "config", "show", "prod", "--reveal")
	assert.Contains(t, r.stdout, `password = "s3cret"`)
	r = runWithEnv(t, env, "", "config", "show", "prod", "--formatter", "json")
	assert.Contains(t, r.stdout, `"password":"********"`)

	r = runWithEnv(t, env, "", "config", "show", "staging")
	assert.Equal(t, 78, r.code)
	assert.Contains(t, r.stderr, `no target "staging"`)

	r = runWithEnv(t, env, "", "__complete", "list_users", "-n", "")
	assert.Equal(t, "local\nprod\n:4\n", r.stdout, "-n completes target names")
}
