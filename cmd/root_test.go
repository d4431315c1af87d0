package cmd

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closedURL is a loopback URL where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestBrokerDownIsOneLineExit69WithoutBanner(t *testing.T) {
	url := closedURL(t)
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": url}, "", "list_users")
	assert.Equal(t, 69, r.code)
	assert.Empty(t, r.stdout, "no banner when the broker cannot be reached, as rabbitmqctl")
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), r.stderr)
	assert.Contains(t, r.stderr, url+"/api/users")
	assert.Contains(t, r.stderr, "connection refused")
	assert.True(t, strings.HasPrefix(r.stderr, "Error: unable to perform an operation on node "), r.stderr)

	// It fails at once: one attempt, no retry.
	r = runWithEnv(t, map[string]string{"RMQCTL_URL": url}, "", "list_users", "--verbose")
	assert.Equal(t, 1, strings.Count(r.stderr, "> GET "), r.stderr)
	assert.NotContains(t, r.stderr, "retrying")
}

func TestUnknownHostExit69(t *testing.T) {
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": "http://nosuch.invalid:15672"}, "", "list_users")
	assert.Equal(t, 69, r.code)
	assert.Contains(t, r.stderr, `cannot resolve host "nosuch.invalid"`)
}

func TestBadCredentialsExit77(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 401, fixture(t, "GET_users.wrong-password.401.json"))
	r := api.run(t, map[string]string{"RMQCTL_USERNAME": "alice", "RMQCTL_PASSWORD": "wrong"}, "", "list_users")
	assert.Equal(t, 77, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "Error: authentication failed for user \"alice\" at "+api.srv.URL+" (check --username and the password)\n", r.stderr)
	assert.NotContains(t, r.stderr, "wrong")
}

func TestMissingTagExit77(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 401, fixture(t, "GET_users.management-user.401.json"))
	r := api.run(t, map[string]string{"RMQCTL_USERNAME": "mgmtonly"}, "", "list_users")
	assert.Equal(t, 77, r.code)
	assert.Equal(t, "Error: user \"mgmtonly\" is not allowed to do this: Not administrator user (the user needs the administrator tag)\n", r.stderr)

	api403 := newFakeAPI(t).on("GET /api/users", 403, `{"error":"forbidden","reason":"Not administrator user"}`)
	r = api403.run(t, nil, "", "list_users")
	assert.Equal(t, 77, r.code)
}

func TestServerErrorExit69(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 500, `{"error":"internal_server_error","reason":"boom"}`)
	r := api.run(t, nil, "", "list_users")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Error: the broker failed to GET /users: HTTP 500: boom\n", r.stderr)
}

func TestTimeouts(t *testing.T) {
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": "http://127.0.0.1:9"}, "", "list_users", "-t", "0", "-n", "rabbit@localhost")
	assert.Equal(t, 75, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "Error: operation list_users on node rabbit@localhost timed out. Timeout value used: 0\n", r.stderr)

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()
	start := time.Now()
	r = runWithEnv(t, map[string]string{"RMQCTL_URL": slow.URL}, "", "list_users", "--timeout", "1")
	assert.Equal(t, 75, r.code)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, r.stderr, "timed out. Timeout value used: 1000\n")
}

func TestUsageErrors(t *testing.T) {
	r := runWithEnv(t, nil, "", "list_userz")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "\nCommand 'list_userz' not found. \nDid you mean 'list_users'? \n", r.stderr)

	r = runWithEnv(t, nil, "", "frobnicate")
	assert.Equal(t, 64, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, "\nCommand 'frobnicate' not found. \n"), r.stderr)
	assert.Contains(t, r.stderr, "Usage:")

	r = runWithEnv(t, nil, "")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "Usage:")

	r = runWithEnv(t, nil, "", "list_users", "--bogus")
	assert.Equal(t, 64, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, "Error (argument validation): Invalid options for this command:\n--bogus : \nArguments given:\n\tlist_users --bogus\n"), r.stderr)

	r = runWithEnv(t, nil, "", "list_users", "-t", "abc")
	assert.Equal(t, 64, r.code)
	assert.Contains(t, r.stderr, "Invalid options for this command:\n-t : abc\n")

	r = runWithEnv(t, nil, "", "list_users", "--formatter", "yaml")
	assert.Equal(t, 64, r.code)
	assert.Contains(t, firstLine(r.stderr), `formatter "yaml" is not supported`)
}

func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help", "add_user"}, {"add_user", "--help"}} {
		r := runWithEnv(t, nil, "", args...)
		assert.Equal(t, 0, r.code, args)
		assert.Contains(t, r.stdout, "Usage:", args)
		assert.Empty(t, r.stderr, args)
	}
	r := runWithEnv(t, nil, "", "help", "set_permissions")
	assert.Contains(t, r.stdout, "Examples:")
	assert.Contains(t, r.stdout, "set-permissions", "the hyphenated alias is listed")
}

func TestHyphenatedAliasAndInterleavedOptions(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users", 200, `[{"name":"guest","tags":["administrator"]}]`).
		on("GET /api/vhosts/rabbit%2Fhole/permissions", 200, `[]`)
	r := api.run(t, nil, "", "-q", "list-users", "-l", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n{\"user\":\"guest\",\"tags\":[\"administrator\"]}\n]\n", r.stdout)

	r = api.run(t, nil, "", "-p", "rabbit/hole", "list_permissions", "-s")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "\n", r.stdout)
}

