package mgmtapi

import (
	"encoding/json"
	"errors"
	"fmt"
)

// parseValue parses one JSON value from b (already validated by encoding/json, which
// scanned it as a json.RawMessage), objects as *Object with their key order kept. It
// is the hot path of big lists: a plain recursive descent over the bytes allocates
// far less than encoding/json's token API.
func parseValue(b []byte) (any, error) {
	p := parser{b: b}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.b) {
		return nil, fmt.Errorf("unexpected data at offset %d", p.i)
	}
	return v, nil
}

type parser struct {
	b []byte
	i int
}

var errSyntax = errors.New("invalid JSON")

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	p.space()
	if p.i >= len(p.b) {
		return nil, errSyntax
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []struct {
			s string
			v any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(p.b)-p.i >= len(lit.s) && string(p.b[p.i:p.i+len(lit.s)]) == lit.s {
				p.i += len(lit.s)
				return lit.v, nil
			}
		}
		return nil, errSyntax
	default:
		start := p.i
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if p.i == start {
					return nil, errSyntax
				}
				return json.Number(p.b[start:p.i]), nil
			}
			p.i++
		}
		return json.Number(p.b[start:p.i]), nil
	}
}

func (p *parser) str() (string, error) {
	start := p.i
	p.i++ // opening quote
	escaped := false
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			escaped = true
			p.i += 2
			continue
		case '"':
			p.i++
			if !escaped {
				return string(p.b[start+1 : p.i-1]), nil
			}
			var s string
			err := json.Unmarshal(p.b[start:p.i], &s)
			return s, err
		}
		p.i++
	}
	return "", errSyntax
}

func (p *parser) object() (*Object, error) {
	o := &Object{values: map[string]any{}}
	p.i++ // {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return o, nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, errSyntax
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, errSyntax
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o.Set(k, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, errSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return o, nil
		default:
			return nil, errSyntax
		}
	}
}

func (p *parser) array() ([]any, error) {
	arr := []any{}
	p.i++ // [
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return arr, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, errSyntax
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, nil
		default:
			return nil, errSyntax
		}
	}
}
