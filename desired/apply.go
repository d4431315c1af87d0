package desired

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/rmqctl/rmqctl/mgmtapi"
)

// Status is how a change ended.
type Status string

// The statuses of a change.
const (
	Done       Status = "done"
	Failed     Status = "failed"
	NotStarted Status = "not started"
	Skipped    Status = "skipped" // conflicts: left as they are
)

// Outcome is one change and how it ended.
type Outcome struct {
	*Change
	Status Status
	Err    error
}

// Event reports progress: one change finished (Done of Total so far).
type Event struct {
	Outcome     *Outcome
	Done, Total int
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Concurrency is how many changes run at once within a phase (at least 1).
	Concurrency int
	// Retry bounds the retries of each write after a transient failure.
	Retry mgmtapi.RetryPolicy
	// RequestTimeout bounds each change once started, even after an interrupt.
	RequestTimeout time.Duration
	// OnEvent, when set, is called (from one goroutine at a time) as changes finish.
	OnEvent func(Event)
}

// DefaultRetry rides out a broker restart of a dozen seconds: 8 tries over about 15 s.
var DefaultRetry = mgmtapi.RetryPolicy{Attempts: 8, Initial: 250 * time.Millisecond, Max: 4 * time.Second}

// Result is what an apply did.
type Result struct {
	Outcomes []*Outcome
	// Interrupted is set when ctx ended before every change was started.
	Interrupted bool
	// Unreachable is set when a change could not reach the broker even after its
	// retries: no further change was started.
	Unreachable bool
}

// NotStarted counts the changes that were never sent.
func (r *Result) NotStarted() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == NotStarted {
			n++
		}
	}
	return n
}

// Failures lists the changes the broker refused or that could not be sent.
func (r *Result) Failures() []*Outcome {
	var out []*Outcome
	for _, o := range r.Outcomes {
		if o.Status == Failed {
			out = append(out, o)
		}
	}
	return out
}

// Apply carries out plan: creations and updates phase by phase (vhosts and users,
// then what lives in vhosts, then bindings), then deletions in the reverse order.
// Within a phase up to Concurrency changes run at once. A failed change does not stop
// the others. When ctx ends (Ctrl-C, timeout) no new change starts; those in flight
// finish, bounded by RequestTimeout.
func Apply(ctx context.Context, c *mgmtapi.Client, plan *Plan, opts ApplyOptions) *Result {
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.Retry.Attempts == 0 {
		opts.Retry = DefaultRetry
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 2 * time.Minute
	}
	res := &Result{}
	// groups: creations and updates by phase, deletions by phase backwards, then the
	// permissions of the user rmqctl runs as, and last that user itself: once its
	// password changes, no further request could authenticate.
	var groups [8][]*Outcome
	for _, ch := range plan.Changes {
		o := &Outcome{Change: ch, Status: NotStarted}
		res.Outcomes = append(res.Outcomes, o)
		switch {
		case ch.Action == Conflict:
			o.Status = Skipped
		case ch.last && ch.Kind == Users:
			groups[7] = append(groups[7], o)
		case ch.last:
			groups[6] = append(groups[6], o)
		case ch.Action == Delete:
			groups[5-ch.Kind.phase()] = append(groups[5-ch.Kind.phase()], o)
		default:
			groups[ch.Kind.phase()] = append(groups[ch.Kind.phase()], o)
		}
	}
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	// run ends when ctx does, or when the broker cannot be reached even after
	// retries: every further change would spend its retries failing too.
	run, stop := context.WithCancel(ctx)
	defer stop()
	// Once stopped, changes in flight finish their current try but start no other.
	retry := opts.Retry
	retry.Stop = run.Done()
	c = c.WithWriteRetries(retry)
	var mu sync.Mutex
	done := 0
	finish := func(o *Outcome) {
		mu.Lock()
		defer mu.Unlock()
		var te *mgmtapi.TransportError
		if errors.As(o.Err, &te) && !res.Unreachable {
			res.Unreachable = true
			stop()
		}
		done++
		if opts.OnEvent != nil {
			opts.OnEvent(Event{Outcome: o, Done: done, Total: total})
		}
	}
	for _, g := range groups {
		if run.Err() != nil {
			break
		}
		work := make(chan *Outcome)
		var wg sync.WaitGroup
		for i := 0; i < opts.Concurrency && i < len(g); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for o := range work {
					// In flight, a change completes even if ctx ends meanwhile.
					rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.RequestTimeout)
					o.Err = execute(rctx, c, o.Change)
					cancel()
					o.Status = Done
					if o.Err != nil {
						o.Status = Failed
					}
					finish(o)
				}
			}()
		}
	feed:
		for _, o := range g {
			if run.Err() != nil {
				break // select would pick at random between a free worker and the stop
			}
			select {
			case <-run.Done():
				break feed
			case work <- o:
			}
		}
		close(work)
		wg.Wait()
	}
	res.Interrupted = ctx.Err() != nil && res.NotStarted() > 0
	return res
}

