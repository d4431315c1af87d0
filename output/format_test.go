package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// render writes rows under columns in format f and returns the bytes.
func render(t *testing.T, f Format, columns []string, o ListOptions, rows ...[]Cell) string {
	t.Helper()
	var b bytes.Buffer
	l := NewList(&b, f, columns, o)
	for _, r := range rows {
		require.NoError(t, l.Row(r...))
	}
	require.NoError(t, l.Close())
	assert.Equal(t, len(rows), l.Rows())
	return b.String()
}

var (
	userCols = []string{"user", "tags"}
	userRows = [][]Cell{
		{Str("alice"), List([]string{"administrator", "management"})},
		{Str("guest"), List(nil)},
	}
)

// --- table ------------------------------------------------------------------------

func TestTableWithRowsAndHeaders(t *testing.T) {
	got := render(t, Table, userCols, ListOptions{Headers: true}, userRows...)
	assert.Equal(t, "user\ttags\nalice\t[administrator, management]\nguest\t[]\n", got)
}

func TestTableWithRowsWithoutHeaders(t *testing.T) {
	got := render(t, Table, userCols, ListOptions{Headers: false}, userRows...)
	assert.Equal(t, "alice\t[administrator, management]\nguest\t[]\n", got)
}

func TestTableStreamedWithRowsHasHeaders(t *testing.T) {
	got := render(t, Table, userCols, ListOptions{Headers: true, Streamed: true}, userRows...)
	assert.Equal(t, "user\ttags\nalice\t[administrator, management]\nguest\t[]\n", got)
}

func TestTableEmpty(t *testing.T) {
	for _, headers := range []bool{true, false} {
		assert.Equal(t, "\n", render(t, Table, userCols, ListOptions{Headers: headers}), "one-shot, headers=%v", headers)
		assert.Equal(t, "", render(t, Table, userCols, ListOptions{Headers: headers, Streamed: true}), "streamed, headers=%v", headers)
	}
}

func TestTableCellKinds(t *testing.T) {
	got := render(t, Table, []string{"name", "durable", "messages", "arguments", "empty", "policy"}, ListOptions{Headers: true},
		[]Cell{Str("q1"), Bool(true), Int(12345), Raw(`[{"x-queue-type","quorum"}]`, map[string]any{"x-queue-type": "quorum"}), List([]string{}), Str("")},
		[]Cell{Str(""), Bool(false), Int(-1), Raw("", nil), List([]string{"a"}), Str("ttl")},
	)
	assert.Equal(t, "name\tdurable\tmessages\targuments\tempty\tpolicy\n"+
		"q1\ttrue\t12345\t[{\"x-queue-type\",\"quorum\"}]\t[]\t\n"+
		"\tfalse\t-1\t\t[a]\tttl\n", got)
}

func TestTableLeavesTextUnescaped(t *testing.T) {
	got := render(t, Table, []string{"name"}, ListOptions{}, []Cell{Str(`a "b" <c> & d,e`)})
	assert.Equal(t, "a \"b\" <c> & d,e\n", got)
}

// --- json -------------------------------------------------------------------------

func TestJSONLinePerObjectLayout(t *testing.T) {
	got := render(t, JSON, userCols, ListOptions{Headers: true}, userRows...)
	want := "[\n" +
		`{"user":"alice","tags":["administrator","management"]}` + "\n" +
		`,{"user":"guest","tags":[]}` + "\n" +
		"]\n"
	assert.Equal(t, want, got)

	var parsed []map[string]any
	require.NoError(t, json.Unmarshal([]byte(got), &parsed), "the whole output is valid JSON")
	assert.Len(t, parsed, 2)
}

func TestJSONSingleRow(t *testing.T) {
	got := render(t, JSON, []string{"name"}, ListOptions{}, []Cell{Str("/")})
	assert.Equal(t, "[\n{\"name\":\"/\"}\n]\n", got)
}

func TestJSONIgnoresHeadersOption(t *testing.T) {
	on := render(t, JSON, userCols, ListOptions{Headers: true}, userRows...)
	off := render(t, JSON, userCols, ListOptions{Headers: false}, userRows...)
	assert.Equal(t, on, off)
}

