package queues

import (
	"context"
	"sort"
	"time"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// rebalance: POST /api/rebalance/queues starts the server's rebalancing of every
// replicated queue's leader (type all, every vhost and queue) and answers at once. The
// CLI prints the leaders per node once the rebalancing is over; rmqctl reads them from
// the queue list once every node holds no more leaders than the rebalancing aims at
// (rabbit_amqqueue:maybe_rebalance/4's MaxQueuesDesired), or the leaders stop moving.
func newCmdRebalance(f *cmd.Factory) *cobra.Command {
	var vhostPattern, queuePattern string
	c := &cobra.Command{
		Use:   "rebalance < all | quorum | stream > [--vhost-pattern <pattern>] [--queue-pattern <pattern>]",
		Short: "Re-balances leaders of replicated queues across up-and-running cluster nodes",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			typ := args[0]
			streams, err := f.Has(c.Context(), compat.RebalanceStreams)
			if err != nil {
				return err
			}
			known := []string{"all", "classic", "quorum"}
			if streams {
				known = []string{"all", "quorum", "stream"}
			}
			if !has(known, typ) {
				return cmd.Failure("type " + typ + " is not supported. Try one of " + known[0] + ", " + known[1] + ", " + known[2] + ".")
			}
			if typ != "all" || vhostPattern != ".*" || queuePattern != ".*" {
				return cmd.NotServed("rebalance "+typ, "the management API rebalances the leaders of all replicated queues only (POST /api/rebalance/queues takes no queue type or patterns): use `rebalance all` without patterns")
			}
			return f.Do(c.Context(), "Re-balancing leaders of "+typ+" queues...", func(ctx context.Context, client *mgmtapi.Client) error {
				if err := client.RebalanceQueues(ctx); err != nil {
					return err
				}
				summary, err := awaitBalance(ctx, client, streams)
				if err != nil {
					return err
				}
				return printRebalance(ctx, f, summary, streams)
			})
		},
	}
	c.Flags().StringVar(&vhostPattern, "vhost-pattern", ".*", "regular expression to match virtual host names")
	c.Flags().StringVar(&queuePattern, "queue-pattern", ".*", "regular expression to match queue names")
	f.SetDefaultFormat(c, output.PrettyTable)
	return c
}

// leaders counts the leaders of replicated queues per node and column (the CLI's
// "Number of quorum queues", "Number of streams" …).
type leaders map[string]map[string]int

func (l leaders) total(node string) (n int) {
	for _, c := range l[node] {
		n += c
	}
	return n
}

// readLeaders reads the replicated queues' leaders and the running nodes.
func readLeaders(ctx context.Context, client *mgmtapi.Client, streams bool) (leaders, int, []string, error) {
	l := leaders{}
	count := 0
	q := mgmtapi.ListQuery{Columns: []string{"type", "leader", "node"}, DisableStats: true, Unsorted: true}
	_, err := client.ListQueues(ctx, "", q, func(it mgmtapi.Item) error {
		column := map[string]string{"quorum": "Number of quorum queues"}
		if streams {
			column["stream"] = "Number of streams"
		}
		col, ok := column[cmd.TermText(it.Get("type"))]
		node := cmd.TermText(it.Get("leader"))
		if node == "" {
			node = cmd.TermText(it.Get("node"))
		}
		if ok && node != "" {
			if l[node] == nil {
				l[node] = map[string]int{}
			}
			l[node][col]++
			count++
		}
		return nil
	})
	if err != nil {
		return nil, 0, nil, err
	}
	var running []string
	err = client.ListNodes(ctx, func(n mgmtapi.Item) error {
		if n.Get("running") == true && n.Get("being_drained") != true {
			running = append(running, cmd.TermText(n.Get("name")))
		}
		return nil
	})
	return l, count, running, err
}

// awaitBalance waits until the leaders are balanced or stop moving.
func awaitBalance(ctx context.Context, client *mgmtapi.Client, streams bool) (leaders, error) {
	var last leaders
	stable := 0
	for {
		l, count, running, err := readLeaders(ctx, client, streams)
		if err != nil {
			return nil, err
		}
		max := count
		if len(running) > 0 {
			max = (count + len(running) - 1) / len(running)
		}
		balanced := true
		for node := range l {
			balanced = balanced && l.total(node) <= max
		}
		if equalLeaders(l, last) {
			stable++
		} else {
			stable = 0
		}
		if balanced || stable >= 10 {
			return l, nil
		}
		last = l
		select {
		case <-ctx.Done():
			return l, nil
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func equalLeaders(a, b leaders) bool {
	if len(a) != len(b) {
		return false
	}
	for n, cols := range a {
		for c, k := range cols {
			if b[n][c] != k {
				return false
			}
		}
	}
	return true
}

func printRebalance(ctx context.Context, f *cmd.Factory, l leaders, streams bool) error {
	nodes := make([]string, 0, len(l))
	for n := range l {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	var rows []*output.OrderedObject
	for _, n := range nodes {
		row := (&output.OrderedObject{}).Set("Node name", n)
		if streams {
			for _, col := range []string{"Number of quorum queues", "Number of streams"} {
				if k, ok := l[n][col]; ok {
					row.Set(col, k)
				}
			}
		} else {
			row.Set("Number of quorum queues", l[n]["Number of quorum queues"]).Set("Number of replicated classic queues", 0)
		}
		rows = append(rows, row)
	}
	if f.Format() == output.JSON {
		o := (&output.OrderedObject{}).Set("node", f.NodeName()).Set("result", "ok").Set("value", rows)
		return f.PrintJSON(f.OrderJSON(ctx, "node_value", o))
	}
	var cols []string
	for _, r := range rows {
		for _, k := range r.Keys {
			if !has(cols, k) {
				cols = append(cols, k)
			}
		}
	}
	list := f.NewRows(ctx, "rebalance_row", cols, false, f.Headers())
	for _, r := range rows {
		cells := make([]output.Cell, len(cols))
		for i, col := range cols {
			cells[i] = output.Str("")
			for j, k := range r.Keys {
				if k == col {
					cells[i] = output.Raw(cmd.TermText(r.Values[j]), r.Values[j])
				}
			}
		}
		if err := list.Row(cells...); err != nil {
			return err
		}
	}
	return list.Close()
}
