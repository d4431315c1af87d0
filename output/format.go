package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output formatter name.
type Format string

// The formatters.
const (
	Table       Format = "table"
	PrettyTable Format = "pretty_table"
	JSON        Format = "json"
	CSV         Format = "csv"
)

// Formats lists the formatter names, for help, errors and completion.
var Formats = []Format{Table, PrettyTable, JSON, CSV}

// ParseFormat reads a formatter name, case-insensitively.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(name, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("formatter %q is not supported. Please use one of: %s", name, strings.Join(names, ", "))
}

// MachineReadable reports whether the format is for programs: banners and other
// informational lines are then left out.
func (f Format) MachineReadable() bool { return f == JSON || f == CSV }

// Cell is one value of a row: Text for the text formatters, Value for JSON.
type Cell struct {
	Text  string
	Value any
}

// Str is a string cell.
func Str(s string) Cell { return Cell{Text: s, Value: s} }

// Bool is a boolean cell, rendered true/false.
func Bool(b bool) Cell { return Cell{Text: strconv.FormatBool(b), Value: b} }

// Int is an integer cell.
func Int(n int64) Cell { return Cell{Text: strconv.FormatInt(n, 10), Value: n} }

// List is a list of strings, rendered "[a, b]" ("[]" when empty) and as a JSON array.
func List(items []string) Cell {
	if items == nil {
		items = []string{}
	}
	return Cell{Text: "[" + strings.Join(items, ", ") + "]", Value: items}
}

// Raw is a cell whose text and JSON forms are given separately.
func Raw(text string, value any) Cell { return Cell{Text: text, Value: value} }

// ListOptions shape a list's output.
type ListOptions struct {
	// Headers prints the header row (table, pretty_table, csv).
	Headers bool
	// Streamed selects rabbitmqctl's streamed-list conventions for an empty result:
	// nothing at all (table) and "[" "]" on two lines (json). One-shot lists print an
	// empty line (table) and "[]" (json) instead.
	Streamed bool
	// JSONOrder, when set, is the order in which JSON objects give the columns
	// (indexes into the columns); by default they follow the columns.
	JSONOrder []int
	// CSVBlankEmptyLists writes an empty list as an empty CSV field instead of "[]".
	CSVBlankEmptyLists bool
}

// List writes rows of cells under named columns in one format. Rows are written as
// they come (pretty_table excepted: it needs every row to size its columns).
type ListWriter struct {
	w       io.Writer
	format  Format
	columns []string
	opts    ListOptions
	rows    int
	pretty  [][]string
	err     error
}

// NewList starts a list.
func NewList(w io.Writer, f Format, columns []string, o ListOptions) *ListWriter {
	return &ListWriter{w: w, format: f, columns: columns, opts: o}
}

// Row writes one row; it must have one cell per column.
func (l *ListWriter) Row(cells ...Cell) error {
	if l.err != nil {
		return l.err
	}
	if len(cells) != len(l.columns) {
		return fmt.Errorf("output: row has %d cells for %d columns", len(cells), len(l.columns))
	}
	first := l.rows == 0
	l.rows++
	switch l.format {
	case JSON:
		var b bytes.Buffer
		if first {
			b.WriteString("[\n")
		} else {
			b.WriteString("\n,")
		}
		b.WriteByte('{')
		for n := range cells {
			i := n
			if len(l.opts.JSONOrder) == len(cells) {
				i = l.opts.JSONOrder[n]
			}
			if n > 0 {
				b.WriteByte(',')
			}
			b.Write(marshal(l.columns[i]))
			b.WriteByte(':')
			b.Write(marshal(cells[i].Value))
		}
		b.WriteByte('}')
		l.write(b.String())
	case CSV:
		if first {
			l.write(csvLine(l.columns)) // rabbitmqctl's csv always has its header, even with -s
		}
		fields := texts(cells)
		if l.opts.CSVBlankEmptyLists {
			for i, c := range cells {
				if isEmptyList(c.Value) {
					fields[i] = ""
				}
			}
		}
		l.write(csvLine(fields))
	case PrettyTable:
		l.pretty = append(l.pretty, texts(cells))
	default:
		if first && l.opts.Headers {
			l.write(strings.Join(l.columns, "\t") + "\n")
		}
		l.write(strings.Join(texts(cells), "\t") + "\n")
	}
	return l.err
}

