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
test -x build/bench/bench/dime_bench_commit_rate

work=$(mktemp -d /tmp/dime-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

./build/bench/bench/dime_bench_hello 18090 2 & pids+=($!)
# A help office whose advisor exists (and so its key pair), for report submissions.
office=$(./build/bench/dime office add --name "Bench office" --jurisdiction no \
  --database "sqlite://$work/dime.sqlite" --data-dir "$work" | tail -n1)
echo "bench advisor password" | ./build/bench/dime user add --email adv@bench.example --name Bench \
  --role advisor --office "$office" --password-stdin --database "sqlite://$work/dime.sqlite" \
  --data-dir "$work" >/dev/null
./build/bench/dime serve --listen 127.0.0.1:18091 --threads 2 --database "sqlite://$work/dime.sqlite" \
  --data-dir "$work" --default-language en --trust-proxy >"$work/serve.log" 2>&1 & pids+=($!)
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
# Report submissions: argon2id for the receipt, sealing, and a durable commit each. Compared
# with the raw durable commit rate of SQLite on the same disk, measured right after.
read -r submit_rps submit_p99 < <(wrk -t2 -c4 -d"${secs}s" --latency -s bench/submit.lua \
  http://127.0.0.1:18091/ | awk '/^Requests\/sec:/ {r=$2} $1 == "99%" {p=$2} END {print r, p}')
submitted=$(sqlite3 "$work/dime.sqlite" "SELECT COUNT(*) FROM reports")
commit_rate=$(./build/bench/bench/dime_bench_commit_rate "$work/commit.sqlite" "$secs")
rss_kb=$(ps -o rss= -p "${pids[1]}" | tr -d ' ')

# The case list: 100,000 demo cases in one office, an advisor signed in, page 1 (50 rows) with
# the total count, and the same with filters (open cases with a deadline at risk).
cases_db="sqlite://$work/cases.sqlite"
mkdir -p "$work/cases"
gen_start=$(date +%s.%N)
./build/bench/dime demo --cases 100000 --database "$cases_db" --data-dir "$work/cases" >/dev/null
gen_secs=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
./build/bench/dime serve --listen 127.0.0.1:18092 --threads 2 --database "$cases_db" \
  --data-dir "$work/cases" --default-language en >"$work/cases.log" 2>&1 & pids+=($!)
wait_for http://127.0.0.1:18092/healthz
jar="$work/cookies.txt"
csrf=$(curl -fs -c "$jar" http://127.0.0.1:18092/login | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
  --data-urlencode "email=advisor@oslo.demo.dime.local" \
  --data-urlencode "password=demo-password-not-for-real-use" http://127.0.0.1:18092/login
session=$(awk '$6 == "dime_session" {print $7}' "$jar")
test -n "$session" || { echo "could not sign in to the case list server" >&2; exit 1; }
cookie="Cookie: dime_session=$session"
curl -fs -H "$cookie" -o /dev/null http://127.0.0.1:18092/cases  # warm-up, and it must answer 200
read -r list_rps list_p99 < <(wrk -t2 -c50 -d"${secs}s" --latency -H "$cookie" \
  http://127.0.0.1:18092/cases | awk '/^Requests\/sec:/ {r=$2} $1 == "99%" {p=$2} END {print r, p}')
read -r risk_rps risk_p99 < <(wrk -t2 -c50 -d"${secs}s" --latency -H "$cookie" \
  "http://127.0.0.1:18092/cases?status=open&deadline=at_risk&sort=oldest" |
  awk '/^Requests\/sec:/ {r=$2} $1 == "99%" {p=$2} END {print r, p}')
read -r api_rps api_p99 < <(wrk -t2 -c50 -d"${secs}s" --latency -H "$cookie" \
  http://127.0.0.1:18092/api/v1/cases | awk '/^Requests\/sec:/ {r=$2} $1 == "99%" {p=$2} END {print r, p}')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; printf (r < 0.01 ? "%.4f" : "%.2f"), r }'; }
# The statistics section is written by bench/statistics.sh (it takes much longer): keep it.
statistics_section=$(awk '/^<!-- statistics:/,/^<!-- \/statistics -->/' bench/RESULTS.md 2>/dev/null || true)
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
  echo "Report submissions (\`POST /api/v1/reports\`, wrk -t2 -c4, each from its own address):"
  echo
  echo "| What | Per second | p99 | Ratio to raw SQLite durable commits |"
  echo "|---|---|---|---|"
  echo "| raw SQLite: one 1 KB row per transaction, WAL, synchronous=FULL (baseline) | $commit_rate | | 1.00 |"
  echo "| report submitted: validation, argon2id receipt hash (64 MiB), sealing, durable commit | $submit_rps | $submit_p99 | $(ratio "$submit_rps" "$commit_rate") |"
  echo
  echo "Reports stored during the run: $submitted (every 201 is a committed row)."
  echo "The ceiling is argon2id, chosen on purpose: at ~80 ms per receipt, 2 threads give at most"
  echo "~25 submissions/s, about 90,000 an hour."
  echo
  echo "Resident memory of \`dime serve\` after the run: $((rss_kb / 1024)) MiB."
  echo
  echo "The case list with 100,000 cases in one office (\`dime demo --cases 100000\`: ${gen_secs} s to"
  echo "generate and seal them), signed in as an advisor, 50 rows per page with the total count:"
  echo
  echo "| What | Requests/s | p99 | Ratio to hello |"
  echo "|---|---|---|---|"
  echo "| \`GET /cases\` (page 1, newest first, deadlines per row) | $list_rps | $list_p99 | $(ratio "$list_rps" "$hello_rps") |"
  echo "| \`GET /cases?status=open&deadline=at_risk&sort=oldest\` | $risk_rps | $risk_p99 | $(ratio "$risk_rps" "$hello_rps") |"
  echo "| \`GET /api/v1/cases\` (the same page as JSON) | $api_rps | $api_p99 | $(ratio "$api_rps" "$hello_rps") |"
  if [[ -n "$statistics_section" ]]; then
    echo
    echo "$statistics_section"
  fi
} > bench/RESULTS.md
cat bench/RESULTS.md
