package compat

import (
	"fmt"
	"sort"
)

// What rabbitmqctl's sibling tools (rabbitmq-diagnostics, rabbitmq-queues,
// rabbitmq-streams, rabbitmq-upgrade, rabbitmq-plugins) and the rabbitmqctl commands
// of plugins (shovel, federation, stream) do where releases differ. Sources are files
// of rabbitmq-server at a tag (deps/rabbitmq_cli/lib/rabbitmq/cli/… abbreviated as
// diagnostics/…, queues/…, upgrade/…), the management dispatcher's routes
// (rabbit_mgmt_dispatcher.erl and the plugins' dispatcher/0), or observations of
// Debian's builds (obs-x.y.z). "first in" is the first release tag, out of every
// 3.10–4.3 tag, whose file has it (/work/notes/firsttag.sh).

// Tool names as the commands' scopes know them.
const (
	Rabbitmqctl = "rabbitmqctl"
	Diagnostics = "rabbitmq-diagnostics"
	Queues      = "rabbitmq-queues"
	Streams     = "rabbitmq-streams"
	Upgrade     = "rabbitmq-upgrade"
	Plugins     = "rabbitmq-plugins"
)

// ToolCommand is a command of some tools that not every release has (Since, Until:
// its CLI history), or that the management API serves only from some release on
// (HTTPSince) or up to some release (HTTPUntil).
type ToolCommand struct {
	Tools                []string
	Name                 string
	Since, Until         Releases
	HTTPSince, HTTPUntil Releases
	// HTTP names what serves it, for messages: "the route POST /api/…".
	HTTP   string
	Source string
}

var toolCommandIndex = map[string]ToolCommand{}

// The tools' tables join the indexes of profile.go.
func init() {
	for _, c := range toolChanges {
		if _, dup := changeByKey[c.Key]; dup {
			panic("compat: change listed twice: " + string(c.Key))
		}
		changeByKey[c.Key] = c
	}
	for _, c := range toolCommands {
		for _, t := range c.Tools {
			toolCommandIndex[t+" "+c.Name] = c
		}
	}
}

// VersionedTool reports whether the tool's command exists, or is served over HTTP,
// only in some releases (so that running it needs the broker's version).
func VersionedTool(tool, name string) bool {
	_, ok := toolCommandIndex[tool+" "+name]
	return ok
}

// ToolCommandError says why the release's tool has no such command ("" when it has).
func (p Profile) ToolCommandError(tool, name string) string {
	c, ok := toolCommandIndex[tool+" "+name]
	switch {
	case !ok:
		return ""
	case len(c.Since) > 0 && !c.Since.Contains(p.Version):
		return fmt.Sprintf("%s is not supported by RabbitMQ %s: it was added in RabbitMQ %s", name, p.Version, c.Since)
	case len(c.Until) > 0 && c.Until.Contains(p.Version):
		return fmt.Sprintf("%s is not supported by RabbitMQ %s: it was removed in RabbitMQ %s", name, p.Version, c.Until)
	}
	return ""
}

// ToolHTTPError says why the release's management API cannot serve the command that
// its tool has ("" when it can).
func (p Profile) ToolHTTPError(tool, name string) string {
	c, ok := toolCommandIndex[tool+" "+name]
	switch {
	case !ok:
		return ""
	case len(c.HTTPSince) > 0 && !c.HTTPSince.Contains(p.Version):
		return fmt.Sprintf("%s cannot be served over HTTP by RabbitMQ %s: the management API has %s from RabbitMQ %s", name, p.Version, c.HTTP, c.HTTPSince)
	case len(c.HTTPUntil) > 0 && c.HTTPUntil.Contains(p.Version):
		return fmt.Sprintf("%s cannot be served over HTTP by RabbitMQ %s: the management API has %s only before RabbitMQ %s", name, p.Version, c.HTTP, c.HTTPUntil)
	}
	return ""
}

