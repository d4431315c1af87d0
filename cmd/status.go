package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

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

// clusterView is what cluster_status and status read from the API.
type clusterView struct {
	overview mgmtapi.Item
	nodes    []mgmtapi.Item
	flags    []mgmtapi.Item
}

func readCluster(ctx context.Context, c *mgmtapi.Client, withFlags bool) (*clusterView, error) {
	v := &clusterView{}
	var err error
	if v.overview, err = c.GetOverview(ctx); err != nil {
		return nil, err
	}
	if err := c.ListNodes(ctx, func(n mgmtapi.Item) error { v.nodes = append(v.nodes, n); return nil }); err != nil {
		return nil, err
	}
	if withFlags {
		if err := c.ListFeatureFlags(ctx, func(it mgmtapi.Item) error { v.flags = append(v.flags, it); return nil }); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *clusterView) alarms() []any {
	out := []any{}
	for _, n := range v.nodes {
		name := termText(n.Get("name"))
		if n.Get("mem_alarm") == true {
			out = append(out, (&output.OrderedObject{}).Set("node", name).Set("resource", "memory"))
		}
		if n.Get("disk_free_alarm") == true {
			out = append(out, (&output.OrderedObject{}).Set("node", name).Set("resource", "disk"))
		}
	}
	return out
}

func maintenance(n mgmtapi.Item) string {
	if n.Get("being_drained") == true {
		return "under maintenance"
	}
	return "not under maintenance"
}

func rabbitVersion(n mgmtapi.Item) string {
	apps, _ := n.Get("applications").([]any)
	for _, a := range apps {
		if o, ok := a.(*mgmtapi.Object); ok && o.Get("name") == "rabbit" {
			return termText(o.Get("version"))
		}
	}
	return ""
}

func newCmdClusterStatus(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "cluster_status [--timeout <timeout>]",
		Short: "Displays all the nodes in the cluster grouped by node type, together with the currently running nodes",
		Long: `Displays the cluster's nodes (disk/RAM, running), versions, maintenance status,
alarms, network partitions, listeners and feature flags, read from the management API
(/api/overview, /api/nodes, /api/feature-flags). The Erlang version of every node is the
answering node's: the API reports only that one.`,
		Example: "  rmqctl cluster_status --formatter json",
		Args:    noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			f.Banner("Cluster status of node %s ...", f.NodeName())
			ctx, cancel := f.withTimeout(c.Context())
			defer cancel()
			v, err := readCluster(ctx, client, true)
			if err != nil {
				return err
			}
			doc := v.clusterStatus()
			if f.format() == output.JSON {
				return output.JSONLine(f.Out(), doc)
			}
			return v.printClusterStatus(f.Out(), f.IO.IsStdoutTTY())
		},
	}
	c.Annotations = map[string]string{annTimeoutMS: "60000"}
	return c
}

// nodeKinds splits the nodes into disk and RAM nodes, and lists the running ones.
func (v *clusterView) nodeKinds() (disk, ram, running []string) {
	disk, ram, running = []string{}, []string{}, []string{}
	for _, n := range v.nodes {
		name := termText(n.Get("name"))
		if n.Get("type") == "ram" {
			ram = append(ram, name)
		} else {
			disk = append(disk, name)
		}
		if n.Get("running") == true {
			running = append(running, name)
		}
	}
	return disk, ram, running
}

// clusterStatus is cluster_status's JSON document, with rabbitmqctl's keys.
func (v *clusterView) clusterStatus() *output.OrderedObject {
	disk, ram, running := v.nodeKinds()
	listenersByNode := &output.OrderedObject{}
	maint, partitions, versions := &output.OrderedObject{}, &output.OrderedObject{}, &output.OrderedObject{}
	erl := termText(v.overview.Get("erlang_version"))
	byNode := map[string][]listener{}
	for _, l := range listeners(v.overview) {
		byNode[l.Node] = append(byNode[l.Node], l)
	}
	for _, n := range v.nodes {
		name := termText(n.Get("name"))
		if ls, ok := byNode[name]; ok {
			listenersByNode.Set(name, ls)
		}
		maint.Set(name, maintenance(n))
		if p, ok := n.Get("partitions").([]any); ok && len(p) > 0 {
			partitions.Set(name, p)
		}
		if n.Get("running") == true {
			versions.Set(name, (&output.OrderedObject{}).Set("erlang_version", erl).
				Set("rabbitmq_name", "RabbitMQ").Set("rabbitmq_version", rabbitVersion(n)))
		}
	}
	flags := make([]any, len(v.flags))
	for i, fl := range v.flags {
		flags[i] = fl
	}
	return (&output.OrderedObject{}).
		Set("alarms", v.alarms()).
		Set("cluster_name", termText(v.overview.Get("cluster_name"))).
		Set("disk_nodes", disk).
		Set("feature_flags", flags).
		Set("listeners", listenersByNode).
		Set("maintenance_status", maint).
		Set("partitions", partitions).
		Set("ram_nodes", ram).
		Set("running_nodes", running).
		Set("versions", versions)
}

