package shared

import (
	"context"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// The classic queue mirroring commands of 3.13 (rabbitmq-diagnostics and
// rabbitmq-queues): the policies (or operator policies) of every vhost whose
// definition has ha-mode, as rabbit_mirror_queue_misc:does_policy_configure_cmq/1
// finds them. 4.x's CLI still lists the commands but crashes on them (the module is
// gone); rmqctl answers what they mean: 4.x refuses ha-* keys, so none is found.

// mirroringPolicies lists the policies, or operator policies, that enable classic
// queue mirroring.
func mirroringPolicies(ctx context.Context, client *mgmtapi.Client, operator bool) ([]mgmtapi.Item, error) {
	var out []mgmtapi.Item
	err := client.ListPolicies(ctx, "", operator, func(p mgmtapi.Item) error {
		if def, ok := p.Get("definition").(*mgmtapi.Object); ok && def.Get("ha-mode") != nil {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

var mirroringColumns = []string{"vhost", "name", "pattern", "apply-to", "definition", "priority"}

// NewCmdListMirroringPolicies is list_[operator_]policies_with_classic_queue_mirroring.
func NewCmdListMirroringPolicies(f *cmd.Factory, operator bool) *cobra.Command {
	name, what := "list_policies_with_classic_queue_mirroring", "policies"
	short := "List all policies that enable classic queue mirroring"
	if operator {
		name, what = "list_operator_policies_with_classic_queue_mirroring", "operator policies"
		short = "List all operator policies that enable classic queue mirroring"
	}
	return &cobra.Command{
		Use:   name + " [--no-table-headers]",
		Short: short,
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), "Listing "+what+" with classic queue mirroring ...", func(ctx context.Context, client *mgmtapi.Client) error {
				ps, err := mirroringPolicies(ctx, client, operator)
				if err != nil {
					return err
				}
				list := f.NewListHeaders(mirroringColumns, false, f.Headers())
				for _, p := range ps {
					if err := list.Row(cmd.Field("vhost")(p), cmd.Field("name")(p), cmd.Field("pattern")(p),
						cmd.Field("apply-to")(p), cmd.Proplist("definition")(p), cmd.Field("priority")(p)); err != nil {
						return err
					}
				}
				return list.Close()
			})
		},
	}
}

// NewCmdCheckMirroringPolicy is check_if_cluster_has_classic_queue_mirroring_policy.
func NewCmdCheckMirroringPolicy(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "check_if_cluster_has_classic_queue_mirroring_policy",
		Short: "Health check that exits with a non-zero code if there are policies that enable classic queue mirroring",
		Args:  cmd.No(),
		RunE: func(c *cobra.Command, _ []string) error {
			return f.Do(c.Context(), "Checking if cluster has any classic queue mirroring policy ...", func(ctx context.Context, client *mgmtapi.Client) error {
				ps, err := mirroringPolicies(ctx, client, false)
				if err != nil {
					return err
				}
				ops, err := mirroringPolicies(ctx, client, true)
				if err != nil {
					return err
				}
				if len(ps)+len(ops) == 0 {
					switch {
					case f.Format() == output.JSON:
						return f.PrintJSON((&output.OrderedObject{}).Set("result", "ok"))
					case f.Silent():
						return nil
					}
					return f.PrintLines("Cluster reported no policies that enable classic queue mirroring")
				}
				switch {
				case f.Format() == output.JSON:
					o := (&output.OrderedObject{}).Set("message", "Cluster reported policies enabling classic queue mirroring").
						Set("operator_policies", ops).Set("policies", ps).Set("result", "error")
					return cmd.FailureJSON(o)
				case f.Silent():
					return cmd.FailureSilent()
				}
				var lines []string
				for _, p := range ps {
					lines = append(lines, "Policy "+cmd.TermText(p.Get("name"))+" enables classic queue mirroring")
				}
				for _, p := range ops {
					lines = append(lines, "Operator policy "+cmd.TermText(p.Get("name"))+" enables classic queue mirroring")
				}
				return cmd.Failure(strings.Join(lines, "\n"))
			})
		},
	}
}
