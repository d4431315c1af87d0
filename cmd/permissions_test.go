package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetPermissions(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/permissions/rabbit%2Fhole/junesu", 201, "")
	r := api.run(t, nil, "", "set_permissions", "-p", "rabbit/hole", "junesu", ".*", "", "^r")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Setting permissions for user \"junesu\" in vhost \"rabbit/hole\" ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/permissions/rabbit%2Fhole/junesu")
	assert.JSONEq(t, `{"configure":".*","write":"","read":"^r"}`, put.Body)

	r = api.run(t, nil, "", "set_permissions", "junesu", ".*", ".*")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): not enough arguments.", firstLine(r.stderr))
}

func TestSetPermissionsMissingUserOrVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("PUT /api/permissions/%2F/nosuchuser", 400, fixture(t, "PUT_permissions_%2F_nosuchuser.400.json")).
		on("GET /api/users/nosuchuser", 404, notFound).
		on("PUT /api/permissions/nosuch/guest", 400, fixture(t, "PUT_permissions_nosuch_guest.400.json")).
		on("GET /api/users/guest", 200, fixture(t, "GET_users_guest.json")).
		on("GET /api/vhosts/nosuch", 404, notFound)
	r := api.run(t, nil, "", "set_permissions", "nosuchuser", ".*", ".*", ".*")
	assert.Equal(t, 67, r.code)
	assert.Equal(t, "Error:\nUser nosuchuser does not exist\n", r.stderr)

	r = api.run(t, nil, "", "set_permissions", "-p", "nosuch", "guest", ".*", ".*", ".*")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Setting permissions for user \"guest\" in vhost \"nosuch\" ...\n", r.stdout)
	assert.Equal(t, "Error:\nVirtual host nosuch does not exist\n", r.stderr)

	r = api.run(t, nil, "", "set_permissions", "-p", "nosuch", "guest", ".*", ".*", ".*", "--formatter", "json", "-n", "rabbit@localhost")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, `{"message":"Virtual host nosuch does not exist","node":"rabbit@localhost","result":"error"}`+"\n", r.stderr)
}

func TestSetPermissionsInvalidRegexp(t *testing.T) {
	api := newFakeAPI(t).
		on("PUT /api/permissions/%2F/guest", 400, fixture(t, "PUT_permissions_%2F_guest.invalid-regex.400.json")).
		on("PUT /api/topic-permissions/%2F/guest", 400, fixture(t, "PUT_topic-permissions_%2F_guest.invalid-regex.400.json"))
	r := api.run(t, nil, "", "set_permissions", "guest", "*", ".*", ".*")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\n{:invalid_regexp, '*', {'nothing to repeat', 0}}\n", r.stderr)

	r = api.run(t, nil, "", "set_topic_permissions", "guest", "amq.topic", "*", ".*")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\n{:invalid_regexp, \"*\", {'nothing to repeat', 0}}\n", r.stderr)
}

func TestClearPermissions(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/permissions/%2F/suser", 404, fixture(t, "DELETE_permissions_%2F_suser.404.json")).
		on("GET /api/users/suser", 200, fixture(t, "GET_users_suser.json")).
		on("GET /api/vhosts/%2F", 200, fixture(t, "GET_vhosts_%2F.json")).
		on("DELETE /api/permissions/%2F/nosuchuser", 404, notFound).
		on("GET /api/users/nosuchuser", 404, notFound).
		on("DELETE /api/permissions/nosuch/suser", 404, notFound).
		on("GET /api/vhosts/nosuch", 404, notFound)
	// Nothing to clear for an existing user in an existing vhost: success, as rabbitmqctl.
	r := api.run(t, nil, "", "clear_permissions", "suser")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Clearing permissions for user \"suser\" in vhost \"/\" ...\n", r.stdout)

	r = api.run(t, nil, "", "clear_permissions", "nosuchuser")
	assert.Equal(t, 67, r.code)
	assert.Equal(t, "Error:\nUser nosuchuser does not exist\n", r.stderr)

	r = api.run(t, nil, "", "clear_permissions", "-p", "nosuch", "suser")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\nVirtual host nosuch does not exist\n", r.stderr)
}

