package desired

import (
	"fmt"

	"github.com/rmqctl/rmqctl/compat"
)

// brokerVersion asks for the broker's version at most once; the facts a plan depends
// on are compat's (compat/api.go).
type brokerVersion struct {
	ask  func() (compat.Version, error)
	v    compat.Version
	err  error
	done bool
}

// has reports whether the broker's release has change k. Without a way to ask, the
// broker is taken to be the newest release rmqctl knows.
func (b *brokerVersion) has(k compat.Key) (bool, error) {
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
	return compat.For(b.v).Has(k), nil
}

// lacks says that the broker's release does not have k, for a problem line
// ("RabbitMQ 4.0.6 and later protect vhosts from deletion; the broker runs 4.0.5").
func (b *brokerVersion) lacks(k compat.Key) string {
	c := compat.Lookup(k)
	return fmt.Sprintf("RabbitMQ %s and later %s; the broker runs %s", c.Since, c.Summary, b.v)
}
