package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fault tolerance of apply against a real node of its own (never the shared test
// broker): the node is killed hard and booted again while a large apply runs, and an
// apply is interrupted as Ctrl-C would. Both run as subtests on one node, in order.
func TestApplyFaults(t *testing.T) {
	shared := brokertest.Require(t)
	bin := buildBinary(t)
	if os.Getenv("RMQCTL_BIN") == "" {
		// broker.sh waits for a booting node with rmqctl's own await_startup.
		t.Setenv("RMQCTL_BIN", bin)
	}
	name := brokertest.Name("flt")
	// federation gives runtime parameters a component to test them with
	t.Setenv("RMQCTL_BROKER_PLUGINS", "rabbitmq_federation")
	t.Cleanup(func() { brokerScript(t, "stop", name) })
	env := readEnv(t, brokerScript(t, "start", name))
	node := &brokertest.Broker{URL: env["RMQCTL_TEST_URL"], AMQPURL: env["RMQCTL_TEST_AMQP_URL"],
		Node: env["RMQCTL_TEST_NODE"], Home: env["RMQCTL_TEST_HOME"], Rabbitmqctl: shared.Rabbitmqctl}
	require.NotEmpty(t, node.URL)

	t.Run("Parameters", func(t *testing.T) { testApplyParameters(t, node) })
	t.Run("KillAndRestartDuringApply", func(t *testing.T) { testKillDuringApply(t, bin, name, node) })
	t.Run("Interrupt", func(t *testing.T) { testInterruptedApply(t, bin, node) })
	t.Run("BrokerStaysDown", func(t *testing.T) { testBrokerStaysDown(t, bin, name, node) })
	// last: it deletes what the others left
	t.Run("PruneUsersAndVhosts", func(t *testing.T) { testPruneUsersAndVhosts(t, node) })
}

// With users and vhosts sections, --prune deletes every other user and vhost on the
// node, but never the user rmqctl runs as, which still logs in afterwards.
func testPruneUsersAndVhosts(t *testing.T, node *brokertest.Broker) {
	mustRmq(t, node, "add_user", "stale-user", "Stale-pw-1")
	mustRmq(t, node, "add_vhost", "stale-vh")
	file := writeFile(t, `vhosts:
  - {name: /}
  - {name: kept}
users:
  - {name: app, password_env: APP_PW}
`)
	env := map[string]string{"APP_PW": "App-pw-9"}
	r := rmqEnv(t, node, env, "", "apply", "-f", file, "--prune")
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "delete\tuser\t\tstale-user\t")
	assert.Contains(t, r.Stdout, "delete\tvhost\t\tstale-vh\t")
	assert.Contains(t, r.Stdout, `Note: user "guest" runs this command: not pruned`)
	var users, vhosts []string
	for _, row := range jsonRows(t, node, "list_users") {
		users = append(users, fmt.Sprint(row["user"]))
	}
	for _, row := range jsonRows(t, node, "list_vhosts") {
		vhosts = append(vhosts, fmt.Sprint(row["name"]))
	}
	assert.ElementsMatch(t, []string{"app", "guest"}, users)
	assert.ElementsMatch(t, []string{"/", "kept"}, vhosts)
	assert.NoError(t, publishAndConsume(node, "guest", "guest", "/", "guest still logs in"))
	assert.Equal(t, 0, rmqEnv(t, node, env, "", "diff", "-f", file, "--prune").Code)
}