func TestListPermissions(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/vhosts/%2F/permissions", 200, fixture(t, "GET_vhosts_%2F_permissions.json")).
		on("GET /api/vhosts/a%20b/permissions", 200, fixture(t, "GET_vhosts_a%20b_permissions.json")).
		on("GET /api/vhosts/nosuch/permissions", 404, fixture(t, "GET_vhosts_nosuch_permissions.404.json"))
	r := api.run(t, nil, "", "list_permissions")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing permissions for vhost \"/\" ...\nuser\tconfigure\twrite\tread\nalice\t.*\t.*\t.*\nguest\t.*\t.*\t.*\n", r.stdout)

	r = api.run(t, nil, "", "list_permissions", "-p", "a b")
	assert.Equal(t, "Listing permissions for vhost \"a b\" ...\n\n", r.stdout, "an empty one-shot list is one empty line")

	r = api.run(t, nil, "", "list_permissions", "-p", "nosuch")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Virtual host 'nosuch' does not exist\n", r.stderr)

	r = api.run(t, nil, "", "list_permissions", "extra")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): too many arguments.", firstLine(r.stderr))
}

func TestListUserPermissions(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/alice/permissions", 200, fixture(t, "GET_users_alice_permissions.json")).
		on("GET /api/users/nosuch/permissions", 404, fixture(t, "GET_users_nosuch_permissions.404.json"))
	r := api.run(t, nil, "", "list_user_permissions", "alice")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing permissions for user \"alice\" ...\nvhost\tconfigure\twrite\tread\n/\t.*\t.*\t.*\nrabbit/hole\t^amq\\.\t\t.*\n", r.stdout)

	r = api.run(t, nil, "", "list_user_permissions", "nosuch")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\n{:no_such_user, \"nosuch\"}\n", r.stderr)
}

func TestTopicPermissions(t *testing.T) {
	api := newFakeAPI(t).
		on("PUT /api/topic-permissions/%2F/alice", 201, "").
		on("DELETE /api/topic-permissions/%2F/alice/amq.topic", 204, "").
		on("DELETE /api/topic-permissions/%2F/alice", 204, "").
		on("GET /api/vhosts/%2F/topic-permissions", 200, fixture(t, "GET_vhosts_%2F_topic-permissions.json")).
		on("GET /api/users/alice/topic-permissions", 200, fixture(t, "GET_users_alice_topic-permissions.json"))
	r := api.run(t, nil, "", "set_topic_permissions", "alice", "amq.topic", "^a", "^b")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Setting topic permissions on \"amq.topic\" for user \"alice\" in vhost \"/\" ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/topic-permissions/%2F/alice")
	assert.JSONEq(t, `{"exchange":"amq.topic","write":"^a","read":"^b"}`, put.Body)

	r = api.run(t, nil, "", "clear_topic_permissions", "alice", "amq.topic")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Clearing topic permissions on \"amq.topic\" for user \"alice\" in vhost \"/\" ...\n", r.stdout)
	r = api.run(t, nil, "", "clear_topic_permissions", "alice")
	assert.Equal(t, "Clearing topic permissions for user \"alice\" in vhost \"/\" ...\n", r.stdout)

	r = api.run(t, nil, "", "list_topic_permissions")
	assert.Equal(t, "Listing topic permissions for vhost \"/\" ...\nuser\texchange\twrite\tread\nalice\tamq.topic\t^a\t^b\n", r.stdout)

	r = api.run(t, nil, "", "list_user_topic_permissions", "alice")
	assert.Equal(t, "Listing topic permissions for user \"alice\" ...\n/\tamq.topic\t^a\t^b\n", r.stdout, "no header by default")
	r = api.run(t, nil, "", "list_user_topic_permissions", "alice", "--table-headers")
	assert.Equal(t, "Listing topic permissions for user \"alice\" ...\nvhost\texchange\twrite\tread\n/\tamq.topic\t^a\t^b\n", r.stdout)
}
