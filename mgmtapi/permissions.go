package mgmtapi

import (
	"context"
	"net/http"
)

// PermissionInfo is a user's permissions in one vhost.
type PermissionInfo struct {
	User      string `json:"user"`
	Vhost     string `json:"vhost"`
	Configure string `json:"configure"`
	Write     string `json:"write"`
	Read      string `json:"read"`
}

// Permissions is the body of PUT /api/permissions/{vhost}/{user}.
type Permissions struct {
	Configure string `json:"configure"`
	Write     string `json:"write"`
	Read      string `json:"read"`
}

// TopicPermissionInfo is a user's topic permissions on one exchange of one vhost.
type TopicPermissionInfo struct {
	User     string `json:"user"`
	Vhost    string `json:"vhost"`
	Exchange string `json:"exchange"`
	Write    string `json:"write"`
	Read     string `json:"read"`
}

// TopicPermissions is the body of PUT /api/topic-permissions/{vhost}/{user}.
type TopicPermissions struct {
	Exchange string `json:"exchange"`
	Write    string `json:"write"`
	Read     string `json:"read"`
}

// ListPermissionsIn calls fn for each user's permissions in vhost (404 if it is missing).
func (c *Client) ListPermissionsIn(ctx context.Context, vhost string, fn func(PermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: Path("vhosts", vhost, "permissions")}, fn)
}

// ListPermissionsOf calls fn for each vhost where user has permissions (404 if the user is missing).
func (c *Client) ListPermissionsOf(ctx context.Context, user string, fn func(PermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: Path("users", user, "permissions")}, fn)
}

// UpdatePermissionsIn sets user's permissions in vhost. A missing user or vhost is a
// 400 *APIError with reason "vhost_or_user_not_found".
func (c *Client) UpdatePermissionsIn(ctx context.Context, vhost, user string, p Permissions) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("permissions", vhost, user), body: p}, nil)
}

// ClearPermissionsIn removes user's permissions in vhost. The server answers 404 both
// when user or vhost is missing and when there was nothing to remove.
func (c *Client) ClearPermissionsIn(ctx context.Context, vhost, user string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("permissions", vhost, user)}, nil)
}

// ListTopicPermissionsIn calls fn for each topic permission in vhost.
func (c *Client) ListTopicPermissionsIn(ctx context.Context, vhost string, fn func(TopicPermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: Path("vhosts", vhost, "topic-permissions")}, fn)
}

// ListTopicPermissionsOf calls fn for each topic permission of user.
func (c *Client) ListTopicPermissionsOf(ctx context.Context, user string, fn func(TopicPermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: Path("users", user, "topic-permissions")}, fn)
}

// UpdateTopicPermissionsIn sets user's topic permissions on one exchange in vhost.
func (c *Client) UpdateTopicPermissionsIn(ctx context.Context, vhost, user string, p TopicPermissions) error {
	return c.do(ctx, request{method: http.MethodPut, path: Path("topic-permissions", vhost, user), body: p}, nil)
}

// ClearTopicPermissionsIn removes user's topic permissions in vhost, on every exchange
// when exchange is empty, else on that exchange only.
func (c *Client) ClearTopicPermissionsIn(ctx context.Context, vhost, user, exchange string) error {
	path := Path("topic-permissions", vhost, user)
	if exchange != "" {
		path = Path("topic-permissions", vhost, user, exchange)
	}
	return c.do(ctx, request{method: http.MethodDelete, path: path}, nil)
}

// ListPermissions calls fn for every user's permissions in every vhost.
func (c *Client) ListPermissions(ctx context.Context, fn func(PermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: "/permissions"}, fn)
}

// ListTopicPermissions calls fn for every topic permission in every vhost.
func (c *Client) ListTopicPermissions(ctx context.Context, fn func(TopicPermissionInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: "/topic-permissions"}, fn)
}
