package cmd

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the streamed list commands (list_queues, list_exchanges, list_bindings,
// list_connections, list_channels, list_consumers) against answers recorded from a real
// 3.10.8 broker (testdata/http) and the real rabbitmqctl's output for the same broker
// state (/tmp/observed3.md).

// ltRequests are the requests with that method whose URI starts with prefix.
func ltRequests(api *fakeAPI, method, prefix string) []fakeReq {
	var out []fakeReq
	for _, r := range api.requests() {
		if r.Method == method && strings.HasPrefix(r.URI, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// ltQuery parses the query string of a request URI.
func ltQuery(t *testing.T, uri string) url.Values {
	t.Helper()
	_, raw, _ := strings.Cut(uri, "?")
	v, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return v
}

// ltHasLine reports whether out has line as one whole line.
func ltHasLine(out, line string) bool {
	return strings.Contains("\n"+out, "\n"+line+"\n")
}

const queuesBanner = "Timeout: 60.0 seconds ...\nListing queues for vhost / ...\n"

// --- list_queues -----------------------------------------------------------------

func TestListQueuesDefaultColumnsRequestAndRows(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, fixture(t, "GET_queues_%2F?disable_stats=true&enable_queue_totals=true.json")).
		on("GET /api/queues/%2F/sq", 200, fixture(t, "GET_queues_%2F_sq.json"))
	r := api.run(t, nil, "", "list_queues")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	// rabbitmqctl's rows for this state (observed3.md §1), in the HTTP API's order;
	// the stream's count comes from its own record.
	assert.Equal(t, queuesBanner+"name\tmessages\n"+
		"auto\t0\ncq\t3\ncq.ttl\t0\ndlq\t0\nexcl\t0\nprio\t0\nqq\t2\nqq.work\t1\nsac\t0\nsq\t1\ntmp\t0\ntxq\t2\nwork\t4\n", r.stdout)

	lists := ltRequests(api, "GET", "/api/queues/%2F?")
	require.Len(t, lists, 1, "one list request")
	assert.Equal(t, "/api/queues/%2F?columns=type%2Cname%2Cmessages&disable_stats=true&enable_queue_totals=true&sort=", lists[0].URI,
		"basic columns only: no statistics, queue totals from the queues themselves")
	streams := ltRequests(api, "GET", "/api/queues/%2F/")
	require.Len(t, streams, 1, "exactly one extra GET, for the stream only")
	assert.Equal(t, "/api/queues/%2F/sq?columns=messages%2Cnode", streams[0].URI)
	assert.Len(t, api.requests(), 2)
}

func TestListQueuesBasicColumnsDisableStats(t *testing.T) {
	basic := []string{"name", "messages", "durable", "auto_delete", "arguments", "exclusive", "state", "type", "leader", "members", "online", "pid"}
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, "[]")
	r := api.run(t, nil, "", append([]string{"list_queues"}, basic...)...)
	require.Equal(t, 0, r.code, r.stderr)
	reqs := ltRequests(api, "GET", "/api/queues/%2F")
	require.Len(t, reqs, 1)
	q := ltQuery(t, reqs[0].URI)
	assert.Equal(t, "true", q.Get("disable_stats"))
	assert.Equal(t, "true", q.Get("enable_queue_totals"))
	assert.ElementsMatch(t,
		[]string{"type", "name", "messages", "durable", "auto_delete", "arguments", "exclusive", "state", "leader", "members", "online", "node"},
		strings.Split(q.Get("columns"), ","), "each HTTP field once; pid is node (or leader)")
}

func TestListQueuesStatisticColumnEnablesStats(t *testing.T) {
	for _, col := range []string{"policy", "consumers", "memory", "messages_persistent", "exclusive_consumer_tag"} {
		api := newFakeAPI(t).on("GET /api/queues/%2F", 200, "[]")
		r := api.run(t, nil, "", "list_queues", "name", col)
		require.Equal(t, 0, r.code, r.stderr)
		reqs := ltRequests(api, "GET", "/api/queues/%2F")
		require.Len(t, reqs, 1, col)
		assert.NotContains(t, reqs[0].URI, "disable_stats", "%s lives in the statistics database", col)
		assert.NotContains(t, reqs[0].URI, "enable_queue_totals", col)
		assert.Equal(t, "type,name,"+col, ltQuery(t, reqs[0].URI).Get("columns"), col)
	}
}

func TestListQueuesBanners(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, `[{"name":"a","messages":1,"type":"classic"}]`)
	r := api.run(t, nil, "", "list_queues", "-t", "5", "name")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Timeout: 5.0 seconds ...\nListing queues for vhost / ...\nname\na\n", r.stdout)

	r = api.run(t, nil, "", "list_queues", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "name\tmessages\na\t1\n", r.stdout, "-q: no banners")

	r = api.run(t, nil, "", "list_queues", "-s")
	assert.Equal(t, "a\t1\n", r.stdout, "-s: no banners, no header")

	r = api.run(t, nil, "", "list_queues", "--no-table-headers", "name")
	assert.Equal(t, queuesBanner+"a\n", r.stdout)
}

func TestListQueuesRenderingFromRecordedBroker(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, fixture(t, "GET_queues_%2F?disable_stats=true&enable_queue_totals=true.json")).
		on("GET /api/queues/%2F/sq", 200, fixture(t, "GET_queues_%2F_sq.json"))
	r := api.run(t, nil, "", "list_queues", "name", "durable", "auto_delete", "arguments", "exclusive", "state", "type", "leader", "members", "online")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, queuesBanner+"name\tdurable\tauto_delete\targuments\texclusive\tstate\ttype\tleader\tmembers\tonline\n"), r.stdout)
	for _, line := range []string{
		// the same cells as rabbitmqctl printed (observed3.md §1, all columns)
		`cq	true	false	[{"x-max-length",10},{"x-message-ttl",60000}]	false	running	classic			`,
		`qq	true	false	[{"x-queue-type","quorum"}]		running	quorum	obs2@localhost	[obs2@localhost]	[obs2@localhost]`,
		`sq	true	false	[{"x-queue-type","stream"}]		running	stream	obs2@localhost	[obs2@localhost]	[obs2@localhost]`,
		`tmp	false	true	[]	false	running	classic			`,
		`excl	false	false	[{"x-expires",3600000}]	true	running	classic			`,
		`dlq	true	false	[{"x-dead-letter-exchange","ex.alt"},{"x-dead-letter-routing-key","dead"}]	false	running	classic			`,
		`sac	true	false	[{"x-single-active-consumer",true}]	false	running	classic			`,
	} {
		assert.True(t, ltHasLine(r.stdout, line), "missing line %q in\n%s", line, r.stdout)
	}
	sq := ltRequests(api, "GET", "/api/queues/%2F/sq")
	require.Len(t, sq, 1)
	assert.Equal(t, "leader,members,online,node", ltQuery(t, sq[0].URI).Get("columns"),
		"the stream's missing items, and node for its leader")
}

