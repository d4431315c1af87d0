package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
)

// Exchanges and bindings: declare_exchange, delete_exchange, declare_binding,
// delete_binding.

// DeclareExchangeOptions are declare_exchange's inputs.
type DeclareExchangeOptions struct {
	F    *Factory
	Name string
	mgmtapi.ExchangeSettings
}

func newCmdDeclareExchange(f *Factory) *cobra.Command {
	o := &DeclareExchangeOptions{F: f}
	var rawArgs, alternate string
	c := &cobra.Command{
		Use:   "declare_exchange [--vhost <vhost>] <name> [--type <direct|fanout|topic|headers|…>] [--durable=false] [--auto-delete] [--internal] [--arguments <json>]",
		Short: "Declares an exchange (HTTP only)",
		Long: `Declares an exchange, durable unless --durable=false. Re-declaring with the same
properties succeeds; different properties fail with the server's reason (exit 65).`,
		Example: `  rmqctl declare_exchange orders --type topic
  rmqctl declare_exchange events --type fanout --alternate-exchange unrouted`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] == "" {
				return badArgument("exchange name cannot be an empty string")
			}
			o.Name = args[0]
			a, err := parseArguments("--arguments", rawArgs)
			if err != nil {
				return err
			}
			if c.Flags().Changed("alternate-exchange") {
				a["alternate-exchange"] = alternate
			}
			o.Arguments = a
			return runDeclareExchange(c.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Type, "type", "direct", "exchange type")
	c.Flags().BoolVar(&o.Durable, "durable", true, "survive a broker restart")
	c.Flags().BoolVar(&o.AutoDelete, "auto-delete", false, "delete when the last binding is removed")
	c.Flags().BoolVar(&o.Internal, "internal", false, "clients may not publish to it directly")
	c.Flags().StringVar(&rawArgs, "arguments", "", "exchange arguments as a JSON object")
	c.Flags().StringVar(&alternate, "alternate-exchange", "", "where unroutable messages go")
	return c
}

