package integration

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seed's scenario, on every release: rmqctl creates a user and grants it a vhost;
// as that user, over AMQP, a transient queue xiaosusu is declared, "hello world" is
// published to it and consumed; rmqctl and the real rabbitmqctl list the queue alike.
func TestSeedScenario(t *testing.T) {
	b := brokertest.RequireRabbitmqctl(t)
	user, vhost := brokertest.Name("junesu"), brokertest.Name("seed")
	cleanupUser(t, b, user)
	cleanupVhost(t, b, vhost)
	mustRmq(t, b, "add_vhost", vhost)
	out := mustRmq(t, b, "add_user", user, "123456")
	assert.Equal(t, `Adding user "`+user+`" ...`+"\nDone. Don't forget to grant the user permissions to some virtual hosts! See 'rmqctl help set_permissions' to learn more.\n", out)
	out = mustRmq(t, b, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
	assert.Equal(t, `Setting permissions for user "`+user+`" in vhost "`+vhost+`" ...`+"\n", out)

	conn, err := b.Dial(user, "123456", vhost)
	require.NoError(t, err, "the new user logs in with its password")
	defer conn.Close()
	ch, err := conn.Channel()
	require.NoError(t, err)
	// transient: not durable, not exclusive, not auto-delete
	_, err = ch.QueueDeclare("xiaosusu", false, false, false, false, nil)
	require.NoError(t, err)
	require.NoError(t, ch.Confirm(false))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", "xiaosusu", true, false, amqp.Publishing{Body: []byte("hello world")})
	require.NoError(t, err)
	ok, err := conf.WaitContext(ctx)
	require.NoError(t, err)
	require.True(t, ok, "the broker confirmed the message")

	brokertest.Eventually(t, 15*time.Second, func() error {
		want := b.Ctl(t, "", "list_queues", "-p", vhost, "name", "messages", "durable")
		got := rmq(t, b, "", "-n", b.Node, "list_queues", "-p", vhost, "name", "messages", "durable")
		if got.Stdout != want.Stdout || got.Code != want.Code {
			return errorf("rabbitmqctl:\n%s\nrmqctl:\n%s", want.Stdout, got.Stdout)
		}
		if !assert.ObjectsAreEqual(lines(got.Stdout)[len(lines(got.Stdout))-1], "xiaosusu\t1\tfalse") {
			return errorf("list_queues: %q", got.Stdout)
		}
		return nil
	})

	deliveries, err := ch.Consume("xiaosusu", "", false, false, false, false, nil)
	require.NoError(t, err)
	select {
	case d := <-deliveries:
		assert.Equal(t, "hello world", string(d.Body))
		require.NoError(t, d.Ack(false))
	case <-time.After(10 * time.Second):
		t.Fatal("nothing consumed from xiaosusu")
	}
	brokertest.Eventually(t, 15*time.Second, func() error {
		if got := mustRmq(t, b, "list_queues", "-p", vhost, "-s", "name", "messages"); got != "xiaosusu\t0\n" {
			return errorf("after consuming: %q", got)
		}
		return nil
	})
}
