package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompletionOfLiveNames(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users", 200, `[{"name":"junesu"},{"name":"guest"},{"name":"jürgen"}]`).
		on("GET /api/vhosts", 200, `[{"name":"/"},{"name":"rabbit/hole"},{"name":"qa"}]`)
	r := api.run(t, nil, "", "__complete", "delete_user", "j")
	assert.Equal(t, "junesu\njürgen\n:4\n", r.stdout)
	req, _ := api.find("GET", "/api/users")
	assert.Equal(t, "/api/users?columns=name", req.URI, "one cheap request")

	r = api.run(t, nil, "", "__complete", "set_permissions", "guest", "")
	assert.Equal(t, ":4\n", r.stdout, "only the first argument is a user")

	r = api.run(t, nil, "", "__complete", "list_permissions", "-p", "")
	assert.Equal(t, "/\nqa\nrabbit/hole\n:4\n", r.stdout)
}

func TestCompletionWithBrokerDownPrintsNoCandidates(t *testing.T) {
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": closedURL(t)}, "", "__complete", "delete_user", "")
	assert.Equal(t, ":4\n", r.stdout)
	assert.Equal(t, 0, r.code)
}

func TestCompletionOfStaticChoices(t *testing.T) {
	r := runWithEnv(t, nil, "", "__complete", "list_vhosts", "name,tags", "")
	assert.Equal(t, "cluster_state\ndefault_queue_type\ndescription\ntracing\n:4\n", r.stdout)
	r = runWithEnv(t, nil, "", "__complete", "list_users", "--formatter", "")
	assert.Equal(t, "csv\njson\npretty_table\ntable\n:4\n", r.stdout)
	r = runWithEnv(t, nil, "", "__complete", "add_")
	assert.Contains(t, r.stdout, "add_user\t")
	assert.Contains(t, r.stdout, "add_vhost\t")
}
