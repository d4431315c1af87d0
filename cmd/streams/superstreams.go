package streams

// add_super_stream and delete_super_stream, as rabbitmq-streams' AddSuperStreamCommand
// and DeleteSuperStreamCommand (deps/rabbitmq_stream/src) run them, over HTTP:
// PUT /api/stream/super-streams/{vhost}/{name} (4.1.1+) for the first, and for the
// second, which has no route, what rabbit_stream_manager:delete_super_stream/3 does.

import (
	"context"
	"errors"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

const streamPlugin = "rabbitmq_stream_management"

// charlistFailure is a validation failure of the plugin's Erlang commands, whose
// texts are charlists: `Error (argument validation): ~c"…"`, 64.
func charlistFailure(msg string) error { return cmd.UsageError("~c" + cmd.ElixirString(msg)) }

type superStreamOptions struct {
	partitions, initialClusterSize                             int
	bindingKeys, routingKeys, maxLengthBytes, maxAge           string
	segmentSize, leaderLocator                                 string
	hasPartitions, hasBindingKeys, hasRoutingKeys, hasClusterN bool
}

// validate is AddSuperStreamCommand:validate/2, in its order; it returns the
// stream arguments the CLI passes on (stream_arguments/1).
func (o *superStreamOptions) validate(changed func(string) bool) (map[string]any, error) {
	o.hasPartitions, o.hasBindingKeys, o.hasRoutingKeys = changed("partitions"), changed("binding-keys"), changed("routing-keys")
	o.hasClusterN = changed("initial-cluster-size")
	switch {
	case o.hasRoutingKeys && o.hasBindingKeys:
		return nil, charlistFailure("Specify --binding-keys only.")
	case o.hasPartitions && (o.hasBindingKeys || o.hasRoutingKeys):
		return nil, charlistFailure("Specify --partitions or --binding-keys, not both.")
	case o.hasPartitions && o.partitions < 1:
		return nil, charlistFailure("The partition number must be greater than 0")
	}
	args := map[string]any{}
	if changed("max-length-bytes") {
		n, ok := parseInformationUnit(o.maxLengthBytes)
		if !ok {
			return nil, charlistFailure("Invalid value for --max-length-bytes, valid example values: 100gb, 50mb")
		}
		args["max-length-bytes"] = n
	}
	if changed("max-age") {
		secs, ok := parseDuration(o.maxAge)
		if !ok {
			return nil, charlistFailure("Invalid value for --max-age, the value must a ISO 8601 duration, e.g. e.g. PT10M30S for 10 minutes 30 seconds, P5DT8H for 5 days 8 hours.")
		}
		args["max-age"] = strconv.FormatInt(secs, 10) + "s"
	}
	if changed("stream-max-segment-size-bytes") {
		n, ok := parseInformationUnit(o.segmentSize)
		if !ok {
			return nil, charlistFailure("Invalid value for --stream-max-segment-size-bytes, valid example values: 100gb, 50mb")
		}
		args["stream-max-segment-size-bytes"] = n
	}
	if changed("leader-locator") {
		switch o.leaderLocator {
		case "client-local", "balanced", "random", "least-leaders":
			args["queue-leader-locator"] = o.leaderLocator
		default:
			return nil, charlistFailure("Invalid value for --leader-locator, valid values are client-local, balanced.")
		}
	}
	if o.hasClusterN {
		if o.initialClusterSize <= 0 {
			return nil, charlistFailure("Invalid value for --initial-cluster-size, the value must be positive.")
		}
		args["initial-cluster-size"] = strconv.Itoa(o.initialClusterSize)
	}
	return args, nil
}

// bindingKeys is rabbit_stream_utils:binding_keys/1: split on commas, trimmed, no
// empty keys.
func bindingKeys(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

var informationUnit = regexp.MustCompile(`^([0-9]+)(kB|Ki|Mi|Gi|Ti|Pi|KB|MB|GB|TB|PB|kb|ki|mb|gb|tb|pb|Kb|Mb|Gb|Tb|Pb|kiB|KiB|MiB|GiB|TiB|PiB|kib|mib|gib|tib|pib|KIB|MIB|GIB|TIB|PIB|k|K|m|M|g|G|p|P)?$`)

// parseInformationUnit is rabbit_resource_monitor_misc:parse_information_unit/1
// (3.13+): the byte count as the decimal string the CLI sends.
func parseInformationUnit(s string) (string, bool) {
	m := informationUnit.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	n, ok := new(big.Int).SetString(m[1], 10)
	if !ok {
		return "", false
	}
	var mult int64 = 1
	switch strings.ToLower(m[2]) {
	case "ki", "kib":
		mult = 1024
	case "mi", "mib":
		mult = 1024 * 1024
	case "gi", "gib":
		mult = 1024 * 1024 * 1024
	case "ti", "tib":
		mult = 1024 * 1024 * 1024 * 1024
	case "pi", "pib":
		mult = 1024 * 1024 * 1024 * 1024 * 2014 // sic: the broker's factor
	case "k", "kb":
		mult = 1000
	case "m", "mb":
		mult = 1000_000
	case "g", "gb":
		mult = 1000_000_000
	case "tb":
		mult = 1000_000_000_000
	case "p", "pb":
		mult = 1000_000_000_000_000
	}
	return n.Mul(n, big.NewInt(mult)).String(), true
}

var isoDuration = regexp.MustCompile(`^[-+]?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?)?$`)

// parseDuration is rabbit_date_time:parse_duration/1 and the command's
// duration_to_seconds/1 (a year 365 days, a month 30; the sign ignored, fractions of
// a second dropped; "P" alone is 0).
func parseDuration(s string) (int64, bool) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	var total int64
	for i, unit := range []int64{365 * 86400, 30 * 86400, 86400, 3600, 60, 1} {
		if m[i+1] != "" {
			n, err := strconv.ParseInt(m[i+1], 10, 64)
			if err != nil {
				return 0, false
			}
			total += n * unit
		}
	}
	return total, true
}

// add_super_stream: PUT /api/stream/super-streams/{vhost}/{name} (4.1.1+; refused
// before, see compat.ToolCommand).
func newCmdAddSuperStream(f *cmd.Factory) *cobra.Command {
	var o superStreamOptions
	c := &cobra.Command{
		Use:   "add_super_stream <name> [--vhost <vhost>] [--partitions <partitions>] [--binding-keys <binding-keys>]",
		Short: "Add a super stream",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost := args[0], f.Vhost()
			arguments, err := o.validate(c.Flags().Changed)
			if err != nil {
				return err
			}
			body := map[string]any{"arguments": arguments}
			var keys []string
			switch {
			case o.hasBindingKeys || o.hasRoutingKeys:
				keys = bindingKeys(o.bindingKeys + o.routingKeys)
				body["binding-keys"] = strings.Join(keys, ",")
			case o.hasPartitions:
				body["partitions"] = o.partitions
			default:
				body["partitions"] = 3
			}
			return f.Do(c.Context(), "Adding a super stream...", func(ctx context.Context, client *mgmtapi.Client) error {
				if body["binding-keys"] == "" {
					// the CLI makes a super stream of no partitions, which the API refuses
					if err := declareEmptySuperStream(ctx, client, vhost, name); err != nil {
						return superStreamError(ctx, f, client, vhost, err)
					}
				} else if err := client.PutSuperStream(ctx, vhost, name, body); err != nil {
					return superStreamError(ctx, f, client, vhost, err)
				}
				return printText(f, "Super stream "+name+" has been created")
			})
		},
	}
	fl := c.Flags()
	fl.IntVar(&o.partitions, "partitions", 3, "the number of partitions, default is 3. Mutually exclusive with --binding-keys")
	fl.StringVar(&o.bindingKeys, "binding-keys", "", "comma-separated list of binding keys. Mutually exclusive with --partitions")
	fl.StringVar(&o.routingKeys, "routing-keys", "", "the binding keys' old name")
	_ = fl.MarkHidden("routing-keys")
	fl.StringVar(&o.maxLengthBytes, "max-length-bytes", "", "the maximum size of partition streams, example values: 20gb, 500mb")
	fl.StringVar(&o.maxAge, "max-age", "", "the maximum age of partition stream segments, an ISO 8601 duration (PT10M30S, P5DT8H)")
	fl.StringVar(&o.segmentSize, "stream-max-segment-size-bytes", "", "the maximum size of partition stream segments, example values: 500mb, 1gb")
	fl.StringVar(&o.leaderLocator, "leader-locator", "", "leader locator strategy for partition streams: client-local, balanced")
	fl.IntVar(&o.initialClusterSize, "initial-cluster-size", 0, "the initial cluster size of partition streams")
	return c
}

