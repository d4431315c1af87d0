// Package cmd is rmqctl's command tree: rabbitmqctl's verbs, arguments, banners and exit
// codes over the management HTTP API.
package cmd

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// Version is rmqctl's version, set at build time with -ldflags "-X ...cmd.Version=…".
var Version = "dev"

// Main runs rmqctl with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, ios *output.IOStreams, lookupEnv func(string) (string, bool)) int {
	f := &Factory{IO: ios, LookupEnv: lookupEnv, Version: Version}
	return f.Run(ctx, args)
}

// Run executes one command line with this factory.
func (f *Factory) Run(ctx context.Context, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	return f.exitCode(c, args, err)
}

// group IDs, named after rabbitmqctl's help sections
const (
	groupUsers   = "users"
	groupAccess  = "access"
	groupVhosts  = "vhosts"
	groupQueues  = "queues"
	groupConns   = "connections"
	groupPolicy  = "policies"
	groupNode    = "node"
	groupDeclare = "declare"
	groupOther   = "other"
)

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	g := &GlobalOptions{}
	f.g = g
	root := &cobra.Command{
		Use:   "rmqctl",
		Short: "Manage RabbitMQ through its management HTTP API, in rabbitmqctl's language",
		Long: `rmqctl speaks rabbitmqctl's language (same commands, arguments, banners, output and
exit codes) over RabbitMQ's management HTTP API, so it runs from any machine that can
reach port 15672: no Erlang, no cookie, no distribution ports.`,
		Example: `  rmqctl add_user junesu 123456
  rmqctl set_permissions -p / junesu ".*" ".*" ".*"
  rmqctl --url https://mq.example.com:15671 list_users --formatter json`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              cobra.ArbitraryArgs,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			f.current = c
			if _, err := output.ParseFormat(g.Formatter); err != nil {
				return usageError(err.Error())
			}
			if g.Timeout < 0 {
				return usageError("Invalid options for this command:\n-t : " + fmt.Sprint(g.Timeout))
			}
			if c.Flags().Changed("vhost") && g.Vhost == "" {
				// the API cannot address a vhost named "": the request would mean "all vhosts"
				return badArgument("vhost cannot be an empty string")
			}
			return f.checkCommandRelease(c.Context(), c.Name())
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				c.SetOut(f.IO.ErrOut)
				_ = c.Usage()
				return errUsageText("")
			}
			return unknownCommand(c, args[0])
		},
	}
	f.root = root
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	g.addFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(root, err) })
	root.AddGroup(
		&cobra.Group{ID: groupUsers, Title: "Users:"},
		&cobra.Group{ID: groupAccess, Title: "Access Control:"},
		&cobra.Group{ID: groupVhosts, Title: "Virtual hosts:"},
		&cobra.Group{ID: groupQueues, Title: "Queues, exchanges, bindings and messages:"},
		&cobra.Group{ID: groupConns, Title: "Connections, channels and consumers:"},
		&cobra.Group{ID: groupPolicy, Title: "Policies, parameters and limits:"},
		&cobra.Group{ID: groupNode, Title: "Nodes, cluster and health:"},
		&cobra.Group{ID: groupDeclare, Title: "Declarative provisioning:"},
		&cobra.Group{ID: groupOther, Title: "Other:"},
	)
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)

	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			if compat.Versioned(c.Name()) {
				// A release without the command refuses it whatever its arguments, as
				// that release's rabbitmqctl does ("Command not found").
				args := c.Args
				c.Args = func(cmd *cobra.Command, a []string) error {
					if err := f.checkCommandRelease(cmd.Context(), cmd.Name()); err != nil {
						return err
					}
					if args == nil {
						return nil
					}
					return args(cmd, a)
				}
			}
			if strings.Contains(c.Name(), "_") {
				c.Aliases = append(c.Aliases, strings.ReplaceAll(c.Name(), "_", "-"))
			}
			root.AddCommand(c)
		}
	}
	add(groupUsers, newCmdAddUser(f), newCmdDeleteUser(f), newCmdChangePassword(f), newCmdClearPassword(f),
		newCmdSetUserTags(f), newCmdListUsers(f), newCmdAuthenticateUser(f))
	add(groupAccess, newCmdSetPermissions(f), newCmdClearPermissions(f), newCmdListPermissions(f),
		newCmdListUserPermissions(f), newCmdSetTopicPermissions(f), newCmdClearTopicPermissions(f),
		newCmdListTopicPermissions(f), newCmdListUserTopicPermissions(f), newCmdSetPermissionsGlobally(f))
	add(groupVhosts, newCmdAddVhost(f), newCmdDeleteVhost(f), newCmdListVhosts(f), newCmdSetVhostTags(f),
		newCmdUpdateVhostMetadata(f), newCmdVhostDeletionProtection(f, true), newCmdVhostDeletionProtection(f, false))
	add(groupQueues, newCmdListQueues(f), newCmdListExchanges(f), newCmdListBindings(f),
		newCmdDeclareQueue(f), newCmdDeleteQueue(f), newCmdPurgeQueue(f), newCmdDeclareExchange(f),
		newCmdDeleteExchange(f), newCmdDeclareBinding(f), newCmdDeleteBinding(f), newCmdPublish(f), newCmdGet(f))
	add(groupConns, newCmdListConnections(f), newCmdListChannels(f), newCmdListConsumers(f),
		newCmdCloseConnection(f), newCmdCloseAllConnections(f), newCmdCloseAllUserConnections(f))
	add(groupPolicy, newCmdSetPolicy(f, userPolicies), newCmdClearPolicy(f, userPolicies), newCmdListPolicies(f, userPolicies),
		newCmdSetPolicy(f, operatorPolicies), newCmdClearPolicy(f, operatorPolicies), newCmdListPolicies(f, operatorPolicies),
		newCmdSetParameter(f), newCmdClearParameter(f), newCmdListParameters(f),
		newCmdSetGlobalParameter(f), newCmdClearGlobalParameter(f), newCmdListGlobalParameters(f),
		newCmdSetVhostLimits(f), newCmdClearVhostLimits(f), newCmdListVhostLimits(f),
		newCmdSetUserLimits(f), newCmdClearUserLimits(f), newCmdListUserLimits(f))
	add(groupVhosts, newCmdTrace(f, true), newCmdTrace(f, false))
	add(groupNode, newCmdPing(f), newCmdAwaitStartup(f), newCmdListFeatureFlags(f), newCmdEnableFeatureFlag(f),
		newCmdListDeprecatedFeatures(f), newCmdAwaitOnlineNodes(f))
	add(groupNode, newCmdStatus(f), newCmdClusterStatus(f))
	add(groupNode, healthCommands(f)...)
	add(groupNode, newCmdCheckDeprecatedFeaturesUsed(f), newCmdNodeHealthCheck(f))
	add(groupDeclare, newCmdDiff(f), newCmdApply(f))
	add(groupOther, newCmdExportDefinitions(f), newCmdImportDefinitions(f))
	add(groupUsers, newCmdHashPassword(f))
	add(groupOther, newCmdSetClusterName(f), newCmdVersion(f), newCmdConfig(f), newCmdDocs(f))
	add(groupOther, newCmdAdmin(f))
	f.registerCompletions(root)
	f.addTools(root) // sibling tools and plugins' commands (toolkit.go)
	return root
}