// execute performs one change.
func execute(ctx context.Context, c *mgmtapi.Client, ch *Change) error {
	if ch.Action == Delete {
		return ignoreNotFound(remove(ctx, c, ch.have))
	}
	if ch.Action == Recreate {
		if err := ignoreNotFound(remove(ctx, c, ch.have)); err != nil {
			return err
		}
	}
	w, h := ch.want, ch.have
	if ch.Action == Recreate {
		h = nil
	}
	switch w.Kind {
	case Vhosts:
		if h == nil || changes(ch, "description", "tags", "default_queue_type", "tracing") {
			if err := c.PutVhost(ctx, w.Name(), vhostSettings(w, h)); err != nil {
				return err
			}
		}
		// a PUT keeps the protection (4.0.6+); it has its own endpoint
		if v, ok := w.field("protected_from_deletion"); ok && v != (h != nil && h.bool("protected_from_deletion")) {
			if err := c.SetVhostDeletionProtection(ctx, w.Name(), v == true); err != nil {
				return err
			}
		}
		return syncLimits(ctx, w, h, func(k string, v json.RawMessage) error {
			return c.PutVhostLimit(ctx, w.Name(), k, v)
		}, func(k string) error {
			return c.DeleteVhostLimit(ctx, w.Name(), k)
		})
	case Users:
		if h == nil || changes(ch, "tags", "password") {
			if err := c.PutUser(ctx, w.Name(), userSettings(w, h, ch)); err != nil {
				return err
			}
		}
		return syncLimits(ctx, w, h, func(k string, v json.RawMessage) error {
			return c.PutUserLimit(ctx, w.Name(), k, v)
		}, func(k string) error {
			return c.DeleteUserLimit(ctx, w.Name(), k)
		})
	case Permissions:
		return c.UpdatePermissionsIn(ctx, w.Vhost, w.id("user"), mgmtapi.Permissions{
			Configure: w.str("configure"), Write: w.str("write"), Read: w.str("read")})
	case TopicPermissions:
		return c.UpdateTopicPermissionsIn(ctx, w.Vhost, w.id("user"), mgmtapi.TopicPermissions{
			Exchange: w.id("exchange"), Write: w.str("write"), Read: w.str("read")})
	case Policies, OperatorPolicies:
		prio, _ := w.field("priority")
		p, _ := prio.(int64)
		def, _ := w.field("definition")
		return c.PutPolicy(ctx, w.Vhost, w.Name(), w.Kind == OperatorPolicies, mgmtapi.PolicySettings{
			Pattern: w.str("pattern"), Definition: raw(def), Priority: int(p), ApplyTo: w.str("apply-to")})
	case Parameters:
		v, _ := w.field("value")
		return c.PutParameter(ctx, w.id("component"), w.Vhost, w.id("name"), raw(v))
	case GlobalParameters:
		v, _ := w.field("value")
		return c.PutGlobalParameter(ctx, w.Name(), raw(v))
	case Exchanges:
		args, _ := w.field("arguments")
		return c.DeclareExchange(ctx, w.Vhost, w.Name(), mgmtapi.ExchangeSettings{
			Type: w.str("type"), Durable: w.bool("durable"), AutoDelete: w.bool("auto_delete"),
			Internal: w.bool("internal"), Arguments: copyMap(args)})
	case Queues:
		a, _ := w.field("arguments")
		args := copyMap(a)
		if t := w.str("type"); t != "" {
			args["x-queue-type"] = t
		}
		return c.DeclareQueue(ctx, w.Vhost, w.Name(), mgmtapi.QueueSettings{
			Durable: w.bool("durable"), AutoDelete: w.bool("auto_delete"), Arguments: args})
	case Bindings:
		args, _ := w.idValue("arguments").(map[string]any)
		return c.DeclareBinding(ctx, w.Vhost, mgmtapi.Binding{Source: w.id("source"), Destination: w.id("destination"),
			DestinationType: w.id("destination_type")}, w.id("routing_key"), copyMap(args))
	}
	return nil
}

