package cmd

// The exported surface that the tool packages (cmd/diagnostics, cmd/queues …) build
// their commands on: thin wrappers over the Factory's and cmd's own helpers, so that
// every tool shares one set of printers, errors and exit codes.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// Format is the output format of the command being run.
func (f *Factory) Format() output.Format { return f.format() }

// Informational reports whether banners and hints are printed.
func (f *Factory) Informational() bool { return f.informational() }

// Silent reports whether -s/--silent was given.
func (f *Factory) Silent() bool { return f.g.Silent }

// Headers reports whether table headers are printed.
func (f *Factory) Headers() bool { return f.headers() }

// WithTimeout derives the context for a command's requests (its time budget).
func (f *Factory) WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return f.withTimeout(ctx)
}

// Timeout is the time budget of command c.
func (f *Factory) Timeout(c *cobra.Command) time.Duration { return f.timeout(c) }

// TimeoutChanged reports whether -t was given.
func (f *Factory) TimeoutChanged() bool { return f.root.PersistentFlags().Changed("timeout") }

// VhostChanged reports whether -p was given.
func (f *Factory) VhostChanged() bool { return f.root.PersistentFlags().Changed("vhost") }

// SetDefaultTimeout gives command c rabbitmqctl's default timeout.
func SetDefaultTimeout(c *cobra.Command, d time.Duration) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[annTimeoutMS] = fmt.Sprint(d.Milliseconds())
}

// SetDefaultFormat makes fm command c's formatter unless --formatter says otherwise.
func (f *Factory) SetDefaultFormat(c *cobra.Command, fm output.Format) { f.defaultFormat(c, fm) }

// Has reports whether the broker's release carries change k.
func (f *Factory) Has(ctx context.Context, k compat.Key) (bool, error) { return f.has(ctx, k) }

// KnowVersion takes the broker's version from an answer a command already has.
func (f *Factory) KnowVersion(raw string) { f.knowVersion(raw) }

// PrintMessage prints a one-line result: the text, or {"message":…} in JSON.
func (f *Factory) PrintMessage(text string) error { return f.printMessage(text) }

// PrintResult prints an {ok, Value} result: the text, or {"node","result","value"} in JSON.
func (f *Factory) PrintResult(text string) error { return f.printResult(text) }

// PrintDone prints a mutation's success: nothing, or {"node","result":"ok"} in JSON.
func (f *Factory) PrintDone() error { return f.printDone() }