func TestListQueuesArgumentsKeepServerOrderAndListsAndNulls(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200,
		`[{"name":"q1","type":"quorum","arguments":{"x-message-ttl":60000,"x-max-length":10,"x-dead-letter-exchange":"dlx"},`+
			`"exclusive":null,"members":["rabbit@b","rabbit@a"],"online":[],"leader":"rabbit@b"}]`)
	r := api.run(t, nil, "", "list_queues", "name", "arguments", "exclusive", "members", "online", "leader")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\targuments\texclusive\tmembers\tonline\tleader\n"+
		"q1\t[{\"x-message-ttl\",60000},{\"x-max-length\",10},{\"x-dead-letter-exchange\",\"dlx\"}]\t\t[rabbit@b, rabbit@a]\t[]\trabbit@b\n", r.stdout)
}

func TestListQueuesClassicOnlyStatisticsEmptyForQuorumAndStream(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, fixture(t, "GET_queues_%2F.json"))
	r := api.run(t, nil, "", "list_queues", "name", "messages_persistent", "message_bytes", "consumer_utilisation", "messages_ram", "message_bytes_ram", "disk_reads")
	require.Equal(t, 0, r.code, r.stderr)
	// as rabbitmqctl printed them: quorum queues report only the *_ram totals, streams nothing
	assert.True(t, ltHasLine(r.stdout, "cq\t3\t24\t0\t3\t24\t0"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, "qq\t\t\t\t0\t0\t"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, "sq\t\t\t\t\t\t"), r.stdout)
	assert.Len(t, api.requests(), 1, "no stream completion for columns a stream does not have")
}

func TestListQueuesJSON(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, fixture(t, "GET_queues_%2F.json"))
	r := api.run(t, nil, "", "list_queues", "name", "arguments", "policy", "exclusive", "messages_persistent", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "[\n{"), r.stdout)
	assert.True(t, strings.HasSuffix(r.stdout, "}\n]\n"), r.stdout)
	for _, line := range []string{
		`{"name":"auto","arguments":{},"policy":"","exclusive":false,"messages_persistent":0}`,
		`,{"name":"cq","arguments":{"x-max-length":10,"x-message-ttl":60000},"policy":"","exclusive":false,"messages_persistent":3}`,
		`,{"name":"cq.ttl","arguments":{},"policy":"ttl","exclusive":false,"messages_persistent":0}`,
		`,{"name":"qq","arguments":{"x-queue-type":"quorum"},"policy":"","exclusive":false,"messages_persistent":""}`,
		`,{"name":"sq","arguments":{"x-queue-type":"stream"},"policy":"","exclusive":false,"messages_persistent":""}`,
	} {
		assert.True(t, ltHasLine(r.stdout, line), "missing %s in\n%s", line, r.stdout)
	}
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows))
	assert.Len(t, rows, 13)
	assert.Empty(t, r.stderr)
}

