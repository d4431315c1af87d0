package cmd

import (
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPasswordsNeverEchoedInUsageErrors(t *testing.T) {
	r := runWithEnv(t, nil, "", "--password", "s3cret", "list_users", "--bogus")
	assert.Equal(t, 64, r.code)
	assert.NotContains(t, r.stderr, "s3cret")
	assert.Contains(t, r.stderr, "--password [redacted]")
	r = runWithEnv(t, nil, "", "add_user", "bob", "s3cret", "extra")
	assert.Equal(t, 64, r.code)
	assert.NotContains(t, r.stderr, "s3cret")
	r = runWithEnv(t, nil, "", "add_user", "bob", "bad hash!", "--pre-hashed-password", "--password=adm1n")
	assert.Equal(t, 65, r.code)
	assert.NotContains(t, r.stderr, "bad hash!")
	assert.NotContains(t, r.stderr, "adm1n")
	r = runWithEnv(t, map[string]string{"RMQCTL_URL": "ftp://admin:s3cret@host"}, "", "list_users")
	assert.Equal(t, 78, r.code)
	assert.NotContains(t, r.stderr, "s3cret")
}

func TestBooleanEnvironmentValuesAreHonoured(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 200, `[]`)
	r := api.run(t, map[string]string{"RMQCTL_VERBOSE": "1"}, "", "list_users")
	assert.Contains(t, r.stderr, "> GET "+api.srv.URL+"/api/users", "RMQCTL_VERBOSE=1 turns the log on")
	// RMQCTL_TLS=1 means https, never a silent plain-HTTP connection.
	r = runWithEnv(t, map[string]string{"RMQCTL_TLS": "1", "RMQCTL_HOST": "127.0.0.1", "RMQCTL_PORT": "1", "RMQCTL_VERBOSE": "True"}, "", "list_users")
	assert.Contains(t, r.stderr, "> GET https://127.0.0.1:1/api/users")
}

func TestHostOrPortAboveTheURLChangeOnlyThatPart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.toml", "[targets.prod]\nurls = [\"https://mq1.invalid:15671/prefix\"]\nusername = \"ops\"\n", 0o600)
	r := runWithEnv(t, map[string]string{"RMQCTL_CONFIG": cfg, "RMQCTL_PORT": "15999"}, "", "list_users", "-n", "prod", "--verbose", "-t", "1")
	assert.Contains(t, r.stderr, "https://mq1.invalid:15999/prefix/api/users", "the target's scheme, host and prefix stay")
	assert.NotContains(t, r.stderr, "localhost")
	r = runWithEnv(t, map[string]string{"RMQCTL_URL": "https://mq2.invalid:15671"}, "", "list_users", "--host", "127.0.0.1", "--port", itoa(port), "--verbose", "-t", "1")
	assert.Contains(t, r.stderr, "> GET https://127.0.0.1:"+itoa(port)+"/api/users")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestEmptyNamesAreRefusedBeforeAnyRequest(t *testing.T) {
	api := newFakeAPI(t)
	for _, args := range [][]string{
		{"delete_user", ""}, {"change_password", "", "pw"}, {"delete_exchange", ""}, {"get", ""},
		{"list_queues", "-p", ""}, {"list_user_limits", "--user", ""},
	} {
		r := api.run(t, nil, "", args...)
		assert.Equal(t, 65, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, firstLine(r.stderr), "Bad argument:", args)
	}
	r := api.run(t, nil, "pw\n", "add_user", "")
	assert.Equal(t, 65, r.code, r.stderr)
	assert.Empty(t, api.requests(), "nothing is sent for an empty name")
}

func TestVerboseLogHidesPasswordsInURIs(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/parameters/federation-upstream/%2F/up", 201, "")
	r := api.run(t, nil, "", "set_parameter", "federation-upstream", "up", `{"uri":"amqp://fed:upstreamS3cret@remote"}`, "--verbose")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "upstreamS3cret")
	assert.Contains(t, r.stderr, "amqp://[redacted]@remote")
}
