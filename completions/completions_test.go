package completions

import (
	"context"
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
)

type fakeLister struct {
	vhosts, users []string
	err           error
}

func (f fakeLister) VhostNames(context.Context) ([]string, error) { return f.vhosts, f.err }
func (f fakeLister) UserNames(context.Context) ([]string, error)  { return f.users, f.err }
func (f fakeLister) QueueNames(_ context.Context, vhost string) ([]string, error) {
	return []string{vhost + "-q1", vhost + "-q2"}, f.err
}
func (f fakeLister) ExchangeNames(_ context.Context, vhost string) ([]string, error) {
	return []string{vhost + "-x"}, f.err
}
func (f fakeLister) NodeNames(context.Context) ([]string, error) {
	return []string{"rabbit@a", "rabbit@b"}, f.err
}
func (f fakeLister) PolicyNames(_ context.Context, vhost string, operator bool) ([]string, error) {
	if operator {
		return []string{"op"}, f.err
	}
	return []string{"pol"}, f.err
}

func src(l Lister, err error) Source {
	return func(*cobra.Command) (Lister, error) { return l, err }
}

func cmd() *cobra.Command {
	c := &cobra.Command{Use: "x"}
	c.SetContext(context.Background())
	return c
}

func TestVhostsFilteredByPrefixAndSorted(t *testing.T) {
	got, dir := Vhosts(src(fakeLister{vhosts: []string{"qa2", "/", "qa1", "prod"}}, nil))(cmd(), nil, "qa")
	assert.Equal(t, []cobra.Completion{"qa1", "qa2"}, got)
	assert.Equal(t, cobra.ShellCompDirectiveNoFileComp, dir)
}

func TestUsersOnlyForFirstArgument(t *testing.T) {
	fn := Users(src(fakeLister{users: []string{"guest", "junesu"}}, nil))
	got, _ := fn(cmd(), nil, "")
	assert.Equal(t, []cobra.Completion{"guest", "junesu"}, got)
	got, _ = fn(cmd(), []string{"guest"}, "")
	assert.Empty(t, got)
}

func TestFailuresGiveNoCandidates(t *testing.T) {
	got, dir := Users(src(fakeLister{err: errors.New("connection refused")}, nil))(cmd(), nil, "")
	assert.Empty(t, got)
	assert.Equal(t, cobra.ShellCompDirectiveNoFileComp, dir)
	got, _ = Vhosts(src(nil, errors.New("bad config")))(cmd(), nil, "")
	assert.Empty(t, got)
}

func TestColumnsLeaveOutTyped(t *testing.T) {
	all := []string{"name", "tags", "tracing", "description"}
	got, _ := Columns(all)(cmd(), []string{"name,tags", "description"}, "")
	assert.Equal(t, []cobra.Completion{"tracing"}, got)
	got, _ = Fixed("json", "table", "csv")(cmd(), nil, "t")
	assert.Equal(t, []cobra.Completion{"table"}, got)
}

func TestVhostScopedNames(t *testing.T) {
	vh := func(*cobra.Command) string { return "qa" }
	got, _ := Queues(src(fakeLister{}, nil), vh)(cmd(), nil, "")
	assert.Equal(t, []cobra.Completion{"qa-q1", "qa-q2"}, got)
	got, _ = Exchanges(src(fakeLister{}, nil), vh)(cmd(), nil, "qa")
	assert.Equal(t, []cobra.Completion{"qa-x"}, got)
	got, _ = Policies(src(fakeLister{}, nil), vh, true)(cmd(), nil, "")
	assert.Equal(t, []cobra.Completion{"op"}, got)
	got, _ = Positional(1, Queues(src(fakeLister{}, nil), vh))(cmd(), []string{"first"}, "")
	assert.Len(t, got, 2)
	got, _ = Positional(1, Queues(src(fakeLister{}, nil), vh))(cmd(), nil, "")
	assert.Empty(t, got)
}
