package compat

// Facts about what a broker's management API does (not its rabbitmqctl), that
// declarative provisioning (apply/diff) depends on. They live here with the CLI's so
// that every difference between releases is in one place.
const (
	// VhostQueueTypeUpdate: PUT /api/vhosts/{vh} changes an existing vhost's default
	// queue type (3.10 reads it only when it creates the vhost).
	VhostQueueTypeUpdate Key = "api.vhost_queue_type_update"
	// VhostDeletionProtection: POST/DELETE /api/vhosts/{vh}/deletion/protection, and a
	// protected vhost's DELETE answers 412.
	VhostDeletionProtection Key = "api.vhost_deletion_protection"
	// TopicPermissionExchangeChecked: a topic permission must name an existing exchange
	// (400 no_such_exchange).
	TopicPermissionExchangeChecked Key = "api.topic_permission_exchange"
)

var apiChanges = []Change{
	{Key: VhostQueueTypeUpdate, Since: since("3.11.17"),
		Summary: "change an existing vhost's default queue type",
		Source:  "RN 3.11.17:69 (#8342); rabbit_vhost.erl:239,298 and wm_vhost.erl:66 at v3.10.8"},
	{Key: VhostDeletionProtection, Since: since("4.0.6"),
		Summary: "protect vhosts from deletion",
		Source:  "rabbit_mgmt_wm_vhost_deletion_protection.erl, first in v4.0.6"},
	{Key: TopicPermissionExchangeChecked, Since: since("4.3.2"),
		Summary: "refuse topic permissions on an exchange that does not exist",
		Source:  "rabbit_auth_backend_internal:set_topic_permissions/6 at v4.3.2 (#16590, RN 4.3.2:81)"},
}

// Lookup returns the change k (its summary, releases and source), for messages.
func Lookup(k Key) Change {
	c, ok := changeByKey[k]
	if !ok {
		panic("compat: unknown change " + string(k))
	}
	return c
}
