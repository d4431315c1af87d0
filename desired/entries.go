package desired

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

var queueTypes = []string{"classic", "quorum", "stream"}

func (p *parser) vhost(n *yaml.Node) *Object {
	e := p.entry(Vhosts, n, []string{"name", "description", "tags", "default_queue_type", "tracing", "limits",
		"protected_from_deletion", "metadata"})
	if e.bad && len(e.values) == 0 {
		return nil
	}
	o := &Object{Kind: Vhosts, Line: e.line, ID: []Field{{"name", e.str("name", true)}}}
	// 3.11+ exports carry description, tags and default queue type in metadata too.
	meta, _ := e.mapping("metadata")
	if e.has("description") {
		o.Fields = append(o.Fields, Field{"description", e.str("description", false)})
	} else if d, ok := meta["description"].(string); ok {
		o.Fields = append(o.Fields, Field{"description", d})
	}
	if tags, ok := e.tags("tags"); ok {
		o.Fields = append(o.Fields, Field{"tags", tags})
	} else if t, ok := meta["tags"].([]any); ok {
		var list []string
		for _, x := range t {
			s, _ := x.(string)
			list = append(list, s)
		}
		o.Fields = append(o.Fields, Field{"tags", sortedTags(list)})
	}
	dqt := e.str("default_queue_type", false)
	if !e.has("default_queue_type") {
		dqt, _ = meta["default_queue_type"].(string)
	}
	if dqt != "" && dqt != "undefined" {
		if !contains(queueTypes, dqt) {
			e.errf("default_queue_type", "default_queue_type must be one of %s", strings.Join(queueTypes, ", "))
		}
		o.Fields = append(o.Fields, Field{"default_queue_type", dqt})
	}
	if e.has("tracing") {
		o.Fields = append(o.Fields, Field{"tracing", e.boolean("tracing", false)})
	}
	// 4.0.6+: exports carry it in metadata, and only once it was ever set
	if e.has("protected_from_deletion") {
		o.Fields = append(o.Fields, Field{"protected_from_deletion", e.boolean("protected_from_deletion", false)})
	} else if v, ok := meta["protected_from_deletion"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			e.errf("metadata", "metadata.protected_from_deletion must be true or false")
		}
		o.Fields = append(o.Fields, Field{"protected_from_deletion", b})
	}
	if e.has("limits") {
		o.Fields = append(o.Fields, Field{"limits", e.limits([]string{"max-connections", "max-queues"})})
	}
	if e.bad {
		return nil
	}
	return o
}

// limits reads a limits mapping: known names, integer values (-1 means no limit).
// An empty list is no limits: 3.11+ exports write an empty Erlang proplist as [].
func (e *entry) limits(known []string) map[string]any {
	if n := e.values["limits"]; n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		return map[string]any{}
	}
	m, _ := e.mapping("limits")
	out := map[string]any{}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := m[k]
		if !contains(known, k) {
			e.errf("limits", "unknown limit %q (known: %s)", k, strings.Join(known, ", "))
			continue
		}
		i, ok := v.(int64)
		if !ok || i < -1 {
			e.errf("limits", "limit %s must be an integer, -1 for none", k)
			continue
		}
		out[k] = i
	}
	return out
}

