package mgmtapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listDecoder is a decoder as Client.list makes it.
func listDecoder(r io.Reader) *json.Decoder {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec
}

func decodeNames(t *testing.T, body string) ([]string, *PageInfo, error) {
	t.Helper()
	var names []string
	page, err := decodeList(listDecoder(strings.NewReader(body)), "/queues", func(it Item) error {
		names = append(names, it.Get("name").(string))
		return nil
	})
	return names, page, err
}

// --- decodeList ------------------------------------------------------------------

func TestDecodeListArray(t *testing.T) {
	names, page, err := decodeNames(t, string(fixture(t, "GET_queues_%2F?columns=name,messages&disable_stats=true&enable_queue_totals=true.json")))
	require.NoError(t, err)
	assert.Nil(t, page, "a plain array has no envelope")
	assert.Equal(t, []string{"auto", "cq", "cq.ttl", "dlq", "excl", "prio", "qq", "qq.work", "sac", "sq", "tmp", "txq", "work"}, names)

	names, page, err = decodeNames(t, " [ ] ")
	require.NoError(t, err)
	assert.Nil(t, page)
	assert.Empty(t, names)
}

func TestDecodeListItemsKeepKeyOrder(t *testing.T) {
	var items []Item
	_, err := decodeList(listDecoder(bytes.NewReader(fixture(t, "GET_consumers_%2F.json"))), "/consumers/%2F", func(it Item) error {
		items = append(items, it)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, items, 8)
	assert.Equal(t, []string{"arguments", "ack_required", "active", "activity_status", "channel_details", "consumer_tag", "exclusive", "prefetch_count", "queue"},
		items[0].Keys(), "the server's key order")
	assert.Equal(t, "auto", items[0].Get("queue.name"))
	assert.Equal(t, []string{"x-custom", "x-priority"}, items[7].Get("arguments").(*Object).Keys())
	assert.Equal(t, json.Number("7"), items[7].Get("arguments").(*Object).Get("x-priority"))
}

func TestDecodeListPagedEnvelope(t *testing.T) {
	names, page, err := decodeNames(t, string(fixture(t, "GET_queues?page=1&page_size=2&name=q&use_regex=true.json")))
	require.NoError(t, err)
	assert.Equal(t, []string{"cq", "cq.ttl"}, names)
	require.NotNil(t, page)
	assert.Equal(t, PageInfo{Page: 1, PageCount: 4, PageSize: 2, FilteredCount: 8, ItemCount: 2, TotalCount: 14}, *page)

	// metadata before and after the items, unknown keys of any shape skipped
	names, page, err = decodeNames(t, `{"page":2,"extra":{"nested":[1,{"items":[]}]},"items":[{"name":"a"},{"name":"b"}],"page_count":3,"odd":null,"total_count":"n/a"}`)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, names)
	assert.Equal(t, PageInfo{Page: 2, PageCount: 3}, *page, "an unreadable count stays zero")

	names, page, err = decodeNames(t, `{"items":[],"page":1,"page_count":0}`)
	require.NoError(t, err)
	assert.Empty(t, names)
	require.NotNil(t, page, "an envelope is reported even when empty")
	assert.Equal(t, 1, page.Page)
}

func TestDecodeListStreamsItemsAsTheyArrive(t *testing.T) {
	pr, pw := io.Pipe()
	first := make(chan string, 1)
	done := make(chan error, 1)
	var names []string
	go func() {
		page, err := decodeList(listDecoder(pr), "/queues", func(it Item) error {
			n := it.Get("name").(string)
			names = append(names, n)
			if n == "a" {
				first <- n
			}
			return nil
		})
		if err == nil && (page == nil || page.PageCount != 2) {
			err = errors.New("page info lost")
		}
		done <- err
	}()
	_, err := io.WriteString(pw, `{"page":1,"items":[{"name":"a"},`)
	require.NoError(t, err)
	select {
	case n := <-first:
		assert.Equal(t, "a", n, "the first item is handed over before the answer is complete")
	case <-time.After(5 * time.Second):
		t.Fatal("the first item was not decoded before the rest of the answer arrived")
	}
	_, err = io.WriteString(pw, `{"name":"b"}],"page_count":2}`)
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("decodeList did not finish")
	}
	assert.Equal(t, []string{"a", "b"}, names)
}

