// Command primer reproduces the RabbitMQ primer over AMQP 0-9-1: declare a durable
// queue, publish one message with publisher confirms, consume it with a manual ack.
//
//	go run ./examples/primer -url amqp://junesu:123456@127.0.0.1:5672/%2F
//	go run ./examples/primer -url ... -mode produce
//	go run ./examples/primer -url ... -mode consume
//
// On success it prints ` [x] Sent "..."` and/or ` [x] Received "..."` on stdout;
// on failure (e.g. ACCESS_REFUSED, no message before -timeout) it prints the error
// on stderr and exits 1 (2 for bad flags).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func main() {
	uri := flag.String("url", "amqp://guest:guest@127.0.0.1:5672/%2F", "AMQP URI, including credentials and vhost")
	queue := flag.String("queue", "xiaosusu", "queue to declare, publish to and consume from")
	message := flag.String("message", "hello world", "message body to publish")
	mode := flag.String("mode", "both", "produce, consume or both")
	timeout := flag.Duration("timeout", 10*time.Second, "how long to wait for the connection, the confirm and the message")
	flag.Parse()

	if flag.NArg() > 0 || (*mode != "produce" && *mode != "consume" && *mode != "both") {
		fmt.Fprintln(os.Stderr, "primer: -mode must be produce, consume or both, and no arguments are accepted")
		flag.Usage()
		os.Exit(2)
	}

	if err := run(*uri, *queue, *message, *mode, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "primer: %v\n", err)
		os.Exit(1)
	}
}

func run(uri, queue, message, mode string, timeout time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	conn, err := amqp.DialConfig(uri, amqp.Config{
		Dial:       amqp.DefaultDial(timeout),
		Properties: amqp.Table{"connection_name": "rmqctl-primer"},
	})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(uri), named(err))
	}
	defer conn.Close()

	if mode == "produce" || mode == "both" {
		if err := produce(ctx, conn, queue, message, timeout); err != nil {
			return err
		}
	}
	if mode == "consume" || mode == "both" {
		if err := consume(ctx, conn, queue, timeout); err != nil {
			return err
		}
	}
	return conn.Close()
}

// declare opens a channel and declares the durable queue on it.
func declare(conn *amqp.Connection, queue string) (*amqp.Channel, error) {
	ch, err := conn.Channel()
	if err != nil {
		return nil, fmt.Errorf("open channel: %w", err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		return nil, fmt.Errorf("declare queue %q: %w", queue, err)
	}
	return ch, nil
}

// produce publishes message to queue through the default exchange and waits for
// the broker's confirm.
func produce(ctx context.Context, conn *amqp.Connection, queue, message string, timeout time.Duration) error {
	ch, err := declare(conn, queue)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.Confirm(false); err != nil {
		return fmt.Errorf("enable publisher confirms: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, false, false, amqp.Publishing{
		ContentType:  "text/plain",
		DeliveryMode: amqp.Persistent,
		Body:         []byte(message),
	})
	if err != nil {
		return fmt.Errorf("publish to %q: %w", queue, err)
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		return fmt.Errorf("wait for publisher confirm: %w", err)
	}
	if !acked {
		return fmt.Errorf("broker nacked the message published to %q", queue)
	}
	fmt.Printf(" [x] Sent %q\n", message)
	return ch.Close()
}

// consume waits for one message on queue, prints it and acks it.
func consume(ctx context.Context, conn *amqp.Connection, queue string, timeout time.Duration) error {
	ch, err := declare(conn, queue)
	if err != nil {
		return err
	}
	defer ch.Close()
	if err := ch.Qos(1, 0, false); err != nil {
		return fmt.Errorf("set prefetch: %w", err)
	}
	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume from %q: %w", queue, err)
	}

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case d, ok := <-deliveries:
		if !ok {
			return errors.New("channel closed before a message arrived")
		}
		if err := d.Ack(false); err != nil {
			return fmt.Errorf("ack: %w", err)
		}
		fmt.Printf(" [x] Received %q\n", d.Body)
	case <-timer.C:
		return fmt.Errorf("no message on queue %q within %s", queue, timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
	return ch.Close()
}

// named prefixes the AMQP reply-code name to the reasons amqp091-go makes up
// itself (the broker's own reasons already start with it), so that, e.g., a bad
// password reads "ACCESS_REFUSED - username or password not allowed".
func named(err error) error {
	var e *amqp.Error
	if !errors.As(err, &e) {
		return err
	}
	name := map[int]string{402: "INVALID_PATH", 403: "ACCESS_REFUSED", 530: "NOT_ALLOWED"}[e.Code]
	if name == "" || strings.HasPrefix(e.Reason, name) {
		return err
	}
	c := *e
	c.Reason = name + " - " + e.Reason
	return &c
}

// redact hides the password of an AMQP URI for error messages.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "the AMQP URI"
	}
	return u.Redacted()
}