var hashingAlgorithms = []string{"rabbit_password_hashing_sha256", "rabbit_password_hashing_sha512", "rabbit_password_hashing_md5"}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *parser) user(n *yaml.Node) *Object {
	allowed := []string{"name", "password_env", "password_file", "password_hash", "hashing_algorithm", "tags", "limits", "password"}
	if p.definitions {
		allowed = append(allowed, "administrator") // exports before tags existed
	}
	e := p.entry(Users, n, allowed)
	if e.bad && len(e.values) == 0 {
		return nil
	}
	o := &Object{Kind: Users, Line: e.line, ID: []Field{{"name", e.str("name", true)}}}
	if tags, ok := e.tags("tags"); ok {
		o.Fields = append(o.Fields, Field{"tags", tags})
	} else if e.has("administrator") {
		// as the server's import reads it: administrator true is the administrator tag
		tags := []any{}
		if e.boolean("administrator", false) {
			tags = []any{"administrator"}
		}
		o.Fields = append(o.Fields, Field{"tags", tags})
	}
	if e.has("limits") {
		o.Fields = append(o.Fields, Field{"limits", e.limits([]string{"max-connections", "max-channels"})})
	}
	given := 0
	for _, k := range []string{"password", "password_env", "password_file", "password_hash"} {
		if e.has(k) {
			given++
		}
	}
	if given > 1 {
		e.errf("name", "give at most one of password_env, password_file and password_hash")
	}
	switch {
	case e.has("password") && p.definitions:
		// RabbitMQ's import takes it, so rmqctl does; warned about once (p.warnings)
		o.Password = &Password{Plain: e.str("password", false), Source: "password"}
		p.inlinePasswords = append(p.inlinePasswords, o.Name())
	case e.has("password"):
		e.errf("password", "inline passwords are not accepted: use password_env, password_file or password_hash")
	case e.has("password_env"):
		name := e.str("password_env", true)
		if name != "" && !envName.MatchString(name) {
			e.errf("password_env", "password_env must name an environment variable")
		} else if name != "" {
			v, ok := "", false
			if p.opts.LookupEnv != nil {
				v, ok = p.opts.LookupEnv(name)
			}
			if !ok || v == "" {
				e.errf("password_env", "environment variable %s (password_env) is not set or empty", name)
			}
			o.Password = &Password{Plain: v, Source: "password_env " + name}
		}
	case e.has("password_file"):
		path := e.str("password_file", true)
		if path != "" {
			if !filepath.IsAbs(path) && p.file != "-" && p.file != "" {
				path = filepath.Join(filepath.Dir(p.file), path)
			}
			var data []byte
			err := fmt.Errorf("no file reader")
			if p.opts.ReadFile != nil {
				data, err = p.opts.ReadFile(path)
			}
			pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
			switch {
			case err != nil:
				e.errf("password_file", "cannot read password_file %s: %v", path, unwrapPathError(err))
			case pw == "":
				e.errf("password_file", "password_file %s is empty", path)
			}
			o.Password = &Password{Plain: pw, Source: "password_file " + path}
		}
	case e.has("password_hash"):
		h := e.str("password_hash", false)
		if _, err := base64.StdEncoding.DecodeString(h); err != nil {
			e.errf("password_hash", "password_hash must be base64 (as export_definitions writes it)")
		}
		alg := e.str("hashing_algorithm", false)
		if alg == "" {
			alg = p.defaultHashing()
		}
		o.Password = &Password{Hash: h, HasHash: true, Algorithm: alg, Source: "password_hash"}
	}
	if e.has("hashing_algorithm") {
		if !e.has("password_hash") {
			e.errf("hashing_algorithm", "hashing_algorithm goes with password_hash")
		} else if !contains(hashingAlgorithms, e.str("hashing_algorithm", false)) {
			e.errf("hashing_algorithm", "hashing_algorithm must be one of %s", strings.Join(hashingAlgorithms, ", "))
		}
	}
	if e.bad {
		return nil
	}
	return o
}

func unwrapPathError(err error) error {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok && u.Unwrap() != nil {
		return u.Unwrap()
	}
	return err
}

func (p *parser) globalParameter(n *yaml.Node) *Object {
	e := p.entry(GlobalParameters, n, []string{"name", "value"})
	name := e.str("name", true)
	v, ok := e.value("value")
	if !ok && !e.bad {
		e.errf("value", "value is required")
	}
	if e.bad || name == "internal_cluster_id" {
		// internal_cluster_id is each cluster's own: never copied between brokers
		return nil
	}
	return &Object{Kind: GlobalParameters, Line: e.line, ID: []Field{{"name", name}}, Fields: []Field{{"value", v}}}
}

func (p *parser) permission(n *yaml.Node) *Object {
	e := p.entry(Permissions, n, []string{"user", "vhost", "configure", "write", "read"})
	o := &Object{Kind: Permissions, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"user", e.str("user", true)}}}
	return e.patterns(o, "configure", "write", "read")
}

// patterns sets the permission patterns named by keys, all required; nil if the
// entry has problems.
func (e *entry) patterns(o *Object, keys ...string) *Object {
	for _, k := range keys {
		if !e.has(k) {
			e.errf(k, "%s is required (a regular expression; \"\" grants nothing)", k)
		}
		o.Fields = append(o.Fields, Field{k, e.str(k, false)})
	}
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) topicPermission(n *yaml.Node) *Object {
	e := p.entry(TopicPermissions, n, []string{"user", "vhost", "exchange", "write", "read"})
	o := &Object{Kind: TopicPermissions, Line: e.line, Vhost: e.vhostOf(),
		ID: []Field{{"user", e.str("user", true)}, {"exchange", e.str("exchange", true)}}}
	return e.patterns(o, "write", "read")
}

var applyTo = []string{"all", "queues", "exchanges", "classic_queues", "quorum_queues", "streams"}

