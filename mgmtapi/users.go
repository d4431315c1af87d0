package mgmtapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Tags is a list of tags. The API sends an array (3.9+) or, from older brokers and in
// definitions, a comma-separated string; both decode here.
type Tags []string

// UnmarshalJSON accepts ["a","b"], "a,b", "" and null.
func (t *Tags) UnmarshalJSON(b []byte) error {
	var arr []string
	if err := json.Unmarshal(b, &arr); err == nil {
		*t = arr
		return nil
	}
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = SplitTags(deref(s))
	return nil
}

// SplitTags splits a comma-separated tag list, trimming blanks and dropping empties.
func SplitTags(s string) Tags {
	out := Tags{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// UserInfo is a user as GET /api/users returns it.
type UserInfo struct {
	Name             string         `json:"name"`
	PasswordHash     string         `json:"password_hash"`
	HashingAlgorithm string         `json:"hashing_algorithm"`
	Tags             Tags           `json:"tags"`
	Limits           map[string]any `json:"limits,omitempty"`
}

// UserSettings is the body of PUT /api/users/{name}. Exactly one of Password and
// PasswordHash should be set: with neither, the server clears the password of an
// existing user. An empty PasswordHash means "no password" (password login disabled).
type UserSettings struct {
	Password         *string `json:"password,omitempty"`
	PasswordHash     *string `json:"password_hash,omitempty"`
	HashingAlgorithm string  `json:"hashing_algorithm,omitempty"`
	// Tags is required by the server; nil is sent as [].
	Tags []string `json:"tags"`
}

// ListUsers calls fn for each user.
func (c *Client) ListUsers(ctx context.Context, fn func(UserInfo) error) error {
	return stream(ctx, c, request{method: http.MethodGet, path: "/users"}, fn)
}

// GetUser returns one user; a missing user is a 404 *APIError.
func (c *Client) GetUser(ctx context.Context, name string) (UserInfo, error) {
	var u UserInfo
	err := c.do(ctx, request{method: http.MethodGet, path: Path("users", name)}, &u)
	return u, err
}

// PutUser creates or replaces a user (an upsert: see UserSettings).
func (c *Client) PutUser(ctx context.Context, name string, s UserSettings) error {
	if s.Tags == nil {
		s.Tags = []string{}
	}
	return c.do(ctx, request{method: http.MethodPut, path: Path("users", name), body: s}, nil)
}

// DeleteUser deletes a user; a missing user is a 404 *APIError.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Path("users", name)}, nil)
}

// WhoamiInfo is GET /api/whoami.
type WhoamiInfo struct {
	Name string `json:"name"`
	Tags Tags   `json:"tags"`
}

// Whoami returns the user the client authenticates as.
func (c *Client) Whoami(ctx context.Context) (WhoamiInfo, error) {
	var w WhoamiInfo
	err := c.do(ctx, request{method: http.MethodGet, path: "/whoami"}, &w)
	return w, err
}

// ListUserNames returns the names of all users, asking the server for nothing else.
func (c *Client) ListUserNames(ctx context.Context) ([]string, error) {
	var names []string
	err := stream(ctx, c, request{method: http.MethodGet, path: "/users", query: columnsQuery([]string{"name"})},
		func(u UserInfo) error { names = append(names, u.Name); return nil })
	return names, err
}
