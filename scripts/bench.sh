#!/usr/bin/env bash
# Benchmarks behind BENCHMARKS.md: rmqctl list_users against curl doing the same
# request and against the real rabbitmqctl, side by side on one throwaway broker.
# Needs bin/rmqctl (make build); installs hyperfine from Debian's packages if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >&2
fi
env_file=$(scripts/broker.sh start bench)
trap 'scripts/broker.sh stop bench' EXIT
# shellcheck disable=SC1090
source "$env_file"
export RMQCTL_URL=$RMQCTL_TEST_URL

# A realistic user table: 200 users with tags.
for i in $(seq 1 200); do
  curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"password":"pw","tags":["monitoring"]}' "$RMQCTL_TEST_URL/api/users/bench-user-$i"
done

out=${BENCH_OUT:-bench-results}
mkdir -p "$out"
ctl="env HOME=$RMQCTL_TEST_HOME $RMQCTL_TEST_RABBITMQCTL -n $RMQCTL_TEST_NODE"
hyperfine -N --warmup 10 --runs 100 --export-markdown "$out/list_users.md" --export-json "$out/list_users.json" \
  -n curl "curl -fsS -o /dev/null -u guest:guest $RMQCTL_TEST_URL/api/users" \
  -n rmqctl "bin/rmqctl -q list_users" 
hyperfine -N --warmup 2 --runs 15 --export-markdown "$out/list_users_rabbitmqctl.md" --export-json "$out/list_users_rabbitmqctl.json" \
  -n rabbitmqctl "$ctl -q list_users" \
  -n rmqctl "bin/rmqctl -q list_users"
