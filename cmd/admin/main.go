// Package admin is rabbitmqadmin v1's command set on rmqctl's plumbing: the binary
// invoked as `rabbitmqadmin` (a symlink), or `rmqctl admin …`, takes v1's whole
// command line (optparse options anywhere, key=value arguments, the config file) and
// prints v1's stdout, stderr and exit code. The grammar is a table of verbs and object
// types (grammar.go) driving one parser and dispatcher; requests go through mgmtapi's
// client, like every other rmqctl command.
package admin

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
)

// Version is rmqctl's version (cmd sets it); --version prints it when no broker answers.
var Version = "dev"

// app is one run.
type app struct {
	prog string
	io   *output.IOStreams
	out  *bufio.Writer
	env  func(string) (string, bool)
	opts values
	c    *mgmtapi.Client
}

// Main runs one v1 command line (args without the program name) and returns its exit
// code. prog is the name used in messages ("rabbitmqadmin", or "rmqctl admin").
func Main(ctx context.Context, prog string, args []string, ios *output.IOStreams, lookupEnv func(string) (string, bool)) int {
	a := &app{prog: prog, io: ios, out: bufio.NewWriterSize(ios.Out, 64<<10), env: lookupEnv}
	err := a.run(ctx, args)
	a.out.Flush()
	return report(err, prog, ios.ErrOut)
}

func (a *app) run(ctx context.Context, args []string) error {
	cli, pos, err := parseCommandLine(args)
	if _, ok := err.(errHelp); ok {
		a.out.WriteString(optionsHelp)
		return nil
	}
	if err != nil {
		return err
	}
	if cli.truthy("version") {
		return a.version(ctx, cli)
	}
	if a.opts, err = resolveSettings(cli, a.env, a.warn); err != nil {
		return err
	}
	if a.opts.truthy("bash_completion") {
		a.out.WriteString(bashCompletion())
		return nil
	}
	if len(pos) == 0 {
		return usageError("Action not specified")
	}
	verb, rest := pos[0], pos[1:]
	switch verb {
	case "list":
		return a.list(ctx, rest, listables, "list")
	case "show":
		return a.list(ctx, rest, showables, "show")
	case "publish":
		return a.publish(ctx, rest)
	case "get":
		return a.get(ctx, rest)
	case "export":
		return a.export(ctx, rest)
	case "import":
		return a.importDefs(ctx, rest)
	case "help":
		return a.help(rest)
	}
	if v, ok := findObjectVerb(verb); ok {
		return a.objectVerb(ctx, v, rest)
	}
	return usageError("Action %s not understood", verb)
}

// warn prints a warning on stderr at once (v1's eprint).
func (a *app) warn(msg string) { fmt.Fprintln(a.io.ErrOut, msg) }

// status prints a status line unless -q (v1's Management.verbose).
func (a *app) status(format string, args ...any) {
	if a.opts.truthy("verbose") {
		fmt.Fprintf(a.out, format+"\n", args...)
	}
}

// printer formats list answers with the run's -f, -q and -d.
func (a *app) printer() *printer {
	return &printer{w: a.out, verbose: a.opts.truthy("verbose"), format: a.opts.str("format"), depth: a.opts["depth"]}
}

// version prints "rabbitmqadmin <version>". v1 printed the version of the broker that
// served the script, and Puppet's facter reads it as the RabbitMQ version: so this is
// the broker's version when it answers within a few seconds, else rmqctl's own. v1
// looks at nothing else, so neither a bad config file nor an unreachable broker is an
// error here.
func (a *app) version(ctx context.Context, cli values) error {
	v := strings.TrimPrefix(Version, "v")
	if opts, err := resolveSettings(cli, a.env, func(string) {}); err == nil {
		a.opts = opts
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if body, err := a.call(ctx, request{method: "GET", segments: []string{"overview"}, query: query{{"columns", "rabbitmq_version"}}}); err == nil {
			if o, err := mgmtapi.ParseJSON(body); err == nil {
				if obj, ok := o.(*mgmtapi.Object); ok {
					if s, ok := obj.Value("rabbitmq_version").(string); ok && s != "" {
						v = s
					}
				}
			}
		}
	}
	fmt.Fprintf(a.out, "rabbitmqadmin %s\n", v)
	return nil
}
