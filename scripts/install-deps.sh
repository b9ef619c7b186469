#!/usr/bin/env bash
# Installs every system package DiMe needs to build, run and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format clang-tidy
  # libraries (see docs/architecture.md for what each is for)
  librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev
  libsoci-dev libsqlite3-dev libpq-dev
  libkainjow-mustache-dev
  libboost-locale-dev gettext
  libsodium-dev liboath-dev libqrencode-dev libmagic-dev libmagic-mgc
  libpango1.0-dev libcairo2-dev fonts-dejavu-core
  libical-dev libcurl4-openssl-dev libxlsxwriter-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev nlohmann-json3-dev
  libcpp-httplib-dev libgtest-dev libgmock-dev
  sqlite3
  # reading PDF and XLSX documents back in the tests, and a local SMTP sink for the e-mail tests
  poppler-utils python3-aiosmtpd python3-openpyxl
  # PostgreSQL server for the second backend and its tests
  postgresql postgresql-client
  # browser tests and benchmarks
  chromium wrk
)
# The machine image may ship Node.js with its own npm (nodesource); Debian's npm conflicts with it.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
