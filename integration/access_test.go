package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"github.com/rmqctl/rmqctl/internal/brokertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewUserWithPermissionsPublishesAndConsumes(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("user")
	cleanupUser(t, b, user)

	out := mustRmq(t, b, "add_user", user, "p@ss w0rd")
	assert.True(t, strings.HasPrefix(out, `Adding user "`+user+`" ...`))
	// Without permissions the user is refused access to the vhost.
	err := publishAndConsume(b, user, "p@ss w0rd", "/", "x")
	require.Error(t, err)
	assert.Equal(t, amqp.NotAllowed, amqpCode(err), "%v", err)

	mustRmq(t, b, "set_permissions", "-p", "/", user, ".*", ".*", ".*")
	require.NoError(t, publishAndConsume(b, user, "p@ss w0rd", "/", "hello world"))

	// clear_permissions takes the access away again.
	mustRmq(t, b, "clear_permissions", "-p", "/", user)
	err = publishAndConsume(b, user, "p@ss w0rd", "/", "x")
	assert.Equal(t, amqp.NotAllowed, amqpCode(err), "%v", err)
}

func TestPermissionPatternsAreEnforced(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("reader")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	// May configure and read only queues named "ro-*", and write nowhere.
	mustRmq(t, b, "set_permissions", user, "^ro-", "", "^ro-")
	conn, err := b.Dial(user, "pw", "/")
	require.NoError(t, err)
	defer conn.Close()

	ch, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch.QueueDeclare("ro-"+user, false, true, false, false, nil)
	require.NoError(t, err, "configure on ^ro- is allowed")
	t.Cleanup(func() { rmq(t, b, "", "delete_queue", "ro-"+user, "--if-exists") })

	ch2, err := conn.Channel()
	require.NoError(t, err)
	_, err = ch2.QueueDeclare("rw-"+user, false, true, false, false, nil)
	assert.Equal(t, amqp.AccessRefused, amqpCode(err), "configure elsewhere is refused: %v", err)

	ch3, err := conn.Channel()
	require.NoError(t, err)
	require.NoError(t, ch3.Confirm(false))
	closed := ch3.NotifyClose(make(chan *amqp.Error, 1))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = ch3.PublishWithContext(ctx, "", "ro-"+user, false, false, amqp.Publishing{Body: []byte("x")})
	select {
	case e := <-closed:
		require.NotNil(t, e)
		assert.Equal(t, amqp.AccessRefused, e.Code, "write on the default exchange is refused")
	case <-ctx.Done():
		t.Fatal("publishing without write permission was not refused")
	}
}

func TestChangePasswordOverAMQP(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("chpw")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "old")
	mustRmq(t, b, "set_user_tags", user, "monitoring")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	require.NoError(t, publishAndConsume(b, user, "old", "/", "before"))

	// From stdin, as a script would do it without the password on the command line.
	r := rmq(t, b, "new-secret\n", "change_password", user)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "Changing password for user \""+user+"\" ...\nPassword: \n", r.Stdout)

	_, err := b.Dial(user, "old", "/")
	assert.Error(t, err, "the old password no longer works")
	assert.NoError(t, publishAndConsume(b, user, "new-secret", "/", "after"))
	assert.Contains(t, mustRmq(t, b, "list_users", "-s"), user+"\t[monitoring]\n", "tags survive change_password")

	r = rmq(t, b, "", "authenticate_user", user, "new-secret")
	assert.Equal(t, 0, r.Code, r.Stderr)
	assert.Contains(t, r.Stdout, "Success\n")
	r = rmq(t, b, "", "authenticate_user", user, "old")
	assert.Equal(t, 65, r.Code)
}

func TestSetUserTagsKeepsThePassword(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("tags")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "keepme")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	mustRmq(t, b, "set_user_tags", user, "management", "policymaker")
	assert.Contains(t, mustRmq(t, b, "list_users", "-s"), user+"\t[management, policymaker]\n")
	require.NoError(t, publishAndConsume(b, user, "keepme", "/", "still works"))
	mustRmq(t, b, "set_user_tags", user)
	assert.Contains(t, mustRmq(t, b, "list_users", "-s"), user+"\t[]\n")
	require.NoError(t, publishAndConsume(b, user, "keepme", "/", "still works"))
}

func TestClearPasswordDisablesPasswordLogin(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("clr")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	mustRmq(t, b, "set_user_tags", user, "monitoring")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	require.NoError(t, publishAndConsume(b, user, "pw", "/", "x"))
	mustRmq(t, b, "clear_password", user)
	_, err := b.Dial(user, "pw", "/")
	assert.Error(t, err)
	assert.Contains(t, mustRmq(t, b, "list_users", "-s"), user+"\t[monitoring]\n", "tags survive clear_password")
}

func TestAddUserExistingNeverTouchesPassword(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("dup")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "first")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	r := rmq(t, b, "", "add_user", user, "second")
	assert.Equal(t, 70, r.Code)
	assert.Equal(t, "Error:\nUser \""+user+"\" already exists\n", r.Stderr)
	assert.NoError(t, publishAndConsume(b, user, "first", "/", "x"), "the first password still works")
	_, err := b.Dial(user, "second", "/")
	assert.Error(t, err)
}

