// Package integration tests rmqctl against a real RabbitMQ: effects are checked over
// AMQP with amqp091-go, and outputs against the real rabbitmqctl on the same broker.
package integration

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/cmd"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/rmqctl/rmqctl/output"
	"github.com/stretchr/testify/require"
)

// rmq runs rmqctl in-process against the test broker as guest.
func rmq(t *testing.T, b *brokertest.Broker, stdin string, args ...string) brokertest.Result {
	t.Helper()
	return rmqEnv(t, b, nil, stdin, args...)
}

func rmqEnv(t *testing.T, b *brokertest.Broker, env map[string]string, stdin string, args ...string) brokertest.Result {
	t.Helper()
	e := map[string]string{"RMQCTL_URL": b.URL, "HOME": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	ios, in, out, errOut := output.Test()
	in.WriteString(stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := cmd.Main(ctx, args, ios, func(k string) (string, bool) { v, ok := e[k]; return v, ok })
	return brokertest.Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// mustRmq runs rmqctl and fails the test unless it exits 0.
func mustRmq(t *testing.T, b *brokertest.Broker, args ...string) string {
	t.Helper()
	r := rmq(t, b, "", args...)
	require.Equal(t, 0, r.Code, "rmqctl %v: %s", args, r.Stderr)
	return r.Stdout
}

// cleanup deletes users and vhosts a test made, whatever happened.
func cleanupUser(t *testing.T, b *brokertest.Broker, name string) {
	t.Cleanup(func() { rmq(t, b, "", "delete_user", name) })
}

func cleanupVhost(t *testing.T, b *brokertest.Broker, name string) {
	t.Cleanup(func() { rmq(t, b, "", "delete_vhost", name) })
}

// publishAndConsume proves a user can use a vhost: it declares a queue, publishes a
// message with confirms and gets it back.
func publishAndConsume(b *brokertest.Broker, user, password, vhost, body string) error {
	conn, ch, err := confirmChannel(b, user, password, vhost)
	if err != nil {
		return err
	}
	defer conn.Close()
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", q.Name, true, false, amqp.Publishing{Body: []byte(body)})
	if err != nil {
		return err
	}
	if ok, err := conf.WaitContext(ctx); err != nil || !ok {
		return errors.Join(errors.New("publish not confirmed"), err)
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		return err
	}
	select {
	case d := <-deliveries:
		if string(d.Body) != body {
			return errors.New("received " + string(d.Body))
		}
		return nil
	case <-ctx.Done():
		return errors.New("no message received")
	}
}

// confirmChannel logs in as user and opens a channel in confirm mode.
func confirmChannel(b *brokertest.Broker, user, password, vhost string) (*amqp.Connection, *amqp.Channel, error) {
	conn, err := b.Dial(user, password, vhost)
	if err != nil {
		return nil, nil, err
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, ch, nil
}

// amqpCode is the AMQP reply code of err (403 access refused, 530 not allowed, …), or 0.
func amqpCode(err error) int {
	var ae *amqp.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// hashPassword is RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)).
func hashPassword(t *testing.T, password string) string {
	salt := make([]byte, 4)
	_, err := rand.Read(salt)
	require.NoError(t, err)
	sum := sha256.Sum256(append(append([]byte{}, salt...), password...))
	return base64.StdEncoding.EncodeToString(append(salt, sum[:]...))
}

var logNoise = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} \[\w+\] `)

// elixirWarning is a warning the Elixir runtime prints about the CLI's own code (4.3.6's
// check_certificate_expiration: "warning: negative steps are not supported in
// String.slice/2 …"), not part of the command's answer.
var elixirWarning = regexp.MustCompile(`^warning: .* (is deprecated|are not supported)`)

// firstStderrLine is the first meaningful stderr line: the real rabbitmqctl sometimes
// forwards a node log line (after an empty line) before its error.
func firstStderrLine(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" && i+1 < len(lines) && logNoise.MatchString(lines[i+1]) {
			continue
		}
		if logNoise.MatchString(l) || elixirWarning.MatchString(l) {
			continue
		}
		return l
	}
	return ""
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// normalizeRows makes stdout comparable with rows as a set: lines sorted, the JSON
// layout's leading comma dropped, rabbitmqctl's own name replaced by rmqctl's, and
// the bold headings rabbitmqctl prints even into a pipe made plain.
func normalizeRows(s string) []string {
	s = ansi.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "'rabbitmqctl help", "'rmqctl help")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, ",")
	}
	sort.Strings(lines)
	return lines
}
