package cmd

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListVhostsAllColumnsFromRecordedBroker(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/vhosts", 200, fixture(t, "GET_vhosts.json"))
	r := api.run(t, nil, "", "list_vhosts", "name", "description", "tags", "default_queue_type", "tracing", "cluster_state")
	require.Equal(t, 0, r.code, r.stderr)
	// Rows as the real rabbitmqctl printed them for the same broker state (/tmp/observed.md §8),
	// in the HTTP API's (name) order.
	assert.Equal(t, "Listing vhosts ...\n"+
		"name\tdescription\ttags\tdefault_queue_type\ttracing\tcluster_state\n"+
		"/\tDefault virtual host\t[]\tundefined\tfalse\t[{obs@localhost, running}]\n"+
		"a b\t\t[]\tundefined\tfalse\t[{obs@localhost, running}]\n"+
		"café-вход\t\t\tundefined\tfalse\t[{obs@localhost, running}]\n"+
		"qv\tQuorum vhost\t[prod, eu]\tquorum\tfalse\t[{obs@localhost, running}]\n"+
		"rabbit/hole\t\t[staging, blue]\tundefined\tfalse\t[{obs@localhost, running}]\n", r.stdout)
	req, _ := api.find("GET", "/api/vhosts")
	assert.Equal(t, "/api/vhosts?columns=name%2Cdescription%2Ctags%2Cdefault_queue_type%2Ctracing%2Ccluster_state", req.URI,
		"only the requested columns are asked for")
}

func TestListVhostsJSON(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/vhosts", 200, fixture(t, "GET_vhosts.json"))
	r := api.run(t, nil, "", "list_vhosts", "name,tags", "cluster_state", "--formatter", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "[\n"+
		`{"name":"/","tags":[],"cluster_state":{"obs@localhost":"running"}}`+"\n"+
		`,{"name":"a b","tags":[],"cluster_state":{"obs@localhost":"running"}}`+"\n"+
		`,{"name":"café-вход","tags":"","cluster_state":{"obs@localhost":"running"}}`+"\n"+
		`,{"name":"qv","tags":["prod","eu"],"cluster_state":{"obs@localhost":"running"}}`+"\n"+
		`,{"name":"rabbit/hole","tags":["staging","blue"],"cluster_state":{"obs@localhost":"running"}}`+"\n"+
		"]\n", r.stdout)
	var parsed []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &parsed), "the line layout is still valid JSON")
}

func TestListVhostsColumns(t *testing.T) {
	api := newFakeAPI(t).on("GET /api/vhosts", 200, `[{"name":"/","tracing":false}]`)
	r := api.run(t, nil, "", "list_vhosts", "foo", "name", "bar")
	assert.Equal(t, 64, r.code)
	assert.Equal(t, "Error (argument validation): Info key(s) bar,foo are not supported", firstLine(r.stderr))
	assert.Empty(t, api.requests(), "nothing is asked of the server for a bad column")
	r = api.run(t, nil, "", "list_vhosts", "name tracing")
	assert.Equal(t, "Error (argument validation): Info key(s) name tracing are not supported", firstLine(r.stderr),
		"like rabbitmqctl, a space inside one argument does not separate columns")

	r = api.run(t, nil, "", "list_vhosts", "name, tracing", "name")
	assert.Equal(t, "Listing vhosts ...\nname\ttracing\n/\tfalse\n", r.stdout)
}

func TestAddVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/vhosts/rabbit%2Fhole", 404, notFound).
		on("PUT /api/vhosts/rabbit%2Fhole", 201, "").
		on("GET /api/vhosts/qv", 200, fixture(t, "GET_vhosts_qv.json"))
	r := api.run(t, nil, "", "add_vhost", "rabbit/hole", "--description", "a hole", "--tags", "a, b", "--default-queue-type", "quorum")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Adding vhost \"rabbit/hole\" ...\n", r.stdout)
	put, ok := api.find("PUT", "/api/vhosts/rabbit%2Fhole")
	require.True(t, ok)
	assert.JSONEq(t, `{"description":"a hole","tags":["a","b"],"defaultqueuetype":"quorum","default_queue_type":"quorum"}`, put.Body)

	// An existing vhost is left alone: no PUT.
	r = api.run(t, nil, "", "add_vhost", "qv", "--description", "other")
	assert.Equal(t, 0, r.code)
	_, put2 := api.find("PUT", "/api/vhosts/qv")
	assert.False(t, put2)

	// An unknown queue type, as each release answers it; nothing is created.
	r = api.run(t, nil, "", "add_vhost", "x", "--default-queue-type", "lazy")
	assert.Equal(t, 69, r.code, "3.10.8")
	assert.Equal(t, "Adding vhost \"x\" ...\n", r.stdout)
	assert.Equal(t, "Error:\ninvalid_queue_type\n", r.stderr)
	r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": "4.0.5"}, "", "add_vhost", "x", "--default-queue-type", "lazy")
	assert.Equal(t, 65, r.code, "4.0.5 exits 0 there: rmqctl does not report a failure as a success")
	assert.Equal(t, "Adding vhost \"x\" ...\n{:error, :invalid_queue_type, \"lazy\"}\n", r.stdout)
	assert.Empty(t, r.stderr)
	for _, v := range []string{"4.2.8", "4.3.6"} {
		r = api.run(t, map[string]string{"RMQCTL_RABBITMQCTL_VERSION": v}, "", "add_vhost", "x", "--default-queue-type", "lazy")
		assert.Equal(t, 65, r.code, v)
		assert.Equal(t, "Error (argument validation): Bad argument: Default queue type must be one of: quorum, stream, classic. Provided: lazy", firstLine(r.stderr), v)
		assert.Empty(t, r.stdout, v)
	}
	for _, req := range api.requests() {
		assert.NotEqual(t, "/api/vhosts/x", req.URI, "nothing asked or created for an unknown queue type")
	}
}

func TestDeleteVhost(t *testing.T) {
	api := newFakeAPI(t).
		on("DELETE /api/vhosts/a%20b", 204, "").
		on("DELETE /api/vhosts/nosuch", 404, fixture(t, "DELETE_vhosts_nosuch.404.json"))
	r := api.run(t, nil, "", "delete_vhost", "a b")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "Deleting vhost \"a b\" ...\n", r.stdout)
	r = api.run(t, nil, "", "delete_vhost", "nosuch")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Deleting vhost \"nosuch\" ...\n", r.stdout)
	assert.Equal(t, "Virtual host 'nosuch' does not exist\n", r.stderr)
}

func TestSetVhostTagsKeepsDescription(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/vhosts/qv", 200, fixture(t, "GET_vhosts_qv.json")).
		on("PUT /api/vhosts/qv", 204, "").
		on("GET /api/vhosts/nosuch", 404, notFound)
	r := api.run(t, nil, "", "set_vhost_tags", "qv", "a", "b")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Setting tags for virtual host \"qv\" to [a, b] ...\n", r.stdout)
	put, _ := api.find("PUT", "/api/vhosts/qv")
	assert.JSONEq(t, `{"description":"Quorum vhost","tags":["a","b"],"defaultqueuetype":"quorum","default_queue_type":"quorum","tracing":false}`, put.Body)

	r = api.run(t, nil, "", "set_vhost_tags", "nosuch", "a")
	assert.Equal(t, 65, r.code)
	assert.Equal(t, "Error:\nVirtual host \"nosuch\" does not exist\n", r.stderr)
}
