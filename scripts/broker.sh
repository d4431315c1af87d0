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
# RMQCTL_BROKER_VERSION picks the RabbitMQ release (for `prepare`/`start`/`cluster`):
#   3.10 (default)  Debian bookworm's rabbitmq-server 3.10.8, installed on this machine
#   4.0             Debian trixie's 4.0.5, in a debootstrap chroot
#   4.3             Debian sid's 4.3.6, in a debootstrap chroot
# The chroots need a newer libc than bookworm's; they are made once (debootstrap, then
# apt-get install rabbitmq-server) and cached outside the checkout in
# $RMQCTL_CHROOT_CACHE (default /var/cache/rmqctl/chroots), which takes root. A node
# in a chroot listens on the shared loopback like any other; the broker directory is
# bind-mounted at the same path inside, so every path below means the same inside and
# out. `scripts/broker.sh chroot VERSION` only makes (or checks) the chroot.
# RMQCTL_BROKER_EXTRA_CONF holds extra rabbitmq.conf lines for `prepare`/`start`;
# RMQCTL_BROKER_PLUGINS, comma-separated plugins to enable besides the management one.
# The env file exports:
#   RMQCTL_TEST_URL        http://127.0.0.1:<management port>
#   RMQCTL_TEST_AMQP_URL   amqp://127.0.0.1:<amqp port>
#   RMQCTL_TEST_NODE       <NAME>@localhost
#   RMQCTL_TEST_HOME       the HOME to give the real rabbitmqctl (cookie)
#   RMQCTL_TEST_RABBITMQCTL  path of the real rabbitmqctl (a wrapper in $dir/bin)
#   RMQCTL_TEST_TOOLS      directory of wrappers for that release's real CLI tools:
#                          rabbitmqctl, rabbitmq-diagnostics, -queues, -upgrade,
#                          -plugins, -streams (where the release has it)
#   RMQCTL_TEST_RABBITMQADMIN_V1  rabbitmqadmin v1 (python3), the release's own where it
#                          ships one, else the last one Debian shipped (4.0.5's)
#   RMQCTL_TEST_VERSION    the broker's full version, e.g. 4.3.6
set -euo pipefail

RABBIT_BIN=/usr/lib/rabbitmq/bin
ROOT=${RMQCTL_BROKER_DIR:-/tmp/rmqctl-brokers}
CHROOTS=${RMQCTL_CHROOT_CACHE:-/var/cache/rmqctl/chroots}
action=${1:-}
name=${2:-rmqctl}
dir=$ROOT/$name
node=$name@localhost

die() { echo "broker.sh: $*" >&2; exit 1; }

sudo_cmd() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# suite_of VERSION: the Debian suite whose rabbitmq-server is that release ("" = this
# machine's own).
suite_of() {
  case "$1" in
    3.10 | 3.10.*) echo "" ;;
    4.0 | 4.0.*) echo trixie ;;
    4.3 | 4.3.*) echo sid ;;
    *) die "unsupported RMQCTL_BROKER_VERSION '$1' (use 3.10, 4.0 or 4.3)" ;;
  esac
}

install_rabbitmq() {
  [ -x "$RABBIT_BIN/rabbitmq-server" ] && return 0
  echo "broker.sh: installing Debian's rabbitmq-server ..." >&2
  sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # policy-rc.d may refuse to start the system service; we never use it anyway.
  sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >&2 || true
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || die "rabbitmq-server could not be installed"
}

