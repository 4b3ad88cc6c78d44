#!/usr/bin/env bash
# The live view's memory and CPU under load: a broker, the pipeline under `bench pipeline` (open loop, 16 cameras at
# 10 fps, 640x480 JPEG, efficientformerv2_s0 with seeded weights), `framewise view` with a headless Chromium on its
# page, and the view's resident memory and CPU time sampled from /proc every 5 s into OUT/samples.txt.
# Usage: streams-app/src/test/scripts/measure-view.sh [OUT_DIR] (default: target/measure-view); needs chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && cd .. && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/target/measure-view}" && cd "${1:-$ROOT/target/measure-view}" && pwd)"
cd "$ROOT"
rm -rf "$OUT/data" "$OUT/chrome"; mkdir -p "$OUT/data"
T=(-s framewise.input.topic=view-frames -s framewise.output.topic=view-events -s framewise.dead.letter.topic=view-dlq)
./framewise broker --port 0 --data-dir "$OUT/data" > "$OUT/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER ${VIEW:-} ${CHROME:-} 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -qo '127.0.0.1:[0-9]*' "$OUT/broker.log" && break; sleep 1; done
BOOTSTRAP=$(grep -o '127.0.0.1:[0-9]*' "$OUT/broker.log" | head -1)
./framewise view --bootstrap-servers "$BOOTSTRAP" --port 0 "${T[@]}" > "$OUT/view.log" 2>&1 &
VIEW=$!
for _ in $(seq 60); do grep -q 'open http' "$OUT/view.log" && break; sleep 1; done
PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/view.log" | head -1 | sed 's/.*://')
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --remote-debugging-port=0 --user-data-dir="$OUT/chrome" "http://localhost:$PORT/" > "$OUT/chrome.log" 2>&1 &
CHROME=$!
./framewise bench pipeline --bootstrap-servers "$BOOTSTRAP" --cameras 16 --rate 160 --seconds 120 --variant v2-s0 \
  "${T[@]}" > "$OUT/bench.log" 2>&1 &
BENCH=$!
tick=$(getconf CLK_TCK)
echo "seconds rss_mib cpu_seconds" > "$OUT/samples.txt"
start=$(date +%s)
while kill -0 $BENCH 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$VIEW/status)
  cpu=$(awk -v t="$tick" '{printf "%.1f", ($14+$15)/t}' /proc/$VIEW/stat)
  echo "$(($(date +%s) - start)) $rss $cpu" >> "$OUT/samples.txt"
  sleep 5
done
jcmd $VIEW GC.heap_info > "$OUT/heap.txt" 2>&1 || true
tail -3 "$OUT/bench.log"
cat "$OUT/samples.txt"
