package mgmtapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// PolicySettings is the body of PUT /api/policies/{vhost}/{name} (and of operator
// policies). Definition is sent as given: the server validates its keys.
type PolicySettings struct {
	Pattern    string          `json:"pattern"`
	Definition json.RawMessage `json:"definition"`
	Priority   int             `json:"priority"`
	ApplyTo    string          `json:"apply-to"`
}

func policyKind(operator bool) string {
	if operator {
		return "operator-policies"
	}
	return "policies"
}

// ListPolicies streams the policies (or operator policies) of vhost ("" for all).
func (c *Client) ListPolicies(ctx context.Context, vhost string, operator bool, fn func(Item) error) error {
	_, err := c.list(ctx, inVhost(policyKind(operator), vhost), ListQuery{}, fn)
	return err
}

// PutPolicy creates or replaces a policy. A missing vhost is a 404, an invalid
// definition a 400 whose reason is the server's validation message.
func (c *Client) PutPolicy(ctx context.Context, vhost, name string, operator bool, s PolicySettings) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path(policyKind(operator), vhost, name), body: s}, nil)
}

// DeletePolicy deletes a policy; a missing one is a 404.
func (c *Client) DeletePolicy(ctx context.Context, vhost, name string, operator bool) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path(policyKind(operator), vhost, name)}, nil)
}

type valueBody struct {
	Value json.RawMessage `json:"value"`
}

// ListParameters streams every vhost-scoped runtime parameter (all components).
func (c *Client) ListParameters(ctx context.Context, fn func(Item) error) error {
	_, err := c.list(ctx, "/parameters", ListQuery{}, fn)
	return err
}

// PutParameter sets a runtime parameter of component in vhost.
func (c *Client) PutParameter(ctx context.Context, component, vhost, name string, value json.RawMessage) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("parameters", component, vhost, name), body: valueBody{value}}, nil)
}

// DeleteParameter clears a runtime parameter; a missing one is a 404.
func (c *Client) DeleteParameter(ctx context.Context, component, vhost, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("parameters", component, vhost, name)}, nil)
}

// ListGlobalParameters streams the global runtime parameters.
func (c *Client) ListGlobalParameters(ctx context.Context, fn func(Item) error) error {
	_, err := c.list(ctx, "/global-parameters", ListQuery{}, fn)
	return err
}

// PutGlobalParameter sets a global runtime parameter.
func (c *Client) PutGlobalParameter(ctx context.Context, name string, value json.RawMessage) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("global-parameters", name), body: valueBody{value}}, nil)
}

// DeleteGlobalParameter clears a global runtime parameter; a missing one is a 404.
func (c *Client) DeleteGlobalParameter(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("global-parameters", name)}, nil)
}

// ListVhostLimits streams {vhost, value} for vhost, or for every vhost with limits ("").
func (c *Client) ListVhostLimits(ctx context.Context, vhost string, fn func(Item) error) error {
	_, err := c.list(ctx, inVhost("vhost-limits", vhost), ListQuery{}, fn)
	return err
}

// PutVhostLimit sets one limit (max-connections, max-queues) of a vhost.
func (c *Client) PutVhostLimit(ctx context.Context, vhost, limit string, value json.RawMessage) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("vhost-limits", vhost, limit), body: valueBody{value}}, nil)
}

// DeleteVhostLimit removes one limit of a vhost.
func (c *Client) DeleteVhostLimit(ctx context.Context, vhost, limit string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("vhost-limits", vhost, limit)}, nil)
}

// ListUserLimits streams {user, value} for user, or for every user with limits ("").
func (c *Client) ListUserLimits(ctx context.Context, user string, fn func(Item) error) error {
	_, err := c.list(ctx, inVhost("user-limits", user), ListQuery{}, fn)
	return err
}

// PutUserLimit sets one limit (max-connections, max-channels) of a user.
func (c *Client) PutUserLimit(ctx context.Context, user, limit string, value json.RawMessage) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("user-limits", user, limit), body: valueBody{value}}, nil)
}

// DeleteUserLimit removes one limit of a user.
func (c *Client) DeleteUserLimit(ctx context.Context, user, limit string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("user-limits", user, limit)}, nil)
}

// SetClusterName renames the cluster.
func (c *Client) SetClusterName(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodPut, path: "/cluster-name", body: map[string]string{"name": name}}, nil)
}