var (
	diagnosticsOnly = []string{Diagnostics}
	queuesOnly      = []string{Queues}
	diagAndQueues   = []string{Diagnostics, Queues}
	allScopes       = []string{Rabbitmqctl, Diagnostics, Upgrade}
	streamScopes    = []string{Rabbitmqctl, Diagnostics, Streams}
)

// toolCommands are the commands of the sibling tools that some supported release
// lacks or cannot serve over HTTP.
var toolCommands = []ToolCommand{
	{Tools: diagnosticsOnly, Name: "list_policies_that_match", Since: since("3.11.26", "3.12.9"),
		Source: "diagnostics/commands/list_policies_that_match.ex, first in v3.11.26, v3.12.9 and v3.13.0"},
	{Tools: []string{Diagnostics, Queues}, Name: "check_if_cluster_has_classic_queue_mirroring_policy", Since: since("3.13.0"),
		Source: "diagnostics/commands/check_if_cluster_has_classic_queue_mirroring_policy_command.ex, first in v3.13.0"},
	{Tools: diagAndQueues, Name: "list_policies_with_classic_queue_mirroring", Since: since("3.13.0"),
		Source: "queues/commands/list_policies_with_classic_queue_mirroring_command.ex, first in v3.13.0"},
	{Tools: diagAndQueues, Name: "list_operator_policies_with_classic_queue_mirroring", Since: since("3.13.0"),
		Source: "queues/commands/list_operator_policies_with_classic_queue_mirroring_command.ex, first in v3.13.0"},
	{Tools: diagnosticsOnly, Name: "check_if_metadata_store_is_initialized", Since: since("4.0.6"),
		HTTP: "/api/health/checks/metadata-store/initialized", HTTPSince: since("4.0.6"),
		Source: "diagnostics/commands/check_if_metadata_store_is_initialized_command.ex and the route, first in v4.0.6"},
	{Tools: diagnosticsOnly, Name: "check_if_metadata_store_is_initialized_with_data", Since: since("4.0.6"),
		HTTP: "/api/health/checks/metadata-store/initialized/with-data", HTTPSince: since("4.0.6"),
		Source: "diagnostics/commands/check_if_metadata_store_is_initialized_with_data_command.ex and the route, first in v4.0.6"},
	{Tools: diagnosticsOnly, Name: "check_for_quorum_queues_without_an_elected_leader", Since: since("4.0.8"),
		HTTP: "/api/health/checks/quorum-queues-without-elected-leaders", HTTPSince: since("4.1.0"),
		Source: "diagnostics/commands/check_for_quorum_queues_without_an_elected_leader_command.ex, first in v4.0.8; the route first in v4.1.0 (RN 4.1.0:513-537)"},
	{Tools: allScopes, Name: "has_reached_target_cluster_size", Since: since("4.2.4"),
		HTTP: "/api/health/checks/reached-target-cluster-size", HTTPSince: since("4.2.4"),
		Source: "upgrade/commands/has_reached_target_cluster_size_command.ex and the route, first in v4.2.4"},
	{Tools: diagAndQueues, Name: "quorum_status",
		HTTP: "GET /api/queues/quorum/{vhost}/{queue}/status", HTTPSince: since("3.13.7"),
		Source: "rabbit_mgmt_dispatcher.erl, the route first in v3.13.7 (RN 3.13.7:125)"},
	{Tools: queuesOnly, Name: "add_member", HTTP: "POST /api/queues/quorum/{vhost}/{queue}/replicas/add", HTTPSince: since("3.11.19", "3.12.1"),
		Source: "rabbit_mgmt_dispatcher.erl, first in v3.11.19 and v3.12.1 (RN 3.12.1:94-102)"},
	{Tools: queuesOnly, Name: "delete_member", HTTP: "DELETE /api/queues/quorum/{vhost}/{queue}/replicas/delete", HTTPSince: since("3.11.19", "3.12.1"),
		Source: "rabbit_mgmt_dispatcher.erl, first in v3.11.19 and v3.12.1"},
	{Tools: queuesOnly, Name: "grow", HTTP: "POST /api/queues/quorum/replicas/on/{node}/grow", HTTPSince: since("3.11.19", "3.12.1"),
		Source: "rabbit_mgmt_dispatcher.erl, first in v3.11.19 and v3.12.1"},
	{Tools: queuesOnly, Name: "shrink", HTTP: "DELETE /api/queues/quorum/replicas/on/{node}/shrink", HTTPSince: since("3.11.19", "3.12.1"),
		Source: "rabbit_mgmt_dispatcher.erl, first in v3.11.19 and v3.12.1"},
	{Tools: []string{Upgrade}, Name: "await_online_synchronized_mirror", Until: since("4.0.0"),
		Source: "upgrade/commands/await_online_synchronized_mirror_command.ex, last in v3.13.7"},
	{Tools: streamScopes, Name: "list_stream_tracking", Since: since("3.13.0"),
		HTTP: "GET /api/stream/{vhost}/{stream}/tracking", HTTPSince: since("3.13.0"),
		Source: "rabbitmq_stream Elixir.RabbitMQ.CLI.Ctl.Commands.ListStreamTrackingCommand.erl and rabbit_stream_tracking_mgmt.erl, first in v3.13.0"},
	{Tools: []string{Plugins}, Name: "directories", HTTP: "GET /api/config/effective", HTTPSince: since("3.10.13", "3.11.5"),
		Source: "rabbit_mgmt_dispatcher.erl, the route first in v3.10.13 and v3.11.5"},
	{Tools: []string{Streams}, Name: "add_super_stream",
		HTTP: "PUT /api/stream/super-streams/{vhost}/{name}", HTTPSince: since("4.1.1"),
		Source: "rabbit_stream_super_stream_mgmt.erl, first in v4.1.1 (no 4.0.x has it); obs-4.0.5"},
}

