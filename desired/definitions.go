package desired

// Section keys of a definitions document that carry nothing to converge.
var ignoredTopLevel = map[string]bool{
	"rabbit_version": true, "rabbitmq_version": true, "product_name": true, "product_version": true,
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
