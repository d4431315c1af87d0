package shared

import (
	"context"
	"sort"
	"time"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
)

// Rebalancing (rabbitmq-queues rebalance, rabbitmq-upgrade post_upgrade): POST
// /api/rebalance/queues starts the server's rebalancing of every replicated queue's
// leader and answers at once; the CLI prints the leaders per node once it is over.
// rmqctl reads them from the queue list once every node holds no more leaders than
// the rebalancing aims at (rabbit_amqqueue:maybe_rebalance/4's MaxQueuesDesired), or
// once the leaders stop moving.

// Leaders counts the leaders of replicated queues per node and column (the CLI's
// "Number of quorum queues", "Number of streams" …).
type Leaders map[string]map[string]int

func (l Leaders) total(node string) (n int) {
	for _, c := range l[node] {
		n += c
	}
	return n
}

// readLeaders reads the replicated queues' leaders and the running nodes.
func readLeaders(ctx context.Context, client *mgmtapi.Client, streams bool) (Leaders, int, []string, error) {
	l := Leaders{}
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

// AwaitBalance waits until the leaders are balanced or stop moving.
func AwaitBalance(ctx context.Context, client *mgmtapi.Client, streams bool) (Leaders, error) {
	var last Leaders
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

func equalLeaders(a, b Leaders) bool {
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

// Rows are the CLI's summary rows: a node's name and its leaders per queue type (3.12+:
// the types it leads; before, quorum and replicated classic queues), by node name.
func (l Leaders) Rows(streams bool) []*output.OrderedObject {
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
	return rows
}

// PrintRowsJSON prints the rebalancing summary as the release's JSON formatter
// writes {node, result, value}: the rows are objects from 4.2.6 (core/json.ex
// normalize), before that lists of [key, value] pairs (the proplists' tuples).
func PrintRowsJSON(ctx context.Context, f *cmd.Factory, rows []*output.OrderedObject) error {
	objects, err := f.Has(ctx, compat.JSONProplistObjects)
	if err != nil {
		return err
	}
	var value any = rows
	if !objects {
		pairs := make([][][2]any, len(rows))
		for i, r := range rows {
			for j, k := range r.Keys {
				pairs[i] = append(pairs[i], [2]any{k, r.Values[j]})
			}
		}
		value = pairs
	}
	o := (&output.OrderedObject{}).Set("node", f.NodeName()).Set("result", "ok").Set("value", value)
	return f.PrintJSON(f.OrderJSON(ctx, "node_value", o))
}
