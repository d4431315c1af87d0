package cmd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of declare_queue, delete_queue, purge_queue, declare_exchange, delete_exchange,
// declare_binding and delete_binding.

// topoIndex is the position of the first request with that method and URI prefix (-1 if none).
func topoIndex(api *fakeAPI, method, prefix string) int {
	for i, r := range api.requests() {
		if r.Method == method && strings.HasPrefix(r.URI, prefix) {
			return i
		}
	}
	return -1
}

// --- declare_queue ---------------------------------------------------------------

func TestDeclareQueueDefaultsAreSentExplicitly(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/%2F/q1", 201, "")
	r := api.run(t, nil, "", "declare_queue", "q1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Declaring queue 'q1' in vhost '/' ...\n", r.stdout)
	assert.Empty(t, r.stderr)
	put, ok := api.find("PUT", "/api/queues/%2F/q1")
	require.True(t, ok)
	assert.Equal(t, "/api/queues/%2F/q1", put.URI)
	assert.JSONEq(t, `{"durable":true,"auto_delete":false,"arguments":{}}`, put.Body,
		"the server runs queue.declare: an omitted durable would mean false")
	assert.Len(t, api.requests(), 1)
}

func TestDeclareQueueTypeShorthandsAndArguments(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/rabbit%2Fhole/orders", 201, "")
	r := api.run(t, nil, "", "declare_queue", "-p", "rabbit/hole", "orders", "--type", "quorum",
		"--delivery-limit", "5", "--dead-letter-exchange", "dlx", "--max-length", "10", "--message-ttl", "60000",
		"--overflow", "reject-publish", "--single-active-consumer")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Declaring queue 'orders' in vhost 'rabbit/hole' ...\n", r.stdout)
	put, ok := api.find("PUT", "/api/queues/rabbit%2Fhole/orders")
	require.True(t, ok)
	assert.JSONEq(t, `{"durable":true,"auto_delete":false,"arguments":{"x-queue-type":"quorum","x-delivery-limit":5,
		"x-dead-letter-exchange":"dlx","x-max-length":10,"x-message-ttl":60000,"x-overflow":"reject-publish",
		"x-single-active-consumer":true}}`, put.Body, "numeric shorthands are JSON numbers")

	api = newFakeAPI(t).on("PUT /api/queues/%2F/tmp", 201, "")
	r = api.run(t, nil, "", "declare_queue", "tmp", "--durable=false", "--auto-delete",
		"--arguments", `{"x-expires":60000,"x-custom":"v","x-max-length":1}`, "--max-length", "5", "--max-age", "7D")
	require.Equal(t, 0, r.code, r.stderr)
	put, _ = api.find("PUT", "/api/queues/%2F/tmp")
	assert.JSONEq(t, `{"durable":false,"auto_delete":true,"arguments":{"x-expires":60000,"x-custom":"v","x-max-length":5,"x-max-age":"7D"}}`, put.Body,
		"--arguments merged with the shorthands, which win")

	api = newFakeAPI(t).on("PUT /api/queues/%2F/s", 201, "")
	r = api.run(t, nil, "", "declare_queue", "s", "--type", "stream", "--arguments", `{"x-queue-type":"stream"}`)
	require.Equal(t, 0, r.code, r.stderr)
	put, _ = api.find("PUT", "/api/queues/%2F/s")
	assert.JSONEq(t, `{"durable":true,"auto_delete":false,"arguments":{"x-queue-type":"stream"}}`, put.Body, "an agreeing x-queue-type is fine")
}

func TestDeclareQueueArgumentErrorsSendNothing(t *testing.T) {
	api := newFakeAPI(t)
	cases := []struct {
		args  []string
		first string
	}{
		{[]string{"declare_queue", "q", "--arguments", `{"x-max-length":`}, "Error (argument validation): Bad argument: --arguments must be a JSON object"},
		{[]string{"declare_queue", "q", "--arguments", `[1,2]`}, "Error (argument validation): Bad argument: --arguments must be a JSON object"},
		{[]string{"declare_queue", "q", "--type", "stream", "--arguments", `{"x-queue-type":"quorum"}`},
			"Error (argument validation): Bad argument: --type stream contradicts x-queue-type quorum in --arguments"},
		{[]string{"declare_queue", "q", "--type", "lazy"}, "Error (argument validation): Bad argument: queue type must be one of: classic, quorum, stream. Provided: lazy"},
		{[]string{"declare_queue", ""}, "Error (argument validation): Bad argument: queue name cannot be an empty string"},
	}
	for _, c := range cases {
		r := api.run(t, nil, "", c.args...)
		assert.Equal(t, 65, r.code, c.args)
		assert.True(t, strings.HasPrefix(firstLine(r.stderr), c.first), "%v: %s", c.args, r.stderr)
		assert.Empty(t, r.stdout, c.args)
	}
	r := api.run(t, nil, "", "declare_queue")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): not enough arguments.", firstLine(r.stderr))
	assert.Empty(t, api.requests(), "nothing is sent for bad arguments")
}

