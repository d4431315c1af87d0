package desired

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rmqctl/rmqctl/compat"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// liveFrom builds a broker's state from a document, as Fetch would have read it:
// every field present, users with the hashes given.
func liveFrom(t *testing.T, text string) *Live {
	t.Helper()
	doc, err := Parse("live.yaml", []byte(text), LoadOptions{})
	require.NoError(t, err)
	l := &Live{Objects: map[Kind]map[string]*Object{}}
	for kind, objs := range doc.Objects {
		l.Objects[kind] = map[string]*Object{}
		for _, o := range objs {
			o.Line = 0
			switch kind {
			case Users:
				if o.Password != nil {
					o.password = [2]string{o.Password.Hash, o.Password.Algorithm}
				}
				o.Password = nil
				if _, ok := o.field("tags"); !ok {
					o.Fields = append(o.Fields, Field{"tags", []any{}})
				}
			case Vhosts:
				if _, ok := o.field("protected_from_deletion"); !ok {
					o.Fields = append(o.Fields, Field{"protected_from_deletion", false})
				}
			case Queues:
				if _, ok := o.field("type"); !ok {
					o.Fields = append(o.Fields, Field{"type", "classic"})
				}
			}
			l.Objects[kind][o.key()] = o
		}
	}
	return l
}

func plan(t *testing.T, want, have string, vars map[string]string, opts PlanOptions) *Plan {
	t.Helper()
	doc, err := parse(t, want, vars)
	require.NoError(t, err)
	p, err := MakePlan(doc, liveFrom(t, have), opts)
	require.NoError(t, err)
	return p
}

// rows renders a plan as "action kind vhost name: diffs (reason)" lines.
func rows(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		var ds []string
		for _, d := range c.Diffs {
			ds = append(ds, d.String())
		}
		s := string(c.Action) + " " + c.Kind.Singular() + " " + c.Vhost + " " + c.Name + ": " + strings.Join(ds, "; ")
		if c.Reason != "" {
			s += " (" + c.Reason + ")"
		}
		out = append(out, s)
	}
	return out
}

func TestPlanCreatesUpdatesAndCountsUnchanged(t *testing.T) {
	p := plan(t, `
vhosts:
  - {name: shop, description: new, limits: {max-queues: 10}}
  - {name: same}
queues:
  - {vhost: shop, name: q1}
  - {vhost: shop, name: q2, arguments: {x-max-length: 5}}
policies:
  - {vhost: shop, name: p, pattern: "^a", definition: {message-ttl: 1000}}
`, `
vhosts:
  - {name: shop, description: old, tags: [a], limits: {max-queues: 10}}
  - {name: same}
queues:
  - {vhost: shop, name: q1}
policies:
  - {vhost: shop, name: p, pattern: "^a", definition: {message-ttl: 5000}}
`, nil, PlanOptions{})
	assert.Equal(t, []string{
		"update vhost  shop: description: old → new",
		"update policy shop p: definition: {\"message-ttl\":5000} → {\"message-ttl\":1000}",
		"create queue shop q2: durable: true; auto_delete: false; arguments: {\"x-max-length\":5}",
	}, rows(p))
	assert.Equal(t, map[Kind]int{Vhosts: 1, Queues: 1}, p.Unchanged)
	assert.Equal(t, []Kind{Vhosts, Policies, Queues}, p.Kinds)
	assert.Equal(t, 1, p.Count(Create))
	assert.Equal(t, 2, p.Count(Update))
}

func TestPlanComparesPasswordsWithTheStoredSalt(t *testing.T) {
	stored, ok := HashPassword("rabbit_password_hashing_sha256", []byte{1, 2, 3, 4}, "right")
	require.True(t, ok)
	have := "users:\n  - {name: app, password_hash: " + stored + ", tags: [monitoring]}\n"
	want := "users:\n  - {name: app, password_env: PW, tags: [monitoring]}\n"

	p := plan(t, want, have, map[string]string{"PW": "right"}, PlanOptions{})
	assert.Empty(t, p.Changes, "the same password is no change")

	p = plan(t, want, have, map[string]string{"PW": "wrong"}, PlanOptions{})
	assert.Equal(t, []string{"update user  app: password: (changes)"}, rows(p))
	require.Len(t, p.Changes[0].Diffs, 1)
	d := p.Changes[0].Diffs[0]
	assert.True(t, d.Secret)
	assert.Nil(t, d.Old)
	assert.Nil(t, d.New)

	// a hash in the file compares as a hash (and its algorithm)
	p = plan(t, "users:\n  - {name: app, password_hash: "+stored+", tags: [monitoring]}\n", have, nil, PlanOptions{})
	assert.Empty(t, p.Changes)
	p = plan(t, "users:\n  - {name: app, password_hash: "+stored+", hashing_algorithm: rabbit_password_hashing_sha512, tags: [monitoring]}\n", have, nil, PlanOptions{})
	assert.Equal(t, []string{"update user  app: password: (changes)"}, rows(p))

	// no password in the file: the stored one is left alone
	p = plan(t, "users:\n  - {name: app, tags: [monitoring, management]}\n", have, nil, PlanOptions{})
	assert.Equal(t, []string{`update user  app: tags: ["monitoring"] → ["management","monitoring"]`}, rows(p))
}

