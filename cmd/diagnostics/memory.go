package diagnostics

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// memoryPart is one category of memory_breakdown.
type memoryPart struct {
	key        string
	bytes      int64
	percentage float64
}

// memoryParts computes the breakdown as the CLI's compute_relative_values: each
// category's share of the largest total (rss, allocated, erlang), largest first
// (categories of equal size keep the node's order).
func memoryParts(mem *mgmtapi.Object) []memoryPart {
	var total float64
	if totals, ok := mem.Get("total").(*mgmtapi.Object); ok {
		for _, k := range totals.Keys() {
			total = math.Max(total, float64(int64Of(totals.Value(k))))
		}
	}
	var parts []memoryPart
	for _, k := range mem.Keys() {
		if k == "total" || k == "strategy" {
			continue
		}
		b := int64Of(mem.Value(k))
		pct := 0.0
		if total > 0 {
			pct = math.Round(float64(b)/total*100*100) / 100
		}
		parts = append(parts, memoryPart{key: k, bytes: b, percentage: pct})
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].bytes > parts[j].bytes })
	return parts
}

// memoryUnits are the units memory_breakdown takes, as status's.
func newCmdMemoryBreakdown(f *cmd.Factory) *cobra.Command {
	var unit string
	c := &cobra.Command{
		Use:   "memory_breakdown [--unit <unit>]",
		Short: "Provides a memory usage breakdown on the target node.",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			div, known, err := f.StatusUnit(c.Context(), unit)
			switch {
			case err != nil:
				return err
			case !known:
				return cmd.ValidationFailure("unit '" + unit + "' is not supported. Please use one of: bytes, mb, gb")
			}
			u := strings.ToLower(unit)
			return f.Do(c.Context(), "Reporting memory breakdown on node "+f.NodeName()+"...", func(ctx context.Context, client *mgmtapi.Client) error {
				n, err := nodeObject(ctx, f, client, true)
				if err != nil {
					return err
				}
				mem, _ := n.Get("memory").(*mgmtapi.Object)
				if mem == nil {
					return cmd.Failure("the node reported no memory breakdown")
				}
				return printMemory(ctx, f, memoryParts(mem), u, div)
			})
		},
	}
	c.Flags().StringVar(&unit, "unit", "gb", "byte multiple (bytes, megabytes, gigabytes) to use")
	return c
}

func printMemory(ctx context.Context, f *cmd.Factory, parts []memoryPart, unit string, div float64) error {
	switch f.Format() {
	case output.JSON:
		o := &output.OrderedObject{}
		for _, p := range parts {
			o.Set(p.key, (&output.OrderedObject{}).Set("bytes", p.bytes).Set("percentage", jsonFloat(p.percentage)))
		}
		return f.PrintJSON(f.OrderJSON(ctx, "memory_breakdown", o))
	case output.CSV:
		type field struct {
			name string
			cell output.Cell
		}
		var fields []field
		for _, p := range parts {
			fields = append(fields, field{p.key + ".bytes", output.Int(p.bytes)},
				field{p.key + ".percentage", output.Str(cmd.ElixirFloat(p.percentage))})
		}
		sort.SliceStable(fields, func(i, j int) bool { return fields[i].name > fields[j].name })
		names := make([]string, len(fields))
		cells := make([]output.Cell, len(fields))
		for i, fl := range fields {
			names[i], cells[i] = fl.name, fl.cell
		}
		rows := f.NewListHeaders(names, false, true)
		if err := rows.Row(cells...); err != nil {
			return err
		}
		return rows.Close()
	}
	var b strings.Builder
	for _, p := range parts {
		amount := strconv.FormatInt(p.bytes, 10)
		if unit != "bytes" {
			amount = cmd.ElixirFloat(float64(p.bytes) / div)
		}
		b.WriteString(p.key + ": " + amount + " " + unit + " (" + cmd.ElixirFloat(p.percentage) + "%)\n")
	}
	return f.PrintLines(b.String())
}

// jsonFloat keeps a float's ".0" in JSON (Elixir writes 0.0, not 0).
type jsonFloat float64

func (x jsonFloat) MarshalJSON() ([]byte, error) { return []byte(cmd.ElixirFloat(float64(x))), nil }