func TestDeclareQueueInequivalentIsExit65WithServerReason(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/%2F/cq", 400, fixture(t, "PUT_queues_%2F_cq.inequivalent-args.400.json"))
	r := api.run(t, nil, "", "declare_queue", "cq", "--message-ttl", "5000")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Declaring queue 'cq' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "Error:\ninequivalent arg 'x-message-ttl' for queue 'cq' in vhost '/': received '5000' but current is '60000'\n", r.stderr)

	api = newFakeAPI(t).on("PUT /api/queues/%2F/cq", 400, fixture(t, "PUT_queues_%2F_cq.inequivalent-durable.400.json"))
	r = api.run(t, nil, "", "declare_queue", "cq", "--durable=false")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\ninequivalent arg 'durable' for queue 'cq' in vhost '/': received 'false' but current is 'true'\n", r.stderr)
	put, _ := api.find("PUT", "/api/queues/%2F/cq")
	assert.JSONEq(t, `{"durable":false,"auto_delete":false,"arguments":{}}`, put.Body)
}

func TestDeclareQueueMissingVhost(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/nosuch/q1", 404, fixture(t, "PUT_queues_nosuch_q1.404.json"))
	r := api.run(t, nil, "", "declare_queue", "-p", "nosuch", "q1")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Declaring queue 'q1' in vhost 'nosuch' ...\n", r.stdout)
	assert.Equal(t, "Virtual host 'nosuch' does not exist\n", r.stderr)
}

func TestDeclareQueueQuietAndJSON(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/%2F/q1", 204, "")
	r := api.run(t, nil, "", "declare_queue", "-q", "q1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	r = api.run(t, nil, "", "declare_queue", "q1", "--formatter", "json", "-n", "rabbit@localhost")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `{"node":"rabbit@localhost","result":"ok"}`+"\n", r.stdout)
}

// --- delete_queue ----------------------------------------------------------------

func totalsPage(items string) string {
	return `{"filtered_count":1,"item_count":1,"items":[` + items + `],"page":1,"page_count":1,"page_size":500,"total_count":13}`
}

func TestDeleteQueueReadsTheCountFirst(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, totalsPage(`{"messages":3,"messages_ready":3,"messages_unacknowledged":0,"name":"cq","type":"classic"}`)).
		on("DELETE /api/queues/%2F/cq", 204, "")
	r := api.run(t, nil, "", "delete_queue", "cq")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Deleting queue 'cq' on vhost '/' ...\nQueue was successfully deleted with 3 ready messages\n", r.stdout)
	get, del := topoIndex(api, "GET", "/api/queues/%2F?"), topoIndex(api, "DELETE", "/api/queues/%2F/cq")
	require.True(t, get >= 0 && del >= 0, "%v", api.requests())
	assert.Less(t, get, del, "the count is read before the queue is gone")
	reqs := api.requests()
	assert.Equal(t, "/api/queues/%2F?columns=name%2Ctype%2Cmessages%2Cmessages_ready%2Cmessages_unacknowledged&disable_stats=true&enable_queue_totals=true&name=%5Ecq%24&page=1&page_size=500&use_regex=true",
		reqs[get].URI, "current totals of this one queue, filtered by the server")
	assert.Equal(t, "/api/queues/%2F/cq", reqs[del].URI, "no conditions: no query")

	r = api.run(t, nil, "", "delete_queue", "-q", "cq")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Queue was successfully deleted with 3 ready messages\n", r.stdout)
}

