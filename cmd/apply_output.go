package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rmqctl/rmqctl/desired"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
)

// changeCells is a change's row: action, kind, vhost, name, what changes and why.
func changeCells(ch *desired.Change) []output.Cell {
	parts := make([]string, 0, len(ch.Diffs)+1)
	for _, d := range ch.Diffs {
		parts = append(parts, d.String())
	}
	if ch.Reason != "" {
		parts = append(parts, "("+ch.Reason+")")
	}
	return []output.Cell{output.Str(string(ch.Action)), output.Str(ch.Kind.Singular()), output.Str(ch.Vhost),
		output.Str(ch.Name), output.Str(strings.Join(parts, "; "))}
}

func planSummary(p *desired.Plan) string {
	unchanged := 0
	for _, n := range p.Unchanged {
		unchanged += n
	}
	s := fmt.Sprintf("Plan: %d to create, %d to update, %d to delete", p.Count(desired.Create), p.Count(desired.Update), p.Count(desired.Delete))
	if n := p.Count(desired.Recreate); n > 0 {
		s += fmt.Sprintf(", %d to recreate", n)
	}
	if n := p.Count(desired.Conflict); n > 0 {
		s += fmt.Sprintf(", %d in conflict", n)
	}
	return s + fmt.Sprintf("; %d unchanged.", unchanged)
}

// planJSON renders a plan, or an apply's result, as one JSON document.
func planJSON(p *desired.Plan, res *desired.Result) *output.OrderedObject {
	changes := make([]*output.OrderedObject, 0, len(p.Changes))
	add := func(ch *desired.Change, status desired.Status, err error) {
		id := &output.OrderedObject{}
		for _, f := range ch.ID {
			id.Set(f.Name, f.Value)
		}
		diffs := make([]*output.OrderedObject, 0, len(ch.Diffs))
		for _, d := range ch.Diffs {
			j := (&output.OrderedObject{}).Set("field", d.Field)
			switch {
			case d.Secret:
				j.Set("secret", true)
			default:
				if d.HasOld {
					j.Set("old", d.Old)
				}
				if d.HasNew {
					j.Set("new", d.New)
				}
			}
			diffs = append(diffs, j)
		}
		j := (&output.OrderedObject{}).Set("action", string(ch.Action)).Set("kind", ch.Kind.Singular())
		if ch.Kind.PerVhost() {
			j.Set("vhost", ch.Vhost)
		}
		j.Set("name", ch.Name).Set("id", id)
		if ch.Line > 0 {
			j.Set("line", ch.Line)
		}
		j.Set("changes", diffs)
		if ch.Reason != "" {
			j.Set("reason", ch.Reason)
		}
		if status != "" {
			j.Set("status", string(status))
		}
		if err != nil {
			j.Set("error", err.Error())
		}
		changes = append(changes, j)
	}
	if res != nil {
		for _, o := range res.Outcomes {
			add(o.Change, o.Status, o.Err)
		}
	} else {
		for _, ch := range p.Changes {
			add(ch, "", nil)
		}
	}
	doc := (&output.OrderedObject{}).Set("changes", changes).Set("summary", summaryJSON(p, res))
	if res != nil {
		doc.Set("interrupted", res.Interrupted)
	}
	return doc
}

// kindCounts is one kind's line of a summary.
type kindCounts struct {
	kind                                                             desired.Kind
	created, updated, deleted, recreated, unchanged, conflicts, fail int
	notStarted                                                       int
}

func summarize(p *desired.Plan, res *desired.Result) []*kindCounts {
	by := map[desired.Kind]*kindCounts{}
	var out []*kindCounts
	get := func(k desired.Kind) *kindCounts {
		if by[k] == nil {
			by[k] = &kindCounts{kind: k}
		}
		return by[k]
	}
	for _, k := range p.Kinds {
		get(k).unchanged = p.Unchanged[k]
	}
	count := func(ch *desired.Change, status desired.Status) {
		kc := get(ch.Kind)
		switch {
		case ch.Action == desired.Conflict:
			kc.conflicts++
		case status == desired.Failed:
			kc.fail++
		case status == desired.NotStarted:
			kc.notStarted++
		case ch.Action == desired.Create:
			kc.created++
		case ch.Action == desired.Update:
			kc.updated++
		case ch.Action == desired.Delete:
			kc.deleted++
		case ch.Action == desired.Recreate:
			kc.recreated++
		}
	}
	if res != nil {
		for _, o := range res.Outcomes {
			count(o.Change, o.Status)
		}
	} else {
		for _, ch := range p.Changes {
			count(ch, desired.Done)
		}
	}
	for _, k := range desired.AllKinds {
		if by[k] != nil {
			out = append(out, by[k])
		}
	}
	return out
}

