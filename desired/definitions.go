package desired

import (
	"fmt"
	"regexp"
	"sort"

	"go.yaml.in/yaml/v3"
)

// definitionsTopLevel are the keys of RabbitMQ's definitions documents that are not
// sections: the version and provenance an export records (exportKeys; 3.x and 4.x,
// rabbit_mgmt_wm_definitions:small_parts/1 at v4.3.5), and a per-vhost export's
// metadata, description, tags, default queue type and limits of its vhost.
var definitionsTopLevel = map[string]bool{
	"rabbit_version": true, "rabbitmq_version": true, "product_name": true, "product_version": true,
	"rabbitmq_definition_format": true, "original_cluster_name": true, "original_vhost_name": true,
	"explanation": true, "metadata": true, "description": true, "limits": true,
	// 4.0.5's per-vhost exports repeat these beside metadata
	"tags": true, "default_queue_type": true,
}

// exportKeys are the keys only an export writes: they make a document a
// definitions document whatever its syntax.
var exportKeys = map[string]bool{
	"rabbit_version": true, "rabbitmq_version": true, "product_name": true, "product_version": true,
	"rabbitmq_definition_format": true, "original_cluster_name": true, "original_vhost_name": true, "explanation": true,
}

// readMetadata checks a definitions document's top-level keys and takes from them
// what applies:
//   - the version, which decides the hashing algorithm of password hashes exported
//     without one (as the server's import does);
//   - a per-vhost export's limits, which are the limits of the vhost it is applied to
//     (-p), like the vhost-limits parameter the same export carries;
//   - nothing from its metadata and description: the server's per-vhost import
//     (rabbit_definitions:apply_defs/4) leaves the target vhost's description, tags,
//     default queue type and protection alone, and so does rmqctl.
func (p *parser) readMetadata(sections map[string]*yaml.Node) {
	keys := make([]string, 0, len(p.meta))
	for key := range p.meta {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool { // in the document's order
		a, b := p.meta[keys[i]], p.meta[keys[j]]
		return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
	})
	marked := false // by an export's own keys
	for key := range p.meta {
		marked = marked || exportKeys[key]
	}
	if marked {
		p.definitions = true
		p.perVhost = isPerVhostExport(sections)
	} else if len(p.meta) > 0 && !p.definitions {
		// a YAML file of rmqctl's own: these are typos, or a per-vhost export's keys
		// copied without the export
		for _, key := range keys {
			p.errf(p.meta[key].Line, "unknown section %q (a per-vhost export's key; known sections: %s)", key, kindList())
		}
		return
	}
	for _, key := range keys {
		k, v := p.meta[key], resolve(sections[key])
		switch key {
		case "tags":
			if v.Kind != yaml.SequenceNode && v.Kind != yaml.ScalarNode {
				p.errf(k.Line, "tags must be a list (a per-vhost export's vhost tags)")
			}
		case "metadata":
			if v.Kind != yaml.MappingNode {
				p.errf(k.Line, "metadata must be a mapping (a per-vhost export's vhost metadata)")
			}
		case "limits":
			lim := &entry{p: p, kind: Vhosts, line: k.Line, values: map[string]*yaml.Node{"limits": v},
				label: (&Object{Kind: Vhosts, ID: []Field{{"name", p.defaultVhost()}}}).Label()}
			if v.Kind != yaml.MappingNode && !(v.Kind == yaml.SequenceNode && len(v.Content) == 0) {
				lim.errf("limits", "limits must be a mapping of limits")
				continue
			}
			limits := lim.limits([]string{"max-connections", "max-queues"})
			if !lim.bad {
				// first: a vhost-limits parameter of the same export must agree with it
				p.vhostLimits = append([]*Object{{Kind: Vhosts, Line: k.Line, ID: []Field{{"name", p.defaultVhost()}},
					Fields: []Field{{"limits", limits}}}}, p.vhostLimits...)
			}
		default:
			if v.Kind != yaml.ScalarNode {
				p.errf(k.Line, "%s must be a string", key)
				continue
			}
			switch key {
			case "rabbit_version", "rabbitmq_version":
				if p.version == "" || key == "rabbitmq_version" {
					p.version = v.Value
				}
			case "original_vhost_name":
				p.exportedFrom(v.Value)
			}
		}
	}
}