func TestListQueuesMissingVhostIsEmpty(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/nosuch", 404, fixture(t, "GET_queues_nosuch.404.json"))
	r := api.run(t, nil, "", "list_queues", "-p", "nosuch")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Timeout: 60.0 seconds ...\nListing queues for vhost nosuch ...\n", r.stdout, "only the banner, as rabbitmqctl")
	assert.Empty(t, r.stderr)

	r = api.run(t, nil, "", "list_queues", "-p", "nosuch", "--formatter", "json")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n]\n", r.stdout)

	r = api.run(t, nil, "", "list_queues", "-p", "nosuch", "--formatter", "csv")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
}

func TestListQueuesEmptyVhost(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/empty", 200, fixture(t, "GET_queues_empty.json"))
	r := api.run(t, nil, "", "list_queues", "-p", "empty", "name", "messages")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Timeout: 60.0 seconds ...\nListing queues for vhost empty ...\n", r.stdout)
	r = api.run(t, nil, "", "list_queues", "-p", "empty", "--formatter", "json")
	assert.Equal(t, "[\n]\n", r.stdout)
	r = api.run(t, nil, "", "list_queues", "-p", "empty", "-s")
	assert.Empty(t, r.stdout)
}

func TestListQueuesBadColumns(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "list_queues", "name", "bogus2", "bogus1")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "Error (argument validation): Info key(s) bogus1,bogus2 are not supported", firstLine(r.stderr))
	assert.Contains(t, r.stderr, "list_queues [--vhost <vhost>]")
	assert.Empty(t, api.requests(), "nothing is sent for bad columns")
}

func TestListQueuesOwnerAndExclusiveConsumerFromRecordedBroker(t *testing.T) {
	// The list (as the server answers columns=name,exclusive,exclusive_consumer_tag,type)
	// has neither owner nor consumers: they come from the queue's own record.
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, `[{"name":"cq","exclusive":false,"exclusive_consumer_tag":null,"type":"classic"},`+
			`{"name":"excl","exclusive":true,"exclusive_consumer_tag":"excl-consumer","type":"classic"}]`).
		on("GET /api/queues/%2F/excl", 200, fixture(t, "GET_queues_%2F_excl.json"))
	r := api.run(t, nil, "", "list_queues", "name", "owner_pid", "exclusive_consumer_pid", "exclusive_consumer_tag")
	require.Equal(t, 0, r.code, r.stderr)
	// rabbitmqctl shows the owner connection and the consumer's channel (as pids) for excl only
	assert.True(t, ltHasLine(r.stdout, "excl\t127.0.0.1:49348 -> 127.0.0.1:45325\t127.0.0.1:49348 -> 127.0.0.1:45325 (1)\texcl-consumer"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, "cq\t\t\t"), r.stdout)
}

func TestListQueuesStreamLeaderFromNode(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, `[{"name":"s","type":"stream","members":["rabbit@x"]}]`).
		on("GET /api/queues/%2F/s", 200, `{"name":"s","node":"rabbit@x","messages":7,"online":["rabbit@x"]}`)
	r := api.run(t, nil, "", "list_queues", "name", "messages", "leader", "members", "online")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\tleader\tmembers\tonline\ns\t7\trabbit@x\t[rabbit@x]\t[rabbit@x]\n", r.stdout)
	s := ltRequests(api, "GET", "/api/queues/%2F/s")
	require.Len(t, s, 1)
	assert.Equal(t, "messages,leader,online,node", ltQuery(t, s[0].URI).Get("columns"), "members was in the list already")
}

func TestListQueuesStreamCompletionNotNeededWithoutTheColumns(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, `[{"name":"s","type":"stream","durable":true}]`)
	r := api.run(t, nil, "", "list_queues", "name", "durable")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tdurable\ns\ttrue\n", r.stdout)
	assert.Len(t, api.requests(), 1)
}

const upDownQueues = `[{"name":"a","messages":1,"state":"running","type":"classic","node":"rabbit@n1"},` +
	`{"name":"b","messages":2,"state":"down","type":"classic","node":"rabbit@n2"},` +
	`{"name":"c","messages":3,"state":"running","type":"quorum","leader":"rabbit@n2"}]`

func TestListQueuesOnlineOffline(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200, upDownQueues)
	r := api.run(t, nil, "", "list_queues", "--online")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\na\t1\nc\t3\n", r.stdout)
	q := ltQuery(t, api.requests()[0].URI)
	assert.Subset(t, strings.Split(q.Get("columns"), ","), []string{"state", "name", "messages"}, "state is asked for the filter")
	assert.Equal(t, "true", q.Get("disable_stats"))

	r = api.run(t, nil, "", "list_queues", "--offline")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\nb\t2\n", r.stdout)

	r = api.run(t, nil, "", "list_queues", "--online", "--offline")
	assert.Equal(t, queuesBanner+"name\tmessages\na\t1\nb\t2\nc\t3\n", r.stdout)
}

