package admin

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/python-values.tsv holds what Python 3.11 prints for JSON values:
//
//	N <json number> <str(json.loads(n))> <json.dumps(json.loads(n))>
//	S <json string> <repr(s)> <json.dumps(s)> <json.dumps(s, ensure_ascii=False)>
func TestValuesPrintAsPythonPrintsThem(t *testing.T) {
	raw, err := os.ReadFile("testdata/python-values.tsv")
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		f := strings.Split(line, "\t")
		v, err := mgmtapi.ParseJSON([]byte(f[1]))
		require.NoError(t, err, line)
		switch f[0] {
		case "N":
			assert.Equal(t, f[2], pyStr(v), "str(%s)", f[1])
			assert.Equal(t, f[3], pyDumps(v, true), "json.dumps(%s)", f[1])
		case "S":
			assert.Equal(t, f[2], pyRepr(v), "repr(%s)", f[1])
			assert.Equal(t, f[3], pyDumps(v, true), "json.dumps(%s)", f[1])
			assert.Equal(t, f[4], pyDumps(v, false), "json.dumps(%s, ensure_ascii=False)", f[1])
		}
		n++
	}
	assert.Greater(t, n, 30)
}

func TestPrettyIsSortedIndentedUTF8(t *testing.T) {
	v, err := mgmtapi.ParseJSON([]byte(`[{"b":[],"a":{"z":1.0,"y":[true,null]},"é":"ü","c":{}}]`))
	require.NoError(t, err)
	assert.Equal(t, "[\n  {\n    \"a\": {\n      \"y\": [\n        true,\n        null\n      ],\n      \"z\": 1.0\n    },\n"+
		"    \"b\": [],\n    \"c\": {},\n    \"é\": \"ü\"\n  }\n]", pyPretty(v))
	assert.Equal(t, `{"b": [], "a": {"z": 1.0, "y": [true, null]}, "\u00e9": "\u00fc", "c": {}}`, pyDumps(v.([]any)[0], true))
	assert.Equal(t, `{'a': [1, 'x', None, True]}`, pyRepr(mgmtapi.NewObject("a", []any{json.Number("1"), "x", nil, true})))
}
