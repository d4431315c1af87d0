package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/rmqctl/rmqctl/compat"
	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// parseArguments reads an --arguments JSON object.
func parseArguments(flag, raw string) (map[string]any, error) {
	args := map[string]any{}
	if raw == "" {
		return args, nil
	}
	bad := func(why string) error {
		return badArgument(fmt.Sprintf("%s must be a JSON object, e.g. '{\"x-max-length\":10}': %s", flag, why))
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&args); err != nil {
		return nil, bad(err.Error())
	}
	if args == nil {
		return nil, bad("got null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("unexpected data after the object")
	}
	return args, nil
}

// declareError maps the answer to a declaration: the server's reason for an
// inequivalent or invalid declaration (exit 65), a missing vhost (65).
func declareError(vhost string, err error) error {
	var ae *mgmtapi.APIError
	switch {
	case mgmtapi.IsNotFound(err):
		return errVhostNotFoundBare(vhost)
	case errors.As(err, &ae) && ae.Status == 400:
		return errRefused(ae)
	}
	return err
}

// queueArgFlags are shorthand flags for common x- queue arguments.
type queueArgFlags struct {
	maxLength, maxLengthBytes, messageTTL, expires, maxPriority, deliveryLimit int64
	deadLetterExchange, deadLetterRoutingKey, overflow, maxAge, leaderLocator  string
	singleActiveConsumer                                                       bool
}

func (q *queueArgFlags) add(fs *pflag.FlagSet) {
	fs.Int64Var(&q.maxLength, "max-length", 0, "x-max-length: maximum number of ready messages")
	fs.Int64Var(&q.maxLengthBytes, "max-length-bytes", 0, "x-max-length-bytes: maximum total size of ready messages")
	fs.Int64Var(&q.messageTTL, "message-ttl", 0, "x-message-ttl: message time to live in ms")
	fs.Int64Var(&q.expires, "expires", 0, "x-expires: delete the queue after this many ms unused")
	fs.Int64Var(&q.maxPriority, "max-priority", 0, "x-max-priority: enable priorities up to this value (classic)")
	fs.Int64Var(&q.deliveryLimit, "delivery-limit", 0, "x-delivery-limit: redeliveries before dead-lettering (quorum)")
	fs.StringVar(&q.deadLetterExchange, "dead-letter-exchange", "", "x-dead-letter-exchange")
	fs.StringVar(&q.deadLetterRoutingKey, "dead-letter-routing-key", "", "x-dead-letter-routing-key")
	fs.StringVar(&q.overflow, "overflow", "", "x-overflow: drop-head, reject-publish or reject-publish-dlx")
	fs.StringVar(&q.maxAge, "max-age", "", "x-max-age: stream retention, e.g. 7D or 12h")
	fs.StringVar(&q.leaderLocator, "leader-locator", "", "x-queue-leader-locator: client-local or balanced")
	fs.BoolVar(&q.singleActiveConsumer, "single-active-consumer", false, "x-single-active-consumer")
}

// apply copies the flags that were given into args.
func (q *queueArgFlags) apply(fs *pflag.FlagSet, args map[string]any) {
	ints := map[string]struct {
		flag string
		v    int64
	}{
		"x-max-length": {"max-length", q.maxLength}, "x-max-length-bytes": {"max-length-bytes", q.maxLengthBytes},
		"x-message-ttl": {"message-ttl", q.messageTTL}, "x-expires": {"expires", q.expires},
		"x-max-priority": {"max-priority", q.maxPriority}, "x-delivery-limit": {"delivery-limit", q.deliveryLimit},
	}
	for arg, f := range ints {
		if fs.Changed(f.flag) {
			args[arg] = f.v
		}
	}
	strs := map[string]struct{ flag, v string }{
		"x-dead-letter-exchange": {"dead-letter-exchange", q.deadLetterExchange}, "x-dead-letter-routing-key": {"dead-letter-routing-key", q.deadLetterRoutingKey},
		"x-overflow": {"overflow", q.overflow}, "x-max-age": {"max-age", q.maxAge}, "x-queue-leader-locator": {"leader-locator", q.leaderLocator},
	}
	for arg, f := range strs {
		if fs.Changed(f.flag) {
			args[arg] = f.v
		}
	}
	if fs.Changed("single-active-consumer") {
		args["x-single-active-consumer"] = q.singleActiveConsumer
	}
}

// DeclareQueueOptions are declare_queue's inputs.
type DeclareQueueOptions struct {
	F    *Factory
	Name string
	mgmtapi.QueueSettings
}

func newCmdDeclareQueue(f *Factory) *cobra.Command {
	o := &DeclareQueueOptions{F: f}
	var qtype, rawArgs string
	var shorthand queueArgFlags
	c := &cobra.Command{
		Use:   "declare_queue [--vhost <vhost>] <name> [--type <classic|quorum|stream>] [--durable=false] [--auto-delete] [--arguments <json>]",
		Short: "Declares a queue (HTTP only; rabbitmqctl has no equivalent)",
		Long: `Declares a queue. Queues are durable unless --durable=false. Re-declaring a queue with
the same properties succeeds and changes nothing; different properties fail with the
server's reason (exit 65). Common x- arguments have shorthand flags; any other goes in
--arguments as a JSON object.`,
		Example: `  rmqctl declare_queue xiaosusu
  rmqctl declare_queue -p qa1 orders --type quorum --delivery-limit 5 --dead-letter-exchange dlx
  rmqctl declare_queue events --type stream --max-age 7D
  rmqctl declare_queue tmp --durable=false --auto-delete --arguments '{"x-expires":60000}'`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] == "" {
				return badArgument("queue name cannot be an empty string")
			}
			o.Name = args[0]
			a, err := parseArguments("--arguments", rawArgs)
			if err != nil {
				return err
			}
			shorthand.apply(c.Flags(), a)
			if c.Flags().Changed("type") {
				if !contains(queueTypes, qtype) {
					return badArgument("queue type must be one of: classic, quorum, stream. Provided: " + qtype)
				}
				if t, ok := a["x-queue-type"]; ok && t != qtype {
					return badArgument(fmt.Sprintf("--type %s contradicts x-queue-type %v in --arguments", qtype, t))
				}
				a["x-queue-type"] = qtype
			}
			o.Arguments = a
			return runDeclareQueue(c.Context(), o)
		},
	}
	c.Flags().StringVar(&qtype, "type", "", "queue type: classic, quorum or stream (default: the vhost's default)")
	c.Flags().BoolVar(&o.Durable, "durable", true, "survive a broker restart")
	c.Flags().BoolVar(&o.AutoDelete, "auto-delete", false, "delete when the last consumer unsubscribes")
	c.Flags().StringVar(&rawArgs, "arguments", "", "queue arguments as a JSON object")
	shorthand.add(c.Flags())
	return c
}