func TestListQueuesLocalAsksOverviewForTheNode(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/overview", 200, `{"node":"rabbit@n2","cluster_name":"c"}`).
		on("GET /api/queues/%2F", 200, upDownQueues)
	r := api.run(t, nil, "", "list_queues", "--local", "name")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\nb\nc\n", r.stdout, "queues on n2 (node, or leader for quorum queues)")
	_, ok := api.find("GET", "/api/overview")
	assert.True(t, ok)
	lists := ltRequests(api, "GET", "/api/queues/%2F")
	require.Len(t, lists, 1)
	assert.Subset(t, strings.Split(ltQuery(t, lists[0].URI).Get("columns"), ","), []string{"node", "leader"})
}

func TestListQueuesOnePage(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200,
		`{"filtered_count":14,"item_count":1,"items":[{"name":"q11","messages":5,"type":"classic"}],"page":2,"page_count":2,"page_size":10,"total_count":14}`)
	r := api.run(t, nil, "", "list_queues", "--page", "2", "--page-size", "10")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\nq11\t5\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/queues/%2F?columns=type%2Cname%2Cmessages&disable_stats=true&enable_queue_totals=true&page=2&page_size=10", reqs[0].URI)
}

func TestListQueuesNameRegexWalksThePages(t *testing.T) {
	base := "GET /api/queues/%2F?columns=type%2Cname%2Cmessages&disable_stats=true&enable_queue_totals=true&name=%5Eq&page="
	api := newFakeAPI(t).
		on(base+"1&page_size=500&use_regex=true", 200,
			`{"filtered_count":3,"item_count":2,"items":[{"name":"q1","messages":1,"type":"classic"},{"name":"q2","messages":2,"type":"classic"}],"page":1,"page_count":2,"page_size":500,"total_count":9}`).
		on(base+"2&page_size=500&use_regex=true", 200,
			`{"filtered_count":3,"item_count":1,"items":[{"name":"q3","messages":3,"type":"classic"}],"page":2,"page_count":2,"page_size":500,"total_count":9}`)
	r := api.run(t, nil, "", "list_queues", "--name-regex", "^q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\nq1\t1\nq2\t2\nq3\t3\n", r.stdout)
	assert.Len(t, api.requests(), 2, "page 1 and page 2, then stop at page_count")
}

func TestListQueuesNameRegexWithPageIsOneRequest(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/queues/%2F", 200,
		`{"items":[{"name":"q3","messages":3,"type":"classic"}],"page":3,"page_count":5,"page_size":1}`)
	r := api.run(t, nil, "", "list_queues", "--name-regex", "^q", "--page", "3", "--page-size", "1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, queuesBanner+"name\tmessages\nq3\t3\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1, "an explicit page is not walked")
	q := ltQuery(t, reqs[0].URI)
	assert.Equal(t, "3", q.Get("page"))
	assert.Equal(t, "1", q.Get("page_size"))
	assert.Equal(t, "^q", q.Get("name"))
	assert.Equal(t, "true", q.Get("use_regex"))
}

func TestListQueuesPagingValidation(t *testing.T) {
	api := newFakeAPI(t)
	for _, args := range [][]string{{"--page-size", "501"}, {"--page-size", "0"}, {"--page", "-1"}} {
		r := api.run(t, nil, "", append([]string{"list_queues"}, args...)...)
		assert.Equal(t, 64, r.code, args)
		assert.True(t, strings.HasPrefix(firstLine(r.stderr), "Error (argument validation): --page must be at least 1 and --page-size between 1 and 500"), r.stderr)
		assert.Empty(t, r.stdout, args)
	}
	assert.Empty(t, api.requests())
}

// --- list_exchanges --------------------------------------------------------------

func TestListExchangesDefault(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/exchanges/%2F", 200, fixture(t, "GET_exchanges_%2F.json"))
	r := api.run(t, nil, "", "list_exchanges")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing exchanges for vhost / ...\nname\ttype\n"+
		"\tdirect\n"+ // the default exchange's empty name
		"amq.direct\tdirect\namq.fanout\tfanout\namq.headers\theaders\namq.match\theaders\n"+
		"amq.rabbitmq.trace\ttopic\namq.topic\ttopic\nex.alt\tfanout\nex.autodel\tdirect\nex.direct\tdirect\n"+
		"ex.headers\theaders\nex.internal\ttopic\nex.topic\ttopic\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/exchanges/%2F?columns=name%2Ctype&disable_stats=true&sort=", reqs[0].URI)
}

