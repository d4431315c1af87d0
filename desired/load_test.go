package desired

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func parse(t *testing.T, text string, vars map[string]string) (*Document, error) {
	t.Helper()
	return Parse("f.yaml", []byte(text), LoadOptions{LookupEnv: env(vars), ReadFile: os.ReadFile})
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var ie *InvalidError
	require.True(t, errors.As(err, &ie), "want *InvalidError, got %v", err)
	return strings.Split(ie.Error(), "\n")
}

func fields(o *Object) map[string]any {
	m := map[string]any{}
	for _, f := range o.Fields {
		m[f.Name] = f.Value
	}
	return m
}

func TestParseYAMLEveryKind(t *testing.T) {
	doc, err := parse(t, `
vhosts:
  - name: shop
    description: Online shop
    tags: prod, eu
    default_queue_type: quorum
    limits: {max-connections: 100}
users:
  - name: app
    password_env: APP_PW
    tags: [monitoring]
    limits: {max-channels: 20}
  - name: ops
    password_hash: lQ+Dm87kvetSRHo7vNxIsmaX2i7lFBlq3ZYTnruVnODH5+I1
permissions:
  - {user: app, vhost: shop, configure: "^app\\.", write: ".*", read: ".*"}
topic_permissions:
  - {user: app, vhost: shop, exchange: events, write: "^o\\.", read: ".*"}
policies:
  - {vhost: shop, name: ttl, pattern: "^app\\.", definition: {message-ttl: 60000}, apply-to: queues}
operator_policies:
  - {vhost: shop, name: cap, pattern: ".*", definition: {max-length: 100000}, priority: 3}
parameters:
  - {vhost: shop, component: federation-upstream, name: up, value: {uri: "amqp://a"}}
global_parameters:
  - {name: cluster_tag, value: {env: test}}
exchanges:
  - {vhost: shop, name: events, type: topic}
queues:
  - {vhost: shop, name: 1.10, type: quorum, arguments: {x-delivery-limit: 5}}
  - {name: plain}
bindings:
  - {vhost: shop, source: events, destination: "1.10", routing_key: "o.#"}
`, map[string]string{"APP_PW": "s3cret"})
	require.NoError(t, err)
	for _, k := range AllKinds {
		assert.True(t, doc.Declared[k], "kind %s declared", k)
		assert.NotEmpty(t, doc.Objects[k], "kind %s has objects", k)
	}
	assert.Equal(t, 13, doc.Count())
	v := doc.Objects[Vhosts][0]
	assert.Equal(t, map[string]any{"description": "Online shop", "tags": []any{"eu", "prod"},
		"default_queue_type": "quorum", "limits": map[string]any{"max-connections": int64(100)}}, fields(v))
	assert.Equal(t, 3, v.Line)
	app := doc.Objects[Users][0]
	assert.Equal(t, "s3cret", app.Password.Plain)
	assert.Equal(t, "password_env APP_PW", app.Password.Source)
	ops := doc.Objects[Users][1]
	assert.True(t, ops.Password.HasHash)
	assert.Equal(t, "rabbit_password_hashing_sha256", ops.Password.Algorithm)
	assert.Nil(t, fields(ops)["tags"], "tags left out are not managed")

	q := doc.Objects[Queues][0]
	assert.Equal(t, "1.10", q.Name(), "a numeric-looking name stays as written")
	assert.Equal(t, map[string]any{"type": "quorum", "durable": true, "auto_delete": false,
		"arguments": map[string]any{"x-delivery-limit": int64(5)}}, fields(q))
	assert.Equal(t, "/", doc.Objects[Queues][1].Vhost, "vhost defaults to /")
	assert.Equal(t, map[string]bool{"shop": true, "/": true}, doc.Vhosts)
	b := doc.Objects[Bindings][0]
	assert.Equal(t, "events -> queue 1.10 (o.#)", b.Name())
	p := doc.Objects[OperatorPolicies][0]
	assert.Equal(t, int64(3), fields(p)["priority"])
	assert.Equal(t, "all", fields(p)["apply-to"])
}

