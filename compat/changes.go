package compat

// Key names one change in rabbitmqctl's behaviour, as the newer behaviour.
type Key string

// Change is one difference between releases: what the releases in Since do that
// earlier ones do not.
type Change struct {
	Key   Key
	Since Releases
	// Until, when set, are the releases that undid the change.
	Until   Releases
	Summary string
	// Source is where the fact comes from: a file at a tag of rabbitmq-server, its
	// release notes (RN x.y.z), or an observation of Debian's build (obs-x.y.z).
	Source string
}

// The changes, by the release that brought them.
const (
	// DeleteMissingUserSucceeds: delete_user of a missing user exits 0 after its banner.
	DeleteMissingUserSucceeds Key = "delete_user.missing_ok"
	// NotFoundIsDataError: {:error, :not_found} answers become "Object (queue, stream,
	// exchange, etc) was not found", exit 65 (purge_queue of a missing queue …).
	NotFoundIsDataError Key = "not_found.dataerr"
	// UnsortedErrorKeys: unknown info keys (and other sets the CLI reports) come out in
	// Erlang 26's map order, the order of atom creation, which for keys typed by the
	// user is the order given; before, Erlang ≤ 25 sorted them.
	UnsortedErrorKeys Key = "errors.atom_order"
	// PlainUsageHeading: the "Usage" heading of argument errors is no longer bold.
	PlainUsageHeading Key = "usage.plain"
	// JSONAtomKeyOrder: --formatter json writes each row as an Erlang map through
	// thoas, so keys come in the release's atom order, not the order requested
	// (jsonorder.go). Error objects have string keys and stay sorted.
	JSONAtomKeyOrder Key = "json.atom_order"
	// JSONProplistObjects: --formatter json writes property lists (a queue's
	// effective_policy_definition) as objects, not lists of [key, value] pairs.
	JSONProplistObjects Key = "json.proplist_objects"
	// ClassicQueueLeader: list_queues shows a classic queue's node as its leader and
	// only member.
	ClassicQueueLeader Key = "list_queues.classic_leader"
	// ClearPermissionsUnchecked: clear_permissions and clear_topic_permissions no longer
	// check that the user and vhost exist: a missing one is a quiet success.
	ClearPermissionsUnchecked Key = "clear_permissions.unchecked"
	// QuorumCriticalCoversStreams: check_if_node_is_quorum_critical's banner speaks of
	// "queues/streams".
	QuorumCriticalCoversStreams Key = "check_if_node_is_quorum_critical.streams"
	// CertificateExpirationAllBanner: check_certificate_expiration's banner says "for
	// all certificates".
	CertificateExpirationAllBanner Key = "check_certificate_expiration.all"
	// LocalAlarmsNoOp: check_local_alarms is a deprecated no-op that always passes (local
	// alarms are gone) and says so in its banner.
	LocalAlarmsNoOp Key = "check_local_alarms.noop"
	// FeatureFlagGroupWording: enable_feature_flag "" says "feature flag (or group) name
	// cannot be an empty string".
	FeatureFlagGroupWording Key = "enable_feature_flag.group"
	// CPUCores: cluster_status shows each node's CPU cores and their total.
	CPUCores Key = "cluster_status.cpu_cores"
	// ClusterTags: cluster_status has a Cluster Tags section.
	ClusterTags Key = "cluster_status.cluster_tags"
	// NoRAMNodes: RAM nodes are gone; cluster_status has no RAM Nodes section or key.
	NoRAMNodes Key = "cluster_status.no_ram_nodes"
	// JSONMapAtomOrder: documents the CLI builds as Erlang maps (status, cluster_status)
	// come out in atom order, as maps iterate on Erlang/OTP 26+, which 4.0 requires;
	// before, in sorted order (OTP ≤ 25).
	JSONMapAtomOrder Key = "json.map_atom_order"
	// NodeTags: status has a Tags section (node tags).
	NodeTags Key = "status.tags"
	// NoFileDescriptors: status no longer reports file descriptors.
	NoFileDescriptors Key = "status.no_file_descriptors"
	// SupportStatusLink: status's release series support status is a link.
	SupportStatusLink Key = "status.support_status_link"
	// BinaryUnits: status --unit also takes k, ki/kib, m, mi/mib, g, gi/gib, t, ti/tib, p… .
	BinaryUnits Key = "status.binary_units"
	// NoSocketsLine: status's File Descriptors section has no Sockets line.
	NoSocketsLine Key = "status.no_sockets"
	// StatusInspectsTags: a stray debug print in status writes the node tags as an
	// Elixir term ("[]") between the banner and the Runtime section.
	StatusInspectsTags Key = "status.inspects_tags"
	// QueueTypeErrorTerm: add_vhost with an unknown --default-queue-type prints the
	// server's {:error, :invalid_queue_type, "x"} (and exits 0); before, "Error:
	// invalid_queue_type" and 69.
	QueueTypeErrorTerm Key = "add_vhost.queue_type_term"
	// ClientChecksQueueType: add_vhost checks --default-queue-type before anything else
	// ("Bad argument: Default queue type must be one of …", 65).
	ClientChecksQueueType Key = "add_vhost.queue_type_checked"
	// UnsupportedQueueType: add_vhost with an unknown queue type says "Unsupported
	// default queue type" (64) (3.11.0 to 3.13.3).
	UnsupportedQueueType Key = "add_vhost.unsupported_queue_type"
	// NoSupportStatusJSON: status JSON has no release_series_support_status.
	NoSupportStatusJSON Key = "status.no_support_status_json"
	// DeleteQueuePreconditionTerm: delete_queue --if-empty/--if-unused refusals print
	// the server's precondition_failed term (69).
	DeleteQueuePreconditionTerm Key = "delete_queue.precondition_term"
	// NoSuchQueueWording: delete_queue of a missing queue says "No such queue was found".
	NoSuchQueueWording Key = "delete_queue.no_such_queue"
	// CSVPlainLists: the csv formatter writes an empty list as an empty field.
	CSVPlainLists Key = "csv.plain_lists"
	// DeprecatedFeaturesPrettyTable: list_deprecated_features defaults to pretty_table.
	DeprecatedFeaturesPrettyTable Key = "list_deprecated_features.pretty"
	// NodeHealthCheckNoOp: node_health_check is a deprecated no-op.
	NodeHealthCheckNoOp Key = "node_health_check.noop"
	// ImportWatchLogs: import_definitions' success text ends "Watch target node logs
	// for completion."
	ImportWatchLogs Key = "import_definitions.watch_logs"
)

