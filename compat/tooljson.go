package compat

// The JSON objects of the sibling tools' commands and the orders in which releases
// write their keys (keyKind in tools.go). atoms lists each object's keys in their
// Erlang atom order (obs-4.3.6 unless noted); keys missing from it keep the order
// the command builds.
func init() {
	registerOrder("alarms", stringMap, "message", "node", "result", "local", "global", "alarms")
	registerOrder("listeners", stringMap, "node", "result", "listeners")
	registerOrder("listener", atomMap, "node", "port", "protocol", "interface", "purpose")
	registerOrder("port_connectivity", stringMap, "node", "result", "failures")
	registerOrder("value", stringMap, "value", "result")
	registerOrder("message", stringMap, "message", "result")
	registerOrder("log_location", stringMap, "result", "node_name", "paths")
	registerOrder("auth_attempts", stringMap, "node", "result", "attempts")
	registerOrder("auth_attempt", atomMap, "remote_address", "username", "protocol", "auth_attempts",
		"auth_attempts_failed", "auth_attempts_succeeded")
	// memory_breakdown's categories (rabbit_vm:memory/0), largest first until 4.2.6
	registerOrder("memory_breakdown", keywordList, "atom", "binary", "code", "plugins", "mnesia",
		"connection_readers", "connection_writers", "connection_channels", "connection_other",
		"stream_queue_procs", "stream_queue_replica_reader_procs", "stream_queue_coordinator_procs",
		"queue_procs", "quorum_queue_procs", "quorum_queue_dlx_procs", "metadata_store", "other_proc",
		"metrics", "mgmt_db", "quorum_ets", "metadata_store_ets", "other_ets", "msg_index", "other_system",
		"allocated_unused", "reserved_unallocated")
	registerOrder("policies_that_match", stringMap, "message", "result", "policies")
	// a policy as rabbit_policy:list/0 gives it: a proplist (vhost, name, pattern,
	// apply-to, definition, priority) until it became a map
	registerOrder("policy", keywordList, "name", "priority", "pattern", "vhost", "apply-to", "definition")
	// grow's and shrink's rows: [vhost, name, size, result] until they became maps
	registerOrder("membership_result", keywordList, "name", "size", "result", "vhost")
	// a result map {"node","value","result"} (the existing rabbitmqctl results' order)
	registerOrder("node_value", stringMap, resultKeyOrder...)
	// rebalance's rows: proplists with binary keys, in the order built
	registerOrder("rebalance_row", keywordList)
	// rabbitmq-plugins list and directories
	registerOrder("plugins", atomMap, "status", "format", "plugins")
	registerOrder("plugin", atomMap, "enabled", "name", "running", "version", "running_version")
	registerOrder("directories", atomMap, "plugins_dir", "enabled_plugins_file", "plugins_expand_dir")
	// shovel_status and federation_status rows: maps with atom keys
	registerOrder("shovel", atomMap, "name", "pending", "type", "state", "source", "destination", "vhost",
		"last_changed", "termination_reason", "destination_protocol", "source_protocol", "source_queue",
		"destination_queue", "remaining", "remaining_unacked", "forwarded")
	registerOrderBefore("shovel", ShovelMetrics, "name", "type", "state", "source", "vhost", "destination",
		"last_changed", "termination_reason", "destination_protocol", "source_protocol", "source_queue",
		"destination_queue") // obs-4.0.5
	registerOrder("federation_link", atomMap, "error", "id", "status", "type", "exchange", "queue", "uri", "vhost",
		"last_changed", "local_connection", "upstream_exchange", "upstream_queue", "upstream")
	// the stream plugin's lists: rows in the columns' order
	for _, l := range []string{"list_stream_connections", "list_stream_consumers", "list_stream_publishers"} {
		registerOrder(l, keywordList)
	}
	// list_stream_tracking's rows: [{type, T}, {name, N}, {tracking_value, V}]
	registerOrder("list_stream_tracking", keywordList, "name", "type", "tracking_value")
}