// RabbitMQ's export: operator policies and vhost limits come as parameters, the
// internal cluster id is dropped, tabs are whitespace.
func TestParseDefinitionsDocument(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "definitions-3.10.8.json"))
	require.NoError(t, err)
	doc, err := Parse("defs.json", data, LoadOptions{})
	require.NoError(t, err)
	assert.Len(t, doc.Objects[Users], 2)
	assert.Len(t, doc.Objects[Vhosts], 2)
	assert.Empty(t, doc.Objects[GlobalParameters], "internal_cluster_id is never copied")
	assert.True(t, doc.Declared[GlobalParameters])
	require.Len(t, doc.Objects[OperatorPolicies], 1)
	assert.Equal(t, "op1", doc.Objects[OperatorPolicies][0].Name())
	assert.Empty(t, doc.Objects[Parameters])
	var v1 *Object
	for _, v := range doc.Objects[Vhosts] {
		if v.Name() == "v1" {
			v1 = v
		}
	}
	require.NotNil(t, v1)
	assert.Equal(t, map[string]any{"max-connections": int64(10)}, fields(v1)["limits"])
	u := doc.Objects[Users][0]
	assert.True(t, u.Password.HasHash)
	assert.Equal(t, map[string]any{"max-channels": int64(5)}, fields(u)["limits"])
	q := doc.Objects[Queues][0]
	assert.Equal(t, "quorum", fields(q)["type"])
	assert.Equal(t, map[string]any{}, fields(q)["arguments"], "x-queue-type becomes the type")

	tabbed := strings.ReplaceAll(string(data), "    ", "\t")
	doc2, err := Parse("defs.json", []byte(tabbed), LoadOptions{})
	require.NoError(t, err, "tab-indented JSON")
	assert.Equal(t, doc.Count(), doc2.Count())
}

func TestParseReportsEveryProblemWithItsLine(t *testing.T) {
	_, err := parse(t, `vhosts:
  - name: a
    limits: {max-queues: many, max-x: 1}
  - name: a
users:
  - {name: bob, password: hunter2}
  - {name: eve, password_env: NOPE}
  - {name: joe, password_env: A, password_hash: x}
  - {name: kim, hashing_algorithm: rabbit_password_hashing_sha256}
queues:
  - name: x
    durable: yes
    bogus: 1
  - {name: amq.q}
  - {name: s, type: stream, durable: false}
  - {name: t, type: quorum, arguments: {x-queue-type: classic}}
  - {name: x}
exchanges:
  - {name: e}
bindings:
  - {source: "", destination: q}
  - {source: e, destination: q, destination_type: topic}
permissions:
  - {user: u, configure: ".*"}
policies:
  - {name: p, pattern: x, definition: {}}
  - {name: p2, pattern: x, definition: {a: 1}, apply-to: everything}
foo: 1
`, map[string]string{"A": "x"})
	got := problems(t, err)
	want := []string{
		`f.yaml:3: vhost "a": limit max-queues must be an integer, -1 for none`,
		`f.yaml:3: vhost "a": unknown limit "max-x" (known: max-connections, max-queues)`,
		`f.yaml:4: vhost "a" is declared twice (first at line 2)`,
		`f.yaml:6: user "bob": inline passwords are not accepted: use password_env, password_file or password_hash`,
		`f.yaml:7: user "eve": environment variable NOPE (password_env) is not set or empty`,
		`f.yaml:8: user "joe": give at most one of password_env, password_file and password_hash`,
		`f.yaml:9: user "kim": hashing_algorithm goes with password_hash`,
		`f.yaml:12: queue "x" in vhost "/": durable must be true or false`,
		`f.yaml:13: queue "x" in vhost "/": unknown key "bogus" (known: vhost, name, type, durable, auto_delete, arguments)`,
		`f.yaml:14: queue "amq.q" in vhost "/": queue names starting with "amq." are reserved by the broker`,
		`f.yaml:15: queue "s" in vhost "/": stream queues are always durable`,
		`f.yaml:16: queue "t" in vhost "/": type "quorum" and arguments.x-queue-type "classic" disagree`,
		`f.yaml:17: queue "x" in vhost "/" is declared twice (first at line 11)`,
		`f.yaml:19: exchange "e" in vhost "/": type is required`,
		`f.yaml:21: binding: source is required (bindings of the default exchange are implicit)`,
		`f.yaml:22: binding "e -> topic q" in vhost "/": destination_type must be queue or exchange`,
		`f.yaml:24: permission "u" in vhost "/": write is required (a regular expression; "" grants nothing)`,
		`f.yaml:24: permission "u" in vhost "/": read is required (a regular expression; "" grants nothing)`,
		`f.yaml:26: policy "p" in vhost "/": definition must not be empty`,
		`f.yaml:27: policy "p2" in vhost "/": apply-to must be one of all, queues, exchanges, classic_queues, quorum_queues, streams`,
		`f.yaml:28: unknown section "foo" (known: vhosts, users, global_parameters, permissions, topic_permissions, policies, operator_policies, parameters, exchanges, queues, bindings)`,
	}
	assert.Equal(t, want, got)
	assert.NotContains(t, strings.Join(got, "\n"), "hunter2", "an inline password is never echoed")
}

