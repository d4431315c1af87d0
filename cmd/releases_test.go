package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// overviewOf is GET /api/overview's answer for a broker of version v.
func overviewOf(v string) string { return `{"rabbitmq_version":"` + v + `"}` }

func TestVersionIsAskedOnlyWhenAnAnswerDependsOnIt(t *testing.T) {
	unpinned := map[string]string{"RMQCTL_RABBITMQCTL_VERSION": ""}
	count := func(api *fakeAPI, uri string) int {
		n := 0
		for _, q := range api.requests() {
			if q.URI == uri {
				n++
			}
		}
		return n
	}
	// 4.0.5+: GET /api/version, which costs the server nothing.
	api := newFakeAPI(t).
		on("GET /api/version", 200, `"4.3.6"`).
		on("GET /api/users", 200, `[{"name":"guest","tags":["administrator"]}]`)
	r := api.run(t, unpinned, "", "list_users")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Zero(t, count(api, "/api/version"), "a TSV list does not depend on the release")
	r = api.run(t, unpinned, "", "list_users", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, count(api, "/api/version"), "JSON key order depends on the release: asked once")
	_, overview := api.find("GET", "/api/overview")
	assert.False(t, overview)

	// 3.x has no /api/version: the overview, trimmed to the version.
	api = newFakeAPI(t).
		on("GET /api/version", 404, notFound).
		on("GET /api/overview", 200, overviewOf("3.10.8")).
		on("GET /api/users", 200, `[{"name":"guest","tags":["administrator"]}]`)
	r = api.run(t, unpinned, "", "list_users", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n{\"user\":\"guest\",\"tags\":[\"administrator\"]}\n]\n", r.stdout)
	assert.Equal(t, 1, count(api, "/api/overview?columns=rabbitmq_version"))
}

func TestDeleteMissingUserByRelease(t *testing.T) {
	api := newFakeAPI(t).on("DELETE /api/users/nosuch", 404, notFound)
	for _, c := range []struct {
		version string
		code    int
		stderr  string
	}{
		{"3.10.8", 67, "Error:\nUser \"nosuch\" does not exist\n"},
		{"3.11.28", 67, "Error:\nUser \"nosuch\" does not exist\n"},
		{"3.12.0", 0, ""},
		{"4.3.6", 0, ""},
	} {
		r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": c.version}, "", "delete_user", "nosuch")
		assert.Equal(t, c.code, r.code, c.version)
		assert.Equal(t, c.stderr, r.stderr, c.version)
		assert.Equal(t, "Deleting user \"nosuch\" ...\n", r.stdout, c.version)
	}
}

func TestPurgeMissingQueueByRelease(t *testing.T) {
	api := newFakeAPI(t).on("DELETE /api/queues/%2F/nosuch/contents", 404, notFound)
	r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "3.10.8"}, "", "purge_queue", "nosuch")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\nnot_found\n", r.stderr)
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "purge_queue", "nosuch")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Object (queue, stream, exchange, etc) was not found\n", r.stderr)
}

func TestUnknownInfoKeysByRelease(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "3.10.8"}, "", "list_vhosts", "foo", "bar", "name")
	assert.Equal(t, "Error (argument validation): Info key(s) bar,foo are not supported", firstLine(r.stderr))
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "list_vhosts", "foo", "bar", "name")
	assert.Equal(t, "Error (argument validation): Info key(s) foo,bar are not supported", firstLine(r.stderr))
	// keys a release lacks
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "list_vhosts", "name", "metadata")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): Info key(s) metadata are not supported", firstLine(r.stderr))
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}, "", "list_channels", "name", "global_prefetch_count")
	assert.Equal(t, "Error (argument validation): Info key(s) global_prefetch_count are not supported", firstLine(r.stderr))
	assert.Empty(t, api.requests())
}

func TestJSONKeyOrderByRelease(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/vhosts", 200, `[{"name":"/","description":"d","tracing":false}]`)
	r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "list_vhosts", "tracing", "name", "description", "--formatter", "json")
	assert.Equal(t, "[\n{\"tracing\":false,\"name\":\"/\",\"description\":\"d\"}\n]\n", r.stdout, "before 4.3: the order asked")
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}, "", "list_vhosts", "tracing", "name", "description", "--formatter", "json")
	assert.Equal(t, "[\n{\"name\":\"/\",\"description\":\"d\",\"tracing\":false}\n]\n", r.stdout, "4.3: atom order")
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}, "", "list_vhosts", "tracing", "name", "description")
	assert.Equal(t, "Listing vhosts ...\ntracing\tname\tdescription\nfalse\t/\td\n", r.stdout, "TSV keeps the order asked")
}

func TestCommandsAReleaseLacks(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "3.10.8"}, "", "enable_vhost_deletion_protection", "v")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error: enable_vhost_deletion_protection is not supported by RabbitMQ 3.10.8: it was added in RabbitMQ 4.0.6\n", r.stderr)
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "3.10.8"}, "", "update_vhost_metadata", "v", "--description", "x")
	assert.Equal(t, "Error: update_vhost_metadata is not supported by RabbitMQ 3.10.8: it was added in RabbitMQ 3.11.14\n", r.stderr)
	assert.Empty(t, api.requests())
}

func TestUpdateVhostMetadataKeepsWhatItDoesNotChange(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/vhosts/qa", 200, `{"name":"qa","description":"old","tags":["a"],"default_queue_type":"quorum","tracing":true}`).
		on("PUT /api/vhosts/qa", 204, "").
		on("POST /api/vhosts/qa/deletion/protection", 204, "")
	r := api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}, "", "update_vhost_metadata", "qa", "--tags", "x,y", "--protected-from-deletion")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Updating metadata of vhost \"qa\" ...\n", r.stdout)
	put, ok := api.find("PUT", "/api/vhosts/qa")
	require.True(t, ok)
	assert.JSONEq(t, `{"description":"old","tags":["x","y"],"default_queue_type":"quorum","defaultqueuetype":"quorum"}`, put.Body)
	_, ok = api.find("POST", "/api/vhosts/qa/deletion/protection")
	assert.True(t, ok)

	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "update_vhost_metadata", "qa", "--protected-from-deletion")
	assert.Equal(t, 64, r.code, "protection came in 4.0.6")
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}, "", "update_vhost_metadata", "qa")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): not enough arguments.", firstLine(r.stderr))
}

func TestSetPermissionsGlobally(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/u", 200, `{"name":"u","tags":[]}`).
		on("GET /api/vhosts", 200, `[{"name":"/"},{"name":"a/b"}]`).
		on("PUT /api/permissions/%2F/u", 201, "").
		on("PUT /api/permissions/a%2Fb/u", 201, "").
		on("GET /api/users/nosuch", 404, notFound)
	v43 := map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.3.6"}
	r := api.run(t, v43, "", "set_permissions_globally", "u", "", "", ".*")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Setting permissions for user \"u\" in all virtual hosts ...\n", r.stdout)
	req, ok := api.find("PUT", "/api/permissions/a%2Fb/u")
	require.True(t, ok)
	assert.JSONEq(t, `{"configure":"","write":"","read":".*"}`, req.Body)
	r = api.run(t, v43, "", "set_permissions_globally", "nosuch", "", "", ".*")
	assert.Equal(t, 67, r.code)
	assert.Equal(t, "Error:\nUser nosuch does not exist\n", r.stderr)
}