func TestJSONKeysFollowColumnOrder(t *testing.T) {
	cols := []string{"zeta", "alpha", "mid", "beta"}
	got := render(t, JSON, cols, ListOptions{}, []Cell{Str("z"), Str("a"), Str("m"), Str("b")})
	assert.Equal(t, "[\n{\"zeta\":\"z\",\"alpha\":\"a\",\"mid\":\"m\",\"beta\":\"b\"}\n]\n", got)
}

func TestJSONNoHTMLEscaping(t *testing.T) {
	got := render(t, JSON, []string{"a<b>", "desc"}, ListOptions{}, []Cell{Str("<x&y>"), Raw("", map[string]any{"k": "<&>"})})
	assert.Equal(t, "[\n{\"a<b>\":\"<x&y>\",\"desc\":{\"k\":\"<&>\"}}\n]\n", got)
	assert.NotContains(t, got, `\u003c`)
	assert.NotContains(t, got, `\u0026`)
}

func TestJSONEscapesWhatJSONMust(t *testing.T) {
	got := render(t, JSON, []string{"s"}, ListOptions{}, []Cell{Str("q\"uote\\back\nnew\ttab café-вход")})
	assert.Equal(t, "[\n{\"s\":\"q\\\"uote\\\\back\\nnew\\ttab café-вход\"}\n]\n", got)
}

func TestJSONCellKinds(t *testing.T) {
	o := (&OrderedObject{}).Set("z", 1).Set("a", "<b>")
	got := render(t, JSON, []string{"str", "bool", "int", "list", "nil_list", "raw", "ordered", "null"}, ListOptions{},
		[]Cell{Str("s"), Bool(false), Int(-42), List([]string{"a", "b"}), List(nil),
			Raw("[{obs@localhost, running}]", map[string]string{"obs@localhost": "running"}), Raw("text", o), Raw("", nil)})
	assert.Equal(t, "[\n"+
		`{"str":"s","bool":false,"int":-42,"list":["a","b"],"nil_list":[],"raw":{"obs@localhost":"running"},"ordered":{"z":1,"a":"<b>"},"null":null}`+
		"\n]\n", got)
}

func TestJSONEmpty(t *testing.T) {
	for _, headers := range []bool{true, false} {
		assert.Equal(t, "[]\n", render(t, JSON, userCols, ListOptions{Headers: headers}), "one-shot")
		assert.Equal(t, "[\n]\n", render(t, JSON, userCols, ListOptions{Headers: headers, Streamed: true}), "streamed")
	}
	var v []any
	assert.NoError(t, json.Unmarshal([]byte("[\n]\n"), &v))
}

func TestJSONStreamedWithRowsSameAsOneShot(t *testing.T) {
	a := render(t, JSON, userCols, ListOptions{Streamed: true}, userRows...)
	b := render(t, JSON, userCols, ListOptions{}, userRows...)
	assert.Equal(t, b, a)
}

func TestJSONRowsAreWrittenAsTheyCome(t *testing.T) {
	var b bytes.Buffer
	l := NewList(&b, JSON, []string{"n"}, ListOptions{})
	require.NoError(t, l.Row(Int(1)))
	assert.Equal(t, "[\n{\"n\":1}", b.String(), "the first row is out before the list ends")
	require.NoError(t, l.Row(Int(2)))
	assert.Equal(t, "[\n{\"n\":1}\n,{\"n\":2}", b.String())
	require.NoError(t, l.Close())
	assert.Equal(t, "[\n{\"n\":1}\n,{\"n\":2}\n]\n", b.String())
}

// --- csv --------------------------------------------------------------------------

func TestCSVWithHeaders(t *testing.T) {
	got := render(t, CSV, userCols, ListOptions{Headers: true}, userRows...)
	assert.Equal(t, "\"user\",\"tags\"\n\"alice\",\"[administrator, management]\"\n\"guest\",\"[]\"\n", got)
}

// Like rabbitmqctl's csv formatter, the header is there even when table headers are off (-s).
func TestCSVAlwaysHasItsHeader(t *testing.T) {
	got := render(t, CSV, userCols, ListOptions{Headers: false}, userRows...)
	assert.Equal(t, "\"user\",\"tags\"\n\"alice\",\"[administrator, management]\"\n\"guest\",\"[]\"\n", got)
}

