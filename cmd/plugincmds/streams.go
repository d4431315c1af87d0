package plugincmds

import (
	"context"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const streamPlugin = "rabbitmq_stream_management"

// streamList is one of the stream plugin's list commands: its info keys (4.3's, in
// rabbit_stream.hrl), the API field behind each, and its defaults.
type streamList struct {
	name, kind, short, banner string
	vhostScoped               bool
	keys                      [][2]string // info key, API field (dotted)
	defaults                  []string
}

var streamLists = []streamList{
	{name: "list_stream_connections", kind: "connections", short: "Lists stream connections", banner: "Listing stream connections ...",
		keys: [][2]string{{"conn_name", "name"}, {"pid", "name"}, {"node", "node"}, {"port", "port"}, {"peer_port", "peer_port"},
			{"host", "host"}, {"peer_cert_issuer", "peer_cert_issuer"}, {"peer_cert_subject", "peer_cert_subject"},
			{"peer_cert_serial_number", "peer_cert_serial_number"}, {"peer_cert_validity", "peer_cert_validity"},
			{"peer_host", "peer_host"}, {"user", "user"}, {"vhost", "vhost"}, {"subscriptions", "subscriptions"},
			{"ssl", "ssl"}, {"ssl_cipher", "ssl_cipher"}, {"ssl_hash", "ssl_hash"}, {"ssl_key_exchange", "ssl_key_exchange"},
			{"ssl_protocol", "ssl_protocol"}, {"connection_state", "connection_state"}, {"auth_mechanism", "auth_mechanism"},
			{"heartbeat", "heartbeat"}, {"frame_max", "frame_max"}, {"client_properties", "client_properties"},
			{"connected_at", "connected_at"}},
		defaults: []string{"node", "conn_name"}},
	{name: "list_stream_consumers", kind: "consumers", short: "Lists all stream consumers for a vhost", banner: "Listing stream consumers ...", vhostScoped: true,
		keys: [][2]string{{"connection_pid", "connection_details.name"}, {"node", "connection_details.node"},
			{"subscription_id", "subscription_id"}, {"stream", "queue.name"}, {"messages_consumed", "messages_consumed"},
			{"offset", "offset"}, {"offset_lag", "offset_lag"}, {"credits", "credits"}, {"active", "active"},
			{"activity_status", "activity_status"}, {"properties", "properties"}},
		defaults: []string{"subscription_id", "stream", "messages_consumed", "offset", "offset_lag", "credits", "active", "activity_status", "properties"}},
	{name: "list_stream_publishers", kind: "publishers", short: "Lists all stream publishers for a vhost", banner: "Listing stream publishers ...", vhostScoped: true,
		keys: [][2]string{{"connection_pid", "connection_details.name"}, {"node", "connection_details.node"},
			{"publisher_id", "publisher_id"}, {"stream", "queue.name"}, {"reference", "reference"},
			{"messages_published", "messages_published"}, {"messages_confirmed", "messages_confirmed"},
			{"messages_errored", "messages_errored"}},
		defaults: []string{"publisher_id", "stream", "reference", "messages_published", "messages_confirmed", "messages_errored"}},
}

func (s streamList) command(f *cmd.Factory) *cobra.Command {
	allowed := make([]string, len(s.keys))
	field := map[string]string{}
	for i, k := range s.keys {
		allowed[i], field[k[0]] = k[0], k[1]
	}
	use := s.name + " [<column> ...]"
	if s.vhostScoped {
		use = s.name + " [--vhost <vhost>] [<column> ...]"
	}
	return &cobra.Command{
		Use:   use,
		Short: s.short,
		RunE: func(c *cobra.Command, args []string) error {
			cols, err := f.ParseColumns(c.Context(), s.name, args, allowed, s.defaults)
			if err != nil {
				return err
			}
			return f.Do(c.Context(), s.banner, func(ctx context.Context, client *mgmtapi.Client) error {
				vhost := ""
				if s.vhostScoped {
					vhost = f.Vhost()
				}
				list := f.NewRows(ctx, s.name, cols, true, f.Headers())
				err := client.ListStreamObjects(ctx, s.kind, vhost, mgmtapi.ListQuery{}, func(it mgmtapi.Item) error {
					cells := make([]output.Cell, len(cols))
					for i, col := range cols {
						cells[i] = cmd.Field(field[col])(it)
					}
					return list.Row(cells...)
				})
				if cmd.IsNotFound(err) {
					if vhost != "" && client.ListStreamObjects(ctx, s.kind, "", mgmtapi.ListQuery{}, func(mgmtapi.Item) error { return nil }) == nil {
						return list.Close() // a missing vhost has none
					}
					return f.PluginMissing(s.name, streamPlugin)
				}
				if err != nil {
					return err
				}
				return list.Close()
			})
		},
	}
}

// streamListCommands builds the stream plugin's list commands.
func streamListCommands(f *cmd.Factory) []*cobra.Command {
	out := make([]*cobra.Command, len(streamLists))
	for i, s := range streamLists {
		out[i] = s.command(f)
	}
	return out
}