// Runtime parameters (here a federation upstream) are created, updated and pruned; a
// component the broker does not know is refused by the broker, reported with its
// reason (exit 70), and does not stop the rest.
func testApplyParameters(t *testing.T, node *brokertest.Broker) {
	const vh = "params"
	mustRmq(t, node, "add_vhost", vh)
	mustRmq(t, node, "set_parameter", "-p", vh, "federation-upstream", "stale", `{"uri":"amqp://stale"}`)
	file := func(uri, extra string) string {
		return writeFile(t, `parameters:
  - {vhost: `+vh+`, component: federation-upstream, name: origin, value: {uri: "`+uri+`", expires: 3600000}}
`+extra)
	}
	r := rmqEnv(t, node, nil, "", "apply", "-f", file("amqp://a", ""))
	require.Equal(t, 0, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Contains(t, r.Stdout, "create\tparameter\t"+vh+"\tfederation-upstream/origin\t")
	param := func() any {
		for _, row := range jsonRows(t, node, "list_parameters", "-p", vh) {
			if row["name"] == "origin" {
				// rabbitmqctl's JSON holds the value as JSON text
				var v any
				text, _ := row["value"].(string)
				require.NoError(t, json.Unmarshal([]byte(text), &v), "%v", row["value"])
				return v
			}
		}
		return nil
	}
	assert.Equal(t, map[string]any{"uri": "amqp://a", "expires": float64(3600000)}, param())
	assert.Equal(t, 0, rmqEnv(t, node, nil, "", "diff", "-f", file("amqp://a", "")).Code)

	r = rmqEnv(t, node, nil, "", "diff", "-f", file("amqp://b", ""), "--prune")
	assert.Equal(t, 2, r.Code)
	assert.Contains(t, r.Stdout, `update	parameter	`+vh+`	federation-upstream/origin	value: {"expires":3600000,"uri":"amqp://a"} → {"expires":3600000,"uri":"amqp://b"}`)
	assert.Contains(t, r.Stdout, "delete\tparameter\t"+vh+"\tfederation-upstream/stale\t")
	r = rmqEnv(t, node, nil, "", "apply", "-f", file("amqp://b", "  - {vhost: "+vh+", component: no-such-component, name: x, value: 1}\n"), "--prune")
	assert.Equal(t, 70, r.Code, "%s%s", r.Stdout, r.Stderr)
	assert.Regexp(t, `^Error: 1 of 3 changes failed: parameter "no-such-component/x" in vhost "params": .+; apply again to retry them\n$`, r.Stderr)
	assert.Equal(t, map[string]any{"uri": "amqp://b", "expires": float64(3600000)}, param(), "the rest was applied")
	var names []string
	for _, row := range jsonRows(t, node, "list_parameters", "-p", vh) {
		names = append(names, fmt.Sprint(row["name"]))
	}
	assert.Equal(t, []string{"origin"}, names, "stale pruned")
}

// failedObjects matches what a failure line names: one object (queue "q" in vhost
// "v"), or several of a kind refused for one cause (2 queues ("q1", "q2")).
const failedObjects = `(?:\w+ "[^"]+"(?: in vhost "[^"]*")?|\d+ \w+ \((?:"[^"]*"(?:, | and )?)+(?:\d+ more)?\))`

// A broker that goes away for good during an apply: once a change has spent its
// retries on it, no further change starts (each would spend its retries failing too),
// apply exits 69 saying how many failed and how many were not started; once the
// broker is back, a rerun converges.
func testBrokerStaysDown(t *testing.T, bin, name string, node *brokertest.Broker) {
	const password = "Down-user-pw-3"
	spec := faultSpec{vhost: "down", users: 50, queues: 1500, bindings: 50, passwordEnv: "DOWN_USER_PW"}
	file := spec.write(t)
	env := map[string]string{spec.passwordEnv: password}

	p := startApply(t, bin, node.URL, env, "apply", "-f", file, "--concurrency", "2")
	p.waitDone(t, 300)
	brokerScript(t, "kill", name)
	require.False(t, p.exited(), "the apply ended before the node was killed")
	// A hang guard, not a speed test: the retries of the changes in flight (about
	// 15 s) and nothing more stand between the kill and the exit.
	p.wait(t, 3*time.Minute)
	t.Logf("exit %d; stderr: %s", p.code, p.stderr.String())
	require.Equal(t, 69, p.code, "stderr: %s", p.stderr.String())
	m := regexp.MustCompile(`^Error: (\d+) of (\d+) changes failed: ` + failedObjects + `: .*connection refused; the broker could not be reached, (\d+) not started; apply again to retry them\n$`).FindStringSubmatch(p.stderr.String())
	require.NotNil(t, m, "stderr: %q", p.stderr.String())
	failed, _ := strconv.Atoi(m[1])
	notStarted, _ := strconv.Atoi(m[3])
	rows := p.rows()
	assert.LessOrEqual(t, failed, 2, "only the changes in flight (--concurrency 2) failed")
	assert.Equal(t, failed, countResults(rows, "failed: "))
	assert.Equal(t, notStarted, countResults(rows, "not started"))
	assert.Equal(t, spec.changes(), countResults(rows, "done")+failed+notStarted, "every change is listed once")

	brokerScript(t, "boot", name)
	r := rmqEnv(t, node, env, "", "apply", "-f", file, "--concurrency", "4")
	require.Equal(t, 0, r.Code, "rerun: %s\n%s", r.Stderr, r.Stdout)
	r = rmqEnv(t, node, env, "", "diff", "-f", file)
	require.Equal(t, 0, r.Code, "diff after the rerun: %s\n%s", r.Stderr, r.Stdout)
	spec.assertPresent(t, node, password)
}

// A broker killed (kill -9) and booted again during a large apply: the apply either
// rides out the restart with its retries (exit 0) or says which changes failed because
// the broker could not be reached (exit 69); a rerun converges, diff then finds nothing,
// everything in the file exists, and nothing outside the file was touched.
func testKillDuringApply(t *testing.T, bin, name string, node *brokertest.Broker) {
	const vhost, password = "faults", "Flt-user-pw-1"
	spec := faultSpec{vhost: vhost, users: 300, queues: 1500, bindings: 200, passwordEnv: "FLT_USER_PW", vhostExists: true}
	file := spec.write(t)
	env := map[string]string{spec.passwordEnv: password}

	// Sentinels the file does not mention, some inside its vhost: without --prune apply
	// must leave them exactly as they are.
	const keeper, keeperPW, keepVhost = "keeper", "Keeper-pw-7", "keep-vh"
	mustRmq(t, node, "add_vhost", vhost)
	mustRmq(t, node, "add_vhost", keepVhost, "--description", "not in the file")
	mustRmq(t, node, "declare_queue", "-p", keepVhost, "keep-q", "--durable")
	mustRmq(t, node, "declare_queue", "-p", vhost, "keep-kv", "--durable")
	mustRmq(t, node, "set_policy", "-p", vhost, "keep-pol", "^keep-", `{"max-length":10}`, "--apply-to", "queues")
	mustRmq(t, node, "add_user", keeper, keeperPW)
	mustRmq(t, node, "set_user_tags", keeper, "monitoring")
	mustRmq(t, node, "set_permissions", "-p", vhost, keeper, ".*", ".*", ".*")
	mustRmq(t, node, "set_permissions", "-p", keepVhost, keeper, "^keep", ".*", ".*")
	conn := dialGuest(t, node, keepVhost, "")
	ch, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch.Confirm(false))
	publishConfirmed(t, ch, "", "keep-q", "kept across the crash")
	conn.Close()
	sentinels := func() map[string]any {
		return map[string]any{
			"keeper permissions": jsonRows(t, node, "list_user_permissions", keeper),
			"keeper":             rowsWhere(jsonRows(t, node, "list_users"), "user", keeper),
			"policies":           jsonRows(t, node, "list_policies", "-p", vhost),
			"keep-kv":            rowsWhere(jsonRows(t, node, "list_queues", "-p", vhost, "name", "durable", "policy", "arguments"), "name", "keep-kv"),
			"keep-vh queues":     jsonRows(t, node, "list_queues", "-p", keepVhost, "name", "durable", "arguments"),
			"keep-vh":            rowsWhere(jsonRows(t, node, "list_vhosts", "name", "description"), "name", keepVhost),
		}
	}
	brokertest.Eventually(t, 30*time.Second, func() error {
		// a queue's effective policy shows in the management API a moment later
		if q := rowsWhere(jsonRows(t, node, "list_queues", "-p", vhost, "name", "policy"), "name", "keep-kv"); len(q) != 1 || q[0]["policy"] != "keep-pol" {
			return errorf("keep-kv: %v", q)
		}
		return nil
	})
	before := sentinels()

	p := startApply(t, bin, node.URL, env, "apply", "-f", file, "--concurrency", "2")
	atKill := p.waitDone(t, 600)
	start := time.Now()
	brokerScript(t, "kill", name)
	require.False(t, p.exited(), "the apply ended before the node was killed: the file is too small to test anything")
	t.Logf("node killed after %d of %d changes were done", atKill, spec.changes())
	brokerScript(t, "boot", name)
	t.Logf("node booted again after %s", time.Since(start).Round(time.Millisecond))
	p.wait(t, 5*time.Minute)
	rows := p.rows()
	t.Logf("apply ended %s after the kill: exit %d, %d changes done, %d failed; stderr: %s",
		p.ended.Sub(start).Round(time.Millisecond), p.code, countResults(rows, "done"), countResults(rows, "failed: "), p.stderr.String())
	require.Contains(t, []int{0, 69}, p.code, "apply after a broker restart: 0 (retries outlasted it) or 69 (broker unreachable)\nstderr: %s", p.stderr.String())
	if p.code == 0 {
		assert.Equal(t, spec.changes(), countResults(rows, "done"), "every change reported done")
		assert.Empty(t, p.stderr.String())
	} else {
		m := regexp.MustCompile(`(\d+) of (\d+) changes failed(?:: ` + failedObjects + `: .+?)?(?:; the broker could not be reached, (\d+) not started)?; apply again to retry them`).FindStringSubmatch(p.stderr.String())
		require.NotNil(t, m, "stderr says which changes failed: %s", p.stderr.String())
		failed, _ := strconv.Atoi(m[1])
		started, _ := strconv.Atoi(m[2])
		notStarted, _ := strconv.Atoi(m[3])
		assert.Equal(t, countResults(rows, "failed: "), failed, "failed rows on stdout")
		assert.Equal(t, countResults(rows, "done")+failed, started, "changes started")
		assert.Equal(t, countResults(rows, "not started"), notStarted, "not started rows on stdout")
	}

	// A rerun converges and a diff then finds nothing to do.
	r := rmqEnv(t, node, env, "", "apply", "-f", file, "--concurrency", "4")
	require.Equal(t, 0, r.Code, "rerun: %s\n%s", r.Stderr, r.Stdout)
	r = rmqEnv(t, node, env, "", "diff", "-f", file)
	require.Equal(t, 0, r.Code, "diff after the rerun: %s\n%s", r.Stderr, r.Stdout)
	assert.Contains(t, r.Stdout, "No changes: the broker matches the file.")
	spec.assertPresent(t, node, password)

	// Nothing outside the file changed, and the sentinels still work.
	// a queue's effective policy shows again in the management API a moment after a
	// restart: compare once it has
	brokertest.Eventually(t, 30*time.Second, func() error {
		if after := sentinels(); !reflect.DeepEqual(before, after) {
			return errorf("objects outside the file changed:\nbefore %v\nafter  %v", before, after)
		}
		return nil
	})
	assert.NoError(t, publishAndConsume(node, keeper, keeperPW, vhost, "keeper still logs in"))
	assert.NoError(t, publishAndConsume(node, "guest", "guest", keepVhost, "guest still logs in"))
	conn = dialGuest(t, node, keepVhost, "")
	ch, err = conn.Channel()
	require.NoError(t, err)
	msg, ok, err := ch.Get("keep-q", true)
	require.NoError(t, err)
	require.True(t, ok, "the persistent message in keep-q survived")
	assert.Equal(t, "kept across the crash", string(msg.Body))
}

