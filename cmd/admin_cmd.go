package cmd

import (
	"github.com/rmqctl/rmqctl/cmd/admin"
	"github.com/spf13/cobra"
)

func init() { admin.Version = buildVersion() }

// newCmdAdmin is `rmqctl admin <rabbitmqadmin v1 arguments>`: v1's whole command line,
// options included, goes to the admin command set untouched.
func newCmdAdmin(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:                "admin [rabbitmqadmin v1 options] <verb> [<type>] [key=value | column]...",
		Short:              "Runs a rabbitmqadmin v1 command line (also: this binary invoked as rabbitmqadmin)",
		Long:               "Runs a rabbitmqadmin v1 command line: v1's options, verbs, objects, output formats, config file (~/.rabbitmqadmin.conf) and exit codes. `rmqctl admin help` prints v1's help.",
		Example:            "  rmqctl admin declare queue name=jobs durable=false\n  rmqctl admin -f tsv -q list queues name",
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			if code := admin.Main(c.Context(), "rmqctl admin", args, f.IO, f.LookupEnv); code != 0 {
				return &cliError{code: code, layout: layoutSilent}
			}
			return nil
		},
	}
}
