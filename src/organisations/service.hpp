// Organisation rules over a transaction.
#pragma once
#include <optional>
#include <vector>

#include "organisations/model.hpp"
#include "storage/database.hpp"

namespace dime::organisations {

// Validates and inserts; throws Error(unprocessable) with per-field messages.
long long create(storage::Transaction& tx, const Organisation& org);
std::optional<Organisation> find(storage::Transaction& tx, long long id);
std::vector<Organisation> list(storage::Transaction& tx);
void set_mfa_required(storage::Transaction& tx, long long id, bool required);

}  // namespace dime::organisations
