package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// listenerPurposes are rabbitmqctl's descriptions of listener protocols.
var listenerPurposes = map[string]string{
	"amqp": "AMQP 0-9-1 and AMQP 1.0", "amqp/ssl": "AMQP 0-9-1 and AMQP 1.0 over TLS",
	"clustering": "inter-node and CLI tool communication", "http": "HTTP API", "https": "HTTP API over TLS (HTTPS)",
	"stomp": "STOMP", "stomp/ssl": "STOMP over TLS", "mqtt": "MQTT", "mqtt/ssl": "MQTT over TLS",
	"http/web-stomp": "STOMP over WebSockets", "https/web-stomp": "STOMP over WebSockets and TLS (HTTPS)",
	"http/web-mqtt": "MQTT over WebSockets", "https/web-mqtt": "MQTT over WebSockets and TLS (HTTPS)",
	"http/prometheus": "Prometheus exporter API over HTTP", "https/prometheus": "Prometheus exporter API over TLS (HTTPS)",
	"stream": "RabbitMQ Stream", "stream/ssl": "RabbitMQ Stream over TLS",
}

// listener is one listener as rabbitmqctl reports it.
type listener struct {
	Interface string `json:"interface"`
	Node      string `json:"node"`
	Port      int64  `json:"port"`
	Protocol  string `json:"protocol"`
	Purpose   string `json:"purpose"`
}

// listeners reads the overview's listeners, sorted by node then port.
func listeners(ov mgmtapi.Item) []listener {
	var out []listener
	items, _ := ov.Get("listeners").([]any)
	for _, x := range items {
		o, ok := x.(*mgmtapi.Object)
		if !ok {
			continue
		}
		ip := termText(o.Get("ip_address"))
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		port, _ := strconv.ParseInt(termText(o.Get("port")), 10, 64)
		proto := termText(o.Get("protocol"))
		out = append(out, listener{Interface: ip, Node: termText(o.Get("node")), Port: port, Protocol: proto, Purpose: listenerPurposes[proto]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Node != out[j].Node {
			return out[i].Node < out[j].Node
		}
		return out[i].Port < out[j].Port
	})
	return out
}

func termTextList(items []any) string {
	parts := make([]string, len(items))
	for i, x := range items {
		parts[i] = termText(x)
	}
	return strings.Join(parts, ", ")
}

func num(v any) float64 {
	f, _ := strconv.ParseFloat(termText(v), 64)
	return f
}

func intOf(v any) int64 {
	n, _ := strconv.ParseInt(termText(v), 10, 64)
	return n
}

// status

func newCmdStatus(f *Factory) *cobra.Command {
	var unit string
	c := &cobra.Command{
		Use:   "status [--unit <unit>] [--timeout <timeout>]",
		Short: "Displays status of a node",
		Long: `Displays the answering node's status from the management API (/api/overview and
/api/nodes/<node>?memory=true). Not available over HTTP, and so absent: the crypto
library version, the Raft data directory, the relative memory watermark setting, the
enabled plugins file and the list of active plugins beyond the enabled ones.`,
		Example: "  rmqctl status --unit mb\n  rmqctl status --formatter json",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			div, err := f.statusUnit(c.Context(), unit)
			if err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner("Status of node %s ...", f.NodeName())
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			ov, err := client.GetOverview(ctx)
			if err != nil {
				return err
			}
			f.knowVersion(termText(ov.Get("rabbitmq_version")))
			p, err := f.Profile(ctx)
			if err != nil {
				return err
			}
			node, err := client.GetNode(ctx, termText(ov.Get("node")), true)
			if err != nil {
				return err
			}
			vhosts := 0
			if err := client.ListVhosts(ctx, []string{"name"}, func(mgmtapi.VhostInfo) error { vhosts++; return nil }); err != nil {
				return err
			}
			if f.format() == output.JSON {
				return output.JSONLine(f.Out(), statusDoc(p, ov, node, vhosts))
			}
			return printStatus(f.Out(), f.IO.IsStdoutTTY(), p, ov, node, vhosts, strings.ToLower(unit), div)
		},
	}
	c.Flags().StringVar(&unit, "unit", "gb", "memory unit: bytes, kb, mb, gb or tb")
	c.Annotations = map[string]string{annTimeoutMS: "60000"}
	return c
}