// isPerVhostExport tells a per-vhost export (which carries an export's keys) from a
// cluster's: 4.0.5+ say which they are; older ones have none of the cluster-wide
// sections (and 3.x kept the vhost key of its policies and parameters, which the
// server's per-vhost import ignores).
func isPerVhostExport(sections map[string]*yaml.Node) bool {
	if f := sections["rabbitmq_definition_format"]; f != nil {
		return resolve(f).Value == "single_virtual_host"
	}
	for _, k := range []Kind{Vhosts, Users, Permissions, TopicPermissions, GlobalParameters} {
		if _, ok := sections[string(k)]; ok {
			return false
		}
	}
	// as the server tells them (rabbit_definitions:any_orphaned_in_doc/1): a 3.x
	// per-vhost export's queues, exchanges and bindings name no vhost
	for _, k := range []Kind{Queues, Exchanges, Bindings} {
		if list := sections[string(k)]; list != nil {
			for _, item := range resolve(list).Content {
				for _, kv := range pairs(resolve(item)) {
					if kv[0].Value == "vhost" {
						return false
					}
				}
			}
		}
	}
	return true
}

// exportedFrom records the vhost a per-vhost export was made of (its
// original_vhost_name, or the vhost its entries name), the first one told.
func (p *parser) exportedFrom(vh string) {
	if p.from == "" {
		p.from = vh
	}
}

// defaultHashing is the hashing algorithm of a password_hash given without one: MD5
// for exports of RabbitMQ 3.5 and older, else the server's default, SHA-256
// (rabbit_auth_backend_internal:hashing_algorithm/2).
func (p *parser) defaultHashing() string {
	if oldHashing.MatchString(p.version) {
		return "rabbit_password_hashing_md5"
	}
	return "rabbit_password_hashing_sha256"
}

var oldHashing = regexp.MustCompile(`^3\.[0-5]\.`)

// warnings says once what the whole file does that works but deserves a word.
func (p *parser) warnings() {
	switch n := len(p.inlinePasswords); {
	case n == 1:
		p.doc.Warnings = append(p.doc.Warnings, fmt.Sprintf("user %s has an inline password: it is used as given, "+
			"but the file holds it in clear text (password_hash, as exports give it, does not)", Names(p.inlinePasswords, 1)))
	case n > 1:
		p.doc.Warnings = append(p.doc.Warnings, fmt.Sprintf("%d users have an inline password (%s): they are used as given, "+
			"but the file holds them in clear text (password_hash, as exports give it, does not)", n, Names(p.inlinePasswords, 3)))
	}
	if p.from != "" && p.from != p.defaultVhost() {
		p.doc.Warnings = append(p.doc.Warnings, fmt.Sprintf(
			"the document was exported from vhost %q; its entries go to vhost %q (-p)", p.from, p.defaultVhost()))
	}
	if len(p.skippedQueues) > 0 {
		p.doc.Warnings = append(p.doc.Warnings, fmt.Sprintf("queues named amq.* are the broker's to name: %s skipped, "+
			"as the server's import skips them", Names(p.skippedQueues, 3)))
	}
	p.doc.Definitions = p.definitions
}

func (p *parser) operatorPolicyFromValue(e *entry, vhost, name string, v any) *Object {
	m, ok := v.(map[string]any)
	if !ok {
		e.errf("value", "operator_policy value must be a mapping with pattern and definition")
		return nil
	}
	pattern, _ := m["pattern"].(string)
	if pattern == "" {
		e.errf("value", "operator_policy value needs a pattern")
	}
	def, _ := m["definition"].(map[string]any)
	if len(def) == 0 {
		e.errf("value", "operator_policy value needs a definition")
	}
	prio, _ := m["priority"].(int64)
	to, _ := m["apply-to"].(string)
	if to == "" {
		to = "all"
	}
	if e.bad {
		return nil
	}
	o := &Object{Kind: OperatorPolicies, Line: e.line, Vhost: vhost, ID: []Field{{"name", name}},
		Fields: []Field{{"pattern", pattern}, {"definition", def}, {"priority", prio}, {"apply-to", to}}}
	p.doc.Declared[OperatorPolicies] = true
	return o
}

// attachVhostLimits merges vhost-limits parameters into the vhosts they limit. A
// vhost the file does not list (a per-vhost definitions document) gets an entry of its
// own that manages only its limits. 3.11+ exports carry the limits twice, in the
// vhost and as a parameter: that is fine when they agree.
func (p *parser) attachVhostLimits() {
	for _, l := range p.vhostLimits {
		var target *Object
		for _, v := range p.doc.Objects[Vhosts] {
			if v.Name() == l.Name() {
				target = v
			}
		}
		if target == nil {
			p.add(l)
			continue
		}
		if have, has := target.field("limits"); has {
			if want, _ := l.field("limits"); !equal(have, want) {
				p.errf(l.Line, "vhost %q has other limits at line %d", l.Name(), target.Line)
			}
			continue
		}
		target.Fields = append(target.Fields, l.Fields...)
	}
}