func TestPreHashedPasswordAuthenticates(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("hashed")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, hashPassword(t, "s3cret"), "--pre-hashed-password")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	assert.NoError(t, publishAndConsume(b, user, "s3cret", "/", "x"))
}

func TestTopicPermissionsRestrictPublishing(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("topic")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	mustRmq(t, b, "set_permissions", user, ".*", ".*", ".*")
	mustRmq(t, b, "set_topic_permissions", user, "amq.topic", `^allowed\.`, ".*")
	assert.Contains(t, mustRmq(t, b, "list_user_topic_permissions", user), "/\tamq.topic\t^allowed\\.\t.*\n")

	conn, err := b.Dial(user, "pw", "/")
	require.NoError(t, err)
	defer conn.Close()
	publish := func(key string) *amqp.Error {
		ch, err := conn.Channel()
		require.NoError(t, err)
		require.NoError(t, ch.Confirm(false))
		closed := ch.NotifyClose(make(chan *amqp.Error, 1))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "amq.topic", key, false, false, amqp.Publishing{Body: []byte("x")})
		if err != nil {
			return &amqp.Error{Code: -1, Reason: err.Error()}
		}
		select {
		case e := <-closed:
			return e
		case <-conf.Done():
			ch.Close()
			return nil
		case <-ctx.Done():
			t.Fatal("no confirm and no channel close")
		}
		return nil
	}
	assert.Nil(t, publish("allowed.orders"))
	e := publish("forbidden.orders")
	require.NotNil(t, e, "publishing outside the topic permission must be refused")
	assert.Equal(t, amqp.AccessRefused, e.Code)

	mustRmq(t, b, "clear_topic_permissions", user, "amq.topic")
	assert.Nil(t, publish("forbidden.orders"), "no topic permission left: anything goes")
}

func TestVhostsWithAwkwardNames(t *testing.T) {
	b := brokertest.Require(t)
	user := brokertest.Name("vh")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	suffix := strings.TrimPrefix(brokertest.Name(""), "-")
	for _, vhost := range []string{"rabbit/hole-" + suffix, "a b " + suffix, "café-вход-" + suffix, "hash#" + suffix} {
		t.Run(vhost, func(t *testing.T) {
			cleanupVhost(t, b, vhost)
			mustRmq(t, b, "add_vhost", vhost, "--description", "awkward", "--tags", "x,y")
			assert.Contains(t, mustRmq(t, b, "list_vhosts", "-s", "name", "description", "tags"), vhost+"\tawkward\t[x, y]\n")
			mustRmq(t, b, "set_permissions", "-p", vhost, user, ".*", ".*", ".*")
			assert.Equal(t, vhost+"\t.*\t.*\t.*\n", mustRmq(t, b, "list_user_permissions", "-s", user))
			require.NoError(t, publishAndConsume(b, user, "pw", vhost, "in "+vhost))
			mustRmq(t, b, "clear_permissions", "-p", vhost, user)
			mustRmq(t, b, "delete_vhost", vhost)
			_, err := b.Dial(user, "pw", vhost)
			assert.Error(t, err, "the vhost is gone")
			r := rmq(t, b, "", "delete_vhost", vhost)
			assert.Equal(t, 65, r.Code)
		})
	}
}

func TestSetVhostTagsKeepsDescriptionAndQueueType(t *testing.T) {
	b := brokertest.Require(t)
	vhost := brokertest.Name("qq")
	cleanupVhost(t, b, vhost)
	mustRmq(t, b, "add_vhost", vhost, "--description", "Quorum vhost", "--default-queue-type", "quorum")
	mustRmq(t, b, "set_vhost_tags", vhost, "prod", "eu")
	assert.Contains(t, mustRmq(t, b, "list_vhosts", "-s", "name", "description", "tags", "default_queue_type"),
		vhost+"\tQuorum vhost\t[prod, eu]\tquorum\n")
	// add_vhost on an existing vhost changes nothing.
	mustRmq(t, b, "add_vhost", vhost, "--description", "other")
	assert.Contains(t, mustRmq(t, b, "list_vhosts", "-s", "name", "description"), vhost+"\tQuorum vhost\n")
}

func TestWrongCredentialsAndMissingTag(t *testing.T) {
	b := brokertest.Require(t)
	r := rmqEnv(t, b, map[string]string{"RMQCTL_PASSWORD": "wrong"}, "", "list_users")
	assert.Equal(t, 77, r.Code)
	assert.Contains(t, r.Stderr, `authentication failed for user "guest"`)

	user := brokertest.Name("mgmt")
	cleanupUser(t, b, user)
	mustRmq(t, b, "add_user", user, "pw")
	mustRmq(t, b, "set_user_tags", user, "management")
	r = rmqEnv(t, b, map[string]string{"RMQCTL_USERNAME": user, "RMQCTL_PASSWORD": "pw"}, "", "add_user", brokertest.Name("x"), "y")
	assert.Equal(t, 77, r.Code)
	assert.Contains(t, r.Stderr, "needs the administrator tag")
}
