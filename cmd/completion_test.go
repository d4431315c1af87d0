package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompletionOfLiveNames(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/users", 200, `[{"name":"junesu"},{"name":"guest"},{"name":"jürgen"}]`).
		on("GET /api/vhosts", 200, `[{"name":"/"},{"name":"rabbit/hole"},{"name":"qa"}]`)
	r := api.run(t, nil, "", "__complete", "delete_user", "j")
	assert.Equal(t, "junesu\njürgen\n:4\n", r.stdout)
	req, _ := api.find("GET", "/api/users")
	assert.Equal(t, "/api/users?columns=name", req.URI, "one cheap request")

	r = api.run(t, nil, "", "__complete", "set_permissions", "guest", "")
	assert.Equal(t, ":4\n", r.stdout, "only the first argument is a user")

	r = api.run(t, nil, "", "__complete", "list_permissions", "-p", "")
	assert.Equal(t, "/\nqa\nrabbit/hole\n:4\n", r.stdout)
}

func TestCompletionWithBrokerDownPrintsNoCandidates(t *testing.T) {
	r := runWithEnv(t, map[string]string{"RMQCTL_URL": closedURL(t)}, "", "__complete", "delete_user", "")
	assert.Equal(t, ":4\n", r.stdout)
	assert.Equal(t, 0, r.code)
}

func TestCompletionOfStaticChoices(t *testing.T) {
	r := runWithEnv(t, nil, "", "__complete", "list_vhosts", "name,tags", "")
	assert.Equal(t, "cluster_state\ndefault_queue_type\ndescription\nmetadata\nprotected_from_deletion\ntracing\n:4\n", r.stdout)
	r = runWithEnv(t, nil, "", "__complete", "list_users", "--formatter", "")
	assert.Equal(t, "csv\njson\npretty_table\ntable\n:4\n", r.stdout)
	r = runWithEnv(t, nil, "", "__complete", "add_")
	assert.Contains(t, r.stdout, "add_user\t")
	assert.Contains(t, r.stdout, "add_vhost\t")
}

func TestCompletionOfQueuesExchangesPoliciesAndColumns(t *testing.T) {
	api := newFakeAPI(t).
		on("GET /api/queues/qa", 200, `[{"name":"orders"},{"name":"orders.dlq"},{"name":"audit"}]`).
		on("GET /api/exchanges/qa", 200, `[{"name":""},{"name":"amq.topic"},{"name":"events"}]`).
		on("GET /api/policies/qa", 200, `[{"name":"ttl"}]`)
	r := api.run(t, nil, "", "__complete", "delete_queue", "-p", "qa", "ord")
	assert.Equal(t, "orders\norders.dlq\n:4\n", r.stdout, "queues of the vhost given so far")
	req, _ := api.find("GET", "/api/queues/qa")
	assert.Contains(t, req.URI, "columns=name")
	assert.Contains(t, req.URI, "disable_stats=true")

	r = api.run(t, nil, "", "__complete", "declare_binding", "-p", "qa", "")
	assert.Equal(t, "amq.topic\nevents\n:4\n", r.stdout, "the source is an exchange, never the default one")
	r = api.run(t, nil, "", "__complete", "declare_binding", "-p", "qa", "events", "a")
	assert.Equal(t, "audit\n:4\n", r.stdout, "the destination is a queue")
	r = api.run(t, nil, "", "__complete", "clear_policy", "-p", "qa", "")
	assert.Equal(t, "ttl\n:4\n", r.stdout)

	r = runWithEnv(t, nil, "", "__complete", "list_queues", "name", "messages_re")
	assert.Equal(t, "messages_ready\nmessages_ready_ram\n:4\n", r.stdout)
	r = runWithEnv(t, nil, "", "__complete", "list_connections", "user,peer_host", "peer")
	assert.Equal(t, "peer_cert_issuer\npeer_cert_subject\npeer_cert_validity\npeer_port\n:4\n", r.stdout)
}
