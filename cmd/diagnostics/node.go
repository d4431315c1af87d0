package diagnostics

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// alarms: the alarms the target node knows of (GET /api/health/checks/alarms, which
// reads rabbit_alarm:get_alarms/0 as the CLI does).
func newCmdAlarms(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "alarms",
		Short: "Lists resource alarms (local or cluster-wide) in effect on the target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			node := f.NodeName()
			return f.Do(c.Context(), "Asking node "+node+" to report any known resource alarms ...", func(ctx context.Context, client *mgmtapi.Client) error {
				ok, body, err := client.HealthCheck(ctx, "alarms")
				if err != nil {
					return err
				}
				var local, global []string
				if !ok {
					items, _ := body.Get("alarms").([]any)
					for _, x := range items {
						a, _ := x.(*mgmtapi.Object)
						if a == nil {
							continue
						}
						line := alarmLine(cmd.TermText(a.Get("resource")), cmd.TermText(a.Get("node")))
						if cmd.TermText(a.Get("node")) == node {
							local = append(local, line)
						} else {
							global = append(global, line)
						}
					}
				}
				all := append(append([]string{}, local...), global...)
				if f.Format() == output.JSON {
					o := &output.OrderedObject{}
					if len(all) == 0 {
						o.Set("result", "ok").Set("node", node).Set("alarms", []string{})
					} else {
						o.Set("result", "ok").Set("local", nonNil(local)).Set("global", nonNil(global)).
							Set("message", "Node "+node+" reported alarms")
					}
					return f.PrintJSON(f.OrderJSON(ctx, "alarms", o))
				}
				if len(all) == 0 {
					return f.PrintLines("Node " + node + " reported no alarms, local or clusterwide")
				}
				return f.PrintLines(all...)
			})
		},
	}
}

func alarmLine(resource, node string) string {
	if resource == "memory" {
		return "Memory alarm on node " + node
	}
	return "Free disk space alarm on node " + node
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// listeners: the target node's listeners, from the overview.
func newCmdListeners(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "listeners",
		Short: "Lists active connection listeners (bound interface, port, protocol) on the target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), "Asking node "+f.NodeName()+" to report its protocol listeners ...", func(ctx context.Context, client *mgmtapi.Client) error {
				_, ls, err := targetListeners(ctx, f, client)
				if err != nil {
					return err
				}
				return printListeners(ctx, f, ls)
			})
		},
	}
}

// targetListeners are the target node and its listeners, in the order
// rabbit_networking lists them to the CLI: the reverse of the overview's.
func targetListeners(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client) (string, []cmd.Listener, error) {
	node, err := f.TargetNode(ctx, client)
	if err != nil {
		return "", nil, err
	}
	ov, err := client.GetOverview(ctx)
	if err != nil {
		return "", nil, err
	}
	var ls []cmd.Listener
	all := cmd.ListenersAsListed(ov)
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Node == node {
			ls = append(ls, all[i])
		}
	}
	return node, ls, nil
}

func printListeners(ctx context.Context, f *cmd.Factory, ls []cmd.Listener) error {
	node := f.NodeName()
	switch f.Format() {
	case output.JSON:
		o := (&output.OrderedObject{}).Set("result", "ok").Set("node", node).Set("listeners", listenerObjects(ctx, f, ls))
		return f.PrintJSON(f.OrderJSON(ctx, "listeners", o))
	case output.CSV:
		rows := f.NewListHeaders([]string{"node", "protocol", "interface", "port", "purpose"}, false, len(ls) > 0)
		for _, l := range ls {
			if err := rows.Row(output.Str(l.Node), output.Str(l.Protocol), output.Str(l.Interface), output.Int(l.Port), output.Str(l.Purpose)); err != nil {
				return err
			}
		}
		return rows.Close()
	}
	if len(ls) == 0 {
		return f.PrintLines("Node " + node + " reported no enabled listeners.")
	}
	lines := make([]string, len(ls))
	for i, l := range ls {
		lines[i] = fmt.Sprintf("Interface: %s, port: %d, protocol: %s, purpose: %s", l.Interface, l.Port, l.Protocol, l.Purpose)
	}
	return f.PrintLines(lines...)
}

// nodeObject reads the target node's object (GET /api/nodes/{node}).
func nodeObject(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client, memory bool) (mgmtapi.Item, error) {
	node, err := f.TargetNode(ctx, client)
	if err != nil {
		return nil, err
	}
	return client.GetNode(ctx, node, memory)
}

// valueCommand is a command printing one value: the text, or {"result":"ok","value":…}.
func valueCommand(f *cmd.Factory, use, short, banner string, value func(ctx context.Context, c *cobra.Command, client *mgmtapi.Client) (string, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), fmt.Sprintf(banner, f.NodeName()), func(ctx context.Context, client *mgmtapi.Client) error {
				v, err := value(ctx, c, client)
				if err != nil {
					return err
				}
				if f.Format() == output.JSON {
					return f.PrintJSON(f.OrderJSON(ctx, "value", (&output.OrderedObject{}).Set("result", "ok").Set("value", v)))
				}
				return f.PrintLines(v)
			})
		},
	}
}

// rabbitVersion is the version of the rabbit application a node runs.
func rabbitVersion(n mgmtapi.Item) string {
	apps, _ := n.Get("applications").([]any)
	for _, a := range apps {
		if o, ok := a.(*mgmtapi.Object); ok && o.Get("name") == "rabbit" {
			return cmd.TermText(o.Get("version"))
		}
	}
	return cmd.TermText(n.Get("rabbitmq_version"))
}

