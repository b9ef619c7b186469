// Audit log entries: who did what to which object, chained by keyed hashes.
#pragma once
#include <optional>
#include <string>

namespace dime::audit {

// What happened. `detail` never holds personal data in clear: ids, field names, outcomes.
struct Event {
  std::optional<long long> actor_user_id;
  std::optional<long long> organisation_id;
  std::string action;       // e.g. "login.success", "user.create", "personal_data.read"
  std::string object_type;  // e.g. "user", "session", "organisation"
  std::string object_id;
  std::string detail;
};

struct Entry {
  long long seq = 0;
  long long at = 0;
  Event event;
  std::string prev_hash;
  std::string hash;
};

struct VerifyResult {
  bool ok = true;
  long long checked = 0;
  long long first_bad_seq = 0;  // 0 when ok
  std::string problem;
};

}  // namespace dime::audit
