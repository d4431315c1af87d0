package cmd

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rmqctl/rmqctl/mgmtapi"
	"github.com/rmqctl/rmqctl/output"
	"github.com/spf13/cobra"
)

// PublishOptions are publish's inputs.
type PublishOptions struct {
	F           *Factory
	Exchange    string
	RoutingKey  string
	Payload     string
	PayloadFile string
	Properties  []string
	Headers     []string
	Mandatory   bool
	payloadSet  bool
}

// integer message properties; the others are strings
var intProperties = map[string]bool{"delivery_mode": true, "priority": true, "timestamp": true}

var knownProperties = map[string]bool{"content_type": true, "content_encoding": true, "delivery_mode": true,
	"priority": true, "correlation_id": true, "reply_to": true, "expiration": true, "message_id": true,
	"timestamp": true, "type": true, "user_id": true, "app_id": true, "cluster_id": true}

func newCmdPublish(f *Factory) *cobra.Command {
	o := &PublishOptions{F: f}
	c := &cobra.Command{
		Use:   "publish [--vhost <vhost>] --routing-key <key> [--exchange <exchange>] [--payload <text> | --payload-file <file>] [--property k=v ...] [--header k=v ...] [--mandatory]",
		Short: "Publishes a message through the HTTP API (for tests and smoke checks)",
		Long: `Publishes one message and says whether it was routed to a queue. The payload is
--payload, the contents of --payload-file, or standard input. Properties are AMQP basic
properties (content_type, delivery_mode, priority, correlation_id, reply_to, expiration,
message_id, timestamp, type, user_id, app_id); headers are string-valued. With
--mandatory an unroutable message is an error (exit 65). The default exchange is "".
Not for throughput: use an AMQP client for that.`,
		Example: `  rmqctl publish --routing-key xiaosusu --payload "hello world"
  rmqctl publish -p qa1 --exchange orders --routing-key eu.new --payload-file order.json \
    --property content_type=application/json --property delivery_mode=2 --header source=ci --mandatory`,
		Args: noArgs(),
		RunE: func(c *cobra.Command, _ []string) error {
			if !c.Flags().Changed("routing-key") {
				return usageError("--routing-key is required (\"\" is a valid routing key)")
			}
			o.payloadSet = c.Flags().Changed("payload")
			if o.payloadSet && o.PayloadFile != "" {
				return badArgument("--payload and --payload-file are mutually exclusive")
			}
			return runPublish(c.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Exchange, "exchange", "", "exchange to publish to (default: the default exchange)")
	c.Flags().StringVar(&o.RoutingKey, "routing-key", "", "routing key (for the default exchange: the queue name)")
	c.Flags().StringVar(&o.Payload, "payload", "", "message body")
	c.Flags().StringVar(&o.PayloadFile, "payload-file", "", "read the message body from this file")
	c.Flags().StringArrayVar(&o.Properties, "property", nil, "message property k=v (repeatable)")
	c.Flags().StringArrayVar(&o.Headers, "header", nil, "message header k=v (repeatable)")
	c.Flags().BoolVar(&o.Mandatory, "mandatory", false, "fail (exit 65) when no queue receives the message")
	return c
}

func splitKV(flag, s string) (string, string, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return "", "", badArgument(fmt.Sprintf("%s %q: want key=value", flag, s))
	}
	return k, v, nil
}

// messageProperties builds the properties object from --property and --header.
func (o *PublishOptions) messageProperties() (map[string]any, error) {
	props := map[string]any{}
	for _, p := range o.Properties {
		k, v, err := splitKV("--property", p)
		if err != nil {
			return nil, err
		}
		if !knownProperties[k] {
			return nil, badArgument(fmt.Sprintf("--property %s: unknown property (headers go in --header)", k))
		}
		if intProperties[k] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, badArgument(fmt.Sprintf("--property %s=%s: not an integer", k, v))
			}
			props[k] = n
		} else {
			props[k] = v
		}
	}
	if len(o.Headers) > 0 {
		headers := map[string]any{}
		for _, h := range o.Headers {
			k, v, err := splitKV("--header", h)
			if err != nil {
				return nil, err
			}
			headers[k] = v
		}
		props["headers"] = headers
	}
	return props, nil
}

func (o *PublishOptions) payload() ([]byte, error) {
	switch {
	case o.payloadSet:
		return []byte(o.Payload), nil
	case o.PayloadFile != "":
		b, err := os.ReadFile(o.PayloadFile)
		if err != nil {
			return nil, badArgument(fmt.Sprintf("cannot read --payload-file: %v", err))
		}
		return b, nil
	}
	return io.ReadAll(o.F.IO.In)
}

