// Package plugins is rabbitmq-plugins over the management HTTP API, read-only: what
// the API tells of a node's plugins (list -e/-E, is_enabled) and directories
// (/api/config/effective). Enabling and disabling plugins is refused.
package plugins

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const (
	secObservability = "observability"
	secManagement    = "management"
)

// Tool is rabbitmq-plugins.
var Tool = cmd.Tool{
	Name:  compat.Plugins,
	Alias: "plugins",
	Short: "rabbitmq-plugins: the plugins a node runs (read-only over HTTP)",
	Sections: []cobra.Group{
		{ID: secObservability, Title: "Monitoring, observability and health checks:"},
		{ID: secManagement, Title: "Plugin Management:"},
	},
	Commands: func(f *cmd.Factory) []*cobra.Command {
		const why = "the management API cannot change the plugins a node enables"
		out := cmd.InSection(secObservability, newCmdIsEnabled(f), newCmdDirectories(f))
		out = append(out, cmd.InSection(secManagement, newCmdList(f),
			cmd.NotServedCommand("enable", "Enables one or more plugins", why),
			cmd.NotServedCommand("disable", "Disables one or more plugins", why),
			cmd.NotServedCommand("set", "Enables one or more plugins, disables the rest", why))...)
		return append(out, cmd.InSection(cmd.HelpSection, cmd.SharedCommands(f, "version")...)...)
	},
}

// Register makes rabbitmq-plugins available (rmqctl plugins …, and under its name).
func Register() { cmd.RegisterTool(Tool) }

// plugin is a running plugin of the node.
type plugin struct {
	name, version string
	explicit      bool
	// library marks a library that plugins depend on (amqp_client, cowboy …): it is
	// among the "enabled plugins and dependencies", not among the listed plugins.
	library bool
}

// pluginLibraries are the applications that RabbitMQ ships in its plugins directory for
// plugins (not for the broker itself), as far as they are known here.
var pluginLibraries = map[string]bool{"amqp_client": true, "cowboy": true, "oauth2_client": true, "gun": true,
	"eetcd": true, "jose": true, "base64url": true, "prometheus": true, "accept": true, "emqtt": true}

// runningPlugins reads the node's plugins: its enabled_plugins (explicitly enabled)
// and its running applications that are plugins (rabbitmq_*, except the core's
// rabbitmq_prelaunch), the others being enabled as their dependencies.
func runningPlugins(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client) ([]plugin, error) {
	node, err := f.TargetNode(ctx, client)
	if err != nil {
		return nil, err
	}
	n, err := client.GetNode(ctx, node, false)
	if err != nil {
		return nil, err
	}
	cowlibInBroker, err := f.Has(ctx, compat.CowlibInBroker)
	if err != nil {
		return nil, err
	}
	explicit := map[string]bool{}
	enabled, _ := n.Get("enabled_plugins").([]any)
	for _, e := range enabled {
		explicit[cmd.TermText(e)] = true
	}
	var out []plugin
	apps, _ := n.Get("applications").([]any)
	for _, a := range apps {
		app, ok := a.(*mgmtapi.Object)
		if !ok {
			continue
		}
		name := cmd.TermText(app.Get("name"))
		switch {
		case strings.HasPrefix(name, "rabbitmq_") && name != "rabbitmq_prelaunch":
			out = append(out, plugin{name: name, version: cmd.TermText(app.Get("version")), explicit: explicit[name]})
		case pluginLibraries[name] || name == "cowlib" && !cowlibInBroker:
			out = append(out, plugin{name: name, library: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// list: the enabled plugins (-E explicitly, -e also implicitly); all plugins, enabled
// or not, need the node's plugins directory, which the API does not list.
func newCmdList(f *cmd.Factory) *cobra.Command {
	var explicitOnly, enabled, verbose, minimal bool
	c := &cobra.Command{
		Use:   "list [pattern] [--verbose] [--minimal] [--enabled] [--implicitly-enabled]",
		Short: "Lists plugins and their state",
		Args:  cmd.Range(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			pattern := ".*"
			if len(args) == 1 {
				pattern = args[0]
			}
			switch {
			case verbose && minimal:
				return cmd.BadArgument("Cannot set both verbose and minimal")
			case !explicitOnly && !enabled:
				return cmd.NotServed("list", "the management API lists the plugins a node runs, not those merely installed: use list -e (enabled) or -E (explicitly enabled)")
			case verbose:
				return cmd.NotServed("list --verbose", "the management API does not report the plugins' dependencies")
			}
			re, err := regexp.Compile(pattern)
			if err != nil {
				return cmd.Failure(err.Error())
			}
			return f.Do(c.Context(), `Listing plugins with pattern "`+pattern+`" ...`, func(ctx context.Context, client *mgmtapi.Client) error {
				all, err := runningPlugins(ctx, f, client)
				if err != nil {
					return err
				}
				var ps []plugin
				for _, p := range all {
					if !p.library && re.MatchString(p.name) && (p.explicit || !explicitOnly) {
						ps = append(ps, p)
					}
				}
				return printPlugins(ctx, f, ps, minimal)
			})
		},
	}
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "show all plugin details (not available over HTTP)")
	c.Flags().BoolVarP(&minimal, "minimal", "m", false, "only print plugin names")
	c.Flags().BoolVarP(&explicitOnly, "enabled", "E", false, "only show explicitly enabled plugins")
	c.Flags().BoolVarP(&enabled, "implicitly-enabled", "e", false, "only show explicitly or implicitly enabled plugins")
	return c
}

func printPlugins(ctx context.Context, f *cmd.Factory, ps []plugin, minimal bool) error {
	if f.Format() == output.JSON {
		strs, err := f.Has(ctx, compat.PluginVersionStrings)
		if err != nil {
			return err
		}
		version := func(v string) any {
			if strs {
				return v
			}
			codes := make([]int, len(v)) // an Erlang string: its character codes
			for i := range v {
				codes[i] = int(v[i])
			}
			return codes
		}
		items := make([]*output.OrderedObject, len(ps))
		for i, p := range ps {
			state := "implicit"
			if p.explicit {
				state = "enabled"
			}
			o := &output.OrderedObject{}
			if minimal {
				o.Set("name", p.name)
			} else {
				o.Set("enabled", state).Set("name", p.name).Set("running", true).Set("version", version(p.version)).Set("running_version", version(p.version))
			}
			items[i] = f.OrderJSON(ctx, "plugin", o)
		}
		format := "normal"
		if minimal {
			format = "minimal"
		}
		o := (&output.OrderedObject{}).Set("status", "running").Set("format", format).Set("plugins", items)
		return f.PrintJSON(f.OrderJSON(ctx, "plugins", o))
	}
	var lines []string
	if minimal {
		for _, p := range ps {
			lines = append(lines, p.name)
		}
		return f.PrintLines(lines...)
	}
	lines = append(lines, " Configured: E = explicitly enabled; e = implicitly enabled",
		" | Status: * = running on "+f.NodeName(), " |/")
	width := 0
	for _, p := range ps {
		width = max(width, len(p.name))
	}
	for _, p := range ps {
		mark := "[e*] "
		if p.explicit {
			mark = "[E*] "
		}
		lines = append(lines, mark+p.name+strings.Repeat(" ", width-len(p.name))+" "+p.version)
	}
	return f.PrintLines(lines...)
}
