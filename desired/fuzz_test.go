package desired

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds the parser and validator arbitrary documents: it must never panic,
// must either accept the document or list problems that each carry a line within the
// file, and whatever it accepts must plan against a broker without panicking.
// Seeds: the examples below and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"definitions-3.10.8.json", "definitions-4.3.6.json", "definitions-4.3.6-vhost.json", "example.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("queues:\n  - {name: q, type: quorum, arguments: {x-max-length: 10}}\n"))
	f.Add([]byte("users:\n  - {name: u, password_env: PW, tags: a,b, limits: {max-channels: 1}}\n"))
	f.Add([]byte(`{"bindings": [{"source": "e", "destination": "q", "arguments": {"x-match": "all"}}]}`))
	f.Add([]byte("parameters:\n  - {component: vhost-limits, name: limits, value: {max-queues: 1}}\nvhosts: [{name: /}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("queues:\n  - &b {name: a, arguments: &g {x-max-length: 5}}\n  - {<<: *b, name: c, arguments: {<<: *g, x: 1}}\n"))
	f.Add([]byte("queues:\n  - &x {name: a, arguments: {<<: &y {<<: *x}}}\n"))
	f.Add([]byte(`{"vhosts":[{"name":"a\/b","description":"\ud83d\ude00"}]}`))
	f.Add([]byte(`{"rabbit_version":"3.12.0","vhosts":[{"name":"v","limits":[]}],"exchanges":[{"name":"amq.rabbitmq.log","type":"topic"}]}`))
	vars := map[string]string{"PW": "secret"}
	live := &Live{Objects: map[Kind]map[string]*Object{}}
	live.Objects[Vhosts] = map[string]*Object{nameKey("", "/"): {Kind: Vhosts, ID: []Field{{"name", "/"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("f.yaml", data, LoadOptions{LookupEnv: env(vars), ReadFile: func(string) ([]byte, error) {
			return []byte("pw\n"), nil
		}})
		// YAML breaks lines at \n, \r\n and a lone \r
		lines := bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'}) + 1
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			for _, p := range ie.Problems {
				if p.Line < 1 || p.Line > lines+1 || p.Msg == "" {
					t.Fatalf("problem at line %d of %d: %q", p.Line, lines, p.Msg)
				}
			}
			if doc != nil {
				t.Fatal("a document and an error")
			}
			return
		}
		for kind, objs := range doc.Objects {
			for _, o := range objs {
				if o.Kind != kind || o.Line < 1 || o.Line > lines {
					t.Fatalf("object %s %q at line %d of %d", o.Kind, o.Name(), o.Line, lines)
				}
				for _, fl := range o.Fields {
					_ = Render(fl.Value)
				}
			}
		}
		p, err := MakePlan(doc, live, PlanOptions{Prune: true, Recreate: true, RunningUser: "guest"})
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("plan: %v", err)
			}
			return
		}
		for _, c := range p.Changes {
			for _, d := range c.Diffs {
				if d.Secret && (d.Old != nil || d.New != nil) {
					t.Fatal("a secret diff carries a value")
				}
				_ = d.String()
			}
		}
	})
}