// isEmptyList reports whether a cell's value is an empty list.
func isEmptyList(v any) bool {
	switch t := v.(type) {
	case []string:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// Close ends the list, writing what an empty or buffered list still owes.
func (l *ListWriter) Close() error {
	if l.err != nil {
		return l.err
	}
	switch l.format {
	case JSON:
		switch {
		case l.rows > 0:
			l.write("\n]\n")
		case l.opts.Streamed:
			l.write("[\n]\n")
		default:
			l.write("[]\n")
		}
	case PrettyTable:
		if l.rows == 0 {
			if !l.opts.Streamed {
				// rabbitmqctl shows an empty one-shot result as a one-cell table.
				l.columns, l.pretty, l.opts.Headers = []string{"Output"}, [][]string{{"[]"}}, true
				l.renderPretty()
			}
			return l.err
		}
		l.renderPretty()
	case CSV:
		if l.rows == 0 && !l.opts.Streamed {
			l.write("\r\n\r\n\n") // rabbitmqctl's bytes for an empty one-shot result
		}
	default:
		if l.rows == 0 && !l.opts.Streamed {
			l.write("\n")
		}
	}
	return l.err
}

// Rows is the number of rows written so far.
func (l *ListWriter) Rows() int { return l.rows }

func (l *ListWriter) renderPretty() {
	opts := []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols:  tw.NewSymbols(tw.StyleLight),
			Settings: tw.Settings{Separators: tw.Separators{BetweenRows: tw.On}},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	}
	// Render into a buffer: tablewriter ignores write errors, l.write does not.
	var buf bytes.Buffer
	defer func() { l.write(decGraphics(buf.String(), l.opts.Headers)) }()
	t := tablewriter.NewTable(&buf, opts...)
	if l.opts.Headers {
		t.Header(l.columns)
	}
	for _, r := range l.pretty {
		if err := t.Append(r); err != nil {
			l.err = err
			return
		}
	}
	if err := t.Render(); err != nil {
		l.err = err
	}
}

func (l *ListWriter) write(s string) {
	if l.err == nil {
		_, l.err = io.WriteString(l.w, s)
	}
}

func texts(cells []Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.Text
	}
	return out
}

func csvLine(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
	}
	b.WriteByte('\n')
	return b.String()
}

// marshal is compact JSON without HTML escaping (rabbitmqctl writes "<" as is).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`null`)
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// JSONLine writes v as one line of compact JSON.
func JSONLine(w io.Writer, v any) error {
	_, err := fmt.Fprintf(w, "%s\n", marshal(v))
	return err
}

// OrderedObject is a JSON object whose keys keep their order.
type OrderedObject struct {
	Keys   []string
	Values []any
}

// Reorder puts the keys in the given order (indexes into the current keys); an order
// of another length leaves the object as it is.
func (o *OrderedObject) Reorder(order []int) *OrderedObject {
	if len(order) != len(o.Keys) {
		return o
	}
	keys, values := make([]string, len(order)), make([]any, len(order))
	for n, i := range order {
		keys[n], values[n] = o.Keys[i], o.Values[i]
	}
	o.Keys, o.Values = keys, values
	return o
}

// Set appends a key.
func (o *OrderedObject) Set(k string, v any) *OrderedObject {
	o.Keys = append(o.Keys, k)
	o.Values = append(o.Values, v)
	return o
}

// MarshalJSON writes the keys in order.
func (o OrderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshal(k))
		b.WriteByte(':')
		b.Write(marshal(o.Values[i]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