// statusUnits are status --unit's units and their sizes: 3.10's, and those 3.13 added
// (gi and gib are decimal there, as in rabbitmqctl's information_unit.ex).
var (
	statusUnits = map[string]float64{"bytes": 1, "kb": 1e3, "kilobytes": 1e3, "mb": 1e6, "megabytes": 1e6,
		"gb": 1e9, "gigabytes": 1e9, "tb": 1e12, "terabytes": 1e12}
	statusUnits313 = map[string]float64{"k": 1e3, "ki": 1 << 10, "kib": 1 << 10, "m": 1e6, "mi": 1 << 20, "mib": 1 << 20,
		"g": 1e9, "gi": 1e9, "gib": 1e9, "t": 1e12, "ti": 1 << 40, "tib": 1 << 40, "p": 1e15, "pb": 1e15,
		"pi": 1 << 50, "pib": 1 << 50, "petabytes": 1e15}
)

// statusUnit checks --unit as the release's rabbitmqctl does and returns its size.
func (f *Factory) statusUnit(ctx context.Context, unit string) (float64, error) {
	u := strings.ToLower(unit)
	if div, ok := statusUnits[u]; ok {
		return div, nil
	}
	binary, err := f.has(ctx, compat.BinaryUnits)
	if err != nil {
		return 0, err
	}
	if div, ok := statusUnits313[u]; ok && binary {
		return div, nil
	}
	known := "bytes, mb, gb"
	if binary {
		known = "bytes, mb, mib, gb, gib, tb, tib"
	}
	return 0, usageError(fmt.Sprintf("%q", "unit '"+unit+"' is not supported. Please use one of: "+known))
}

// statusKeys4 is the order of status's JSON keys from 4.0 (an Erlang map on OTP 26+:
// atom order; obs-4.0.5, obs-4.3.6).
var statusKeys4 = []string{"memory", "pid", "processes", "run_queue", "os", "net_ticktime", "config_files", "alarms",
	"tags", "listeners", "product_name", "product_version", "erlang_version", "rabbitmq_version", "uptime",
	"is_under_maintenance", "crypto_lib_version", "enabled_plugin_file", "active_plugins", "data_directory",
	"raft_data_directory", "log_files", "vm_memory_calculation_strategy", "vm_memory_high_watermark_setting",
	"vm_memory_high_watermark_limit", "file_descriptors", "disk_free_limit", "disk_free", "totals"}

// statusDoc is status's JSON document, as far as the API has the data, with the keys
// of the release's rabbitmqctl.
func statusDoc(p compat.Profile, ov, node mgmtapi.Item, vhosts int) *output.OrderedObject {
	doc := statusFields(p, ov, node, vhosts)
	if p.Has(compat.JSONMapAtomOrder) {
		doc.Reorder(indexesIn(statusKeys4, doc.Keys))
	}
	return doc
}