var changes = []Change{
	{Key: DeleteMissingUserSucceeds, Since: since("3.12.0"),
		Summary: "delete_user of a missing user succeeds (exit 0)",
		Source:  "rabbit_auth_backend_internal:delete_user/2 returns ok for a missing user from v3.12.0; obs-4.0.5, obs-4.3.6"},
	{Key: NotFoundIsDataError, Since: since("3.11.16"),
		Summary: "not_found errors print \"Object (queue, stream, exchange, etc) was not found\" and exit 65",
		Source:  "rabbitmqctl.ex:490-502 and core/exit_codes.ex:45-47 at v4.3.5, first in v3.11.16"},
	{Key: UnsortedErrorKeys, Since: since("3.13.0"),
		Summary: "unknown info keys are listed in the order given, not sorted",
		Source:  "ctl/info_keys.ex invalid_info_keys/2 returns MapSet.to_list/1, whose order is Erlang's map order: sorted up to OTP 25, atom order from OTP 26, which 3.13.0 requires (3.12 runs on either); obs-4.0.5, obs-4.3.6"},
	{Key: PlainUsageHeading, Since: since("4.0.0"),
		Summary: "the Usage heading of argument errors is plain text",
		Source:  "obs-3.10.8 (bold), obs-4.0.5, obs-4.3.6 (plain)"},
	{Key: JSONAtomKeyOrder, Since: since("4.2.6"),
		Summary: "JSON rows have their keys in the release's atom order",
		Source:  "RabbitMQ.CLI.Core.JSON (thoas + normalize, proplists become maps) from v4.2.6 and v4.3.0 (commit 12ebba5e4f); obs-4.3.6"},
	{Key: JSONProplistObjects, Since: since("4.2.6"),
		Summary: "JSON: property lists become objects ({\"max-length\":10}, not [[\"max-length\",10]])",
		Source:  "core/json.ex normalize/1 from v4.2.6 and v4.3.0; obs-4.0.5 (pairs), obs-4.3.6 (object)"},
	{Key: ClassicQueueLeader, Since: since("4.0.3"),
		Summary: "list_queues leader and members of a classic queue are its node",
		Source:  "rabbit_amqqueue_process.erl i(leader)/i(members), first in v4.0.3; obs-4.3.6"},
	{Key: ClearPermissionsUnchecked, Since: since("3.12.0"),
		Summary: "clear_permissions/clear_topic_permissions of a missing user or vhost succeed",
		Source:  "rabbit_auth_backend_internal:clear_permissions/3 calls rabbit_db_user without with_user_and_vhost from v3.12.0; obs-4.3.6"},
	{Key: QuorumCriticalCoversStreams, Since: since("3.11.4"),
		Summary: "check_if_node_is_quorum_critical speaks of queues/streams: banner, \"reported no queues/streams with minimum quorum\", \"… will become unavailable if node N stops\"",
		Source:  "queues/commands/check_if_node_is_quorum_critical_command.ex banner, first in v3.11.4; obs-4.3.6"},
	{Key: CertificateExpirationAllBanner, Since: since("4.0.6"),
		Summary: "check_certificate_expiration: \"Checking certificate expiration for all certificates on node …\"",
		Source:  "diagnostics/commands/check_certificate_expiration_command.ex banner, first in v4.0.6; obs-4.3.6"},
	{Key: LocalAlarmsNoOp, Since: since("4.3.0"),
		Summary: "check_local_alarms is a deprecated no-op",
		Source:  "diagnostics/commands/check_local_alarms_command.ex, commit 4491083397, first in v4.3.0; obs-4.3.6"},
	{Key: FeatureFlagGroupWording, Since: since("4.0.0"),
		Summary: "enable_feature_flag \"\": \"feature flag (or group) name cannot be an empty string\"",
		Source:  "ctl/commands/enable_feature_flag_command.ex validate/2, first in v4.0.0; obs-4.3.6"},
	{Key: CPUCores, Since: since("3.10.18"),
		Summary: "cluster_status: Total CPU cores available cluster-wide, a CPU Cores section, cpu_cores in JSON",
		Source:  "ctl/commands/cluster_status_command.ex, first in v3.10.18; obs-4.0.5, obs-4.3.6"},
	{Key: ClusterTags, Since: since("4.0.4"),
		Summary: "cluster_status: a Cluster Tags section, cluster_tags in JSON",
		Source:  "ctl/commands/cluster_status_command.ex, first in v4.0.4; obs-4.0.5"},
	{Key: NoRAMNodes, Since: since("4.3.0"),
		Summary: "cluster_status: no RAM Nodes section, no ram_nodes in JSON",
		Source:  "ctl/commands/cluster_status_command.ex, last in v4.2.9; obs-4.3.6"},
	{Key: JSONMapAtomOrder, Since: since("3.13.0"),
		Summary: "status and cluster_status JSON keys in Erlang/OTP 26's map order",
		Source:  "OTP 26 orders small maps' atom keys by atom index; 3.13.0 requires OTP 26+ (3.12 runs on either); obs-4.0.5, obs-4.3.6"},
	{Key: NodeTags, Since: since("4.0.4"),
		Summary: "status: a Tags section after Alarms",
		Source:  "ctl/commands/status_command.ex, first in v4.0.4; obs-4.3.6"},
	{Key: NoFileDescriptors, Since: since("4.3.0"),
		Summary: "status: no File Descriptors section, no file_descriptors in JSON",
		Source:  "ctl/commands/status_command.ex, last in v4.2.9; obs-4.3.6"},
	{Key: SupportStatusLink, Since: since("3.13.4"),
		Summary: "status: \"RabbitMQ release series support status: see https://www.rabbitmq.com/release-information\"",
		Source:  "ctl/commands/status_command.ex, first in v3.13.4; obs-4.3.6"},
	{Key: BinaryUnits, Since: since("3.13.0"),
		Summary: "status --unit takes binary units; the error lists bytes, mb, mib, gb, gib, tb, tib",
		Source:  "information_unit.ex known_units/0 and status_command.ex validate/2, first in v3.13.0; obs-4.3.6"},
	{Key: NoSocketsLine, Since: since("4.0.0"),
		Summary: "status: File Descriptors has only its Total line",
		Source:  "ctl/commands/status_command.ex, last in v3.13.7; obs-4.0.5"},
	{Key: StatusInspectsTags, Since: since("4.0.4"), Until: since("4.1.3"),
		Summary: "status prints the node tags term (\"[]\") before Runtime",
		Source:  "IO.inspect(m[:tags]) in ctl/commands/status_command.ex, v4.0.4 to v4.1.2; obs-4.0.5"},
	{Key: UnsupportedQueueType, Since: since("3.11.0"),
		Summary: "add_vhost --default-queue-type bogus: \"Error:\\nUnsupported default queue type\", 64",
		Source:  "ctl/commands/add_vhost_command.ex:48 output/2, first in v3.11.0; obs-3.10.8 says invalid_queue_type (69)"},
	{Key: QueueTypeErrorTerm, Since: since("3.13.4"),
		Summary: "add_vhost --default-queue-type bogus prints {:error, :invalid_queue_type, \"bogus\"} (exit 0)",
		Source:  "rabbit_vhost.erl:186 throws a 3-tuple from v3.13.4 that no output/2 clause matches; obs-4.0.5"},
	{Key: NoSupportStatusJSON, Since: since("4.0.5"),
		Summary: "status JSON has no release_series_support_status",
		Source:  "rabbit.erl status/0, key gone in v4.0.5; obs-4.0.5"},
	{Key: DeleteQueuePreconditionTerm, Since: since("3.12.5"),
		Summary: "delete_queue --if-empty/--if-unused refused: Error: {:amqp_error, :precondition_failed, ~c\"queue 'q' in vhost 'v' not empty\", :none}, 69",
		Source:  "ctl/commands/delete_queue_command.ex:60 calls rabbit_amqqueue:delete_with/4 from v3.12.5 and v3.13.0; obs-4.3.6"},
	{Key: NoSuchQueueWording, Since: since("4.1.0"),
		Summary: "delete_queue of a missing queue: \"No such queue was found\"",
		Source:  "ctl/commands/delete_queue_command.ex:83, first in v4.1.0; obs-4.3.6"},
	{Key: CSVPlainLists, Since: since("4.1.5", "4.2.0"),
		Summary: "csv: an empty list is an empty field (lists of names crash the real CLI)",
		Source:  "formatters/csv.ex lost its List/PID/Tuple/Map encoders in v4.1.5 and v4.2.0 (commit 0555f1f6bc)"},
	{Key: DeprecatedFeaturesPrettyTable, Since: since("4.1.3", "4.2.0"),
		Summary: "list_deprecated_features prints a pretty table by default",
		Source:  "ctl/commands/list_deprecated_features_command.ex formatter/0, first in v4.1.3 and v4.2.0"},
	{Key: NodeHealthCheckNoOp, Since: since("3.13.0"),
		Summary: "node_health_check is a deprecated no-op",
		Source:  "ctl/commands/node_health_check_command.ex:45, first in v3.13.0"},
	{Key: ImportWatchLogs, Since: since("3.11.27", "3.12.11"),
		Summary: "import_definitions: \"… Watch target node logs for completion.\"",
		Source:  "ctl/commands/import_definitions_command.ex:124, first in v3.11.27 and v3.12.11"},
	{Key: ClientChecksQueueType, Since: since("4.2.8", "4.3.2"),
		Summary: "add_vhost validates --default-queue-type itself (65)",
		Source:  "core/virtual_hosts.ex validate_default_queue_type, first in v4.2.8 and v4.3.2; obs-4.3.6"},
}

