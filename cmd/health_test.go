package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Failed checks, from bodies recorded on a real 3.10.8 node with alarms raised, a vhost
// stopped, a peer stopped and an expiring certificate, print what rabbitmq-diagnostics
// printed for the same state.
func TestHealthCheckFailures(t *testing.T) {
	cases := []struct {
		args    []string
		path    string
		fixture string
		stdout  string
		stderr  string
	}{
		{[]string{"check_local_alarms"}, "GET /api/health/checks/local-alarms", "GET_health_checks_local-alarms.503.json",
			"Asking node obs4@localhost to report any local resource alarms ...\n", "Error:\nMemory alarm on node obs4@localhost\n"},
		{[]string{"check_alarms"}, "GET /api/health/checks/alarms", "GET_health_checks_alarms.two-alarms.503.json",
			"Asking node obs4@localhost to report any local resource alarms ...\n",
			"Free disk space alarm on node obs4@localhost\nMemory alarm on node obs4@localhost\n"},
		{[]string{"check_virtual_hosts"}, "GET /api/health/checks/virtual-hosts", "GET_health_checks_virtual-hosts.vhost-down.503.json",
			"Checking if all vhosts are running on node obs4@localhost ...\n", "Error:\nSome virtual hosts on node obs4@localhost are down:\nempty\n"},
		{[]string{"check_port_listener", "1"}, "GET /api/health/checks/port-listener/1", "GET_health_checks_port-listener_1.503.json",
			"Asking node obs4@localhost if there's an active listener on port 1 ...\n", ""},
	}
	for _, c := range cases {
		api := newFakeAPI(t).on(c.path, 503, fixture(t, c.fixture))
		r := api.run(t, nil, "", append([]string{"-n", "obs4@localhost"}, c.args...)...)
		assert.Equal(t, 69, r.code, c.args)
		assert.Equal(t, c.stdout, r.stdout, c.args)
		if c.stderr != "" {
			assert.Equal(t, c.stderr, r.stderr, c.args)
		} else {
			assert.Contains(t, r.stderr, "No listener for port 1 is active on node obs4@localhost. Found listeners that use the following ports: ")
			assert.NotContains(t, r.stderr, "Error:")
		}
	}
	api := newFakeAPI(t).on("GET /api/health/checks/certificate-expiration/1/weeks", 503,
		fixture(t, "GET_health_checks_certificate-expiration_1_weeks.obs4b-expiring.503.json"))
	r := api.run(t, nil, "", "-n", "obs4b@localhost", "check_certificate_expiration", "--within", "1")
	assert.Equal(t, 69, r.code)
	assert.Contains(t, r.stderr, `"certfile_expires_on":["2026-11-27 11:38:20"]`)

	// A 503 from a health check is an answer: asked once, not retried.
	assert.Len(t, api.requests(), 1)
}