// An apply interrupted by SIGINT (Ctrl-C) starts no new change, lets those in flight
// finish, exits 75 and says how many were done and how many not started; stdout lists
// each change as done or not started, truthfully; a rerun finishes the job.
func testInterruptedApply(t *testing.T, bin string, node *brokertest.Broker) {
	const password = "Int-user-pw-2"
	spec := faultSpec{vhost: "interrupted", users: 100, queues: 2000, bindings: 100, passwordEnv: "INT_USER_PW"}
	file := spec.write(t)
	env := map[string]string{spec.passwordEnv: password}

	p := startApply(t, bin, node.URL, env, "apply", "-f", file, "--concurrency", "2")
	atSignal := p.waitDone(t, 400)
	sent := time.Now()
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	p.wait(t, 2*time.Minute)
	took := p.ended.Sub(sent)
	t.Logf("SIGINT after %d done; exit %d %s later; stderr: %s", atSignal, p.code, took.Round(time.Millisecond), p.stderr.String())
	require.Equal(t, 75, p.code, "stderr: %s", p.stderr.String())

	m := regexp.MustCompile(`^Error: interrupted: (\d+) changes done, (\d+) not started; apply again to finish\n$`).FindStringSubmatch(p.stderr.String())
	require.NotNil(t, m, "stderr: %q", p.stderr.String())
	done, _ := strconv.Atoi(m[1])
	notStarted, _ := strconv.Atoi(m[2])
	rows := p.rows()
	assert.Equal(t, done, countResults(rows, "done"), "done rows on stdout")
	assert.Equal(t, notStarted, countResults(rows, "not started"), "not started rows on stdout")
	assert.Zero(t, countResults(rows, "failed: "), "failed rows")
	assert.Equal(t, spec.changes(), done+notStarted, "every change is listed once")
	assert.Greater(t, notStarted, 0, "the interrupt came before the end")
	assert.GreaterOrEqual(t, done, atSignal)

	// What stdout says was done exists; what it says was not started was not sent.
	live := map[string]bool{}
	for _, q := range jsonRows(t, node, "list_queues", "-p", spec.vhost, "name") {
		live[fmt.Sprint(q["name"])] = true
	}
	var missing, unexpected []string
	for _, row := range rows {
		if row[1] != "queue" {
			continue
		}
		switch {
		case row[5] == "done" && !live[row[3]]:
			missing = append(missing, row[3])
		case row[5] == "not started" && live[row[3]]:
			unexpected = append(unexpected, row[3])
		}
	}
	assert.Empty(t, missing, "queues reported done that do not exist")
	assert.Empty(t, unexpected, "queues reported not started that exist")
	assert.Greater(t, countKindResults(rows, "queue", "done"), 0, "the interrupt came while queues were declared")

	r := rmqEnv(t, node, env, "", "apply", "-f", file)
	require.Equal(t, 0, r.Code, "rerun: %s\n%s", r.Stderr, r.Stdout)
	r = rmqEnv(t, node, env, "", "diff", "-f", file)
	require.Equal(t, 0, r.Code, "diff after the rerun: %s\n%s", r.Stderr, r.Stdout)
	spec.assertPresent(t, node, password)
}

