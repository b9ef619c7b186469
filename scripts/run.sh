#!/usr/bin/env bash
# THE run command: installs every dependency, builds `dime` and starts it on SQLite
# (./var/dime.sqlite) at http://127.0.0.1:8080. Run as root on Debian 12.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/install-deps.sh
npm ci --prefix web --no-audit --no-fund --loglevel=error
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIME_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"
exec ./build/release/dime serve --database "${DIME_DATABASE:-sqlite://./var/dime.sqlite}" \
  --data-dir "${DIME_DATA_DIR:-./var}" "$@"
