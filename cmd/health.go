package cmd

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// healthCheck is a rabbitmq-diagnostics health check over /api/health/checks.
type healthCheck struct {
	name, use, short, example string
	args                      int
	banner                    func(r *release, node string, args []string) string
	// noop, when it says so, is a release where the check is a deprecated no-op that
	// always passes (nothing is asked of the broker).
	noop    func(r *release) bool
	path    func(args []string) []string
	ok      func(r *release, node string, args []string, body mgmtapi.Item) string
	failure func(r *release, node string, args []string, body mgmtapi.Item) string
	// okJSON, when set, is the check's JSON on success (default {"result":"ok"}).
	okJSON func(node string, args []string) *output.OrderedObject
	// bare prints the failure without "Error:", as check_port_listener does.
	bare bool
	// okJSONFrom, when set, is the check's JSON on success, from the server's answer.
	okJSONFrom func(r *release, node string, args []string, body mgmtapi.Item) *output.OrderedObject
	// failureJSON, when set, is the check's JSON on failure (default: the server's
	// answer with "result":"error").
	failureJSON func(r *release, node string, args []string, body mgmtapi.Item) *output.OrderedObject
}

// sortedTexts renders a JSON list's items sorted, joined by ", ".
func sortedTexts(v any) string {
	items, _ := v.([]any)
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = termText(x)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, errA := strconv.Atoi(out[i])
		b, errB := strconv.Atoi(out[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return out[i] < out[j]
	})
	return strings.Join(out, ", ")
}

func reasonOf(body mgmtapi.Item) string { return termText(body.Get("reason")) }

