#!/usr/bin/env bash
# Statistics at scale: `dime demo --cases N` (default 1,000,000) in one demo office, on SQLite
# and, with DIME_BENCH_PG_PORT set (a free port; a throw-away PostgreSQL is started there), on
# PostgreSQL. Times the full dashboard, its JSON, the public figures and the raw GROUP BY on the
# same data in the same run, and writes the statistics section of bench/RESULTS.md.
# Usage: bench/statistics.sh [cases, default 1000000]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cases=${1:-1000000}
runs=5
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIME_BUILD_TESTS=OFF -DDIME_BUILD_BENCH=ON >/dev/null
cmake --build build/bench | grep -v "^\[" || true
dime=$top/build/bench/dime

work=$(mktemp -d /tmp/dime-bench-stats.XXXXXX)
pgdir=$(mktemp -d /tmp/dime-bench-pg.XXXXXX)  # its own: test-postgres.sh hands it to postgres
pids=()
cleanup() {
  local status=$?
  if ((status != 0)); then
    for log in "$work"/*/serve.log; do [[ -f $log ]] && { echo "== $log"; tail -n 20 "$log"; }; done
  fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${DIME_BENCH_PG_PORT:-}" ]] && bash scripts/test-postgres.sh stop "$pgdir" >/dev/null 2>&1
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 1 400); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The time of one request in seconds, `runs` times; prints the median.
time_url() {
  local url=$1; shift
  curl -fs -o /dev/null "$@" "$url"  # warm-up, and it must answer 200
  for _ in $(seq 1 "$runs"); do curl -fs -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | median
}

year=$(date -u +%Y)
from="$((year - 2))-01"
to="$year-12"
# The raw query: cases of the office in the same three years by coded area, one GROUP BY.
since=$(date -u -d "$((year - 2))-01-01" +%s)
raw_sql="SELECT coded_area, COUNT(*) FROM reports WHERE organisation_id = 1 AND created_at >= $since GROUP BY coded_area"

rows=()
bench_backend() {  # name database-url raw-timer-command
  local name=$1 url=$2 port=$3
  local dir="$work/$name"
  mkdir -p "$dir"
  local start end gen
  start=$(date +%s.%N)
  "$dime" demo --cases "$cases" --database "$url" --data-dir "$dir" >/dev/null 2>&1
  end=$(date +%s.%N)
  gen=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  # Demo cases closed longer ago than the office keeps personal data are erased first (as the
  # server's hourly job would), so that job does not run during the measurements.
  start=$(date +%s.%N)
  "$dime" retention run --database "$url" --data-dir "$dir" >/dev/null 2>&1
  end=$(date +%s.%N)
  erase=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  "$dime" serve --listen "127.0.0.1:$port" --threads 2 --database "$url" --data-dir "$dir" \
    --default-language en >"$dir/serve.log" 2>&1 & pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  local jar="$dir/jar" csrf
  csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=coordinator@oslo.demo.dime.local" \
    --data-urlencode "password=demo-password-not-for-real-use" "http://127.0.0.1:$port/login"
  local base="http://127.0.0.1:$port"
  local page api year_page public public_first raw
  # The public figures once computed (the first request), then as the server reuses them.
  public_first=$(curl -fs -o /dev/null -w '%{time_total}\n' "$base/api/v1/public/statistics")
  page=$(time_url "$base/staff/statistics?from=$from&to=$to&by=month" -b "$jar")
  api=$(time_url "$base/api/v1/statistics?from=$from&to=$to&by=month" -b "$jar")
  year_page=$(time_url "$base/staff/statistics" -b "$jar")
  public=$(time_url "$base/api/v1/public/statistics")
  if [[ $name == SQLite ]]; then
    raw=$(for _ in $(seq 1 "$runs"); do
      printf '.timer on\n%s;\n' "$raw_sql" | sqlite3 "$dir/../$name.sqlite" | awk '/^Run Time/ {print $4}'
    done | median)
  else
    raw=$(for _ in $(seq 1 "$runs"); do
      psql -X -q "$url" -c '\timing on' -c "$raw_sql" | awk '/^Time:/ {printf "%.6f\n", $2 / 1000}'
    done | median)
  fi
  local count
  count=$(curl -fs -b "$jar" "$base/api/v1/statistics?from=$from&to=$to&by=year" |
    sed -n 's/.*"cases":\([0-9]*\).*/\1/p')
  rows+=("| $name | $gen s; $erase s | $count | $raw | $page ($(ratio "$page" "$raw")) | $api ($(ratio "$api" "$raw")) | $year_page ($(ratio "$year_page" "$raw")) | $public_first ($(ratio "$public_first" "$raw")); reused: $public |")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }

bench_backend SQLite "sqlite://$work/SQLite.sqlite" 18093
if [[ -n "${DIME_BENCH_PG_PORT:-}" ]]; then
  pg_url=$(bash scripts/test-postgres.sh start "$pgdir" "$DIME_BENCH_PG_PORT")
  bench_backend PostgreSQL "$pg_url" 18094
fi

section=$(
  echo "<!-- statistics: written by bench/statistics.sh; bench/run.sh keeps it -->"
  echo "## Statistics with $cases cases"
  echo
  echo "Written by \`bench/statistics.sh $cases\` on $(date -u +%Y-%m-%d) ($(nproc) cores). \`dime demo --cases $cases\`"
  echo "puts every case in one office over three years; a coordinator signed in. Each time is the"
  echo "median of $runs requests (curl, one at a time, after one warm-up), in seconds; in brackets the"
  echo "ratio to the raw query on the same data in the same run: cases of the office in the same"
  echo "three years counted by area with one \`GROUP BY\` (sqlite3 / psql timing)."
  echo
  echo "| Database | Generating; erasing expired | Cases counted | Raw GROUP BY | Dashboard page, 3 years by month | Same as JSON | Dashboard page, this year | Public figures (JSON): computed; reused |"
  echo "|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "$r"; done
  echo
  echo "The dashboard reads each case once (codes only, from the covering index \`reports_statistics\`)"
  echo "plus its grounds, forms, wishes, referrals and mediation results, and computes every table,"
  echo "the trend and the timings from those facts; the public figures read approved cases only and"
  echo "suppress them jointly across offices; the server reuses them for five minutes."
  echo "<!-- /statistics -->"
)
# Replace the section in RESULTS.md (or add it).
if grep -q '^<!-- statistics:' bench/RESULTS.md 2>/dev/null; then
  awk -v s="$section" '/^<!-- statistics:/ { print s; skip = 1; next } /^<!-- \/statistics -->/ { skip = 0; next } !skip' \
    bench/RESULTS.md > "$work/results.md"
  cp "$work/results.md" bench/RESULTS.md
else
  printf '\n%s\n' "$section" >> bench/RESULTS.md
fi
echo "$section"