func TestParseDuplicateQueueNamesTheFirstLine(t *testing.T) {
	_, err := parse(t, "queues:\n  - {name: x}\n  - {name: y}\n  - {vhost: /, name: x}\n  - {vhost: v, name: x}\n", nil)
	assert.Equal(t, []string{`f.yaml:4: queue "x" in vhost "/" is declared twice (first at line 2)`}, problems(t, err))
}

func TestParseSyntaxErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "f.yaml:1: the file is empty"},
		{"  \n\n", "f.yaml:1: the file is empty"},
		{"- a\n- b\n", "f.yaml:1: the document must be a mapping of sections (vhosts:, users:, queues: …)"},
		{"queues: {name: x}\n", "f.yaml:1: queues must be a list"},
		{"queues:\n  - x\n", "f.yaml:2: each entry of queues must be a mapping"},
		// yaml.v3 names the line where the enclosing collection starts
		{"queues:\n  - name: x\n   durable: true\n", "f.yaml:1: did not find expected '-' indicator"},
		{"vhosts: []\nqueues:\n  - name: \"x\n", "f.yaml:3: found unexpected end of stream"},
		{"queues:\n\t- name: x\n", "f.yaml:2: found character that cannot start any token"},
		// JSON's parser names the line of the offending byte
		{"{\"queues\": [\n {\"name\": \"x\"\n ]}", "f.yaml:3: invalid JSON: invalid character ']' after object key:value pair"},
		{"queues: []\nqueues: []\n", `f.yaml:2: section "queues" appears twice`},
		{"queues:\n  - {name: x, name: y}\n", `f.yaml:2: queue "y" in vhost "/": key "name" appears twice`},
		{"queues:\n  - {name: x, arguments: [1]}\n", `f.yaml:2: queue "x" in vhost "/": arguments must be a mapping`},
	} {
		_, err := parse(t, tc.text, nil)
		assert.Equal(t, []string{tc.want}, problems(t, err), "input %q", tc.text)
	}
}

// A YAML flow document looks like JSON but is not: YAML's parser reads it.
func TestParseYAMLFlowDocument(t *testing.T) {
	doc, err := parse(t, "{queues: [{name: q, arguments: {x-max-length: 1}}]}\n", nil)
	require.NoError(t, err)
	assert.Equal(t, "q", doc.Objects[Queues][0].Name())
}

func TestParseEmptySectionDeclaresTheKind(t *testing.T) {
	doc, err := parse(t, "queues:\nexchanges: []\n", nil)
	require.NoError(t, err)
	assert.True(t, doc.Declared[Queues])
	assert.True(t, doc.Declared[Exchanges])
	assert.False(t, doc.Declared[Users])
	assert.Zero(t, doc.Count())
}

func TestPasswordFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("from-file\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600))
	file := filepath.Join(dir, "broker.yaml")
	text := "users:\n  - {name: a, password_file: pw}\n  - {name: b, password_file: empty}\n  - {name: c, password_file: missing}\n"
	_, err := Parse(file, []byte(text), LoadOptions{ReadFile: os.ReadFile})
	assert.Equal(t, []string{
		file + ":3: user \"b\": password_file " + filepath.Join(dir, "empty") + " is empty",
		file + ":4: user \"c\": cannot read password_file " + filepath.Join(dir, "missing") + ": no such file or directory",
	}, problems(t, err))

	doc, err := Parse(file, []byte("users:\n  - {name: a, password_file: pw}\n"), LoadOptions{ReadFile: os.ReadFile})
	require.NoError(t, err)
	assert.Equal(t, "from-file", doc.Objects[Users][0].Password.Plain, "relative to the file, trailing newline dropped")
	_, err = Parse(file, []byte("users:\n  - {name: a, password_file: /x}\n"), LoadOptions{ReadFile: func(string) ([]byte, error) {
		return nil, &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}
	}})
	assert.Equal(t, []string{file + ":2: user \"a\": cannot read password_file /x: permission denied"}, problems(t, err))
}

func TestVhostLimitsFromParametersMustAgree(t *testing.T) {
	_, err := parse(t, `{"vhosts": [{"name": "a", "limits": {"max-queues": 1}}],
"parameters": [
 {"vhost": "b", "component": "vhost-limits", "name": "limits", "value": {"max-queues": 1}},
 {"vhost": "a", "component": "vhost-limits", "name": "limits", "value": {"max-queues": 2}},
 {"vhost": "a", "component": "policy", "name": "p", "value": {}}
]}`, nil)
	assert.Equal(t, []string{
		`f.yaml:4: vhost "a" has other limits at line 1`,
		`f.yaml:5: parameter "policy/p" in vhost "a": policies go in the policies section`,
	}, problems(t, err))
}

// A 3.12 export: vhost metadata, an empty limits list, limits both in the vhost and as
// a parameter, a queue's type key, and the broker's own amq.* exchange.
func TestParseNewerDefinitionsDocument(t *testing.T) {
	doc, err := parse(t, `{"rabbit_version":"3.12.13","rabbitmq_version":"3.12.13",
"vhosts":[{"limits":[],"metadata":{"description":"Default virtual host","tags":[]},"name":"a"},
          {"limits":{"max-queues":10},"metadata":{"description":"lim","tags":["x"],"default_queue_type":"quorum"},"name":"b"}],
"parameters":[{"value":{"max-queues":10},"vhost":"b","component":"vhost-limits","name":"limits"}],
"queues":[{"name":"q","vhost":"a","type":"classic","durable":true,"auto_delete":false,"arguments":{}}],
"exchanges":[{"name":"amq.rabbitmq.log","vhost":"/","type":"topic","durable":true,"auto_delete":false,"internal":true,"arguments":{}}]}`, nil)
	require.NoError(t, err)
	require.Len(t, doc.Objects[Vhosts], 2)
	assert.Equal(t, map[string]any{"description": "Default virtual host", "tags": []any{}, "limits": map[string]any{}}, fields(doc.Objects[Vhosts][0]))
	assert.Equal(t, map[string]any{"description": "lim", "tags": []any{"x"}, "default_queue_type": "quorum",
		"limits": map[string]any{"max-queues": int64(10)}}, fields(doc.Objects[Vhosts][1]))
	assert.Equal(t, "classic", fields(doc.Objects[Queues][0])["type"])
	assert.Empty(t, doc.Objects[Exchanges], "the broker's own exchanges in an export are not declarations")

	_, err = parse(t, "exchanges:\n  - {name: amq.rabbitmq.log, type: topic}\n", nil)
	assert.Equal(t, []string{`f.yaml:2: exchange "amq.rabbitmq.log" in vhost "/": exchange names starting with "amq." are reserved by the broker`}, problems(t, err),
		"in a file of one's own, amq.* is a mistake")
}

// A per-vhost export (export_definitions -p V) names no vhost: entries belong to the
// default vhost (-p), its limits parameter manages that vhost's limits.
func TestParsePerVhostDocument(t *testing.T) {
	doc, err := Parse("v.json", []byte(`{"rabbit_version":"3.10.8",
"parameters":[{"value":{"max-queues":5},"component":"vhost-limits","name":"limits"}],
"queues":[{"name":"q","durable":true,"auto_delete":false,"arguments":{}}],
"policies":[{"name":"p","pattern":"^q","apply-to":"queues","definition":{"max-length":1},"priority":0}]}`),
		LoadOptions{DefaultVhost: "shop"})
	require.NoError(t, err)
	assert.Equal(t, "shop", doc.Objects[Queues][0].Vhost)
	assert.Equal(t, "shop", doc.Objects[Policies][0].Vhost)
	require.Len(t, doc.Objects[Vhosts], 1)
	assert.Equal(t, "shop", doc.Objects[Vhosts][0].Name())
	assert.Equal(t, map[string]any{"limits": map[string]any{"max-queues": int64(5)}}, fields(doc.Objects[Vhosts][0]))
	assert.False(t, doc.Declared[Vhosts], "no vhosts section: vhosts are never pruned")
	assert.Equal(t, map[string]bool{"shop": true}, doc.Vhosts)
}