func summaryJSON(p *desired.Plan, res *desired.Result) []*output.OrderedObject {
	var out []*output.OrderedObject
	for _, kc := range summarize(p, res) {
		j := (&output.OrderedObject{}).Set("kind", string(kc.kind))
		if res == nil {
			j.Set("create", kc.created).Set("update", kc.updated).Set("delete", kc.deleted).
				Set("recreate", kc.recreated).Set("conflict", kc.conflicts).Set("unchanged", kc.unchanged)
		} else {
			j.Set("created", kc.created).Set("updated", kc.updated).Set("deleted", kc.deleted).
				Set("recreated", kc.recreated).Set("conflicts", kc.conflicts).Set("unchanged", kc.unchanged).
				Set("failed", kc.fail).Set("not_started", kc.notStarted)
		}
		out = append(out, j)
	}
	return out
}

// printSummary writes the per-kind counts as a table.
func (f *Factory) printSummary(p *desired.Plan, res *desired.Result, spaced bool) error {
	if spaced {
		fmt.Fprintln(f.Out())
	}
	for _, k := range p.Kept {
		if f.informational() {
			fmt.Fprintln(f.Out(), "Note: "+k)
		}
	}
	rows := f.NewListHeaders([]string{"kind", "created", "updated", "deleted", "recreated", "unchanged", "conflicts", "failed", "not_started"}, false, f.headers())
	for _, kc := range summarize(p, res) {
		if err := rows.Row(output.Str(string(kc.kind)), output.Int(int64(kc.created)), output.Int(int64(kc.updated)),
			output.Int(int64(kc.deleted)), output.Int(int64(kc.recreated)), output.Int(int64(kc.unchanged)),
			output.Int(int64(kc.conflicts)), output.Int(int64(kc.fail)), output.Int(int64(kc.notStarted))); err != nil {
			return err
		}
	}
	return rows.Close()
}

// failureCauses says why changes failed, one line per cause: the object and the
// broker's reason, or for many objects of a kind refused for the same reason, how
// many and the first names. A reason naming its object ("… for queue 'q1'") counts
// as the same reason as another naming its own.
func (f *Factory) failureCauses(failures []*desired.Outcome) []string {
	var order []string
	by := map[string][]*desired.Outcome{}
	for _, o := range failures {
		generic := strings.NewReplacer("'"+o.Name+"'", "\x01", `"`+o.Name+`"`, "\x01").Replace(oneLine(f.classify(f.current, o.Err).msg))
		var te *mgmtapi.TransportError
		if errors.As(o.Err, &te) {
			generic = te.Cause() // its message names the URL, and so the object
		}
		key := string(o.Kind) + "\x00" + generic
		if by[key] == nil {
			order = append(order, key)
		}
		by[key] = append(by[key], o)
	}
	lines := make([]string, 0, len(order))
	for _, key := range order {
		group := by[key]
		first := group[0]
		reason := oneLine(f.classify(f.current, first.Err).msg)
		if len(group) == 1 {
			lines = append(lines, fmt.Sprintf("%s: %s", changeLabel(first.Change), reason))
			continue
		}
		names := make([]string, len(group))
		for i, o := range group {
			names[i] = o.Name
		}
		lines = append(lines, fmt.Sprintf("%d %s (%s): %s", len(group), first.Kind, desired.Names(names, 3), reason))
	}
	return lines
}

// changeLabel names a change's object: queue "q" in vhost "v".
func changeLabel(ch *desired.Change) string {
	return (&desired.Object{Kind: ch.Kind, Vhost: ch.Vhost, ID: ch.ID}).Label()
}

// progress shows "Applying: n/total" on a terminal's stderr, at most ten times a second.
type progress struct {
	w       io.Writer
	on      bool
	now     func() time.Time
	last    time.Time
	showing bool
}

func newProgress(io *output.IOStreams, now func() time.Time) *progress {
	return &progress{w: io.ErrOut, on: io.IsStderrTTY(), now: now}
}

func (p *progress) update(done, total int) {
	if !p.on || (p.now().Sub(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = p.now()
	fmt.Fprintf(p.w, "\rApplying changes: %d/%d", done, total)
	p.showing = true
}

func (p *progress) clear() {
	if p.showing {
		fmt.Fprint(p.w, "\r\033[K")
		p.showing = false
	}
}
