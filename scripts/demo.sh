#!/usr/bin/env bash
# The rmqctl demo (`make demo`, after `make build`): start a throwaway broker, create
# user junesu with full permissions on vhost / using rmqctl, then run the RabbitMQ
# primer as junesu over AMQP (examples/primer); then provision examples/shop.yaml
# declaratively (diff, apply, apply again: nothing to do). Stops the broker on exit,
# success or not; exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

BROKER=demo
GO=${GO:-go}

die() { echo "demo: FAILED: $*" >&2; exit 1; }

# show prints a command the way one would type it: arguments with shell-special
# characters are double-quoted.
show() {
  local out="\$" a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:%@=+,-]+$ ]]; then out+=" $a"; else out+=" \"$a\""; fi
  done
  echo "$out"
}

# expect CODE CMD... shows a command and runs it; another exit status ends the demo.
expect() {
  local want=$1 rc=0
  shift
  show "$@"
  "$@" || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "demo: FAILED: exit status $rc (expected $want) from: $*" >&2
    exit 1
  fi
}

# run shows a command, then runs it; a failing command ends the demo.
run() {
  show "$@"
  local rc=0
  "$@" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "demo: FAILED: exit status $rc from: $*" >&2
    exit "$rc"
  fi
}

[ -x bin/rmqctl ] || die "bin/rmqctl is missing: run \`make build\` (or \`make demo\`) first"
# broker.sh waits for the node with rmqctl await_startup, not with sleeps.
export RMQCTL_BIN="$PWD/bin/rmqctl"

echo "demo: building bin/primer"
CGO_ENABLED=0 "$GO" build -o bin/primer ./examples/primer || die "cannot build examples/primer"

# A node left over by an interrupted run would already have junesu: start afresh.
scripts/broker.sh stop "$BROKER"
# Cleanup ignores INT/TERM (and so do its children), so that a second Ctrl-C cannot
# interrupt the stop and leave the node running.
cleanup() {
  local rc=$?
  trap '' INT TERM
  scripts/broker.sh stop "$BROKER" || echo "demo: could not stop broker $BROKER" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "demo: starting a throwaway RabbitMQ node (broker.sh start $BROKER)"
envfile=$(scripts/broker.sh start "$BROKER") || die "broker did not start"
# shellcheck source=/dev/null
source "$envfile"
[ -n "${RMQCTL_TEST_URL:-}" ] && [ -n "${RMQCTL_TEST_AMQP_URL:-}" ] || die "$envfile lacks RMQCTL_TEST_URL/RMQCTL_TEST_AMQP_URL"

# rmqctl talks to the management API as guest; nothing from the caller's
# environment may redirect it.
unset RMQCTL_CONFIG RMQCTL_NODE RMQCTL_VHOST RMQCTL_PASSWORD_FILE RMQCTL_HOST RMQCTL_PORT RMQCTL_TLS
export RMQCTL_URL=$RMQCTL_TEST_URL RMQCTL_USERNAME=guest RMQCTL_PASSWORD=guest
amqp_hostport=${RMQCTL_TEST_AMQP_URL#amqp://}
amqp_hostport=${amqp_hostport%%/*}
echo "demo: node $RMQCTL_TEST_NODE, management API $RMQCTL_URL, AMQP $amqp_hostport"
echo

run bin/rmqctl add_user junesu 123456
run bin/rmqctl set_permissions -p / junesu ".*" ".*" ".*"
run bin/rmqctl list_users
run bin/rmqctl list_permissions

echo
echo "demo: the RabbitMQ primer as junesu over AMQP"
primer_url="amqp://junesu:123456@$amqp_hostport/%2F"
run bin/primer -url "$primer_url" -queue xiaosusu -mode produce -message "hello world"
run bin/primer -url "$primer_url" -queue xiaosusu -mode consume

echo
echo "demo: declarative provisioning of examples/shop.yaml (passwords from the environment)"
export SHOP_APP_PASSWORD="demo-app-$RANDOM$RANDOM" SHOP_MONITOR_PASSWORD="demo-mon-$RANDOM$RANDOM"
expect 2 bin/rmqctl diff -f examples/shop.yaml
run bin/rmqctl apply -f examples/shop.yaml
echo "demo: a second apply finds nothing to do"
run bin/rmqctl apply -f examples/shop.yaml -q
expect 0 bin/rmqctl diff -f examples/shop.yaml
run bin/rmqctl authenticate_user shop-app <<<"$SHOP_APP_PASSWORD"  # the password from stdin, not the command line

echo "demo: done"