// commands are the commands that some supported release lacks.
var commands = []Command{
	{Name: "set_permissions_globally", Since: since("3.10.18"), Source: "ctl/commands/set_permissions_globally_command.ex, first in v3.10.18"},
	{Name: "update_vhost_metadata", Since: since("3.11.14"), Source: "first in v3.11.14"},
	{Name: "list_deprecated_features", Since: since("3.13.0"), Source: "first in v3.13.0"},
	{Name: "check_if_any_deprecated_features_are_used", Since: since("3.13.0"), Source: "diagnostics, first in v3.13.0"},
	{Name: "enable_vhost_deletion_protection", Since: since("4.0.6"), Source: "first in v4.0.6"},
	{Name: "disable_vhost_deletion_protection", Since: since("4.0.6"), Source: "first in v4.0.6"},
}

// infoKeys are the list columns that some supported release lacks.
var infoKeys = []InfoKey{
	{Command: "list_queues", Key: "operator_policy", Since: since("3.10.13"), Source: "list_queues_command.ex @info_keys, first in v3.10.13"},
	{Command: "list_queues", Key: "effective_policy_definition", Since: since("3.10.13"), Source: "first in v3.10.13"},
	{Command: "list_queues", Key: "slave_pids", Until: since("4.0.0"), Source: "classic queue mirroring removed in 4.0.0; obs-4.0.5"},
	{Command: "list_queues", Key: "synchronised_slave_pids", Until: since("4.0.0"), Source: "classic queue mirroring removed in 4.0.0; obs-4.0.5"},
	{Command: "list_channels", Key: "global_prefetch_count", Until: since("4.0.3"), Source: "list_channels_command.ex @info_keys, gone in v4.0.3"},
	{Command: "list_vhosts", Key: "protected_from_deletion", Since: since("4.0.6"), Source: "list_vhosts_command.ex @info_keys, first in v4.0.6; obs-4.0.5 rejects it"},
	{Command: "list_vhosts", Key: "metadata", Since: since("4.0.6"), Source: "first in v4.0.6"},
	{Command: "list_deprecated_features", Key: "state", Since: since("4.1.3"), Source: "list_deprecated_features_command.ex @info_keys, first in v4.1.3 (RN 4.1.3:53); obs-4.0.5 lacks it"},
	{Command: "list_connections", Key: "container_id", Since: since("4.1.0"), Source: "list_connections_command.ex @info_keys, first in v4.1.0"},
	{Command: "list_connections", Key: "peer_cert_serial_number", Since: since("4.2.7", "4.3.1"), Source: "first in v4.2.7 and v4.3.1"},
}