// unknownCommand prints rabbitmqctl's "Command 'x' not found." with a suggestion.
func unknownCommand(root *cobra.Command, name string) error {
	root.SuggestionsMinimumDistance = 2
	msg := "\nCommand '" + name + "' not found. "
	if s := root.SuggestionsFor(name); len(s) > 0 {
		msg += "\nDid you mean '" + s[0] + "'? "
	} else {
		msg += "\n" + root.UsageString()
	}
	return errUsageText(msg)
}

var (
	reUnknownFlag  = regexp.MustCompile(`^unknown flag: (--\S+)`)
	reUnknownShort = regexp.MustCompile(`^unknown shorthand flag: '(.)'`)
	reBadValue     = regexp.MustCompile(`^invalid argument "(.*)" for "(?:(-\w), )?(--[\w-]+)" flag`)
	reNeedsArg     = regexp.MustCompile(`^flag needs an argument: (?:'(.)' in -.|(--[\w-]+))`)
)

// flagError turns pflag's messages into rabbitmqctl's "Invalid options" layout.
func flagError(root *cobra.Command, err error) error {
	msg := err.Error()
	var flag, value string
	switch {
	case reUnknownFlag.MatchString(msg):
		flag = reUnknownFlag.FindStringSubmatch(msg)[1]
		flag, value, _ = strings.Cut(flag, "=")
	case reUnknownShort.MatchString(msg):
		flag = "-" + reUnknownShort.FindStringSubmatch(msg)[1]
	case reBadValue.MatchString(msg):
		m := reBadValue.FindStringSubmatch(msg)
		value, flag = m[1], firstNonEmpty(m[2], m[3])
	case reNeedsArg.MatchString(msg):
		m := reNeedsArg.FindStringSubmatch(msg)
		flag = firstNonEmpty(m[2], "-"+m[1])
	default:
		return usageError(msg)
	}
	return usageError("Invalid options for this command:\n" + flag + " : " + value)
}

// Argument-count validators with rabbitmqctl's messages.

func exactArgs(n int) cobra.PositionalArgs { return rangeArgs(n, n) }

func rangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) < lo:
			return usageError("not enough arguments.")
		case hi >= 0 && len(args) > hi:
			return usageError("too many arguments.")
		}
		return nil
	}
}

func noArgs() cobra.PositionalArgs { return rangeArgs(0, 0) }

func minArgs(n int) cobra.PositionalArgs { return rangeArgs(n, -1) }
