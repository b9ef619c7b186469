#!/usr/bin/env bash
# Measures DiMe against a bare RESTinio "hello" page in the same run (same machine, same wrk
# settings as ../shared/STACK.md: 2 server threads, wrk -c50), and writes bench/RESULTS.md.
# Usage: bench/run.sh [seconds per measurement, default 10]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-10}
command -v wrk >/dev/null || apt-get install -y -qq wrk
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIME_BUILD_TESTS=OFF -DDIME_BUILD_BENCH=ON >/dev/null
cmake --build build/bench | grep -v "^\[" || true
test -x build/bench/dime && test -x build/bench/bench/dime_bench_hello

work=$(mktemp -d /tmp/dime-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

./build/bench/bench/dime_bench_hello 18090 2 & pids+=($!)
./build/bench/dime serve --listen 127.0.0.1:18091 --threads 2 --database "sqlite://$work/dime.sqlite" \
  --data-dir "$work" --default-language en >"$work/serve.log" 2>&1 & pids+=($!)
wait_for http://127.0.0.1:18090/
wait_for http://127.0.0.1:18091/healthz

measure() {  # measure URL -> "requests/s p99"
  local out
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "$1")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps $p99"
}

wrk -t2 -c50 -d2s http://127.0.0.1:18090/ >/dev/null  # warm-up
read -r hello_rps hello_p99 < <(measure http://127.0.0.1:18090/)
read -r health_rps health_p99 < <(measure http://127.0.0.1:18091/healthz)
read -r page_rps page_p99 < <(measure http://127.0.0.1:18091/login)
read -r static_rps static_p99 < <(measure http://127.0.0.1:18091/static/dime.css)
rss_kb=$(ps -o rss= -p "${pids[1]}" | tr -d ' ')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(uname -m)); wrk -t2 -c50 -d${secs}s;"
  echo "servers with 2 threads on 127.0.0.1, wrk on the same machine. Ratios are against the bare"
  echo "RESTinio \"hello\" page measured in the same run (STACK.md: 66-80k requests/s on this kind of machine)."
  echo
  echo "| What | Requests/s | p99 | Ratio to hello |"
  echo "|---|---|---|---|"
  echo "| bare RESTinio \"hello\" (baseline) | $hello_rps | $hello_p99 | 1.00 |"
  echo "| \`GET /healthz\` (SQLite read transaction, JSON) | $health_rps | $health_p99 | $(ratio "$health_rps" "$hello_rps") |"
  echo "| \`GET /login\` (rendered page: layout, translations, CSRF cookie) | $page_rps | $page_p99 | $(ratio "$page_rps" "$hello_rps") |"
  echo "| \`GET /static/dime.css\` (embedded file, ETag) | $static_rps | $static_p99 | $(ratio "$static_rps" "$hello_rps") |"
  echo
  echo "Resident memory of \`dime serve\` after the run: $((rss_kb / 1024)) MiB."
} > bench/RESULTS.md
cat bench/RESULTS.md