func TestDeleteQueueNameIsAnchoredAndEscaped(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, totalsPage(`{"messages_ready":9,"name":"QQ.WORK","type":"classic"},{"messages":1,"messages_ready":0,"name":"qq.work","type":"quorum"}`)).
		on("DELETE /api/queues/%2F/qq.work", 204, "")
	r := api.run(t, nil, "", "delete_queue", "qq.work")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Deleting queue 'qq.work' on vhost '/' ...\nQueue was successfully deleted with 0 ready messages\n", r.stdout,
		"the exact name's count, not the case-insensitive match's")
	get, _ := api.find("GET", "/api/queues/%2F?")
	assert.Equal(t, `^qq\.work$`, ltQuery(t, get.URI).Get("name"))
}

func TestDeleteQueueStreamWithoutCountsIsZero(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/%2F", 200, totalsPage(`{"name":"sq","type":"stream"}`)).
		on("DELETE /api/queues/%2F/sq", 204, "")
	r := api.run(t, nil, "", "delete_queue", "sq")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Deleting queue 'sq' on vhost '/' ...\nQueue was successfully deleted with 0 ready messages\n", r.stdout)
}

func TestDeleteQueueConditionBanners(t *testing.T) {
	cases := []struct {
		flags  []string
		banner string
		query  string
	}{
		{[]string{"--if-empty"}, "Deleting queue 'q' on vhost '/' if queue is empty ...\n", "?if-empty=true"},
		{[]string{"-e"}, "Deleting queue 'q' on vhost '/' if queue is empty ...\n", "?if-empty=true"},
		{[]string{"--if-unused"}, "Deleting queue 'q' on vhost '/' if queue is unused ...\n", "?if-unused=true"},
		{[]string{"-u"}, "Deleting queue 'q' on vhost '/' if queue is unused ...\n", "?if-unused=true"},
		{[]string{"--if-unused", "--if-empty"}, "Deleting queue 'q' on vhost '/' if queue is empty and if queue is unused ...\n", "?if-empty=true&if-unused=true"},
	}
	for _, c := range cases {
		api := newFakeAPI(t).
			on("GET /api/queues/%2F", 200, totalsPage(`{"messages_ready":0,"name":"q","type":"classic"}`)).
			on("DELETE /api/queues/%2F/q", 204, "")
		r := api.run(t, nil, "", append([]string{"delete_queue", "q"}, c.flags...)...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Equal(t, c.banner+"Queue was successfully deleted with 0 ready messages\n", r.stdout, c.flags)
		del, ok := api.find("DELETE", "/api/queues/%2F/q")
		require.True(t, ok)
		assert.Equal(t, "/api/queues/%2F/q"+c.query, del.URI, c.flags)
	}
}

func TestDeleteQueueRefusedByTheServer(t *testing.T) {
	cases := []struct {
		name, fixture, msg string
		flags              []string
	}{
		{"cq", "DELETE_queues_%2F_cq?if-empty=true.400.json", "Queue is not empty", []string{"--if-empty"}},
		{"work", "DELETE_queues_%2F_work?if-unused=true.400.json", "Queue is in use", []string{"--if-unused"}},
		{"work", "DELETE_queues_%2F_work?if-unused=true&if-empty=true.400.json", "Queue is in use", []string{"-u", "-e"}},
	}
	for _, c := range cases {
		api := newFakeAPI(t).
			on("GET /api/queues/%2F", 200, totalsPage(`{"messages_ready":3,"name":"`+c.name+`","type":"classic"}`)).
			on("DELETE /api/queues/%2F/"+c.name, 400, fixture(t, c.fixture))
		r := api.run(t, nil, "", append([]string{"delete_queue", c.name}, c.flags...)...)
		assert.Equal(t, 64, r.code, c.fixture)
		assert.Equal(t, "Error:\n"+c.msg+"\n", r.stderr, c.fixture)
		assert.NotContains(t, r.stdout, "successfully", c.fixture)
	}
}

func TestDeleteQueueNotFound(t *testing.T) {
	// no such queue in the list; a missing vhost (404 list); a queue gone between the two requests
	apis := map[string]*fakeAPI{
		"absent": newFakeAPI(t).on("GET /api/queues/%2F", 200, `{"items":[],"page":1,"page_count":0,"page_size":500}`),
		"vhost":  newFakeAPI(t).on("GET /api/queues/%2F", 404, fixture(t, "GET_queues_nosuch.404.json")),
		"race": newFakeAPI(t).
			on("GET /api/queues/%2F", 200, totalsPage(`{"messages_ready":0,"name":"nosuch","type":"classic"}`)).
			on("DELETE /api/queues/%2F/nosuch", 404, fixture(t, "DELETE_queues_%2F_nosuch.404.json")),
	}
	for what, api := range apis {
		r := api.run(t, nil, "", "delete_queue", "nosuch")
		assert.Equal(t, 64, r.code, what)
		assert.Equal(t, "Deleting queue 'nosuch' on vhost '/' ...\n", r.stdout, what)
		assert.Equal(t, "Error:\nQueue not found\n", r.stderr, what)

		r = api.run(t, nil, "", "delete_queue", "nosuch", "--if-exists")
		assert.Equal(t, 0, r.code, "%s: %s", what, r.stderr)
		assert.Equal(t, "Deleting queue 'nosuch' on vhost '/' ...\n", r.stdout, what)
		assert.Empty(t, r.stderr, what)
	}
	_, deleted := apis["absent"].find("DELETE", "/api/queues/")
	assert.False(t, deleted, "a queue not found is not deleted")
}

func TestDeleteQueueArguments(t *testing.T) {
	api := newFakeAPI(t)
	r := api.run(t, nil, "", "delete_queue", "")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error (argument validation): Bad argument: queue name cannot be an empty string", firstLine(r.stderr))
	r = api.run(t, nil, "", "delete_queue")
	assert.Equal(t, 64, r.code)
	assert.Empty(t, api.requests())
}

// --- purge_queue -----------------------------------------------------------------

func TestPurgeQueue(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/queues/%2F/qq/contents", 204, "").
		on("DELETE /api/queues/%2F/nosuch/contents", 404, fixture(t, "DELETE_queues_%2F_nosuch_contents.404.json")).
		// no recording: the stream's refusal as a bad_request naming the missing support
		on("DELETE /api/queues/%2F/sq/contents", 400, `{"error":"bad_request","reason":"540 purge not supported by stream queues queue 'sq' in vhost '/'"}`)
	r := api.run(t, nil, "", "purge_queue", "qq")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Purging queue 'qq' in vhost '/' ...\n", r.stdout)
	del, _ := api.find("DELETE", "/api/queues/%2F/qq")
	assert.Equal(t, "/api/queues/%2F/qq/contents", del.URI)

	r = api.run(t, nil, "", "purge_queue", "-q", "qq")
	assert.Equal(t, 0, r.code)
	assert.Empty(t, r.stdout)

	// as rabbitmqctl (observed3.md §7)
	r = api.run(t, nil, "", "purge_queue", "nosuch")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Purging queue 'nosuch' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "Error:\nnot_found\n", r.stderr)

	r = api.run(t, nil, "", "purge_queue", "nosuch", "--if-exists")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)

	r = api.run(t, nil, "", "purge_queue", "sq")
	assert.Equal(t, 69, r.code)
	assert.Equal(t, "Purging queue 'sq' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "Error:\nnot_supported\n", r.stderr)

	r = api.run(t, nil, "", "purge_queue", "sq", "--if-exists")
	assert.Equal(t, 69, r.code, "--if-exists forgives only a missing queue")
}