func runDeclareExchange(ctx context.Context, o *DeclareExchangeOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("Declaring exchange '%s' of type '%s' in vhost '%s' ...", o.Name, o.Type, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeclareExchange(ctx, vhost, o.Name, o.ExchangeSettings); err != nil {
		return declareError(vhost, err)
	}
	return f.printDone()
}

// DeleteExchangeOptions are delete_exchange's inputs.
type DeleteExchangeOptions struct {
	F                 *Factory
	Name              string
	IfUnused, IfExist bool
}

func newCmdDeleteExchange(f *Factory) *cobra.Command {
	o := &DeleteExchangeOptions{F: f}
	c := &cobra.Command{
		Use:     "delete_exchange [--vhost <vhost>] <name> [--if-unused] [--if-exists]",
		Short:   "Deletes an exchange (HTTP only)",
		Example: "  rmqctl delete_exchange orders --if-unused --if-exists",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			return runDeleteExchange(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.IfUnused, "if-unused", false, "delete only if the exchange has no bindings")
	c.Flags().BoolVar(&o.IfExist, "if-exists", false, "a missing exchange is not an error")
	return c
}

func runDeleteExchange(ctx context.Context, o *DeleteExchangeOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("Deleting exchange '%s' in vhost '%s' ...", o.Name, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeleteExchange(ctx, vhost, o.Name, o.IfUnused); err != nil {
		var ae *mgmtapi.APIError
		switch {
		case mgmtapi.IsNotFound(err) && o.IfExist:
		case mgmtapi.IsNotFound(err):
			return errNotFound(fmt.Sprintf("Exchange '%s' in vhost '%s'", o.Name, vhost))
		case errors.As(err, &ae) && ae.Status == 400:
			return errRefused(ae)
		default:
			return err
		}
	}
	return f.printDone()
}

// BindingOptions are declare_binding's and delete_binding's inputs.
type BindingOptions struct {
	F          *Factory
	Binding    mgmtapi.Binding
	RoutingKey string
	Arguments  map[string]any
	IfExist    bool
}

func bindingCommand(f *Factory, use, short, long, example string, run func(context.Context, *BindingOptions) error) (*cobra.Command, *BindingOptions) {
	o := &BindingOptions{F: f}
	var rawArgs string
	c := &cobra.Command{
		Use: use, Short: short, Long: long, Example: example,
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			if o.Binding.DestinationType != "queue" && o.Binding.DestinationType != "exchange" {
				return badArgument("--destination-type must be queue or exchange")
			}
			o.Binding.Source, o.Binding.Destination = args[0], args[1]
			a, err := parseArguments("--arguments", rawArgs)
			if err != nil {
				return err
			}
			o.Arguments = a
			return run(c.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Binding.DestinationType, "destination-type", "queue", "queue or exchange")
	c.Flags().StringVar(&o.RoutingKey, "routing-key", "", "routing key")
	c.Flags().StringVar(&rawArgs, "arguments", "", "binding arguments as a JSON object (e.g. for headers exchanges)")
	return c, o
}

func newCmdDeclareBinding(f *Factory) *cobra.Command {
	c, _ := bindingCommand(f,
		"declare_binding [--vhost <vhost>] <source> <destination> [--destination-type <queue|exchange>] [--routing-key <key>] [--arguments <json>]",
		"Binds a queue or an exchange to an exchange (HTTP only)",
		"Binds destination to source exchange. Declaring a binding that exists succeeds. The default exchange is \"\".",
		`  rmqctl declare_binding orders orders.eu --routing-key "eu.#"
  rmqctl declare_binding events audit --destination-type exchange`,
		runDeclareBinding)
	return c
}

func bindingBanner(verb string, o *BindingOptions, vhost string) string {
	return fmt.Sprintf("%s %s '%s' to exchange '%s' with routing key '%s' in vhost '%s' ...",
		verb, o.Binding.DestinationType, o.Binding.Destination, o.Binding.Source, o.RoutingKey, vhost)
}

func runDeclareBinding(ctx context.Context, o *BindingOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("%s", bindingBanner("Binding", o, vhost))
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeclareBinding(ctx, vhost, o.Binding, o.RoutingKey, o.Arguments); err != nil {
		if mgmtapi.IsNotFound(err) {
			return errNotFound(fmt.Sprintf("Source exchange '%s', %s '%s' or vhost '%s'", o.Binding.Source, o.Binding.DestinationType, o.Binding.Destination, vhost))
		}
		return declareError(vhost, err)
	}
	return f.printDone()
}

func newCmdDeleteBinding(f *Factory) *cobra.Command {
	c, o := bindingCommand(f,
		"delete_binding [--vhost <vhost>] <source> <destination> [--destination-type <queue|exchange>] [--routing-key <key>] [--arguments <json>] [--if-exists]",
		"Deletes a binding (HTTP only)",
		"Deletes the binding from source to destination with this routing key and these arguments.",
		`  rmqctl delete_binding orders orders.eu --routing-key "eu.#" --if-exists`,
		runDeleteBinding)
	c.Flags().BoolVar(&o.IfExist, "if-exists", false, "a missing binding is not an error")
	return c
}

func runDeleteBinding(ctx context.Context, o *BindingOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("%s", bindingBanner("Unbinding", o, vhost))
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	// A binding is addressed by its properties_key: find it among those between the two.
	want, _ := json.Marshal(o.Arguments)
	key := ""
	err = client.ListBindingsBetween(ctx, vhost, o.Binding, func(b mgmtapi.Item) error {
		args, _ := json.Marshal(b.Get("arguments"))
		if termText(b.Get("routing_key")) == o.RoutingKey && jsonEqual(args, want) {
			key = termText(b.Get("properties_key"))
		}
		return nil
	})
	if err != nil && !mgmtapi.IsNotFound(err) {
		return err
	}
	if key == "" {
		if o.IfExist {
			return f.printDone()
		}
		return errNotFound("Binding")
	}
	if err := client.DeleteBinding(ctx, vhost, o.Binding, key); err != nil {
		if !(mgmtapi.IsNotFound(err) && o.IfExist) {
			return err
		}
	}
	return f.printDone()
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