# mount_chroot DIR: /proc, /dev, /tmp and the broker root inside the chroot
# (idempotent). /tmp is shared so that files a test makes there (TLS certificates,
# definitions) are at the same path for the node.
mount_chroot() {
  local c=$1
  mkdir -p "$c$ROOT" "$ROOT"
  mountpoint -q "$c/proc" || sudo_cmd mount -t proc proc "$c/proc"
  mountpoint -q "$c/dev" || sudo_cmd mount --bind /dev "$c/dev"
  mountpoint -q "$c/tmp" || sudo_cmd mount --bind /tmp "$c/tmp"
  case "$ROOT/" in
    /tmp/*) ;;
    *) mountpoint -q "$c$ROOT" || sudo_cmd mount --bind "$ROOT" "$c$ROOT" ;;
  esac
}

# ensure_chroot SUITE: make the cached chroot holding that suite's rabbitmq-server once
# (debootstrap about a minute, the install under one more); later calls only mount.
# A lock keeps parallel starts (a cluster) from building it twice; a half-made chroot
# is never used: it is built under another name and renamed when complete.
ensure_chroot() {
  local suite=$1 c="$CHROOTS/$1"
  mkdir -p "$CHROOTS"
  exec 9>"$CHROOTS/.$suite.lock"
  flock 9
  if [ ! -f "$c/.rmqctl-ready" ]; then
    command -v debootstrap >/dev/null || {
      echo "broker.sh: installing debootstrap ..." >&2
      sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2 ||
        { sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
          sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
    }
    local tmp="$c.partial" mirror=${RMQCTL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
    [ -d "$tmp" ] && { umount_chroot "$tmp"; rm -rf "$tmp"; }
    echo "broker.sh: creating the $suite chroot in $c (debootstrap) ..." >&2
    sudo_cmd debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$CHROOTS/$suite.debootstrap.log" 2>&1 ||
      die "debootstrap $suite failed (see $CHROOTS/$suite.debootstrap.log)"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$tmp/etc/hosts"
    cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
    # The archive's sid Release file can be older than this machine's clock.
    echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99rmqctl"
    mount_chroot "$tmp"
    echo "broker.sh: installing rabbitmq-server in the $suite chroot ..." >&2
    sudo_cmd chroot "$tmp" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server ca-certificates' \
      >"$CHROOTS/$suite.install.log" 2>&1 || die "installing rabbitmq-server in the $suite chroot failed (see $CHROOTS/$suite.install.log)"
    umount_chroot "$tmp"
    touch "$tmp/.rmqctl-ready"
    rm -rf "$c"
    mv "$tmp" "$c"
  fi
  mount_chroot "$c"
  flock -u 9
}

umount_chroot() {
  local m
  for m in "$1$ROOT" "$1/tmp" "$1/dev" "$1/proc"; do
    mountpoint -q "$m" && sudo_cmd umount -l "$m"
  done
  return 0
}

# The release this node runs: its chroot ("" for this machine's own rabbitmq-server).
# Fixed by `prepare` in $dir/release so that later actions need no environment.
chroot_dir=""
load_release() {
  chroot_dir=""
  if [ -f "$dir/release" ]; then
    # shellcheck disable=SC1091
    . "$dir/release"
  fi
  if [ -n "$chroot_dir" ]; then mount_chroot "$chroot_dir"; fi
}

# in_release CMD...: run CMD in the node's release (inside its chroot, if it has one),
# with the node's private HOME.
in_release() {
  if [ -n "$chroot_dir" ]; then
    chroot "$chroot_dir" /usr/bin/env HOME="$home" LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
  else
    env HOME="$home" "$@"
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a loopback port nobody listens on, below the kernel's ephemeral range
# (a client socket that happens to hold the port would make the node's listen fail),
# and not handed to another node of ours that may not be listening yet.
free_port() {
  local p lo=10000 hi=32000 first
  if read -r first _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && [ "$first" -gt $((lo + 2000)) ]; then
    hi=$((first - 1))
  fi
  for _ in $(seq 1 200); do
    p=$(( lo + RANDOM % (hi - lo) ))
    if port_free "$p" && ! grep -qsx "$p" "$dir/.ports" && ! cat "$ROOT"/*/ports 2>/dev/null | grep -qx "[a-z]*=$p"; then
      echo "$p" >>"$dir/.ports"; echo "$p"; return 0
    fi
  done
  die "no free port found"
}

home=${RMQCTL_BROKER_HOME:-$dir/home}

ctl() { in_release "$RABBIT_BIN/rabbitmqctl" -n "$node" "$@"; }

# write_tools: wrappers in $dir/bin that run this release's real CLI tools, so tests
# call them by path whatever the release. HOME is the caller's (tests pass the node's).
write_tools() {
  local t
  mkdir -p "$dir/bin"
  for t in rabbitmqctl rabbitmq-diagnostics rabbitmq-queues rabbitmq-upgrade rabbitmq-plugins rabbitmq-streams; do
    if [ -n "$chroot_dir" ]; then
      [ -x "$chroot_dir$RABBIT_BIN/$t" ] || continue
      cat >"$dir/bin/$t" <<WRAP
#!/bin/sh
exec chroot '$chroot_dir' /usr/bin/env HOME="\${HOME:-$home}" LANG=C.UTF-8 LC_ALL=C.UTF-8 '$RABBIT_BIN/$t' "\$@"
WRAP
    else
      [ -x "$RABBIT_BIN/$t" ] || continue
      printf '#!/bin/sh\nexec %s "$@"\n' "'$RABBIT_BIN/$t'" >"$dir/bin/$t"
    fi
    chmod +x "$dir/bin/$t"
  done
  # rabbitmqadmin v1: the release's own where Debian ships it (bookworm's 3.10.8,
  # trixie's 4.0.5), else trixie's, the last one Debian shipped, if its chroot exists.
  local v1=""
  if [ -z "$chroot_dir" ] && [ -f /usr/bin/rabbitmqadmin ]; then
    v1=/usr/bin/rabbitmqadmin
  elif [ -n "$chroot_dir" ] && head -c 64 "$chroot_dir/usr/bin/rabbitmqadmin" 2>/dev/null | grep -q python; then
    v1=$chroot_dir/usr/bin/rabbitmqadmin
  elif [ -f "$CHROOTS/trixie/.rmqctl-ready" ]; then
    v1=$CHROOTS/trixie/usr/bin/rabbitmqadmin
  elif [ -f /usr/bin/rabbitmqadmin ]; then
    v1=/usr/bin/rabbitmqadmin
  fi
  if [ -n "$v1" ]; then
    cp "$v1" "$dir/bin/rabbitmqadmin-v1"
    chmod +x "$dir/bin/rabbitmqadmin-v1"
  fi
}

