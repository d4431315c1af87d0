package cmd

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
)

// bannerOut is stdout with the pending banner written in front of the first output.
// rabbitmqctl prints its banner only once it has reached the node, so a banner is
// held back until the broker answers (or the command writes something) and dropped
// when the broker cannot be reached at all.
type bannerOut struct{ f *Factory }

func (b bannerOut) Write(p []byte) (int, error) {
	b.f.flushBanner()
	return b.f.IO.Out.Write(p)
}

// Out is the command's standard output.
func (f *Factory) Out() io.Writer { return bannerOut{f} }

func (f *Factory) flushBanner() {
	if f.banner != "" {
		s := f.banner
		f.banner = ""
		_, _ = io.WriteString(f.IO.Out, s)
	}
}

// printDone is a mutation's success output: nothing in text formats, rabbitmqctl's
// {"node":…,"result":"ok"} in JSON.
func (f *Factory) printDone() error {
	if f.format() == output.JSON {
		return output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("node", f.NodeName()).Set("result", "ok"))
	}
	return nil
}

// printMessage is a command's one-line result ("Success"): the text, or {"message":…} in JSON.
func (f *Factory) printMessage(text string) error {
	if f.format() == output.JSON {
		return output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("message", text))
	}
	_, err := io.WriteString(f.Out(), text+"\n")
	return err
}

// readPassword reads a password from stdin as rabbitmqctl does: "Password: " on stdout
// (not with -q, -s or a machine-readable formatter, whose output it would corrupt),
// then one line, trimmed. noInputCode is the exit code when stdin is empty.
func (f *Factory) readPassword(noInputCode int) (string, error) {
	prompt := ""
	if f.informational() {
		prompt = "Password: "
	}
	f.flushBanner()
	pw, err := f.IO.ReadSecret(prompt)
	if prompt != "" && !f.IO.IsStdinTTY() {
		_, _ = io.WriteString(f.Out(), "\n")
	}
	if errors.Is(err, output.ErrNoInput) {
		return "", errPasswordNotProvided(noInputCode)
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(pw), nil
}

// splitColumns reads list_* column arguments: separate arguments and/or comma-separated
// within one ("name, tracing"; a space alone does not separate, as in rabbitmqctl),
// trimmed, duplicates dropped.
func splitColumns(args []string) []string {
	var cols []string
	seen := map[string]bool{}
	for _, a := range args {
		for _, c := range strings.Split(a, ",") {
			if c = strings.TrimSpace(c); c != "" && !seen[c] {
				seen[c] = true
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// parseColumns validates command's column arguments as the rabbitmqctl of the broker's
// release does: defaults when none; columns the release lacks (compat's info-key
// table) or nobody has are a usage error naming them, sorted before 4.0, in the
// order given since. The release is asked for only when the answer depends on it;
// when it cannot be learned, an error lists the keys as the newest release would.
func (f *Factory) parseColumns(ctx context.Context, command string, args, allowed, defaults []string) ([]string, error) {
	cols := splitColumns(args)
	if len(cols) == 0 {
		return f.defaultColumns(ctx, command, defaults)
	}
	var bad []string
	versioned := false
	for _, c := range cols {
		switch {
		case !contains(allowed, c):
			bad = append(bad, c)
		case compat.VersionedInfoKey(command, c):
			versioned = true
		}
	}
	switch {
	case len(bad) == 0 && !versioned:
		return cols, nil
	case !versioned && sort.StringsAreSorted(bad):
		// the same text whichever the release's order
		return nil, usageError("Info key(s) " + strings.Join(bad, ",") + " are not supported")
	}
	p, err := f.Profile(ctx)
	if err != nil {
		if len(bad) == 0 {
			return nil, err
		}
		p = compat.Newest()
	}
	bad = bad[:0]
	for _, c := range cols {
		if !contains(allowed, c) || !p.HasInfoKey(command, c) {
			bad = append(bad, c)
		}
	}
	if len(bad) == 0 {
		return cols, nil
	}
	if !p.Has(compat.UnsortedErrorKeys) {
		sort.Strings(bad)
	}
	return nil, usageError("Info key(s) " + strings.Join(bad, ",") + " are not supported")
}

// defaultColumns are the command's default columns that the broker's release has (the
// release is asked for only when some default is not in every release).
func (f *Factory) defaultColumns(ctx context.Context, command string, defaults []string) ([]string, error) {
	versioned := false
	for _, c := range defaults {
		versioned = versioned || compat.VersionedInfoKey(command, c)
	}
	if !versioned {
		return defaults, nil
	}
	p, err := f.Profile(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range defaults {
		if p.HasInfoKey(command, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// listSpec is one list command: a banner, one streamed request whose items become
// rows as they are decoded, and rabbitmqctl's error for a missing parent object.
type listSpec struct {
	banner   string
	columns  []string
	streamed bool
	// headers overrides the header setting (list_user_topic_permissions has none by default).
	headers *bool
	// notFound is the error to report when the server answers 404.
	notFound func() error
	fetch    func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error
}

func (f *Factory) runList(ctx context.Context, s listSpec) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner("%s", s.banner)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	headers := f.headers()
	if s.headers != nil {
		headers = *s.headers && headers
	}
	rows := f.NewListHeaders(s.columns, s.streamed, headers)
	if err := s.fetch(ctx, client, rows); err != nil {
		if s.notFound != nil && mgmtapi.IsNotFound(err) {
			return s.notFound()
		}
		return err
	}
	return rows.Close()
}

// printResult is an {ok, Value} result: the text, or {"node":…,"result":"ok","value":…} in JSON.
func (f *Factory) printResult(text string) error {
	if f.format() == output.JSON {
		return f.printResultJSON((&output.OrderedObject{}).Set("node", f.NodeName()).Set("result", "ok").Set("value", text))
	}
	_, err := io.WriteString(f.Out(), text+"\n")
	return err
}

// printResultJSON prints a result object with its keys in the order of the broker's
// release (4.3 writes Erlang maps in atom order).
func (f *Factory) printResultJSON(o *output.OrderedObject) error {
	if f.current != nil {
		if p, err := f.Profile(f.current.Context()); err == nil {
			o.Reorder(p.ResultOrder(o.Keys))
		}
	}
	return output.JSONLine(f.Out(), o)
}
