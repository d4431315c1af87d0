// Package tools registers rabbitmqctl's sibling tools and the plugins' rabbitmqctl
// commands with cmd, which does not import them.
package tools

import (
	"github.com/rmqctl/rmqctl/cmd/diagnostics"
	"github.com/rmqctl/rmqctl/cmd/plugincmds"
	"github.com/rmqctl/rmqctl/cmd/plugins"
	"github.com/rmqctl/rmqctl/cmd/queues"
	"github.com/rmqctl/rmqctl/cmd/streams"
	"github.com/rmqctl/rmqctl/cmd/upgrade"
)

// Register makes every sibling tool available.
func Register() {
	diagnostics.Register()
	queues.Register()
	upgrade.Register()
	plugins.Register()
	streams.Register()
	plugincmds.Register()
}
