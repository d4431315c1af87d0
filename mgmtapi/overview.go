package mgmtapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// OverviewInfo holds the fields of GET /api/overview that rmqctl uses.
type OverviewInfo struct {
	Node              string `json:"node"`
	ClusterName       string `json:"cluster_name"`
	RabbitMQVersion   string `json:"rabbitmq_version"`
	ManagementVersion string `json:"management_version"`
	ProductName       string `json:"product_name"`
	ProductVersion    string `json:"product_version"`
	ErlangVersion     string `json:"erlang_version"`
}

// Overview returns GET /api/overview.
func (c *Client) Overview(ctx context.Context) (OverviewInfo, error) {
	var o OverviewInfo
	err := c.do(ctx, request{method: http.MethodGet, path: "/overview"}, &o)
	return o, err
}

// ServerVersion is the RabbitMQ version of the node that answers, from GET
// /api/overview trimmed to that one field (every release since 3.x answers it, unlike
// GET /api/version, which came in 4.0.5).
func (c *Client) ServerVersion(ctx context.Context) (string, error) {
	var o OverviewInfo
	err := c.do(ctx, request{method: http.MethodGet, path: "/overview",
		query: url.Values{"columns": {"rabbitmq_version"}}}, &o)
	if err == nil && o.RabbitMQVersion == "" {
		err = &DecodeError{Path: "/overview", Err: errors.New("the answer has no rabbitmq_version")}
	}
	return o.RabbitMQVersion, err
}
