#!/usr/bin/env bash
# Benchmarks behind BENCHMARKS.md, side by side on one throwaway broker:
#   1. list_users: rmqctl vs curl doing the same request vs the real rabbitmqctl;
#   2. list_queues name messages over 20 000 queues (created by the server's own
#      definitions import): rmqctl vs rabbitmqctl vs curl's cheapest request, and the
#      peak RSS of rmqctl list_queues --formatter json with ten columns.
# Needs bin/rmqctl (make build); installs hyperfine and GNU time if missing.
# BENCH_QUEUES overrides the queue count.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null && return 0
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need hyperfine hyperfine
[ -x /usr/bin/time ] || need /usr/bin/time time

env_file=$(scripts/broker.sh start bench)
trap 'scripts/broker.sh stop bench' EXIT
# shellcheck disable=SC1090
source "$env_file"
export RMQCTL_URL=$RMQCTL_TEST_URL
U=$RMQCTL_TEST_URL
out=${BENCH_OUT:-bench-results}
mkdir -p "$out"
ctl="env HOME=$RMQCTL_TEST_HOME $RMQCTL_TEST_RABBITMQCTL -n $RMQCTL_TEST_NODE"

echo "== list_users (202 users)" >&2
for i in $(seq 1 200); do
  curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"password":"pw","tags":["monitoring"]}' "$U/api/users/bench-user-$i"
done
hyperfine -N --warmup 10 --runs 100 --export-json "$out/list_users.json" \
  -n curl "curl -fsS -o /dev/null -u guest:guest $U/api/users" \
  -n rmqctl "bin/rmqctl -q list_users"
hyperfine -N --warmup 2 --runs 15 --export-json "$out/list_users_rabbitmqctl.json" \
  -n rabbitmqctl "$ctl -q list_users" \
  -n rmqctl "bin/rmqctl -q list_users"

n=${BENCH_QUEUES:-20000}
echo "== $n queues through POST /api/definitions" >&2
defs=$(mktemp)
{
  printf '{"vhosts":[{"name":"bench"}],"permissions":[{"user":"guest","vhost":"bench","configure":".*","write":".*","read":".*"}],"queues":['
  for i in $(seq 1 "$n"); do
    [ "$i" = 1 ] || printf ','
    printf '{"name":"q-%05d","vhost":"bench","durable":true,"auto_delete":false,"arguments":{}}' "$i"
  done
  printf ']}'
} >"$defs"
start=$(date +%s)
curl -fsS -u guest:guest -X POST -H 'content-type: application/json' --data-binary "@$defs" "$U/api/definitions"
rm -f "$defs"
echo "import took $(( $(date +%s) - start )) s" >&2
until [ "$(bin/rmqctl -s list_queues -p bench name | wc -l)" -ge "$n" ]; do sleep 1; done

hyperfine -N --warmup 2 --runs 10 --export-json "$out/list_queues.json" \
  -n curl "curl -fsS -o /dev/null -u guest:guest $U/api/queues/bench?columns=name,messages&disable_stats=true&enable_queue_totals=true&sort=" \
  -n rmqctl "bin/rmqctl -q -p bench list_queues name messages" \
  -n rabbitmqctl "$ctl -q -p bench list_queues name messages"
curl -fsS -o /dev/null -w 'curl cheapest answer: %{size_download} bytes\n' -u guest:guest \
  "$U/api/queues/bench?columns=name,messages&disable_stats=true&enable_queue_totals=true&sort=" | tee "$out/list_queues_size.txt"
curl -fsS -o /dev/null -w 'full /api/queues/bench answer: %{size_download} bytes in %{time_total} s\n' -u guest:guest \
  "$U/api/queues/bench" | tee -a "$out/list_queues_size.txt"

cols="name durable auto_delete arguments exclusive messages messages_ready messages_unacknowledged state type"
for fmt in json table; do
  /usr/bin/time -f "%M" -o "$out/rss_$fmt.txt" bin/rmqctl -p bench list_queues $cols --formatter $fmt >/dev/null
  echo "peak RSS of list_queues ($fmt, ten columns): $(cat "$out/rss_$fmt.txt") KiB" | tee -a "$out/rss.txt"
done
