package diagnostics

import (
	"context"
	"regexp"
	"sort"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// policyApplies reports whether a policy's apply-to covers an object: "all", or
// "exchanges" for an exchange; "queues" or the queue type's own name
// (classic_queues, quorum_queues, streams) for a queue (rabbit_policy:matches_type/2
// and matches_queue_type/3).
func policyApplies(applyTo, objectType, queueType string) bool {
	if applyTo == "all" {
		return true
	}
	if objectType == "exchange" {
		return applyTo == "exchanges"
	}
	switch queueType {
	case "classic":
		return applyTo == "queues" || applyTo == "classic_queues"
	case "quorum":
		return applyTo == "queues" || applyTo == "quorum_queues"
	case "stream":
		return applyTo == "queues" || applyTo == "streams"
	}
	return applyTo == "queues"
}

// list_policies_that_match: the vhost's policies whose apply-to covers the object and
// whose pattern matches its name, highest priority first, as rabbit_policy:match_all/1
// finds them (it also leaves out policies whose keys the queue's type rejects, which
// the API cannot tell: see README).
func newCmdListPoliciesThatMatch(f *cmd.Factory) *cobra.Command {
	var objectType string
	c := &cobra.Command{
		Use:   "list_policies_that_match [--object-type <type>] <name>",
		Short: "Lists all policies matching a queue/exchange (only the highest priority policy is active)",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost := args[0], f.Vhost()
			if objectType != "queue" && objectType != "exchange" {
				// the real CLI crashes on other types ({:case_clause, "foo"}, 70)
				return cmd.SoftwareError(`{:case_clause, ` + cmd.ElixirString(objectType) + `}`)
			}
			banner := "Listing policies that match " + objectType + " '" + name + "' in vhost '" + vhost + "' ..."
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				queueType := ""
				if objectType == "queue" {
					q, err := client.GetQueue(ctx, vhost, name, mgmtapi.ListQuery{Columns: []string{"type"}, DisableStats: true})
					switch {
					case cmd.IsNotFound(err) && f.Format() == output.JSON:
						o := (&output.OrderedObject{}).Set("result", "error").
							Set("message", "object (queue, exchange) not found").Set("policies", []any{})
						return f.PrintJSON(f.OrderJSON(ctx, "policies_that_match", o))
					case cmd.IsNotFound(err):
						return f.NotFoundError(ctx)
					case err != nil:
						return err
					}
					queueType = cmd.TermText(q.Get("type"))
				}
				var matching []mgmtapi.Item
				err := client.ListPolicies(ctx, vhost, false, func(p mgmtapi.Item) error {
					re, err := regexp.Compile(cmd.TermText(p.Get("pattern")))
					if err == nil && re.MatchString(name) && policyApplies(cmd.TermText(p.Get("apply-to")), objectType, queueType) {
						matching = append(matching, p)
					}
					return nil
				})
				if err != nil && !cmd.IsNotFound(err) {
					return err
				}
				sort.SliceStable(matching, func(i, j int) bool {
					return int64Of(matching[i].Get("priority")) > int64Of(matching[j].Get("priority"))
				})
				return printMatchingPolicies(ctx, f, matching)
			})
		},
	}
	f.SetDefaultFormat(c, output.PrettyTable)
	c.Flags().StringVar(&objectType, "object-type", "queue", "the type of object to match: queue or exchange")
	return c
}

var policyColumns = []string{"vhost", "name", "pattern", "apply-to", "definition", "priority"}

func printMatchingPolicies(ctx context.Context, f *cmd.Factory, ps []mgmtapi.Item) error {
	switch {
	case f.Format() == output.JSON:
		normalised, err := f.Has(ctx, compat.JSONProplistObjects)
		if err != nil {
			return err
		}
		rows := make([]*output.OrderedObject, len(ps))
		for i, p := range ps {
			o := &output.OrderedObject{}
			for _, k := range policyColumns {
				v := p.Get(k)
				if def, ok := v.(*mgmtapi.Object); ok && k == "definition" && !normalised {
					pairs := make([][2]any, 0, def.Len()) // a proplist, before 4.1.2's normalisation
					for _, dk := range def.Keys() {
						pairs = append(pairs, [2]any{dk, def.Value(dk)})
					}
					v = pairs
				}
				o.Set(k, v)
			}
			rows[i] = f.OrderJSON(ctx, "policy", o)
		}
		return f.PrintJSON(f.OrderJSON(ctx, "policies_that_match", (&output.OrderedObject{}).Set("result", "ok").Set("policies", rows)))
	case len(ps) == 0 && f.Format() == output.PrettyTable:
		// the CLI's pretty table of an empty list
		list := f.NewListHeaders([]string{"Output"}, false, true)
		if err := list.Row(output.Str("[]")); err != nil {
			return err
		}
		return list.Close()
	case len(ps) == 0:
		return f.PrintLines("")
	}
	list := f.NewListHeaders(policyColumns, false, f.Headers())
	for _, p := range ps {
		if err := list.Row(cmd.Field("vhost")(p), cmd.Field("name")(p), cmd.Field("pattern")(p), cmd.Field("apply-to")(p),
			cmd.Proplist("definition")(p), cmd.Field("priority")(p)); err != nil {
			return err
		}
	}
	return list.Close()
}