func TestCSVQuotesEmbeddedQuotes(t *testing.T) {
	got := render(t, CSV, []string{"name", "args", "durable", "n", "empty"}, ListOptions{Headers: true},
		[]Cell{Str(`say "hi", ok`), Raw(`[{"x-queue-type","quorum"}]`, nil), Bool(true), Int(0), Str("")})
	assert.Equal(t, "\"name\",\"args\",\"durable\",\"n\",\"empty\"\n"+
		"\"say \"\"hi\"\", ok\",\"[{\"\"x-queue-type\"\",\"\"quorum\"\"}]\",\"true\",\"0\",\"\"\n", got)
	assert.NotContains(t, got, "\r", "non-empty csv uses plain \\n")
}

func TestCSVEmpty(t *testing.T) {
	for _, headers := range []bool{true, false} {
		assert.Equal(t, "\r\n\r\n\n", render(t, CSV, userCols, ListOptions{Headers: headers}), "one-shot")
		assert.Equal(t, "", render(t, CSV, userCols, ListOptions{Headers: headers, Streamed: true}), "streamed")
	}
}

// --- pretty_table -----------------------------------------------------------------

// unDEC maps rabbitmqctl's DEC line drawing back to box characters and drops the bold
// header escapes, so that layouts read plainly in the tests below.
func unDEC(s string) string {
	r := strings.NewReplacer("\x1b[1m", "", "\x1b[0m", "")
	s = r.Replace(s)
	var b strings.Builder
	dec := false
	back := map[byte]string{'q': "─", 'x': "│", 'l': "┌", 'w': "┬", 'k': "┐", 't': "├", 'n': "┼", 'u': "┤", 'm': "└", 'v': "┴", 'j': "┘"}
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "\x1b(0"):
			dec, i = true, i+2
		case strings.HasPrefix(s[i:], "\x1b(B"):
			dec, i = false, i+2
		case dec:
			b.WriteString(back[s[i]])
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// The bytes rabbitmqctl's pretty_table writes (obs-3.10.8, obs-4.3.6): borders in the
// DEC Special Graphics set, each run wrapped in ESC ( 0 … ESC ( B, header names bold.
func TestPrettyTableIsRabbitmqctlsBytes(t *testing.T) {
	got := render(t, PrettyTable, []string{"user", "tags"}, ListOptions{Headers: true}, []Cell{Str("guest"), Str("administrator")})
	assert.Equal(t, "\x1b(0lqqqqqqqwqqqqqqqqqqqqqqqk\x1b(B\n"+
		"\x1b(0x\x1b(B \x1b[1muser\x1b[0m  \x1b(0x\x1b(B \x1b[1mtags\x1b[0m          \x1b(0x\x1b(B\n"+
		"\x1b(0tqqqqqqqnqqqqqqqqqqqqqqqu\x1b(B\n"+
		"\x1b(0x\x1b(B guest \x1b(0x\x1b(B administrator \x1b(0x\x1b(B\n"+
		"\x1b(0mqqqqqqqvqqqqqqqqqqqqqqqj\x1b(B\n", got)
}

func TestPrettyTableWithHeaders(t *testing.T) {
	got := render(t, PrettyTable, []string{"name", "default_queue_type"}, ListOptions{Headers: true},
		[]Cell{Str("a"), Str("quorum")},
		[]Cell{Str("café-вход"), List([]string{"x", "y"})},
	)
	want := "" +
		"┌───────────┬────────────────────┐\n" +
		"│ name      │ default_queue_type │\n" +
		"├───────────┼────────────────────┤\n" +
		"│ a         │ quorum             │\n" +
		"├───────────┼────────────────────┤\n" +
		"│ café-вход │ [x, y]             │\n" +
		"└───────────┴────────────────────┘\n"
	assert.Equal(t, want, unDEC(got))
	assert.NotContains(t, got, "DEFAULT", "headers are not upper-cased")
	assert.NotContains(t, got, "QUEUE TYPE", "underscores are not turned into spaces")
}

func TestPrettyTableWithoutHeaders(t *testing.T) {
	got := render(t, PrettyTable, []string{"name", "x"}, ListOptions{Headers: false}, []Cell{Str("a"), Str("b")})
	assert.Equal(t, "┌───┬───┐\n│ a │ b │\n└───┴───┘\n", unDEC(got))
	assert.NotContains(t, got, "name")
}