// --- declare_exchange / delete_exchange -------------------------------------------

func TestDeclareExchange(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/exchanges/%2F/orders", 201, "")
	r := api.run(t, nil, "", "declare_exchange", "orders")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Declaring exchange 'orders' of type 'direct' in vhost '/' ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/exchanges/%2F/orders")
	assert.JSONEq(t, `{"type":"direct","durable":true,"auto_delete":false,"internal":false,"arguments":{}}`, put.Body)

	api = newFakeAPI(t).on("PUT /api/exchanges/%2F/events", 201, "")
	r = api.run(t, nil, "", "declare_exchange", "events", "--type", "topic", "--alternate-exchange", "unrouted",
		"--durable=false", "--auto-delete", "--internal", "--arguments", `{"x-custom":1}`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Declaring exchange 'events' of type 'topic' in vhost '/' ...\n", r.stdout)
	put, _ = api.find("PUT", "/api/exchanges/%2F/events")
	assert.JSONEq(t, `{"type":"topic","durable":false,"auto_delete":true,"internal":true,"arguments":{"x-custom":1,"alternate-exchange":"unrouted"}}`, put.Body)
}

func TestDeclareExchangeErrors(t *testing.T) {
	api := newFakeAPI(t).
		on("PUT /api/exchanges/%2F/ex.topic", 400, `{"error":"bad_request","reason":"inequivalent arg 'type' for exchange 'ex.topic' in vhost '/': received 'direct' but current is 'topic'"}`).
		on("PUT /api/exchanges/nosuch/x", 404, `{"error":"not_found","reason":"vhost_not_found"}`)
	r := api.run(t, nil, "", "declare_exchange", "ex.topic")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\ninequivalent arg 'type' for exchange 'ex.topic' in vhost '/': received 'direct' but current is 'topic'\n", r.stderr)

	r = api.run(t, nil, "", "declare_exchange", "-p", "nosuch", "x")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Virtual host 'nosuch' does not exist\n", r.stderr)

	before := len(api.requests())
	r = api.run(t, nil, "", "declare_exchange", "x", "--arguments", "{nope")
	assert.Equal(t, 65, r.code)
	assert.True(t, strings.HasPrefix(firstLine(r.stderr), "Error (argument validation): Bad argument: --arguments must be a JSON object"), r.stderr)
	r = api.run(t, nil, "", "declare_exchange", "")
	assert.Equal(t, 65, r.code)
	assert.Len(t, api.requests(), before, "nothing sent for bad arguments")
}

func TestDeleteExchange(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/exchanges/%2F/orders", 204, "").
		on("DELETE /api/exchanges/%2F/nosuch", 404, notFound).
		on("DELETE /api/exchanges/%2F/busy", 400, `{"error":"bad_request","reason":"exchange 'busy' in vhost '/' in use"}`)
	r := api.run(t, nil, "", "delete_exchange", "orders")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Deleting exchange 'orders' in vhost '/' ...\n", r.stdout)
	assert.Equal(t, "/api/exchanges/%2F/orders", api.requests()[0].URI)

	r = api.run(t, nil, "", "delete_exchange", "orders", "--if-unused")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "/api/exchanges/%2F/orders?if-unused=true", api.requests()[1].URI)

	r = api.run(t, nil, "", "delete_exchange", "nosuch")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\nExchange 'nosuch' in vhost '/' was not found\n", r.stderr)

	r = api.run(t, nil, "", "delete_exchange", "nosuch", "--if-exists")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)

	r = api.run(t, nil, "", "delete_exchange", "busy", "--if-unused", "--if-exists")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\nexchange 'busy' in vhost '/' in use\n", r.stderr)
}