func statusFields(p compat.Profile, ov, node mgmtapi.Item, vhosts int) *output.OrderedObject {
	name := termText(node.Get("name"))
	var ls []listener
	for _, l := range listeners(ov) {
		if l.Node == name {
			ls = append(ls, l)
		}
	}
	alarms := (&clusterView{nodes: []mgmtapi.Item{node}}).alarms()
	var active []string
	if apps, ok := node.Get("applications").([]any); ok {
		for _, a := range apps {
			if o, ok := a.(*mgmtapi.Object); ok {
				if n := termText(o.Get("name")); strings.HasPrefix(n, "rabbitmq_") {
					active = append(active, n)
				}
			}
		}
	}
	doc := (&output.OrderedObject{}).
		Set("active_plugins", nonNilStrings(active)).
		Set("alarms", alarms).
		Set("config_files", node.Get("config_files"))
	if crypto := ov.Get("crypto_lib_version"); crypto != nil {
		doc.Set("crypto_lib_version", crypto)
	}
	doc.Set("data_directory", node.Get("db_dir")).
		Set("disk_free", node.Get("disk_free")).
		Set("disk_free_limit", node.Get("disk_free_limit")).
		Set("erlang_version", firstNonEmpty(termText(ov.Get("erlang_full_version")), termText(ov.Get("erlang_version"))))
	if !p.Has(compat.NoFileDescriptors) {
		doc.Set("file_descriptors", (&output.OrderedObject{}).Set("sockets_limit", node.Get("sockets_total")).
			Set("sockets_used", node.Get("sockets_used")).Set("total_limit", node.Get("fd_total")).Set("total_used", node.Get("fd_used")))
	}
	doc.Set("is_under_maintenance", node.Get("being_drained") == true).
		Set("listeners", ls).
		Set("log_files", node.Get("log_files")).
		Set("memory", node.Get("memory")).
		Set("net_ticktime", node.Get("net_ticktime")).
		Set("pid", intOf(node.Get("os_pid"))).
		Set("processes", (&output.OrderedObject{}).Set("limit", node.Get("proc_total")).Set("used", node.Get("proc_used"))).
		Set("product_name", ov.Get("product_name")).
		Set("product_version", ov.Get("product_version")).
		Set("rabbitmq_version", ov.Get("rabbitmq_version"))
	if !p.Has(compat.NoSupportStatusJSON) {
		support := ov.Get("release_series_support_status")
		if p.Has(compat.SupportStatusLink) || support == nil {
			support = "see https://www.rabbitmq.com/release-information"
		}
		doc.Set("release_series_support_status", support)
	}
	doc.Set("run_queue", node.Get("run_queue"))
	if p.Has(compat.NodeTags) {
		doc.Set("tags", nodeTags(ov))
	}
	return doc.
		Set("totals", (&output.OrderedObject{}).Set("virtual_host_count", vhosts).
			Set("connection_count", ov.Get("object_totals.connections")).Set("queue_count", ov.Get("object_totals.queues"))).
		Set("uptime", intOf(node.Get("uptime"))/1000).
		Set("vm_memory_calculation_strategy", node.Get("mem_calculation_strategy")).
		Set("vm_memory_high_watermark_limit", node.Get("mem_limit"))
}