func TestHashPasswordMatchesRabbitMQ(t *testing.T) {
	// made by RabbitMQ 3.10.8 for the password "pw" (see testdata/definitions-3.10.8.json)
	const stored = "lQ+Dm87kvetSRHo7vNxIsmaX2i7lFBlq3ZYTnruVnODH5+I1"
	assert.True(t, PasswordMatches("rabbit_password_hashing_sha256", stored, "pw"))
	assert.False(t, PasswordMatches("rabbit_password_hashing_sha256", stored, "pw2"))
	assert.False(t, PasswordMatches("rabbit_password_hashing_sha512", stored, "pw"))
	assert.False(t, PasswordMatches("rabbit_password_hashing_sha256", "", "pw"), "no password matches nothing")
	assert.False(t, PasswordMatches("rabbit_password_hashing_sha256", "%%%", "pw"))
	for _, alg := range hashingAlgorithms {
		h, ok := HashPassword(alg, []byte{9, 9, 9, 9}, "x")
		require.True(t, ok)
		assert.True(t, PasswordMatches(alg, h, "x"), alg)
	}
	_, ok := HashPassword("rabbit_password_hashing_bcrypt", []byte{1, 2, 3, 4}, "x")
	assert.False(t, ok)
}

func TestPlanConflictsAndRecreate(t *testing.T) {
	want := `
exchanges:
  - {vhost: v, name: e, type: topic}
queues:
  - {vhost: v, name: q, type: quorum}
  - {vhost: v, name: keep}
bindings:
  - {vhost: v, source: e, destination: q, routing_key: k}
  - {vhost: v, source: e, destination: keep, routing_key: k}
`
	have := `
vhosts: [{name: v}]
exchanges:
  - {vhost: v, name: e, type: direct}
queues:
  - {vhost: v, name: q}
  - {vhost: v, name: keep}
bindings:
  - {vhost: v, source: e, destination: q, routing_key: k}
  - {vhost: v, source: e, destination: keep, routing_key: k}
`
	p := plan(t, want, have, nil, PlanOptions{})
	assert.Equal(t, []string{
		"conflict exchange v e: type: direct → topic (an exchange's type cannot change)",
		"conflict queue v q: type: classic → quorum (a queue's type cannot change)",
	}, rows(p))

	p = plan(t, want, have, nil, PlanOptions{Recreate: true})
	assert.Equal(t, []string{
		"recreate exchange v e: type: direct → topic (deleted and declared again (--recreate-conflicting): an exchange's type cannot change)",
		"recreate queue v q: type: classic → quorum (deleted and declared again (--recreate-conflicting): a queue's type cannot change)",
		"create binding v e -> queue q (k):  (declared again: one of its ends is recreated)",
		"create binding v e -> queue keep (k):  (declared again: one of its ends is recreated)",
	}, rows(p))
}

func TestPlanExclusiveQueueIsAConflictNeverRecreated(t *testing.T) {
	l := liveFrom(t, "vhosts: [{name: /}]\nqueues:\n  - {name: q, durable: false}\n")
	for _, o := range l.Objects[Queues] {
		o.exclusive = true
	}
	doc, err := parse(t, "queues:\n  - {name: q, durable: false}\n", nil)
	require.NoError(t, err)
	p, err := MakePlan(doc, l, PlanOptions{Recreate: true, Prune: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"conflict queue / q:  (an exclusive queue of a connection has this name)"}, rows(p))

	doc, err = parse(t, "queues: []\n", nil)
	require.NoError(t, err)
	p, err = MakePlan(doc, l, PlanOptions{Prune: true})
	require.NoError(t, err)
	assert.Empty(t, p.Changes, "exclusive queues belong to their connection: never pruned")
}

