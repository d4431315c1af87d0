// Package plugincmds holds the rabbitmqctl commands that RabbitMQ's plugins add (their
// scopes: ctl and diagnostics, and streams for the stream plugin's): shovel_status,
// delete_shovel, restart_shovel, federation_status, restart_federation_link and the
// stream plugin's lists, over the plugins' management routes. A broker that does not
// run the plugin answers 404, which they report as the plugin missing.
package plugincmds

import (
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/spf13/cobra"
)

// Register adds the plugins' commands to rmqctl's (rabbitmqctl's) tree.
func Register() {
	cmd.RegisterCtlCommands("plugincmds", func(f *cmd.Factory) []*cobra.Command {
		out := append(Diagnostics(f), newCmdDeleteShovel(f), newCmdRestartShovel(f), newCmdRestartFederationLink(f))
		return out
	})
}

// Diagnostics are the plugins' commands in rabbitmq-diagnostics' scope.
func Diagnostics(f *cmd.Factory) []*cobra.Command {
	return append([]*cobra.Command{newCmdShovelStatus(f), newCmdFederationStatus(f)}, streamListCommands(f)...)
}

// Streams are the stream plugin's commands in rabbitmq-streams' scope.
func Streams(f *cmd.Factory) []*cobra.Command { return streamListCommands(f) }