// ListFeatureFlags streams the feature flags.
func (c *Client) ListFeatureFlags(ctx context.Context, fn func(Item) error) error {
	_, err := c.list(ctx, "/feature-flags", ListQuery{}, fn)
	return err
}

// EnableFeatureFlag enables one feature flag (enabling an enabled one is fine).
func (c *Client) EnableFeatureFlag(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("feature-flags", name, "enable"), body: map[string]any{}}, nil)
}

// ListNodes streams the cluster's nodes.
func (c *Client) ListNodes(ctx context.Context, fn func(Item) error) error {
	_, err := c.list(ctx, "/nodes", ListQuery{}, fn)
	return err
}

// ListNodeNames lists the cluster's node names (GET /api/nodes?columns=name).
func (c *Client) ListNodeNames(ctx context.Context) ([]string, error) {
	var names []string
	_, err := c.list(ctx, "/nodes", ListQuery{Columns: []string{"name"}}, func(it Item) error {
		if n, ok := it.Get("name").(string); ok {
			names = append(names, n)
		}
		return nil
	})
	return names, err
}

// GetNode returns one node, with its memory breakdown when memory is true.
func (c *Client) GetNode(ctx context.Context, name string, memory bool) (Item, error) {
	var it Item
	req := request{method: http.MethodGet, path: Path("nodes", name)}
	if memory {
		req.query = map[string][]string{"memory": {"true"}}
	}
	err := c.do(ctx, req, &it)
	return it, err
}

// GetOverview returns GET /api/overview as a generic object.
func (c *Client) GetOverview(ctx context.Context) (Item, error) {
	var it Item
	err := c.do(ctx, request{method: http.MethodGet, path: "/overview"}, &it)
	return it, err
}

// HealthCheck runs GET /api/health/checks/{check...}. A failed check is answered 503
// with {"status":"failed","reason":…}: it comes back as ok=false with the body, not
// as an error.
func (c *Client) HealthCheck(ctx context.Context, check ...string) (ok bool, body Item, err error) {
	err = c.do(ctx, request{method: http.MethodGet, path: Path(append([]string{"health", "checks"}, check...)...), failedIs503: true}, &body)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable {
		if v, perr := parseValue(ae.Body); perr == nil {
			if obj, ok := v.(*Object); ok {
				return false, obj, nil
			}
		}
		return false, NewObject("status", "failed", "reason", ae.Reason), nil
	}
	return err == nil, body, err
}

// ExportDefinitions writes the definitions document (of one vhost when vhost is not
// "") to w as the server sends it.
func (c *Client) ExportDefinitions(ctx context.Context, vhost string, w io.Writer) error {
	path := "/definitions"
	if vhost != "" {
		path = Path("definitions", vhost)
	}
	return c.send(ctx, request{method: http.MethodGet, path: path}, func(body io.Reader) error {
		_, err := io.Copy(w, body)
		return err
	})
}

// ImportDefinitions posts a definitions document (to one vhost when vhost is not "").
func (c *Client) ImportDefinitions(ctx context.Context, vhost string, doc json.RawMessage) error {
	path := "/definitions"
	if vhost != "" {
		path = Path("definitions", vhost)
	}
	return c.do(ctx, request{method: http.MethodPost, path: path, body: doc}, nil)
}

// ListDeprecatedFeatures streams the deprecated features (3.13.0+), or only those in
// use (GET /api/deprecated-features/used).
func (c *Client) ListDeprecatedFeatures(ctx context.Context, used bool, fn func(Item) error) error {
	path := "/deprecated-features"
	if used {
		path += "/used"
	}
	_, err := c.list(ctx, path, ListQuery{}, fn)
	return err
}

// NodeHealthCheck runs the node's deprecated overall health check (GET
// /api/healthchecks/node), which answers {"status":"ok"} or {"status":"failed",
// "reason":…}.
func (c *Client) NodeHealthCheck(ctx context.Context) (ok bool, body Item, err error) {
	err = c.do(ctx, request{method: http.MethodGet, path: "/healthchecks/node", failedIs503: true}, &body)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusServiceUnavailable {
		return false, NewObject("status", "failed", "reason", ae.Reason), nil
	}
	if err != nil {
		return false, nil, err
	}
	return body.Get("status") == "ok", body, nil
}