func TestPrettyTableKeepsCellSpacesAndCase(t *testing.T) {
	got := unDEC(render(t, PrettyTable, []string{"user_name"}, ListOptions{Headers: true}, []Cell{Str(" Mixed Case ")}))
	assert.Contains(t, got, "│ user_name    │")
	assert.Contains(t, got, "│  Mixed Case  │", "cells are not trimmed")
}

func TestPrettyTableIsBufferedUntilClose(t *testing.T) {
	var b bytes.Buffer
	l := NewList(&b, PrettyTable, []string{"n"}, ListOptions{Headers: true})
	require.NoError(t, l.Row(Str("1")))
	assert.Empty(t, b.String(), "pretty_table needs every row before it writes")
	require.NoError(t, l.Close())
	assert.Contains(t, unDEC(b.String()), "│ 1 │")
}

func TestPrettyTableEmpty(t *testing.T) {
	want := "┌────────┐\n│ Output │\n├────────┤\n│ []     │\n└────────┘\n"
	for _, headers := range []bool{true, false} {
		assert.Equal(t, want, unDEC(render(t, PrettyTable, userCols, ListOptions{Headers: headers})), "one-shot, headers=%v", headers)
		assert.Equal(t, "", render(t, PrettyTable, userCols, ListOptions{Headers: headers, Streamed: true}), "streamed, headers=%v", headers)
	}
}

// --- rows and errors --------------------------------------------------------------

func TestRowWithWrongCellCountIsAnError(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			l := NewList(&b, f, userCols, ListOptions{Headers: true})
			err := l.Row(Str("only-one"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "1 cells for 2 columns")
			err = l.Row(Str("a"), Str("b"), Str("c"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "3 cells for 2 columns")
			assert.Equal(t, 0, l.Rows(), "a rejected row is not counted")
			assert.Empty(t, b.String(), "a rejected row writes nothing")

			// The list is still usable and renders as if the bad rows never came.
			require.NoError(t, l.Row(userRows[0]...))
			require.NoError(t, l.Close())
			assert.Equal(t, render(t, f, userCols, ListOptions{Headers: true}, userRows[0]), b.String())
		})
	}
}

type failingWriter struct {
	after int // successful writes before failing
	n     int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n >= w.after {
		return 0, errDiskFull
	}
	w.n++
	return len(p), nil
}

func TestWriteErrorsAreReturnedAndSticky(t *testing.T) {
	for _, f := range []Format{Table, JSON, CSV} {
		t.Run(string(f), func(t *testing.T) {
			w := &failingWriter{}
			l := NewList(w, f, userCols, ListOptions{Headers: true})
			err := l.Row(userRows[0]...)
			assert.ErrorIs(t, err, errDiskFull)
			assert.ErrorIs(t, l.Row(userRows[1]...), errDiskFull, "later rows report the first failure")
			assert.ErrorIs(t, l.Close(), errDiskFull)
		})
	}
	t.Run("empty one-shot", func(t *testing.T) {
		l := NewList(&failingWriter{}, Table, userCols, ListOptions{})
		assert.ErrorIs(t, l.Close(), errDiskFull)
	})
	t.Run("pretty_table", func(t *testing.T) {
		l := NewList(&failingWriter{}, PrettyTable, userCols, ListOptions{Headers: true})
		require.NoError(t, l.Row(userRows[0]...), "nothing is written before Close")
		if err := l.Close(); err == nil {
			t.Fatal("regression: pretty_table loses write errors: ListWriter.renderPretty hands l.w straight to tablewriter, " +
				"whose Render ignores the writer's errors, so Close returns nil although nothing was written " +
				"(render into a buffer, then write it with l.write)")
		}
	})
}

// --- formats ----------------------------------------------------------------------