func runDeclareQueue(ctx context.Context, o *DeclareQueueOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("Declaring queue '%s' in vhost '%s' ...", o.Name, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.DeclareQueue(ctx, vhost, o.Name, o.QueueSettings); err != nil {
		return declareError(vhost, err)
	}
	return f.printDone()
}

// DeleteQueueOptions are delete_queue's inputs.
type DeleteQueueOptions struct {
	F                          *Factory
	Name                       string
	IfEmpty, IfUnused, IfExist bool
}

func newCmdDeleteQueue(f *Factory) *cobra.Command {
	o := &DeleteQueueOptions{F: f}
	c := &cobra.Command{
		Use:   "delete_queue <queue_name> [--if-empty|-e] [--if-unused|-u] [--if-exists] [--timeout <timeout>]",
		Short: "Deletes a queue",
		Long: `Deletes a queue and reports how many ready messages it held. --if-empty and
--if-unused refuse to delete a queue with messages or consumers. --if-exists makes a
missing queue a success, for idempotent scripts.`,
		Example: `  rmqctl delete_queue xiaosusu
  rmqctl delete_queue -p qa1 orders --if-empty --if-exists`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] == "" {
				return badArgument("queue name cannot be an empty string")
			}
			o.Name = args[0]
			return runDeleteQueue(c.Context(), o)
		},
	}
	c.Flags().BoolVarP(&o.IfEmpty, "if-empty", "e", false, "delete only if the queue has no messages")
	c.Flags().BoolVarP(&o.IfUnused, "if-unused", "u", false, "delete only if the queue has no consumers")
	c.Flags().BoolVar(&o.IfExist, "if-exists", false, "a missing queue is not an error")
	return c
}

