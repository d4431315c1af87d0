package admin

import (
	"slices"
	"strings"
)

// The v1 grammar as data: rabbitmqadmin v1's LISTABLE, SHOWABLE, DECLARABLE,
// DELETABLE, CLOSABLE, PURGABLE and EXTRA_VERBS tables (as in its last release, which
// added `default_queue_type` to `declare vhost`), in v1's order, which its help texts
// and bash completion follow. Rows marked ext are rmqctl's additions: v1 refused those
// words ("Type … not recognised"), so no v1 script depends on them; they stay out of
// the help texts, which print v1's bytes.

// listable is one row of LISTABLE or SHOWABLE.
type listable struct {
	name string
	// path is the API resource: the name with dashes for underscores.
	path string
	// vhost: -V selects /path/{vhost}; otherwise -V is ignored.
	vhost bool
	// cols are the default columns (table-like formats, -d not given).
	cols []string
	// json keys are rendered as one JSON text instead of being flattened.
	json []string
	ext  bool
}

var listables = []listable{
	{name: "connections", path: "connections", cols: []string{"name", "user", "channels"}},
	{name: "channels", path: "channels", cols: []string{"name", "user"}},
	{name: "consumers", path: "consumers", vhost: true},
	{name: "exchanges", path: "exchanges", vhost: true, cols: []string{"name", "type"}},
	{name: "queues", path: "queues", vhost: true, cols: []string{"name", "messages"}},
	{name: "bindings", path: "bindings", vhost: true, cols: []string{"source", "destination", "routing_key"}},
	{name: "users", path: "users"},
	{name: "vhosts", path: "vhosts", cols: []string{"name", "messages"}},
	{name: "permissions", path: "permissions"},
	{name: "nodes", path: "nodes", cols: []string{"name", "type", "mem_used"}},
	{name: "parameters", path: "parameters", json: []string{"value"}},
	{name: "policies", path: "policies", json: []string{"definition"}},
	{name: "operator_policies", path: "operator-policies", json: []string{"definition"}},
	{name: "vhost_limits", path: "vhost-limits", json: []string{"value"}},
	{name: "topic_permissions", path: "topic-permissions", ext: true},
	{name: "user_limits", path: "user-limits", json: []string{"value"}, ext: true},
	{name: "global_parameters", path: "global-parameters", json: []string{"value"}, ext: true},
}

var showables = []listable{
	{name: "overview", path: "overview", cols: []string{"rabbitmq_version", "cluster_name", "queue_totals.messages", "object_totals.queues"}},
}

// promoted columns come first, in this order, when all columns are shown.
var promoted = []string{"vhost", "name", "type", "source", "destination", "destination_type", "routing_key"}

// arg is an optional key=value argument.
type arg struct {
	key string
	// def is sent when the key is not given: a string, or for JSON keys the JSON
	// text. noDefault: nothing is sent (v1's None).
	def       string
	noDefault bool
}

// object is one row of a verb's table: the object type, its keys and its resource.
type object struct {
	name string
	// mandatory keys in v1's order; "a|b" means one of a and b.
	mandatory []string
	optional  []arg
	// json keys are parsed as JSON (v1's json.loads).
	json []string
	// method and uri: "{key}" is the key's value, "{key?}" is left out when the key
	// is not given, "{destination_char}" is destination_type's first character.
	method string
	uri    string
	// done is the word of the status line ("<object> declared"); "" for publish and get.
	done string
	// queueType copies queue_type into arguments["x-queue-type"] (v1's queue_upload_fixup).
	queueType bool
	ext       bool
}

func opt(key, def string) arg { return arg{key: key, def: def} }
func optNone(key string) arg  { return arg{key: key, noDefault: true} }

const (
	put  = "PUT"
	post = "POST"
	del  = "DELETE"
)

var declarables = []object{
	{name: "exchange", mandatory: []string{"name", "type"}, json: []string{"arguments"},
		optional: []arg{opt("auto_delete", "false"), opt("durable", "true"), opt("internal", "false"), opt("arguments", "{}")},
		method:   put, uri: "/exchanges/{vhost}/{name}"},
	{name: "queue", mandatory: []string{"name"}, json: []string{"arguments"},
		optional: []arg{opt("auto_delete", "false"), opt("durable", "true"), opt("arguments", "{}"), optNone("node"), optNone("queue_type")},
		method:   put, uri: "/queues/{vhost}/{name}", queueType: true},
	{name: "binding", mandatory: []string{"source", "destination"}, json: []string{"arguments"},
		optional: []arg{opt("destination_type", "queue"), opt("routing_key", ""), opt("arguments", "{}")},
		method:   post, uri: "/bindings/{vhost}/e/{source}/{destination_char}/{destination}"},
	{name: "vhost", mandatory: []string{"name"}, optional: []arg{optNone("tracing"), optNone("default_queue_type")},
		method: put, uri: "/vhosts/{name}"},
	{name: "user", mandatory: []string{"name", "password|password_hash", "tags"}, optional: []arg{optNone("hashing_algorithm")},
		method: put, uri: "/users/{name}"},
	{name: "permission", mandatory: []string{"vhost", "user", "configure", "write", "read"},
		method: put, uri: "/permissions/{vhost}/{user}"},
	{name: "parameter", mandatory: []string{"component", "name", "value"}, json: []string{"value"},
		method: put, uri: "/parameters/{component}/{vhost}/{name}"},
	{name: "policy", mandatory: []string{"name", "pattern", "definition"}, json: []string{"definition", "priority"},
		optional: []arg{opt("priority", "0"), optNone("apply-to")}, method: put, uri: "/policies/{vhost}/{name}"},
	{name: "operator_policy", mandatory: []string{"name", "pattern", "definition"}, json: []string{"definition", "priority"},
		optional: []arg{opt("priority", "0"), optNone("apply-to")}, method: put, uri: "/operator-policies/{vhost}/{name}"},
	{name: "vhost_limit", mandatory: []string{"vhost", "name", "value"}, json: []string{"value"},
		method: put, uri: "/vhost-limits/{vhost}/{name}"},
	{name: "topic_permission", mandatory: []string{"vhost", "user", "exchange", "write", "read"},
		method: put, uri: "/topic-permissions/{vhost}/{user}", ext: true},
	{name: "user_limit", mandatory: []string{"user", "name", "value"}, json: []string{"value"},
		method: put, uri: "/user-limits/{user}/{name}", ext: true},
	{name: "global_parameter", mandatory: []string{"name", "value"}, json: []string{"value"},
		method: put, uri: "/global-parameters/{name}", ext: true},
}