func TestDecodeListErrors(t *testing.T) {
	for _, c := range []struct{ body, contains string }{
		{`{"page":1,"page_count":1}`, "object without items"},
		{`{"items":{"name":"a"}}`, "items is not an array"},
		{`{"items":"x"}`, "items is not an array"},
		{`42`, "expected a JSON array"},
		{`"str"`, "expected a JSON array"},
		{``, ""},
		{`[{"name":"a"},`, ""},
		{`[{"name":"a"} {"name":"b"}]`, ""},
		{`{"items":[{"name":"a"}`, ""},
		{`[1]`, ""},
	} {
		_, _, err := decodeNames(t, c.body)
		var de *DecodeError
		require.True(t, errors.As(err, &de), "%q: %v", c.body, err)
		assert.Equal(t, "/queues", de.Path, c.body)
		assert.Contains(t, err.Error(), c.contains, c.body)
	}
}

func TestDecodeListCallbackErrorStopsTheList(t *testing.T) {
	stop := errors.New("stop here")
	calls := 0
	_, err := decodeList(listDecoder(strings.NewReader(`[{"name":"a"},{"name":"b"},{"name":"c"}]`)), "/x", func(Item) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	assert.Same(t, stop, err, "the callback's error is returned as is")
	assert.Equal(t, 2, calls)

	calls = 0
	_, err = decodeList(listDecoder(strings.NewReader(`{"items":[{"name":"a"},{"name":"b"}],"page":1}`)), "/x", func(Item) error {
		calls++
		return stop
	})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, calls)
}

