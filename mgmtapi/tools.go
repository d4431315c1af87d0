package mgmtapi

// Routes that rabbitmqctl's sibling tools and the plugins' commands need: auth
// attempts, quorum queue membership and status, rebalancing, shovels, federation
// links and the stream plugin's objects.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// getItems reads a JSON array answer into items.
func (c *Client) getItems(ctx context.Context, path string) ([]Item, error) {
	var out []Item
	_, err := c.list(ctx, path, ListQuery{}, func(it Item) error {
		out = append(out, it)
		return nil
	})
	return out, err
}

// AuthAttempts lists the node's authentication attempt counters per protocol, or per
// remote address and user when bySource (GET /api/auth/attempts/{node}[/source]).
func (c *Client) AuthAttempts(ctx context.Context, node string, bySource bool) ([]Item, error) {
	path := Path("auth", "attempts", node)
	if bySource {
		path = Path("auth", "attempts", node, "source")
	}
	return c.getItems(ctx, path)
}

// QuorumStatus is a quorum queue's Raft status, a row per member (3.13.7+). A failed
// status is answered 503 {"status":"failed","reason":…}: an *APIError.
func (c *Client) QuorumStatus(ctx context.Context, vhost, queue string) ([]Item, error) {
	return c.getItems(ctx, Path("queues", "quorum", vhost, queue, "status"))
}

// AddQuorumMember adds a member of the quorum queue on node (3.11.19, 3.12.1+).
// membership is "" (the server's default, promotable), "promotable", "voter" or
// "non_voter".
func (c *Client) AddQuorumMember(ctx context.Context, vhost, queue, node, membership string) error {
	body := map[string]string{"node": node}
	if membership != "" {
		body["membership"] = membership
	}
	return c.do(ctx, request{method: http.MethodPost, path: Path("queues", "quorum", vhost, queue, "replicas", "add"), body: body}, nil)
}

// DeleteQuorumMember removes the quorum queue's member on node.
func (c *Client) DeleteQuorumMember(ctx context.Context, vhost, queue, node string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("queues", "quorum", vhost, queue, "replicas", "delete"),
		body: map[string]string{"node": node}}, nil)
}

// GrowQuorumQueues adds a member on node to the matching quorum queues (all of them,
// or those with an even number of members: strategy "all" or "even").
func (c *Client) GrowQuorumQueues(ctx context.Context, node, vhostPattern, queuePattern, strategy, membership string) error {
	body := map[string]string{"vhost_pattern": vhostPattern, "queue_pattern": queuePattern, "strategy": strategy}
	if membership != "" {
		body["membership"] = membership
	}
	return c.do(ctx, request{method: http.MethodPost, path: Path("queues", "quorum", "replicas", "on", node, "grow"), body: body}, nil)
}

// ShrinkQuorumQueues removes the members on node of every quorum queue.
func (c *Client) ShrinkQuorumQueues(ctx context.Context, node string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("queues", "quorum", "replicas", "on", node, "shrink")}, nil)
}

// RebalanceQueues starts a rebalancing of every replicated queue's leader across the
// running nodes; the server does it after answering.
func (c *Client) RebalanceQueues(ctx context.Context) error {
	return c.do(ctx, request{method: http.MethodPost, path: "/rebalance/queues", body: map[string]any{}}, nil)
}

// ListShovels lists the shovels' status (rabbitmq_shovel_management), of one vhost
// when vhost is not "".
func (c *Client) ListShovels(ctx context.Context, vhost string) ([]Item, error) {
	return c.getItems(ctx, inVhost("shovels", vhost))
}

// DeleteShovel deletes a dynamic shovel.
func (c *Client) DeleteShovel(ctx context.Context, vhost, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("shovels", "vhost", vhost, name)}, nil)
}

// RestartShovel restarts a dynamic shovel.
func (c *Client) RestartShovel(ctx context.Context, vhost, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("shovels", "vhost", vhost, name, "restart")}, nil)
}

// ListFederationLinks lists the federation links (rabbitmq_federation_management),
// only those that are down when downOnly.
func (c *Client) ListFederationLinks(ctx context.Context, vhost string, downOnly bool) ([]Item, error) {
	path := inVhost("federation-links", vhost)
	switch {
	case downOnly && vhost == "":
		path = "/federation-links/state/down"
	case downOnly:
		path = Path("federation-links", vhost, "state", "down")
	}
	return c.getItems(ctx, path)
}

// RestartFederationLink restarts the link with this id on node.
func (c *Client) RestartFederationLink(ctx context.Context, vhost, id, node string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("federation-links", "vhost", vhost, id, node, "restart")}, nil)
}

// ListStreamObjects lists the stream plugin's connections, consumers or publishers
// (kind), of one vhost when vhost is not "" (rabbitmq_stream_management).
func (c *Client) ListStreamObjects(ctx context.Context, kind, vhost string, q ListQuery, fn func(Item) error) error {
	path := Path("stream", kind)
	if vhost != "" {
		path = Path("stream", kind, vhost)
	}
	_, err := c.list(ctx, path, q, fn)
	return err
}

// StreamTracking is a stream's offset and writer tracking (3.13.0+): typ "offset" or
// "writer" asks for one kind, "" for both.
func (c *Client) StreamTracking(ctx context.Context, vhost, stream, typ string) (Item, error) {
	var it Item
	q := url.Values{}
	if typ != "" {
		q.Set("type", typ)
	}
	err := c.do(ctx, request{method: http.MethodGet, path: Path("stream", vhost, stream, "tracking"), query: q}, &it)
	return it, err
}

// PutSuperStream declares a super stream (4.1.1+).
func (c *Client) PutSuperStream(ctx context.Context, vhost, name string, body map[string]any) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("stream", "super-streams", vhost, name), body: body}, nil)
}

// GetExchange returns one exchange (GET /api/exchanges/{vhost}/{name}); a missing
// exchange is a 404.
func (c *Client) GetExchange(ctx context.Context, vhost, name string) (Item, error) {
	var it Item
	err := c.do(ctx, request{method: http.MethodGet, path: Path("exchanges", vhost, exchangeSegment(name))}, &it)
	return it, err
}

// ExchangeSourceBindings lists the bindings whose source is the exchange (an empty
// list, not a 404, for a missing exchange).
func (c *Client) ExchangeSourceBindings(ctx context.Context, vhost, name string) ([]Item, error) {
	return c.getItems(ctx, Path("exchanges", vhost, exchangeSegment(name), "bindings", "source"))
}

// ResetAuthAttempts resets the node's authentication attempt counters.
func (c *Client) ResetAuthAttempts(ctx context.Context, node string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("auth", "attempts", node)}, nil)
}

// EffectiveConfig is the node's effective configuration (GET /api/config/effective,
// 3.10.13 and 3.11.5+): the applications' environment as Erlang terms, in text.
func (c *Client) EffectiveConfig(ctx context.Context) (string, error) {
	var b strings.Builder
	err := c.send(ctx, request{method: http.MethodGet, path: "/config/effective"}, func(body io.Reader) error {
		_, err := io.Copy(&b, body)
		return err
	})
	return b.String(), err
}
