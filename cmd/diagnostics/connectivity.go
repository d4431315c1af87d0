package diagnostics

import (
	"context"
	"errors"
	"net"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// check_port_connectivity: a TCP connection from this machine to each of the target
// node's listeners (from the overview), at the node's host name or --address, as the
// CLI opens them from its own machine.
func newCmdCheckPortConnectivity(f *cmd.Factory) *cobra.Command {
	var address string
	c := &cobra.Command{
		Use:   "check_port_connectivity [--address <target address>]",
		Short: "Basic TCP connectivity health check for each listener's port on the target node",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			node := f.NodeName()
			resolves, err := f.Has(c.Context(), compat.PortConnectivityProgress)
			if err != nil {
				return err
			}
			banner := "Testing TCP connections to all active listeners on node " + node + " ..."
			switch {
			case address != "" && !resolves:
				return cmd.UsageError("Invalid options for this command:\n--address : " + address)
			case address != "":
				banner = "Testing TCP connections to all active listeners on node " + node + " using " + address + " for node IP address ..."
			case resolves:
				banner = "Testing TCP connections to all active listeners on node " + node + " using hostname resolution ..."
			}
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				target, ls, err := targetListeners(ctx, f, client)
				if err != nil {
					return err
				}
				host := address
				if host == "" {
					_, host, _ = strings.Cut(target, "@")
				}
				progress := resolves
				each := f.Timeout(c) / time.Duration(len(ls)+1)
				var failed []cmd.Listener
				for _, l := range ls {
					addr := host + ":" + strconv.FormatInt(l.Port, 10)
					if progress {
						if err := f.PrintLines("Will connect to " + addr); err != nil {
							return err
						}
					}
					d := net.Dialer{Timeout: each}
					conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.FormatInt(l.Port, 10)))
					if err != nil {
						failed = append(failed, l)
						if progress {
							_ = f.PrintLines("Error connecting to " + addr + ": " + dialError(err))
						}
						continue
					}
					_ = conn.Close()
				}
				return connectivityResult(ctx, f, node, address, resolves, ls, failed)
			})
		},
	}
	c.Flags().StringVarP(&address, "address", "a", "", "address to connect to instead of the node's host name")
	cmd.SetDefaultTimeout(c, 30*time.Second)
	return c
}

func connectivityResult(ctx context.Context, f *cmd.Factory, node, address string, resolves bool, ls, failed []cmd.Listener) error {
	if len(failed) > 0 {
		if f.Format() == output.JSON {
			o := (&output.OrderedObject{}).Set("result", "error").Set("node", node).Set("failures", listenerObjects(ctx, f, failed))
			return cmd.FailureJSON(f.OrderJSON(ctx, "port_connectivity", o))
		}
		lines := []string{"Connection to ports of the following listeners on node " + node + " failed: "}
		for _, l := range failed {
			lines = append(lines, "Interface: "+l.Interface+", port: "+strconv.FormatInt(l.Port, 10)+", protocol: "+l.Protocol+", purpose: "+l.Purpose)
		}
		return cmd.Failure(strings.Join(lines, "\n"))
	}
	if f.Format() == output.JSON {
		o := (&output.OrderedObject{}).Set("result", "ok").Set("node", node).Set("listeners", listenerObjects(ctx, f, ls))
		return f.PrintJSON(f.OrderJSON(ctx, "listeners", o))
	}
	ports := make([]int, len(ls))
	for i, l := range ls {
		ports[i] = int(l.Port)
	}
	sort.Ints(ports)
	texts := make([]string, len(ports))
	for i, p := range ports {
		texts[i] = strconv.Itoa(p)
	}
	how := " (using node hostname resolution)"
	switch {
	case !resolves:
		how = "."
	case address != "":
		how = " (using " + address + " for target IP address)"
	}
	return f.PrintLines("Successfully connected to ports " + strings.Join(texts, ", ") + " on node " + node + how)
}

func listenerObjects(ctx context.Context, f *cmd.Factory, ls []cmd.Listener) []*output.OrderedObject {
	items := make([]*output.OrderedObject, len(ls))
	for i, l := range ls {
		items[i] = f.OrderJSON(ctx, "listener", (&output.OrderedObject{}).Set("node", l.Node).Set("protocol", l.Protocol).
			Set("interface", l.Interface).Set("port", l.Port).Set("purpose", l.Purpose))
	}
	return items
}

// dialError names a failed connection as gen_tcp:connect/4 reports it.
func dialError(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "econnrefused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "ehostunreach"
	case errors.Is(err, syscall.ENETUNREACH):
		return "enetunreach"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "nxdomain"
}