// remove deletes a live object.
func remove(ctx context.Context, c *mgmtapi.Client, h *Object) error {
	switch h.Kind {
	case Vhosts:
		return c.DeleteVhost(ctx, h.Name())
	case Users:
		return c.DeleteUser(ctx, h.Name())
	case Permissions:
		return c.ClearPermissionsIn(ctx, h.Vhost, h.id("user"))
	case TopicPermissions:
		return c.ClearTopicPermissionsIn(ctx, h.Vhost, h.id("user"), h.id("exchange"))
	case Policies, OperatorPolicies:
		return c.DeletePolicy(ctx, h.Vhost, h.Name(), h.Kind == OperatorPolicies)
	case Parameters:
		return c.DeleteParameter(ctx, h.id("component"), h.Vhost, h.id("name"))
	case GlobalParameters:
		return c.DeleteGlobalParameter(ctx, h.Name())
	case Exchanges:
		return c.DeleteExchange(ctx, h.Vhost, h.Name(), false)
	case Queues:
		return c.DeleteQueue(ctx, h.Vhost, h.Name(), false, false)
	case Bindings:
		return c.DeleteBinding(ctx, h.Vhost, mgmtapi.Binding{Source: h.id("source"), Destination: h.id("destination"),
			DestinationType: h.id("destination_type")}, h.propertiesKey)
	}
	return nil
}

// ignoreNotFound makes deleting what is already gone a success (a retried DELETE).
func ignoreNotFound(err error) error {
	if mgmtapi.IsNotFound(err) {
		return nil
	}
	return err
}

func changes(ch *Change, fields ...string) bool {
	for _, d := range ch.Diffs {
		for _, f := range fields {
			if d.Field == f {
				return true
			}
		}
	}
	return false
}

// vhostSettings is the vhost PUT body: the file's settings over the broker's. A PUT
// replaces description and tags, and from 4.1.1 resets the default queue type when
// the body has none, so what the file leaves out is sent back as the broker has it.
func vhostSettings(w, h *Object) mgmtapi.VhostSettings {
	get := func(name string) (any, bool) {
		if v, ok := w.field(name); ok {
			return v, true
		}
		if h != nil {
			return h.field(name)
		}
		return nil, false
	}
	var s mgmtapi.VhostSettings
	if v, ok := get("description"); ok {
		s.Description, _ = v.(string)
	}
	if v, ok := get("tags"); ok {
		s.Tags = stringList(v)
	}
	if v, ok := get("default_queue_type"); ok {
		s.DefaultQueueType, _ = v.(string)
	}
	if v, ok := w.field("tracing"); ok {
		b, _ := v.(bool)
		s.Tracing = &b
	}
	return s
}

// userSettings is the user PUT body. The password is sent only when it changes; else
// the stored hash is sent back, since a PUT without one would clear the password.
func userSettings(w, h *Object, ch *Change) mgmtapi.UserSettings {
	var s mgmtapi.UserSettings
	if v, ok := w.field("tags"); ok {
		s.Tags = stringList(v)
	} else if h != nil {
		v, _ := h.field("tags")
		s.Tags = stringList(v)
	}
	pw := w.Password
	switch {
	case pw != nil && (h == nil || changes(ch, "password")) && !pw.HasHash:
		plain := pw.Plain
		s.Password = &plain
	case pw != nil && (h == nil || changes(ch, "password")):
		hash := pw.Hash
		s.PasswordHash, s.HashingAlgorithm = &hash, pw.Algorithm
	case h != nil:
		hash := h.password[0]
		s.PasswordHash, s.HashingAlgorithm = &hash, h.password[1]
	default:
		empty := "" // a new user the file gives no password: none (no password login)
		s.PasswordHash = &empty
	}
	return s
}

// syncLimits sets the limits the file gives that differ and removes the others.
func syncLimits(ctx context.Context, w, h *Object, put func(string, json.RawMessage) error, del func(string) error) error {
	v, managed := w.field("limits")
	if !managed {
		return nil
	}
	want, _ := v.(map[string]any)
	have := map[string]any{}
	if h != nil {
		hv, _ := h.field("limits")
		have, _ = hv.(map[string]any)
	}
	for _, k := range sortedKeys(want) {
		if old, ok := have[k]; !ok || !equal(old, want[k]) {
			if err := put(k, raw(want[k])); err != nil {
				return err
			}
		}
	}
	for _, k := range sortedKeys(have) {
		if _, ok := want[k]; !ok {
			if err := ignoreNotFound(del(k)); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func copyMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	return out
}
