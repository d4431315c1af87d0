package desired

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 4.3 cluster export: its top-level provenance keys, the vhost's metadata with its
// protection, queues' type keys, the broker's own amq.rabbitmq.log.
func TestParseDefinitions436(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "definitions-4.3.6.json"))
	require.NoError(t, err)
	doc, err := Parse("defs.json", data, LoadOptions{})
	require.NoError(t, err)
	assert.True(t, doc.Definitions)
	assert.Empty(t, doc.Warnings)
	var shop *Object
	for _, v := range doc.Objects[Vhosts] {
		if v.Name() == "shop" {
			shop = v
		}
	}
	require.NotNil(t, shop)
	assert.Equal(t, map[string]any{"description": "Online shop", "tags": []any{"prod"}, "default_queue_type": "quorum",
		"protected_from_deletion": true, "limits": map[string]any{"max-connections": int64(100)}}, fields(shop))
	types := map[string]any{}
	for _, q := range doc.Objects[Queues] {
		types[q.Name()] = fields(q)["type"]
	}
	assert.Equal(t, map[string]any{"orders": "quorum", "audit": "classic", "log": "stream"}, types)
	for _, x := range doc.Objects[Exchanges] {
		assert.NotEqual(t, "amq.rabbitmq.log", x.Name())
	}
	require.Len(t, doc.Objects[TopicPermissions], 1)
	require.Len(t, doc.Objects[OperatorPolicies], 1)
	assert.Equal(t, "rabbit_password_hashing_sha256", doc.Objects[Users][0].Password.Algorithm)
}

// A 4.3 per-vhost export applies to the vhost named by -p: its limits are that
// vhost's (they agree with the vhost-limits parameter the export also carries); its
// metadata and description are left alone, as the server's per-vhost import does.
func TestParsePerVhostDefinitions436(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "definitions-4.3.6-vhost.json"))
	require.NoError(t, err)
	doc, err := Parse("v.json", data, LoadOptions{DefaultVhost: "restored"})
	require.NoError(t, err)
	require.Len(t, doc.Objects[Vhosts], 1)
	v := doc.Objects[Vhosts][0]
	assert.Equal(t, "restored", v.Name())
	assert.Equal(t, map[string]any{"limits": map[string]any{"max-connections": int64(100)}}, fields(v),
		"only the limits: description, tags, default queue type and protection are not the document's to set")
	assert.False(t, doc.Declared[Vhosts])
	assert.Len(t, doc.Objects[Queues], 3)
	assert.Equal(t, "restored", doc.Objects[Queues][0].Vhost)
	assert.Equal(t, []string{`the document was exported from vhost "shop"; its entries go to vhost "restored" (-p)`},
		doc.Warnings)
	doc, err = Parse("v.json", data, LoadOptions{DefaultVhost: "shop"})
	require.NoError(t, err)
	assert.Empty(t, doc.Warnings, "applied to the vhost it came from")

	_, err = parse(t, `{"limits": {"max-queues": 1}, "parameters": [{"component": "vhost-limits", "name": "limits",
 "value": {"max-queues": 2}}], "metadata": [], "explanation": {}}`, nil)
	assert.Equal(t, []string{
		`f.yaml:1: vhost "/" has other limits at line 1`,
		`f.yaml:2: metadata must be a mapping (a per-vhost export's vhost metadata)`,
		`f.yaml:2: explanation must be a string`,
	}, problems(t, err))
}

