#!/usr/bin/env bash
# Throwaway RabbitMQ nodes for rmqctl's demo and tests.
#
#   scripts/broker.sh start [NAME]   install rabbitmq-server if missing, start node NAME
#                                    (default "rmqctl") on free loopback ports, wait until
#                                    the management API answers, print its env file path
#   scripts/broker.sh prepare NAME   only choose ports and write the env file (no start)
#   scripts/broker.sh boot NAME      start a prepared node and wait for it
#   scripts/broker.sh stop  [NAME]   stop the node and delete its data
#   scripts/broker.sh kill NAME      kill node NAME hard (kill -9, as a crash or power loss
#                                    would), wait until it is gone and epmd has forgotten
#                                    it; its data stays, so `boot NAME` starts it again
#                                    with its vhosts, users and durable queues
#   scripts/broker.sh env   [NAME]   print the env file (RMQCTL_TEST_* variables)
#   scripts/broker.sh ctl NAME ARGS  run the real rabbitmqctl against node NAME
#   scripts/broker.sh cluster NAME N start N nodes NAME-1..NAME-N sharing one Erlang
#                                    cookie and join them into one cluster; prints the
#                                    path of an env file with RMQCTL_TEST_CLUSTER_* lists
#   scripts/broker.sh stop-cluster NAME N
#
# Everything lives under $RMQCTL_BROKER_DIR (default /tmp/rmqctl-brokers/NAME): mnesia,
# logs, config, and a private HOME holding the Erlang cookie (shared by a cluster's
# nodes: $RMQCTL_BROKER_HOME), so nodes never touch the system's /var/lib/rabbitmq.
# RMQCTL_BROKER_EXTRA_CONF holds extra rabbitmq.conf lines for `prepare`/`start`;
# RMQCTL_BROKER_PLUGINS, comma-separated plugins to enable besides the management one.
# The env file exports:
#   RMQCTL_TEST_URL        http://127.0.0.1:<management port>
#   RMQCTL_TEST_AMQP_URL   amqp://127.0.0.1:<amqp port>
#   RMQCTL_TEST_NODE       <NAME>@localhost
#   RMQCTL_TEST_HOME       the HOME to give the real rabbitmqctl (cookie)
#   RMQCTL_TEST_RABBITMQCTL  path of the real rabbitmqctl
set -euo pipefail

RABBIT_BIN=/usr/lib/rabbitmq/bin
ROOT=${RMQCTL_BROKER_DIR:-/tmp/rmqctl-brokers}
action=${1:-}
name=${2:-rmqctl}
dir=$ROOT/$name
node=$name@localhost

die() { echo "broker.sh: $*" >&2; exit 1; }

install_rabbitmq() {
  [ -x "$RABBIT_BIN/rabbitmq-server" ] && return 0
  echo "broker.sh: installing Debian's rabbitmq-server ..." >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # policy-rc.d may refuse to start the system service; we never use it anyway.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >&2 || true
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || die "rabbitmq-server could not be installed"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    if port_free "$p" && ! grep -qx "$p" "$dir/.ports" 2>/dev/null; then
      echo "$p" >>"$dir/.ports"; echo "$p"; return 0
    fi
  done
  die "no free port found"
}

home=${RMQCTL_BROKER_HOME:-$dir/home}

ctl() { HOME="$home" "$RABBIT_BIN/rabbitmqctl" -n "$node" "$@"; }

prepare() {
  install_rabbitmq
  rm -rf "$dir"
  mkdir -p "$home" "$dir/mnesia" "$dir/log"
  local amqp dist mgmt
  amqp=$(free_port); dist=$(free_port); mgmt=$(free_port)
  echo "[rabbitmq_management${RMQCTL_BROKER_PLUGINS:+,$RMQCTL_BROKER_PLUGINS}]." >"$dir/enabled_plugins"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp
management.tcp.port = $mgmt
management.tcp.ip = 127.0.0.1
loopback_users = none
log.console = false
log.file.level = warning
CONF
  # Extra rabbitmq.conf lines (e.g. a TLS management listener for the TLS tests).
  if [ -n "${RMQCTL_BROKER_EXTRA_CONF:-}" ]; then
    printf '%s\n' "$RMQCTL_BROKER_EXTRA_CONF" >>"$dir/rabbitmq.conf"
  fi
  cat >"$dir/ports" <<PORTS
amqp=$amqp
dist=$dist
mgmt=$mgmt
PORTS
  cat >"$dir/env" <<ENV
export RMQCTL_TEST_URL=http://127.0.0.1:$mgmt
export RMQCTL_TEST_AMQP_URL=amqp://127.0.0.1:$amqp
export RMQCTL_TEST_NODE=$node
export RMQCTL_TEST_HOME=$home
export RMQCTL_TEST_RABBITMQCTL=$RABBIT_BIN/rabbitmqctl
ENV
  echo "$dir/env"
}

