# Sourced by scripts/bench.sh (BENCH_ONLY=admin, or everything): rabbitmqadmin v1
# command lines, each timed three ways side by side in one hyperfine run:
#   - curl doing the same HTTP request as the command (same path and query, no rendering);
#   - rmqctl invoked as rabbitmqadmin (bin/rabbitmqadmin, a symlink to bin/rmqctl);
#   - the real rabbitmqadmin v1 script (python3), the one broker.sh's env file names.
# Uses $U (the broker's management URL), $out (results directory) and
# $RMQCTL_TEST_RABBITMQADMIN_V1 from the environment bench.sh set up.

v1=${RMQCTL_TEST_RABBITMQADMIN_V1:-}
[ -n "$v1" ] && [ -f "$v1" ] || { echo "bench.sh: no rabbitmqadmin v1 script (RMQCTL_TEST_RABBITMQADMIN_V1)" >&2; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || py=$(python3 -c 'import sys; print(sys.executable)')
ln -sf rmqctl bin/rabbitmqadmin
hostport=${U#http://}
host=${hostport%:*}
port=${hostport##*:}
admin="bin/rabbitmqadmin -H $host -P $port"
legacy="$py $v1 -H $host -P $port"
echo "== rabbitmqadmin v1 command lines (100 queues in vhost bench-admin)" >&2
curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' -d '{}' "$U/api/vhosts/bench-admin"
for i in $(seq 1 100); do
  curl -fsS -u guest:guest -X PUT -H 'content-type: application/json' \
    -d '{"durable":true,"auto_delete":false,"arguments":{}}' "$U/api/queues/bench-admin/q-$i"
done
# the three must print the same thing (checked once, untimed)
for args in "-V bench-admin list queues" "-V bench-admin -f tsv -q list queues name"; do
  # shellcheck disable=SC2086
  if [ "$($admin $args)" != "$($legacy $args)" ]; then
    echo "WARNING: rabbitmqadmin $args differs from v1" >&2
  fi
done

put_body='{"auto_delete":"false","durable":"false","arguments":{},"name":"bench-x","vhost":"bench-admin"}'
printf '%s' "$put_body" >"$out/admin_put_body.json"
# bench3 NAME API-PATH V1-ARGUMENTS [CURL-OPTIONS]: the three, 5 warm-ups and 40 runs each
bench3() {
  hyperfine -N --warmup 5 --runs 40 --export-json "$out/$1.json" \
    -n curl "curl -fsS -o /dev/null -u guest:guest ${4:-} $U$2" \
    -n rabbitmqadmin "$admin $3" \
    -n "rabbitmqadmin v1" "$legacy $3"
}
bench3 admin_list_queues "/api/queues/bench-admin?columns=name,messages" "-V bench-admin list queues"
bench3 admin_tsv_names "/api/queues/bench-admin?columns=name" "-V bench-admin -f tsv -q list queues name"
bench3 admin_overview "/api/overview?columns=rabbitmq_version,cluster_name,queue_totals.messages,object_totals.queues" "show overview"
bench3 admin_declare_queue "/api/queues/bench-admin/bench-x" "-V bench-admin declare queue name=bench-x durable=false" \
  "-X PUT -H content-type:application/json --data-binary @$out/admin_put_body.json"
echo "load average after the timed runs: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/admin_load.txt" >&2

python3 - "$out"/admin_list_queues.json "$out"/admin_tsv_names.json "$out"/admin_overview.json "$out"/admin_declare_queue.json <<'PY' | tee "$out/admin_summary.txt"
import json, os, statistics, sys
print("| command line | curl | rabbitmqadmin (rmqctl) | rabbitmqadmin v1 | rmqctl / curl | v1 / rmqctl |")
print("|---|---:|---:|---:|---:|---:|")
names = {"admin_list_queues": "list queues", "admin_tsv_names": "-f tsv -q list queues name",
         "admin_overview": "show overview", "admin_declare_queue": "declare queue name=… durable=false"}
for f in sys.argv[1:]:
    med = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(f))["results"]}
    c, a, v = med["curl"], med["rabbitmqadmin"], med["rabbitmqadmin v1"]
    key = os.path.basename(f)[:-5]
    print("| `%s` | %.1f ms | %.1f ms | %.1f ms | %.2f× | %.0f× |" % (names[key], c, a, v, a / c, v / a))
PY
curl -fsS -o /dev/null -u guest:guest -X DELETE "$U/api/vhosts/bench-admin"
