package mgmtapi

import (
	"context"
	"net/http"
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
