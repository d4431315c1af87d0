package admin

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// v1 prints values through Python: str() of a JSON scalar, json.dumps() of lists and
// of JSON-valued keys, json.dumps(sort_keys=True, indent=2, ensure_ascii=False) for
// pretty_json, repr() of a non-string error reason. These functions print a value
// decoded by mgmtapi.ParseJSON (nil, bool, string, json.Number, []any, *Object) the
// way Python prints what json.loads made of the same text.

// pyStr is str(value): True/False/None, ints as digits, floats in repr form.
func pyStr(v any) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case string:
		return t
	case json.Number:
		return pyNumber(t)
	}
	return pyDumps(v, true)
}

// pyNumber is a JSON number as Python prints what json.loads made of it: an int when
// it has neither fraction nor exponent, else a float.
func pyNumber(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" {
			return "0"
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return s
	}
	return pyFloat(f)
}

// pyFloat is repr(float): the shortest digits that read back the same, in fixed
// notation when the decimal exponent is in [-4, 16), else as d.ddde±XX.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			return sign + digits[:decpt] + "." + digits[decpt:]
		}
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
}

// pyDumps is json.dumps(v) with default separators (", ", ": ") and keys in their
// order; ensureASCII escapes every non-ASCII character as \uXXXX.
func pyDumps(v any, ensureASCII bool) string {
	var b strings.Builder
	dumpValue(&b, v, ensureASCII, false, -1, 0)
	return b.String()
}

// pyPretty is json.dumps(v, sort_keys=True, indent=2, ensure_ascii=False).
func pyPretty(v any) string {
	var b strings.Builder
	dumpValue(&b, v, false, true, 2, 0)
	return b.String()
}

func dumpValue(b *strings.Builder, v any, ascii, sortKeys bool, indent, level int) {
	itemSep, newline := ", ", func(int) {}
	if indent >= 0 {
		itemSep = ","
		newline = func(l int) {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case json.Number:
		s := pyNumber(t)
		switch s {
		case "inf":
			s = "Infinity"
		case "-inf":
			s = "-Infinity"
		case "nan":
			s = "NaN"
		}
		b.WriteString(s)
	case string:
		dumpString(b, t, ascii)
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				b.WriteString(itemSep)
			}
			newline(level + 1)
			dumpValue(b, x, ascii, sortKeys, indent, level+1)
		}
		newline(level)
		b.WriteByte(']')
	case *mgmtapi.Object:
		keys := t.Keys()
		if len(keys) == 0 {
			b.WriteString("{}")
			return
		}
		if sortKeys {
			keys = append([]string(nil), keys...)
			sort.Strings(keys)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(itemSep)
			}
			newline(level + 1)
			dumpString(b, k, ascii)
			b.WriteString(": ")
			dumpValue(b, t.Value(k), ascii, sortKeys, indent, level+1)
		}
		newline(level)
		b.WriteByte('}')
	default:
		fmt.Fprint(b, t)
	}
}

// dumpString is json's string encoder: short escapes for \" \\ \n \r \t \b \f,
// \u00XX for other control characters, and with ascii every character above ~ as
// \uXXXX (a surrogate pair beyond the BMP).
func dumpString(b *strings.Builder, s string, ascii bool) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (ascii && r > 0x7e && r < 0x10000):
				fmt.Fprintf(b, `\u%04x`, r)
			case ascii && r >= 0x10000:
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// pyRepr is repr(value) for what json.loads returns: strings quoted as Python
// quotes them, lists and dicts with ", " and ": ".
func pyRepr(v any) string {
	switch t := v.(type) {
	case string:
		return reprString(t)
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = pyRepr(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *mgmtapi.Object:
		parts := make([]string, 0, t.Len())
		for _, k := range t.Keys() {
			parts = append(parts, reprString(k)+": "+pyRepr(t.Value(k)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return pyStr(v)
}

func reprString(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		switch {
		case r == utf8.RuneError && width == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x80 || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyListRepr is repr() of a list of strings: ['a', 'b'].
func pyListRepr(items []string) string {
	parts := make([]any, len(items))
	for i, s := range items {
		parts[i] = s
	}
	return pyRepr(parts)
}
