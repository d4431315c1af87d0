package cmd

import (
	"context"
	"sort"
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

func newCmdCheckDeprecatedFeaturesUsed(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "check_if_any_deprecated_features_are_used",
		Short: "Generate a report listing all deprecated features in use",
		Long: `Health check (RabbitMQ 3.13.0+): exit 0 when no deprecated feature is in use, else 69
with their names on stderr, as rabbitmq-diagnostics does.`,
		Example: "  rmqctl check_if_any_deprecated_features_are_used",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner("Checking if any deprecated features are used ...")
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			var names []string
			if err := client.ListDeprecatedFeatures(ctx, true, func(it mgmtapi.Item) error {
				names = append(names, termText(it.Get("name")))
				return nil
			}); err != nil {
				return err
			}
			sort.Strings(names)
			switch {
			case len(names) == 0 && f.format() == output.JSON:
				return output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("result", "ok"))
			case len(names) == 0:
				if f.g.Silent {
					return nil
				}
				return f.printMessage("Cluster reported no deprecated features in use")
			case f.format() == output.JSON:
				doc := (&output.OrderedObject{}).Set("deprecated_features", names).
					Set("message", "Cluster reported deprecated features in use").Set("result", "error")
				b, _ := doc.MarshalJSON()
				return &cliError{code: exitUnavailable, layout: layoutBare, msg: string(b)}
			}
			return &cliError{code: exitUnavailable, layout: layoutBare, msg: strings.Join(names, "\n")}
		},
	}
}