func TestPruneOnlyWithinDeclaredKindsAndVhosts(t *testing.T) {
	have := `
vhosts: [{name: /}, {name: a}, {name: b}, {name: gone}]
users: [{name: admin}, {name: old}, {name: app}]
permissions:
  - {user: admin, vhost: a, configure: ".*", write: ".*", read: ".*"}
  - {user: old, vhost: a, configure: ".*", write: ".*", read: ".*"}
  - {user: app, vhost: a, configure: ".*", write: ".*", read: ".*"}
  - {user: app, vhost: b, configure: ".*", write: ".*", read: ".*"}
queues:
  - {vhost: a, name: q1}
  - {vhost: a, name: stale}
  - {vhost: b, name: other}
  - {vhost: gone, name: inside}
exchanges:
  - {vhost: a, name: ex, type: direct}
bindings:
  - {vhost: a, source: ex, destination: stale}
  - {vhost: a, source: ex, destination: q1}
`
	want := `
vhosts: [{name: /}, {name: a}, {name: b}]
users: [{name: app}]
permissions:
  - {user: app, vhost: a, configure: ".*", write: ".*", read: ".*"}
queues:
  - {vhost: a, name: q1}
bindings: []
`
	p := plan(t, want, have, nil, PlanOptions{Prune: true, RunningUser: "admin"})
	assert.Equal(t, []string{
		"delete vhost  gone: ",
		"delete user  old: ",
		// app's permissions in b: b is named by the file, and permissions are declared
		"delete permission b app: ",
		"delete queue a stale: ",
		"delete queue b other: ",
		"delete binding a ex -> queue q1: ",
	}, rows(p), "the running user and its permissions are kept; old's permission goes with old; "+
		"gone's queue goes with gone; the binding to stale goes with stale; exchanges are not declared")
	assert.Equal(t, []string{`user "admin" runs this command: not pruned`}, p.Kept)

	p = plan(t, want, have, nil, PlanOptions{RunningUser: "admin"})
	assert.Empty(t, p.Changes, "nothing is deleted without prune")
}

// A vhost protected from deletion (4.0.6+) is never pruned blindly: the plan shows it
// as a conflict saying why, and nothing is sent for it.
func TestPruneLeavesAProtectedVhostAsAConflict(t *testing.T) {
	p := plan(t, "vhosts: [{name: /}]\n", "vhosts: [{name: /}, {name: safe, protected_from_deletion: true}, {name: old}]\n",
		nil, PlanOptions{Prune: true})
	assert.Equal(t, []string{
		"conflict vhost  safe:  (protected from deletion, so not pruned: disable_vhost_deletion_protection first to delete it)",
		"delete vhost  old: ",
	}, rows(p))
}

// protected_from_deletion is the file's to set on 4.0.6 and later; before, true is
// refused before anything is sent, naming the release; false is what they have.
func TestPlanDeletionProtectionNeeds406(t *testing.T) {
	want := "vhosts:\n  - {name: v, protected_from_deletion: true}\n  - {name: w, metadata: {protected_from_deletion: false}}\n"
	asked := 0
	p := plan(t, want, "vhosts: [{name: v}, {name: w}]\n", nil, PlanOptions{Version: versionOf("4.0.6", &asked)})
	assert.Equal(t, []string{"update vhost  v: protected_from_deletion: false → true"}, rows(p))
	for _, v := range []string{"4.0.5", "3.10.8"} {
		doc, err := parse(t, want, nil)
		require.NoError(t, err)
		_, err = MakePlan(doc, liveFrom(t, "vhosts: [{name: w}]\n"), PlanOptions{Version: versionOf(v, &asked)})
		assert.Equal(t, []string{`f.yaml:2: vhost "v": protected_from_deletion: RabbitMQ 4.0.6 and later protect vhosts ` +
			`from deletion; the broker runs ` + v}, problems(t, err))
	}
	p = plan(t, "vhosts:\n  - {name: w, protected_from_deletion: false}\n", "vhosts: [{name: w}]\n", nil,
		PlanOptions{Version: versionOf("3.10.8", &asked)})
	assert.Empty(t, p.Changes)
	assert.Equal(t, 3, asked)
}

func TestPlanRefusesDanglingReferences(t *testing.T) {
	doc, err := parse(t, `
permissions:
  - {user: ghost, vhost: v, configure: "", write: "", read: ""}
  - {user: app, vhost: nowhere, configure: "", write: "", read: ""}
bindings:
  - {vhost: v, source: amq.topic, destination: q}
  - {vhost: v, source: nope, destination: amq.fanout, destination_type: exchange}
  - {vhost: v, source: amq.direct, destination: declared}
queues:
  - {vhost: v, name: declared}
`, nil)
	require.NoError(t, err)
	_, err = MakePlan(doc, liveFrom(t, "vhosts: [{name: v}]\nusers: [{name: app}]\n"), PlanOptions{})
	assert.Equal(t, []string{
		`f.yaml:3: permission "ghost" in vhost "v": user "ghost" is neither declared nor on the broker`,
		`f.yaml:4: permission "app" in vhost "nowhere": vhost "nowhere" is neither declared nor on the broker`,
		`f.yaml:6: binding "amq.topic -> queue q" in vhost "v": destination queue "q" is neither declared nor on the broker`,
		`f.yaml:7: binding "nope -> exchange amq.fanout" in vhost "v": source exchange "nope" is neither declared nor on the broker`,
	}, problems(t, err))
}

