package cmd

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const doneHint = "Done. Don't forget to grant the user permissions to some virtual hosts! See 'rmqctl help set_permissions' to learn more.\n"

func TestAddUserCreatesWhenAbsent(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/junesu", 404, notFound).
		on("PUT /api/users/junesu", 201, "")
	r := api.run(t, nil, "", "add_user", "junesu", "123456")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Adding user \"junesu\" ...\n"+doneHint, r.stdout)
	assert.Empty(t, r.stderr)
	put, ok := api.find("PUT", "/api/users/junesu")
	require.True(t, ok)
	assert.JSONEq(t, `{"password":"123456","tags":[]}`, put.Body)
}

func TestAddUserExistingFailsWith70AndWritesNothing(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users/guest", 200, fixture(t, "GET_users_guest.json"))
	r := api.run(t, nil, "", "add_user", "guest", "other")
	assert.Equal(t, 70, r.code)
	assert.Equal(t, "Adding user \"guest\" ...\n", r.stdout)
	assert.Equal(t, "Error:\nUser \"guest\" already exists\n", r.stderr)
	_, put := api.find("PUT", "/api/users/guest")
	assert.False(t, put, "an existing user's password must never be touched")
}

func TestAddUserExistingJSONError(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users/guest", 200, fixture(t, "GET_users_guest.json"))
	r := api.run(t, nil, "", "add_user", "guest", "x", "--formatter", "json", "-n", "rabbit@localhost")
	assert.Equal(t, 69, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, `{"message":"User guest already exists","node":"rabbit@localhost","result":"error"}`+"\n", r.stderr)
}

func TestAddUserArgumentValidation(t *testing.T) {
	cases := []struct {
		args  []string
		code  int
		first string
	}{
		{[]string{"add_user"}, 64, "Error (argument validation): not enough arguments."},
		{[]string{"add_user", "a", "b", "c"}, 64, "Error (argument validation): too many arguments."},
		{[]string{"add_user", "", "pw"}, 65, "Error (argument validation): Bad argument: user cannot be an empty string"},
		{[]string{"add_user", "u", "not base64!", "--pre-hashed-password"}, 65, "Error (argument validation): Bad argument: Could not Base64 decode provided password hash value"},
	}
	for _, c := range cases {
		r := (*fakeAPI)(nil).run(t, map[string]string{"RMQCTL_URL": "http://127.0.0.1:1"}, "", c.args...)
		assert.Equal(t, c.code, r.code, c.args)
		assert.Equal(t, c.first, firstLine(r.stderr), c.args)
		assert.Empty(t, r.stdout, c.args)
	}
	r := (*fakeAPI)(nil).run(t, map[string]string{"RMQCTL_URL": "http://127.0.0.1:1"}, "", "add_user", "a", "b", "c")
	assert.Contains(t, r.stderr, "Arguments given:\n\tadd_user a [redacted] [redacted]\n\nUsage\n\nrmqctl [--node <node>] [--longnames] [--quiet] add_user <username> [<password>] [--pre-hashed-password]\n")
}

func TestAddUserPasswordFromStdin(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/u2", 404, notFound).
		on("PUT /api/users/u2", 201, "")
	r := api.run(t, nil, "  s3cret  \nsecond line\n", "add_user", "u2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Adding user \"u2\" ...\nPassword: \n"+doneHint, r.stdout)
	put, _ := api.find("PUT", "/api/users/u2")
	assert.JSONEq(t, `{"password":"s3cret","tags":[]}`, put.Body, "first line, trimmed")
	assert.NotContains(t, r.stdout+r.stderr, "s3cret")

	// An empty line is a blank password, as in rabbitmqctl.
	api2 := newFakeAPI(t).on("GET /api/users/u3", 404, notFound).on("PUT /api/users/u3", 201, "")
	r = api2.run(t, nil, "\n", "add_user", "-q", "u3")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout, "-q prints neither banner, prompt nor hint")
	put, _ = api2.find("PUT", "/api/users/u3")
	assert.JSONEq(t, `{"password":"","tags":[]}`, put.Body)
}