// --- declare_binding / delete_binding ---------------------------------------------

func TestDeclareBinding(t *testing.T) {
	api := newFakeAPI(t).
		on("POST /api/bindings/%2F/e/ex.direct/q/cq", 201, "").
		on("POST /api/bindings/%2F/e/ex.direct/e/ex.internal", 201, "").
		on("POST /api/bindings/%2F/e/ex.headers/q/prio", 201, "")
	r := api.run(t, nil, "", "declare_binding", "ex.direct", "cq", "--routing-key", "cq.key")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Binding queue 'cq' to exchange 'ex.direct' with routing key 'cq.key' in vhost '/' ...\n", r.stdout)
	post, ok := api.find("POST", "/api/bindings/%2F/e/ex.direct/q/cq")
	require.True(t, ok)
	assert.JSONEq(t, `{"routing_key":"cq.key","arguments":{}}`, post.Body)

	r = api.run(t, nil, "", "declare_binding", "ex.direct", "ex.internal", "--destination-type", "exchange", "--routing-key", "e2e")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Binding exchange 'ex.internal' to exchange 'ex.direct' with routing key 'e2e' in vhost '/' ...\n", r.stdout)
	post, ok = api.find("POST", "/api/bindings/%2F/e/ex.direct/e/ex.internal")
	require.True(t, ok, "an exchange destination is /e/")
	assert.JSONEq(t, `{"routing_key":"e2e","arguments":{}}`, post.Body)

	r = api.run(t, nil, "", "declare_binding", "ex.headers", "prio", "--arguments", `{"x-match":"all","format":"pdf","n":1}`)
	require.Equal(t, 0, r.code, r.stderr)
	post, _ = api.find("POST", "/api/bindings/%2F/e/ex.headers/q/prio")
	assert.JSONEq(t, `{"routing_key":"","arguments":{"x-match":"all","format":"pdf","n":1}}`, post.Body)
}

