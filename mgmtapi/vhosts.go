package mgmtapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// VhostInfo is a virtual host as GET /api/vhosts returns it.
type VhostInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Tags is a JSON array, or the string "" for vhosts rabbitmqctl made without tags.
	Tags any `json:"tags"`
	// DefaultQueueType is "undefined" on 3.10 when unset.
	DefaultQueueType string     `json:"default_queue_type"`
	Tracing          bool       `json:"tracing"`
	ClusterState     NodeStates `json:"cluster_state"`
	// ProtectedFromDeletion (4.0.6+) is nil on older releases.
	ProtectedFromDeletion *bool `json:"protected_from_deletion"`
	// Metadata (4.x) holds description, tags, default_queue_type, protected_from_deletion.
	Metadata *Object `json:"metadata"`
}

// NodeStates is a vhost's state on each node ({"rabbit@a":"running"}). A booting 4.0
// node may send a list instead of an object; it reads as no states.
type NodeStates map[string]string

// UnmarshalJSON reads an object of states, and anything else as none.
func (n *NodeStates) UnmarshalJSON(b []byte) error {
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		*n = nil
		return nil //nolint:nilerr // a list (booting node) or null means no states yet
	}
	*n = m
	return nil
}

// VhostSettings is the body of PUT /api/vhosts/{name}. The PUT is an upsert that
// replaces description and tags of an existing vhost, so send what should be kept.
type VhostSettings struct {
	Description      string
	Tags             []string
	DefaultQueueType string
	Tracing          *bool
}

func (s VhostSettings) body() map[string]any {
	b := map[string]any{
		"description": s.Description,
		"tags":        nonNil(s.Tags),
	}
	if s.DefaultQueueType != "" && s.DefaultQueueType != "undefined" {
		// 3.10 reads "defaultqueuetype"; 4.x reads "default_queue_type".
		b["defaultqueuetype"] = s.DefaultQueueType
		b["default_queue_type"] = s.DefaultQueueType
	}
	if s.Tracing != nil {
		b["tracing"] = *s.Tracing
	}
	return b
}

// ListVhosts calls fn for each vhost. columns, when given, trims the fields the server
// sends (HTTP field names).
func (c *Client) ListVhosts(ctx context.Context, columns []string, fn func(VhostInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: "/vhosts", query: columnsQuery(columns)}, fn)
}

// GetVhost returns one vhost; a missing one is a 404 *APIError.
func (c *Client) GetVhost(ctx context.Context, name string) (VhostInfo, error) {
	var v VhostInfo
	err := c.do(ctx, request{method: http.MethodGet, path: Path("vhosts", name)}, &v)
	return v, err
}

// PutVhost creates or updates a vhost (an upsert: see VhostSettings).
func (c *Client) PutVhost(ctx context.Context, name string, s VhostSettings) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("vhosts", name), body: s.body()}, nil)
}

// SetVhostDeletionProtection protects a vhost from deletion or lifts the protection
// (POST or DELETE /api/vhosts/{name}/deletion/protection, 4.0.6+).
func (c *Client) SetVhostDeletionProtection(ctx context.Context, name string, protect bool) error {
	method := http.MethodDelete
	if protect {
		method = http.MethodPost
	}
	return c.do(ctx, request{method: method, path: Path("vhosts", name, "deletion", "protection"), idempotent: true}, nil)
}

// DeleteVhost deletes a vhost; a missing one is a 404 *APIError.
func (c *Client) DeleteVhost(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("vhosts", name)}, nil)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func columnsQuery(columns []string) url.Values {
	if len(columns) == 0 {
		return nil
	}
	return url.Values{"columns": {strings.Join(columns, ",")}}
}
