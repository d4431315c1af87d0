package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// superStream is what a super stream is made of, with its name taken out of the
// partitions' names so that two super streams compare.
type superStream struct {
	Exchange   map[string]any
	Partitions []string // "suffix type arguments"
	Bindings   []string // "suffix routing-key arguments"
}

func readSuperStream(t *testing.T, b *brokertest.Broker, name string) superStream {
	t.Helper()
	var s superStream
	x := getJSON(t, b, "/exchanges/%2F/"+name).(map[string]any)
	s.Exchange = map[string]any{"type": x["type"], "durable": x["durable"], "auto_delete": x["auto_delete"],
		"internal": x["internal"], "arguments": x["arguments"]}
	for _, q := range getJSON(t, b, "/queues/%2F?disable_stats=true&columns=name,type,arguments,durable").([]any) {
		q := q.(map[string]any)
		if n := q["name"].(string); strings.HasPrefix(n, name+"-") {
			args, _ := json.Marshal(q["arguments"])
			s.Partitions = append(s.Partitions, fmt.Sprintf("%s %v %v %s", strings.TrimPrefix(n, name), q["type"], q["durable"], args))
		}
	}
	sort.Strings(s.Partitions)
	for _, bd := range getJSON(t, b, "/exchanges/%2F/"+name+"/bindings/source").([]any) {
		bd := bd.(map[string]any)
		args, _ := json.Marshal(bd["arguments"])
		s.Bindings = append(s.Bindings, fmt.Sprintf("%s %v %s", strings.TrimPrefix(bd["destination"].(string), name), bd["routing_key"], args))
	}
	sort.Strings(s.Bindings)
	return s
}