// One cause is one line: fifty queues in a missing vhost are reported once, with the
// count and the first names, at the first one's line.
func TestPlanReportsOneCauseOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("queues:\n")
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, "  - {vhost: gone, name: q%d}\n", i)
	}
	b.WriteString("  - {vhost: v, name: fine}\npermissions:\n  - {user: ghost, vhost: gone, configure: '', write: '', read: ''}\n")
	doc, err := parse(t, b.String(), nil)
	require.NoError(t, err)
	_, err = MakePlan(doc, liveFrom(t, "vhosts: [{name: v}]\n"), PlanOptions{})
	assert.Equal(t, []string{
		`f.yaml:2: vhost "gone" is neither declared nor on the broker: 50 queues ("q1", "q2", "q3" and 47 more)`,
		`f.yaml:54: permission "ghost" in vhost "gone": vhost "gone" is neither declared nor on the broker`,
	}, problems(t, err))
}

// versionOf answers a plan's question about the broker's release, and counts the
// questions.
func versionOf(v string, asked *int) func() (compat.Version, error) {
	return func() (compat.Version, error) {
		*asked++
		return compat.MustParse(v), nil
	}
}

// Since 4.3.2 a topic permission's exchange must exist: one neither declared nor on
// the broker is found before anything is sent. Older releases take it, and are not
// asked about it unless it matters.
func TestPlanTopicPermissionExchangeMustExistOn432(t *testing.T) {
	want := `topic_permissions:
  - {user: app, vhost: v, exchange: events, write: ".*", read: ".*"}
  - {user: app, vhost: v, exchange: amq.topic, write: ".*", read: ".*"}
  - {user: app, vhost: v, exchange: declared, write: ".*", read: ".*"}
exchanges:
  - {vhost: v, name: declared, type: topic}
`
	have := "vhosts: [{name: v}]\nusers: [{name: app}]\n"
	doc, err := parse(t, want, nil)
	require.NoError(t, err)
	asked := 0
	_, err = MakePlan(doc, liveFrom(t, have), PlanOptions{Version: versionOf("4.3.6", &asked)})
	assert.Equal(t, []string{`f.yaml:2: topic_permission "app on events" in vhost "v": exchange "events" is neither declared ` +
		`nor on the broker (RabbitMQ 4.3.2 and later refuse topic permissions on an exchange that does not exist)`}, problems(t, err))
	assert.Equal(t, 1, asked)
	for _, v := range []string{"4.3.1", "4.2.9", "3.10.8"} {
		p, err := MakePlan(doc, liveFrom(t, have), PlanOptions{Version: versionOf(v, &asked)})
		require.NoError(t, err, v)
		assert.Len(t, p.Changes, 4, v)
	}
	asked = 0
	_, err = MakePlan(doc, liveFrom(t, have+"exchanges: [{vhost: v, name: events, type: topic}]\n"),
		PlanOptions{Version: versionOf("4.3.6", &asked)})
	require.NoError(t, err)
	assert.Zero(t, asked, "no question when every exchange exists")
}

// Topic permissions are made after exchanges (4.3.2 checks that theirs exists) and
// deleted before them.
func TestTopicPermissionsFollowExchanges(t *testing.T) {
	assert.Greater(t, TopicPermissions.phase(), Exchanges.phase())
	assert.Greater(t, Permissions.phase(), Vhosts.phase())
	assert.Greater(t, Policies.phase(), Vhosts.phase())
}