// elixirKeywords renders an object as Elixir inspects a keyword list with string
// values: [key: "value", …], [] when empty.
func elixirKeywords(v any) string {
	o, _ := v.(*mgmtapi.Object)
	if o == nil || o.Len() == 0 {
		return "[]"
	}
	parts := make([]string, 0, o.Len())
	for _, k := range o.Keys() {
		parts = append(parts, k+": "+elixirString(termText(o.Value(k))))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// nodeTags is the overview's node tags as the CLI's JSON shows them ([] when none).
func nodeTags(ov mgmtapi.Item) any {
	if o, ok := ov.Get("node_tags").(*mgmtapi.Object); ok && o.Len() > 0 {
		return o
	}
	return []any{}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// elixirFloat prints x rounded to 4 places as Elixir prints a float (0.0, 1.25, 3.0).
func elixirFloat(x float64) string {
	s := strconv.FormatFloat(math.Round(x*1e4)/1e4, 'f', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

func printStatus(w io.Writer, tty bool, p compat.Profile, ov, node mgmtapi.Item, vhosts int, unit string, div float64) error {
	name := termText(node.Get("name"))
	mem := func(v any) string {
		if unit == "bytes" {
			return termText(v) + " " + unit
		}
		return elixirFloat(num(v)/div) + " " + unit
	}
	support := termText(ov.Get("release_series_support_status"))
	if p.Has(compat.SupportStatusLink) {
		support = "see https://www.rabbitmq.com/release-information"
	}
	if p.Has(compat.StatusInspectsTags) {
		fmt.Fprintln(w, elixirKeywords(ov.Get("node_tags")))
	}
	runtime := []string{
		"OS PID: " + termText(node.Get("os_pid")),
		fmt.Sprintf("Uptime (seconds): %d", intOf(node.Get("uptime"))/1000),
		fmt.Sprintf("Is under maintenance?: %v", node.Get("being_drained") == true),
		"RabbitMQ version: " + termText(ov.Get("rabbitmq_version")),
		"RabbitMQ release series support status: " + support,
		"Node name: " + name,
		"Erlang configuration: " + firstNonEmpty(termText(ov.Get("erlang_full_version")), termText(ov.Get("erlang_version"))),
	}
	if crypto := ov.Get("crypto_lib_version"); crypto != nil { // in the API from 4.2.4
		runtime = append(runtime, "Crypto library: "+termText(crypto))
	}
	section(w, tty, "Runtime", append(runtime,
		fmt.Sprintf("Erlang processes: %s used, %s limit", termText(node.Get("proc_used")), termText(node.Get("proc_total"))),
		"Scheduler run queue: "+termText(node.Get("run_queue")),
		"Cluster heartbeat timeout (net_ticktime): "+termText(node.Get("net_ticktime")),
	))
	var plugins []string
	if ps, ok := node.Get("enabled_plugins").([]any); ok {
		for _, p := range ps {
			plugins = append(plugins, " * "+termText(p))
		}
	}
	fmt.Fprintln(w)
	section(w, tty, "Plugins", append([]string{"Enabled plugins:", ""}, plugins...))
	fmt.Fprintln(w)
	section(w, tty, "Data directory", []string{"Node data directory: " + termText(node.Get("db_dir"))})
	bullets := func(v any) []string {
		var out []string
		if xs, ok := v.([]any); ok {
			for _, x := range xs {
				out = append(out, " * "+termText(x))
			}
		}
		return out
	}
	fmt.Fprintln(w)
	section(w, tty, "Config files", bullets(node.Get("config_files")))
	fmt.Fprintln(w)
	section(w, tty, "Log file(s)", bullets(node.Get("log_files")))
	var alarms []string
	for _, a := range (&clusterView{nodes: []mgmtapi.Item{node}}).alarms() {
		alarms = append(alarms, fmt.Sprintf("Node: %v, alarm: %v", a.(*output.OrderedObject).Values[0], a.(*output.OrderedObject).Values[1]))
	}
	fmt.Fprintln(w)
	section(w, tty, "Alarms", alarms)
	if p.Has(compat.NodeTags) {
		var tags []string
		if o, ok := ov.Get("node_tags").(*mgmtapi.Object); ok {
			for _, k := range o.Keys() {
				tags = append(tags, k+": "+termText(o.Value(k)))
			}
		}
		fmt.Fprintln(w)
		section(w, tty, "Tags", tags)
	}

	memLines := []string{
		"Total memory used: " + mem(node.Get("mem_used")),
		"Calculation strategy: " + termText(node.Get("mem_calculation_strategy")),
		"Memory high watermark setting: computed to: " + mem(node.Get("mem_limit")),
	}
	if m, ok := node.Get("memory").(*mgmtapi.Object); ok {
		total := num(m.Get("total.rss"))
		type cat struct {
			name string
			v    float64
		}
		var cats []cat
		for _, k := range m.Keys() {
			if k == "total" || k == "strategy" {
				continue
			}
			cats = append(cats, cat{k, num(m.Value(k))})
		}
		sort.SliceStable(cats, func(i, j int) bool { return cats[i].v > cats[j].v })
		memLines = append(memLines, "")
		for _, c := range cats {
			pct := 0.0
			if total > 0 {
				pct = math.Round(c.v/total*1e4) / 100
			}
			memLines = append(memLines, fmt.Sprintf("%s: %s (%s %%)", c.name, mem(json.Number(strconv.FormatFloat(c.v, 'f', -1, 64))), elixirFloat(pct)))
		}
	}
	fmt.Fprintln(w)
	section(w, tty, "Memory", memLines)
	if !p.Has(compat.NoFileDescriptors) {
		fmt.Fprintln(w)
		fds := []string{fmt.Sprintf("Total: %s, limit: %s", termText(node.Get("fd_used")), termText(node.Get("fd_total")))}
		if !p.Has(compat.NoSocketsLine) {
			fds = append(fds, fmt.Sprintf("Sockets: %s, limit: %s", termText(node.Get("sockets_used")), termText(node.Get("sockets_total"))))
		}
		section(w, tty, "File Descriptors", fds)
	}
	fmt.Fprintln(w)
	section(w, tty, "Free Disk Space", []string{
		"Low free disk space watermark: " + mem(node.Get("disk_free_limit")),
		"Free disk space: " + mem(node.Get("disk_free")),
	})
	fmt.Fprintln(w)
	section(w, tty, "Totals", []string{
		"Connection count: " + termText(ov.Get("object_totals.connections")),
		"Queue count: " + termText(ov.Get("object_totals.queues")),
		fmt.Sprintf("Virtual host count: %d", vhosts),
	})
	var ls []string
	for _, l := range listeners(ov) {
		if l.Node == name {
			ls = append(ls, fmt.Sprintf("Interface: %s, port: %d, protocol: %s, purpose: %s", l.Interface, l.Port, l.Protocol, l.Purpose))
		}
	}
	fmt.Fprintln(w)
	section(w, tty, "Listeners", ls)
	return nil
}
