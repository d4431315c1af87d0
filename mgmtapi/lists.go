package mgmtapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListQuery says what a list request asks of the server.
type ListQuery struct {
	// Columns are the HTTP fields to return (dotted for nested ones); empty means all.
	Columns []string
	// DisableStats skips the statistics database (much cheaper).
	DisableStats bool
	// QueueTotals adds messages/messages_ready/messages_unacknowledged when stats are
	// disabled, asked of the queues themselves (current, not sampled).
	QueueTotals bool
	// Page (from 1) and PageSize (at most 500) ask for one page. Name filters by name
	// (a regular expression when Regex); the server honours it only for a page.
	Page     int
	PageSize int
	Name     string
	Regex    bool
	// Unsorted skips the server's sort by name (sort=): cheaper for big lists, whose
	// order is then the broker's own, as rabbitmqctl shows it. Pages are always sorted.
	Unsorted bool
}

func (q ListQuery) values() url.Values {
	v := url.Values{}
	if len(q.Columns) > 0 {
		v.Set("columns", strings.Join(q.Columns, ","))
	}
	if q.DisableStats {
		v.Set("disable_stats", "true")
		if q.QueueTotals {
			v.Set("enable_queue_totals", "true")
		}
	}
	if q.Unsorted && q.Page == 0 {
		v.Set("sort", "")
	}
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
		if q.PageSize > 0 {
			v.Set("page_size", strconv.Itoa(q.PageSize))
		}
		if q.Name != "" {
			v.Set("name", q.Name)
			if q.Regex {
				v.Set("use_regex", "true")
			}
		}
	}
	return v
}

// PageInfo is the envelope of a paged answer.
type PageInfo struct {
	Page          int `json:"page"`
	PageCount     int `json:"page_count"`
	PageSize      int `json:"page_size"`
	FilteredCount int `json:"filtered_count"`
	ItemCount     int `json:"item_count"`
	TotalCount    int `json:"total_count"`
}

// list streams GET path?query and calls fn per item. For a paged request the envelope
// is returned too.
func (c *Client) list(ctx context.Context, path string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	var page *PageInfo
	err := c.send(ctx, request{method: http.MethodGet, path: path, query: q.values()}, func(body io.Reader) error {
		dec := json.NewDecoder(body)
		dec.UseNumber()
		var err error
		page, err = decodeList(dec, path, fn)
		return err
	})
	return page, err
}

// decodeList reads a JSON array, or a paged envelope {"items": [...], "page": …},
// handing each item to fn as soon as it is decoded.
func decodeList[T any](dec *json.Decoder, path string, fn func(T) error) (*PageInfo, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, &DecodeError{Path: path, Err: err}
	}
	switch tok {
	case json.Delim('['):
		return nil, decodeItems(dec, path, fn)
	case json.Delim('{'):
		page := &PageInfo{}
		meta := map[string]*int{"page": &page.Page, "page_count": &page.PageCount, "page_size": &page.PageSize,
			"filtered_count": &page.FilteredCount, "item_count": &page.ItemCount, "total_count": &page.TotalCount}
		sawItems := false
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, &DecodeError{Path: path, Err: err}
			}
			key, _ := kt.(string)
			if key == "items" {
				sawItems = true
				if t, err := dec.Token(); err != nil || t != json.Delim('[') {
					return nil, &DecodeError{Path: path, Err: fmt.Errorf("items is not an array")}
				}
				if err := decodeItems(dec, path, fn); err != nil {
					return nil, err
				}
				continue
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, &DecodeError{Path: path, Err: err}
			}
			if dst, ok := meta[key]; ok {
				_ = json.Unmarshal(v, dst)
			}
		}
		if !sawItems {
			return nil, &DecodeError{Path: path, Err: errors.New("object without items")}
		}
		return page, nil
	}
	return nil, &DecodeError{Path: path, Err: fmt.Errorf("expected a JSON array, got %v", tok)}
}

// decodeItems reads array elements after the opening bracket, and the closing one.
func decodeItems[T any](dec *json.Decoder, path string, fn func(T) error) error {
	if itemFn, ok := any(fn).(func(Item) error); ok {
		// Objects are read token by token, keeping key order, straight from the stream.
		var raw json.RawMessage
		for dec.More() {
			raw = raw[:0]
			if err := dec.Decode(&raw); err != nil {
				return &DecodeError{Path: path, Err: err}
			}
			v, err := parseValue(raw)
			if err != nil {
				return &DecodeError{Path: path, Err: err}
			}
			obj, ok := v.(*Object)
			if !ok {
				return &DecodeError{Path: path, Err: fmt.Errorf("list item is %T, not an object", v)}
			}
			if err := itemFn(obj); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return &DecodeError{Path: path, Err: err}
		}
		return nil
	}
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return &DecodeError{Path: path, Err: err}
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return &DecodeError{Path: path, Err: err}
	}
	return nil
}

// inVhost is /kind or /kind/{vhost} when vhost is set.
func inVhost(kind, vhost string) string {
	if vhost == "" {
		return Path(kind)
	}
	return Path(kind, vhost)
}

// ListQueues streams the queues of vhost ("" for all vhosts). A missing vhost is a 404.
func (c *Client) ListQueues(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	return c.list(ctx, inVhost("queues", vhost), q, fn)
}

// ListExchanges streams the exchanges of vhost ("" for all).
func (c *Client) ListExchanges(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	return c.list(ctx, inVhost("exchanges", vhost), q, fn)
}

// ListBindings streams the bindings of vhost ("" for all).
func (c *Client) ListBindings(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	return c.list(ctx, inVhost("bindings", vhost), q, fn)
}

// ListConnections streams the connections of the whole cluster, or of one vhost.
func (c *Client) ListConnections(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	if vhost == "" {
		return c.list(ctx, "/connections", q, fn)
	}
	return c.list(ctx, Path("vhosts", vhost, "connections"), q, fn)
}

// ListChannels streams the channels of the whole cluster, or of one vhost.
func (c *Client) ListChannels(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	if vhost == "" {
		return c.list(ctx, "/channels", q, fn)
	}
	return c.list(ctx, Path("vhosts", vhost, "channels"), q, fn)
}

// ListConsumers streams the consumers of vhost ("" for all).
func (c *Client) ListConsumers(ctx context.Context, vhost string, q ListQuery, fn func(Item) error) (*PageInfo, error) {
	return c.list(ctx, inVhost("consumers", vhost), q, fn)
}
