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

// ServerVersion is the RabbitMQ version of the node that answers: GET /api/version
// (4.0.5+), a constant the server answers without counting anything, else, on older
// releases (404), GET /api/overview trimmed to that field, which costs more on a big
// broker (the overview counts objects and messages before columns= trims it).
func (c *Client) ServerVersion(ctx context.Context) (string, error) {
	var v string
	err := c.do(ctx, request{method: http.MethodGet, path: "/version"}, &v)
	if err == nil && v != "" {
		return v, nil
	}
	if err != nil && !IsNotFound(err) {
		var de *DecodeError
		if !errors.As(err, &de) { // an answer that is not a JSON string: ask the overview
			return "", err
		}
	}
	var o OverviewInfo
	err = c.do(ctx, request{method: http.MethodGet, path: "/overview",
		query: url.Values{"columns": {"rabbitmq_version"}}}, &o)
	if err == nil && o.RabbitMQVersion == "" {
		err = &DecodeError{Path: "/overview", Err: errors.New("the answer has no rabbitmq_version")}
	}
	return o.RabbitMQVersion, err
}
