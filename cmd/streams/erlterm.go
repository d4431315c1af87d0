package streams

// The stream plugin's management handlers answer a refused operation with the
// Erlang error term printed by io_lib:format("~p", …), itself printed once more as
// an iolist ("[[123,\n  [\"reference_already_exists\",44,…],\n  125]]"). The CLI
// prints the same term as Elixir's inspect does ("{:reference_already_exists,
// ~c\"there is already an exchange named s\"}"). This file reads the first form and
// writes the second.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/rmqctl/rmqctl/cmd"
)

type (
	erlAtom    string
	erlChars   string // a string ("…"): a list of character codes
	erlBinary  string // <<"…">>
	erlInt     string
	erlTuple   []any
	erlList    []any
	termParser struct {
		s   []rune
		pos int
	}
)

// parseErlTerm reads one term printed by ~p (the whole text).
func parseErlTerm(s string) (any, bool) {
	p := &termParser{s: []rune(s)}
	t, ok := p.term()
	p.space()
	return t, ok && p.pos == len(p.s)
}

func (p *termParser) space() {
	for p.pos < len(p.s) && unicode.IsSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *termParser) peek() rune {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *termParser) term() (any, bool) {
	p.space()
	switch c := p.peek(); {
	case c == '{':
		items, ok := p.seq('{', '}')
		return erlTuple(items), ok
	case c == '[':
		items, ok := p.seq('[', ']')
		return erlList(items), ok
	case c == '"':
		// ~p splits a long string over lines as adjacent literals
		var b strings.Builder
		for p.peek() == '"' {
			s, ok := p.quoted('"')
			if !ok {
				return nil, false
			}
			b.WriteString(s)
			p.space()
		}
		return erlChars(b.String()), true
	case c == '\'':
		s, ok := p.quoted('\'')
		return erlAtom(s), ok
	case c == '<' && strings.HasPrefix(string(p.s[p.pos:]), `<<"`):
		p.pos += 2
		s, ok := p.quoted('"')
		if !ok || !strings.HasPrefix(string(p.s[p.pos:]), ">>") {
			return nil, false
		}
		p.pos += 2
		return erlBinary(s), true
	case c == '-' || unicode.IsDigit(c):
		start := p.pos
		p.pos++
		for unicode.IsDigit(p.peek()) {
			p.pos++
		}
		return erlInt(string(p.s[start:p.pos])), p.pos > start && unicode.IsDigit(p.s[p.pos-1])
	case unicode.IsLower(c):
		start := p.pos
		for c := p.peek(); unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '@'; c = p.peek() {
			p.pos++
		}
		return erlAtom(string(p.s[start:p.pos])), true
	}
	return nil, false
}

func (p *termParser) seq(open, closing rune) ([]any, bool) {
	p.pos++ // open
	items := []any{}
	p.space()
	if p.peek() == closing {
		p.pos++
		return items, true
	}
	for {
		t, ok := p.term()
		if !ok {
			return nil, false
		}
		items = append(items, t)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case closing:
			p.pos++
			return items, true
		default:
			return nil, false
		}
	}
}

// quoted reads a quoted literal with Erlang's escapes.
func (p *termParser) quoted(q rune) (string, bool) {
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == q:
			return b.String(), true
		case c == '\\' && p.pos < len(p.s):
			e := p.s[p.pos]
			p.pos++
			switch e {
			case 'n':
				b.WriteRune('\n')
			case 't':
				b.WriteRune('\t')
			case 'r':
				b.WriteRune('\r')
			case 'e':
				b.WriteRune(27)
			default:
				b.WriteRune(e)
			}
		default:
			b.WriteRune(c)
		}
	}
	return "", false
}

// flattenIOList turns an iolist (characters, strings, nested lists) into its text.
func flattenIOList(t any) (string, bool) {
	var b strings.Builder
	var walk func(any) bool
	walk = func(t any) bool {
		switch v := t.(type) {
		case erlChars:
			b.WriteString(string(v))
		case erlBinary:
			b.WriteString(string(v))
		case erlInt:
			n, err := strconv.Atoi(string(v))
			if err != nil || n < 0 {
				return false
			}
			b.WriteRune(rune(n))
		case erlList:
			for _, x := range v {
				if !walk(x) {
					return false
				}
			}
		default:
			return false
		}
		return true
	}
	ok := walk(t)
	return b.String(), ok
}

// elixirInspect renders a term as Elixir's inspect (a charlist as ~c"…").
func elixirInspect(t any) string {
	switch v := t.(type) {
	case erlAtom:
		switch v {
		case "true", "false", "nil":
			return string(v)
		}
		return cmd.ElixirAtom(string(v))
	case erlChars:
		return "~c" + cmd.ElixirString(string(v))
	case erlBinary:
		return cmd.ElixirString(string(v))
	case erlInt:
		return string(v)
	case erlTuple:
		return "{" + inspectAll(v) + "}"
	case erlList:
		if s, ok := flattenIOList(v); ok && len(v) > 0 && printable(s) {
			return "~c" + cmd.ElixirString(s) // a string ~p printed as codes
		}
		return "[" + inspectAll(v) + "]"
	}
	return fmt.Sprint(t)
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func inspectAll(items []any) string {
	parts := make([]string, len(items))
	for i, x := range items {
		parts[i] = elixirInspect(x)
	}
	return strings.Join(parts, ", ")
}

// cliErrorText is how the CLI prints {error, Reason} for the term a management
// handler reported as reason: an atom or a string as it is, other terms inspected.
// A reason that is no printed term is returned as it is.
func cliErrorText(reason string) string {
	t, ok := parseErlTerm(reason)
	if !ok {
		return reason
	}
	if s, ok := flattenIOList(t); ok {
		if inner, ok := parseErlTerm(s); ok {
			t = inner
		}
	}
	switch v := t.(type) {
	case erlAtom:
		return string(v)
	case erlChars:
		return string(v)
	case erlBinary:
		return string(v)
	}
	return elixirInspect(t)
}
