#!/usr/bin/env bash
# JVM start-up time of every vertex jar: from `java -jar` to the vertex's "server started" log line,
# 3 runs each, with the image's JVM flags. Needs the jars (make build) and redis-server on the PATH
# (the source and the trainer read Redis at start). Uses ports 16399 (Redis), 18080 (store HTTP)
# and 50051 (the SDK's TCP port outside a Numaflow pod): run it alone (flock
# /tmp/rollguard-tests.lock tools/measure-startup.sh on a shared machine).
# Published figures: README.md, "Images".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'redis-cli -p 16399 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
sed 's/httpPort: 8080/httpPort: 18080/' "$repo/pipelines/config/rollguard-config.yaml" > "$work/config.yaml"
redis-server --port 16399 --save "" --appendonly no --daemonize yes --logfile "$work/redis.log"
sleep 0.5
export ROLLGUARD_CONFIG=$work/config.yaml ROLLGUARD_METRICS_PORT=0 REDIS_URL=redis://127.0.0.1:16399 \
  ROLLGUARD_REGISTRY_BACKEND=redis OPENBLAS_NUM_THREADS=1
for spec in source-prometheus udf-window udf-preprocess udf-inference "udf-inference trainer" udf-postprocess sink-anomaly-store; do
  module=${spec%% *}; arg=""; [ "$spec" != "$module" ] && arg=${spec#* }
  times=()
  for i in 1 2 3; do
    log=$work/$module$arg.$i.log
    start=$(date +%s%N)
    java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -jar "$repo/$module/target/$module.jar" $arg > "$log" 2>&1 &
    pid=$!
    until grep -q "server started" "$log" 2>/dev/null; do
      if ! kill -0 $pid 2>/dev/null; then echo "$spec exited:"; tail -3 "$log"; exit 1; fi
      sleep 0.02
    done
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    kill -TERM $pid; wait $pid 2>/dev/null || true
  done
  echo "$spec: ${times[*]} ms"
done