func TestPasswordNotProvided(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users/u4", 404, notFound).on("GET /api/users/alice", 200, fixture(t, "GET_users_alice.json"))
	r := api.run(t, nil, "", "add_user", "u4")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Adding user \"u4\" ...\nPassword: \n", r.stdout)
	assert.Equal(t, "Error:\nPassword is not provided via argument or stdin\n", r.stderr)

	r = api.run(t, nil, "", "change_password", "alice")
	assert.Equal(t, 70, r.code)
	assert.Equal(t, "Error:\nPassword is not provided via argument or stdin\n", r.stderr)
	_, put := api.find("PUT", "/api/users/")
	assert.False(t, put)
}

func TestPreHashedPassword(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users/h", 404, notFound).on("PUT /api/users/h", 201, "")
	hash := "hSUh+byEhMR5PMK7Lq1n7RXb/CRKyK24qJjuTDlpB8xuQslm"
	r := api.run(t, nil, "", "add_user", "h", hash, "--pre-hashed-password")
	require.Equal(t, 0, r.code, r.stderr)
	put, _ := api.find("PUT", "/api/users/h")
	assert.JSONEq(t, `{"password_hash":"`+hash+`","hashing_algorithm":"rabbit_password_hashing_sha256","tags":[]}`, put.Body)
}

func TestDeleteUser(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/users/alice", 204, "").
		on("DELETE /api/users/nosuch", 404, fixture(t, "DELETE_users_nosuch.404.json"))
	r := api.run(t, nil, "", "delete_user", "alice")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "Deleting user \"alice\" ...\n", r.stdout)

	r = api.run(t, nil, "", "delete_user", "nosuch")
	assert.Equal(t, 67, r.code)
	assert.Equal(t, "Deleting user \"nosuch\" ...\n", r.stdout)
	assert.Equal(t, "Error:\nUser \"nosuch\" does not exist\n", r.stderr)

	r = api.run(t, nil, "", "delete_user", "nosuch", "--formatter=json", "-n", "rabbit@localhost")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, `{"message":"User nosuch does not exists","node":"rabbit@localhost","result":"error"}`+"\n", r.stderr)

	r = api.run(t, nil, "", "delete_user", "alice", "--formatter", "json", "-n", "rabbit@localhost")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, `{"node":"rabbit@localhost","result":"ok"}`+"\n", r.stdout)
}

func TestSetUserTagsKeepsPassword(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/alice", 200, fixture(t, "GET_users_alice.json")).
		on("PUT /api/users/alice", 204, "")
	r := api.run(t, nil, "", "set_user_tags", "alice", "monitoring", "policymaker")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Setting tags for user \"alice\" to [monitoring, policymaker] ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/users/alice")
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(put.Body), &body))
	assert.Equal(t, "hSUh+byEhMR5PMK7Lq1n7RXb/CRKyK24qJjuTDlpB8xuQslm", body["password_hash"], "the stored hash is sent back")
	assert.Equal(t, "rabbit_password_hashing_sha256", body["hashing_algorithm"])
	assert.Equal(t, []any{"monitoring", "policymaker"}, body["tags"])
	assert.NotContains(t, body, "password")

	r = api.run(t, nil, "", "set_user_tags", "alice")
	assert.Equal(t, "Setting tags for user \"alice\" to [] ...\n", r.stdout)
}

func TestChangePasswordKeepsTags(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/alice", 200, fixture(t, "GET_users_alice.json")).
		on("PUT /api/users/alice", 204, "").
		on("GET /api/users/nosuch", 404, notFound)
	r := api.run(t, nil, "", "change_password", "alice", "n3w")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Changing password for user \"alice\" ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/users/alice")
	assert.JSONEq(t, `{"password":"n3w","tags":["administrator","management"]}`, put.Body)

	r = api.run(t, nil, "", "change_password", "nosuch", "pw")
	assert.Equal(t, 67, r.code)
	assert.Equal(t, "Error:\nUser \"nosuch\" does not exist\n", r.stderr)
}

