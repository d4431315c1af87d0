package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// jsonArg checks a JSON argument (policy definition, parameter value, limits) before
// anything is sent: rabbitmqctl fails such input with a JSON decoding error (69).
func jsonArg(raw string) (json.RawMessage, error) {
	if !json.Valid([]byte(raw)) {
		return nil, genericError("JSON decoding error. Reason: badarg")
	}
	return json.RawMessage(raw), nil
}

// validationError is the server's refusal of a policy, parameter or limit, printed as
// rabbitmqctl prints the same validation message (69).
func validationError(err error) error {
	var ae *mgmtapi.APIError
	if errors.As(err, &ae) && ae.Status == 400 {
		return genericError(html.UnescapeString(firstNonEmpty(ae.Reason, ae.Kind)))
	}
	return err
}

// jsonCell renders a JSON value (policy definition, parameter value) as compact JSON
// text, in --formatter json too (a string holding JSON), as rabbitmqctl does.
func jsonCell(v any) output.Cell {
	if v == nil {
		return output.Str("")
	}
	return output.Str(compactJSON(v))
}

// policyCommands builds set/clear/list for policies or operator policies.
type policyFlavour struct {
	operator                         bool
	setName, clearName, listName     string
	setBanner, clearBanner, listWord string
}

var (
	userPolicies = policyFlavour{
		setName: "set_policy", clearName: "clear_policy", listName: "list_policies",
		setBanner: "Setting policy", clearBanner: "Clearing policy", listWord: "policies",
	}
	operatorPolicies = policyFlavour{
		operator: true, setName: "set_operator_policy", clearName: "clear_operator_policy", listName: "list_operator_policies",
		setBanner: "Setting operator policy override", clearBanner: "Clearing operator policy", listWord: "operator policy overrides",
	}
)

// SetPolicyOptions are set_policy's and set_operator_policy's inputs.
type SetPolicyOptions struct {
	F          *Factory
	Flavour    policyFlavour
	Name       string
	Definition string
	mgmtapi.PolicySettings
}

func newCmdSetPolicy(f *Factory, fl policyFlavour) *cobra.Command {
	o := &SetPolicyOptions{F: f, Flavour: fl}
	what := "a policy"
	if fl.operator {
		what = "an operator policy (it overrides user policies' limits)"
	}
	c := &cobra.Command{
		Use:   fl.setName + " [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>",
		Short: "Sets or updates " + what,
		Long: `Sets ` + what + ` that applies to the queues and/or exchanges whose names match
<pattern>. <definition> is a JSON object of policy keys (e.g. {"max-length":1000}).
--apply-to is queues, exchanges or all (default); the highest --priority wins.`,
		Example: "  rmqctl " + fl.setName + ` -p / --apply-to queues --priority 1 ttl "^orders\." '{"message-ttl":60000}'`,
		Args:    exactArgs(3),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name, o.Pattern, o.Definition = args[0], args[1], args[2]
			return runSetPolicy(c.Context(), o)
		},
	}
	c.Flags().IntVar(&o.Priority, "priority", 0, "policy priority")
	c.Flags().StringVar(&o.ApplyTo, "apply-to", "all", "queues, exchanges or all")
	return c
}

func runSetPolicy(ctx context.Context, o *SetPolicyOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner(`%s "%s" for pattern "%s" to "%s" with priority "%d" for vhost "%s" ...`,
		o.Flavour.setBanner, o.Name, o.Pattern, o.Definition, o.Priority, vhost)
	def, err := jsonArg(o.Definition)
	if err != nil {
		return err
	}
	o.PolicySettings.Definition = def
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.PutPolicy(ctx, vhost, o.Name, o.Flavour.operator, o.PolicySettings); err != nil {
		if mgmtapi.IsNotFound(err) {
			return errVhostNotFoundBare(vhost)
		}
		return validationError(err)
	}
	return f.printDone()
}

