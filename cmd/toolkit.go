package cmd

// The plumbing of rabbitmqctl's sibling tools (rabbitmq-diagnostics, rabbitmq-queues,
// rabbitmq-streams, rabbitmq-upgrade, rabbitmq-plugins) and of the rabbitmqctl
// commands that plugins add (shovel, federation, stream): each is a package of its own
// under cmd/ that registers itself here (from cmd/rmqctl/main.go), so that cmd never
// imports them. A tool answers as `rmqctl <tool> <command>` and, when the binary is
// invoked under the tool's name (a symlink), as the tool itself.

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// Tool is one of rabbitmqctl's sibling tools: a table of commands on shared plumbing.
type Tool struct {
	// Name is the tool's program name (rabbitmq-diagnostics); Alias is rmqctl's
	// subcommand for it (diagnostics).
	Name, Alias string
	Short       string
	// Sections are the help sections, in the order the real tool prints them; each
	// command's GroupID names one.
	Sections []cobra.Group
	// Commands builds the tool's commands.
	Commands func(f *Factory) []*cobra.Command
}

// annTool marks a tool's root command with the tool's name.
const annTool = "rmqctl/tool"

var (
	tools       []Tool
	ctlCommands []func(f *Factory) []*cobra.Command
)

// RegisterTool adds a sibling tool (a tool of the same name is replaced).
func RegisterTool(t Tool) {
	for i := range tools {
		if tools[i].Name == t.Name {
			tools[i] = t
			return
		}
	}
	tools = append(tools, t)
}

// RegisterCtlCommands adds rabbitmqctl commands that live outside cmd (those of
// plugins: shovel_status, federation_status …); they join rmqctl's command tree.
// A package registers its builder once, however often it is asked to.
func RegisterCtlCommands(key string, build func(f *Factory) []*cobra.Command) {
	if registeredCtl[key] {
		return
	}
	registeredCtl[key] = true
	ctlCommands = append(ctlCommands, build)
}

var registeredCtl = map[string]bool{}

// MainAs runs the program invoked as argv0: a sibling tool when its base name is a
// registered tool's (a symlink named rabbitmq-diagnostics), else rmqctl.
func MainAs(ctx context.Context, argv0 string, args []string, ios *output.IOStreams, lookupEnv func(string) (string, bool)) int {
	name := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	for _, t := range tools {
		if t.Name == name {
			f := &Factory{IO: ios, LookupEnv: lookupEnv, Version: Version}
			root := newToolRoot(f, t)
			root.SetArgs(args)
			c, err := root.ExecuteContextC(ctx)
			return f.exitCode(c, args, err)
		}
	}
	return Main(ctx, args, ios, lookupEnv)
}

// group of the tools' subcommands and of the plugins' commands in rmqctl's help
const (
	groupTools       = "tools"
	groupPluginCmds  = "plugincmds"
	groupToolHelp    = "toolhelp"
	toolCommandsHelp = "Help:"
)

// addTools gives rmqctl's tree a subcommand per registered tool and the plugins'
// rabbitmqctl commands.
func (f *Factory) addTools(root *cobra.Command) {
	if len(ctlCommands) > 0 {
		root.AddGroup(&cobra.Group{ID: groupPluginCmds, Title: "Plugins (shovel, federation, stream):"})
		for _, build := range ctlCommands {
			for _, c := range build(f) {
				c.GroupID = groupPluginCmds
				addToolCommand(f, compat.Rabbitmqctl, root, c)
			}
		}
	}
	if len(tools) == 0 {
		return
	}
	root.AddGroup(&cobra.Group{ID: groupTools, Title: "rabbitmqctl's sibling tools (rmqctl <tool> <command>, or a symlink named after the tool):"})
	for _, t := range tools {
		sub := &cobra.Command{
			Use:     t.Alias + " <command>",
			Aliases: []string{t.Name},
			Short:   t.Short,
			GroupID: groupTools,
			Args:    cobra.ArbitraryArgs,
			RunE: func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					c.SetOut(f.IO.ErrOut)
					_ = c.Usage()
					return errUsageText("")
				}
				return unknownCommand(c, args[0])
			},
			Annotations: map[string]string{annTool: t.Name},
		}
		f.fillTool(sub, t)
		sub.AddCommand(newToolHelp(sub))
		root.AddCommand(sub)
	}
}

// newToolRoot is the tool as a program of its own: rmqctl's root (global flags,
// checks, errors) with the tool's commands only.
func newToolRoot(f *Factory, t Tool) *cobra.Command {
	root := NewRootCmd(f)
	root.ResetCommands()
	root.Use = t.Name
	root.Short = t.Short
	root.Long = t.Short + ", over RabbitMQ's management HTTP API (rmqctl)."
	root.Example = ""
	root.Annotations = map[string]string{annTool: t.Name}
	f.fillTool(root, t)
	root.SetHelpCommandGroupID(groupToolHelp)
	root.SetCompletionCommandGroupID(groupToolHelp)
	return root
}

