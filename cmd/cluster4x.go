package cmd

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// SetPermissionsGloballyOptions are set_permissions_globally's inputs (3.10.18+).
type SetPermissionsGloballyOptions struct {
	F           *Factory
	Username    string
	Permissions mgmtapi.Permissions
}

func newCmdSetPermissionsGlobally(f *Factory) *cobra.Command {
	o := &SetPermissionsGloballyOptions{F: f}
	return &cobra.Command{
		Use:   "set_permissions_globally <username> <conf> <write> <read>",
		Short: "Sets user permissions for all virtual hosts.",
		Long: `Sets the user's configure, write and read permissions in every vhost that exists now
(RabbitMQ 3.10.18+).`,
		Example: `  rmqctl set_permissions_globally monitor "" "" ".*"`,
		Args:    exactArgs(4),
		RunE: func(c *cobra.Command, args []string) error {
			o.Username = args[0]
			o.Permissions = mgmtapi.Permissions{Configure: args[1], Write: args[2], Read: args[3]}
			return runSetPermissionsGlobally(c.Context(), o)
		},
	}
}

func runSetPermissionsGlobally(ctx context.Context, o *SetPermissionsGloballyOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Setting permissions for user "%s" in all virtual hosts ...`, o.Username)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if _, err := client.GetUser(ctx, o.Username); err != nil {
		if mgmtapi.IsNotFound(err) {
			return errUserNotFoundUnquoted(o.Username)
		}
		return err
	}
	var vhosts []string
	if err := client.ListVhosts(ctx, []string{"name"}, func(v mgmtapi.VhostInfo) error {
		vhosts = append(vhosts, v.Name)
		return nil
	}); err != nil {
		return err
	}
	for _, vh := range vhosts {
		err := client.UpdatePermissionsIn(ctx, vh, o.Username, o.Permissions)
		if err != nil && !mgmtapi.IsNotFound(err) { // a vhost deleted meanwhile
			return permissionWriteError(ctx, client, o.Username, vh, err)
		}
	}
	return f.printDone()
}

// AwaitOnlineNodesOptions are await_online_nodes's inputs.
type AwaitOnlineNodesOptions struct {
	F     *Factory
	Count int
}

func newCmdAwaitOnlineNodes(f *Factory) *cobra.Command {
	o := &AwaitOnlineNodesOptions{F: f}
	c := &cobra.Command{
		Use:   "await_online_nodes <count>",
		Short: "Waits for <count> nodes to join the cluster",
		Long: `Waits until at least <count> cluster members are running (GET /api/nodes, every
second). When <count> is 1 it returns at once. Default timeout: 300 s; running out of
time is exit 70, as in rabbitmqctl.`,
		Example: "  rmqctl await_online_nodes 3 -t 600",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 {
				return badArgument("Argument must be a positive integer")
			}
			o.Count = n
			return runAwaitOnlineNodes(c.Context(), o)
		},
	}
	c.Annotations = map[string]string{annTimeoutMS: "300000"}
	return c
}

func runAwaitOnlineNodes(ctx context.Context, o *AwaitOnlineNodesOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner("Will wait for at least %d nodes to join the cluster of %s. Timeout: %d seconds.",
		o.Count, f.NodeName(), int(f.timeout(f.current)/time.Second))
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	for o.Count > 1 {
		running := 0
		err := client.ListNodes(ctx, func(n mgmtapi.Item) error {
			if n.Get("running") == true {
				running++
			}
			return nil
		})
		if err != nil && ctx.Err() == nil {
			return err
		}
		if running >= o.Count {
			break
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return &cliError{code: exitSoftware, layout: layoutBare,
					msg: fmt.Sprintf("Error: timed out while waiting. Not enough nodes joined %s's cluster.", f.NodeName())}
			}
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return f.printDone()
}
