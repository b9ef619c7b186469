// Shared by the casework rules (service.cpp, referrals.cpp, retention.cpp); not for routes.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "casework/service.hpp"
#include "reference/model.hpp"

namespace dime::casework::detail {

// What every rule needs of a case: found only in the actor's office.
struct Found {
  long long id = 0;
  std::string reference;
  std::string status;
  long long office_key_id = 0;
  std::string key_sealed;
  std::optional<long long> acknowledged_at;
  std::optional<long long> feedback_at;
  std::optional<long long> erased_at;
};

// The case `id` in the actor's office; Error(not_found) otherwise (the same for a case that
// does not exist and for another office's case).
Found find(storage::Transaction& tx, const Actor& actor, long long id);
// The report's own key, through the actor's copy of the office key. Error(conflict) for an
// erased case, Error(unauthenticated) without a session key, Error(forbidden) without a copy.
std::string report_key(storage::Transaction& tx, const Actor& actor, const Found& f);
std::string seal(const std::string& key, const std::string& text, const std::string& context);
std::string unseal(const std::string& key, const std::string& sealed, const std::string& context);
// The timeline entry and the audit entry (case.<kind>) of one change, in the same transaction.
void record(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
            const Found& f, const std::string& kind, const std::string& detail, long long now);
// Required, readable and at most `max` bytes; the problem goes into `e[field]`.
void check_text(std::map<std::string, std::string>& e, const std::string& field,
                const std::string& text, std::size_t max);
// Error(unprocessable) with the per-field problems, if there are any.
void throw_if(const std::map<std::string, std::string>& e);
bool assignable(storage::Transaction& tx, long long organisation_id, long long user_id);
std::vector<std::string> codes_of(storage::Transaction& tx, const char* table, long long id);
std::string jurisdiction_of(storage::Transaction& tx, long long organisation_id);
reference::List office_list(storage::Transaction& tx, long long organisation_id,
                            reference::Category c);

}  // namespace dime::casework::detail