// Keys of the sibling tools' changes.
const (
	// QuorumStatusQueueWording: quorum_status's banner says "Status of queue" (was
	// "Status of quorum queue").
	QuorumStatusQueueWording Key = "quorum_status.queue"
	// RaQueueType: the quorum queue commands go through rabbit_queue_type_ra: a classic
	// queue is {:unsupported, :rabbit_classic_queue} (was "Cannot get quorum status of a
	// classic queue" / "Cannot add members to a classic queue"), and quorum_status of a
	// missing queue "queue 'q' was not found in virtual host 'v'" (65).
	RaQueueType Key = "queues.ra_queue_type"
	// AddMemberWording: add_member's banner says "Adding a member for queue …" (was
	// "Adding a replica for queue …").
	AddMemberWording Key = "add_member.member"
	// MirrorSyncNoOp: check_if_node_is_mirror_sync_critical is a deprecated no-op.
	MirrorSyncNoOp Key = "check_if_node_is_mirror_sync_critical.noop"
	// PortConnectivityProgress: check_port_connectivity takes --address, says how it
	// finds the node ("using hostname resolution") and prints "Will connect to
	// host:port" before each connection (and "Error connecting to host:port: err").
	PortConnectivityProgress Key = "check_port_connectivity.progress"
	// GrowShrinkQueuesWording: grow's and shrink's banners say "queues" (were
	// "quorum queues").
	GrowShrinkQueuesWording Key = "grow.queues"
	// RebalanceStreams: rebalance takes all, quorum or stream (was all, classic or
	// quorum) and counts leaders per queue type present (was quorum and replicated
	// classic queues, always both).
	RebalanceStreams Key = "rebalance.streams"
	// AwaitQuorumStreams: await_online_quorum_plus_one waits for "quorum queues and
	// streams" (banner, time-out message).
	AwaitQuorumStreams Key = "await_online_quorum_plus_one.streams"
	// ShovelBlockedStatus: shovel_status's state is the running shovel's
	// blocked_status (running, blocked, flow).
	ShovelBlockedStatus Key = "shovel_status.blocked_status"
	// ShovelMetrics: shovel_status adds pending, remaining, remaining_unacked and
	// forwarded.
	ShovelMetrics Key = "shovel_status.metrics"
	// DeleteShovelClearsParameter: delete_shovel of a shovel it cannot find clears the
	// runtime parameter anyway and says so ("… will delete its runtime parameter...").
	DeleteShovelClearsParameter Key = "delete_shovel.clears_parameter"
	// DeleteShovelForce: delete_shovel takes --force.
	DeleteShovelForce Key = "delete_shovel.force"
	// CowlibInBroker: cowlib is a dependency of the broker itself, no longer one of
	// the plugins' libraries (is_enabled's "Enabled plugins and dependencies").
	CowlibInBroker Key = "plugins.cowlib_in_broker"
	// PluginVersionStrings: rabbitmq-plugins list's JSON has the versions as strings
	// (before: Erlang strings, lists of character codes).
	PluginVersionStrings Key = "plugins.list.version_strings"
	// SuperStreamsNotExperimental: the super stream commands' banners no longer say
	// "(experimental feature)" ("Deleting a super stream...").
	SuperStreamsNotExperimental Key = "super_stream.not_experimental"
)

