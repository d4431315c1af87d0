package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/desired"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// PlanOptions are what diff and apply share: the file and the shape of the plan.
type PlanOptions struct {
	File     string
	Prune    bool
	Recreate bool
}

func (o *PlanOptions) addFlags(c *cobra.Command) {
	c.Flags().StringVarP(&o.File, "file", "f", "", `desired-state file (YAML or JSON, or a definitions document); "-" reads standard input`)
	c.Flags().BoolVar(&o.Prune, "prune", false, "also delete what the file does not declare, only in the kinds it declares and the vhosts it names (never the user running rmqctl)")
	c.Flags().BoolVar(&o.Recreate, "recreate-conflicting", false, "delete and declare again queues and exchanges whose type, durability or arguments differ (their messages are lost)")
	_ = c.MarkFlagFilename("file", "yaml", "yml", "json")
}

func (o *PlanOptions) check() error {
	if o.File == "" {
		return usageError("a desired-state file is required: -f FILE (\"-\" for standard input)")
	}
	return nil
}

// ApplyOptions are apply's options.
type ApplyOptions struct {
	PlanOptions
	DryRun      bool
	Concurrency int
}

const declareHelp = `The file lists what the broker should have, section by section: vhosts, users,
permissions, topic_permissions, policies, operator_policies, parameters,
global_parameters, exchanges, queues and bindings. RabbitMQ's definitions documents
(export_definitions, also per vhost with -p) are such files too, read as the server's
import reads them. Passwords are not inline: give password_env, password_file or
password_hash (a JSON definitions document may carry an inline password, with a
warning). The whole file is checked before anything is sent; every problem is reported
as FILE:LINE: object: reason (exit 65). Only the kinds the file has are read, in the
vhosts it names.`

func newCmdDiff(f *Factory) *cobra.Command {
	o := &PlanOptions{}
	c := &cobra.Command{
		Use:   "diff -f <file> [--prune] [--recreate-conflicting]",
		Short: "Shows what apply would change to make the broker match a desired-state file.",
		Long: declareHelp + `

Each object to create, update (field: old → new) or delete is listed; passwords show
as "password: (changes)", never their value. Exit codes: 0 nothing differs, 2 changes
are pending, 65 invalid file, 66 unreadable file, 69 broker unreachable, 75 timeout,
77 credentials refused.`,
		Example: "  rmqctl diff -f broker.yaml\n  rmqctl diff -f defs.json --prune --formatter json",
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return runDiff(c.Context(), f, o)
		},
	}
	o.addFlags(c)
	return c
}

func newCmdApply(f *Factory) *cobra.Command {
	o := &ApplyOptions{}
	c := &cobra.Command{
		Use:   "apply -f <file> [--dry-run] [--prune] [--recreate-conflicting] [--concurrency <n>]",
		Short: "Converges the broker to a desired-state file.",
		Long: declareHelp + `

Vhosts and users are created first, then what lives in vhosts, then bindings;
deletions (--prune) run in the reverse order. A second apply of the same file sends no
write. Passwords are compared by hashing with the broker's salt, so an unchanged
password is left alone. A queue or exchange whose type, durability or arguments differ
is a conflict, left as it is unless --recreate-conflicting. Transient failures (a
restarting broker) are retried; Ctrl-C stops after the changes in flight.

Exit codes: 0 converged, 2 changes pending (--dry-run), 3 conflicts left, 65 invalid
file, 66 unreadable file, 69 broker unreachable, 70 changes refused by the broker,
75 timeout or interrupted, 77 credentials refused.`,
		Example: "  rmqctl apply -f broker.yaml\n  APP_PASSWORD=s3cret rmqctl apply -f broker.yaml --prune --concurrency 16",
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if o.Concurrency < 1 {
				return badArgument("--concurrency must be at least 1")
			}
			if o.DryRun {
				return runDiff(c.Context(), f, &o.PlanOptions)
			}
			return runApply(c.Context(), f, o)
		},
	}
	o.addFlags(c)
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "show the plan (as diff does) and change nothing")
	c.Flags().IntVar(&o.Concurrency, "concurrency", 8, "how many changes to send at once")
	c.Annotations = map[string]string{annTimeoutMS: strconv.Itoa(int(time.Hour / time.Millisecond))}
	return c
}