func TestParseYAMLMergeKeysAndAnchors(t *testing.T) {
	doc, err := parse(t, `queues:
  - &base {vhost: v, name: one, arguments: &args {x-max-length: 5}}
  - {<<: *base, name: two, arguments: {<<: *args, x-overflow: reject-publish}}
  - <<: [*base]
    name: three
`, nil)
	require.NoError(t, err)
	require.Len(t, doc.Objects[Queues], 3)
	two := doc.Objects[Queues][1]
	assert.Equal(t, "v", two.Vhost)
	assert.Equal(t, map[string]any{"x-max-length": int64(5), "x-overflow": "reject-publish"}, fields(two)["arguments"])
	assert.Equal(t, "three", doc.Objects[Queues][2].Name())
	assert.Equal(t, map[string]any{"x-max-length": int64(5)}, fields(doc.Objects[Queues][2])["arguments"])
}

// Valid JSON whose escapes YAML lacks: "\/" and surrogate pairs (Python's default).
func TestParseJSONEscapes(t *testing.T) {
	doc, err := parse(t, `{"vhosts":[{"name":"a\/b","description":"http:\/\/x \ud83d\ude00 \u00e9 \"q\" \\"}]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "a/b", doc.Objects[Vhosts][0].Name())
	assert.Equal(t, "http://x 😀 é \"q\" \\", fields(doc.Objects[Vhosts][0])["description"])
}

func TestParseValuesThatCannotBeSentAsWritten(t *testing.T) {
	_, err := parse(t, `queues:
  - {name: a, arguments: {x-big: 18446744073709551617}}
  - {name: b, arguments: {x-inf: .inf}}
  - {name: c, arguments: {x-nan: .nan}}
`, nil)
	assert.Equal(t, []string{
		"f.yaml:2: queue \"a\" in vhost \"/\": arguments: integer 18446744073709551617 is out of range",
		"f.yaml:3: queue \"b\" in vhost \"/\": arguments: .inf is not a finite number",
		"f.yaml:4: queue \"c\" in vhost \"/\": arguments: .nan is not a finite number",
	}, problems(t, err))
	doc, err := parse(t, "global_parameters:\n  - {name: since, value: {date: 2024-01-02, n: 9007199254740993}}\n", nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"date": "2024-01-02", "n": int64(9007199254740993)}, fields(doc.Objects[GlobalParameters][0])["value"],
		"a date stays text; integers up to int64 stay exact")
}

// The examples people copy must stay valid: examples/shop.yaml (make demo) and the
// file shown in README.
func TestExamplesParse(t *testing.T) {
	vars := map[string]string{"SHOP_APP_PASSWORD": "a", "SHOP_MONITOR_PASSWORD": "b"}
	data, err := os.ReadFile(filepath.Join("..", "examples", "shop.yaml"))
	require.NoError(t, err)
	doc, err := Parse("shop.yaml", data, LoadOptions{LookupEnv: env(vars)})
	require.NoError(t, err)
	assert.Equal(t, 14, doc.Count())

	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "## Declarative provisioning")
	require.True(t, ok)
	_, block, ok := strings.Cut(section, "```yaml\n")
	require.True(t, ok)
	block, _, _ = strings.Cut(block, "```")
	doc, err = Parse("README.md", []byte(block), LoadOptions{LookupEnv: env(vars),
		ReadFile: func(string) ([]byte, error) { return []byte("pw\n"), nil }})
	require.NoError(t, err)
	for _, k := range AllKinds {
		assert.NotEmpty(t, doc.Objects[k], "README's example shows %s", k)
	}
}