// alarmLines renders a failed alarms check as rabbitmq-diagnostics does: one line per
// alarm, "Memory alarm on node N", "Free disk space alarm on node N", sorted.
func alarmLines(b mgmtapi.Item) string {
	var lines []string
	alarms, _ := b.Get("alarms").([]any)
	for _, a := range alarms {
		o, ok := a.(*mgmtapi.Object)
		if !ok {
			continue
		}
		what := map[string]string{"memory": "Memory", "disk space": "Free disk space", "disk": "Free disk space"}[termText(o.Get("resource"))]
		if what == "" {
			what = termText(o.Get("resource"))
		}
		lines = append(lines, what+" alarm on node "+termText(o.Get("node")))
	}
	if len(lines) == 0 {
		return reasonOf(b)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

var healthChecks = []healthCheck{
	{
		name: "check_local_alarms", short: "Health check that fails (returns with a non-zero code) if the target node has any local alarms in effect",
		banner: func(r *release, n string, _ []string) string {
			if r.Has(compat.LocalAlarmsNoOp) {
				return "This command is DEPRECATED and is a no-op. It will be removed in a future version."
			}
			return "Asking node " + n + " to report any local resource alarms ..."
		},
		noop: func(r *release) bool { return r.Has(compat.LocalAlarmsNoOp) },
		path: func([]string) []string { return []string{"local-alarms"} },
		ok: func(_ *release, n string, _ []string, _ mgmtapi.Item) string {
			return "Node " + n + " reported no local alarms"
		},
		failure: func(_ *release, _ string, _ []string, b mgmtapi.Item) string { return alarmLines(b) },
	},
	{
		name: "check_alarms", short: "Health check that fails (returns with a non-zero code) if the target node reports any alarms, local or cluster-wide",
		banner: func(_ *release, n string, _ []string) string {
			return "Asking node " + n + " to report any local resource alarms ..."
		},
		path: func([]string) []string { return []string{"alarms"} },
		ok: func(_ *release, n string, _ []string, _ mgmtapi.Item) string {
			return "Node " + n + " reported no alarms, local or clusterwide"
		},
		failure: func(_ *release, _ string, _ []string, b mgmtapi.Item) string { return alarmLines(b) },
		bare:    true,
	},
	{
		name: "check_port_listener", use: "check_port_listener <port>", args: 1,
		short:   "Health check that fails (returns with a non-zero code) if the target node is not listening on the specified port",
		example: "  rmqctl check_port_listener 5672",
		banner: func(_ *release, n string, a []string) string {
			return "Asking node " + n + " if there's an active listener on port " + a[0] + " ..."
		},
		path: func(a []string) []string { return []string{"port-listener", a[0]} },
		okJSON: func(n string, a []string) *output.OrderedObject {
			return (&output.OrderedObject{}).Set("node", n).Set("port", a[0]).Set("result", "ok")
		},
		ok: func(_ *release, n string, a []string, _ mgmtapi.Item) string {
			return "A listener for port " + a[0] + " is running on node " + n + "."
		},
		failure: func(_ *release, n string, a []string, b mgmtapi.Item) string {
			return "No listener for port " + a[0] + " is active on node " + n + ". Found listeners that use the following ports: " + sortedTexts(b.Get("ports"))
		},
		bare: true,
	},
	{
		name: "check_protocol_listener", use: "check_protocol_listener <protocol>", args: 1,
		short:   "Health check that fails (returns with a non-zero code) if the target node does not have a listener for the specified protocol",
		example: "  rmqctl check_protocol_listener amqp",
		banner: func(_ *release, n string, a []string) string {
			return "Asking node " + n + " if there's an active listener for protocol " + a[0] + " ..."
		},
		path: func(a []string) []string { return []string{"protocol-listener", a[0]} },
		okJSON: func(n string, a []string) *output.OrderedObject {
			return (&output.OrderedObject{}).Set("node", n).Set("protocol", a[0]).Set("result", "ok")
		},
		ok: func(_ *release, n string, a []string, _ mgmtapi.Item) string {
			return "A listener for protocol " + a[0] + " is running on node " + n + "."
		},
		failure: func(_ *release, n string, a []string, b mgmtapi.Item) string {
			return "No listener for protocol " + a[0] + " is active on node " + n + ". Found listeners for the following protocols: " + sortedTexts(b.Get("protocols"))
		},
	},
	{
		name: "check_virtual_hosts", short: "Health check that checks if all vhosts are running in the target node",
		banner: func(_ *release, n string, _ []string) string {
			return "Checking if all vhosts are running on node " + n + " ..."
		},
		path: func([]string) []string { return []string{"virtual-hosts"} },
		ok: func(_ *release, n string, _ []string, _ mgmtapi.Item) string {
			return "Node " + n + " reported all vhosts as running"
		},
		failure: func(_ *release, n string, _ []string, b mgmtapi.Item) string {
			down, _ := b.Get("virtual-hosts").([]any)
			lines := []string{"Some virtual hosts on node " + n + " are down:"}
			for _, v := range down {
				lines = append(lines, termText(v))
			}
			return strings.Join(lines, "\n")
		},
	},
	{
		name: "check_if_node_is_quorum_critical", short: "Health check that fails (returns with a non-zero code) if there are queues with minimum online quorum (queues that would lose their quorum if the target node is shut down)",
		banner: func(r *release, n string, _ []string) string {
			if r.Has(compat.QuorumCriticalCoversStreams) {
				return "Checking if node " + n + " is critical for quorum of any queues/streams ..."
			}
			return "Checking if node " + n + " is critical for quorum of any quorum queues ..."
		},
		path: func([]string) []string { return []string{"node-is-quorum-critical"} },
		ok: func(r *release, n string, _ []string, b mgmtapi.Item) string {
			switch {
			case reasonOf(b) == "single node cluster":
				return "Node " + n + " seems to be the only one in a single node cluster, the check does not apply"
			case r.Has(compat.QuorumCriticalCoversStreams):
				return "Node " + n + " reported no queues/streams with minimum quorum"
			}
			return "Node " + n + " reported no quorum queues with minimum quorum"
		},
		failure: func(r *release, n string, _ []string, b mgmtapi.Item) string {
			var lines []string
			format := "queue '%s' in vhost '%s' would lose quorum if node %s is stopped"
			if r.Has(compat.QuorumCriticalCoversStreams) {
				format = "queue '%s' in vhost '%s' will become unavailable if node %s stops"
			}
			if qs, ok := b.Get("queues").([]any); ok {
				for _, q := range qs {
					o, ok := q.(*mgmtapi.Object)
					switch {
					case !ok:
					case o.Get("virtual_host") == "(not applicable)" && r.Has(compat.QuorumCriticalCoversStreams):
						// the metadata store's own Raft cluster (Khepri): named, in no vhost
						lines = append(lines, fmt.Sprintf("%s will become unavailable if node %s stops", termText(o.Get("name")), n))
					default:
						lines = append(lines, fmt.Sprintf(format, termText(o.Get("name")), termText(o.Get("virtual_host")), n))
					}
				}
			}
			if len(lines) == 0 {
				return reasonOf(b)
			}
			return strings.Join(lines, "\n")
		},
		bare: true,
	},
}

func newCmdHealthCheck(f *Factory, h healthCheck) *cobra.Command {
	use := h.use
	if use == "" {
		use = h.name
	}
	example := h.example
	if example == "" {
		example = "  rmqctl " + h.name
	}
	return &cobra.Command{
		Use:     use,
		Short:   h.short,
		Long:    h.short + ". Exit 0 when healthy, 69 with the reason when not (as rabbitmq-diagnostics).",
		Example: example,
		Args:    exactArgs(h.args),
		RunE: func(c *cobra.Command, args []string) error {
			return f.runHealthCheck(c.Context(), h, args)
		},
	}
}

func (f *Factory) runHealthCheck(ctx context.Context, h healthCheck, args []string) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	node := f.NodeName()
	r := &release{f: f, ctx: ctx}
	f.Banner("%s", h.banner(r, node, args))
	noop := h.noop != nil && h.noop(r)
	if r.err != nil {
		return r.err
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	ok, body := true, mgmtapi.Item(mgmtapi.NewObject())
	if !noop {
		if ok, body, err = client.HealthCheck(ctx, h.path(args)...); err != nil {
			return err
		}
	}
	if ok {
		if f.format() == output.JSON {
			doc := (&output.OrderedObject{}).Set("result", "ok")
			if h.okJSONFrom != nil {
				doc = h.okJSONFrom(r, node, args, body)
			} else if h.okJSON != nil {
				doc = h.okJSON(node, args)
			}
			return output.JSONLine(f.Out(), doc)
		}
		return f.printMessage(h.ok(r, node, args, body))
	}
	msg := h.failure(r, node, args, body)
	if f.format() == output.JSON {
		if h.failureJSON != nil {
			b, _ := h.failureJSON(r, node, args, body).MarshalJSON()
			return &cliError{code: exitUnavailable, layout: layoutBare, msg: string(b)}
		}
		return &cliError{code: exitUnavailable, layout: layoutBare, msg: string(marshalFailure(body))}
	}
	if h.bare {
		return &cliError{code: exitUnavailable, layout: layoutBare, msg: msg}
	}
	return genericError(msg)
}

// marshalFailure is a failed check's body with "result":"error", as rabbitmq-diagnostics prints it in JSON.
func marshalFailure(body mgmtapi.Item) []byte {
	o := &output.OrderedObject{}
	for _, k := range body.Keys() {
		if k != "status" {
			o.Set(k, body.Value(k))
		}
	}
	o.Set("result", "error")
	b, _ := o.MarshalJSON()
	return b
}

// check_running: the node answers and reports itself running.
func newCmdCheckRunning(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "check_running",
		Short:   "Health check that fails (returns with a non-zero code) if the RabbitMQ application is not running on the target node",
		Example: "  rmqctl check_running",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			node := f.NodeName()
			f.Banner("Checking if RabbitMQ is running on node %s ...", node)
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			ov, err := client.Overview(ctx)
			if err != nil {
				return err
			}
			n, err := client.GetNode(ctx, ov.Node, false)
			if err != nil {
				return err
			}
			if n.Get("running") != true {
				return genericError("RabbitMQ on node " + node + " is not running or has not fully booted yet (check with is_booting)")
			}
			return f.printMessage("RabbitMQ on node " + node + " is fully booted and running")
		},
	}
}