// errPending is diff's "changes are pending": exit 2, nothing on stderr.
var errPending = &cliError{code: exitPending, layout: layoutSilent}

// loadDocument reads and validates the file.
func (f *Factory) loadDocument(path string) (*desired.Document, error) {
	var data []byte
	var err error
	name := path
	if path == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(f.IO.In)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &cliError{code: exitNoInput, layout: layoutLine, msg: fmt.Sprintf("cannot read %s: %v", name, err)}
	}
	doc, err := desired.Parse(name, data, desired.LoadOptions{LookupEnv: f.LookupEnv, ReadFile: os.ReadFile, DefaultVhost: f.Vhost()})
	if err != nil {
		return nil, invalidFile(err)
	}
	if !f.g.Silent {
		for _, w := range doc.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "Warning: %s: %s\n", name, w)
		}
	}
	return doc, nil
}

// invalidFile turns the desired package's validation errors into exit 65, one
// FILE:LINE: reason per line.
func invalidFile(err error) error {
	var ie *desired.InvalidError
	if errors.As(err, &ie) {
		return &cliError{code: exitDataErr, layout: layoutBare, msg: ie.Error()}
	}
	return err
}

// makePlan loads the file, reads the broker and compares.
func (f *Factory) makePlan(ctx context.Context, o *PlanOptions) (*desired.Plan, *mgmtapi.Client, error) {
	doc, err := f.loadDocument(o.File)
	if err != nil {
		return nil, nil, err
	}
	client, err := f.Client()
	if err != nil {
		return nil, nil, err
	}
	live, err := desired.Fetch(ctx, client, doc, o.Recreate)
	if err != nil {
		return nil, nil, err
	}
	version := func() (compat.Version, error) { // asked only by plans that depend on it
		return brokerVersion(ctx, client, "")
	}
	plan, err := desired.MakePlan(doc, live, desired.PlanOptions{Prune: o.Prune, Recreate: o.Recreate,
		RunningUser: client.Username(), Version: version})
	if err != nil {
		return nil, nil, invalidFile(err)
	}
	return plan, client, nil
}