// 3.10 keeps an existing vhost's default queue type whatever a PUT says: that part is
// a conflict, never reported done; the rest of the vhost's update goes ahead. A vhost is
// never recreated. From 3.11.17 (and in 4.x) the PUT changes it: an update.
func TestPlanVhostQueueTypeIsAConflictOnlyBefore31117(t *testing.T) {
	asked := 0
	want, have := "vhosts:\n  - {name: v, description: new, default_queue_type: quorum}\n", "vhosts:\n  - {name: v, description: old}\n"
	p := plan(t, want, have, nil, PlanOptions{Recreate: true, Version: versionOf("3.10.8", &asked)})
	assert.Equal(t, []string{
		"conflict vhost  v: default_queue_type: quorum (a vhost's default queue type cannot change once it exists before RabbitMQ 3.11.17)",
		"update vhost  v: description: old → new",
	}, rows(p))
	for _, v := range []string{"3.11.17", "3.13.7", "4.0.5", "4.3.6"} {
		p = plan(t, want, have, nil, PlanOptions{Version: versionOf(v, &asked)})
		assert.Equal(t, []string{"update vhost  v: description: old → new; default_queue_type: quorum"}, rows(p), v)
	}
	p = plan(t, want, "vhosts:\n  - {name: v, description: old, default_queue_type: quorum}\n", nil,
		PlanOptions{Version: versionOf("3.10.8", &asked)})
	assert.Equal(t, 5, asked, "asked only when the type differs")
	p = plan(t, "vhosts:\n  - {name: v, default_queue_type: quorum}\n", "vhosts: []\n", nil, PlanOptions{})
	assert.Equal(t, []string{"create vhost  v: default_queue_type: quorum"}, rows(p), "a new vhost takes it")
}

// Changes to the user rmqctl runs as (password, tags, permissions) come last, after
// everything they might otherwise break.
func TestPlanRunningUserChangesLast(t *testing.T) {
	p := plan(t, `users:
  - {name: admin, password_env: PW}
permissions:
  - {user: admin, configure: "", write: ".*", read: ".*"}
queues:
  - {name: q}
`, "vhosts: [{name: /}]\nusers: [{name: admin}]\n", map[string]string{"PW": "new"}, PlanOptions{RunningUser: "admin"})
	var last []string
	for _, c := range p.Changes {
		if c.last {
			last = append(last, string(c.Kind)+" "+c.Reason)
		}
	}
	assert.Equal(t, []string{"users made last: rmqctl runs as this user", "permissions made last: rmqctl runs as this user"}, last)
}

// Prune never deletes what declared objects need: the ends of declared bindings and
// the users of declared permissions; nor queues named by the server.
func TestPruneKeepsWhatDeclaredObjectsNeed(t *testing.T) {
	have := `
vhosts: [{name: v}]
users: [{name: admin}, {name: app}]
exchanges: [{vhost: v, name: ex, type: fanout}]
queues: [{vhost: v, name: q}]
bindings: [{vhost: v, source: ex, destination: q}]
`
	want := `
users: []
exchanges: []
queues: []
permissions:
  - {user: app, vhost: v, configure: "", write: "", read: ""}
bindings:
  - {vhost: v, source: ex, destination: q}
`
	live := liveFrom(t, have)
	gen := &Object{Kind: Queues, Vhost: "v", ID: []Field{{"name", "amq.gen-x1"}}}
	live.Objects[Queues][gen.key()] = gen
	doc, err := parse(t, want, nil)
	require.NoError(t, err)
	p, err := MakePlan(doc, live, PlanOptions{Prune: true, RunningUser: "admin"})
	require.NoError(t, err)
	assert.Equal(t, []string{`create permission v app: configure: ""; write: ""; read: ""`}, rows(p))
	assert.Equal(t, []string{
		`user "admin" runs this command: not pruned`,
		`user "app" has declared permissions: not pruned`,
		`exchange "ex" in vhost "v" is an end of a declared binding: not pruned`,
		`queue "q" in vhost "v" is an end of a declared binding: not pruned`,
	}, p.Kept)
}

// Recreating a queue keeps the bindings the broker has that the file does not
// declare: they are declared again after it (unless --prune deletes them anyway).
func TestRecreateKeepsUndeclaredBindings(t *testing.T) {
	have := `
vhosts: [{name: v}]
exchanges: [{vhost: v, name: ex, type: topic}, {vhost: v, name: up, type: fanout}]
queues: [{vhost: v, name: q}]
bindings:
  - {vhost: v, source: ex, destination: q, routing_key: "a.#"}
  - {vhost: v, source: up, destination: ex, destination_type: exchange}
`
	want := "exchanges:\n  - {vhost: v, name: ex, type: direct}\n"
	p := plan(t, want, have, nil, PlanOptions{Recreate: true})
	assert.Equal(t, []string{
		"recreate exchange v ex: type: topic → direct (deleted and declared again (--recreate-conflicting): an exchange's type cannot change)",
		"create binding v ex -> queue q (a.#):  (not in the file, kept: declared again after its queue or exchange is recreated)",
		"create binding v up -> exchange ex:  (not in the file, kept: declared again after its queue or exchange is recreated)",
	}, rows(p))
}
