#!/usr/bin/env bash
# Writes the message template (POT) of every user-facing string: N_("...") in C++ (xgettext)
# and {{#t}}...{{/t}} in templates (which may hold {{variables}}, filled in after translation). Usage: extract-messages.sh OUTPUT.pot
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: extract-messages.sh OUTPUT.pot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"

find src -name '*.cpp' | sort > "$tmp/files"
xgettext --language=C++ --from-code=UTF-8 --keyword= --keyword=N_ --add-comments=TRANSLATORS \
  --package-name=dime --msgid-bugs-address=dime@localhost --files-from="$tmp/files" -o "$tmp/code.pot"

{
  printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
  grep -rnoE '\{\{#t\}\}([^{]|\{\{[a-z_]+\}\})*\{\{/t\}\}' templates --include='*.mustache' | sort -t: -k1,1 -k2,2n |
    while IFS= read -r hit; do
      file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; msg=${rest#*:}
      msg=${msg#'{{#t}}'}; msg=${msg%'{{/t}}'}
      msg=${msg//\\/\\\\}; msg=${msg//\"/\\\"}
      printf '#: %s:%s\nmsgid "%s"\nmsgstr ""\n\n' "$file" "$line" "$msg"
    done
} > "$tmp/templates-raw.pot"
msguniq --use-first "$tmp/templates-raw.pot" -o "$tmp/templates.pot"

msgcat --use-first --sort-output "$tmp/code.pot" "$tmp/templates.pot" -o "$out"