// declareEmptySuperStream is what the CLI does for --binding-keys with no key: the
// super stream's exchange alone (rabbit_stream_manager:create_super_stream/6 with no
// partitions).
func declareEmptySuperStream(ctx context.Context, client *mgmtapi.Client, vhost, name string) error {
	if _, err := client.GetVhost(ctx, vhost); err != nil {
		return err
	}
	_, err := client.GetExchange(ctx, vhost, name)
	if err == nil {
		return cmd.SoftwareError(`{:reference_already_exists, ~c"there is already an exchange named ` + name + `"}`)
	} else if !cmd.IsNotFound(err) {
		return err
	}
	return client.DeclareExchange(ctx, vhost, name, mgmtapi.ExchangeSettings{Type: "direct", Durable: true,
		Arguments: map[string]any{"x-super-stream": true}})
}

var maxPartitions = regexp.MustCompile(`^The (?:partition number|number of binding keys) must not exceed (\d+)$`)

// superStreamError is the CLI's {error, Reason} (70) for the API's refusal: a missing
// vhost (the API answers 401 or 404 for it), the plugin missing (404), the handler's
// own checks, or the manager's error term.
func superStreamError(ctx context.Context, f *cmd.Factory, client *mgmtapi.Client, vhost string, err error) error {
	status, reason, api := cmd.APIReason(err)
	if !api {
		return err
	}
	if status == 401 || status == 403 || status == 404 {
		if _, verr := client.GetVhost(ctx, vhost); cmd.IsNotFound(verr) {
			return cmd.SoftwareError("{:no_such_vhost, " + cmd.ElixirString(vhost) + "}")
		}
		if status == 404 {
			return f.PluginMissing("add_super_stream", streamPlugin)
		}
		return err
	}
	if status != 400 {
		return err
	}
	if m := maxPartitions.FindStringSubmatch(reason); m != nil {
		return cmd.SoftwareError(`{:validation_failed, {~c"The partition number must not exceed ` + m[1] + `"}}`)
	}
	return cmd.SoftwareError(cliErrorText(reason))
}

