package mgmtapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// normalize re-encodes a JSON document decoded by encoding/json (numbers as text).
func normalize(t *testing.T, data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// FuzzParseValue checks the hand-written parser against encoding/json on every valid
// document: same values (objects compared after re-encoding, which sorts keys).
func FuzzParseValue(f *testing.F) {
	for _, seed := range []string{
		`{"name":"q","messages":3,"arguments":{"x-queue-type":"quorum","x-max-length":10}}`,
		`[1,2.5,-3e10,"a\"b\\c\u00e9",true,false,null,{},[]]`,
		` { "a" : [ { "b" : null } ] , "c\n" : "\ud83d\ude00" } `,
		`"just a string"`, `0`, `{"dotted.key":{"x":1}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		v, err := parseValue(data)
		if err != nil {
			t.Fatalf("parseValue(%q): %v", data, err)
		}
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if want := normalize(t, data); normalize(t, got) != want {
			t.Fatalf("parseValue(%q) = %s, want %s", data, got, want)
		}
	})
}

func TestParseValueKeepsKeyOrder(t *testing.T) {
	v, err := parseValue([]byte(`{"z":1,"a":{"y":2,"b":3},"m":"s"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"z":1,"a":{"y":2,"b":3},"m":"s"}` {
		t.Fatalf("order lost: %s", out)
	}
}