var toolChanges = []Change{
	{Key: QuorumStatusQueueWording, Since: since("4.3.0"),
		Summary: "quorum_status: \"Status of queue Q on node N ...\"",
		Source:  "queues/commands/quorum_status_command.ex banner, first in v4.3.0"},
	{Key: RaQueueType, Since: since("4.3.0"),
		Summary: "quorum queue commands call rabbit_queue_type_ra: {:unsupported, :rabbit_classic_queue}; quorum_status of a missing queue is {:not_found, :queue, vh, q}",
		Source:  "queues/commands/{quorum_status,add_member,delete_member}_command.ex run/2, first in v4.3.0; obs-4.3.6"},
	{Key: AddMemberWording, Since: since("4.3.0"),
		Summary: "add_member: \"Adding a member for queue Q on node N...\"",
		Source:  "queues/commands/add_member_command.ex banner, first in v4.3.0"},
	{Key: MirrorSyncNoOp, Since: since("4.0.0"),
		Summary: "check_if_node_is_mirror_sync_critical is a deprecated no-op (\"ok\")",
		Source:  "queues/commands/check_if_node_is_mirror_sync_critical_command.ex@v4.0.0; the route /api/health/checks/node-is-mirror-sync-critical is gone in v4.0.0; obs-4.3.6"},
	{Key: PortConnectivityProgress, Since: since("3.10.15", "3.11.7"),
		Summary: "check_port_connectivity: \"Will connect to host:port\" per listener",
		Source:  "diagnostics/diagnostics_helpers.ex check_port_connectivity/4, first in v3.10.15 and v3.11.7; obs-4.3.6"},
	{Key: GrowShrinkQueuesWording, Since: since("4.3.0"),
		Summary: "grow: \"Growing all queues on N...\"; shrink: \"Shrinking queues on N...\"",
		Source:  "queues/commands/{grow,shrink}_command.ex banners, first in v4.3.0; obs-4.3.6"},
	{Key: RebalanceStreams, Since: since("3.12.0"),
		Summary: "rebalance < all | quorum | stream >; a column per queue type present",
		Source:  "queues/commands/rebalance_command.ex @known_types and rabbit_amqqueue.erl column_name/1, first in v3.12.0"},
	{Key: AwaitQuorumStreams, Since: since("3.11.6"),
		Summary: "await_online_quorum_plus_one: \"… for all quorum queues and streams …\", \"… some quorum queues or streams\"",
		Source:  "upgrade/commands/await_online_quorum_plus_one_command.ex, first in v3.11.6"},
	{Key: ShovelBlockedStatus, Since: since("3.11.5"),
		Summary: "shovel_status: state is the blocked status of a running shovel",
		Source:  "rabbitmq_shovel Elixir.RabbitMQ.CLI.Ctl.Commands.ShovelStatusCommand.erl fmt_status/2, first in v3.11.5"},
	{Key: ShovelMetrics, Since: since("4.1.4"),
		Summary: "shovel_status: pending, remaining, remaining_unacked, forwarded columns",
		Source:  "ShovelStatusCommand.erl fmt_metrics/2, first in v4.1.4; obs-4.3.6"},
	{Key: DeleteShovelClearsParameter, Since: since("3.13.3"),
		Summary: "delete_shovel of an unknown shovel clears its parameter: \"… It may be failing to connect and report its state, will delete its runtime parameter...\"",
		Source:  "rabbitmq_shovel Elixir.RabbitMQ.CLI.Ctl.Commands.DeleteShovelCommand.erl run/2, first in v3.13.3"},
	{Key: DeleteShovelForce, Since: since("4.2.0"),
		Summary: "delete_shovel --force",
		Source:  "DeleteShovelCommand.erl switches/0, first in v4.2.0"},
	{Key: CowlibInBroker, Since: since("4.1.0"),
		Summary: "cowlib is the broker's dependency, not listed among the plugins' dependencies",
		Source:  "deps/rabbit/Makefile DEPS has cowlib from v4.1.0; obs-3.10.8 lists it, obs-4.3.6 does not"},
	{Key: PluginVersionStrings, Since: since("3.13.1"),
		Summary: "rabbitmq-plugins list JSON: version and running_version are strings",
		Source:  "plugins/commands/list_command.ex to_string(version), first in v3.13.1; obs-4.0.5"},
	{Key: SuperStreamsNotExperimental, Since: since("3.11.0"),
		Summary: "delete_super_stream: \"Deleting a super stream...\" (was \"Deleting a super stream (experimental feature)...\")",
		Source:  "rabbitmq_stream Elixir.RabbitMQ.CLI.Ctl.Commands.DeleteSuperStreamCommand.erl banner/2, first in v3.11.0; obs-3.10.8"},
}