// faultSpec is a large desired-state file: one vhost, users with a password from the
// environment, their permissions, a topic exchange, durable queues and bindings.
type faultSpec struct {
	vhost                   string
	users, queues, bindings int
	passwordEnv             string
	vhostExists             bool
}

func (s faultSpec) user(i int) string  { return fmt.Sprintf("%s-u%03d", s.vhost, i) }
func (s faultSpec) queue(i int) string { return fmt.Sprintf("q%04d", i) }
func (s faultSpec) key(i int) string   { return fmt.Sprintf("k.%d", i) }

const faultExchange = "fx"

// changes is how many changes the file makes on a broker that has none of it but,
// with vhostExists, its vhost.
func (s faultSpec) changes() int {
	n := 2*s.users + 1 + s.queues + s.bindings // users, permissions, exchange, queues, bindings
	if !s.vhostExists {
		n++
	}
	return n
}

func (s faultSpec) write(t *testing.T) string {
	t.Helper()
	type obj = map[string]any
	doc := obj{"vhosts": []obj{{"name": s.vhost}}}
	var users, perms, queues, bindings []obj
	for i := 0; i < s.users; i++ {
		users = append(users, obj{"name": s.user(i), "password_env": s.passwordEnv, "tags": []string{"monitoring"}})
		perms = append(perms, obj{"user": s.user(i), "vhost": s.vhost, "configure": ".*", "write": ".*", "read": ".*"})
	}
	for i := 0; i < s.queues; i++ {
		queues = append(queues, obj{"vhost": s.vhost, "name": s.queue(i), "durable": true})
	}
	for i := 0; i < s.bindings; i++ {
		bindings = append(bindings, obj{"vhost": s.vhost, "source": faultExchange, "destination": s.queue(i),
			"destination_type": "queue", "routing_key": s.key(i)})
	}
	doc["users"], doc["permissions"], doc["queues"], doc["bindings"] = users, perms, queues, bindings
	doc["exchanges"] = []obj{{"vhost": s.vhost, "name": faultExchange, "type": "topic", "durable": true}}
	data, err := json.MarshalIndent(doc, "", " ")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), s.vhost+".json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// assertPresent checks that everything the file declares exists on the broker, and