func TestDeclareBindingErrors(t *testing.T) {
	api := newFakeAPI(t).
		on("POST /api/bindings/%2F/e/nosuch/q/cq", 404, notFound).
		on("POST /api/bindings/%2F/e/amq.default/q/cq", 403, `{"error":"access_refused","reason":"operation not permitted on the default exchange"}`)
	r := api.run(t, nil, "", "declare_binding", "nosuch", "cq")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\nSource exchange 'nosuch', queue 'cq' or vhost '/' was not found\n", r.stderr)

	r = api.run(t, nil, "", "declare_binding", "", "cq")
	assert.NotEqual(t, 0, r.code)
	_, ok := api.find("POST", "/api/bindings/%2F/e/amq.default/q/cq")
	assert.True(t, ok, "the default exchange \"\" is amq.default in the path")

	before := len(api.requests())
	r = api.run(t, nil, "", "declare_binding", "ex", "q", "--destination-type", "stream")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error (argument validation): Bad argument: --destination-type must be queue or exchange", firstLine(r.stderr))
	r = api.run(t, nil, "", "declare_binding", "ex", "q", "--arguments", "nope")
	assert.Equal(t, 65, r.code)
	r = api.run(t, nil, "", "declare_binding", "ex")
	assert.Equal(t, 64, r.code)
	assert.Len(t, api.requests(), before)
}

func TestDeleteBindingFromRecordedLists(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/bindings/%2F/e/ex.direct/q/cq", 200, fixture(t, "GET_bindings_%2F_e_ex.direct_q_cq.json")).
		on("DELETE /api/bindings/%2F/e/ex.direct/q/cq/cq.key", 204, "").
		on("GET /api/bindings/%2F/e/ex.direct/e/ex.internal", 200, fixture(t, "GET_bindings_%2F_e_ex.direct_e_ex.internal.json")).
		on("DELETE /api/bindings/%2F/e/ex.direct/e/ex.internal/e2e", 204, "")
	r := api.run(t, nil, "", "delete_binding", "ex.direct", "cq", "--routing-key", "cq.key")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Unbinding queue 'cq' to exchange 'ex.direct' with routing key 'cq.key' in vhost '/' ...\n", r.stdout)
	reqs := api.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET /api/bindings/%2F/e/ex.direct/q/cq", reqs[0].Method+" "+reqs[0].URI)
	assert.Equal(t, "DELETE /api/bindings/%2F/e/ex.direct/q/cq/cq.key", reqs[1].Method+" "+reqs[1].URI)

	r = api.run(t, nil, "", "delete_binding", "ex.direct", "ex.internal", "--destination-type", "exchange", "--routing-key", "e2e")
	require.Equal(t, 0, r.code, r.stderr)
	_, ok := api.find("DELETE", "/api/bindings/%2F/e/ex.direct/e/ex.internal/e2e")
	assert.True(t, ok)
}

func TestDeleteBindingMatchesRoutingKeyAndArguments(t *testing.T) {
	list := `[{"source":"ex.headers","vhost":"/","destination":"prio","destination_type":"queue","routing_key":"","arguments":{},"properties_key":"~"},` +
		`{"source":"ex.headers","vhost":"/","destination":"prio","destination_type":"queue","routing_key":"","arguments":{"format":"pdf","type":"report","x-match":"all"},"properties_key":"~sZFOvQ"},` +
		`{"source":"ex.headers","vhost":"/","destination":"prio","destination_type":"queue","routing_key":"k","arguments":{"format":"pdf","type":"report","x-match":"all"},"properties_key":"k~sZFOvQ"}]`
	for _, c := range []struct {
		args []string
		key  string
	}{
		{[]string{"--arguments", `{"x-match":"all","type":"report","format":"pdf"}`}, "~sZFOvQ"},
		{nil, "~"},
		{[]string{"--routing-key", "k", "--arguments", `{"format":"pdf","type":"report","x-match":"all"}`}, "k~sZFOvQ"},
	} {
		api := newFakeAPI(t).
			on("GET /api/bindings/%2F/e/ex.headers/q/prio", 200, list).
			on("DELETE /api/bindings/%2F/e/ex.headers/q/prio/"+c.key, 204, "")
		r := api.run(t, nil, "", append([]string{"delete_binding", "ex.headers", "prio"}, c.args...)...)
		require.Equal(t, 0, r.code, "%v: %s", c.args, r.stderr)
		dels := ltRequests(api, "DELETE", "/")
		require.Len(t, dels, 1, c.args)
		assert.Equal(t, "/api/bindings/%2F/e/ex.headers/q/prio/"+c.key, dels[0].URI, c.args)
	}
}