func TestListExchangesAllColumns(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/exchanges/%2F", 200, fixture(t, "GET_exchanges_%2F.json"))
	r := api.run(t, nil, "", "list_exchanges", "name", "type", "durable", "auto_delete", "internal", "arguments", "policy")
	require.Equal(t, 0, r.code, r.stderr)
	// cells as rabbitmqctl printed them (observed3.md §2)
	for _, line := range []string{
		"name\ttype\tdurable\tauto_delete\tinternal\targuments\tpolicy",
		"\tdirect\ttrue\tfalse\tfalse\t[]\t",
		"amq.rabbitmq.trace\ttopic\ttrue\tfalse\ttrue\t[]\t",
		"ex.topic\ttopic\ttrue\tfalse\tfalse\t[{\"alternate-exchange\",\"ex.alt\"}]\t",
		"ex.autodel\tdirect\tfalse\ttrue\tfalse\t[]\t",
		"ex.internal\ttopic\ttrue\tfalse\ttrue\t[]\t",
	} {
		assert.True(t, ltHasLine(r.stdout, line), "missing %q in\n%s", line, r.stdout)
	}

	r = api.run(t, nil, "", "list_exchanges", "name", "arguments", "policy", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "[\n"+`{"name":"","arguments":{},"policy":""}`+"\n"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, `,{"name":"ex.topic","arguments":{"alternate-exchange":"ex.alt"},"policy":""}`), r.stdout)
}

func TestListExchangesEmptyAndMissingVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/exchanges/nosuch", 404, fixture(t, "GET_exchanges_nosuch.404.json")).
		on("GET /api/exchanges/void", 200, "[]")
	for _, vh := range []string{"nosuch", "void"} {
		r := api.run(t, nil, "", "list_exchanges", "-p", vh)
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "Listing exchanges for vhost "+vh+" ...\n", r.stdout)
		r = api.run(t, nil, "", "list_exchanges", "-p", vh, "--formatter", "json")
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "[\n]\n", r.stdout)
		r = api.run(t, nil, "", "list_exchanges", "-p", vh, "--formatter", "csv")
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Empty(t, r.stdout)
	}
}

func TestListExchangesBadColumn(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "list_exchanges", "badcol")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): Info key(s) badcol are not supported", firstLine(r.stderr))
	assert.Empty(t, api.requests())
}

// --- list_bindings ---------------------------------------------------------------

const bindingRows = "\texchange\tauto\tqueue\tauto\t[]\n" +
	"\texchange\tcq\tqueue\tcq\t[]\n" +
	"\texchange\tcq.ttl\tqueue\tcq.ttl\t[]\n" +
	"\texchange\tdlq\tqueue\tdlq\t[]\n" +
	"\texchange\texcl\tqueue\texcl\t[]\n" +
	"\texchange\tprio\tqueue\tprio\t[]\n" +
	"\texchange\tqq\tqueue\tqq\t[]\n" +
	"\texchange\tqq.work\tqueue\tqq.work\t[]\n" +
	"\texchange\tsac\tqueue\tsac\t[]\n" +
	"\texchange\tsq\tqueue\tsq\t[]\n" +
	"\texchange\ttmp\tqueue\ttmp\t[]\n" +
	"\texchange\ttxq\tqueue\ttxq\t[]\n" +
	"\texchange\twork\tqueue\twork\t[]\n" +
	"ex.alt\texchange\tdlq\tqueue\t\t[]\n" +
	"ex.direct\texchange\tcq\tqueue\tcq.key\t[]\n" +
	"ex.direct\texchange\tex.internal\texchange\te2e\t[]\n" +
	"ex.direct\texchange\tqq\tqueue\tqq.key\t[]\n" +
	"ex.headers\texchange\tprio\tqueue\t\t[{\"format\",\"pdf\"},{\"type\",\"report\"},{\"x-match\",\"all\"}]\n" +
	"ex.topic\texchange\tcq\tqueue\t*.cq\t[]\n" +
	"ex.topic\texchange\tsq\tqueue\tstream.#\t[]\n"

func TestListBindingsDefault(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/bindings/%2F", 200, fixture(t, "GET_bindings_%2F.json"))
	r := api.run(t, nil, "", "list_bindings")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing bindings for vhost /...\n"+
		"source_name\tsource_kind\tdestination_name\tdestination_kind\trouting_key\targuments\n"+bindingRows, r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/bindings/%2F?columns=source%2Cdestination%2Cdestination_type%2Crouting_key%2Carguments&disable_stats=true&sort=", reqs[0].URI,
		"source_kind is a constant: nothing asked for it")
}