func TestClearPassword(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/alice", 200, fixture(t, "GET_users_alice.json")).
		on("PUT /api/users/alice", 204, "").
		on("GET /api/users/nosuch", 404, notFound)
	r := api.run(t, nil, "", "clear_password", "alice")
	require.Equal(t, 0, r.code, r.stderr)
	put, _ := api.find("PUT", "/api/users/alice")
	assert.JSONEq(t, `{"password_hash":"","hashing_algorithm":"rabbit_password_hashing_sha256","tags":["administrator","management"]}`, put.Body)

	r = api.run(t, nil, "", "clear_password", "nosuch")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error:\n{:no_such_user, \"nosuch\"}\n", r.stderr)
}

func TestListUsersFormats(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 200, `[{"name":"junesu","tags":[]},{"name":"guest","tags":["administrator"]},{"name":"a<b>","tags":["x","y"]}]`)
	r := api.run(t, nil, "", "list_users")
	assert.Equal(t, "Listing users ...\nuser\ttags\njunesu\t[]\nguest\t[administrator]\na<b>\t[x, y]\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "-q")
	assert.Equal(t, "user\ttags\njunesu\t[]\nguest\t[administrator]\na<b>\t[x, y]\n", r.stdout)
	r = api.run(t, nil, "", "-s", "list_users")
	assert.Equal(t, "junesu\t[]\nguest\t[administrator]\na<b>\t[x, y]\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "--no-table-headers")
	assert.Equal(t, "Listing users ...\njunesu\t[]\nguest\t[administrator]\na<b>\t[x, y]\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "--formatter", "json")
	assert.Equal(t, "[\n{\"user\":\"junesu\",\"tags\":[]}\n,{\"user\":\"guest\",\"tags\":[\"administrator\"]}\n,{\"user\":\"a<b>\",\"tags\":[\"x\",\"y\"]}\n]\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "--formatter", "CSV")
	assert.Equal(t, "\"user\",\"tags\"\n\"junesu\",\"[]\"\n\"guest\",\"[administrator]\"\n\"a<b>\",\"[x, y]\"\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "--formatter", "pretty_table")
	assert.Contains(t, r.stdout, "Listing users ...\n")
	assert.Contains(t, r.stdout, "user")
	assert.Contains(t, r.stdout, "[administrator]")
	assert.Equal(t, 0, r.code)
}

func TestListUsersEmptyOneShot(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 200, `[]`)
	r := api.run(t, nil, "", "list_users")
	assert.Equal(t, "Listing users ...\n\n", r.stdout)
	r = api.run(t, nil, "", "list_users", "--formatter", "json")
	assert.Equal(t, "[]\n", r.stdout)
}

func TestAuthenticateUser(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/whoami", 200, fixture(t, "GET_whoami.alice.json"))
	r := api.run(t, nil, "", "authenticate_user", "alice", "s3cret")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "Authenticating user \"alice\" ...\nSuccess\n", r.stdout)
	req, _ := api.find("GET", "/api/whoami")
	assert.Equal(t, "alice:s3cret", req.Auth, "the tested credentials are the ones sent")

	r = api.run(t, nil, "", "authenticate_user", "alice", "s3cret", "--formatter", "json")
	assert.Equal(t, `{"message":"Success"}`+"\n", r.stdout)

	bad := newFakeAPI(t).on("GET /api/whoami", 401, fixture(t, "GET_users.wrong-password.401.json"))
	r = bad.run(t, nil, "", "authenticate_user", "alice", "wrong")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Authenticating user \"alice\" ...\n", r.stdout)
	assert.Equal(t, "Error:\nError: failed to authenticate user \"alice\"\nuser 'alice' - invalid credentials\n", r.stderr)

	// Valid credentials of a user without the management tag still authenticate.
	notag := newFakeAPI(t).on("GET /api/whoami", 401, fixture(t, "GET_whoami.no-tags-user.401.json"))
	r = notag.run(t, nil, "", "authenticate_user", "apinotags", "pw")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Success\n")
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