// keyKind is how the CLI built a JSON object, which decides the order of its keys.
type keyKind int

const (
	// stringMap: an Elixir map with string keys: sorted until 4.2.6 and 4.3.0 turned
	// them into atoms (JSONAtomKeyOrder), then in atom order.
	stringMap keyKind = iota
	// atomMap: a map with atom keys: sorted on Erlang/OTP ≤ 25, in atom order from
	// 3.13.0, which requires OTP 26 (JSONMapAtomOrder).
	atomMap
	// keywordList: a keyword list: in the order built until it became a map (4.2.6,
	// 4.3.0), then in atom order.
	keywordList
)

type objectOrder struct {
	kind keyKind
	// atoms is the keys' atom order (obs-4.3.6; obs-4.0.5 for atom maps).
	atoms []string
	// before, when set, is the atom order of the releases that lack change key (the
	// VM's atom table, and so the order, moved with that change).
	before map[Key][]string
}

// objectOrders are the tools' JSON objects, by the name the command gives them.
var objectOrders = map[string]objectOrder{}

// registerOrder adds an object's key order (used by this file's tables).
func registerOrder(name string, kind keyKind, atoms ...string) {
	objectOrders[name] = objectOrder{kind: kind, atoms: atoms}
}

// registerOrderBefore adds the atom order of the releases that lack change key.
func registerOrderBefore(name string, key Key, atoms ...string) {
	o := objectOrders[name]
	if o.before == nil {
		o.before = map[Key][]string{}
	}
	o.before[key] = atoms
	objectOrders[name] = o
}

// ObjectOrder is the order in which the release's CLI writes the keys of one of the
// tools' JSON objects, as indexes into keys; nil keeps keys' order.
func (p Profile) ObjectOrder(object string, keys []string) []int {
	o, ok := objectOrders[object]
	if !ok {
		panic("compat: unknown JSON object " + object)
	}
	atomOrder := p.Has(JSONAtomKeyOrder) || (o.kind == atomMap && p.Has(JSONMapAtomOrder))
	switch {
	case atomOrder:
		for k, atoms := range o.before {
			if !p.Has(k) {
				return orderBy(atoms, keys)
			}
		}
		return orderBy(o.atoms, keys)
	case o.kind == keywordList:
		return nil
	}
	out := make([]int, len(keys))
	for i := range out {
		out[i] = i
	}
	sort.SliceStable(out, func(a, b int) bool { return keys[out[a]] < keys[out[b]] })
	return out
}