func runDiff(ctx context.Context, f *Factory, o *PlanOptions) error {
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	plan, _, err := f.makePlan(ctx, o)
	if err != nil {
		return err
	}
	f.Banner(`Comparing "%s" with node %s ...`, o.File, f.NodeName())
	if f.format() == output.JSON {
		if err := output.JSONLine(f.Out(), planJSON(plan, nil)); err != nil {
			return err
		}
	} else if plan.Pending() {
		rows := f.NewListHeaders([]string{"action", "kind", "vhost", "name", "changes"}, true, f.headers())
		for _, ch := range plan.Changes {
			if err := rows.Row(changeCells(ch)...); err != nil {
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	if f.informational() {
		for _, k := range plan.Kept {
			fmt.Fprintln(f.Out(), "Note: "+k)
		}
		if plan.Pending() {
			fmt.Fprintln(f.Out(), planSummary(plan))
		} else {
			fmt.Fprintln(f.Out(), "No changes: the broker matches the file.")
		}
	}
	if plan.Pending() {
		return errPending
	}
	return nil
}

func runApply(ctx context.Context, f *Factory, o *ApplyOptions) error {
	tctx, cancel := f.withTimeout(ctx)
	defer cancel()
	plan, client, err := f.makePlan(tctx, &o.PlanOptions)
	if err != nil {
		return err
	}
	f.Banner(`Applying "%s" to node %s ...`, o.File, f.NodeName())
	format := f.format()
	logChanges := format != output.JSON && !f.g.Quiet && !f.g.Silent
	var rows *output.ListWriter
	if logChanges && plan.Pending() {
		rows = f.NewListHeaders([]string{"action", "kind", "vhost", "name", "changes", "result"}, true, f.headers())
	}
	progress := newProgress(f.IO, time.Now)
	res := desired.Apply(tctx, client, plan, desired.ApplyOptions{
		Concurrency: o.Concurrency,
		OnEvent: func(e desired.Event) {
			progress.update(e.Done, e.Total)
			if rows != nil {
				progress.clear()
				_ = rows.Row(append(changeCells(e.Outcome.Change), output.Str(f.resultText(e.Outcome)))...)
			}
		},
	})
	progress.clear()
	if rows != nil {
		for _, oc := range res.Outcomes {
			if oc.Status == desired.Skipped || oc.Status == desired.NotStarted {
				_ = rows.Row(append(changeCells(oc.Change), output.Str(f.resultText(oc)))...)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	switch {
	case format == output.JSON:
		if err := output.JSONLine(f.Out(), planJSON(plan, res)); err != nil {
			return err
		}
	case !f.g.Silent && format != output.CSV:
		if err := f.printSummary(plan, res, rows != nil); err != nil {
			return err
		}
	}
	return f.applyError(ctx, plan, res)
}

func (f *Factory) resultText(o *desired.Outcome) string {
	switch o.Status {
	case desired.Failed:
		return "failed: " + oneLine(f.classify(f.current, o.Err).msg)
	case desired.Skipped:
		return "left as it is"
	}
	return string(o.Status)
}

// oneLine joins the lines of a broker's reason ("Validation failed\n\ncomponent x
// not found") so that a row or an error stays on one line.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, ": ")
}

// applyError decides apply's exit: failures first, then an interrupt, then conflicts.
// Every message says how much was done and what is left.
func (f *Factory) applyError(ctx context.Context, p *desired.Plan, res *desired.Result) error {
	failures := res.Failures()
	started := 0
	for _, o := range res.Outcomes {
		if o.Status == desired.Done || o.Status == desired.Failed {
			started++
		}
	}
	cause := "the broker could not be reached"
	if res.Interrupted {
		cause = "interrupted"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || ctx.Err() == nil {
			cause = "timed out" // the command's own deadline, not the caller's
		}
	}
	left := ""
	if n := res.NotStarted(); n > 0 {
		left = fmt.Sprintf("; %s, %d not started", cause, n)
	}
	if len(failures) > 0 {
		code := exitSoftware
		if res.Unreachable {
			code = exitUnavailable // the broker went away: rerun when it is back
		}
		causes := f.failureCauses(failures)
		if len(causes) == 1 {
			return &cliError{code: code, layout: layoutLine, msg: fmt.Sprintf(
				"%d of %d changes failed: %s%s; apply again to retry them", len(failures), started, causes[0], left)}
		}
		return &cliError{code: code, layout: layoutLine, msg: fmt.Sprintf(
			"%d of %d changes failed%s; apply again to retry them:\n  %s", len(failures), started, left, strings.Join(causes, "\n  "))}
	}
	if res.Interrupted {
		return &cliError{code: exitTempFail, layout: layoutLine, msg: fmt.Sprintf(
			"%s: %d changes done, %d not started; apply again to finish", cause, started, res.NotStarted())}
	}
	if n := p.Count(desired.Conflict); n > 0 {
		hint := ""
		for _, ch := range p.Changes {
			if ch.Action == desired.Conflict && (ch.Kind == desired.Queues || ch.Kind == desired.Exchanges) {
				hint = "; --recreate-conflicting deletes and declares queues and exchanges again"
			}
		}
		return &cliError{code: exitConflict, layout: layoutLine, msg: fmt.Sprintf(
			"%d conflicting objects were left as they are%s", n, hint)}
	}
	return nil
}
