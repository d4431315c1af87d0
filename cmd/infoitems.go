package cmd

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
)

// infoItem is one rabbitmqctl list column and how the HTTP API answers it.
type infoItem struct {
	name string
	// fields are the HTTP fields to ask for with columns= (dotted for nested ones).
	fields []string
	// stats marks items the server only has in its statistics database: asking for
	// one rules out disable_stats=true.
	stats bool
	// cell renders the item from the server's object.
	cell func(mgmtapi.Item) output.Cell
	// forRelease, when set, is the item as the broker's release renders it (asked only
	// when the item is listed).
	forRelease func(compat.Profile) infoItem
}

// item is an info item whose HTTP field has the same name, rendered as rabbitmqctl does.
func item(name string, stats bool) infoItem {
	return infoItem{name: name, fields: []string{name}, stats: stats, cell: field(name)}
}

// renamed is an info item read from another HTTP field.
func renamed(name, httpField string, stats bool) infoItem {
	return infoItem{name: name, fields: []string{httpField}, stats: stats, cell: field(httpField)}
}

// field renders the value at path with termText, keeping the JSON value as it is;
// an absent value is "" in JSON too, as rabbitmqctl prints it.
func field(path string) func(mgmtapi.Item) output.Cell {
	return func(it mgmtapi.Item) output.Cell {
		v := it.Get(path)
		if v == nil {
			return output.Str("")
		}
		return output.Raw(termText(v), v)
	}
}

// table renders an AMQP table (arguments, client_properties) as rabbitmqctl does.
func table(path string) func(mgmtapi.Item) output.Cell {
	return func(it mgmtapi.Item) output.Cell {
		v := it.Get(path)
		if v == nil {
			return output.Raw("[]", mgmtapi.NewObject())
		}
		return output.Raw(amqpValueText(v), v)
	}
}

// constant renders a fixed value (e.g. bindings' source_kind, always exchange).
func constant(name, value string) infoItem {
	return infoItem{name: name, cell: func(mgmtapi.Item) output.Cell { return output.Str(value) }}
}

// termText renders a JSON value as rabbitmqctl's table formatter prints the Erlang
// term behind it: null as an empty field, lists as [a, b], objects as [{k, v}].
func termText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = termText(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *mgmtapi.Object:
		parts := make([]string, 0, t.Len())
		for _, k := range t.Keys() {
			parts = append(parts, "{"+k+", "+termText(t.Value(k))+"}")
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// amqpValueText renders an AMQP table or value as rabbitmqctl prints AMQP tables:
// [{"key",value}] with strings in double quotes and no spaces, in the table's order.
func amqpValueText(v any) string {
	switch t := v.(type) {
	case nil:
		return "undefined"
	case string:
		return strconv.Quote(t)
	case *mgmtapi.Object:
		parts := make([]string, 0, t.Len())
		for _, k := range t.Keys() {
			parts = append(parts, "{"+strconv.Quote(k)+","+amqpValueText(t.Value(k))+"}")
		}
		return "[" + strings.Join(parts, ",") + "]"
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = amqpValueText(x)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return termText(v)
}

// infoItems is a list command's set of columns.
type infoItems struct {
	all      []infoItem
	defaults []string
}

func (s infoItems) names() []string {
	out := make([]string, len(s.all))
	for i, it := range s.all {
		out[i] = it.name
	}
	return out
}

func (s infoItems) lookup(name string) infoItem {
	for _, it := range s.all {
		if it.name == name {
			return it
		}
	}
	panic("unknown info item " + name)
}

// parse validates command's column arguments (rabbitmqctl's rules, for the broker's
// release) and returns the items.
func (s infoItems) parse(ctx context.Context, f *Factory, command string, args []string) ([]infoItem, error) {
	names, err := f.parseColumns(ctx, command, args, s.names(), s.defaults)
	if err != nil {
		return nil, err
	}
	out := make([]infoItem, len(names))
	var p *compat.Profile
	for i, n := range names {
		out[i] = s.lookup(n)
		if out[i].forRelease != nil {
			if p == nil {
				pr, err := f.Profile(ctx)
				if err != nil {
					return nil, err
				}
				p = &pr
			}
			out[i] = out[i].forRelease(*p)
		}
	}
	return out, nil
}

// inOrder is items in the order of the set's own list.
func (s infoItems) inOrder(items []infoItem) []infoItem {
	rank := map[string]int{}
	for i, it := range s.all {
		rank[it.name] = i
	}
	out := append([]infoItem(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].name] < rank[out[j].name] })
	return out
}

// query is what to ask the server for these items: their fields only, no statistics
// when none of them needs any, and no sorting (rabbitmqctl's lists are unsorted too).
func query(items []infoItem, extra ...string) mgmtapi.ListQuery {
	q := mgmtapi.ListQuery{DisableStats: true, Unsorted: true}
	seen := map[string]bool{}
	for _, f := range extra {
		if !seen[f] {
			seen[f] = true
			q.Columns = append(q.Columns, f)
		}
	}
	for _, it := range items {
		if it.stats {
			q.DisableStats = false
		}
		for _, f := range it.fields {
			if tf := topField(f); !seen[tf] {
				seen[tf] = true
				q.Columns = append(q.Columns, tf)
			}
		}
	}
	return q
}

// topField is the first segment of a dotted path: columns= trims top-level fields.
func topField(f string) string {
	top, _, _ := strings.Cut(f, ".")
	return top
}

func itemNames(items []infoItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.name
	}
	return out
}

func rowOf(items []infoItem, it mgmtapi.Item) []output.Cell {
	cells := make([]output.Cell, len(items))
	for i, c := range items {
		cells[i] = c.cell(it)
	}
	return cells
}

// compactJSON is v as compact JSON text ("" for nil).
func compactJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