var deletables = []object{
	{name: "exchange", mandatory: []string{"name"}, method: del, uri: "/exchanges/{vhost}/{name}"},
	{name: "queue", mandatory: []string{"name"}, method: del, uri: "/queues/{vhost}/{name}"},
	{name: "binding", mandatory: []string{"source", "destination_type", "destination"}, optional: []arg{opt("properties_key", "~")},
		method: del, uri: "/bindings/{vhost}/e/{source}/{destination_char}/{destination}/{properties_key}"},
	{name: "vhost", mandatory: []string{"name"}, method: del, uri: "/vhosts/{name}"},
	{name: "user", mandatory: []string{"name"}, method: del, uri: "/users/{name}"},
	{name: "permission", mandatory: []string{"vhost", "user"}, method: del, uri: "/permissions/{vhost}/{user}"},
	{name: "parameter", mandatory: []string{"component", "name"}, method: del, uri: "/parameters/{component}/{vhost}/{name}"},
	{name: "policy", mandatory: []string{"name"}, method: del, uri: "/policies/{vhost}/{name}"},
	{name: "operator_policy", mandatory: []string{"name"}, method: del, uri: "/operator-policies/{vhost}/{name}"},
	{name: "vhost_limit", mandatory: []string{"vhost", "name"}, method: del, uri: "/vhost-limits/{vhost}/{name}"},
	{name: "topic_permission", mandatory: []string{"vhost", "user"}, optional: []arg{optNone("exchange")},
		method: del, uri: "/topic-permissions/{vhost}/{user}/{exchange?}", ext: true},
	{name: "user_limit", mandatory: []string{"user", "name"}, method: del, uri: "/user-limits/{user}/{name}", ext: true},
	{name: "global_parameter", mandatory: []string{"name"}, method: del, uri: "/global-parameters/{name}", ext: true},
}

var closables = []object{
	{name: "connection", mandatory: []string{"name"}, method: del, uri: "/connections/{name}"},
}

var purgables = []object{
	{name: "queue", mandatory: []string{"name"}, method: del, uri: "/queues/{vhost}/{name}/contents"},
}

// The two verbs without an object type.
var (
	publishVerb = object{name: "publish", mandatory: []string{"routing_key"}, json: []string{"properties"},
		optional: []arg{optNone("payload"), opt("properties", "{}"), opt("exchange", "amq.default"), opt("payload_encoding", "string")},
		method:   post, uri: "/exchanges/{vhost}/{exchange}/publish"}
	getVerb = object{name: "get", mandatory: []string{"queue"},
		optional: []arg{opt("count", "1"), opt("ackmode", "ack_requeue_true"), optNone("payload_file"), opt("encoding", "auto")},
		method:   post, uri: "/queues/{vhost}/{queue}/get"}
)

// objectVerb is a verb whose first argument is an object type.
type objectVerb struct {
	name  string
	types []object
	// past is the status line's verb: "<type> declared".
	past string
}

var objectVerbs = []objectVerb{
	{name: "declare", types: declarables, past: "declared"},
	{name: "delete", types: deletables, past: "deleted"},
	{name: "close", types: closables, past: "closed"},
	{name: "purge", types: purgables, past: "purged"},
}

func findObjectVerb(name string) (objectVerb, bool) {
	for _, v := range objectVerbs {
		if v.name == name {
			return v, true
		}
	}
	return objectVerb{}, false
}

func findObject(types []object, name string) (object, bool) {
	for _, o := range types {
		if o.name == name {
			return o, true
		}
	}
	return object{}, false
}

func findListable(types []listable, name string) (listable, bool) {
	for _, l := range types {
		if l.name == name {
			return l, true
		}
	}
	return listable{}, false
}

// formats are v1's output formats, in its order (help and bash completion show it).
var formats = []string{"raw_json", "pretty_json", "tsv", "long", "table", "kvp", "bash"}

func (o object) isJSON(key string) bool { return slices.Contains(o.json, key) }

// keys are every key the object accepts: mandatory ones (both sides of "a|b") and
// optional ones.
func (o object) accepts(key string) bool {
	for _, m := range o.mandatory {
		for _, k := range strings.Split(m, "|") {
			if k == key {
				return true
			}
		}
	}
	for _, a := range o.optional {
		if a.key == key {
			return true
		}
	}
	return false
}