// An inline password is what the server's import takes in its definitions format
// (JSON): accepted, with one warning for all users; rmqctl's YAML keeps refusing it.
func TestInlinePasswordInDefinitionsFormat(t *testing.T) {
	doc, err := parse(t, `{"users": [{"name": "a", "password": "Secret-A1", "tags": ""}, {"name": "b", "password": "Secret-B2", "tags": ""},
 {"name": "c", "password": "Secret-C3", "tags": ""}, {"name": "d", "password": "Secret-D4", "tags": ""}, {"name": "e", "password_hash": "", "tags": ""}]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "Secret-B2", doc.Objects[Users][1].Password.Plain)
	assert.False(t, doc.Objects[Users][1].Password.HasHash)
	assert.Equal(t, []string{`4 users have an inline password ("a", "b", "c" and 1 more): they are used as given, ` +
		`but the file holds them in clear text (password_hash, as exports give it, does not)`}, doc.Warnings)
	assert.NotContains(t, strings.Join(doc.Warnings, ""), "Secret-")

	doc, err = parse(t, `{"users": [{"name": "a", "password": "pa", "tags": ""}]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{`user "a" has an inline password: it is used as given, but the file holds it in clear text ` +
		`(password_hash, as exports give it, does not)`}, doc.Warnings)

	_, err = parse(t, "users:\n  - {name: a, password: pa}\n", nil)
	assert.Equal(t, []string{`f.yaml:2: user "a": inline passwords are not accepted: use password_env, password_file or password_hash`},
		problems(t, err))
}

// What older definitions documents carry and the server's import still reads: a
// hash without its algorithm from 3.5 (MD5), the administrator flag of exports before
// tags; amq.* queues are skipped, as the server skips them.
func TestParseOlderDefinitions(t *testing.T) {
	doc, err := parse(t, `{"rabbit_version": "3.5.7", "users": [{"name": "old", "password_hash": "AAAA", "administrator": true},
 {"name": "plain", "password_hash": "AAAA", "administrator": false}],
 "queues": [{"name": "amq.gen-x", "vhost": "/", "durable": true}, {"name": "q", "vhost": "/", "durable": true}]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "rabbit_password_hashing_md5", doc.Objects[Users][0].Password.Algorithm)
	assert.Equal(t, []any{"administrator"}, fields(doc.Objects[Users][0])["tags"])
	assert.Equal(t, []any{}, fields(doc.Objects[Users][1])["tags"])
	require.Len(t, doc.Objects[Queues], 1)
	assert.Equal(t, []string{`queues named amq.* are the broker's to name: "amq.gen-x" skipped, as the server's import skips them`}, doc.Warnings)

	doc, err = parse(t, `{"rabbit_version": "3.6.15", "users": [{"name": "u", "password_hash": "AAAA", "tags": ""}]}`, nil)
	require.NoError(t, err)
	assert.Equal(t, "rabbit_password_hashing_sha256", doc.Objects[Users][0].Password.Algorithm)
	_, err = parse(t, "users:\n  - {name: u, administrator: true}\n", nil)
	assert.Error(t, err, "administrator is a definitions-format key only")
}

// A 3.x per-vhost export keeps the vhost in its policies' and parameters' entries;
// applied elsewhere with -p they go there, as the server's per-vhost import puts them.
func TestParsePerVhostExportOf310(t *testing.T) {
	data := []byte(`{"rabbit_version":"3.10.8","parameters":[{"value":{"max-queues":7},"vhost":"src","component":"vhost-limits","name":"limits"}],
"policies":[{"vhost":"src","name":"p1","pattern":"^a","apply-to":"all","definition":{"max-length":5},"priority":0}],
"queues":[],"exchanges":[],"bindings":[]}`)
	doc, err := Parse("v.json", data, LoadOptions{DefaultVhost: "dst"})
	require.NoError(t, err)
	assert.Equal(t, "dst", doc.Objects[Policies][0].Vhost)
	assert.Equal(t, "dst", doc.Objects[Vhosts][0].Name())
	assert.Equal(t, map[string]bool{"dst": true}, doc.Vhosts)
	assert.Equal(t, []string{`the document was exported from vhost "src"; its entries go to vhost "dst" (-p)`}, doc.Warnings)

	doc, err = Parse("c.json", []byte(`{"rabbit_version":"3.10.8","vhosts":[{"name":"src"}],
"policies":[{"vhost":"src","name":"p1","pattern":"^a","definition":{"max-length":5}}]}`), LoadOptions{DefaultVhost: "dst"})
	require.NoError(t, err)
	assert.Equal(t, "src", doc.Objects[Policies][0].Vhost, "a cluster export's entries keep their vhost")
	assert.Empty(t, doc.Warnings)
}

// 4.0.5's per-vhost export repeats the vhost's description, tags and default queue
// type at the top level; like its metadata they are not the document's to set.
func TestParsePerVhostExportOf405(t *testing.T) {
	doc, err := Parse("v.json", []byte(`{"rabbit_version":"4.0.5","rabbitmq_version":"4.0.5","product_name":"RabbitMQ",
"product_version":"4.0.5","rabbitmq_definition_format":"single_virtual_host","original_vhost_name":"dbg1",
"explanation":"Definitions of virtual host 'dbg1'","metadata":{"description":"d","tags":["a"],"default_queue_type":"quorum"},
"description":"d","tags":["a"],"default_queue_type":"quorum","limits":[],"parameters":[],"policies":[],"queues":[],"exchanges":[],"bindings":[]}`),
		LoadOptions{DefaultVhost: "dbg1"})
	require.NoError(t, err)
	require.Len(t, doc.Objects[Vhosts], 1)
	assert.Equal(t, map[string]any{"limits": map[string]any{}}, fields(doc.Objects[Vhosts][0]))
	assert.Empty(t, doc.Warnings)
}

// A document is a per-vhost export by its format key (4.0.5+), or, like the server
// tells one, when it has no cluster-wide section and its queues, exchanges and
// bindings name no vhost. Without an export's keys, a YAML file's per-vhost keys are
// unknown sections.
func TestPerVhostExportIsToldAsTheServerTellsIt(t *testing.T) {
	doc, err := Parse("c.json", []byte(`{"rabbit_version":"3.10.8","queues":[{"vhost":"a","name":"q","durable":true}],
"policies":[{"vhost":"a","name":"p","pattern":"x","definition":{"max-length":1}}]}`), LoadOptions{DefaultVhost: "b"})
	require.NoError(t, err)
	assert.Equal(t, "a", doc.Objects[Policies][0].Vhost, "its queues name their vhost: not a per-vhost export")
	_, err = parse(t, "description: shop\nqueues: []\n", nil)
	assert.Equal(t, []string{`f.yaml:1: unknown section "description" (a per-vhost export's key; known sections: vhosts, users, ` +
		`global_parameters, permissions, topic_permissions, policies, operator_policies, parameters, exchanges, queues, bindings)`},
		problems(t, err))
	doc, err = parse(t, `{"description": "shop", "queues": [{"name": "q"}]}`, nil)
	require.NoError(t, err, "JSON is the server's format: it ignores the key, and so does apply")
	assert.Len(t, doc.Objects[Queues], 1)
}
