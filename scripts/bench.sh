#!/usr/bin/env bash
# Benchmarks behind BENCHMARKS.md, side by side on one throwaway broker:
#   1. apply: rmqctl apply of one definitions document (1 000 users with their
#      password hashes, 1 000 permissions, 1 000 durable queues in one vhost) to an
#      empty broker vs the server's own POST /api/definitions import of the same
#      document; then a second apply of it (nothing to change) and its requests;
#   2. list_users: rmqctl vs curl doing the same request vs the real rabbitmqctl;
#   3. list_queues name messages over 20 000 queues (created by the server's own
#      definitions import): rmqctl vs rabbitmqctl vs curl's cheapest request, and the
#      peak RSS of rmqctl list_queues --formatter json with ten columns.
#   4. scoped: a no-op apply of a 1 000-queue file on a broker holding only that
#      file's vhost, then on the same broker once another vhost holds 20 000 queues;
#      each with its requests (apply reads the file's vhosts only);
#   5. admin: rabbitmqadmin v1 command lines, rmqctl as rabbitmqadmin vs curl doing
#      the same request vs the real v1 script (scripts/bench_admin.sh);
#   6. version: the cost of learning the broker's version (GET /api/version, or on
#      3.x GET /api/overview trimmed to rabbitmq_version) beside 20 000 queues, asked vs
#      pinned (runs with 2 and 3).
# Needs bin/rmqctl (make build) and python3; installs hyperfine and GNU time if missing.
# BENCH_ONLY=apply runs only 1, BENCH_ONLY=lists only 2, 3 and 6, BENCH_ONLY=scoped only
# 4, BENCH_ONLY=admin only 5; unset, everything runs. BENCH_APPLY_N overrides the object
# count of 1 (1 000 of each kind), BENCH_QUEUES the queue count of 3 and of the other
# vhost of 4, BENCH_OUT the output directory (bench-results), BENCH_NODE the broker's
# node name (bench); BENCH_BASELINE_BIN, another rmqctl binary timed beside bin/rmqctl
# in 4 (an older build, for comparison). RMQCTL_BROKER_VERSION picks the release
# (scripts/broker.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

only=${BENCH_ONLY:-}
case $only in
  "" | apply | lists | scoped | admin) ;;
  *) echo "bench.sh: BENCH_ONLY is apply, lists, scoped or admin, not \"$only\"" >&2; exit 64 ;;
esac

need() {
  command -v "$1" >/dev/null && return 0
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need hyperfine hyperfine
[ "$only" = lists ] || need python3 python3
[ -x /usr/bin/time ] || need /usr/bin/time time

work=$(mktemp -d)
node=${BENCH_NODE:-bench}
env_file=$(scripts/broker.sh start "$node")
trap 'rm -rf "$work"; scripts/broker.sh stop "$node"' EXIT
# shellcheck disable=SC1090
source "$env_file"
export RMQCTL_URL=$RMQCTL_TEST_URL
U=$RMQCTL_TEST_URL
out=${BENCH_OUT:-bench-results}
mkdir -p "$out"
ctl="env HOME=$RMQCTL_TEST_HOME $RMQCTL_TEST_RABBITMQCTL -n $RMQCTL_TEST_NODE"

if [ "$only" = "" ] || [ "$only" = apply ]; then
  # First, while the broker is empty (the timings of 1 do not depend on it since apply
  # reads only the file's vhosts, but the broker's own work does).
  an=${BENCH_APPLY_N:-1000}
  echo "== apply of $an users, $an permissions, $an queues vs POST /api/definitions" >&2
  defs=$work/apply-defs.json
  # One definitions document for both sides. Passwords are password_hash values of
  # rabbit_password_hashing_sha256: base64(4-byte salt ++ sha256(salt ++ password));
  # the salt is the user's number, so the document is the same from run to run.
  python3 - "$an" >"$defs" <<'PY'
import base64, hashlib, json, struct, sys
n, vhost = int(sys.argv[1]), "bench-apply"
def password_hash(i):
    salt = struct.pack(">I", i)
    return base64.b64encode(salt + hashlib.sha256(salt + b"pw-%d" % i).digest()).decode()
users = ["bench-apply-%04d" % i for i in range(1, n + 1)]
json.dump({
    "vhosts": [{"name": vhost}],
    "users": [{"name": u, "password_hash": password_hash(i),
               "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}
              for i, u in enumerate(users, 1)],
    "permissions": [{"user": u, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}
                    for u in users],
    "queues": [{"name": "q-%04d" % i, "vhost": vhost, "durable": True, "auto_delete": False,
                "arguments": {}} for i in range(1, n + 1)],
}, sys.stdout)
PY
  # hyperfine's --prepare: back to an empty broker before every run (the vhost with
  # its queues and permissions, then the users in one bulk-delete), then 2 s for the
  # broker to settle. Not timed.
  reset=$work/apply-reset.sh
  cat >"$reset" <<'RESET'
set -euo pipefail
code=$(curl -sS -o /dev/null -w '%{http_code}' -u guest:guest -X DELETE "$RMQCTL_URL/api/vhosts/bench-apply")
case $code in 204 | 404) ;; *) echo "DELETE vhost: HTTP $code" >&2; exit 1 ;; esac
users=$(curl -fsS -u guest:guest "$RMQCTL_URL/api/users?columns=name" |
  { grep -o '"name":"bench-apply-[0-9]*"' || true; } | sed 's/^"name"://' | paste -sd, -)
