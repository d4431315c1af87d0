package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

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
			f.knowVersion(termText(v.overview.Get("rabbitmq_version")))
			p, err := f.Profile(ctx)
			if err != nil {
				return err
			}
			if f.format() == output.JSON {
				return output.JSONLine(f.Out(), v.clusterStatus(p))
			}
			return v.printClusterStatus(f.Out(), f.IO.IsStdoutTTY(), p)
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

// cpuCores is each node's core count, and their sum.
func (v *clusterView) cpuCores() (*output.OrderedObject, []string, int64) {
	by, lines, total := &output.OrderedObject{}, []string{}, int64(0)
	for _, n := range v.nodes {
		name, cores := termText(n.Get("name")), intOf(n.Get("processors"))
		by.Set(name, cores)
		lines = append(lines, fmt.Sprintf("Node: %s, available CPU cores: %d", name, cores))
		total += cores
	}
	return by, lines, total
}

// clusterTags are the overview's cluster tags as lines ("key: value") and as JSON ([]
// when there are none, as the CLI's empty keyword list encodes).
func (v *clusterView) clusterTags() ([]string, any) {
	o, _ := v.overview.Get("cluster_tags").(*mgmtapi.Object)
	if o == nil || o.Len() == 0 {
		return nil, []any{}
	}
	var lines []string
	for _, k := range o.Keys() {
		lines = append(lines, k+": "+termText(o.Value(k)))
	}
	return lines, o
}

// clusterStatusKeys4 is the order of cluster_status's JSON keys from 4.0 (an Erlang map
// on OTP 26+: atom order; obs-4.0.5, obs-4.3.6).
var clusterStatusKeys4 = []string{"alarms", "cluster_tags", "listeners", "cpu_cores", "cluster_name", "disk_nodes",
	"ram_nodes", "running_nodes", "versions", "partitions", "maintenance_status", "feature_flags"}

// clusterStatus is cluster_status's JSON document, with the keys of the release's
// rabbitmqctl: sorted before 4.0, atom order since.
func (v *clusterView) clusterStatus(p compat.Profile) *output.OrderedObject {
	doc := v.clusterStatusDoc(p)
	if p.Has(compat.JSONMapAtomOrder) {
		doc.Reorder(indexesIn(clusterStatusKeys4, doc.Keys))
	}
	return doc
}

// indexesIn orders keys by their place in order (keys not in it keep their place at the end).
func indexesIn(order, keys []string) []int {
	var out []int
	for _, k := range order {
		for i, have := range keys {
			if have == k {
				out = append(out, i)
			}
		}
	}
	return out
}

func (v *clusterView) clusterStatusDoc(p compat.Profile) *output.OrderedObject {
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
	doc := (&output.OrderedObject{}).Set("alarms", v.alarms()).Set("cluster_name", termText(v.overview.Get("cluster_name")))
	if p.Has(compat.ClusterTags) {
		_, tags := v.clusterTags()
		doc.Set("cluster_tags", tags)
	}
	if p.Has(compat.CPUCores) {
		cores, _, _ := v.cpuCores()
		doc.Set("cpu_cores", cores)
	}
	doc.Set("disk_nodes", disk).
		Set("feature_flags", flags).
		Set("listeners", listenersByNode).
		Set("maintenance_status", maint).
		Set("partitions", partitions)
	if !p.Has(compat.NoRAMNodes) {
		doc.Set("ram_nodes", ram)
	}
	return doc.Set("running_nodes", running).Set("versions", versions)
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

func (v *clusterView) printClusterStatus(w io.Writer, tty bool, p compat.Profile) error {
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
	basics := []string{"Cluster name: " + termText(v.overview.Get("cluster_name"))}
	_, coreLines, totalCores := v.cpuCores()
	if p.Has(compat.CPUCores) {
		basics = append(basics, fmt.Sprintf("Total CPU cores available cluster-wide: %d", totalCores))
	}
	section(w, tty, "Basics", basics)
	if p.Has(compat.ClusterTags) {
		tags, _ := v.clusterTags()
		fmt.Fprintln(w)
		section(w, tty, "Cluster Tags", tags)
	}
	fmt.Fprintln(w)
	section(w, tty, "Disk Nodes", disk)
	if len(ram) > 0 && !p.Has(compat.NoRAMNodes) {
		fmt.Fprintln(w)
		section(w, tty, "RAM Nodes", ram)
	}
	type part struct {
		title string
		lines []string
	}
	parts2 := []part{{"Running Nodes", running}, {"Versions", versions}}
	if p.Has(compat.CPUCores) {
		parts2 = append(parts2, part{"CPU Cores", coreLines})
	}
	parts2 = append(parts2, part{"Maintenance status", maint}, part{"Alarms", alarms},
		part{"Network Partitions", parts}, part{"Listeners", ls}, part{"Feature flags", flags})
	for _, s := range parts2 {
		fmt.Fprintln(w)
		section(w, tty, s.title, s.lines)
	}
	return nil
}