// httpStatus is the status of GET /api/path.
func httpStatus(t *testing.T, b *brokertest.Broker, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.URL+"/api"+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth("guest", "guest")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// sameButName compares two answers in which each command named its own object.
func sameButName(t *testing.T, label string, want brokertest.Result, wantName string, got brokertest.Result, gotName string) {
	t.Helper()
	assert.Equal(t, want.Code, got.Code, "%s: exit code\nreal: %s\nrmqctl: %s", label, want.Stderr, got.Stderr)
	assert.Equal(t, strings.ReplaceAll(want.Stdout, wantName, "NAME"), strings.ReplaceAll(got.Stdout, gotName, "NAME"), label)
	assert.Equal(t, strings.ReplaceAll(firstStderrLine(want.Stderr), wantName, "NAME"), strings.ReplaceAll(firstStderrLine(got.Stderr), gotName, "NAME"), label)
}

// streamPort is the node's stream protocol listener.
func streamPort(t *testing.T, b *brokertest.Broker) string {
	t.Helper()
	for _, l := range getJSON(t, b, "/overview?columns=listeners").(map[string]any)["listeners"].([]any) {
		if l := l.(map[string]any); l["protocol"] == "stream" {
			return fmt.Sprint(l["port"])
		}
	}
	t.Fatal("the node has no stream listener")
	return ""
}

// tableLines are a pretty table's lines of cells, in their order (tableCells sorts).
func tableLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		l = decBox.ReplaceAllString(ansi.ReplaceAllString(l, ""), "|")
		l = strings.ReplaceAll(l, "│", "|")
		if strings.Trim(l, "|┌┐└┘├┤┬┴┼─ ") == "" {
			continue
		}
		cells := strings.Split(strings.Trim(l, "| "), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

// rabbitmq-streams' super stream and tracking commands beside the release's own tool,
// on a node with the stream plugin: the objects add_super_stream makes, the tracking
// rows (with a real consumer offset and publisher sequence stored over the stream
// protocol), and delete_super_stream's removal; a release whose API lacks the super
// stream route refuses add_super_stream.
func TestDifferentialStreamsSuperStreams(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	p := compat.For(release(t, b))
	n := startPluginNode(t, "ss")
	plugins := enabledPluginsFile(n)
	streams := func(args ...string) brokertest.Result {
		return realTool(t, n, compat.Streams, append(append([]string{}, plugins...), args...)...)
	}
	real, ours := brokertest.Name("ssreal"), brokertest.Name("ssours")
	opts := []string{"--max-length-bytes", "20gb", "--max-age", "PT10M", "--stream-max-segment-size-bytes", "500mb",
		"--leader-locator", "client-local", "--initial-cluster-size", "1"}

	// add_super_stream
	want := streams(append([]string{"add_super_stream", real}, opts...)...)
	require.Equal(t, 0, want.Code, want.Stderr)
	got := rmqTool(t, n, compat.Streams, append([]string{"add_super_stream", ours}, opts...)...)
	if msg := p.ToolHTTPError(compat.Streams, "add_super_stream"); msg != "" {
		assert.Equal(t, 69, got.Code, got.Stderr)
		assert.Equal(t, "Error: "+msg+"\n", got.Stderr)
		assert.Empty(t, got.Stdout)
		assert.Equal(t, 404, httpStatus(t, n, "/exchanges/%2F/"+ours), "nothing made")
		// the real tool makes the other one, for the commands below
		r := streams(append([]string{"add_super_stream", ours}, opts...)...)
		require.Equal(t, 0, r.Code, r.Stderr)
	} else {
		sameButName(t, "add_super_stream", want, real, got, ours)
		jr, jo := brokertest.Name("ssjr"), brokertest.Name("ssjo")
		sameButName(t, "add_super_stream --binding-keys --formatter json",
			streams("add_super_stream", jr, "--binding-keys", "a, b,c", "--formatter", "json"), jr,
			rmqTool(t, n, compat.Streams, "add_super_stream", jo, "--binding-keys", "a, b,c", "--formatter", "json"), jo)
		assert.Equal(t, readSuperStream(t, n, jr), readSuperStream(t, n, jo))
		for _, args := range [][]string{
			{"add_super_stream", ours}, // exists
			{"add_super_stream", brokertest.Name("ssx"), "--partitions", "0"},
			{"add_super_stream", brokertest.Name("ssx"), "--partitions", "2", "--binding-keys", "a"},
			{"add_super_stream", brokertest.Name("ssx"), "--max-length-bytes", "20xb"},
			{"add_super_stream", brokertest.Name("ssx"), "--max-age", "10M"},
			{"add_super_stream", brokertest.Name("ssx"), "--leader-locator", "nearest"},
			{"add_super_stream", brokertest.Name("ssx"), "--initial-cluster-size", "0"},
			{"add_super_stream", brokertest.Name("ssx"), "--vhost", brokertest.Name("novh")},
			{"add_super_stream", brokertest.Name("ssx"), "--partitions", "5000"},
			{"add_super_stream"},
		} {
			compareToolWith(t, n, p, compat.Streams, plugins, args...)
		}
	}
	// Both made the same objects, and AMQP sees them.
	rs, ss := readSuperStream(t, n, real), readSuperStream(t, n, ours)
	assert.Equal(t, rs, ss)
	assert.Equal(t, map[string]any{"x-super-stream": true}, ss.Exchange["arguments"])
	assert.Len(t, ss.Partitions, 3)
	assert.Len(t, ss.Bindings, 3)
	conn, err := amqp.Dial(n.AMQPURI("guest", "guest", "/"))
	require.NoError(t, err)
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.ExchangeDeclarePassive(ours, "direct", true, false, false, false, nil))
	for i := range 3 {
		_, err := ch.QueueDeclarePassive(fmt.Sprintf("%s-%d", ours, i), true, false, false, false, amqp.Table{"x-queue-type": "stream"})
		require.NoError(t, err, "partition %d", i)
	}

	// list_stream_tracking: no tracking yet, a missing stream, bad options
	part := ours + "-0"
	for _, args := range [][]string{
		{"list_stream_tracking", part}, {"list_stream_tracking", part, "--formatter", "json"},
		{"list_stream_tracking", brokertest.Name("nosuch")}, {"list_stream_tracking", part, "--offset", "--writer"},
	} {
		compareToolWith(t, n, p, compat.Streams, plugins, args...)
	}
	if p.ToolCommandError(compat.Streams, "list_stream_tracking") == "" {
		// real tracking: two consumers' offsets and two named publishers' sequences
		sc, err := dialStream("127.0.0.1:"+streamPort(t, n), "/")
		require.NoError(t, err)
		defer sc.Close()
		require.NoError(t, sc.publishAs(part, "writer-a", 1, 7))
		require.NoError(t, sc.publishAs(part, "writer-b", 2, 9))
		require.NoError(t, sc.storeOffset(part, "consumer-a", 0))
		require.NoError(t, sc.storeOffset(part, "consumer-b", 0))
		brokertest.Eventually(t, 30*time.Second, func() error {
			doc := getJSON(t, n, "/stream/%2F/"+part+"/tracking").(map[string]any)
			if o, w := doc["offsets"].(map[string]any), doc["writers"].(map[string]any); len(o) != 2 || len(w) != 2 {
				return errorf("tracking so far: %v", doc)
			}
			return nil
		})
		for _, args := range [][]string{
			{"list_stream_tracking", part}, {"list_stream_tracking", part, "--offset"},
			{"list_stream_tracking", part, "--writer"}, {"list_stream_tracking", part, "--all"},
		} {
			real := streams(args...)
			got := compareToolWith(t, n, p, compat.Streams, plugins, args...)
			// the rows in the CLI's order (writers, then offsets, names descending)
			assert.Equal(t, tableLines(real.Stdout), tableLines(got.Stdout), strings.Join(args, " "))
		}
		want := streams("list_stream_tracking", part, "--formatter", "json")
		got := rmqTool(t, n, compat.Streams, "list_stream_tracking", part, "--formatter", "json")
		assert.Equal(t, want.Code, got.Code, got.Stderr)
		assert.JSONEq(t, want.Stdout, got.Stdout)
		assert.Equal(t, want.Stdout, got.Stdout, "the keys in the CLI's order")
	}

	// delete_super_stream: each deletes its own; then nothing is left
	sameButName(t, "delete_super_stream", streams("delete_super_stream", real), real,
		rmqTool(t, n, compat.Streams, "delete_super_stream", ours), ours)
	for _, name := range []string{real, ours} {
		assert.Equal(t, 404, httpStatus(t, n, "/exchanges/%2F/"+name), "exchange %s", name)
		for i := range 3 {
			assert.Equal(t, 404, httpStatus(t, n, fmt.Sprintf("/queues/%%2F/%s-%d", name, i)), "partition %s-%d", name, i)
		}
	}
	for _, args := range [][]string{
		{"delete_super_stream", ours}, {"delete_super_stream", ours, "--formatter", "json"},
		{"delete_super_stream", "x", "--vhost", brokertest.Name("novh")},
	} {
		compareToolWith(t, n, p, compat.Streams, plugins, args...)
	}
}