// that some of its users log in with the file's password.
func (s faultSpec) assertPresent(t *testing.T, b *brokertest.Broker, password string) {
	t.Helper()
	set := func(rows []map[string]any, cols ...string) map[string]bool {
		out := map[string]bool{}
		for _, r := range rows {
			parts := make([]string, len(cols))
			for i, c := range cols {
				parts[i] = fmt.Sprint(r[c])
			}
			out[strings.Join(parts, " ")] = true
		}
		return out
	}
	var missing []string
	need := func(have map[string]bool, want string) {
		if !have[want] {
			missing = append(missing, want)
		}
	}
	users := set(jsonRows(t, b, "list_users"), "user", "tags")
	perms := set(jsonRows(t, b, "list_permissions", "-p", s.vhost), "user", "configure", "write", "read")
	for i := 0; i < s.users; i++ {
		need(users, s.user(i)+" [monitoring]")
		need(perms, s.user(i)+" .* .* .*")
	}
	queues := set(jsonRows(t, b, "list_queues", "-p", s.vhost, "name", "durable"), "name", "durable")
	for i := 0; i < s.queues; i++ {
		need(queues, s.queue(i)+" true")
	}
	need(set(jsonRows(t, b, "list_exchanges", "-p", s.vhost, "name", "type", "durable"), "name", "type", "durable"), faultExchange+" topic true")
	bindings := set(jsonRows(t, b, "list_bindings", "-p", s.vhost, "source_name", "destination_name", "routing_key"),
		"source_name", "destination_name", "routing_key")
	for i := 0; i < s.bindings; i++ {
		need(bindings, faultExchange+" "+s.queue(i)+" "+s.key(i))
	}
	if len(missing) > 10 {
		missing = append(missing[:10], fmt.Sprintf("… %d more", len(missing)-10))
	}
	assert.Empty(t, missing, "declared in the file but not on the broker")
	for _, i := range []int{0, s.users / 2, s.users - 1} {
		assert.NoError(t, publishAndConsume(b, s.user(i), password, s.vhost, "hello"), "user %s logs in with the file's password", s.user(i))
	}
}

