package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// Factory hands commands what they need, building the API client only when a command
// first asks for it, so that help and completion need neither broker nor credentials.
type Factory struct {
	IO *output.IOStreams
	// LookupEnv reads the environment (os.LookupEnv in production).
	LookupEnv func(string) (string, bool)
	// Version is rmqctl's own version.
	Version string
	// Transport, when set, replaces the HTTP transport (tests).
	Transport http.RoundTripper

	g      *GlobalOptions
	root   *cobra.Command
	conn   *connection
	client *mgmtapi.Client
	// current is the command being run, for its timeout and messages.
	current *cobra.Command
	banner  string
	// profile is the rabbitmqctl release spoken, once known (see Profile).
	profile *compat.Profile
}

// Client returns the management API client, resolving the connection settings
// (flags, environment, config file) on first use.
func (f *Factory) Client() (*mgmtapi.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	conn, err := f.connection()
	if err != nil {
		return nil, err
	}
	cfg := conn.api
	cfg.Transport = f.Transport
	if conn.verbose {
		cfg.Log = f.IO.ErrOut
	}
	cfg.UserAgent = "rmqctl/" + f.Version
	c, err := mgmtapi.New(cfg)
	if err != nil {
		return nil, configError("%v", err)
	}
	f.client = c
	return c, nil
}

func (f *Factory) connection() (*connection, error) {
	if f.conn != nil {
		return f.conn, nil
	}
	conn, err := resolveConnection(f.root.PersistentFlags(), f.g, f.LookupEnv, f.IO.ErrOut)
	if err != nil {
		return nil, err
	}
	f.conn = conn
	return conn, nil
}

// NodeName is the node named in messages: -n's name@host, the target's node, or
// rabbit@<host of the first URL>.
func (f *Factory) NodeName() string {
	if conn, err := f.connection(); err == nil {
		return conn.node
	}
	return "rabbit@localhost"
}

// Vhost is the vhost a vhost-scoped command works in (-p, else the target's, else "/").
func (f *Factory) Vhost() string {
	if conn, err := f.connection(); err == nil && conn.vhost != "" && !f.root.PersistentFlags().Changed("vhost") {
		return conn.vhost
	}
	return f.g.Vhost
}

// format is --formatter, else the command's own default (a few rabbitmqctl commands
// print a pretty table unless told otherwise), else table.
func (f *Factory) format() output.Format {
	name := f.g.Formatter
	if c := f.current; c != nil && !f.root.PersistentFlags().Changed("formatter") && c.Annotations[annDefaultFormatter] != "" {
		name = c.Annotations[annDefaultFormatter]
	}
	fm, err := output.ParseFormat(name)
	if err != nil {
		return output.Table
	}
	return fm
}

// defaultFormat makes fm the command's formatter unless --formatter says otherwise.
func (f *Factory) defaultFormat(c *cobra.Command, fm output.Format) {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[annDefaultFormatter] = string(fm)
}

// informational reports whether banners and hints are printed.
func (f *Factory) informational() bool {
	return !f.g.Quiet && !f.g.Silent && !f.format().MachineReadable()
}

// Banner queues rabbitmqctl's informational line for stdout, unless -q, -s or a
// machine-readable formatter silence it. It is written once the broker has answered
// (see bannerOut).
func (f *Factory) Banner(format string, args ...any) {
	if f.informational() {
		f.banner += fmt.Sprintf(format+"\n", args...)
	}
}

// headers reports whether table headers are printed.
func (f *Factory) headers() bool { return !f.g.Silent && !f.g.NoTableHeaders }

// NewListHeaders starts a list whose header row is printed or not as headers says.
// JSON rows give their keys, and CSV rows their empty lists, as the broker release's
// rabbitmqctl does.
func (f *Factory) NewListHeaders(columns []string, streamed, headers bool) *output.ListWriter {
	o := output.ListOptions{Headers: headers, Streamed: streamed}
	if fm := f.format(); (fm == output.JSON || fm == output.CSV) && f.current != nil {
		if p, err := f.Profile(f.current.Context()); err == nil {
			o.JSONOrder = p.JSONOrder(f.current.Name(), columns)
			o.CSVBlankEmptyLists = p.Has(compat.CSVPlainLists)
		}
	}
	return output.NewList(f.Out(), f.format(), columns, o)
}

// annotation keys on commands
const (
	// annTimeoutMS is the command's default timeout in ms (rabbitmqctl's), when it has one.
	annTimeoutMS = "rmqctl/default-timeout-ms"
	// annDefaultFormatter is the formatter a command uses without --formatter.
	annDefaultFormatter = "rmqctl/default-formatter"
)

// fallbackTimeout bounds commands that rabbitmqctl lets run forever: over HTTP a hung
// broker would otherwise hang the script.
const fallbackTimeout = 120 * time.Second

// timeout is the command's time budget: -t, else its rabbitmqctl default, else fallbackTimeout.
func (f *Factory) timeout(c *cobra.Command) time.Duration {
	if f.root.PersistentFlags().Changed("timeout") {
		return time.Duration(f.g.Timeout) * time.Second
	}
	if conn, err := f.connection(); err == nil && conn.timeout > 0 {
		return conn.timeout
	}
	if c != nil {
		if ms, err := strconv.Atoi(c.Annotations[annTimeoutMS]); err == nil {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return fallbackTimeout
}

// timeoutText renders the timeout as rabbitmqctl 3.10 does in its timeout errors: in
// milliseconds, for streamed lists too (observed: list_queues -t 0 → "0").
func (f *Factory) timeoutText(c *cobra.Command) string {
	return strconv.FormatInt(f.timeout(c).Milliseconds(), 10)
}

// withTimeout derives the context for a command's requests.
func (f *Factory) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, f.timeout(f.current))
}