func TestDeleteBindingPropertiesKeyIsEscapedAsASegment(t *testing.T) {
	// properties_key is already percent-encoded by the server ("*.cq" → "%2A.cq"); the
	// management UI escapes it once more as a path segment, so must rmqctl.
	api := newFakeAPI(t).
		on("GET /api/bindings/%2F/e/ex.topic/q/cq", 200,
			`[{"source":"ex.topic","vhost":"/","destination":"cq","destination_type":"queue","routing_key":"*.cq","arguments":{},"properties_key":"%2A.cq"}]`).
		on("DELETE /api/bindings/%2F/e/ex.topic/q/cq/%252A.cq", 204, "")
	r := api.run(t, nil, "", "delete_binding", "ex.topic", "cq", "--routing-key", "*.cq")
	require.Equal(t, 0, r.code, r.stderr)
	dels := ltRequests(api, "DELETE", "/")
	require.Len(t, dels, 1)
	assert.Equal(t, "/api/bindings/%2F/e/ex.topic/q/cq/%252A.cq", dels[0].URI)
}

func TestDeleteBindingMissing(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/bindings/%2F/e/ex.direct/q/nosuch", 200, fixture(t, "GET_bindings_%2F_e_ex.direct_q_nosuch.json")).
		on("GET /api/bindings/%2F/e/ex.direct/q/cq", 200, fixture(t, "GET_bindings_%2F_e_ex.direct_q_cq.json")).
		on("GET /api/bindings/nosuch/e/x/q/y", 404, notFound)
	for _, args := range [][]string{
		{"ex.direct", "nosuch"},
		{"ex.direct", "cq", "--routing-key", "other"},
		{"ex.direct", "cq", "--routing-key", "cq.key", "--arguments", `{"x-a":1}`},
		{"-p", "nosuch", "x", "y"},
	} {
		r := api.run(t, nil, "", append([]string{"delete_binding"}, args...)...)
		assert.Equal(t, 65, r.code, args)
		assert.Equal(t, "Error:\nBinding was not found\n", r.stderr, args)

		r = api.run(t, nil, "", append([]string{"delete_binding", "--if-exists"}, args...)...)
		assert.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		assert.Empty(t, r.stderr, args)
	}
	_, deleted := api.find("DELETE", "/")
	assert.False(t, deleted, "nothing to delete")
}

func TestDeclareQueueArgumentsNullIsABadArgument(t *testing.T) {
	api := newFakeAPI(t)
	for _, args := range [][]string{
		{"declare_queue", "q", "--arguments", "null", "--type", "quorum"},
		{"declare_queue", "q", "--arguments", "null", "--max-length", "1"},
		{"declare_exchange", "x", "--arguments", "null", "--alternate-exchange", "a"},
	} {
		r := api.run(t, nil, "", args...)
		assert.Equal(t, 65, r.code, args)
		assert.True(t, strings.HasPrefix(firstLine(r.stderr), "Error (argument validation): Bad argument: --arguments must be a JSON object"), r.stderr)
	}
	assert.Empty(t, api.requests())
}

func TestDeclareQueueArgumentsTrailingDataIsABadArgument(t *testing.T) {
	api := newFakeAPI(t).on("PUT /api/queues/%2F/q", 201, "")
	for _, raw := range []string{`{"a":1} {"b":2}`, `{"a":1}garbage`} {
		r := api.run(t, nil, "", "declare_queue", "q", "--arguments", raw)
		assert.Equal(t, 65, r.code, raw)
	}
	assert.Empty(t, api.requests(), "nothing is declared from half-read arguments")
}