func runPublish(ctx context.Context, o *PublishOptions) error {
	f := o.F
	props, err := o.messageProperties()
	if err != nil {
		return err
	}
	body, err := o.payload()
	if err != nil {
		return err
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	exchange := o.Exchange
	if exchange == "" {
		exchange = "amq.default"
	}
	f.Banner("Publishing a message to exchange '%s' with routing key '%s' in vhost '%s' ...", exchange, o.RoutingKey, vhost)
	req := mgmtapi.PublishRequest{RoutingKey: o.RoutingKey, Properties: props, Payload: string(body), PayloadEncoding: "string"}
	if !utf8.Valid(body) {
		req.Payload, req.PayloadEncoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	routed, err := client.Publish(ctx, vhost, o.Exchange, req)
	if err != nil {
		var ae *mgmtapi.APIError
		if mgmtapi.IsNotFound(err) {
			return errNotFound(fmt.Sprintf("Exchange '%s' in vhost '%s'", exchange, vhost))
		}
		if errors.As(err, &ae) && ae.Status == 400 {
			return errRefused(ae)
		}
		return err
	}
	if f.format() == output.JSON {
		if err := output.JSONLine(f.Out(), (&output.OrderedObject{}).Set("routed", routed)); err != nil {
			return err
		}
	} else if routed {
		if err := f.printMessage("Message published"); err != nil {
			return err
		}
	} else if err := f.printMessage("Message published but NOT routed"); err != nil {
		return err
	}
	if !routed && o.Mandatory {
		return errNotRouted()
	}
	return nil
}

// GetOptions are get's inputs.
type GetOptions struct {
	F        *Factory
	Queue    string
	Count    int
	AckMode  string
	Encoding string
	Truncate int
}

var ackModes = map[string]string{
	"requeue": "ack_requeue_true", "ack": "ack_requeue_false",
	"reject": "reject_requeue_false", "reject_requeue": "reject_requeue_true",
}

var getColumns = []string{"payload", "payload_encoding", "payload_bytes", "redelivered", "exchange", "routing_key", "message_count", "properties"}

func newCmdGet(f *Factory) *cobra.Command {
	o := &GetOptions{F: f}
	c := &cobra.Command{
		Use:   "get [--vhost <vhost>] <queue> [--count <n>] [--ack-mode <requeue|ack|reject|reject_requeue>] [--encoding <auto|base64>]",
		Short: "Gets messages from a queue through the HTTP API (for tests and diagnostics)",
		Long: `Fetches up to --count messages and prints payload and metadata. --ack-mode requeue
(the default) puts them back, so get is safe to look with; ack removes them; reject
drops them (dead-lettering them if the queue has a dead-letter exchange). With
--encoding auto, payloads that are not valid UTF-8 come back base64-encoded.
Columns: ` + strings.Join(getColumns, ", ") + ".",
		Example: `  rmqctl get xiaosusu
  rmqctl get -p qa1 orders --count 10 --ack-mode ack --formatter json`,
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if _, ok := ackModes[o.AckMode]; !ok {
				return badArgument("--ack-mode must be one of: requeue, ack, reject, reject_requeue")
			}
			if o.Encoding != "auto" && o.Encoding != "base64" {
				return badArgument("--encoding must be auto or base64")
			}
			if o.Count < 1 {
				return badArgument("--count must be at least 1")
			}
			o.Queue = args[0]
			return runGet(c.Context(), o)
		},
	}
	c.Flags().IntVar(&o.Count, "count", 1, "how many messages at most")
	c.Flags().StringVar(&o.AckMode, "ack-mode", "requeue", "requeue, ack, reject or reject_requeue")
	c.Flags().StringVar(&o.Encoding, "encoding", "auto", "payload encoding: auto or base64")
	c.Flags().IntVar(&o.Truncate, "truncate", 0, "truncate payloads to this many bytes")
	return c
}

func runGet(ctx context.Context, o *GetOptions) error {
	f := o.F
	client, err := f.Client()
	if err != nil {
		return err
	}
	vhost := f.Vhost()
	f.Banner("Getting messages from queue '%s' in vhost '%s' ...", o.Queue, vhost)
	ctx, cancel := f.withTimeout(ctx)
	defer cancel()
	rows := f.NewListHeaders(getColumns, true, f.headers())
	err = client.GetMessages(ctx, vhost, o.Queue, mgmtapi.GetRequest{
		Count: o.Count, AckMode: ackModes[o.AckMode], Encoding: o.Encoding, Truncate: o.Truncate,
	}, func(m mgmtapi.Item) error {
		cells := make([]output.Cell, len(getColumns))
		for i, col := range getColumns {
			if col == "properties" {
				v := m.Get(col)
				cells[i] = output.Raw(compactJSON(v), v)
				continue
			}
			cells[i] = field(col)(m)
		}
		return rows.Row(cells...)
	})
	if err != nil {
		var ae *mgmtapi.APIError
		if mgmtapi.IsNotFound(err) {
			return errNotFound(fmt.Sprintf("Queue '%s' in vhost '%s'", o.Queue, vhost))
		}
		if errors.As(err, &ae) && ae.Status == 400 {
			return errRefused(ae)
		}
		return err
	}
	return rows.Close()
}