func TestVerboseLogRedactsSecrets(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users/junesu", 404, notFound).
		on("PUT /api/users/junesu", 201, "")
	r := api.run(t, map[string]string{"RMQCTL_PASSWORD": "adminSecret"}, "", "add_user", "junesu", "userSecret", "--verbose")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "> PUT "+api.srv.URL+"/api/users/junesu")
	assert.Contains(t, r.stderr, "Authorization: Basic [redacted]")
	assert.Contains(t, r.stderr, `"password":"[redacted]"`)
	for _, secret := range []string{"adminSecret", "userSecret", base64.StdEncoding.EncodeToString([]byte("guest:adminSecret"))} {
		assert.NotContains(t, r.stderr+r.stdout, secret)
	}
}

func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), mode))
	return p
}

// Each layer of flag > env > config target > default, one test each: the answering
// server tells which URL was used.
func TestConnectionPrecedence(t *testing.T) {
	flagAPI := newFakeAPI(t).on("GET /api/users", 200, `[{"name":"from-flag","tags":[]}]`)
	envAPI := newFakeAPI(t).on("GET /api/users", 200, `[{"name":"from-env","tags":[]}]`)
	targetAPI := newFakeAPI(t).on("GET /api/users", 200, `[{"name":"from-target","tags":[]}]`)
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.toml", "[targets.prod]\nurl = \""+targetAPI.srv.URL+"\"\nusername = \"targetuser\"\n", 0o600)

	t.Run("flag beats env and target", func(t *testing.T) {
		r := runWithEnv(t, map[string]string{"RMQCTL_URL": envAPI.srv.URL, "RMQCTL_CONFIG": cfg}, "",
			"-s", "list_users", "-n", "prod", "--url", flagAPI.srv.URL)
		assert.Equal(t, "from-flag\t[]\n", r.stdout, r.stderr)
	})
	t.Run("env beats target", func(t *testing.T) {
		r := runWithEnv(t, map[string]string{"RMQCTL_URL": envAPI.srv.URL, "RMQCTL_CONFIG": cfg}, "", "-s", "list_users", "-n", "prod")
		assert.Equal(t, "from-env\t[]\n", r.stdout, r.stderr)
		req, _ := envAPI.find("GET", "/api/users")
		assert.Equal(t, "targetuser:guest", req.Auth, "the target still supplies what env does not set")
	})
	t.Run("target beats default", func(t *testing.T) {
		r := runWithEnv(t, map[string]string{"RMQCTL_CONFIG": cfg}, "", "-s", "list_users", "-n", "prod")
		assert.Equal(t, "from-target\t[]\n", r.stdout, r.stderr)
	})
	t.Run("default is localhost:15672 as guest", func(t *testing.T) {
		r := runWithEnv(t, map[string]string{"HOME": dir}, "", "list_users", "--verbose", "-t", "0")
		assert.Contains(t, r.stderr, "http://localhost:15672/api/users")
	})
}

func TestConfigErrorsExit78(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.toml", "[targets.prod]\nurl = \"http://x:1\"\npasword = \"typo\"\n", 0o600)
	r := runWithEnv(t, map[string]string{"RMQCTL_CONFIG": bad}, "", "list_users", "-n", "prod")
	assert.Equal(t, 78, r.code)
	assert.Equal(t, "Error: config file "+bad+": unknown key targets.prod.pasword\n", r.stderr)

	good := writeFile(t, dir, "good.toml", "[targets.prod]\nurl = \"http://x:1\"\n", 0o600)
	r = runWithEnv(t, map[string]string{"RMQCTL_CONFIG": good}, "", "list_users", "-n", "staging")
	assert.Equal(t, 78, r.code)
	assert.Contains(t, r.stderr, `--node "staging" is neither a target in `+good)

	r = runWithEnv(t, map[string]string{"RMQCTL_PORT": "abc"}, "", "list_users")
	assert.Equal(t, 78, r.code)
	assert.Contains(t, r.stderr, "RMQCTL_PORT")

	r = runWithEnv(t, map[string]string{"RMQCTL_CONFIG": filepath.Join(dir, "missing.toml")}, "", "list_users")
	assert.Equal(t, 78, r.code)
}

func TestPasswordFileAndWorldReadableWarning(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 200, `[]`)
	dir := t.TempDir()
	pwFile := writeFile(t, dir, "pw", "fromfile\n", 0o600)
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": api.srv.URL}, "", "list_users", "--password-file", pwFile)
	require.Equal(t, 0, r.code, r.stderr)
	req, _ := api.find("GET", "/api/users")
	assert.Equal(t, "guest:fromfile", req.Auth)

	cfg := writeFile(t, dir, "open.toml", "[targets.t]\nurl = \""+api.srv.URL+"\"\npassword = \"p\"\n", 0o644)
	r = runWithEnv(t, map[string]string{"RMQCTL_CONFIG": cfg}, "", "list_users", "-n", "t")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "is readable by other users")
}

func TestNodeNameAtHostKeepsPort(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/users", 200, `[]`)
	port := api.srv.URL[strings.LastIndex(api.srv.URL, ":")+1:]
	r := runWithEnv(t, map[string]string{"RMQCTL_PORT": port}, "", "list_users", "-n", "rabbit@127.0.0.1", "-s")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "\n", r.stdout)
}

func TestVhostAndVerboseFromEnvironment(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/vhosts/qa/permissions", 200, `[]`).
		on("GET /api/vhosts/other/permissions", 200, `[]`)
	r := api.run(t, map[string]string{"RMQCTL_VHOST": "qa", "RMQCTL_VERBOSE": "true"}, "", "list_permissions")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing permissions for vhost \"qa\" ...\n\n", r.stdout)
	assert.Contains(t, r.stderr, "> GET "+api.srv.URL+"/api/vhosts/qa/permissions")
	r = api.run(t, map[string]string{"RMQCTL_VHOST": "qa"}, "", "list_permissions", "-p", "other")
	assert.Equal(t, "Listing permissions for vhost \"other\" ...\n\n", r.stdout, "-p beats the environment")
	assert.Empty(t, r.stderr)
}
