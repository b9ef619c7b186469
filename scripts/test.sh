#!/usr/bin/env bash
# THE test command: installs every dependency, builds, and runs every test twice: a normal
# build (unit + HTTP tests on SQLite and PostgreSQL, catalogue, CLI and browser tests) and an
# ASan+UBSan build (the same, without the browser). Run as root on Debian 12.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash scripts/install-deps.sh
npm ci --prefix web --no-audit --no-fund --loglevel=error
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

pgdir=$(mktemp -d /tmp/dime-test-pg.XXXXXX)
trap 'bash "$top/scripts/test-postgres.sh" stop "$pgdir"' EXIT
pg_url=$(bash scripts/test-postgres.sh start "$pgdir" "${DIME_TEST_PG_PORT:-55432}")
echo "test PostgreSQL: $pg_url"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
jobs=$(nproc)

echo "== normal build"
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDIME_TEST_PG_URL="$pg_url" -DDIME_BROWSER_TESTS=ON >/dev/null
cmake --build build/test -j "$jobs"
ctest --test-dir build/test --output-on-failure -j "$jobs"

echo "== ASan+UBSan build"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDIME_SANITIZE=ON \
  -DDIME_TEST_PG_URL="$pg_url" -DDIME_BROWSER_TESTS=OFF >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS="suppressions=$top/scripts/lsan.supp" \
  ctest --test-dir build/asan --output-on-failure -j "$jobs"