// PrintLines prints lines of text on stdout.
func (f *Factory) PrintLines(lines ...string) error {
	for _, l := range lines {
		if _, err := io.WriteString(f.Out(), l+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// OrderJSON puts an object's keys in the order in which the broker release's CLI
// writes that object (compat.ObjectOrder names it).
func (f *Factory) OrderJSON(ctx context.Context, name string, o *output.OrderedObject) *output.OrderedObject {
	if p, err := f.Profile(ctx); err == nil {
		o.Reorder(p.ObjectOrder(name, o.Keys))
	}
	return o
}

// PrintJSON writes one JSON document on a line.
func (f *Factory) PrintJSON(v any) error { return output.JSONLine(f.Out(), v) }

// ParseColumns validates a list command's column arguments as the broker release's
// CLI does (defaults when none).
func (f *Factory) ParseColumns(ctx context.Context, command string, args, allowed, defaults []string) ([]string, error) {
	return f.parseColumns(ctx, command, args, allowed, defaults)
}

// Errors, each with its exit code and stderr layout (decided in errors.go).

// UsageError is an argument error: "Error (argument validation): <msg>", usage, 64.
func UsageError(msg string) error { return usageError(msg) }

// BadArgument is "Error (argument validation): Bad argument: <msg>", 65.
func BadArgument(msg string) error { return badArgument(msg) }

// ValidationFailure is a command's own validation text, printed as the CLI's inspect
// prints a free-text failure (in double quotes), 64.
func ValidationFailure(msg string) error { return usageError(fmt.Sprintf("%q", msg)) }

// Failure is a failed operation: "Error:\n<msg>", 69.
func Failure(msg string) error { return genericError(msg) }

// FailureBare is a failed check printed as it is (no "Error:"), 69.
func FailureBare(msg string) error {
	return &cliError{code: exitUnavailable, layout: layoutBare, msg: msg}
}

// FailureJSON is a failed command's JSON document on stderr, 69.
func FailureJSON(doc any) error {
	b, _ := output.OrderedObject{}.MarshalJSON()
	if m, ok := doc.(interface{ MarshalJSON() ([]byte, error) }); ok {
		b, _ = m.MarshalJSON()
	}
	return &cliError{code: exitUnavailable, layout: layoutBare, msg: string(b)}
}

// FailureSilent is a failed check that prints nothing (-s), 69.
func FailureSilent() error { return &cliError{code: exitUnavailable, layout: layoutSilent} }

// DataError is "Error:\n<msg>", 65.
func DataError(msg string) error { return &cliError{code: exitDataErr, msg: msg} }

// DataErrorBare is "<msg>", 65.
func DataErrorBare(msg string) error {
	return &cliError{code: exitDataErr, layout: layoutBare, msg: msg}
}

// SoftwareError is "Error:\n<msg>", 70.
func SoftwareError(msg string) error { return &cliError{code: exitSoftware, msg: msg} }

// TimedOut is rabbitmqctl's timeout error for command c, 75.
func (f *Factory) TimedOut(c *cobra.Command) error {
	return f.classify(c, context.DeadlineExceeded)
}

// NotServed refuses a command that the management API cannot serve, on one line,
// exit 69 (the real tools have no code of their own for an unsupported operation).
func NotServed(name, why string) error {
	return &cliError{code: exitUnavailable, layout: layoutLine, msg: name + " cannot be run over the management HTTP API: " + why}
}

// NotFoundError is a missing object as the release's CLI reports {:error, :not_found}.
func (f *Factory) NotFoundError(ctx context.Context) error { return f.notFoundError(ctx) }

// Exit-code classification of API answers.

// IsNotFound reports whether err is the API's 404.
func IsNotFound(err error) bool { return mgmtapi.IsNotFound(err) }

// APIReason is the reason of an API error answer ("" for other errors).
func APIReason(err error) (status int, reason string, ok bool) {
	var ae *mgmtapi.APIError
	if !errors.As(err, &ae) {
		return 0, "", false
	}
	return ae.Status, firstNonEmpty(ae.Reason, ae.Kind), true
}

// Rendering of API values as the CLI prints the terms behind them.

// TermText renders a JSON value as rabbitmqctl's table formatter prints the term.
func TermText(v any) string { return termText(v) }

// ElixirString renders s as Elixir's inspect: double-quoted, escaped.
func ElixirString(s string) string { return elixirString(s) }

// Field renders the value at path (dotted) as a list cell.
func Field(path string) func(mgmtapi.Item) output.Cell { return field(path) }

// Listener is one of the node's listeners as rabbitmqctl reports it.
type Listener = listener

// Listeners reads an overview's listeners, sorted by node then port.
func Listeners(ov mgmtapi.Item) []Listener { return listeners(ov) }

// ListenersAsListed reads an overview's listeners in the order the API lists them.
func ListenersAsListed(ov mgmtapi.Item) []Listener {
	parsed := listeners(ov)
	items, _ := ov.Get("listeners").([]any)
	out := make([]Listener, 0, len(parsed))
	for _, x := range items {
		o, ok := x.(*mgmtapi.Object)
		if !ok {
			continue
		}
		for _, l := range parsed {
			if l.Node == termText(o.Get("node")) && termText(l.Port) == termText(o.Get("port")) && l.Protocol == termText(o.Get("protocol")) {
				out = append(out, l)
			}
		}
	}
	return out
}

// StatusUnit is the size of a --unit value as the release's CLI knows it (status's
// units); known is false for a unit the release does not take.
func (f *Factory) StatusUnit(ctx context.Context, unit string) (size float64, known bool, err error) {
	size, err = f.statusUnit(ctx, unit)
	var ce *cliError
	if errors.As(err, &ce) && ce.code == exitUsage {
		return 0, false, nil
	}
	return size, err == nil, err
}

// ElixirFloat renders x as Elixir prints a float.
func ElixirFloat(x float64) string { return elixirFloat(x) }

// InSection puts commands in a help section (a cobra group of their tool).
func InSection(id string, cmds ...*cobra.Command) []*cobra.Command {
	for _, c := range cmds {
		c.GroupID = id
	}
	return cmds
}

// NotServedCommand is a command of the real tool that the management API cannot
// serve: it accepts any arguments and options, and refuses on one line (69) without
// contacting the broker.
func NotServedCommand(name, short, why string) *cobra.Command {
	return &cobra.Command{
		Use:                name,
		Short:              short,
		Long:               short + ".\n\nNot available over HTTP: " + why + ".",
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "--help" || a == "-h" || a == "-?" {
					return c.Help()
				}
			}
			return NotServed(name, why)
		},
	}
}

// TargetNode is the node that node-specific requests are about: -n's (or
// RMQCTL_NODE's) node when given, else the node that answers the API.
func (f *Factory) TargetNode(ctx context.Context, client *mgmtapi.Client) (string, error) {
	if _, env := f.LookupEnv("RMQCTL_NODE"); f.root.PersistentFlags().Changed("node") || env {
		return f.NodeName(), nil
	}
	ov, err := client.Overview(ctx)
	if err != nil {
		return "", err
	}
	return ov.Node, nil
}

// Do runs a command's requests: the client, the banner (printed once the broker
// answers), and the command's time budget.
func (f *Factory) Do(ctx context.Context, banner string, fn func(ctx context.Context, c *mgmtapi.Client) error) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	if banner != "" {
		f.Banner("%s", banner)
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	return fn(ctx, client)
}

// Mutate is Do for a change: nothing printed on success, or {"node","result":"ok"}
// in JSON.
func (f *Factory) Mutate(ctx context.Context, banner string, fn func(ctx context.Context, c *mgmtapi.Client) error) error {
	return f.runMutation(ctx, banner, fn)
}

// Exact, Range and No are rabbitmqctl's argument-count checks.
func Exact(n int) cobra.PositionalArgs      { return exactArgs(n) }
func Range(lo, hi int) cobra.PositionalArgs { return rangeArgs(lo, hi) }
func No() cobra.PositionalArgs              { return noArgs() }

// Proplist renders an object at path as the CLI prints an Erlang property list with
// binary keys ([{<<"k">>, v}]); JSON keeps the object.
func Proplist(path string) func(mgmtapi.Item) output.Cell { return proplist(path, true) }

// NewRows starts a list whose JSON rows are the named object (compat.ObjectOrder
// orders their keys as the release's CLI does); streamed lists print their rows as
// they come ("[", rows, "]").
func (f *Factory) NewRows(ctx context.Context, object string, columns []string, streamed, headers bool) *output.ListWriter {
	o := output.ListOptions{Headers: headers, Streamed: streamed}
	if p, err := f.Profile(ctx); err == nil {
		if fm := f.format(); fm == output.JSON {
			o.JSONOrder = p.ObjectOrder(object, columns)
		} else if fm == output.CSV {
			o.CSVBlankEmptyLists = p.Has(compat.CSVPlainLists)
		}
	}
	return output.NewList(f.Out(), f.format(), columns, o)
}

// NotClusterMember is the CLI's refusal of a node that is not a cluster member
// (Validators.existing_cluster_member): "Error: node N is not a member of the
// cluster", the arguments and the usage, 64.
func NotClusterMember(node string) error {
	return &cliError{code: exitUsage, layout: layoutEnvironment, msg: "node " + node + " is not a member of the cluster"}
}

// ClusterMember reports whether node is one of the cluster's nodes (GET /api/nodes).
func ClusterMember(ctx context.Context, client *mgmtapi.Client, node string) (bool, error) {
	member, _, err := clusterNode(ctx, client, node)
	return member, err
}

// clusterNode reports whether node is a member of the cluster, and whether it runs.
func clusterNode(ctx context.Context, client *mgmtapi.Client, node string) (member, running bool, err error) {
	err = client.ListNodes(ctx, func(n mgmtapi.Item) error {
		if n.Get("name") == node {
			member, running = true, n.Get("running") == true
		}
		return nil
	})
	return member, running, err
}

var elixirPlainAtom = regexp.MustCompile(`^[a-z_][a-zA-Z0-9_@]*[?!]?$`)

// ElixirAtom renders s as Elixir's inspect prints the atom: :name, or :"quoted-name".
func ElixirAtom(s string) string {
	if elixirPlainAtom.MatchString(s) {
		return ":" + s
	}
	return ":" + elixirString(s)
}

// NodeRunning reports whether node is a running member of the cluster.
func NodeRunning(ctx context.Context, client *mgmtapi.Client, node string) (bool, error) {
	_, running, err := clusterNode(ctx, client, node)
	return running, err
}

// PluginMissing is the error of a command whose route a plugin serves, when the broker
// answers 404 for it: the plugin is not enabled (exit 69, one line).
func (f *Factory) PluginMissing(name, plugin string) error {
	return &cliError{code: exitUnavailable, layout: layoutLine,
		msg: name + " needs the " + plugin + " plugin, which is not enabled on node " + f.NodeName() + " (its management API has no route for it)"}
}