func TestListBindingsFormats(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/bindings/%2F", 200, fixture(t, "GET_bindings_%2F.json"))
	r := api.run(t, nil, "", "list_bindings", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "[\n"+
		`{"source_name":"","source_kind":"exchange","destination_name":"auto","destination_kind":"queue","routing_key":"auto","arguments":{}}`+"\n"), r.stdout)
	assert.True(t, ltHasLine(r.stdout,
		`,{"source_name":"ex.headers","source_kind":"exchange","destination_name":"prio","destination_kind":"queue","routing_key":"","arguments":{"format":"pdf","type":"report","x-match":"all"}}`), r.stdout)
	assert.True(t, ltHasLine(r.stdout,
		`,{"source_name":"ex.direct","source_kind":"exchange","destination_name":"ex.internal","destination_kind":"exchange","routing_key":"e2e","arguments":{}}`), r.stdout)

	r = api.run(t, nil, "", "list_bindings", "--formatter", "csv")
	require.Equal(t, 0, r.code, r.stderr)
	// rabbitmqctl's csv lines (observed3.md §3)
	assert.True(t, strings.HasPrefix(r.stdout, `"source_name","source_kind","destination_name","destination_kind","routing_key","arguments"`+"\n"+
		`"","exchange","auto","queue","auto","[]"`+"\n"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, `"ex.headers","exchange","prio","queue","","[{""format"",""pdf""},{""type"",""report""},{""x-match"",""all""}]"`), r.stdout)

	r = api.run(t, nil, "", "list_bindings", "source_name,arguments", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "source_name\targuments\n\t[]\n"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, "ex.headers\t[{\"format\",\"pdf\"},{\"type\",\"report\"},{\"x-match\",\"all\"}]"), r.stdout)
	assert.Equal(t, "source,arguments", ltQuery(t, api.requests()[2].URI).Get("columns"))
}

func TestListBindingsEmptyAndMissingVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/bindings/nosuch", 404, fixture(t, "GET_bindings_nosuch.404.json")).
		on("GET /api/bindings/empty", 200, fixture(t, "GET_bindings_empty.json"))
	for _, vh := range []string{"nosuch", "empty"} {
		r := api.run(t, nil, "", "list_bindings", "-p", vh)
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "Listing bindings for vhost "+vh+"...\n", r.stdout)
		r = api.run(t, nil, "", "list_bindings", "-p", vh, "--formatter", "json")
		assert.Equal(t, "[\n]\n", r.stdout)
		r = api.run(t, nil, "", "list_bindings", "-p", vh, "--formatter", "csv")
		assert.Empty(t, r.stdout)
	}
}

// --- list_connections ------------------------------------------------------------

func TestListConnectionsDefault(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/connections", 200, fixture(t, "GET_connections.json"))
	r := api.run(t, nil, "", "list_connections")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing connections ...\nuser\tpeer_host\tpeer_port\tstate\n"+
		"guest\t127.0.0.1\t49340\trunning\nguest\t127.0.0.1\t49348\trunning\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/connections?columns=user%2Cpeer_host%2Cpeer_port%2Cstate&sort=", reqs[0].URI,
		"state is a statistic: no disable_stats")
}

func TestListConnectionsRendering(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/connections", 200, fixture(t, "GET_connections.json"))
	r := api.run(t, nil, "", "list_connections", "pid", "name", "port", "ssl", "ssl_protocol", "peer_cert_subject", "protocol", "auth_mechanism", "vhost", "connected_at")
	require.Equal(t, 0, r.code, r.stderr)
	// rabbitmqctl's cells (observed3.md §4), pid standing in for the Erlang pid, null as an empty field
	assert.Equal(t, "Listing connections ...\n"+
		"pid\tname\tport\tssl\tssl_protocol\tpeer_cert_subject\tprotocol\tauth_mechanism\tvhost\tconnected_at\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325\t127.0.0.1:49340 -> 127.0.0.1:45325\t45325\tfalse\t\t\t{0,9,1}\tPLAIN\t/\t1795603298686\n"+
		"127.0.0.1:49348 -> 127.0.0.1:45325\t127.0.0.1:49348 -> 127.0.0.1:45325\t45325\tfalse\t\t\t{0,9,1}\tPLAIN\t/\t1795603298689\n", r.stdout)
	q := ltQuery(t, api.requests()[0].URI)
	assert.Equal(t, "true", q.Get("disable_stats"), "none of these columns needs statistics")
	assert.Equal(t, "name,port,ssl,ssl_protocol,peer_cert_subject,protocol,auth_mechanism,vhost,connected_at", q.Get("columns"),
		"pid and name are the same HTTP field, asked once")
}

