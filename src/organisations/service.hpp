// Organisation rules over a transaction.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "organisations/model.hpp"
#include "storage/database.hpp"

namespace dime::organisations {

// Validates and inserts; throws Error(unprocessable) with per-field messages.
long long create(storage::Transaction& tx, const Organisation& org);
std::optional<Organisation> find(storage::Transaction& tx, long long id);
std::vector<Organisation> list(storage::Transaction& tx);
void set_mfa_required(storage::Transaction& tx, long long id, bool required);
// A statistics signing key as an office's server shows it: 32 bytes in URL-safe base64.
bool valid_signing_key(const std::string& key);
// Registers (or replaces) the statistics signing key of a help office on its own server: a
// base64 Ed25519 public key. Error(unprocessable) for a malformed key, an organisation that is
// not such an office (a municipality, a national unit, or one with staff here), or none.
void set_statistics_signing_key(storage::Transaction& tx, long long id, const std::string& key);

}  // namespace dime::organisations
