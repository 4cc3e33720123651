#!/usr/bin/env bash
# What a pipeline's results store costs in Redis: starts redis-server and one silo on it (loopback ports of its own),
# submits N images (default 300) to a two-tier pipeline whose heavy tier takes every item, waits until each is final,
# then reports the bytes Redis holds per item for each kind of grain state (the item, its minute of the index, its
# minute of the finals log) and the writes the storage made per item (INFO commandstats). With --expire it then gives
# the pipeline a retention of 0.0001 days (8.6 s) and waits until the sweep has removed every item, index and log from
# Redis (at most 10 minutes), reporting how long that took. Everything it started is stopped by its PID on exit.
# Usage: scripts/pipeline-store.sh [items] [--expire]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
items=${1:-300}
expire=${2:-}
redis_port=${ARGUS_STORE_REDIS_PORT:-6391}
http_port=${ARGUS_STORE_HTTP_PORT:-8391}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$root/scripts/install-deps.sh" --test-data >/dev/null
dotnet build "$root/src/Silo/Argus.Silo" -c Release -nologo -clp:ErrorsOnly >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.2; done

api=http://127.0.0.1:$http_port
dotnet run --project "$root/src/Silo/Argus.Silo" -c Release --no-build -- --urls "$api" \
  --Argus:Redis=127.0.0.1:$redis_port --Argus:Silo:Name=store-0 --Argus:Silo:SiloPort=11391 --Argus:Silo:GatewayPort=30391 \
  >"$work/silo.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do curl -sf "$api/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "$api/readyz" >/dev/null || { echo "pipeline-store: the silo did not become ready; its log: $work/silo.log" >&2; tail -n 20 "$work/silo.log" >&2; exit 1; }

spec='"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4}},
  "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}, "review": {"Sexy": 0.8}}, "heavy_items": "all"'
curl -sf -X PUT "$api/v1/pipelines/store" -H 'Content-Type: application/json' -d "{$spec, \"deadline_s\": 600}" >/dev/null
redis-cli -p "$redis_port" config resetstat >/dev/null
image=/usr/share/doc/opencv-doc/examples/data/baboon.jpg
start=$(date +%s)
for i in $(seq "$items"); do
  curl -sf -X POST "$api/v1/pipelines/store/items?item=item-$i" -H 'Content-Type: image/jpeg' --data-binary @"$image" >/dev/null
done
until [ "$(curl -sf "$api/v1/pipelines/store/items?state=final&limit=1000&from=$(date -u -d @$((start - 60)) +%FT%TZ)" | grep -o '"id"' | wc -l)" -ge "$items" ]; do sleep 1; done
sleep 2 # the last announcements' writes

echo "Pipeline store in Redis: $items items of $(stat -c %s "$image") bytes (baboon.jpg), heavy tier on every item, one silo"
echo "kind | keys | bytes (MEMORY USAGE) | bytes per item"
keys_of() { redis-cli -p "$redis_port" --scan --pattern "*" | grep -E "(^|[/_])$1[/_]" || true; }
for kind in pipelineitem pipelineitems pipelinefinals; do
  keys=$(keys_of "$kind")
  count=$(printf '%s\n' "$keys" | grep -c . || true)
  bytes=0
  while read -r key; do
    [ -n "$key" ] && bytes=$((bytes + $(redis-cli -p "$redis_port" memory usage "$key")))
  done <<<"$keys"
  echo "$kind | $count | $bytes | $((bytes / items))"
done
echo "storage commands per item (all grains, reminders included):"
redis-cli -p "$redis_port" info commandstats | tr -d '\r' | grep -E "^cmdstat_(eval|evalsha|hset|set|get|hget|hgetall)" \
  | awk -F'[:=,]' -v n="$items" '{ printf "  %s %.1f\n", substr($1, 9), $3 / n }'

[ "$expire" = --expire ] || exit 0
# The deadline must be shorter than the retention; the items are final already.
curl -sf -X PUT "$api/v1/pipelines/store" -H 'Content-Type: application/json' -d "{$spec, \"deadline_s\": 5, \"retention_days\": 0.0001}" >/dev/null
set_at=$(date +%s)
echo "retention set to 0.0001 days (8.6 s) $((set_at - start)) s after the first submit; waiting for the sweep"
left() { keys_of 'pipeline(item|items|finals)' | grep -c . || true; }
until [ "$(left)" -eq 0 ] || [ $(($(date +%s) - set_at)) -ge 600 ]; do sleep 2; done
echo "keys left: $(left) (items, index minutes, finals logs), $(($(date +%s) - set_at)) s after the retention was set"
curl -sf "$api/metrics" | grep -E '^argus_pipeline_expired_total' || true
[ "$(left)" -eq 0 ]