func newCmdClearPolicy(f *Factory, fl policyFlavour) *cobra.Command {
	return &cobra.Command{
		Use:     fl.clearName + " [--vhost <vhost>] <name>",
		Short:   "Clears (removes) a policy",
		Example: "  rmqctl " + fl.clearName + " -p / ttl",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			vhost := f.Vhost()
			return f.runMutation(c.Context(), fmt.Sprintf(`%s "%s" on vhost "%s" ...`, fl.clearBanner, args[0], vhost),
				func(ctx context.Context, client *mgmtapi.Client) error {
					err := client.DeletePolicy(ctx, vhost, args[0], fl.operator)
					if mgmtapi.IsNotFound(err) {
						return errParameterNotFound()
					}
					return err
				})
		},
	}
}

func newCmdListPolicies(f *Factory, fl policyFlavour) *cobra.Command {
	return &cobra.Command{
		Use:     fl.listName + " [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
		Short:   "Lists " + fl.listWord + " in a virtual host",
		Example: "  rmqctl " + fl.listName + " -p / --formatter json",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			vhost := f.Vhost()
			return f.runList(c.Context(), listSpec{
				banner:   fmt.Sprintf(`Listing %s for vhost "%s" ...`, fl.listWord, vhost),
				columns:  []string{"vhost", "name", "pattern", "apply-to", "definition", "priority"},
				notFound: func() error { return errVhostNotFoundBare(vhost) },
				fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
					return c.ListPolicies(ctx, vhost, fl.operator, func(p mgmtapi.Item) error {
						return rows.Row(field("vhost")(p), field("name")(p), field("pattern")(p), field("apply-to")(p),
							jsonCell(p.Get("definition")), field("priority")(p))
					})
				},
			})
		},
	}
}

// runMutation is a write command's frame: the client, the banner, the time budget,
// then rabbitmqctl's success output.
func (f *Factory) runMutation(ctx context.Context, banner string, do func(ctx context.Context, c *mgmtapi.Client) error) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner("%s", banner)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := do(ctx, client); err != nil {
		return err
	}
	return f.printDone()
}

// Runtime parameters

func newCmdSetParameter(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "set_parameter [--vhost <vhost>] <component_name> <name> <value>",
		Short:   "Sets a runtime parameter",
		Long:    "Sets a vhost-scoped runtime parameter of a component (e.g. federation-upstream, shovel); <value> is JSON.",
		Example: `  rmqctl set_parameter federation-upstream origin '{"uri":"amqp://remote"}'`,
		Args:    exactArgs(3),
		RunE: func(c *cobra.Command, args []string) error {
			comp, name, raw := args[0], args[1], args[2]
			vhost := f.Vhost()
			return f.runMutation(c.Context(), fmt.Sprintf(`Setting runtime parameter "%s" for component "%s" to "%s" in vhost "%s" ...`, name, comp, raw, vhost),
				func(ctx context.Context, client *mgmtapi.Client) error {
					value, err := jsonArg(raw)
					if err != nil {
						return err
					}
					err = client.PutParameter(ctx, comp, vhost, name, value)
					if mgmtapi.IsNotFound(err) {
						return errVhostNotFoundBare(vhost)
					}
					return validationError(err)
				})
		},
	}
}

func newCmdClearParameter(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "clear_parameter [--vhost <vhost>] <component_name> <name>",
		Short:   "Clears a runtime parameter",
		Example: "  rmqctl clear_parameter federation-upstream origin",
		Args:    exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			comp, name := args[0], args[1]
			vhost := f.Vhost()
			return f.runMutation(c.Context(), fmt.Sprintf(`Clearing runtime parameter "%s" for component "%s" on vhost "%s" ...`, name, comp, vhost),
				func(ctx context.Context, client *mgmtapi.Client) error {
					err := client.DeleteParameter(ctx, comp, vhost, name)
					if mgmtapi.IsNotFound(err) {
						return errParameterNotFound()
					}
					return err
				})
		},
	}
}

func newCmdListParameters(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list_parameters [--vhost <vhost>] [--no-table-headers] [--timeout <timeout>]",
		Short:   "Lists runtime parameters for a virtual host",
		Example: "  rmqctl list_parameters -p /",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			vhost := f.Vhost()
			return f.runList(c.Context(), listSpec{
				banner:  fmt.Sprintf(`Listing runtime parameters for vhost "%s" ...`, vhost),
				columns: []string{"component", "name", "value"},
				fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
					// There is no per-vhost list of every component: the vhost is checked
					// first (rabbitmqctl fails for a missing one), then all are filtered.
					if _, err := c.GetVhost(ctx, vhost); err != nil {
						if mgmtapi.IsNotFound(err) {
							return errVhostNotFoundBare(vhost)
						}
						return err
					}
					return c.ListParameters(ctx, func(p mgmtapi.Item) error {
						if p.Get("vhost") != vhost {
							return nil
						}
						return rows.Row(field("component")(p), field("name")(p), jsonCell(p.Get("value")))
					})
				},
			})
		},
	}
}

