package mgmtapi

import (
	"context"
	"net/http"
	"net/url"
)

// exchangeSegment names an exchange in a URL: the default exchange ("") is amq.default.
func exchangeSegment(name string) string {
	if name == "" {
		return "amq.default"
	}
	return name
}

// QueueSettings is the body of PUT /api/queues/{vhost}/{name}. The server runs an AMQP
// queue.declare, so every field is sent: omitted booleans would mean false.
type QueueSettings struct {
	Durable    bool           `json:"durable"`
	AutoDelete bool           `json:"auto_delete"`
	Arguments  map[string]any `json:"arguments"`
	// Node is the preferred node of the queue's leader.
	Node string `json:"node,omitempty"`
}

// DeclareQueue declares a queue: created (201), already there with the same properties
// (204), or a 400 *APIError naming the inequivalent property.
func (c *Client) DeclareQueue(ctx context.Context, vhost, name string, s QueueSettings) error {
	if s.Arguments == nil {
		s.Arguments = map[string]any{}
	}
	return c.do(ctx, request{method: http.MethodPut, path: Path("queues", vhost, name), body: s}, nil)
}

// GetQueue returns one queue with the given HTTP fields (all when none).
func (c *Client) GetQueue(ctx context.Context, vhost, name string, q ListQuery) (Item, error) {
	var it Item
	err := c.do(ctx, request{method: http.MethodGet, path: Path("queues", vhost, name), query: q.values()}, &it)
	return it, err
}

// DeleteQueue deletes a queue, only if it is empty and/or unused when asked. A queue
// that is not is a 400 *APIError.
func (c *Client) DeleteQueue(ctx context.Context, vhost, name string, ifEmpty, ifUnused bool) error {
	q := url.Values{}
	if ifEmpty {
		q.Set("if-empty", "true")
	}
	if ifUnused {
		q.Set("if-unused", "true")
	}
	return c.do(ctx, request{method: http.MethodDelete, path: Path("queues", vhost, name), query: q}, nil)
}

// PurgeQueue removes a queue's ready messages.
func (c *Client) PurgeQueue(ctx context.Context, vhost, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("queues", vhost, name, "contents")}, nil)
}

// ExchangeSettings is the body of PUT /api/exchanges/{vhost}/{name}; every field is
// sent, as for queues.
type ExchangeSettings struct {
	Type       string         `json:"type"`
	Durable    bool           `json:"durable"`
	AutoDelete bool           `json:"auto_delete"`
	Internal   bool           `json:"internal"`
	Arguments  map[string]any `json:"arguments"`
}

// DeclareExchange declares an exchange (201/204, or 400 when inequivalent).
func (c *Client) DeclareExchange(ctx context.Context, vhost, name string, s ExchangeSettings) error {
	if s.Arguments == nil {
		s.Arguments = map[string]any{}
	}
	return c.do(ctx, request{method: http.MethodPut, path: Path("exchanges", vhost, name), body: s}, nil)
}

// DeleteExchange deletes an exchange, only if it has no bindings when ifUnused.
func (c *Client) DeleteExchange(ctx context.Context, vhost, name string, ifUnused bool) error {
	q := url.Values{}
	if ifUnused {
		q.Set("if-unused", "true")
	}
	return c.do(ctx, request{method: http.MethodDelete, path: Path("exchanges", vhost, name), query: q}, nil)
}

// Binding names a binding's ends. DestinationType is "queue" or "exchange".
type Binding struct {
	Source          string
	Destination     string
	DestinationType string
}

func (b Binding) path(vhost string, rest ...string) string {
	d := "q"
	if b.DestinationType == "exchange" {
		d = "e"
	}
	return Path(append([]string{"bindings", vhost, "e", exchangeSegment(b.Source), d, b.Destination}, rest...)...)
}

// DeclareBinding binds destination to source (a binding that exists already is kept).
func (c *Client) DeclareBinding(ctx context.Context, vhost string, b Binding, routingKey string, args map[string]any) error {
	if args == nil {
		args = map[string]any{}
	}
	body := map[string]any{"routing_key": routingKey, "arguments": args}
	return c.do(ctx, request{method: http.MethodPost, path: b.path(vhost), body: body, idempotent: true}, nil)
}

// ListBindingsBetween streams the bindings from source to destination.
func (c *Client) ListBindingsBetween(ctx context.Context, vhost string, b Binding, fn func(Item) error) error {
	_, err := c.list(ctx, b.path(vhost), ListQuery{}, fn)
	return err
}

// DeleteBinding deletes one binding, named by its properties_key.
func (c *Client) DeleteBinding(ctx context.Context, vhost string, b Binding, propertiesKey string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: b.path(vhost, propertiesKey)}, nil)
}

// PublishRequest is the body of POST /api/exchanges/{vhost}/{exchange}/publish.
type PublishRequest struct {
	RoutingKey      string         `json:"routing_key"`
	Properties      map[string]any `json:"properties"`
	Payload         string         `json:"payload"`
	PayloadEncoding string         `json:"payload_encoding"`
}

// Publish publishes one message (mandatory, with a confirm) and reports whether it
// was routed to at least one queue.
func (c *Client) Publish(ctx context.Context, vhost, exchange string, p PublishRequest) (bool, error) {
	if p.Properties == nil {
		p.Properties = map[string]any{}
	}
	if p.PayloadEncoding == "" {
		p.PayloadEncoding = "string"
	}
	var out struct {
		Routed bool `json:"routed"`
	}
	err := c.do(ctx, request{method: http.MethodPost, path: Path("exchanges", vhost, exchangeSegment(exchange), "publish"), body: p}, &out)
	return out.Routed, err
}

// GetRequest is the body of POST /api/queues/{vhost}/{queue}/get.
type GetRequest struct {
	Count int `json:"count"`
	// AckMode is ack_requeue_true, ack_requeue_false, reject_requeue_true or reject_requeue_false.
	AckMode string `json:"ackmode"`
	// Encoding is auto (a string when the payload is valid UTF-8, else base64) or base64.
	Encoding string `json:"encoding"`
	Truncate int    `json:"truncate,omitempty"`
}

// GetMessages takes up to Count messages from a queue (a diagnostic tool, not a consumer).
func (c *Client) GetMessages(ctx context.Context, vhost, queue string, g GetRequest, fn func(Item) error) error {
	return stream(ctx, c, request{method: http.MethodPost, path: Path("queues", vhost, queue, "get"), body: g}, fn)
}

// CloseConnection closes a connection, named as the API names it, giving reason to the client.
func (c *Client) CloseConnection(ctx context.Context, name, reason string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("connections", name), headers: reasonHeader(reason)}, nil)
}

// CloseUserConnections closes every connection of user.
func (c *Client) CloseUserConnections(ctx context.Context, user, reason string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("connections", "username", user), headers: reasonHeader(reason)}, nil)
}

func reasonHeader(reason string) map[string]string {
	if reason == "" {
		return nil
	}
	return map[string]string{"X-Reason": reason}
}