// fillTool adds the tool's sections and commands to c and its help layout.
func (f *Factory) fillTool(c *cobra.Command, t Tool) {
	c.AddGroup(&cobra.Group{ID: groupToolHelp, Title: toolCommandsHelp})
	// The tool's section IDs are its own: prefixed, they cannot meet rmqctl's groups.
	for i := range t.Sections {
		g := t.Sections[i]
		g.ID = t.Name + "/" + g.ID
		c.AddGroup(&g)
	}
	for _, cmd := range t.Commands(f) {
		if cmd.GroupID != "" && cmd.GroupID != groupToolHelp {
			cmd.GroupID = t.Name + "/" + cmd.GroupID
		}
		addToolCommand(f, t.Name, c, cmd)
	}
	f.registerCompletions(c)
	c.SetUsageFunc(func(c *cobra.Command) error { return toolUsage(c.OutOrStderr(), c) })
}

// addToolCommand adds a command with its hyphenated alias; a command that only some
// releases have, or serve over HTTP, first checks the broker's release.
func addToolCommand(f *Factory, tool string, parent, c *cobra.Command) {
	if strings.Contains(c.Name(), "_") {
		c.Aliases = append(c.Aliases, strings.ReplaceAll(c.Name(), "_", "-"))
	}
	if compat.VersionedTool(tool, c.Name()) && c.RunE != nil {
		run, name := c.RunE, c.Name()
		c.RunE = func(c *cobra.Command, args []string) error {
			p, err := f.Profile(c.Context())
			if err != nil {
				return err
			}
			if msg := p.ToolCommandError(tool, name); msg != "" {
				return &cliError{code: exitUsage, layout: layoutLine, msg: msg}
			}
			if msg := p.ToolHTTPError(tool, name); msg != "" {
				return &cliError{code: exitUnavailable, layout: layoutLine, msg: msg}
			}
			return run(c, args)
		}
	}
	parent.AddCommand(c)
}

// newToolHelp is `rmqctl <tool> help [command]`.
func newToolHelp(tool *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     "help [command]",
		Short:   "Displays usage information for a command",
		GroupID: groupToolHelp,
		Args:    cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			target, _, err := tool.Find(args)
			if err != nil || target == nil {
				target = tool
			}
			target.SetOut(c.OutOrStdout())
			return target.Help()
		},
	}
}

// toolName is the program a command belongs to, for messages: the tool it is part
// of, else rmqctl.
func toolName(c *cobra.Command) string {
	for ; c != nil; c = c.Parent() {
		if n := c.Annotations[annTool]; n != "" {
			return n
		}
	}
	return "rmqctl"
}

// toolUsage prints a tool's usage: its synopsis and its commands by section, as the
// real tool's help lists them.
func toolUsage(w io.Writer, c *cobra.Command) error {
	name := toolName(c)
	if c.Annotations[annTool] == "" {
		// one command's usage
		fmt.Fprintf(w, "Usage:\n  %s [--node <node>] [--longnames] [--quiet] %s\n", name, c.Use)
		if c.HasAvailableLocalFlags() {
			fmt.Fprintf(w, "\nFlags:\n%s", c.LocalFlags().FlagUsages())
		}
		if c.HasAvailableInheritedFlags() {
			fmt.Fprintf(w, "\nGlobal Flags:\n%s", c.InheritedFlags().FlagUsages())
		}
		return nil
	}
	fmt.Fprintf(w, "Usage:\n  %s [--node <node>] [--timeout <timeout>] [--longnames] [--quiet] <command> [<command options>]\n\nAvailable commands:\n", name)
	width := 0
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() || sub.Name() == "help" {
			width = max(width, len(sub.Name()))
		}
	}
	for _, g := range c.Groups() {
		var lines []string
		for _, sub := range c.Commands() {
			if sub.GroupID == g.ID && (sub.IsAvailableCommand() || sub.Name() == "help") {
				lines = append(lines, fmt.Sprintf("   %-*s  %s", width, sub.Name(), sub.Short))
			}
		}
		if len(lines) == 0 {
			continue
		}
		sort.Strings(lines)
		fmt.Fprintf(w, "\n%s\n\n%s\n", g.Title, strings.Join(lines, "\n"))
	}
	fmt.Fprintf(w, "\nUse '%s help <command>' to learn more about a specific command\n", name)
	if fl := c.InheritedFlags(); fl.HasAvailableFlags() {
		fmt.Fprintf(w, "\nGlobal Flags:\n%s", fl.FlagUsages())
	} else if fl := c.PersistentFlags(); fl.HasAvailableFlags() {
		fmt.Fprintf(w, "\nGlobal Flags:\n%s", fl.FlagUsages())
	}
	return nil
}

// HelpSection is the section of a tool's help, version and completion commands.
const HelpSection = groupToolHelp