func newCmdServerVersion(f *cmd.Factory) *cobra.Command {
	return valueCommand(f, "server_version", "Displays server version on the target node",
		"Asking node %s for its RabbitMQ version...", func(ctx context.Context, _ *cobra.Command, client *mgmtapi.Client) (string, error) {
			n, err := nodeObject(ctx, f, client, false)
			if err != nil {
				return "", err
			}
			return rabbitVersion(n), nil
		})
}

func newCmdErlangVersion(f *cmd.Factory) *cobra.Command {
	var details, offline bool
	c := valueCommand(f, "erlang_version [--details] [--offline]", "Displays Erlang/OTP version on the target node",
		"Asking node %s for its Erlang/OTP version...", func(ctx context.Context, _ *cobra.Command, client *mgmtapi.Client) (string, error) {
			n, err := nodeObject(ctx, f, client, false)
			if err != nil {
				return "", err
			}
			short, full := n.Get("erlang_version"), n.Get("erlang_full_version")
			if short == nil { // before 4.2.4 only the overview says, for the node that answers
				ov, err := client.GetOverview(ctx)
				if err != nil {
					return "", err
				}
				if ov.Get("node") != n.Get("name") {
					return "", cmd.NotServed("erlang_version", "the management API of this release reports the Erlang version of the node that answers only ("+cmd.TermText(ov.Get("node"))+"); ask that node's API")
				}
				short, full = ov.Get("erlang_version"), ov.Get("erlang_full_version")
			}
			if details {
				return cmd.TermText(full), nil
			}
			return "Erlang/OTP " + cmd.TermText(short), nil
		})
	run := c.RunE
	c.RunE = func(c *cobra.Command, args []string) error {
		if offline {
			return cmd.NotServed("erlang_version --offline", "rmqctl runs no Erlang of its own")
		}
		return run(c, args)
	}
	c.Flags().BoolVar(&details, "details", false, "display additional Erlang/OTP system information")
	c.Flags().BoolVar(&offline, "offline", false, "display the CLI's own Erlang/OTP version (not available: rmqctl has none)")
	return c
}

// statusCommand answers is_running / is_booting: a true/false result with its message.
func statusCommand(f *cmd.Factory, use, short, banner string, answer func(n mgmtapi.Item) bool, messages func(node string, yes bool) string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			node := f.NodeName()
			return f.Do(c.Context(), fmt.Sprintf(banner, node), func(ctx context.Context, client *mgmtapi.Client) error {
				n, err := nodeObject(ctx, f, client, false)
				if err != nil {
					return err
				}
				yes := answer(n)
				if f.Format() == output.JSON {
					o := (&output.OrderedObject{}).Set("result", yes).Set("message", messages(node, yes))
					return f.PrintJSON(f.OrderJSON(ctx, "message", o))
				}
				return f.PrintLines(messages(node, yes))
			})
		},
	}
}

func newCmdIsRunning(f *cmd.Factory) *cobra.Command {
	return statusCommand(f, "is_running", "Checks if RabbitMQ is fully booted and running on the target node",
		"Asking node %s for its status ...", func(n mgmtapi.Item) bool { return n.Get("running") == true },
		func(node string, yes bool) string {
			if yes {
				return "RabbitMQ on node " + node + " is fully booted and running"
			}
			return "RabbitMQ on node " + node + " is not running or has not fully booted yet (check with is_booting)"
		})
}

// is_booting: a node whose management API answers has finished booting; a cluster
// member that is not running is reported as the CLI reports a stopped one.
func newCmdIsBooting(f *cmd.Factory) *cobra.Command {
	return statusCommand(f, "is_booting", "Checks if RabbitMQ is still booting on the target node",
		"Asking node %s for its boot status ...", func(mgmtapi.Item) bool { return false },
		func(node string, yes bool) string {
			if yes {
				return "RabbitMQ on node " + node + " is booting"
			}
			return "RabbitMQ on node " + node + " is fully booted (check with is_running), stopped or has not started booting yet"
		})
}

// log_location: the node's log files (GET /api/nodes/{node} log_files); the first one
// stands for the default location (the CLI also reads the node's log configuration,
// which the API does not show).
func newCmdLogLocation(f *cmd.Factory) *cobra.Command {
	var all bool
	c := &cobra.Command{
		Use:   "log_location [--all|-a]",
		Short: "Shows log file location(s) on target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			node := f.NodeName()
			return f.Do(c.Context(), "Log file location(s) on node "+node+" ...", func(ctx context.Context, client *mgmtapi.Client) error {
				n, err := nodeObject(ctx, f, client, false)
				if err != nil {
					return err
				}
				items, _ := n.Get("log_files").([]any)
				paths := make([]string, 0, len(items))
				for _, p := range items {
					paths = append(paths, cmd.TermText(p))
				}
				if len(paths) == 0 && !all {
					return cmd.Failure("No log files configured on the node")
				}
				if !all {
					paths = paths[:1]
				}
				if f.Format() == output.JSON {
					o := (&output.OrderedObject{}).Set("result", "ok").Set("node_name", node).Set("paths", paths)
					return f.PrintJSON(f.OrderJSON(ctx, "log_location", o))
				}
				return f.PrintLines(paths...)
			})
		},
	}
	c.Flags().BoolVarP(&all, "all", "a", false, "show all log files")
	return c
}

// sortedKeys is an object's keys, sorted.
func sortedKeys(o *mgmtapi.Object) []string {
	keys := append([]string{}, o.Keys()...)
	sort.Strings(keys)
	return keys
}

func int64Of(v any) int64 {
	n, _ := strconv.ParseInt(cmd.TermText(v), 10, 64)
	return n
}
