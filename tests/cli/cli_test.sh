#!/usr/bin/env bash
# End-to-end test of the `dime` command line on a fresh SQLite database: office and user
# creation, validation failures, demo data, migrations, TOML config, backup, and
# `dime audit verify` catching an edited and a deleted entry. Usage: cli_test.sh PATH/TO/dime
set -uo pipefail
dime=${1:?usage: cli_test.sh DIME_BINARY}
dir=$(mktemp -d /tmp/dime-cli-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
db="sqlite://$dir/dime.sqlite"
common=(--database "$db" --data-dir "$dir")
migrations=$(ls "$(dirname "$0")/../../src/storage/migrations/"*.sql | wc -l)
passed=0; failed=0
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@" >"$dir/out" 2>"$dir/err"; then passed=$((passed + 1)); echo "ok: $name"
  else failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/  | /' "$dir/out" "$dir/err"; fi
}
fails() {  # fails NAME COMMAND...: passes when the command exits non-zero
  local name=$1; shift
  if "$@" >"$dir/out" 2>"$dir/err"; then failed=$((failed + 1)); echo "FAIL (should have failed): $name"; sed 's/^/  | /' "$dir/out"
  else passed=$((passed + 1)); echo "ok: $name"; fi
}

check "help lists every subcommand" bash -c "'$dime' --help | grep -q serve && '$dime' --help | grep -q migrate && '$dime' --help | grep -q backup && '$dime' --help | grep -q audit"
check "migrate on an empty database applies every migration" bash -c "'$dime' migrate ${common[*]} | grep -q 'applied $migrations migration'"
check "migrate twice applies nothing" bash -c "'$dime' migrate ${common[*]} | grep -q 'applied 0 migration'"
office=$("$dime" office add --name "Test office" --jurisdiction no "${common[@]}")
check "office add prints only the new id" bash -c "[[ '$office' =~ ^[0-9]+$ ]]"
fails "office add refuses an unknown jurisdiction" "$dime" office add --name X --jurisdiction de "${common[@]}"
key=$(printf 'k%.0s' $(seq 32) | base64 | tr '+/' '-_' | tr -d '=')  # 32 bytes, as an office's server shows its key
remote=$("$dime" office add --name "Own server" --jurisdiction no --signing-key "$key" "${common[@]}" 2>"$dir/fingerprint")
check "office add --signing-key registers an office on its own server" bash -c "[[ '$remote' =~ ^[0-9]+$ ]]"
check "and prints the key's fingerprint" grep -Eq '([0-9a-f]{4} ){7}[0-9a-f]{4}' "$dir/fingerprint"
fails "office add refuses a malformed signing key" "$dime" office add --name Y --jurisdiction no --signing-key "c2hvcnQ" "${common[@]}"
fails "office add refuses a signing key for a national unit" "$dime" office add --name Z --jurisdiction no --national --signing-key "$key" "${common[@]}"
check "office signing-key replaces the key" "$dime" office signing-key --id "$remote" --key "$(printf 'j%.0s' $(seq 32) | base64 | tr -d '=')" "${common[@]}"
check "user add reads the password from stdin" bash -c "echo 'correct horse battery staple' | '$dime' user add --email a@example.no --name 'Ada Test' --role advisor --office $office --password-stdin ${common[*]} | grep -q 'created user'"
fails "office signing-key refuses an office with staff here" "$dime" office signing-key --id "$office" --key "$key" "${common[@]}"
fails "user add refuses an unknown role" bash -c "echo 'correct horse battery staple' | '$dime' user add --email b@example.no --name B --role wizard --office $office --password-stdin ${common[*]}"
fails "user add refuses a short password" bash -c "echo short | '$dime' user add --email c@example.no --name C --role advisor --office $office --password-stdin ${common[*]}"
fails "user add refuses an unknown office" bash -c "echo 'correct horse battery staple' | '$dime' user add --email d@example.no --name D --role advisor --office 999 --password-stdin ${common[*]}"
check "the database file holds no name or e-mail in clear" bash -c "! grep -a -q -e 'Ada Test' -e 'a@example.no' '$dir/dime.sqlite' '$dir/dime.sqlite-wal' 2>/dev/null"
check "demo loads marked demo data" bash -c "'$dime' demo ${common[*]} | grep -q 'DEMO Diskrimineringshjelpen Oslo'"
check "demo runs only once" bash -c "'$dime' demo ${common[*]} | grep -q 'already loaded'"
check "demo adds fictitious cases to the demo office" bash -c "'$dime' demo --cases 25 ${common[*]} | grep -q '25 demo cases added'"
check "retention run erases closed cases that are due" bash -c "'$dime' retention run ${common[*]} | grep -q 'erased the personal data of [0-9]* closed'"
check "a second retention run finds nothing more" bash -c "'$dime' retention run ${common[*]} | grep -q 'erased the personal data of 0 closed'"
check "audit verify passes on an untouched log" bash -c "'$dime' audit verify ${common[*]} | grep -q 'audit log intact'"

printf 'database = "sqlite://%s/from-config.sqlite"\ndata-dir = "%s/config-data"\n\n[serve]\nlisten = "127.0.0.1:1"\n' "$dir" "$dir" > "$dir/dime.toml"
check "a TOML config file supplies the database" bash -c "'$dime' --config '$dir/dime.toml' migrate | grep -q 'applied $migrations migration' && [ -f '$dir/from-config.sqlite' ]"
check "a TOML config file supplies the data directory" bash -c "'$dime' --config '$dir/dime.toml' audit verify >/dev/null && [ -f '$dir/config-data/master.key' ]"

check "backup writes a consistent copy" "$dime" backup --to "$dir/backup.sqlite" "${common[@]}"
check "the backup passes an integrity check" bash -c "[ \"\$(sqlite3 '$dir/backup.sqlite' 'PRAGMA integrity_check')\" = ok ]"
fails "backup refuses to overwrite a file" "$dime" backup --to "$dir/backup.sqlite" "${common[@]}"

sqlite3 "$dir/dime.sqlite" "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2"
fails "audit verify exits non-zero on an edited entry" "$dime" audit verify "${common[@]}"
check "audit verify names the edited entry" bash -c "'$dime' audit verify ${common[*]} | grep -q 'TAMPERED at entry 2'"
cp "$dir/backup.sqlite" "$dir/dime.sqlite"; rm -f "$dir/dime.sqlite-wal" "$dir/dime.sqlite-shm"
check "the restored backup verifies" bash -c "'$dime' audit verify ${common[*]} | grep -q 'audit log intact'"
sqlite3 "$dir/dime.sqlite" "DELETE FROM audit_log WHERE seq = 3"
fails "audit verify catches a deleted entry" "$dime" audit verify "${common[@]}"

mkdir -p "$dir/elsewhere"
fails "a missing master.key is refused, not silently replaced" "$dime" audit verify --database "$db" --data-dir "$dir/elsewhere"
check "...and no new key file was created" test ! -e "$dir/elsewhere/master.key"
head -c 32 /dev/urandom > "$dir/elsewhere/master.key"
fails "a master.key of another database is refused" "$dime" audit verify --database "$db" --data-dir "$dir/elsewhere"
sqlite3 "$dir/dime.sqlite" "DELETE FROM audit_log; DELETE FROM audit_head"
fails "audit verify catches an emptied log" "$dime" audit verify "${common[@]}"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