func (p *parser) policy(kind Kind, n *yaml.Node) *Object {
	e := p.entry(kind, n, []string{"vhost", "name", "pattern", "definition", "priority", "apply-to"})
	o := &Object{Kind: kind, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", e.str("name", true)}}}
	p.policyFields(e, o, e.str("pattern", true), "definition", e.integer("priority", 0), e.str("apply-to", false))
	if e.bad {
		return nil
	}
	return o
}

// policyFields checks and sets a policy's settings; def names the key holding the definition.
func (p *parser) policyFields(e *entry, o *Object, pattern, defKey string, priority int64, to string) {
	def, ok := e.mapping(defKey)
	if !ok && !e.bad {
		e.errf(defKey, "definition is required (a mapping of policy keys)")
	} else if ok && len(def) == 0 {
		e.errf(defKey, "definition must not be empty")
	}
	if to == "" {
		to = "all"
	} else if !contains(applyTo, to) {
		e.errf("apply-to", "apply-to must be one of %s", strings.Join(applyTo, ", "))
	}
	o.Fields = append(o.Fields, Field{"pattern", pattern}, Field{"definition", def},
		Field{"priority", priority}, Field{"apply-to", to})
}

func (p *parser) parameter(n *yaml.Node) *Object {
	e := p.entry(Parameters, n, []string{"vhost", "component", "name", "value"})
	vhost, component, name := e.vhostOf(), e.str("component", true), e.str("name", true)
	v, ok := e.value("value")
	if !ok && !e.bad {
		e.errf("value", "value is required")
	}
	if e.bad {
		return nil
	}
	switch component {
	case "policy":
		e.errf("component", "policies go in the policies section")
		return nil
	case "operator_policy":
		// definitions documents carry operator policies as parameters
		return p.operatorPolicyFromValue(e, vhost, name, v)
	case "vhost-limits":
		m, isMap := v.(map[string]any)
		if !isMap {
			e.errf("value", "vhost-limits value must be a mapping of limits")
			return nil
		}
		lim := &entry{p: p, kind: Vhosts, line: e.line, values: map[string]*yaml.Node{}}
		lim.values["limits"] = e.values["value"]
		limits := lim.limits([]string{"max-connections", "max-queues"})
		if lim.bad || len(m) != len(limits) {
			return nil
		}
		p.vhostLimits = append(p.vhostLimits, &Object{Kind: Vhosts, Line: e.line, ID: []Field{{"name", vhost}},
			Fields: []Field{{"limits", limits}}})
		return nil
	}
	return &Object{Kind: Parameters, Line: e.line, Vhost: vhost,
		ID: []Field{{"component", component}, {"name", name}}, Fields: []Field{{"value", v}}}
}

func (p *parser) exchange(n *yaml.Node) *Object {
	e := p.entry(Exchanges, n, []string{"vhost", "name", "type", "durable", "auto_delete", "internal", "arguments"})
	name := e.str("name", true)
	if strings.HasPrefix(name, "amq.") {
		if p.definitions {
			return nil // newer exports list the broker's own amq.rabbitmq.log
		}
		e.errf("name", "exchange names starting with \"amq.\" are reserved by the broker")
	}
	o := &Object{Kind: Exchanges, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", name}}}
	args := e.arguments()
	o.Fields = []Field{{"type", e.str("type", true)}, {"durable", e.boolean("durable", true)},
		{"auto_delete", e.boolean("auto_delete", false)}, {"internal", e.boolean("internal", false)},
		{"arguments", args}}
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) queue(n *yaml.Node) *Object {
	e := p.entry(Queues, n, []string{"vhost", "name", "type", "durable", "auto_delete", "arguments"})
	name := e.str("name", true)
	if strings.HasPrefix(name, "amq.") {
		if p.definitions {
			// the server's import skips them with a warning in its log; rmqctl says so
			p.skippedQueues = append(p.skippedQueues, name)
			return nil
		}
		e.errf("name", "queue names starting with \"amq.\" are reserved by the broker")
	}
	o := &Object{Kind: Queues, Line: e.line, Vhost: e.vhostOf(), ID: []Field{{"name", name}}}
	args := e.arguments()
	typ := e.str("type", false)
	if at, ok := args["x-queue-type"]; ok {
		s, isStr := at.(string)
		switch {
		case !isStr:
			e.errf("arguments", "x-queue-type must be a string")
		case typ != "" && typ != s:
			e.errf("type", "type %q and arguments.x-queue-type %q disagree", typ, s)
		}
		typ = s
		delete(args, "x-queue-type")
	}
	if typ != "" && !contains(queueTypes, typ) {
		e.errf("type", "type must be one of %s", strings.Join(queueTypes, ", "))
	}
	durable := e.boolean("durable", true)
	if typ == "quorum" || typ == "stream" {
		if !durable {
			e.errf("durable", "%s queues are always durable", typ)
		}
		if e.boolean("auto_delete", false) {
			e.errf("auto_delete", "%s queues cannot be auto-delete", typ)
		}
	}
	if typ != "" {
		o.Fields = append(o.Fields, Field{"type", typ})
	}
	o.Fields = append(o.Fields, Field{"durable", durable}, Field{"auto_delete", e.boolean("auto_delete", false)},
		Field{"arguments", args})
	if e.bad {
		return nil
	}
	return o
}

func (p *parser) binding(n *yaml.Node) *Object {
	e := p.entry(Bindings, n, []string{"vhost", "source", "destination", "destination_type", "routing_key", "arguments"})
	source := e.str("source", false)
	if !e.has("source") || source == "" {
		e.errf("source", "source is required (bindings of the default exchange are implicit)")
	}
	dt := e.str("destination_type", false)
	if dt == "" {
		dt = "queue"
	} else if dt != "queue" && dt != "exchange" {
		e.errf("destination_type", "destination_type must be queue or exchange")
	}
	args := e.arguments()
	o := &Object{Kind: Bindings, Line: e.line, Vhost: e.vhostOf(), ID: []Field{
		{"source", source}, {"destination_type", dt}, {"destination", e.str("destination", true)},
		{"routing_key", e.str("routing_key", false)}, {"arguments", args}}}
	if e.bad {
		return nil
	}
	return o
}
