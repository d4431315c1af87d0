package compat

// Key names one change in rabbitmqctl's behaviour, as the newer behaviour.
type Key string

// Change is one difference between releases: what the releases in Since do that
// earlier ones do not.
type Change struct {
	Key     Key
	Since   Releases
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
	// (jsonorder.go).
	JSONAtomKeyOrder Key = "json.atom_order"
	// ClassicQueueLeader: list_queues shows a classic queue's node as its leader and
	// only member.
	ClassicQueueLeader Key = "list_queues.classic_leader"
)

var changes = []Change{
	{Key: DeleteMissingUserSucceeds, Since: since("3.12.0"),
		Summary: "delete_user of a missing user succeeds (exit 0)",
		Source:  "rabbit_auth_backend_internal:delete_user/2 returns ok for a missing user from v3.12.0; obs-4.0.5, obs-4.3.6"},
	{Key: NotFoundIsDataError, Since: since("3.11.16"),
		Summary: "not_found errors print \"Object (queue, stream, exchange, etc) was not found\" and exit 65",
		Source:  "rabbitmqctl.ex:490-502 and core/exit_codes.ex:45-47 at v4.3.5, first in v3.11.16"},
	{Key: UnsortedErrorKeys, Since: since("4.0.0"),
		Summary: "unknown info keys are listed in the order given, not sorted",
		Source:  "ctl/info_keys.ex invalid_info_keys/2 returns MapSet.to_list/1, whose order is Erlang's map order: sorted up to OTP 25, atom order from OTP 26, which 4.0 requires; obs-4.0.5, obs-4.3.6"},
	{Key: PlainUsageHeading, Since: since("4.0.0"),
		Summary: "the Usage heading of argument errors is plain text",
		Source:  "obs-3.10.8 (bold), obs-4.0.5, obs-4.3.6 (plain)"},
	{Key: JSONAtomKeyOrder, Since: since("4.3.0"),
		Summary: "JSON rows have their keys in the release's atom order",
		Source:  "RabbitMQ.CLI.Core.JSON backed by :thoas from v4.3.0 (commit 12ebba5e4f); obs-4.3.6"},
	{Key: ClassicQueueLeader, Since: since("4.0.3"),
		Summary: "list_queues leader and members of a classic queue are its node",
		Source:  "rabbit_amqqueue_process.erl i(leader)/i(members), first in v4.0.3; obs-4.3.6"},
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