func newCmdCheckCertificateExpiration(f *Factory) *cobra.Command {
	var within int
	var unit string
	c := &cobra.Command{
		Use:     "check_certificate_expiration [--within <period>] [--unit <unit>]",
		Short:   "Checks the expiration date on the certificates for every listener configured to use TLS",
		Example: "  rmqctl check_certificate_expiration --within 2 --unit months",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			if !contains([]string{"days", "weeks", "months", "years"}, unit) {
				return badArgument("unit must be one of days, weeks, months, years")
			}
			if within < 0 {
				return badArgument("period must be a positive integer")
			}
			units := unit
			if within == 1 {
				units = strings.TrimSuffix(unit, "s")
			}
			h := healthCheck{
				banner: func(r *release, n string, _ []string) string {
					if r.Has(compat.CertificateExpirationAllBanner) {
						return "Checking certificate expiration for all certificates on node " + n + " ..."
					}
					return "Checking certificate expiration on node " + n + " ..."
				},
				path: func([]string) []string { return []string{"certificate-expiration", strconv.Itoa(within), unit} },
				ok: func(*release, string, []string, mgmtapi.Item) string {
					return fmt.Sprintf("No certificates are expiring within %d %s.", within, units)
				},
				failure: func(_ *release, _ string, _ []string, b mgmtapi.Item) string {
					var lines []string
					expired, _ := b.Get("expired").([]any)
					for _, e := range expired {
						lines = append(lines, compactJSON(e))
					}
					if len(lines) == 0 {
						return reasonOf(b)
					}
					return strings.Join(lines, "\n")
				},
				bare: true,
			}
			return f.runHealthCheck(c.Context(), h, nil)
		},
	}
	c.Flags().IntVar(&within, "within", 4, "period of time to check")
	c.Flags().StringVar(&unit, "unit", "weeks", "time unit for the period: days, weeks, months or years")
	return c
}

func healthCommands(f *Factory) []*cobra.Command {
	cmds := []*cobra.Command{newCmdCheckRunning(f), newCmdCheckCertificateExpiration(f)}
	for _, h := range healthChecks {
		cmds = append(cmds, newCmdHealthCheck(f, h))
	}
	return cmds
}
