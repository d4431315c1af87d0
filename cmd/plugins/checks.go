package plugins

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// onlineOnly refuses --offline: it reads the local installation, which rmqctl has not.
func onlineOnly(name string, online, offline bool) error {
	switch {
	case online && offline:
		return cmd.BadArgument("Cannot set both online and offline")
	case offline:
		return cmd.NotServed(name+" --offline", "it reads the local RabbitMQ installation; rmqctl asks the node's management API")
	}
	return nil
}

// pluginOrPlugins is the CLI's "plugin x is" / "plugins x, y are".
func pluginOrPlugins(names []string) string {
	if len(names) == 1 {
		return "plugin " + names[0] + " is"
	}
	return "plugins " + strings.Join(names, ", ") + " are"
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// is_enabled: are the plugins running on the node (rabbit_plugins:active/0)?
func newCmdIsEnabled(f *cmd.Factory) *cobra.Command {
	var online, offline bool
	c := &cobra.Command{
		Use:   "is_enabled <plugin1> [ <plugin2>] [--offline] [--online]",
		Short: "Health check that exits with a non-zero code if provided plugins are not enabled on target node",
		Args:  cmd.Range(1, -1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := onlineOnly("is_enabled", online, offline); err != nil {
				return err
			}
			node := f.NodeName()
			return f.Do(c.Context(), "Asking node "+node+" if "+pluginOrPlugins(args)+" enabled...", func(ctx context.Context, client *mgmtapi.Client) error {
				ps, err := runningPlugins(ctx, f, client)
				if err != nil {
					return err
				}
				var active, missing []string
				for _, p := range ps {
					active = append(active, p.name)
				}
				sort.Strings(active)
				for _, a := range args {
					if !contains(active, a) {
						missing = append(missing, a)
					}
				}
				if len(missing) == 0 {
					msg := capitalize(pluginOrPlugins(args) + " enabled on node " + node)
					if f.Format() == output.JSON {
						return f.PrintJSON(f.OrderJSON(ctx, "message", (&output.OrderedObject{}).Set("message", msg).Set("result", "ok")))
					}
					return f.PrintLines(msg)
				}
				msg := capitalize(pluginOrPlugins(missing)+" not enabled on node "+node+". ") +
					"Enabled plugins and dependencies: " + strings.Join(active, ", ")
				if f.Format() == output.JSON {
					return cmd.FailureJSON(f.OrderJSON(ctx, "message", (&output.OrderedObject{}).Set("message", msg).Set("result", "error")))
				}
				return cmd.Failure(msg)
			})
		},
	}
	c.Flags().BoolVar(&online, "online", true, "contact target node to perform the check")
	c.Flags().BoolVar(&offline, "offline", false, "check the enabled plugins file directly (not available over HTTP)")
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// erlangString matches key followed by one or more adjacent Erlang string literals
// (io_lib's pretty printer splits long ones), in /api/config/effective's text.
func erlangString(key string) *regexp.Regexp {
	return regexp.MustCompile(`\{` + key + `,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}`)
}

var literal = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// configString is a rabbit application setting read from the effective configuration.
func configString(config, key string) string {
	m := erlangString(key).FindStringSubmatch(config)
	if m == nil {
		return ""
	}
	var b strings.Builder
	for _, part := range literal.FindAllStringSubmatch(m[1], -1) {
		b.WriteString(strings.ReplaceAll(part[1], `\"`, `"`))
	}
	return b.String()
}

// directories: the rabbit application's plugins_dir, plugins_expand_dir and
// enabled_plugins_file, from GET /api/config/effective (3.10.13, 3.11.5+).
func newCmdDirectories(f *cmd.Factory) *cobra.Command {
	var online, offline bool
	c := &cobra.Command{
		Use:   "directories [--offline] [--online]",
		Short: "Displays plugin directory and enabled plugin file paths",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			if err := onlineOnly("directories", online, offline); err != nil {
				return err
			}
			return f.Do(c.Context(), "Listing plugin directories used by node "+f.NodeName(), func(ctx context.Context, client *mgmtapi.Client) error {
				config, err := client.EffectiveConfig(ctx)
				if err != nil {
					return err
				}
				dir, expand, file := configString(config, "plugins_dir"), configString(config, "plugins_expand_dir"), configString(config, "enabled_plugins_file")
				if f.Format() == output.JSON {
					o := (&output.OrderedObject{}).Set("enabled_plugins_file", file).Set("plugins_dir", dir).Set("plugins_expand_dir", expand)
					return f.PrintJSON(f.OrderJSON(ctx, "directories", o))
				}
				return f.PrintLines("Plugin archives directory: "+dir, "Plugin expansion directory: "+expand, "Enabled plugins file: "+file)
			})
		},
	}
	c.Flags().BoolVar(&online, "online", true, "infer directories from target node")
	c.Flags().BoolVar(&offline, "offline", false, "infer directories from the local environment (not available over HTTP)")
	return c
}
