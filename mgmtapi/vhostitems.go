package mgmtapi

import "context"

// ListVhostItems streams the vhosts as the API writes them (an Item each), asking
// for q's columns and statistics. Unlike VhostInfo, nothing in an item can fail to
// decode: a booting 4.0 node writes cluster_state as [] for a moment.
func (c *Client) ListVhostItems(ctx context.Context, q ListQuery, fn func(Item) error) error {
	_, err := c.list(ctx, "/vhosts", q, fn)
	return err
}