func runDeleteQueue(ctx context.Context, o *DeleteQueueOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	var conds []string
	if o.IfEmpty {
		conds = append(conds, "if queue is empty ")
	}
	if o.IfUnused {
		conds = append(conds, "if queue is unused ")
	}
	f.Banner("Deleting queue '%s' on vhost '%s' %s...", o.Name, vhost, strings.Join(conds, "and "))
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	notFound := func() error {
		if o.IfExist {
			return f.printDone()
		}
		if ok, err := f.has(ctx, compat.NoSuchQueueWording); err != nil || ok {
			return firstErr(err, &cliError{code: exitUsage, msg: "No such queue was found"})
		}
		return errQueueNotFound()
	}
	// refused is an --if-empty/--if-unused refusal as the release prints it.
	refused := func(what string, old error) error {
		if ok, err := f.has(ctx, compat.DeleteQueuePreconditionTerm); err != nil || !ok {
			return firstErr(err, old)
		}
		return genericError(fmt.Sprintf("{:amqp_error, :precondition_failed, ~c\"queue '%s' in vhost '%s' %s\", :none}", o.Name, vhost, what))
	}
	// The DELETE answers no count: read it first, as rabbitmqctl reports it.
	q, err := queueTotals(ctx, client, vhost, o.Name)
	if mgmtapi.IsNotFound(err) {
		return notFound()
	} else if err != nil {
		return err
	}
	if err := client.DeleteQueue(ctx, vhost, o.Name, o.IfEmpty, o.IfUnused); err != nil {
		var ae *mgmtapi.APIError
		switch {
		case mgmtapi.IsNotFound(err):
			return notFound()
		case errors.As(err, &ae) && ae.Status == 400 && strings.HasSuffix(ae.Reason, "not empty"):
			return refused("not empty", errQueueNotEmpty())
		case errors.As(err, &ae) && ae.Status == 400 && strings.HasSuffix(ae.Reason, "in use"):
			return refused("in use", errQueueInUse())
		}
		return err
	}
	return f.printMessage(fmt.Sprintf("Queue was successfully deleted with %s ready messages", termTextOr(q.Get("messages_ready"), "0")))
}

// queueTotals reads one queue's current message counters: the queue list without
// statistics answers from the queue itself (the statistics lag by seconds), filtered
// by the server to this name. A missing queue is a 404 *APIError.
func queueTotals(ctx context.Context, c *mgmtapi.Client, vhost, name string) (mgmtapi.Item, error) {
	var found mgmtapi.Item
	_, err := c.ListQueues(ctx, vhost, mgmtapi.ListQuery{
		Columns: []string{"name", "type", "messages", "messages_ready", "messages_unacknowledged"}, DisableStats: true, QueueTotals: true,
		Page: 1, PageSize: 500, Name: "^" + regexp.QuoteMeta(name) + "$", Regex: true,
	}, func(it mgmtapi.Item) error {
		if it.Get("name") == name { // the server's filter ignores case
			found = it
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, &mgmtapi.APIError{Method: "GET", Path: mgmtapi.Path("queues", vhost, name), Status: 404, Kind: "Object Not Found", Reason: "Not Found"}
	}
	return found, nil
}

func termTextOr(v any, def string) string {
	if s := termText(v); s != "" {
		return s
	}
	return def
}

// PurgeQueueOptions are purge_queue's inputs.
type PurgeQueueOptions struct {
	F       *Factory
	Name    string
	IfExist bool
}

func newCmdPurgeQueue(f *Factory) *cobra.Command {
	o := &PurgeQueueOptions{F: f}
	c := &cobra.Command{
		Use:     "purge_queue <queue> [--if-exists] [--timeout <timeout>]",
		Short:   "Purges a queue (removes all messages in it)",
		Example: "  rmqctl purge_queue -p qa1 orders",
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] == "" {
				return badArgument("queue name cannot be an empty string")
			}
			o.Name = args[0]
			return runPurgeQueue(c.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.IfExist, "if-exists", false, "a missing queue is not an error")
	return c
}

func runPurgeQueue(ctx context.Context, o *PurgeQueueOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("Purging queue '%s' in vhost '%s' ...", o.Name, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	if err := client.PurgeQueue(ctx, vhost, o.Name); err != nil {
		var ae *mgmtapi.APIError
		switch {
		case mgmtapi.IsNotFound(err) && o.IfExist:
		case mgmtapi.IsNotFound(err):
			return f.notFoundError(ctx)
		case errors.As(err, &ae) && ae.Status == 400 && strings.Contains(ae.Reason, "not supported"):
			return genericError("not_supported") // streams cannot be purged
		default:
			return err
		}
	}
	return f.printDone()
}
