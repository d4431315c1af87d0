package cmd

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/compat"
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
		Long: "Lists deprecated features (RabbitMQ 3.13.0+); from 4.1.3 and 4.2.0 as a pretty table by default, as rabbitmqctl does. Columns: " +
			strings.Join(deprecatedFeatureItems.names(), ", ") + " (default: name, deprecation_phase, state).\n" +
			"With --used, only the features in use (rabbitmqctl 3.13–4.3 always prints none there: a bug).",
		Example: "  rmqctl list_deprecated_features --used --formatter json",
		RunE: func(c *cobra.Command, args []string) error {
			if pretty, err := f.has(c.Context(), compat.DeprecatedFeaturesPrettyTable); err != nil {
				return err
			} else if pretty {
				f.defaultFormat(c, output.PrettyTable)
			}
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
			// sorted by name, as rabbitmqctl lists them (the API does not)
			var items []mgmtapi.Item
			if err := c.ListDeprecatedFeatures(ctx, o.Used, func(it mgmtapi.Item) error {
				items = append(items, it)
				return nil
			}); err != nil {
				return err
			}
			sort.SliceStable(items, func(i, j int) bool { return termText(items[i].Get("name")) < termText(items[j].Get("name")) })
			for _, it := range items {
				if err := rows.Row(rowOf(o.Columns, it)...); err != nil {
					return err
				}
			}
			return nil
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

func newCmdNodeHealthCheck(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "node_health_check",
		Short: "DEPRECATED. Performs intrusive, opinionated health checks on a fully booted node",
		Long: `DEPRECATED (a no-op from RabbitMQ 3.13.0, as in rabbitmqctl). Before 3.13 it runs the
node's own health check (GET /api/healthchecks/node): "Health check passed", or exit 70.
Prefer the check_* commands.`,
		Example: "  rmqctl node_health_check",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			noop, err := f.has(c.Context(), compat.NodeHealthCheckNoOp)
			if err != nil {
				return err
			}
			if noop {
				f.Banner("This command is DEPRECATED and is a no-op. It will be removed in a future version. \n" +
					"Use one of the options covered in https://www.rabbitmq.com/monitoring.html#health-checks instead.")
				return f.printDone()
			}
			f.Banner("This command is DEPRECATED and will be removed in a future version.\n"+
				"It performs intrusive, opinionated health checks and requires a fully booted node.\n"+
				"Use one of the options covered in https://www.rabbitmq.com/monitoring.html#health-checks instead.\n"+
				"Timeout: %d seconds ...\nChecking health of node %s ...", int(f.timeout(c)/time.Second), f.NodeName())
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			ok, body, err := client.NodeHealthCheck(ctx)
			if err != nil {
				return err
			}
			if !ok {
				return &cliError{code: exitSoftware, msg: "Error: health check failed. Message: " + reasonOf(body)}
			}
			return f.printResult("Health check passed")
		},
	}
	c.Annotations = map[string]string{annTimeoutMS: "70000"}
	return c
}