if [ -n "$users" ]; then
  curl -fsS -o /dev/null -u guest:guest -X POST -H 'content-type: application/json' \
    --data-binary "{\"users\":[$users]}" "$RMQCTL_URL/api/users/bulk-delete"
fi
sleep 2
RESET
  import=(curl -fsS -o /dev/null -u guest:guest -X POST -H 'content-type: application/json'
    --data-binary "@$defs" "$U/api/definitions")
  import_cmd="curl -fsS -o /dev/null -u guest:guest -X POST -H 'content-type: application/json' --data-binary @$defs $U/api/definitions"
  counts() {
    printf '%s queues, %s users, %s permissions in vhost bench-apply' \
      "$(bin/rmqctl -s -p bench-apply list_queues name | wc -l)" \
      "$(bin/rmqctl -s list_users | { grep -c '^bench-apply-' || true; })" \
      "$(bin/rmqctl -s -p bench-apply list_permissions | wc -l)"
  }

  # Untimed checks: the import is done when POST /api/definitions answers (counted at
  # once), it leaves what apply would (diff finds nothing), the hashes are right.
  {
    bash "$reset"
    t0=$(date +%s%N)
    "${import[@]}"
    t1=$(date +%s%N)
    echo "import: answered after $(( (t1 - t0) / 1000000 )) ms; right after: $(counts)"
    if bin/rmqctl -s diff -f "$defs" >/dev/null; then
      echo "diff after the import: no changes"
    else
      echo "WARNING: diff after the import finds changes"
    fi
    bash "$reset"
    t0=$(date +%s%N)
    bin/rmqctl -s apply -f "$defs"
    t1=$(date +%s%N)
    echo "apply: exit 0 after $(( (t1 - t0) / 1000000 )) ms; right after: $(counts)"
    if scripts/broker.sh ctl "$node" authenticate_user bench-apply-0001 pw-1 >/dev/null 2>&1; then
      echo "rabbitmqctl authenticate_user bench-apply-0001 pw-1: success"
    else
      echo "WARNING: bench-apply-0001 cannot authenticate with pw-1"
    fi
    echo "load average before the timed runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/apply_check.txt" >&2

  # 1. From an empty broker: the import and apply at three concurrencies (8 is the
  #    default), each run after --prepare. hyperfine runs one command's runs in a row,
  #    so three rounds of 5 runs each (15 in all per command, merged in the summary)
  #    keep a change in the machine's load from favouring one side.
  for round in 1 2 3; do
    hyperfine -N --warmup 1 --runs 5 --prepare "bash $reset" --export-json "$out/apply_round$round.json" \
      -n import "$import_cmd" \
      -n apply "bin/rmqctl -s apply -f $defs" \
      -n "apply --concurrency 4" "bin/rmqctl -s apply --concurrency 4 -f $defs" \
      -n "apply --concurrency 16" "bin/rmqctl -s apply --concurrency 16 -f $defs"
  done

  # 2. A second apply of the same file: the broker already matches it (no prepare).
  #    The import of unchanged content, for comparison.
  bash "$reset"
  bin/rmqctl -s apply -f "$defs"
  hyperfine -N --warmup 3 --runs 30 --export-json "$out/apply_second.json" \
    -n "second apply" "bin/rmqctl -s apply -f $defs" \
    -n "import again" "$import_cmd"

  # Its requests: --verbose logs each one as a line "> METHOD URL ..." on stderr.
  bin/rmqctl --verbose -s apply -f "$defs" 2>"$out/apply_second_verbose.txt"
  reqs=$(grep -c '^> ' "$out/apply_second_verbose.txt" || true)
  writes=$(grep -cE '^> (PUT|POST|DELETE|PATCH) ' "$out/apply_second_verbose.txt" || true)
  {
    echo "second apply: $reqs requests, $writes writes"
    grep '^> ' "$out/apply_second_verbose.txt" | cut -d' ' -f2,3
    echo "load average after the timed runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/apply_second_requests.txt" >&2
  [ "$writes" = 0 ] || echo "WARNING: the second apply sent $writes writes" >&2

  python3 - "$out"/apply_round[123].json "$out/apply_second.json" <<'PY' | tee "$out/apply_summary.txt"
import json, statistics, sys
times = {}  # command -> wall times (s) of all its runs, rounds merged
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
med = {c: statistics.median(t) for c, t in times.items()}
print("| command | runs | median | mean ± σ | min |\n|---|---:|---:|---:|---:|")
for c, t in times.items():
    print("| %s | %d | %.0f ms | %.0f ± %.0f ms | %.0f ms |" % (c, len(t), med[c] * 1000,
          statistics.mean(t) * 1000, statistics.stdev(t) * 1000, min(t) * 1000))
for c in ("apply", "apply --concurrency 4", "apply --concurrency 16"):
    print("%s / import: %.2f× (median), %.2f× (mean)" % (c, med[c] / med["import"],
          statistics.mean(times[c]) / statistics.mean(times["import"])))
PY
  bash "$reset" # the list_users section counts on the broker's own users only
fi

if [ "$only" = "" ] || [ "$only" = scoped ]; then
  qn=${BENCH_QUEUES:-20000}
  echo "== no-op apply of 1 000 queues: alone on the broker, then beside $qn queues in another vhost" >&2
  sfile=$work/scoped.json
  python3 - >"$sfile" <<'PY'
import json, sys
vhost = "bench-scoped"
json.dump({"vhosts": [{"name": vhost}],
           "queues": [{"name": "q-%04d" % i, "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": {}} for i in range(1, 1001)]}, sys.stdout)
PY
  bin/rmqctl -s apply -f "$sfile"
  cmds=(-n apply "bin/rmqctl -s apply -f $sfile")
  if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
    cmds+=(-n "apply (baseline)" "$BENCH_BASELINE_BIN -s apply -f $sfile")
  fi
  # requests of one run, from --verbose's "> METHOD URL" lines
  scoped_requests() {
    "$1" --verbose -s apply -f "$sfile" 2>"$work/verbose.txt"
    echo "$2: $(grep -c '^> ' "$work/verbose.txt") requests, $(grep -cE '^> (PUT|POST|DELETE) ' "$work/verbose.txt" || true) writes"
    grep '^> ' "$work/verbose.txt" | cut -d' ' -f2,3 | sed 's/^/  /'
  }
  {
    echo "broker: RabbitMQ $RMQCTL_TEST_VERSION; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    scoped_requests bin/rmqctl "alone, apply"
    [ -z "${BENCH_BASELINE_BIN:-}" ] || scoped_requests "$BENCH_BASELINE_BIN" "alone, baseline"
  } | tee "$out/scoped_requests.txt" >&2
  hyperfine -N --warmup 3 --runs 30 --export-json "$out/scoped_alone.json" "${cmds[@]}"

  # the other vhost's queues, by the server's own import; wait until all are there
  odefs=$work/other.json
  python3 - "$qn" >"$odefs" <<'PY'
import json, sys
n, vhost = int(sys.argv[1]), "bench-other"
json.dump({"vhosts": [{"name": vhost}],
           "permissions": [{"user": "guest", "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}],
           "queues": [{"name": "q-%05d" % i, "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": {}} for i in range(1, n + 1)]}, sys.stdout)
PY
  start=$(date +%s)
  curl -fsS -u guest:guest -X POST -H 'content-type: application/json' --data-binary "@$odefs" "$U/api/definitions"
  until [ "$(bin/rmqctl -s list_queues -p bench-other name | wc -l)" -ge "$qn" ]; do sleep 1; done
  echo "import of $qn queues took $(( $(date +%s) - start )) s" >&2
  {
    echo "beside $qn queues; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    scoped_requests bin/rmqctl "beside, apply"
    [ -z "${BENCH_BASELINE_BIN:-}" ] || scoped_requests "$BENCH_BASELINE_BIN" "beside, baseline"
  } | tee -a "$out/scoped_requests.txt" >&2
  hyperfine -N --warmup 3 --runs 30 --export-json "$out/scoped_beside.json" "${cmds[@]}"

  python3 - "$out/scoped_alone.json" "$out/scoped_beside.json" <<'PY' | tee "$out/scoped_summary.txt"
import json, statistics, sys
alone, beside = ({r["command"]: r["times"] for r in json.load(open(f))["results"]} for f in sys.argv[1:])
print("| command | broker | runs | median | mean ± σ | max |\n|---|---|---:|---:|---:|---:|")
for label, res in (("1 000 queues alone", alone), ("+ 20 000 in another vhost", beside)):
    for c, t in res.items():
        print("| %s | %s | %d | %.0f ms | %.0f ± %.0f ms | %.0f ms |" % (c, label, len(t), statistics.median(t) * 1000,
              statistics.mean(t) * 1000, statistics.stdev(t) * 1000, max(t) * 1000))
for c in alone:
    print("%s: beside / alone = %.2f× (median)" % (c, statistics.median(beside[c]) / statistics.median(alone[c])))
PY
  # the later sections want the broker without them (deleting 20 000 queues can
  # outlast the HTTP request; the deletion goes on)
  for v in bench-other bench-scoped; do
    curl -fsS -o /dev/null -u guest:guest -X DELETE "$U/api/vhosts/$v" || echo "DELETE vhost $v did not answer" >&2
  done
fi
if [ "$only" = "" ] || [ "$only" = admin ]; then
  # shellcheck source=scripts/bench_admin.sh
  source scripts/bench_admin.sh
fi
if [ "$only" = apply ] || [ "$only" = scoped ] || [ "$only" = admin ]; then exit 0; fi

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

hyperfine -N --warmup 3 --runs 25 --export-json "$out/list_queues.json" \
  -n curl "curl -fsS -o /dev/null -u guest:guest $U/api/queues/bench?columns=name,messages&disable_stats=true&enable_queue_totals=true&sort=" \
  -n rmqctl "bin/rmqctl -q -p bench list_queues name messages" \
  -n rabbitmqctl "$ctl -q -p bench list_queues name messages"
curl -fsS -o /dev/null -w 'curl cheapest answer: %{size_download} bytes\n' -u guest:guest \
  "$U/api/queues/bench?columns=name,messages&disable_stats=true&enable_queue_totals=true&sort=" | tee "$out/list_queues_size.txt"
curl -fsS -o /dev/null -w 'full /api/queues/bench answer: %{size_download} bytes in %{time_total} s\n' -u guest:guest \
  "$U/api/queues/bench" | tee -a "$out/list_queues_size.txt"

cols=(name durable auto_delete arguments exclusive messages messages_ready messages_unacknowledged state type)
for fmt in json table; do
  /usr/bin/time -f "%M" -o "$out/rss_$fmt.txt" bin/rmqctl -p bench list_queues "${cols[@]}" --formatter "$fmt" >/dev/null
  echo "peak RSS of list_queues ($fmt, ten columns): $(cat "$out/rss_$fmt.txt") KiB" | tee -a "$out/rss.txt"
done

# 6. version: what learning the broker's version costs. A JSON list needs it (4.3
# orders keys differently); pinned with RMQCTL_RABBITMQCTL_VERSION it is not asked.
# Measured here, with the 20 000 queues of 3 still on the broker, since
# GET /api/overview counts objects.
echo "== the version request, beside $n queues" >&2
v=$(curl -fsS -u guest:guest "$U/api/overview?columns=rabbitmq_version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rabbitmq_version"])')
# /api/version exists from 4.0.5; 3.x answers 404 there (rmqctl then asks the overview).
vcurl=()
if curl -fsS -o /dev/null -u guest:guest "$U/api/version"; then
  vcurl=(-n "curl /api/version" "curl -fsS -o /dev/null -u guest:guest $U/api/version")
fi
hyperfine -N --warmup 5 --runs 40 --export-json "$out/version.json" \
  "${vcurl[@]}" \
  -n "curl overview?columns=rabbitmq_version" "curl -fsS -o /dev/null -u guest:guest $U/api/overview?columns=rabbitmq_version" \
  -n "rmqctl list_users --formatter json (asks the version)" "bin/rmqctl -q list_users --formatter json" \
  -n "rmqctl list_users --formatter json (pinned)" "env RMQCTL_RABBITMQCTL_VERSION=$v bin/rmqctl -q list_users --formatter json" \
  -n "rmqctl list_users (TSV: never asks)" "bin/rmqctl -q list_users"