func TestListConnectionsClientPropertiesFromRecordedBroker(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/connections", 200, fixture(t, "GET_connections.json"))
	r := api.run(t, nil, "", "list_connections", "name", "client_properties", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	// rabbitmqctl's rendering, in the order the HTTP API sends the table
	assert.Equal(t, "name\tclient_properties\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325\t"+
		`[{"capabilities",[{"basic.nack",true},{"connection.blocked",true},{"consumer_cancel_notify",true},{"publisher_confirms",true}]},{"connection_name","traffic-1"},{"platform","golang"},{"product","AMQP 0.9.1 Client"},{"version","1.16.0"}]`+"\n"+
		"127.0.0.1:49348 -> 127.0.0.1:45325\t"+
		`[{"capabilities",[{"basic.nack",true},{"connection.blocked",true},{"consumer_cancel_notify",true},{"publisher_confirms",true}]},{"platform","golang"},{"product","AMQP 0.9.1 Client"},{"version","1.16.0"}]`+"\n", r.stdout)
}

func TestTermTextAndAMQPTextOfDottedKeys(t *testing.T) {
	o := mgmtapi.NewObject("rabbit@mq1.example.com", "running", "basic.nack", true)
	assert.Equal(t, "[{rabbit@mq1.example.com, running}, {basic.nack, true}]", termText(o))
	assert.Equal(t, `[{"rabbit@mq1.example.com","running"},{"basic.nack",true}]`, amqpValueText(o))
}

func TestListConnectionsClientPropertiesOrderKept(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/connections", 200,
		`[{"name":"c1","protocol":"AMQP 1.0","client_properties":{"product":"p","version":"2","capabilities":{"z":true,"a":false},"list":["x",1]}}]`)
	r := api.run(t, nil, "", "list_connections", "name", "protocol", "client_properties", "-q")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "name\tprotocol\tclient_properties\n"+
		`c1	{1,0}	[{"product","p"},{"version","2"},{"capabilities",[{"z",true},{"a",false}]},{"list",["x",1]}]`+"\n", r.stdout)

	r = api.run(t, nil, "", "list_connections", "name", "client_properties", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n"+`{"name":"c1","client_properties":{"product":"p","version":"2","capabilities":{"z":true,"a":false},"list":["x",1]}}`+"\n]\n", r.stdout)
}

func TestListConnectionsEmpty(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/connections", 200, "[]")
	r := api.run(t, nil, "", "list_connections")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing connections ...\n", r.stdout)
	r = api.run(t, nil, "", "list_connections", "--formatter", "json")
	assert.Equal(t, "[\n]\n", r.stdout)
	r = api.run(t, nil, "", "list_connections", "name", "user", "--formatter", "csv")
	assert.Empty(t, r.stdout)
	r = api.run(t, nil, "", "list_connections", "-q")
	assert.Empty(t, r.stdout)
}

func TestListConnectionsBadColumn(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "list_connections", "name", "user_provided_name")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): Info key(s) user_provided_name are not supported", firstLine(r.stderr))
	assert.Empty(t, api.requests())
}

// --- list_channels ---------------------------------------------------------------

func TestListChannelsDefault(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/channels", 200, fixture(t, "GET_channels.json"))
	r := api.run(t, nil, "", "list_channels")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing channels ...\npid\tuser\tconsumer_count\tmessages_unacknowledged\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325 (1)\tguest\t0\t0\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325 (2)\tguest\t1\t0\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325 (3)\tguest\t1\t4\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325 (4)\tguest\t1\t0\n"+
		"127.0.0.1:49340 -> 127.0.0.1:45325 (5)\tguest\t1\t0\n"+
		"127.0.0.1:49348 -> 127.0.0.1:45325 (1)\tguest\t2\t0\n"+
		"127.0.0.1:49348 -> 127.0.0.1:45325 (2)\tguest\t1\t0\n"+
		"127.0.0.1:49348 -> 127.0.0.1:45325 (3)\tguest\t1\t1\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/channels?columns=name%2Cuser%2Cconsumer_count%2Cmessages_unacknowledged&sort=", reqs[0].URI,
		"channel counters need the statistics database")
}

func TestListChannelsMoreColumns(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/channels", 200, fixture(t, "GET_channels.json"))
	r := api.run(t, nil, "", "list_channels", "name", "connection", "number", "transactional", "confirm",
		"messages_uncommitted", "acks_uncommitted", "prefetch_count", "global_prefetch_count")
	require.Equal(t, 0, r.code, r.stderr)
	for _, line := range []string{
		"127.0.0.1:49340 -> 127.0.0.1:45325 (1)\t127.0.0.1:49340 -> 127.0.0.1:45325\t1\tfalse\ttrue\t0\t0\t0\t0",
		"127.0.0.1:49340 -> 127.0.0.1:45325 (2)\t127.0.0.1:49340 -> 127.0.0.1:45325\t2\ttrue\tfalse\t1\t2\t0\t0",
		"127.0.0.1:49340 -> 127.0.0.1:45325 (3)\t127.0.0.1:49340 -> 127.0.0.1:45325\t3\tfalse\tfalse\t0\t0\t10\t20",
		"127.0.0.1:49348 -> 127.0.0.1:45325 (3)\t127.0.0.1:49348 -> 127.0.0.1:45325\t3\tfalse\tfalse\t0\t0\t5\t0",
	} {
		assert.True(t, ltHasLine(r.stdout, line), "missing %q in\n%s", line, r.stdout)
	}
	q := ltQuery(t, api.requests()[0].URI)
	assert.Contains(t, strings.Split(q.Get("columns"), ","), "connection_details", "the nested field's top level is asked for")
	assert.Empty(t, q.Get("disable_stats"))
}

