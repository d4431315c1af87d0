package plugincmds

import (
	"context"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const federationPlugin = "rabbitmq_federation_management"

// federationRow is one link as the CLI's federation_status shows it: the status
// proplist's keys (without the API's node and local_channel), the missing ones as
// empty binaries, and last_changed for the timestamp.
func federationRow(ctx context.Context, f *cmd.Factory, l mgmtapi.Item) *output.OrderedObject {
	r := &output.OrderedObject{}
	for _, k := range []string{"queue", "exchange", "upstream_queue", "upstream_exchange", "local_connection", "error"} {
		v := l.Get(k)
		if v == nil {
			v = ""
		}
		r.Set(k, v)
	}
	for _, k := range l.Keys() {
		switch k {
		case "node", "local_channel", "timestamp", "queue", "exchange", "upstream_queue", "upstream_exchange", "local_connection", "error":
		default:
			r.Set(k, l.Value(k))
		}
	}
	r.Set("last_changed", lastChanged(l.Get("timestamp")))
	return f.OrderJSON(ctx, "federation_link", r)
}

// federation_status: GET /api/federation-links (…/state/down with --only-down), printed
// as the CLI prints it: an Erlang term, or JSON rows.
func newCmdFederationStatus(f *cmd.Factory) *cobra.Command {
	var onlyDown bool
	c := &cobra.Command{
		Use:   "federation_status [--only-down]",
		Short: "Displays federation link status",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			banner := "Listing federation links on node " + f.NodeName() + "..."
			if onlyDown {
				banner = "Listing federation links which are down on node " + f.NodeName() + "..."
			}
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				links, err := client.ListFederationLinks(ctx, "", onlyDown)
				if cmd.IsNotFound(err) {
					return f.PluginMissing("federation_status", federationPlugin)
				}
				if err != nil {
					return err
				}
				rows := make([]*output.OrderedObject, len(links))
				for i, l := range links {
					rows[i] = federationRow(ctx, f, l)
				}
				if f.Format() == output.JSON || f.Format() == output.CSV {
					return printObjects(f, rows)
				}
				return f.PrintLines(erlangMaps(rows))
			})
		},
	}
	c.Flags().BoolVar(&onlyDown, "only-down", false, "only list the links that are down")
	return c
}

// erlangMaps prints a list of flat maps as Erlang's ~p does (80 columns): maps
// whose pairs fill each line, continued three columns in.
func erlangMaps(rows []*output.OrderedObject) string {
	if len(rows) == 0 {
		return "[]"
	}
	var b strings.Builder
	for i, r := range rows {
		prefix := " #{"
		if i == 0 {
			prefix = "[#{"
		}
		line := prefix
		for j, k := range r.Keys {
			piece := k + " => " + erlangValue(r.Values[j])
			switch {
			case j < len(r.Keys)-1:
				piece += ","
			case i < len(rows)-1:
				piece += "},"
			default:
				piece += "}]"
			}
			if len(line)+len(piece) >= 80 && line != prefix {
				b.WriteString(strings.TrimRight(line, " ") + "\n")
				line = "   "
			}
			line += piece
		}
		b.WriteString(line)
		if i < len(rows)-1 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// erlangValue is a status value as Erlang prints it: atoms bare, strings as binaries.
func erlangValue(v any) string {
	s := cmd.TermText(v)
	switch s {
	case "running", "starting", "error", "exchange", "queue", "shutdown":
		return s
	}
	if s == "" {
		return "<<>>"
	}
	return "<<" + cmd.ElixirString(s) + ">>"
}

// restart_federation_link: the link's vhost and node from /api/federation-links, then
// DELETE /api/federation-links/vhost/{vhost}/{id}/{node}/restart.
func newCmdRestartFederationLink(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "restart_federation_link <link_id>",
		Short: "Restarts a running federation link",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			id := args[0]
			return f.Mutate(c.Context(), "Restarting federation link "+id+" on node "+f.NodeName(), func(ctx context.Context, client *mgmtapi.Client) error {
				links, err := client.ListFederationLinks(ctx, "", false)
				if cmd.IsNotFound(err) {
					return f.PluginMissing("restart_federation_link", federationPlugin)
				}
				if err != nil {
					return err
				}
				for _, l := range links {
					if cmd.TermText(l.Get("id")) == id {
						return client.RestartFederationLink(ctx, cmd.TermText(l.Get("vhost")), id, cmd.TermText(l.Get("node")))
					}
				}
				return cmd.Failure("Link with the given ID was not found")
			})
		},
	}
}