// jsonRows runs an rmqctl list command in-process with --formatter json.
func jsonRows(t *testing.T, b *brokertest.Broker, args ...string) []map[string]any {
	t.Helper()
	out := mustRmq(t, b, append(args, "--formatter", "json")...)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rows), "%v: %s", args, out)
	sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
	return rows
}

func rowsWhere(rows []map[string]any, col, value string) []map[string]any {
	var out []map[string]any
	for _, r := range rows {
		if r[col] == value {
			out = append(out, r)
		}
	}
	return out
}

// applyProc is rmqctl running as a process, its output followed as it comes.
type applyProc struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	end            chan struct{}
	code           int
	ended          time.Time
}

func startApply(t *testing.T, bin, url string, env map[string]string, args ...string) *applyProc {
	t.Helper()
	p := &applyProc{cmd: exec.Command(bin, args...), end: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "RMQCTL_URL="+url, "HOME="+t.TempDir(), "RMQCTL_CONFIG=")
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		err := p.cmd.Wait()
		p.ended = time.Now()
		p.code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		} else if err != nil {
			p.code = -1
		}
		close(p.end)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
			<-p.end
		}
	})
	return p
}

func (p *applyProc) exited() bool {
	select {
	case <-p.end:
		return true
	default:
		return false
	}
}

// waitDone waits until at least n changes are reported done and returns how many are.
func (p *applyProc) waitDone(t *testing.T, n int) int {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		done := countResults(p.rows(), "done")
		if done >= n {
			return done
		}
		if p.exited() {
			t.Fatalf("apply exited %d after only %d changes done\nstdout: %s\nstderr: %s", p.code, done, p.stdout.String(), p.stderr.String())
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d changes done after 3 minutes", done)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for the process to end, killing it (and failing) after timeout.
func (p *applyProc) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.end:
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		<-p.end
		t.Fatalf("apply did not end within %s\nstdout tail: %s\nstderr: %s", timeout, tailText(p.stdout.String(), 2000), p.stderr.String())
	}
}

// rows are the change rows printed so far: action, kind, vhost, name, changes, result.
func (p *applyProc) rows() [][]string {
	var out [][]string
	text := p.stdout.String()
	text = text[:strings.LastIndex(text, "\n")+1] // complete lines only
	for _, l := range strings.Split(text, "\n") {
		f := strings.Split(l, "\t")
		if len(f) == 6 && f[0] != "action" {
			out = append(out, f)
		}
	}
	return out
}

// countResults counts the rows whose result starts with result.
func countResults(rows [][]string, result string) int {
	n := 0
	for _, r := range rows {
		if strings.HasPrefix(r[5], result) {
			n++
		}
	}
	return n
}

func countKindResults(rows [][]string, kind, result string) int {
	n := 0
	for _, r := range rows {
		if r[1] == kind && r[5] == result {
			n++
		}
	}
	return n
}

func tailText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
