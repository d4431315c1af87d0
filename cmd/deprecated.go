package cmd

import (
	"context"
	"strings"

	"github.com/rmqctl/rmqctl/completions"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

var deprecatedFeatureItems = infoItems{
	all: []infoItem{
		item("name", false), item("deprecation_phase", false), item("state", false),
		item("provided_by", false), item("desc", false), item("doc_url", false),
	},
	defaults: []string{"name", "deprecation_phase", "state"},
}

// ListDeprecatedFeaturesOptions are list_deprecated_features's inputs (3.13.0+).
type ListDeprecatedFeaturesOptions struct {
	F       *Factory
	Used    bool
	Columns []infoItem
}

func newCmdListDeprecatedFeatures(f *Factory) *cobra.Command {
	o := &ListDeprecatedFeaturesOptions{F: f}
	c := &cobra.Command{
		ValidArgsFunction: completions.Columns(deprecatedFeatureItems.names()),
		Use:               "list_deprecated_features [--used] [<column> ...]",
		Short:             "Lists deprecated features",
		Long: "Lists deprecated features (RabbitMQ 3.13.0+), as a pretty table by default as rabbitmqctl does. Columns: " +
			strings.Join(deprecatedFeatureItems.names(), ", ") + " (default: name, deprecation_phase, state).\n" +
			"With --used, only the features in use (rabbitmqctl 3.13–4.3 always prints none there: a bug).",
		Example:     "  rmqctl list_deprecated_features --used --formatter json",
		Annotations: map[string]string{annDefaultFormatter: string(output.PrettyTable)},
		RunE: func(c *cobra.Command, args []string) error {
			cols, err := deprecatedFeatureItems.parse(c.Context(), f, c.Name(), args)
			if err != nil {
				return err
			}
			o.Columns = cols
			return runListDeprecatedFeatures(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.Used, "used", false, "only the deprecated features in use")
	return c
}

func runListDeprecatedFeatures(ctx context.Context, o *ListDeprecatedFeaturesOptions) error {
	banner := "Listing deprecated features ..."
	if o.Used {
		banner = "Listing deprecated features in use ..."
	}
	return o.F.runList(ctx, listSpec{
		banner:  banner,
		columns: itemNames(o.Columns),
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListDeprecatedFeatures(ctx, o.Used, func(it mgmtapi.Item) error { return rows.Row(rowOf(o.Columns, it)...) })
		},
	})
}