func newCmdSetGlobalParameter(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "set_global_parameter <name> <value>",
		Short:   "Sets a runtime parameter",
		Example: `  rmqctl set_global_parameter cluster_tags '{"region":"eu"}'`,
		Args:    exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			name, raw := args[0], args[1]
			return f.runMutation(c.Context(), fmt.Sprintf(`Setting global runtime parameter "%s" to "%s" ...`, name, raw),
				func(ctx context.Context, client *mgmtapi.Client) error {
					value, err := jsonArg(raw)
					if err != nil {
						return err
					}
					return validationError(client.PutGlobalParameter(ctx, name, value))
				})
		},
	}
}

func newCmdClearGlobalParameter(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "clear_global_parameter <name>",
		Short:   "Clears a global runtime parameter",
		Example: "  rmqctl clear_global_parameter cluster_tags",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return f.runMutation(c.Context(), fmt.Sprintf(`Clearing global runtime parameter "%s" ...`, args[0]),
				func(ctx context.Context, client *mgmtapi.Client) error {
					err := client.DeleteGlobalParameter(ctx, args[0])
					if mgmtapi.IsNotFound(err) {
						return errParameterNotFound()
					}
					return err
				})
		},
	}
}

func newCmdListGlobalParameters(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list_global_parameters [--no-table-headers] [--timeout <timeout>]",
		Short:   "Lists global runtime parameters",
		Example: "  rmqctl list_global_parameters",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.runList(c.Context(), listSpec{
				banner:  "Listing global runtime parameters ...",
				columns: []string{"name", "value"},
				fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
					return c.ListGlobalParameters(ctx, func(p mgmtapi.Item) error {
						return rows.Row(field("name")(p), jsonCell(p.Get("value")))
					})
				},
			})
		},
	}
}

// set_cluster_name, trace_on, trace_off

func newCmdSetClusterName(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "set_cluster_name <name>",
		Short:   "Sets the cluster name",
		Example: "  rmqctl set_cluster_name prod-eu",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return f.runMutation(c.Context(), "Setting cluster name to "+args[0]+" ...",
				func(ctx context.Context, client *mgmtapi.Client) error { return client.SetClusterName(ctx, args[0]) })
		},
	}
}

func newCmdTrace(f *Factory, on bool) *cobra.Command {
	name, verb, done := "trace_off", "Stopping", "disabled"
	if on {
		name, verb, done = "trace_on", "Starting", "enabled"
	}
	return &cobra.Command{
		Use:   name + " [--vhost <vhost>]",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " the firehose tracer for a vhost",
		Long: `Turns the firehose tracer (messages copied to amq.rabbitmq.trace) on or off for a
vhost. The vhost's description, tags and default queue type are kept.`,
		Example: "  rmqctl " + name + " -p /",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			vhost := f.Vhost()
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner(`%s tracing for vhost "%s" ...`, verb, vhost)
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			v, err := client.GetVhost(ctx, vhost)
			switch {
			case mgmtapi.IsNotFound(err):
				// rabbitmqctl succeeds for a missing vhost; a PUT would create it.
			case err != nil:
				return err
			default:
				tracing := on
				if err := client.PutVhost(ctx, vhost, mgmtapi.VhostSettings{Description: v.Description, Tags: tagsList(v.Tags),
					DefaultQueueType: v.DefaultQueueType, Tracing: &tracing}); err != nil {
					return err
				}
			}
			return f.printResult(fmt.Sprintf("Trace %s for vhost %s", done, vhost))
		},
	}
}

// tagsList is a vhost's tags as a list ("" is none).
func tagsList(tags any) []string {
	var out []string
	switch t := tags.(type) {
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = mgmtapi.SplitTags(t)
	}
	return out
}
