package admin

import (
	"bufio"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// The seven output formats of v1's format_list. raw_json prints the answer as it
// came; pretty_json re-encodes it as Python does; the others flatten each object into
// a row (Lister.list_to_table) and print the table.

// printer writes one list answer.
type printer struct {
	w *bufio.Writer
	// verbose is false under -q: no TSV header, no "No items".
	verbose bool
	format  string
	// depth is -d as given (a string on the command line) or the default 1.
	depth any
}

// display prints body (a JSON array) with columns (none: all of them, flattened to
// the depth); jsonKeys are rendered as JSON text.
func (p *printer) display(body []byte, columns, jsonKeys []string) error {
	switch p.format {
	case "raw_json":
		p.w.Write(body)
		p.w.WriteByte('\n')
		return nil
	case "pretty_json":
		v, err := mgmtapi.ParseJSON(body)
		if err != nil {
			return die("Could not parse the answer as JSON: %v", err)
		}
		p.w.WriteString(pyPretty(v))
		p.w.WriteByte('\n')
		return nil
	}
	if !slices.Contains(formats, p.format) {
		return usageError("Format %s not recognised", p.format)
	}
	maxDepth := math.MaxInt
	if len(columns) == 0 {
		d, ok := pyInt(p.depth)
		if !ok {
			return usageError("option --depth: invalid integer value: %s", pyRepr(pyStr(p.depth)))
		}
		maxDepth = d
	}
	v, err := mgmtapi.ParseJSON(body)
	if err != nil {
		return die("Could not parse the answer as JSON: %v", err)
	}
	list, _ := v.([]any)
	cols, rows := flatten(list, columns, maxDepth, jsonKeys)
	if len(rows) == 0 {
		if p.verbose {
			p.w.WriteString("No items\n")
		}
		return nil
	}
	switch p.format {
	case "tsv":
		p.tsv(cols, rows)
	case "long":
		p.long(cols, rows)
	case "table":
		p.table(cols, rows)
	case "kvp":
		p.kvp(cols, rows)
	case "bash":
		p.bash(cols, rows)
	}
	return nil
}

// pyInt is int(value) for -d: an int, a bool, or a decimal string.
func pyInt(v any) (int, bool) {
	switch t := v.(type) {
	case int:
		return t, true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case string:
		return pyIntBase(t, 10)
	}
	return 0, false
}

// flatten is list_to_table: with no columns named, the union of every item's keys
// (nested objects joined with "." up to maxDepth), promoted columns first, then the
// rest sorted; cells are str() of scalars, lists of strings joined with spaces, other
// lists and JSON-valued keys as JSON text. A named column that holds an object stays
// empty (name its leaves); a missing one too.
func flatten(items []any, named []string, maxDepth int, jsonKeys []string) ([]string, [][]string) {
	var add func(prefix string, depth int, o *mgmtapi.Object, fn func(col, val string))
	add = func(prefix string, depth int, o *mgmtapi.Object, fn func(col, val string)) {
		for _, k := range o.Keys() {
			col := k
			if prefix != "" {
				col = prefix + "." + k
			}
			switch sub := o.Value(k).(type) {
			case *mgmtapi.Object:
				if slices.Contains(jsonKeys, k) {
					fn(col, pyDumps(sub, true))
				} else if depth < maxDepth {
					add(col, depth+1, sub, fn)
				}
			case []any:
				fn(col, listCell(sub))
			default:
				fn(col, pyStr(sub))
			}
		}
	}
	cols := named
	if len(named) == 0 {
		seen := map[string]bool{}
		for _, it := range items {
			if o, ok := it.(*mgmtapi.Object); ok {
				add("", 1, o, func(col, _ string) {
					if !seen[col] {
						seen[col] = true
						cols = append(cols, col)
					}
				})
			}
		}
		sort.SliceStable(cols, func(i, j int) bool { return columnLess(cols[i], cols[j]) })
	}
	index := make(map[string]int, len(cols))
	for i, c := range cols {
		index[c] = i // a column named twice is filled at its last place
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		row := make([]string, len(cols))
		if o, ok := it.(*mgmtapi.Object); ok {
			add("", 1, o, func(col, val string) {
				if i, ok := index[col]; ok {
					row[i] = val
				}
			})
		}
		rows = append(rows, row)
	}
	return cols, rows
}

// listCell renders a list: all strings (or empty) joined by spaces, else json.dumps.
func listCell(l []any) string {
	parts := make([]string, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok {
			return pyDumps(l, true)
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}

// columnLess is column_sort_key's order.
func columnLess(a, b string) bool {
	ia, ib := slices.Index(promoted, a), slices.Index(promoted, b)
	switch {
	case ia >= 0 && ib >= 0:
		return ia < ib
	case ia >= 0:
		return true
	case ib >= 0:
		return false
	}
	return a < b
}

func (p *printer) tsv(cols []string, rows [][]string) {
	if p.verbose {
		p.w.WriteString(strings.Join(cols, "\t"))
		p.w.WriteByte('\n')
	}
	for _, r := range rows {
		p.w.WriteString(strings.Join(r, "\t"))
		p.w.WriteByte('\n')
	}
}

var longSeparator = "\n" + strings.Repeat("-", 80) + "\n\n"

func (p *printer) long(cols []string, rows [][]string) {
	width := 0
	for _, c := range cols {
		width = max(width, utf8.RuneCountInString(c))
	}
	p.w.WriteString(longSeparator)
	for _, r := range rows {
		for j, c := range cols {
			p.w.WriteString(pad(c, width, '>'))
			p.w.WriteString(": ")
			p.w.WriteString(r[j])
			p.w.WriteByte('\n')
		}
		p.w.WriteString(longSeparator)
	}
}

func (p *printer) table(cols []string, rows [][]string) {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = utf8.RuneCountInString(c)
		for _, r := range rows {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
	}
	bar := func() {
		p.w.WriteByte('+')
		for _, w := range widths {
			p.w.WriteString(strings.Repeat("-", w+2))
			p.w.WriteByte('+')
		}
		p.w.WriteByte('\n')
	}
	line := func(cells []string, align byte) {
		p.w.WriteByte('|')
		for i, c := range cells {
			p.w.WriteByte(' ')
			p.w.WriteString(pad(c, widths[i], align))
			p.w.WriteString(" |")
		}
		p.w.WriteByte('\n')
	}
	bar()
	line(cols, '^')
	bar()
	for _, r := range rows {
		line(r, '<')
	}
	bar()
}

// pad is Python's "{:<w}", "{:>w}" or "{:^w}" (the odd space of a centred text goes
// to the right).
func pad(s string, w int, align byte) string {
	n := w - utf8.RuneCountInString(s)
	if n <= 0 {
		return s
	}
	switch align {
	case '>':
		return strings.Repeat(" ", n) + s
	case '^':
		return strings.Repeat(" ", n/2) + s + strings.Repeat(" ", n-n/2)
	}
	return s + strings.Repeat(" ", n)
}

func (p *printer) kvp(cols []string, rows [][]string) {
	for _, r := range rows {
		for j, c := range cols {
			if j > 0 {
				p.w.WriteByte(' ')
			}
			p.w.WriteString(c + `="` + r[j] + `"`)
		}
		p.w.WriteByte('\n')
	}
}

func (p *printer) bash(cols []string, rows [][]string) {
	ix := -1
	for i, c := range cols {
		if c == "name" {
			ix = i
		}
	}
	if ix < 0 {
		return
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r[ix]
	}
	p.w.WriteString(strings.Join(names, " "))
	p.w.WriteByte('\n')
}
