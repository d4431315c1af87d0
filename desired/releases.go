package desired

import (
	"fmt"

	"github.com/rmqctl/rmqctl/compat"
)

// brokerFeature is something the management API of some releases does, that a plan
// depends on. The broker's version is asked only when a plan meets one.
type brokerFeature struct {
	// what the releases in since do, for messages ("protect vhosts from deletion")
	what   string
	since  compat.Releases
	source string
}

var (
	// An existing vhost's default queue type changes with PUT; 3.10 reads it only when
	// it creates the vhost.
	queueTypeUpdate = brokerFeature{"change an existing vhost's default queue type", releases("3.11.17"),
		"RN 3.11.17:69 (#8342); rabbit_vhost.erl:239,298 and wm_vhost.erl:66 at v3.10.8"}
	// POST/DELETE /api/vhosts/{vh}/deletion/protection, and the 412 of a protected
	// vhost's DELETE.
	deletionProtection = brokerFeature{"protect vhosts from deletion", releases("4.0.6"),
		"rabbit_mgmt_wm_vhost_deletion_protection.erl, first in v4.0.6"}
	// A topic permission names an exchange that must exist (no_such_exchange).
	topicExchangeChecked = brokerFeature{"refuse topic permissions on an exchange that does not exist", releases("4.3.2"),
		"rabbit_auth_backend_internal:set_topic_permissions/6 at v4.3.2 (#16590, RN 4.3.2:81)"}
)

func releases(vs ...string) compat.Releases {
	out := make(compat.Releases, len(vs))
	for i, v := range vs {
		out[i] = compat.MustParse(v)
	}
	return out
}

// brokerVersion asks for the broker's version at most once.
type brokerVersion struct {
	ask  func() (compat.Version, error)
	v    compat.Version
	err  error
	done bool
}

// has reports whether the broker's release has feature f. Without a way to ask,
// the broker is taken to be the newest release rmqctl knows.
func (b *brokerVersion) has(f brokerFeature) (bool, error) {
	if !b.done {
		b.done = true
		if b.ask == nil {
			b.v = compat.Newest().Version
		} else {
			b.v, b.err = b.ask()
		}
	}
	if b.err != nil {
		return false, b.err
	}
	return f.since.Contains(b.v), nil
}

// String says which releases do what ("RabbitMQ 4.0.6 and later protect …").
func (f brokerFeature) String() string {
	return fmt.Sprintf("RabbitMQ %s and later %s", f.since, f.what)
}

// lacks says that the broker's release does not have f, for a problem line.
func (b *brokerVersion) lacks(f brokerFeature) string {
	return fmt.Sprintf("%s; the broker runs %s", f, b.v)
}
