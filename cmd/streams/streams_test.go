package streams

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// api is a management API of the given release serving routes ("METHOD /path") and
// recording the requests' method, path and body.
func api(t *testing.T, version string, routes map[string]string) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.EscapedPath()
		mu.Lock()
		got = append(got, strings.TrimSpace(key+" "+string(body)))
		mu.Unlock()
		if key == "GET /api/version" {
			_ = json.NewEncoder(w).Encode(version)
			return
		}
		answer, ok := routes[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"Object Not Found","reason":"Not Found"}`)
			return
		}
		status, body2, _ := strings.Cut(answer, " ")
		w.Header().Set("Content-Type", "application/json")
		switch status {
		case "200":
			w.WriteHeader(200)
		case "204":
			w.WriteHeader(204)
		case "400":
			w.WriteHeader(400)
		case "503":
			w.WriteHeader(503)
		}
		_, _ = io.WriteString(w, body2)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func run(t *testing.T, url string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	Register()
	ios, _, out, errOut := output.Test()
	env := map[string]string{"RMQCTL_URL": url, "HOME": t.TempDir()}
	code = cmd.MainAs(context.Background(), compat.Streams, args, ios, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	return out.String(), errOut.String(), code
}

func TestListStreamTrackingRows(t *testing.T) {
	srv, _ := api(t, "4.3.6", map[string]string{
		"GET /api/stream/%2F/s/tracking": `200 {"writers":{"w-b":9,"w-a":7},"offsets":{"c-a":0,"c-c":12,"c-b":3}}`,
	})
	out, errOut, code := run(t, srv.URL, "list_stream_tracking", "s", "--formatter", "table")
	require.Equal(t, 0, code, errOut)
	// writers then offsets, each in descending name order, as tracking_info/3 folds them
	assert.Equal(t, "Listing tracking information for stream s ...\ntype\tname\ttracking_value\n"+
		"writer\tw-b\t9\nwriter\tw-a\t7\noffset\tc-c\t12\noffset\tc-b\t3\noffset\tc-a\t0\n", out)

	out, _, code = run(t, srv.URL, "list_stream_tracking", "s", "--formatter", "json")
	require.Equal(t, 0, code)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	require.Len(t, rows, 5)
	assert.Equal(t, map[string]any{"type": "writer", "name": "w-b", "tracking_value": 9.0}, rows[0])
	assert.True(t, strings.HasPrefix(out, "[\n{\"name\":\"w-b\",\"type\":\"writer\",\"tracking_value\":9}\n,"),
		"4.3's keys in atom order (obs-4.3.6): %s", out)
}

func TestListStreamTrackingTypeAndErrors(t *testing.T) {
	srv, reqs := api(t, "4.3.6", map[string]string{
		"GET /api/stream/%2F/s/tracking":     `200 {"offsets":{"c":5}}`,
		"GET /api/stream/%2F/cq/tracking":    `503 {"error":"service_unavailable","reason":"The stream leader is not available"}`,
		"GET /api/queues/%2F/cq":             `200 {"name":"cq","type":"classic"}`,
		"GET /api/stream/connections":        `200 []`,
		"GET /api/stream/%2F/empty/tracking": `200 {"writers":{},"offsets":{}}`,
	})
	out, _, code := run(t, srv.URL, "list_stream_tracking", "s", "--offset", "--formatter", "table", "-q")
	assert.Equal(t, 0, code)
	assert.Equal(t, "type\tname\ttracking_value\noffset\tc\t5\n", out)
	assert.Contains(t, *reqs, "GET /api/stream/%2F/s/tracking")

	out, _, code = run(t, srv.URL, "list_stream_tracking", "empty")
	assert.Equal(t, 0, code)
	assert.Equal(t, "Listing tracking information for stream empty ...\n", out, "nothing after the banner")

	for _, s := range []string{"cq", "nosuch"} {
		_, errOut, code := run(t, srv.URL, "list_stream_tracking", s)
		assert.Equal(t, 69, code, s)
		assert.Equal(t, "Error:\nThe stream does not exist.\n", errOut, s)
	}
	_, errOut, code := run(t, srv.URL, "list_stream_tracking", "s", "--all", "--writer")
	assert.Equal(t, 64, code)
	assert.True(t, strings.HasPrefix(errOut, `Error (argument validation): ~c"Specify only one of --all, --offset, --writer."`), errOut)
}

func TestAddSuperStreamBodyAndRefusal(t *testing.T) {
	srv, reqs := api(t, "4.3.6", map[string]string{"PUT /api/stream/super-streams/v/s": "204 "})
	out, errOut, code := run(t, srv.URL, "add_super_stream", "s", "--vhost", "v", "--binding-keys", " a, b,,c ",
		"--max-length-bytes", "2Gi", "--max-age", "P1DT1M", "--stream-max-segment-size-bytes", "1kb",
		"--leader-locator", "balanced", "--initial-cluster-size", "2")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "Adding a super stream...\nSuper stream s has been created\n", out)
	assert.Contains(t, *reqs, `PUT /api/stream/super-streams/v/s {"arguments":{"initial-cluster-size":"2","max-age":"86460s",`+
		`"max-length-bytes":"2147483648","queue-leader-locator":"balanced","stream-max-segment-size-bytes":"1000"},"binding-keys":"a,b,c"}`)

	old, reqs := api(t, "4.0.5", nil)
	out, errOut, code = run(t, old.URL, "add_super_stream", "s")
	assert.Equal(t, 69, code)
	assert.Empty(t, out)
	assert.Equal(t, "Error: add_super_stream cannot be served over HTTP by RabbitMQ 4.0.5: the management API has PUT /api/stream/super-streams/{vhost}/{name} from RabbitMQ 4.1.1\n", errOut)
	for _, r := range *reqs {
		assert.NotContains(t, r, "PUT", "nothing attempted")
	}
}

func TestDeleteSuperStreamComposed(t *testing.T) {
	srv, reqs := api(t, "3.10.8", map[string]string{
		"GET /api/exchanges/%2F/s": `200 {"name":"s","type":"direct","arguments":{"x-super-stream":true}}`,
		"GET /api/exchanges/%2F/s/bindings/source": `200 [
			{"destination":"s-1","destination_type":"queue","arguments":{"x-stream-partition-order":1}},
			{"destination":"cq","destination_type":"queue","arguments":{}},
			{"destination":"s-0","destination_type":"queue","arguments":{"x-stream-partition-order":0}}]`,
		"GET /api/queues/%2F/s-0":     `200 {"name":"s-0","type":"stream"}`,
		"GET /api/queues/%2F/s-1":     `200 {"name":"s-1","type":"stream"}`,
		"GET /api/queues/%2F/cq":      `200 {"name":"cq","type":"classic"}`,
		"DELETE /api/exchanges/%2F/s": "204 ",
		"DELETE /api/queues/%2F/s-0":  "204 ",
		"DELETE /api/queues/%2F/s-1":  `400 {"error":"bad_request","reason":"whatever"}`,
	})
	out, errOut, code := run(t, srv.URL, "delete_super_stream", "s")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "Deleting a super stream (experimental feature)...\nSuper stream s has been deleted\n", out)
	var deletes []string
	for _, r := range *reqs {
		if strings.HasPrefix(r, "DELETE") {
			deletes = append(deletes, r)
		}
	}
	assert.Equal(t, []string{"DELETE /api/exchanges/%2F/s", "DELETE /api/queues/%2F/s-0", "DELETE /api/queues/%2F/s-1"}, deletes,
		"the exchange, then the streams in partition order; the classic queue stays")

	_, errOut, code = run(t, srv.URL, "delete_super_stream", "nosuch")
	assert.Equal(t, 70, code)
	assert.Equal(t, "Error:\nstream_not_found\n", errOut)
}

func TestCLIErrorText(t *testing.T) {
	for reason, want := range map[string]string{
		"[[123,\n  [\"reference_already_exists\",44,\"\\\"there is already an exchange named s2\\\"\"],\n  125]]":              `{:reference_already_exists, ~c"there is already an exchange named s2"}`,
		"[[123,\n  [\"validation_failed\",44,\n   [123,[\"\\\"Duplicate partition names found h1-ah1-a\\\"\"],125]],\n  125]]": `{:validation_failed, {~c"Duplicate partition names found h1-ah1-a"}}`,
		`["validation_failed"]`: "validation_failed",
		`{error,{'Weird-Atom',<<"bin">>,[1,2],"a"` + "\n" + ` "b"}}`: `{:error, {:"Weird-Atom", "bin", [1, 2], ~c"ab"}}`,
		"plain text, no term": "plain text, no term",
	} {
		assert.Equal(t, want, cliErrorText(reason), reason)
	}
}

func TestParseUnitsAndDurations(t *testing.T) {
	for in, want := range map[string]string{"1000": "1000", "1Ki": "1024", "7mib": "7340032", "3k": "3000",
		"20gb": "20000000000", "2PiB": "4428832836681728", "5Tb": "5000000000000"} {
		got, ok := parseInformationUnit(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"20xb", "", "1.5gb", "5t", "-1"} {
		_, ok := parseInformationUnit(bad)
		assert.False(t, ok, bad)
	}
	for in, want := range map[string]int64{"PT10M": 600, "P": 0, "PT": 0, "P1Y2M3DT4H5M6.7S": 36993906, "-P1D": 86400} {
		got, ok := parseDuration(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"10M", "P1H", "p1d"} {
		_, ok := parseDuration(bad)
		assert.False(t, ok, bad)
	}
}