// section prints a heading (bold on a terminal, as rabbitmqctl) and its lines.
func section(w io.Writer, tty bool, title string, lines []string) {
	if tty {
		title = "\x1b[1m" + title + "\x1b[0m"
	}
	fmt.Fprintf(w, "%s\n\n", title)
	if len(lines) == 0 {
		lines = []string{"(none)"}
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

func (v *clusterView) printClusterStatus(w io.Writer, tty bool) error {
	var versions, maint, alarms, parts, ls, flags []string
	disk, ram, running := v.nodeKinds()
	erl := termText(v.overview.Get("erlang_version"))
	for _, n := range v.nodes {
		name := termText(n.Get("name"))
		if n.Get("running") == true {
			versions = append(versions, fmt.Sprintf("%s: RabbitMQ %s on Erlang %s", name, rabbitVersion(n), erl))
		}
		maint = append(maint, fmt.Sprintf("Node: %s, status: %s", name, maintenance(n)))
		if p, ok := n.Get("partitions").([]any); ok && len(p) > 0 {
			parts = append(parts, fmt.Sprintf("Node %s cannot communicate with %s", name, termTextList(p)))
		}
	}
	for _, a := range v.alarms() {
		o := a.(*output.OrderedObject)
		alarms = append(alarms, fmt.Sprintf("Node: %v, alarm: %v", o.Values[0], o.Values[1]))
	}
	for _, l := range listeners(v.overview) {
		ls = append(ls, fmt.Sprintf("Node: %s, interface: %s, port: %d, protocol: %s, purpose: %s", l.Node, l.Interface, l.Port, l.Protocol, l.Purpose))
	}
	for _, fl := range v.flags {
		flags = append(flags, fmt.Sprintf("Flag: %s, state: %s", termText(fl.Get("name")), termText(fl.Get("state"))))
	}
	section(w, tty, "Basics", []string{"Cluster name: " + termText(v.overview.Get("cluster_name"))})
	fmt.Fprintln(w)
	section(w, tty, "Disk Nodes", disk)
	if len(ram) > 0 {
		fmt.Fprintln(w)
		section(w, tty, "RAM Nodes", ram)
	}
	for _, s := range []struct {
		title string
		lines []string
	}{{"Running Nodes", running}, {"Versions", versions}, {"Maintenance status", maint}, {"Alarms", alarms},
		{"Network Partitions", parts}, {"Listeners", ls}, {"Feature flags", flags}} {
		fmt.Fprintln(w)
		section(w, tty, s.title, s.lines)
	}
	return nil
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
			div, ok := map[string]float64{"bytes": 1, "kb": 1e3, "kilobytes": 1e3, "mb": 1e6, "megabytes": 1e6,
				"gb": 1e9, "gigabytes": 1e9, "tb": 1e12, "terabytes": 1e12}[strings.ToLower(unit)]
			if !ok {
				return usageError(fmt.Sprintf("%q", "unit '"+unit+"' is not supported. Please use one of: bytes, mb, gb"))
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
			node, err := client.GetNode(ctx, termText(ov.Get("node")), true)
			if err != nil {
				return err
			}
			vhosts := 0
			if err := client.ListVhosts(ctx, []string{"name"}, func(mgmtapi.VhostInfo) error { vhosts++; return nil }); err != nil {
				return err
			}
			doc := statusDoc(ov, node, vhosts)
			if f.format() == output.JSON {
				return output.JSONLine(f.Out(), doc)
			}
			return printStatus(f.Out(), f.IO.IsStdoutTTY(), ov, node, vhosts, strings.ToLower(unit), div)
		},
	}
	c.Flags().StringVar(&unit, "unit", "gb", "memory unit: bytes, kb, mb, gb or tb")
	c.Annotations = map[string]string{annTimeoutMS: "60000"}
	return c
}

func statusDoc(ov, node mgmtapi.Item, vhosts int) *output.OrderedObject {
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
	return (&output.OrderedObject{}).
		Set("active_plugins", nonNilStrings(active)).
		Set("alarms", alarms).
		Set("config_files", node.Get("config_files")).
		Set("data_directory", node.Get("db_dir")).
		Set("disk_free", node.Get("disk_free")).
		Set("disk_free_limit", node.Get("disk_free_limit")).
		Set("erlang_version", firstNonEmpty(termText(ov.Get("erlang_full_version")), termText(ov.Get("erlang_version")))).
		Set("file_descriptors", (&output.OrderedObject{}).Set("sockets_limit", node.Get("sockets_total")).
			Set("sockets_used", node.Get("sockets_used")).Set("total_limit", node.Get("fd_total")).Set("total_used", node.Get("fd_used"))).
		Set("is_under_maintenance", node.Get("being_drained") == true).
		Set("listeners", ls).
		Set("log_files", node.Get("log_files")).
		Set("memory", node.Get("memory")).
		Set("net_ticktime", node.Get("net_ticktime")).
		Set("pid", intOf(node.Get("os_pid"))).
		Set("processes", (&output.OrderedObject{}).Set("limit", node.Get("proc_total")).Set("used", node.Get("proc_used"))).
		Set("product_name", ov.Get("product_name")).
		Set("product_version", ov.Get("product_version")).
		Set("rabbitmq_version", ov.Get("rabbitmq_version")).
		Set("release_series_support_status", ov.Get("release_series_support_status")).
		Set("run_queue", node.Get("run_queue")).
		Set("totals", (&output.OrderedObject{}).Set("virtual_host_count", vhosts).
			Set("connection_count", ov.Get("object_totals.connections")).Set("queue_count", ov.Get("object_totals.queues"))).
		Set("uptime", intOf(node.Get("uptime"))/1000).
		Set("vm_memory_calculation_strategy", node.Get("mem_calculation_strategy")).
		Set("vm_memory_high_watermark_limit", node.Get("mem_limit"))
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printStatus(w io.Writer, tty bool, ov, node mgmtapi.Item, vhosts int, unit string, div float64) error {
	name := termText(node.Get("name"))
	mem := func(v any) string {
		return strconv.FormatFloat(float64(int64(num(v)/div*1e4+0.5))/1e4, 'f', -1, 64) + " " + unit
	}
	section(w, tty, "Runtime", []string{
		"OS PID: " + termText(node.Get("os_pid")),
		fmt.Sprintf("Uptime (seconds): %d", intOf(node.Get("uptime"))/1000),
		fmt.Sprintf("Is under maintenance?: %v", node.Get("being_drained") == true),
		"RabbitMQ version: " + termText(ov.Get("rabbitmq_version")),
		"RabbitMQ release series support status: " + termText(ov.Get("release_series_support_status")),
		"Node name: " + name,
		"Erlang configuration: " + firstNonEmpty(termText(ov.Get("erlang_full_version")), termText(ov.Get("erlang_version"))),
		fmt.Sprintf("Erlang processes: %s used, %s limit", termText(node.Get("proc_used")), termText(node.Get("proc_total"))),
		"Scheduler run queue: " + termText(node.Get("run_queue")),
		"Cluster heartbeat timeout (net_ticktime): " + termText(node.Get("net_ticktime")),
	})
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
				pct = float64(int64(c.v/total*1e4+0.5)) / 100
			}
			memLines = append(memLines, fmt.Sprintf("%s: %s (%s %%)", c.name, mem(json.Number(strconv.FormatFloat(c.v, 'f', -1, 64))), strconv.FormatFloat(pct, 'f', -1, 64)))
		}
	}
	fmt.Fprintln(w)
	section(w, tty, "Memory", memLines)
	fmt.Fprintln(w)
	section(w, tty, "File Descriptors", []string{
		fmt.Sprintf("Total: %s, limit: %s", termText(node.Get("fd_used")), termText(node.Get("fd_total"))),
		fmt.Sprintf("Sockets: %s, limit: %s", termText(node.Get("sockets_used")), termText(node.Get("sockets_total"))),
	})
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