boot() {
  [ -f "$dir/ports" ] || die "node $name is not prepared"
  # shellcheck disable=SC1091
  . "$dir/ports"
  (
    export HOME="$home" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$amqp" \
      RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
      RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
      RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_PID_FILE="$dir/pid"
    "$RABBIT_BIN/rabbitmq-server" -detached >"$dir/log/startup.log" 2>&1
  ) || die "rabbitmq-server failed to start (see $dir/log)"
  # rmqctl's own await_startup waits for the management API and the node's vhosts
  # (RMQCTL_BIN, set by `make test` and `make demo`, which build it first).
  if [ -n "${RMQCTL_BIN:-}" ] && [ -x "$RMQCTL_BIN" ]; then
    if ! RMQCTL_URL="http://127.0.0.1:$mgmt" RMQCTL_CONFIG="" "$RMQCTL_BIN" await_startup -t 180; then
      tail -n 20 "$dir/log/"*.log >&2 || true
      die "node $node did not start"
    fi
    echo "$dir/env"
    return 0
  fi
  # Without rmqctl: the node registers with epmd a moment after -detached returns;
  # until then rabbitmqctl's await_startup fails at once, so poll both it and the API.
  local deadline=$((SECONDS + 180))
  until ctl -t 60 await_startup >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$dir/log/"*.log >&2 || true
      die "node $node did not start"
    fi
    sleep 0.5
  done
  until curl -fsS -o /dev/null -u guest:guest "http://127.0.0.1:$mgmt/api/overview" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && die "management API of $node did not answer on port $mgmt"
    sleep 0.3
  done
  echo "$dir/env"
}

start() {
  if [ -f "$dir/env" ] && ctl ping >/dev/null 2>&1; then
    echo "$dir/env"; return 0
  fi
  prepare >/dev/null
  boot
}

cluster() {
  local n=${1:-3} i first urls="" amqps="" nodes=""
  export RMQCTL_BROKER_HOME="$ROOT/$name.home"
  rm -rf "$RMQCTL_BROKER_HOME"
  first="$name-1@localhost"
  for i in $(seq 1 "$n"); do
    "$0" start "$name-$i" >/dev/null
    # shellcheck disable=SC1090
    . "$ROOT/$name-$i/env"
    urls="$urls${urls:+,}$RMQCTL_TEST_URL"
    amqps="$amqps${amqps:+,}$RMQCTL_TEST_AMQP_URL"
    nodes="$nodes${nodes:+,}$RMQCTL_TEST_NODE"
    if [ "$i" -gt 1 ]; then
      "$0" ctl "$name-$i" stop_app >>"$ROOT/$name.cluster.log" 2>&1
      "$0" ctl "$name-$i" reset >>"$ROOT/$name.cluster.log" 2>&1
      "$0" ctl "$name-$i" join_cluster "$first" >>"$ROOT/$name.cluster.log" 2>&1
      "$0" ctl "$name-$i" start_app >>"$ROOT/$name.cluster.log" 2>&1
    fi
  done
  cat >"$ROOT/$name.cluster.env" <<ENV
export RMQCTL_TEST_CLUSTER_URLS=$urls
export RMQCTL_TEST_CLUSTER_AMQP_URLS=$amqps
export RMQCTL_TEST_CLUSTER_NODES=$nodes
export RMQCTL_TEST_CLUSTER_HOME=$RMQCTL_BROKER_HOME
export RMQCTL_TEST_RABBITMQCTL=$RABBIT_BIN/rabbitmqctl
ENV
  echo "$ROOT/$name.cluster.env"
}

stop_cluster() {
  local n=${1:-3} i
  export RMQCTL_BROKER_HOME="$ROOT/$name.home"
  for i in $(seq "$n" -1 1); do "$0" stop "$name-$i"; done
  rm -rf "$RMQCTL_BROKER_HOME" "$ROOT/$name.cluster.env" "$ROOT/$name.cluster.log"
}

stop() {
  [ -d "$dir" ] || return 0
  ctl stop >/dev/null 2>&1 || true
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
  rm -rf "$dir"
}

# beam_alive PID: the process exists and is not a zombie (this machine's init may be
# slow to reap the orphans of a killed node).
beam_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

kill_node() {
  [ -f "$dir/ports" ] || die "node $name is not prepared"
  local pid="" deadline=$((SECONDS + 60))
  [ -f "$dir/pid" ] && pid=$(cat "$dir/pid")
  if [ -n "$pid" ] && beam_alive "$pid"; then
    # Only the node's own beam.smp: a stale pid file may name a reused pid.
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = beam.smp ] &&
      tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "RABBITMQ_PID_FILE=$dir/pid"; then
      kill -9 "$pid" 2>/dev/null || true
      while beam_alive "$pid"; do
        [ $SECONDS -ge $deadline ] && die "node $node (pid $pid) survived kill -9"
        sleep 0.1
      done
    fi
  fi
  rm -f "$dir/pid"
  # epmd drops the name when the node's connection to it closes, a moment after the
  # process is gone; until then a new node of that name would refuse to start.
  while epmd -names 2>/dev/null | grep -q "^name $name at port "; do
    [ $SECONDS -ge $deadline ] && die "epmd still lists $name after kill"
    sleep 0.1
  done
}

case "$action" in
  start) start ;;
  prepare) prepare ;;
  boot) boot ;;
  cluster) cluster "${3:-3}" ;;
  stop-cluster) stop_cluster "${3:-3}" ;;
  stop) stop ;;
  kill) kill_node ;;
  env) cat "$dir/env" ;;
  ctl) shift 2; ctl "$@" ;;
  *) die "usage: $0 start|stop|kill|env|ctl [NAME] [ARGS...]" ;;
esac
