package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// CloseConnectionOptions are close_connection's inputs.
type CloseConnectionOptions struct {
	F      *Factory
	Name   string
	Reason string
}

func newCmdCloseConnection(f *Factory) *cobra.Command {
	o := &CloseConnectionOptions{F: f}
	return &cobra.Command{
		Use:   "close_connection <connection name> [<explanation>]",
		Short: "Instructs the broker to close the connection",
		Long: `Closes a client connection, giving the explanation to the client. Connections are
named as list_connections name (or pid) shows them, e.g. "127.0.0.1:50000 -> 127.0.0.1:5672":
the HTTP API knows connections by name, not by Erlang pid. As in rabbitmqctl, closing a
connection that does not exist (any more) succeeds.`,
		Example: `  rmqctl close_connection "127.0.0.1:50000 -> 127.0.0.1:5672" "go away"`,
		Args:    rangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			if len(args) == 2 {
				o.Reason = args[1]
			}
			return runCloseConnection(c.Context(), o)
		},
	}
}

func runCloseConnection(ctx context.Context, o *CloseConnectionOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner("Closing connection %s, reason: %s...", o.Name, o.Reason)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if _, err := closeConnection(ctx, client, o.Name, o.Reason); err != nil {
		return err
	}
	return f.printDone()
}

// closeConnection closes a connection and reports whether it was there. The DELETE
// finds connections through the statistics database, which learns of a new
// connection a few seconds after the connection list does: a connection that is
// listed but not yet known there is retried until it can be closed.
func closeConnection(ctx context.Context, client *mgmtapi.Client, name, reason string) (bool, error) {
	for {
		err := client.CloseConnection(ctx, name, reason)
		if err == nil {
			return true, nil
		}
		if !mgmtapi.IsNotFound(err) {
			return false, err
		}
		listed := false
		_, lerr := client.ListConnections(ctx, "", mgmtapi.ListQuery{Columns: []string{"name"}, DisableStats: true}, func(it mgmtapi.Item) error {
			listed = listed || it.Get("name") == name
			return nil
		})
		if lerr != nil {
			return false, lerr
		}
		if !listed {
			return false, nil // gone: closing it succeeds, as in rabbitmqctl
		}
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// CloseAllConnectionsOptions are close_all_connections's inputs.
type CloseAllConnectionsOptions struct {
	F       *Factory
	Reason  string
	Limit   int
	Global  bool
	DelayMS int
}

func newCmdCloseAllConnections(f *Factory) *cobra.Command {
	o := &CloseAllConnectionsOptions{F: f}
	c := &cobra.Command{
		Use:   "close_all_connections [--vhost <vhost> --limit <limit>] [-n <node> --global] [--per-connection-delay <delay>] <explanation>",
		Short: "Instructs the broker to close all connections for the specified vhost or entire RabbitMQ node",
		Long: `Closes the connections of a vhost (-p, default "/"), at most --limit of them, or with
--global every connection to the node that answers, across all vhosts.
--per-connection-delay waits that many milliseconds between two closes.`,
		Example: `  rmqctl close_all_connections -p qa1 "maintenance"
  rmqctl close_all_connections --global "node going down"`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Reason = args[0]
			if o.Limit < 0 || o.DelayMS < 0 {
				return badArgument("--limit and --per-connection-delay cannot be negative")
			}
			return runCloseAllConnections(c.Context(), o)
		},
	}
	c.Flags().IntVar(&o.Limit, "limit", 0, "close at most this many connections (0: all)")
	c.Flags().BoolVar(&o.Global, "global", false, "all connections to the node, in every vhost")
	c.Flags().IntVar(&o.DelayMS, "per-connection-delay", 0, "milliseconds to wait between two closes")
	return c
}

func runCloseAllConnections(ctx context.Context, o *CloseAllConnectionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	var node string
	switch {
	case o.Global:
		ov, err := client.Overview(ctx)
		if err != nil {
			return err
		}
		node = ov.Node
		f.Banner("Closing all connections to node %s (across all vhosts), reason: %s...", node, o.Reason)
	case o.Limit > 0:
		f.Banner("Closing %d connections in vhost %s, reason: %s...", o.Limit, vhost, o.Reason)
	default:
		f.Banner("Closing all connections in vhost %s, reason: %s...", vhost, o.Reason)
	}
	var names []string
	// The cluster-wide list without statistics comes from connection tracking and shows
	// a connection at once; the per-vhost list only once the statistics know it.
	_, err = client.ListConnections(ctx, "", mgmtapi.ListQuery{Columns: []string{"name", "node", "vhost"}, DisableStats: true}, func(it mgmtapi.Item) error {
		if o.Global && termText(it.Get("node")) != node || !o.Global && termText(it.Get("vhost")) != vhost {
			return nil
		}
		if o.Limit == 0 || len(names) < o.Limit {
			names = append(names, termText(it.Get("name")))
		}
		return nil
	})
	if err != nil && !mgmtapi.IsNotFound(err) {
		return err
	}
	closed := 0
	for i, name := range names {
		if i > 0 && o.DelayMS > 0 {
			select {
			case <-time.After(time.Duration(o.DelayMS) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		ok, err := closeConnection(ctx, client, name, o.Reason)
		if err != nil {
			return err
		}
		if ok {
			closed++
		}
	}
	return f.printResult(fmt.Sprintf("Closed %d connections", closed))
}

// CloseAllUserConnectionsOptions are close_all_user_connections's inputs.
type CloseAllUserConnectionsOptions struct {
	F        *Factory
	Username string
	Reason   string
}

func newCmdCloseAllUserConnections(f *Factory) *cobra.Command {
	o := &CloseAllUserConnectionsOptions{F: f}
	return &cobra.Command{
		Use:     "close_all_user_connections <username> <explanation>",
		Short:   "Instructs the broker to close all connections of the specified user",
		Example: `  rmqctl close_all_user_connections junesu "password rotated"`,
		Args:    exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username, o.Reason = args[0], args[1]
			return runCloseAllUserConnections(c.Context(), o)
		},
	}
}

func runCloseAllUserConnections(ctx context.Context, o *CloseAllUserConnectionsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner("Closing connections of user %s, reason: %s...", o.Username, o.Reason)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.CloseUserConnections(ctx, o.Username, o.Reason); err != nil && !mgmtapi.IsNotFound(err) {
		return err
	}
	return f.printDone()
}
