package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

var queueTypes = []string{"quorum", "stream", "classic"}

// validateQueueType checks a --default-queue-type value as rabbitmqctl does.
func validateQueueType(t string) error {
	switch {
	case t == "":
		return badArgument("Default queue type must not be an empty string")
	case !contains(queueTypes, t):
		return badArgument("Default queue type must be one of: quorum, stream, classic. Provided: " + t)
	}
	return nil
}

// AddVhostOptions are add_vhost's inputs.
type AddVhostOptions struct {
	F                *Factory
	Name             string
	Description      string
	Tags             string
	DefaultQueueType string
	// badQueueType: --default-queue-type names no queue type.
	badQueueType bool
}

func newCmdAddVhost(f *Factory) *cobra.Command {
	o := &AddVhostOptions{F: f}
	c := &cobra.Command{
		Use:   `add_vhost <vhost> [--description <description> --tags "<tag1>,<tag2>,<...>" --default-queue-type <quorum|classic|stream>]`,
		Short: "Creates a virtual host",
		Long: `Creates a virtual host. Adding a vhost that already exists succeeds and leaves it
unchanged, as rabbitmqctl does.`,
		Example: `  rmqctl add_vhost qa1 --description "QA env 1" --default-queue-type quorum
  rmqctl add_vhost rabbit/hole --tags staging,blue`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			o.badQueueType = c.Flags().Changed("default-queue-type") && validateQueueType(o.DefaultQueueType) != nil
			return runAddVhost(c.Context(), o)
		},
	}
	c.Flags().StringVarP(&o.Description, "description", "d", "", "description")
	c.Flags().StringVar(&o.Tags, "tags", "", "comma-separated tags")
	c.Flags().StringVar(&o.DefaultQueueType, "default-queue-type", "", "queue type of queues declared without one: quorum, classic or stream")
	return c
}

func runAddVhost(ctx context.Context, o *AddVhostOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	if o.badQueueType {
		return f.badQueueTypeError(ctx, o)
	}
	f.Banner(`Adding vhost "%s" ...`, o.Name)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	// PUT would overwrite an existing vhost's description and tags: look first.
	if _, err := client.GetVhost(ctx, o.Name); err == nil {
		return f.printDone()
	} else if !mgmtapi.IsNotFound(err) {
		return err
	}
	err = client.PutVhost(ctx, o.Name, mgmtapi.VhostSettings{
		Description: o.Description, Tags: mgmtapi.SplitTags(o.Tags), DefaultQueueType: o.DefaultQueueType,
	})
	if err != nil {
		return err
	}
	return f.printDone()
}

// badQueueTypeError refuses an unknown --default-queue-type as the release does: 4.2.8
// and 4.3.2 check it before anything else (65); 3.13.4–4.2.7 print the server's error
// term and exit 0, where rmqctl exits 65 (README); 3.11.0–3.13.3 say "Unsupported
// default queue type" (64); 3.10 "invalid_queue_type" (69). No vhost is created.
func (f *Factory) badQueueTypeError(ctx context.Context, o *AddVhostOptions) error {
	p, err := f.Profile(ctx)
	if err != nil {
		return err
	}
	if p.Has(compat.ClientChecksQueueType) {
		return validateQueueType(o.DefaultQueueType)
	}
	f.Banner(`Adding vhost "%s" ...`, o.Name)
	if p.Has(compat.QueueTypeErrorTerm) {
		if _, err := fmt.Fprintf(f.Out(), "{:error, :invalid_queue_type, %s}\n", elixirString(o.DefaultQueueType)); err != nil {
			return err
		}
		return &cliError{code: exitDataErr, layout: layoutSilent}
	}
	if p.Has(compat.UnsupportedQueueType) {
		return &cliError{code: exitUsage, msg: "Unsupported default queue type"}
	}
	return genericError("invalid_queue_type")
}

// DeleteVhostOptions are delete_vhost's inputs.
type DeleteVhostOptions struct {
	F    *Factory
	Name string
}

func newCmdDeleteVhost(f *Factory) *cobra.Command {
	o := &DeleteVhostOptions{F: f}
	return &cobra.Command{
		Use:     "delete_vhost <vhost>",
		Short:   "Deletes a virtual host",
		Long:    "Deletes a virtual host and everything in it: queues, exchanges, bindings, permissions.",
		Example: "  rmqctl delete_vhost qa1",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			return runDeleteVhost(c.Context(), o)
		},
	}
}