func TestListChannelsEmpty(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/channels", 200, "[]")
	r := api.run(t, nil, "", "list_channels")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing channels ...\n", r.stdout)
	r = api.run(t, nil, "", "list_channels", "--formatter", "json")
	assert.Equal(t, "[\n]\n", r.stdout)
	r = api.run(t, nil, "", "list_channels", "--formatter", "csv")
	assert.Empty(t, r.stdout)
}

// --- list_consumers --------------------------------------------------------------

func TestListConsumersDefault(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/consumers/%2F", 200, fixture(t, "GET_consumers_%2F.json"))
	r := api.run(t, nil, "", "list_consumers")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Listing consumers in vhost / ...\n"+
		"queue_name\tchannel_pid\tconsumer_tag\tack_required\tprefetch_count\tactive\targuments\n"+
		"auto\t127.0.0.1:49340 -> 127.0.0.1:45325 (4)\tauto-consumer\tfalse\t0\ttrue\t[]\n"+
		"sac\t127.0.0.1:49348 -> 127.0.0.1:45325 (2)\tsac-2\ttrue\t0\tfalse\t[]\n"+
		"sac\t127.0.0.1:49340 -> 127.0.0.1:45325 (5)\tsac-1\ttrue\t0\ttrue\t[]\n"+
		"txq\t127.0.0.1:49340 -> 127.0.0.1:45325 (2)\tctag-./traffic-1\ttrue\t0\ttrue\t[]\n"+
		"work\t127.0.0.1:49340 -> 127.0.0.1:45325 (3)\tctag-./traffic-2\ttrue\t10\ttrue\t[]\n"+
		"excl\t127.0.0.1:49348 -> 127.0.0.1:45325 (1)\texcl-consumer\ttrue\t0\ttrue\t[]\n"+
		"qq.work\t127.0.0.1:49348 -> 127.0.0.1:45325 (3)\tqq-consumer\ttrue\t5\ttrue\t[]\n"+
		"prio\t127.0.0.1:49348 -> 127.0.0.1:45325 (1)\tprio-consumer\ttrue\t0\ttrue\t[{\"x-custom\",\"hello\"},{\"x-priority\",7}]\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/consumers/%2F?columns=queue%2Cchannel_details%2Cconsumer_tag%2Cack_required%2Cprefetch_count%2Cactive%2Carguments&sort=", reqs[0].URI,
		"consumers are only in the statistics database: no disable_stats")
}

func TestListConsumersActivityStatusAndJSON(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/consumers/%2F", 200, fixture(t, "GET_consumers_%2F.json"))
	r := api.run(t, nil, "", "list_consumers", "queue_name", "consumer_tag", "active", "activity_status", "-s")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, ltHasLine(r.stdout, "sac\tsac-2\tfalse\twaiting"), r.stdout)
	assert.True(t, ltHasLine(r.stdout, "sac\tsac-1\ttrue\tsingle_active"), r.stdout)
	assert.False(t, strings.HasPrefix(r.stdout, "queue_name"), "-s drops the header")

	r = api.run(t, nil, "", "list_consumers", "queue_name", "arguments", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, ltHasLine(r.stdout, `,{"queue_name":"prio","arguments":{"x-custom":"hello","x-priority":7}}`), r.stdout)
	assert.True(t, strings.HasPrefix(r.stdout, "[\n"+`{"queue_name":"auto","arguments":{}}`+"\n"), r.stdout)
}

func TestListConsumersEmptyAndMissingVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/consumers/empty", 200, fixture(t, "GET_consumers_empty.json")).
		on("GET /api/consumers/nosuch", 404, fixture(t, "GET_consumers_nosuch.404.json"))
	for _, vh := range []string{"empty", "nosuch"} {
		r := api.run(t, nil, "", "list_consumers", "-p", vh)
		assert.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, "Listing consumers in vhost "+vh+" ...\n", r.stdout)
		r = api.run(t, nil, "", "list_consumers", "-p", vh, "--formatter", "json")
		assert.Equal(t, "[\n]\n", r.stdout)
		r = api.run(t, nil, "", "list_consumers", "-p", vh, "--formatter", "csv")
		assert.Empty(t, r.stdout)
		r = api.run(t, nil, "", "list_consumers", "-p", vh, "-s")
		assert.Empty(t, r.stdout)
	}
}