func isAPIError(err error) bool {
	var ae *mgmtapi.APIError
	return errors.As(err, &ae)
}

// printText prints the CLI's {ok, Text}: the text, or a JSON string.
func printText(f *cmd.Factory, text string) error {
	if f.Format() == output.JSON {
		return f.PrintJSON(text)
	}
	return f.PrintLines(text)
}

// delete_super_stream: rabbit_stream_manager:delete_super_stream/3 over HTTP. Its
// partitions are the streams bound from the exchange named after the super stream,
// in their x-stream-partition-order; it deletes the exchange, then each partition,
// going on past any failure (which the broker only logs). Like the broker, it does
// not check that the exchange is a super stream's (x-super-stream): the real tool
// deletes any exchange and the streams bound from it (obs-4.3.6).
func newCmdDeleteSuperStream(f *cmd.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "delete_super_stream <name> [--vhost <vhost>]",
		Short: "Delete a super stream",
		Args:  cmd.Exact(1),
		RunE: func(c *cobra.Command, args []string) error {
			name, vhost := args[0], f.Vhost()
			banner := "Deleting a super stream (experimental feature)..."
			if ok, err := f.Has(c.Context(), compat.SuperStreamsNotExperimental); err != nil {
				return err
			} else if ok {
				banner = "Deleting a super stream..."
			}
			return f.Do(c.Context(), banner, func(ctx context.Context, client *mgmtapi.Client) error {
				partitions, err := superStreamPartitions(ctx, client, vhost, name)
				if err != nil {
					return err
				}
				if err := client.DeleteExchange(ctx, vhost, name, false); err != nil && !isAPIError(err) {
					return err
				}
				for _, p := range partitions {
					if err := client.DeleteQueue(ctx, vhost, p, false, false); err != nil && !isAPIError(err) {
						return err
					}
				}
				return printText(f, "Super stream "+name+" has been deleted")
			})
		},
	}
}

// superStreamPartitions is rabbit_stream_manager's super_stream_partitions/2: the
// stream queues bound from the exchange, ordered by x-stream-partition-order
// (bindings without one last); a missing exchange is stream_not_found (70).
func superStreamPartitions(ctx context.Context, client *mgmtapi.Client, vhost, name string) ([]string, error) {
	if _, err := client.GetExchange(ctx, vhost, name); cmd.IsNotFound(err) {
		return nil, cmd.SoftwareError("stream_not_found")
	} else if err != nil {
		return nil, err
	}
	bindings, err := client.ExchangeSourceBindings(ctx, vhost, name)
	if err != nil {
		return nil, err
	}
	type partition struct {
		queue    string
		order    int64
		hasOrder bool
	}
	var parts []partition
	isStream := map[string]bool{}
	for _, b := range bindings {
		q := cmd.TermText(b.Get("destination"))
		if b.Get("destination_type") != "queue" {
			continue
		}
		if _, seen := isStream[q]; !seen {
			it, err := client.GetQueue(ctx, vhost, q, mgmtapi.ListQuery{Columns: []string{"name", "type"}, DisableStats: true})
			if err != nil && !cmd.IsNotFound(err) {
				return nil, err
			}
			isStream[q] = err == nil && it.Get("type") == "stream"
		}
		if !isStream[q] {
			continue
		}
		p := partition{queue: q}
		if v := b.Get("arguments.x-stream-partition-order"); v != nil {
			if n, err := strconv.ParseInt(cmd.TermText(v), 10, 64); err == nil {
				p.order, p.hasOrder = n, true
			}
		}
		parts = append(parts, p)
	}
	// lists:sort/2 is a stable merge sort
	sort.SliceStable(parts, func(i, j int) bool {
		a, b := parts[i], parts[j]
		return a.hasOrder && (!b.hasOrder || a.order < b.order)
	})
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p.queue
	}
	return out, nil
}