func runDeleteVhost(ctx context.Context, o *DeleteVhostOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Deleting vhost "%s" ...`, o.Name)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeleteVhost(ctx, o.Name); err != nil {
		var ae *mgmtapi.APIError
		switch {
		case mgmtapi.IsNotFound(err):
			return errVhostNotFoundBare(o.Name)
		case errors.As(err, &ae) && ae.Status == http.StatusPreconditionFailed:
			return f.errVhostProtected()
		}
		return err
	}
	return f.printDone()
}

// vhostColumns are list_vhosts's info items (same names in the HTTP API).
var vhostColumns = []string{"name", "description", "tags", "default_queue_type", "tracing", "cluster_state",
	"protected_from_deletion", "metadata"}

// ListVhostsOptions are list_vhosts's inputs.
type ListVhostsOptions struct {
	F       *Factory
	Columns []string
}

func newCmdListVhosts(f *Factory) *cobra.Command {
	o := &ListVhostsOptions{F: f}
	return &cobra.Command{
		Use:   "list_vhosts [--no-table-headers] [<column> ...] [--timeout <timeout>]",
		Short: "Lists virtual hosts",
		Long: "Lists virtual hosts. Columns: " + strings.Join(vhostColumns, ", ") + ` (default: name).
Columns may be separated by spaces, commas or both.`,
		Example: `  rmqctl list_vhosts
  rmqctl list_vhosts name tags default_queue_type --formatter json`,
		RunE: func(c *cobra.Command, args []string) error {
			cols, err := f.parseColumns(c.Context(), c.Name(), args, vhostColumns, []string{"name"})
			if err != nil {
				return err
			}
			o.Columns = cols
			return runListVhosts(c.Context(), o)
		},
	}
}

func runListVhosts(ctx context.Context, o *ListVhostsOptions) error {
	return o.F.runList(ctx, listSpec{
		banner:  "Listing vhosts ...",
		columns: o.Columns,
		fetch: func(ctx context.Context, c *mgmtapi.Client, rows *output.ListWriter) error {
			return c.ListVhosts(ctx, o.Columns, func(v mgmtapi.VhostInfo) error {
				cells := make([]output.Cell, len(o.Columns))
				for i, col := range o.Columns {
					cells[i] = vhostCell(v, col)
				}
				return rows.Row(cells...)
			})
		},
	})
}

func vhostCell(v mgmtapi.VhostInfo, col string) output.Cell {
	switch col {
	case "name":
		return output.Str(v.Name)
	case "description":
		return output.Str(v.Description)
	case "tags":
		return tagsCell(v.Tags)
	case "default_queue_type":
		return output.Str(v.DefaultQueueType)
	case "tracing":
		return output.Bool(v.Tracing)
	case "cluster_state":
		return nodeStateCell(v.ClusterState)
	case "protected_from_deletion":
		return output.Bool(v.ProtectedFromDeletion != nil && *v.ProtectedFromDeletion)
	case "metadata":
		return erlangMapCell(v.Metadata)
	}
	return output.Str("")
}

// erlangMapCell renders an object as rabbitmqctl's table formatter prints an Erlang
// map: #{k => v, …} with the keys sorted; JSON keeps the object.
func erlangMapCell(o *mgmtapi.Object) output.Cell {
	if o == nil {
		return output.Raw("#{}", mgmtapi.NewObject())
	}
	keys := append([]string(nil), o.Keys()...)
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " => " + termText(o.Value(k))
	}
	return output.Raw("#{"+strings.Join(parts, ", ")+"}", o)
}

// tagsCell renders tags that are a list ("[a, b]") or, for vhosts rabbitmqctl created
// without tags, the empty string (an empty cell, "" in JSON).
func tagsCell(tags any) output.Cell {
	switch t := tags.(type) {
	case []any:
		items := make([]string, len(t))
		for i, x := range t {
			items[i], _ = x.(string)
		}
		return output.List(items)
	case string:
		return output.Str(t)
	}
	return output.List(nil)
}

// erlangAtom prints an atom as Erlang does: quoted when it is not a plain lowercase
// word (node names with a '-' or a '.': 'rabbit-1@localhost').
func erlangAtom(s string) string {
	if plainAtom.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

var plainAtom = regexp.MustCompile(`^[a-z][A-Za-z0-9_@]*$`)

// nodeStateCell renders a {node: state} map as rabbitmqctl does: [{node, state}].
func nodeStateCell(m map[string]string) output.Cell {
	nodes := make([]string, 0, len(m))
	for n := range m {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = "{" + erlangAtom(n) + ", " + m[n] + "}"
	}
	if m == nil {
		m = map[string]string{}
	}
	return output.Raw("["+strings.Join(parts, ", ")+"]", m)
}

// SetVhostTagsOptions are set_vhost_tags's inputs.
type SetVhostTagsOptions struct {
	F    *Factory
	Name string
	Tags []string
}

func newCmdSetVhostTags(f *Factory) *cobra.Command {
	o := &SetVhostTagsOptions{F: f}
	return &cobra.Command{
		Use:   "set_vhost_tags <vhost> <tag> [...]",
		Short: "Sets virtual host tags",
		Long:  "Replaces the vhost's tags; no tag clears them. Description and default queue type are kept.",
		Example: `  rmqctl set_vhost_tags qa1 qa testing
  rmqctl set_vhost_tags qa1   # clears the tags`,
		Args: minArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name, o.Tags = args[0], args[1:]
			return runSetVhostTags(c.Context(), o)
		},
	}
}

func runSetVhostTags(ctx context.Context, o *SetVhostTagsOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	f.Banner(`Setting tags for virtual host "%s" to [%s] ...`, o.Name, strings.Join(o.Tags, ", "))
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	v, err := client.GetVhost(ctx, o.Name)
	if err != nil {
		if mgmtapi.IsNotFound(err) {
			return errVhostNotFoundQuoted(o.Name)
		}
		return err
	}
	// The vhost PUT replaces description and tags: send back what is kept.
	tracing := v.Tracing
	err = client.PutVhost(ctx, o.Name, mgmtapi.VhostSettings{
		Description: v.Description, Tags: o.Tags, DefaultQueueType: v.DefaultQueueType, Tracing: &tracing,
	})
	if err != nil {
		return err
	}
	return f.printDone()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