func TestDecodeListIntoStructs(t *testing.T) {
	type row struct {
		Name     string `json:"name"`
		Messages int    `json:"messages"`
	}
	var rows []row
	page, err := decodeList(listDecoder(strings.NewReader(`{"items":[{"name":"a","messages":3}],"page":1,"page_count":1}`)), "/q", func(r row) error {
		rows = append(rows, r)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []row{{"a", 3}}, rows)
	assert.Equal(t, 1, page.PageCount)
}

// --- ListQuery.values ------------------------------------------------------------

func TestListQueryValues(t *testing.T) {
	cases := []struct {
		q    ListQuery
		want string
	}{
		{ListQuery{}, ""},
		{ListQuery{Columns: []string{"name", "messages"}}, "columns=name%2Cmessages"},
		{ListQuery{DisableStats: true}, "disable_stats=true"},
		{ListQuery{QueueTotals: true}, ""},
		{ListQuery{DisableStats: true, QueueTotals: true}, "disable_stats=true&enable_queue_totals=true"},
		{ListQuery{PageSize: 10, Name: "q", Regex: true}, ""},
		{ListQuery{Page: 2, PageSize: 10}, "page=2&page_size=10"},
		{ListQuery{Page: 1}, "page=1"},
		{ListQuery{Page: 1, Name: "orders"}, "name=orders&page=1"},
		{ListQuery{Page: 1, Regex: true}, "page=1"},
		{ListQuery{Columns: []string{"type", "name"}, DisableStats: true, QueueTotals: true, Page: 1, PageSize: 500, Name: `^q\.x$`, Regex: true},
			"columns=type%2Cname&disable_stats=true&enable_queue_totals=true&name=%5Eq%5C.x%24&page=1&page_size=500&use_regex=true"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.q.values().Encode(), "%+v", c.q)
	}
	v := ListQuery{Columns: []string{"channel_details", "queue"}, Page: 3, PageSize: 7, Name: "a b&c", Regex: true}.values()
	assert.Equal(t, "channel_details,queue", v.Get("columns"))
	assert.Equal(t, "a b&c", v.Get("name"))
	assert.Equal(t, "true", v.Get("use_regex"))
	assert.Equal(t, "7", v.Get("page_size"))
}

// --- the list methods on the wire ------------------------------------------------

func TestListMethodsPathsAndQuery(t *testing.T) {
	srv, rec := newServer(t, answer(200, `[{"name":"x"}]`))
	c := newClient(t, []string{srv.URL}, nil)
	ctx := testCtx(t)
	q := ListQuery{Columns: []string{"name"}, DisableStats: true}
	noop := func(Item) error { return nil }
	calls := []struct {
		call func() (*PageInfo, error)
		uri  string
	}{
		{func() (*PageInfo, error) { return c.ListQueues(ctx, "/", q, noop) }, "/api/queues/%2F"},
		{func() (*PageInfo, error) { return c.ListQueues(ctx, "", q, noop) }, "/api/queues"},
		{func() (*PageInfo, error) { return c.ListExchanges(ctx, "rabbit/hole", q, noop) }, "/api/exchanges/rabbit%2Fhole"},
		{func() (*PageInfo, error) { return c.ListBindings(ctx, "a b", q, noop) }, "/api/bindings/a%20b"},
		{func() (*PageInfo, error) { return c.ListConnections(ctx, "", q, noop) }, "/api/connections"},
		{func() (*PageInfo, error) { return c.ListConnections(ctx, "/", q, noop) }, "/api/vhosts/%2F/connections"},
		{func() (*PageInfo, error) { return c.ListChannels(ctx, "", q, noop) }, "/api/channels"},
		{func() (*PageInfo, error) { return c.ListChannels(ctx, "v", q, noop) }, "/api/vhosts/v/channels"},
		{func() (*PageInfo, error) { return c.ListConsumers(ctx, "/", q, noop) }, "/api/consumers/%2F"},
		{func() (*PageInfo, error) { return c.ListConsumers(ctx, "", q, noop) }, "/api/consumers"},
	}
	for _, cl := range calls {
		page, err := cl.call()
		require.NoError(t, err, cl.uri)
		assert.Nil(t, page, cl.uri)
		assert.Equal(t, cl.uri+"?columns=name&disable_stats=true", rec.last(t).RequestURI, cl.uri)
		assert.Equal(t, http.MethodGet, rec.last(t).Method)
	}
}

func TestListQueuesThroughTheClient(t *testing.T) {
	srv, rec := newServer(t, answer(200, string(fixture(t, "GET_queues?page=1&page_size=2&name=q&use_regex=true.json"))))
	c := newClient(t, []string{srv.URL}, nil)
	var names []string
	page, err := c.ListQueues(testCtx(t), "", ListQuery{Page: 1, PageSize: 2, Name: "q", Regex: true}, func(it Item) error {
		names = append(names, it.Get("name").(string))
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"cq", "cq.ttl"}, names)
	require.NotNil(t, page)
	assert.Equal(t, 4, page.PageCount)
	assert.Equal(t, "/api/queues?name=q&page=1&page_size=2&use_regex=true", rec.last(t).RequestURI)

	srv404, _ := newServer(t, answer(404, string(fixture(t, "GET_queues_nosuch.404.json"))))
	c = newClient(t, []string{srv404.URL}, nil)
	called := false
	_, err = c.ListQueues(testCtx(t), "nosuch", ListQuery{}, func(Item) error { called = true; return nil })
	assert.True(t, IsNotFound(err), "%v", err)
	assert.False(t, called)
}

func TestGetQueueKeepsOrderAndAsksColumns(t *testing.T) {
	srv, rec := newServer(t, answer(200, string(fixture(t, "GET_queues_%2F_sq.json"))))
	c := newClient(t, []string{srv.URL}, nil)
	it, err := c.GetQueue(testCtx(t), "/", "sq", ListQuery{Columns: []string{"messages", "node"}})
	require.NoError(t, err)
	assert.Equal(t, "/api/queues/%2F/sq?columns=messages%2Cnode", rec.last(t).RequestURI)
	assert.Equal(t, json.Number("1"), it.Get("messages"))
	assert.Equal(t, "obs2@localhost", it.Get("node"))
	assert.Equal(t, []string{"garbage_collection", "consumer_details", "arguments"}, it.Keys()[:3])
}
