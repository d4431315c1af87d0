package streams

// list_stream_tracking: GET /api/stream/{vhost}/{stream}/tracking (3.13.0+), printed
// as rabbitmq-streams' ListStreamTrackingCommand prints tracking_info/3.

import (
	"context"
	"sort"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

var trackingColumns = []string{"type", "name", "tracking_value"}

// trackingRow is one row of tracking_info/3.
type trackingRow struct {
	typ, name string
	value     any
}

// trackingRows maps the API's {"offsets": {ref: offset}, "writers": {ref: sequence}}
// onto the CLI's rows: tracking_info/3 folds offsets then writers (--all), each map
// with maps:fold/3 (ascending keys for the small maps a stream has), prepending every
// row; so writer rows come first, then offset rows, each in descending name order.
func trackingRows(doc mgmtapi.Item, typ string) []trackingRow {
	var rows []trackingRow
	kinds := [][2]string{{"offsets", "offset"}, {"writers", "writer"}}
	for _, k := range kinds {
		if typ != "" && typ != k[1] {
			continue
		}
		m, _ := doc.Get(k[0]).(*mgmtapi.Object)
		if m == nil {
			continue
		}
		names := append([]string(nil), m.Keys()...)
		sort.Strings(names) // binaries compare as bytes, as Go's strings do
		for _, n := range names {
			rows = append([]trackingRow{{typ: k[1], name: n, value: m.Get(n)}}, rows...)
		}
	}
	return rows
}

func newCmdListStreamTracking(f *cmd.Factory) *cobra.Command {
	var offset, writer bool
	c := &cobra.Command{
		Use:   "list_stream_tracking <stream> [--all | --offset | --writer] [--vhost <vhost>]",
		Short: "Lists tracking information for a stream",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			stream, vhost := args[0], f.Vhost()
			n := 0
			for _, name := range []string{"all", "offset", "writer"} {
				if c.Flags().Changed(name) {
					n++
				}
			}
			if n > 1 {
				return charlistFailure("Specify only one of --all, --offset, --writer.")
			}
			typ := ""
			switch {
			case c.Flags().Changed("offset") && offset:
				typ = "offset"
			case c.Flags().Changed("writer") && writer:
				typ = "writer"
			}
			return f.Do(c.Context(), "Listing tracking information for stream "+stream+" ...", func(ctx context.Context, client *mgmtapi.Client) error {
				doc, err := client.StreamTracking(ctx, vhost, stream, typ)
				if err != nil {
					return trackingError(ctx, f, client, vhost, stream, err)
				}
				rows := trackingRows(doc, typ)
				if len(rows) == 0 {
					return nil // the CLI prints nothing for no rows
				}
				list := f.NewRows(ctx, "list_stream_tracking", trackingColumns, false, f.Headers())
				for _, r := range rows {
					if err := list.Row(output.Str(r.typ), output.Str(r.name), output.Raw(cmd.TermText(r.value), r.value)); err != nil {
						return err
					}
				}
				return list.Close()
			})
		},
	}
	c.Flags().Bool("all", false, "list offset and writer tracking information (the default)")
	c.Flags().BoolVar(&offset, "offset", false, "list only offset tracking information")
	c.Flags().BoolVar(&writer, "writer", false, "list only writer deduplication tracking information")
	f.SetDefaultFormat(c, output.PrettyTable)
	return c
}

// trackingError is the CLI's answer where the API has none: a missing stream (404,
// or 503 for a queue that is no stream) is "The stream does not exist.", a stream
// without a leader "The stream is not available." (69); a 404 with the plugin's
// routes absent is the plugin missing.
func trackingError(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client, vhost, stream string, err error) error {
	status, _, api := cmd.APIReason(err)
	switch {
	case !api:
		return err
	case status == 404:
		if client.ListStreamObjects(ctx, "connections", "", mgmtapi.ListQuery{}, func(mgmtapi.Item) error { return nil }) != nil {
			return f.PluginMissing("list_stream_tracking", streamPlugin)
		}
		return cmd.Failure("The stream does not exist.")
	case status == 503:
		it, qerr := client.GetQueue(ctx, vhost, stream, mgmtapi.ListQuery{Columns: []string{"name", "type"}, DisableStats: true})
		if qerr == nil && it.Get("type") == "stream" {
			return cmd.Failure("The stream is not available.")
		}
		if qerr != nil && !cmd.IsNotFound(qerr) {
			return qerr
		}
		return cmd.Failure("The stream does not exist.")
	}
	return err
}
