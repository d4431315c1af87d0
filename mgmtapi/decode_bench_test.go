package mgmtapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

func benchPayload(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"messages":%d,"name":"q-%05d","type":"classic"}`, i%7, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func BenchmarkDecodeList20k(b *testing.B) {
	payload := benchPayload(20000)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dec := json.NewDecoder(bytes.NewReader(payload))
		dec.UseNumber()
		n := 0
		if _, err := decodeList(dec, "/q", func(Item) error { n++; return nil }); err != nil || n != 20000 {
			b.Fatal(err, n)
		}
	}
}
