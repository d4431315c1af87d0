package compat

import "sort"

// jsonKeyOrder is, per command, the order in which the rabbitmqctl of releases with
// JSONAtomKeyOrder writes a row's keys: Erlang's map order for atom keys, the order in
// which the VM created the atoms. It is the same for any subset of the columns and
// whatever order they were asked in (obs-4.3.6, Debian's 4.3.6 on Erlang 29).
var jsonKeyOrder = map[string][]string{
	"list_users":                  {"user", "tags"},
	"list_permissions":            {"user", "read", "write", "configure"},
	"list_user_permissions":       {"read", "write", "configure", "vhost"},
	"list_topic_permissions":      {"exchange", "user", "read", "write"},
	"list_user_topic_permissions": {"exchange", "read", "write", "vhost"},
	"list_vhosts": {"name", "description", "metadata", "tags", "default_queue_type",
		"protected_from_deletion", "tracing", "cluster_state"},
	"list_queues": {"exclusive", "memory", "messages", "name", "pid", "type", "state", "policy", "arguments",
		"messages_unacknowledged", "consumers", "durable", "auto_delete", "online", "operator_policy",
		"effective_policy_definition", "owner_pid", "exclusive_consumer_pid", "exclusive_consumer_tag",
		"messages_ready", "messages_ready_ram", "messages_unacknowledged_ram", "messages_ram", "messages_persistent",
		"message_bytes", "message_bytes_ready", "message_bytes_unacknowledged", "message_bytes_ram",
		"message_bytes_persistent", "head_message_timestamp", "disk_reads", "disk_writes", "consumer_utilisation",
		"consumer_capacity", "leader", "members"},
	"list_exchanges": {"internal", "name", "type", "policy", "arguments", "durable", "auto_delete"},
	"list_bindings":  {"arguments", "source_name", "source_kind", "destination_name", "destination_kind", "routing_key"},
	"list_connections": {"timeout", "name", "pid", "port", "state", "user", "send_pend", "recv_cnt", "recv_oct",
		"send_cnt", "send_oct", "ssl", "protocol", "host", "vhost", "channels", "peer_port", "peer_host",
		"ssl_protocol", "ssl_key_exchange", "ssl_cipher", "ssl_hash", "peer_cert_subject", "peer_cert_issuer",
		"peer_cert_serial_number", "peer_cert_validity", "auth_mechanism", "container_id", "frame_max",
		"channel_max", "client_properties", "connected_at"},
	"list_channels": {"name", "pid", "user", "confirm", "number", "connection", "vhost", "transactional",
		"consumer_count", "messages_unacknowledged", "messages_uncommitted", "acks_uncommitted",
		"messages_unconfirmed", "prefetch_count"},
	"list_consumers":           {"active", "arguments", "prefetch_count", "queue_name", "channel_pid", "consumer_tag", "ack_required", "activity_status"},
	"list_feature_flags":       {"name", "state", "desc", "provided_by", "doc_url", "stability"},
	"list_deprecated_features": {"name", "state", "desc", "deprecation_phase", "provided_by", "doc_url"},
	"list_policies":            {"name", "priority", "pattern", "vhost", "apply-to", "definition"},
	"list_operator_policies":   {"name", "priority", "pattern", "vhost", "apply-to", "definition"},
	"list_parameters":          {"name", "value", "component"},
	"list_global_parameters":   {"name", "value"},
	"list_vhost_limits":        {"vhost", "limits"},
	"list_user_limits":         {"user", "limits"},
}

// JSONOrder is the order in which the release's rabbitmqctl writes the keys of a JSON
// row of command, as indexes into keys; nil means the order of keys.
func (p Profile) JSONOrder(command string, keys []string) []int {
	order, ok := jsonKeyOrder[command]
	if !ok || !p.Has(JSONAtomKeyOrder) {
		return nil
	}
	return orderBy(order, keys)
}

// orderBy sorts the indexes of keys by their place in order; nil when a key is not in it.
func orderBy(order, keys []string) []int {
	rank := make(map[string]int, len(order))
	for i, k := range order {
		rank[k] = i
	}
	out := make([]int, len(keys))
	for i, k := range keys {
		if _, ok := rank[k]; !ok {
			return nil // a key the table does not know: keep the order asked
		}
		out[i] = i
	}
	sort.SliceStable(out, func(a, b int) bool { return rank[keys[out[a]]] < rank[keys[out[b]]] })
	return out
}

// resultKeyOrder is the atom order of the keys of the CLI's result maps
// ({"node":…,"value":…,"result":"ok"}, {"message":…,"node":…,"status":"ok"} …), obs-4.3.6.
var resultKeyOrder = []string{"message", "node", "value", "status", "result"}

// ResultOrder is the order in which the release writes a result object's keys, as
// indexes into keys; nil keeps the order given (which is 3.10's: node, result, value).
func (p Profile) ResultOrder(keys []string) []int {
	if !p.Has(JSONAtomKeyOrder) {
		return nil
	}
	return orderBy(resultKeyOrder, keys)
}
