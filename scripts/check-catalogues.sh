#!/usr/bin/env bash
# Test: every catalogue translates every msgid the code and templates use (run by CTest).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/scripts/extract-messages.sh" "$tmp/dime.pot"
status=0
for po in "$top"/locales/*.po; do
  if ! msgcmp "$po" "$tmp/dime.pot" 2> "$tmp/err"; then
    echo "FAIL: $(basename "$po") misses translations:"
    grep -E 'this message' "$tmp/err" | head -20 || cat "$tmp/err"
    status=1
  else
    echo "ok: $(basename "$po")"
  fi
done
n=$(grep -c '^msgid "' "$tmp/dime.pot" || true)
echo "$((n - 1)) msgids checked"
exit $status