func TestParseFormat(t *testing.T) {
	cases := map[string]Format{
		"table": Table, "TABLE": Table, "Table": Table,
		"json": JSON, "JSON": JSON, "Json": JSON,
		"csv": CSV, "CSV": CSV,
		"pretty_table": PrettyTable, "Pretty_Table": PrettyTable, "PRETTY_TABLE": PrettyTable,
	}
	for in, want := range cases {
		got, err := ParseFormat(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"yaml", "", "pretty-table", " json", "erlang", "tsv"} {
		got, err := ParseFormat(in)
		if assert.Error(t, err, "%q", in) {
			assert.Equal(t, `formatter "`+in+`" is not supported. Please use one of: table, pretty_table, json, csv`, err.Error())
		}
		assert.Equal(t, Format(""), got)
	}
}

func TestMachineReadable(t *testing.T) {
	assert.True(t, JSON.MachineReadable())
	assert.True(t, CSV.MachineReadable())
	assert.False(t, Table.MachineReadable())
	assert.False(t, PrettyTable.MachineReadable())
	assert.Equal(t, []Format{Table, PrettyTable, JSON, CSV}, Formats)
}

func TestCellConstructors(t *testing.T) {
	assert.Equal(t, Cell{Text: "x", Value: "x"}, Str("x"))
	assert.Equal(t, Cell{Text: "true", Value: true}, Bool(true))
	assert.Equal(t, Cell{Text: "false", Value: false}, Bool(false))
	assert.Equal(t, Cell{Text: "-9223372036854775808", Value: int64(-9223372036854775808)}, Int(-9223372036854775808))
	assert.Equal(t, Cell{Text: "[a, b]", Value: []string{"a", "b"}}, List([]string{"a", "b"}))
	assert.Equal(t, Cell{Text: "[]", Value: []string{}}, List(nil))
	assert.Equal(t, Cell{Text: "[]", Value: []string{}}, List([]string{}))
	assert.Equal(t, Cell{Text: "t", Value: 1.5}, Raw("t", 1.5))
}

func TestJSONLine(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSONLine(&b, map[string]any{"result": "ok", "node": "rabbit@<h>"}))
	assert.Equal(t, "{\"node\":\"rabbit@<h>\",\"result\":\"ok\"}\n", b.String())

	b.Reset()
	o := (&OrderedObject{}).Set("message", "Done. a & b").Set("node", "n").Set("status", "ok")
	require.NoError(t, JSONLine(&b, o))
	assert.Equal(t, "{\"message\":\"Done. a & b\",\"node\":\"n\",\"status\":\"ok\"}\n", b.String())

	assert.ErrorIs(t, JSONLine(&failingWriter{}, 1), errDiskFull)
}

func TestOrderedObjectKeepsKeyOrder(t *testing.T) {
	o := &OrderedObject{}
	ret := o.Set("zulu", 1).Set("alpha", []string{"x"}).Set("mike", (&OrderedObject{}).Set("y", true).Set("b", nil))
	assert.Same(t, o, ret, "Set chains on the same object")
	assert.Equal(t, []string{"zulu", "alpha", "mike"}, o.Keys)

	out, err := json.Marshal(o)
	require.NoError(t, err)
	assert.Equal(t, `{"zulu":1,"alpha":["x"],"mike":{"y":true,"b":null}}`, string(out))

	empty, err := json.Marshal(&OrderedObject{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(empty))

	inList, err := json.Marshal([]any{(&OrderedObject{}).Set("b", 2).Set("a", 1)})
	require.NoError(t, err)
	assert.Equal(t, `[{"b":2,"a":1}]`, string(inList))

	var back map[string]any
	require.NoError(t, json.Unmarshal(out, &back), "the output is valid JSON")
	assert.Len(t, back, 3)
}

func TestOrderedObjectEscapesKeysButNotHTML(t *testing.T) {
	out, err := (&OrderedObject{}).Set(`k"<>`, "v&").MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `{"k\"<>":"v&"}`, string(out))
	assert.True(t, json.Valid(out))
}

func TestFormatsAgreeOnRowCount(t *testing.T) {
	for _, f := range Formats {
		var b bytes.Buffer
		l := NewList(&b, f, userCols, ListOptions{Headers: true})
		for _, r := range userRows {
			require.NoError(t, l.Row(r...))
		}
		require.NoError(t, l.Close())
		assert.Equal(t, 2, l.Rows(), string(f))
		assert.True(t, strings.HasSuffix(b.String(), "\n"), "%s output ends with a newline", f)
		assert.Contains(t, b.String(), "alice", string(f))
	}
}