prepare() {
  local version=${RMQCTL_BROKER_VERSION:-3.10} suite
  suite=$(suite_of "$version")
  rm -rf "$dir"
  if [ -n "$suite" ]; then
    ensure_chroot "$suite"
    chroot_dir=$CHROOTS/$suite
  else
    install_rabbitmq
    chroot_dir=""
  fi
  mkdir -p "$home" "$dir/mnesia" "$dir/log"
  echo "chroot_dir='$chroot_dir'" >"$dir/release"
  local full
  full=$(in_release dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null | sed 's/-.*//')
  [ -n "$full" ] || die "no rabbitmq-server package found for version $version"
  write_tools
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
export RMQCTL_TEST_RABBITMQCTL=$dir/bin/rabbitmqctl
export RMQCTL_TEST_TOOLS=$dir/bin
export RMQCTL_TEST_RABBITMQADMIN_V1=$( [ -x "$dir/bin/rabbitmqadmin-v1" ] && echo "$dir/bin/rabbitmqadmin-v1" )
export RMQCTL_TEST_VERSION=$full
ENV
  echo "$dir/env"
}

boot() {
  [ -f "$dir/ports" ] || die "node $name is not prepared"
  load_release
  # shellcheck disable=SC1091
  . "$dir/ports"
  in_release RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$amqp" \
    RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_PID_FILE="$dir/pid" \
    "$RABBIT_BIN/rabbitmq-server" -detached >"$dir/log/startup.log" 2>&1 ||
    die "rabbitmq-server failed to start (see $dir/log)"
  # rmqctl's own await_startup waits for the management API and the node's vhosts
  # (RMQCTL_BIN, set by `make test` and `make demo`, which build it first).
  if [ -n "${RMQCTL_BIN:-}" ] && [ -x "$RMQCTL_BIN" ]; then
    RMQCTL_URL="http://127.0.0.1:$mgmt" RMQCTL_CONFIG="" "$RMQCTL_BIN" await_startup -t 180 &
    local waiter=$! rc=0
    # A node that dies while booting leaves a crash dump: stop waiting for it.
    while kill -0 "$waiter" 2>/dev/null; do
      if [ -f "$dir/log/erl_crash.dump" ]; then
        kill "$waiter" 2>/dev/null || true
        wait "$waiter" 2>/dev/null || true
        if grep -q eaddrinuse "$dir/log/erl_crash.dump"; then return 3; fi
        head -n 3 "$dir/log/erl_crash.dump" >&2
        die "node $node crashed while booting (see $dir/log)"
      fi
      sleep 0.2
    done
    wait "$waiter" || rc=$?
    if [ "$rc" != 0 ]; then
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
  if [ -f "$dir/env" ]; then
    load_release
    if ctl ping >/dev/null 2>&1; then
      echo "$dir/env"; return 0
    fi
  fi
  # A port taken between choosing it and the node's listen (another program's) makes
  # the node crash with eaddrinuse: choose new ports and boot again.
  local try rc
  for try in 1 2 3; do
    prepare >/dev/null
    rc=0
    boot || rc=$?
    [ "$rc" = 3 ] || return "$rc"
    echo "broker.sh: a port of $node was taken meanwhile; choosing others (try $try)" >&2
  done
  die "node $node could not get free ports"
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
export RMQCTL_TEST_RABBITMQCTL=$ROOT/$name-1/bin/rabbitmqctl
export RMQCTL_TEST_TOOLS=$ROOT/$name-1/bin
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
  load_release
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
  ctl) shift 2; load_release; ctl "$@" ;;
  chroot)
    suite=$(suite_of "$name")
    [ -n "$suite" ] || die "release $name runs on this machine, without a chroot"
    ensure_chroot "$suite"
    echo "$CHROOTS/$suite" ;;
  *) die "usage: $0 start|stop|kill|env|ctl|cluster|stop-cluster|chroot [NAME] [ARGS...]" ;;
esac
