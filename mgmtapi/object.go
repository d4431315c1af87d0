package mgmtapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Object is a JSON object that keeps its keys in the order the server sent them: the
// order of an AMQP table (client_properties, arguments) is part of what rabbitmqctl
// shows. Values are nil, bool, string, json.Number, []any or *Object.
type Object struct {
	keys   []string
	values map[string]any
}

// Item is one object of a list.
type Item = *Object

// NewObject builds an object from alternating keys and values (tests, requests).
func NewObject(kv ...any) *Object {
	o := &Object{values: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// Set adds or replaces a key, keeping its first position.
func (o *Object) Set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

// Keys are the object's keys in order.
func (o *Object) Keys() []string { return o.keys }

// Len is the number of keys.
func (o *Object) Len() int { return len(o.keys) }

// Value returns the value of one key (which may contain dots), nil when absent.
func (o *Object) Value(k string) any { return o.values[k] }

// Get returns the value at a dotted path ("queue.name"), nil when absent.
func (o *Object) Get(path string) any {
	var cur any = o
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(*Object)
		if !ok || obj == nil {
			return nil
		}
		if cur, ok = obj.values[k]; !ok {
			return nil
		}
	}
	return cur
}

// MarshalJSON writes the keys in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object keeping key order.
func (o *Object) UnmarshalJSON(data []byte) error {
	if !json.Valid(data) {
		return fmt.Errorf("invalid JSON object")
	}
	v, err := parseValue(data)
	if err != nil {
		return err
	}
	obj, ok := v.(*Object)
	if !ok {
		return fmt.Errorf("expected a JSON object, got %T", v)
	}
	*o = *obj
	return nil
}
