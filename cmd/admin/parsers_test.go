package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/optparse.json holds what v1's own optparse parser (run by
// testdata/gen_parsers.py) made of each command line: the options set and the
// positional arguments, or its exit code and stderr.
func TestCommandLinesParseAsV1Parses(t *testing.T) {
	raw, err := os.ReadFile("testdata/optparse.json")
	require.NoError(t, err)
	var cases []struct {
		Argv    []string       `json:"argv"`
		Options map[string]any `json:"options"`
		Args    []string       `json:"args"`
		Exit    *int           `json:"exit"`
		Stderr  string         `json:"stderr"`
	}
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.NotEmpty(t, cases)
	for _, c := range cases {
		label := strings.Join(c.Argv, " ")
		v, pos, err := parseCommandLine(c.Argv)
		if c.Exit != nil {
			require.Error(t, err, label)
			var stderr strings.Builder
			code := 0
			if _, ok := err.(errHelp); !ok {
				code = report(err, "rabbitmqadmin", &stderr)
			}
			assert.Equal(t, *c.Exit, code, label)
			if *c.Exit != 0 {
				assert.Equal(t, c.Stderr, stderr.String(), label)
			}
			continue
		}
		require.NoError(t, err, label)
		want := map[string]any{}
		for k, x := range c.Options {
			if f, ok := x.(float64); ok {
				x = int(f)
			}
			want[k] = x
		}
		assert.Equal(t, want, map[string]any(v), label)
		if c.Args == nil {
			c.Args = []string{}
		}
		if pos == nil {
			pos = []string{}
		}
		assert.Equal(t, c.Args, pos, label)
	}
}

// testdata/ini/NAME.json is what Python's configparser made of NAME.conf: each
// section's items() (with [DEFAULT]'s, interpolated), or the error it raised.
func TestConfigFilesParseAsConfigParserParses(t *testing.T) {
	confs, err := filepath.Glob("testdata/ini/*.conf")
	require.NoError(t, err)
	require.NotEmpty(t, confs)
	for _, conf := range confs {
		text, err := os.ReadFile(conf)
		require.NoError(t, err)
		raw, err := os.ReadFile(strings.TrimSuffix(conf, ".conf") + ".json")
		require.NoError(t, err)
		var want map[string]any
		require.NoError(t, json.Unmarshal(raw, &want))
		f, err := parseINI(string(text), conf)
		if _, ok := want["error"]; ok {
			assert.Error(t, err, conf)
			continue
		}
		require.NoError(t, err, conf)
		for section, items := range want {
			keys, vals, found, err := f.items(section)
			label := conf + " [" + section + "]"
			switch w := items.(type) {
			case nil:
				assert.False(t, found, label)
			case map[string]any:
				assert.Error(t, err, label)
			case []any:
				require.NoError(t, err, label)
				require.True(t, found, label)
				got := []any{}
				for _, k := range keys {
					got = append(got, []any{k, vals[k]})
				}
				assert.Equal(t, w, got, label)
			default:
				t.Fatalf("%s: unexpected %T", label, w)
			}
		}
	}
}

func TestINIErrorsSayWhere(t *testing.T) {
	_, err := parseINI("hostname = x\n", "c.conf")
	var ie *iniError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, "File contains no section headers.\nfile: 'c.conf', line: 1\n'hostname = x\\n'", ie.msg)
	_, err = parseINI("[s]\nk=1\nk=2\n", "c.conf")
	assert.EqualError(t, err, "While reading from 'c.conf' [line  3]: option 'k' in section 's' already exists")
	_, err = parseINI("[s]\nk=1\nnot an option\n", "c.conf")
	assert.EqualError(t, err, fmt.Sprintf("Source contains parsing errors: 'c.conf'\n\t[line  3]: %s", `'not an option\n'`))
}
