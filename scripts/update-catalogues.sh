#!/usr/bin/env bash
# Regenerates locales/dime.pot and merges it into every locales/*.po (new strings appear
# untranslated; the catalogue test then fails until a translator fills them in).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/extract-messages.sh" "$top/locales/dime.pot"
for po in "$top"/locales/*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$top/locales/dime.pot"
done
