package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

func resolve(t *testing.T, env map[string]string, args ...string) (values, string, error) {
	t.Helper()
	cli, _, err := parseCommandLine(args)
	require.NoError(t, err)
	var warnings strings.Builder
	v, err := resolveSettings(cli, func(k string) (string, bool) { s, ok := env[k]; return s, ok },
		func(s string) { warnings.WriteString(s) })
	return v, warnings.String(), err
}

// Command line > config file section > default; then --base-uri (from either).
func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	conf := writeFile(t, dir, "c.conf", `[default]
hostname = filehost
port = 1111
username = fileuser
ssl = True
verbose = False
request_timeout = 30
depth = 2

[other]
hostname = otherhost
base_uri = http://u:p@BaseHost:2222/
`)
	v, _, err := resolve(t, nil, "-c", conf)
	require.NoError(t, err)
	assert.Equal(t, "filehost", v["hostname"])
	assert.Equal(t, "1111", v["port"])
	assert.Equal(t, "fileuser", v["username"])
	assert.Equal(t, "guest", v["password"], "default")
	assert.Equal(t, true, v["ssl"], `"True" is a boolean`)
	assert.Equal(t, false, v["verbose"])
	assert.Equal(t, "30", v["request_timeout"], "a string, as configparser gives it")
	assert.Equal(t, "/", v["declare_vhost"])

	v, _, err = resolve(t, nil, "-c", conf, "-H", "clihost", "--port=3333", "-d", "1")
	require.NoError(t, err)
	assert.Equal(t, "clihost", v["hostname"])
	assert.Equal(t, "3333", v["port"])
	assert.Equal(t, "1", v["depth"], "-d 1 is the string 1: default columns off")

	v, warn, err := resolve(t, nil, "-c", conf, "-N", "other", "-H", "clihost")
	require.NoError(t, err)
	assert.Equal(t, "basehost", v["hostname"], "--base-uri overrides every source; urlparse lower-cases the host")
	assert.Equal(t, "2222", v["port"])
	assert.Equal(t, "u", v["username"])
	assert.Equal(t, "p", v["password"])
	assert.Empty(t, warn)

	_, warn, err = resolve(t, nil, "--base-uri", "http://h:1/api")
	require.NoError(t, err)
	assert.Equal(t, baseURIWarning, warn)

	v, _, err = resolve(t, nil, "--base-uri", "localhost:15672")
	require.NoError(t, err)
	assert.Equal(t, "localhost", v["hostname"], "no netloc without //: nothing taken from it")
}

func TestSettingsConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	conf := writeFile(t, dir, "c.conf", "[reachable]\nport = 1\n[typo]\nusername_tags = x\n")
	_, _, err := resolve(t, nil, "-c", conf, "-N", "nosuch")
	assert.EqualError(t, err, "Could not read section 'nosuch' in config file '"+conf+"':\n   No section: 'nosuch'")
	v, _, err := resolve(t, nil, "-c", conf)
	require.NoError(t, err, "a missing [default] section is fine")
	assert.Equal(t, "15672", v["port"])
	_, _, err = resolve(t, nil, "-c", conf, "-N", "typo")
	assert.EqualError(t, err, "Unknown key 'username_tags' in section 'typo' of config file '"+conf+"'")
	_, _, err = resolve(t, nil, "-c", dir)
	assert.EqualError(t, err, "Could not read config file '"+dir+"'")
	bad := writeFile(t, dir, "bad.conf", "port = 1\n")
	_, _, err = resolve(t, nil, "-c", bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "File contains no section headers")
}

// Without -c: $USERPROFILE, else $HOME, then /.rabbitmqadmin.conf when it exists.
func TestSettingsDefaultConfigFile(t *testing.T) {
	home, profile := t.TempDir(), t.TempDir()
	writeFile(t, home, ".rabbitmqadmin.conf", "[default]\nport = 1001\n")
	v, _, err := resolve(t, map[string]string{"HOME": home})
	require.NoError(t, err)
	assert.Equal(t, "1001", v["port"])
	v, _, err = resolve(t, map[string]string{"HOME": home, "USERPROFILE": profile})
	require.NoError(t, err)
	assert.Equal(t, "15672", v["port"], "USERPROFILE wins over HOME, and has no file")
	v, _, err = resolve(t, map[string]string{})
	require.NoError(t, err)
	assert.Nil(t, v["config"])
}

func TestPyURLSplit(t *testing.T) {
	s := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	for _, c := range []struct {
		raw              string
		host, user, pass any
		port, path       string
	}{
		{"http://localhost:15672", "localhost", nil, nil, "15672", ""},
		{"https://U:P@Host.Example/x?y#z", "host.example", "U", "P", "", "/x"},
		{"http://u@[::1]:99/", "::1", "u", nil, "99", "/"},
		{"http://a:b:c@h", "h", "a", "b:c", "", ""},
		{"//h:1", "h", nil, nil, "1", ""},
		{"h:1", nil, nil, nil, "", "1"},
	} {
		u := pyURLSplit(c.raw)
		assert.Equal(t, c.host, s(u.hostname), c.raw)
		assert.Equal(t, c.user, s(u.username), c.raw)
		assert.Equal(t, c.pass, s(u.password), c.raw)
		assert.Equal(t, c.port, u.port, c.raw)
		assert.Equal(t, c.path, u.path, c.raw)
	}
}
