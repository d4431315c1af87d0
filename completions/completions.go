// Package completions offers dynamic shell completion of live names (vhosts, users)
// and of static choices (formatters, list columns) through cobra. It reaches the
// broker only through the small Lister interface, so it imports no command code, and
// it never prints: a broker that is down or refuses the credentials yields no
// candidates.
package completions

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Lister lists names cheaply (one request, names only).
type Lister interface {
	VhostNames(ctx context.Context) ([]string, error)
	UserNames(ctx context.Context) ([]string, error)
	QueueNames(ctx context.Context, vhost string) ([]string, error)
	ExchangeNames(ctx context.Context, vhost string) ([]string, error)
	PolicyNames(ctx context.Context, vhost string, operator bool) ([]string, error)
	NodeNames(ctx context.Context) ([]string, error)
}

// VhostOf tells which vhost the line typed so far names (-p, else the default).
type VhostOf func(cmd *cobra.Command) string

// LookupTimeout bounds one completion request: a shell must never hang on TAB.
const LookupTimeout = 2 * time.Second

// Source builds the Lister lazily, from the flags typed so far on the command line.
type Source func(cmd *cobra.Command) (Lister, error)

// Vhosts completes vhost names.
func Vhosts(src Source) cobra.CompletionFunc {
	return live(src, func(ctx context.Context, l Lister, _ *cobra.Command) ([]string, error) { return l.VhostNames(ctx) })
}

// Queues completes the names of the queues in the vhost given so far.
func Queues(src Source, vhostOf VhostOf) cobra.CompletionFunc {
	return live(src, func(ctx context.Context, l Lister, c *cobra.Command) ([]string, error) {
		return l.QueueNames(ctx, vhostOf(c))
	})
}

// Exchanges completes the names of the exchanges in the vhost given so far.
func Exchanges(src Source, vhostOf VhostOf) cobra.CompletionFunc {
	return live(src, func(ctx context.Context, l Lister, c *cobra.Command) ([]string, error) {
		return l.ExchangeNames(ctx, vhostOf(c))
	})
}

// Policies completes the names of the (operator) policies in the vhost given so far.
func Policies(src Source, vhostOf VhostOf, operator bool) cobra.CompletionFunc {
	return live(src, func(ctx context.Context, l Lister, c *cobra.Command) ([]string, error) {
		return l.PolicyNames(ctx, vhostOf(c), operator)
	})
}

// Nodes completes the cluster's node names.
func Nodes(src Source) cobra.CompletionFunc {
	return live(src, func(ctx context.Context, l Lister, _ *cobra.Command) ([]string, error) { return l.NodeNames(ctx) })
}

// Positional completes the n-th positional argument (from 0) with fn, and nothing else.
func Positional(n int, fn cobra.CompletionFunc) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) != n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fn(c, args, toComplete)
	}
}

// Users completes user names for the first positional argument only.
func Users(src Source) cobra.CompletionFunc {
	return Positional(0, live(src, func(ctx context.Context, l Lister, _ *cobra.Command) ([]string, error) { return l.UserNames(ctx) }))
}

func live(src Source, list func(context.Context, Lister, *cobra.Command) ([]string, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		l, err := src(cmd)
		if err != nil {
			cobra.CompDebugln("rmqctl completion: "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), LookupTimeout)
		defer cancel()
		names, err := list(ctx, l, cmd)
		if err != nil {
			cobra.CompDebugln("rmqctl completion: "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(names, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// Fixed completes one of a fixed set of values.
func Fixed(values ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return withPrefix(values, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// Columns completes list_* info items, leaving out those already on the line
// (as separate arguments or comma-separated).
func Columns(all []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		typed := map[string]bool{}
		for _, a := range args {
			for _, c := range strings.Split(a, ",") {
				typed[strings.TrimSpace(c)] = true
			}
		}
		return withPrefix(all, toComplete, typed), cobra.ShellCompDirectiveNoFileComp
	}
}

func withPrefix(values []string, prefix string, skip map[string]bool) []cobra.Completion {
	var out []cobra.Completion
	for _, v := range values {
		if strings.HasPrefix(v, prefix) && !skip[v] {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
