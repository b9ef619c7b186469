// Casework rules over a transaction. Every function takes the acting staff member and finds
// the case only within their active office: another office's case is "not found", exactly as a
// case that does not exist. Reading personal data and every change are audited in `tx`.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "casework/model.hpp"
#include "crypto/crypto.hpp"
#include "storage/database.hpp"

namespace dime::casework {

// Who is acting: a signed-in advisor or coordinator in their active office.
struct Actor {
  long long user_id = 0;
  long long organisation_id = 0;
  // The user's private key for this request (from the session), needed to open report keys.
  std::string user_secret;
};

Settings settings_of(storage::Transaction& tx, long long organisation_id);
// Throws Error(unprocessable) with a message per field that is out of range.
void set_settings(storage::Transaction& tx, long long organisation_id, const Settings& s);
// Time limits of the office's referral bodies (reference data), shortest first.
std::vector<TimeLimit> time_limits(storage::Transaction& tx, long long organisation_id);

// Staff who may be given cases in the office (advisors and coordinators), id -> name.
std::vector<std::pair<long long, std::string>> assignable_staff(storage::Transaction& tx,
                                                                const crypto::Keys& keys,
                                                                long long organisation_id);

// The queue: readable fields only, nothing is decrypted. Throws Error(bad_request) for a filter
// value that is not one of the offered choices.
Page list(storage::Transaction& tx, const Actor& actor, const Filter& filter, long long now);

// The whole case, decrypted; audited as a read of personal data.
Case open(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          long long now);

// Marks the report as acknowledged and tells the person so at /follow-up, in the language they
// reported in (`message_in(language)`); moves a received case into assessment.
void acknowledge(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                 long long id,
                 const std::function<std::string(const std::string& language)>& message_in,
                 long long now);
// To an advisor or coordinator of the office, or to nobody.
void assign(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            std::optional<long long> assignee, long long now);
// Along the workflow; `outcome` is required (and only allowed) when closing.
void move(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          const std::string& to, const std::string& outcome, long long now);
// The advisor's coding; codes must come from the office's reference data.
void code(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
          const Coding& coding, long long now);
// Returns the new note's id.
long long add_note(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& text, long long now);
// A message the person reads at /follow-up with their receipt; returns its id.
long long send_message(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                       long long id, const std::string& text, long long now);
long long add_task(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& title, const std::string& due_on,
                   std::optional<long long> assignee, long long now);
void complete_task(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, long long task_id, long long now);
void set_evidence(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, const std::string& item, const std::string& state, long long now);

// An evidence file, decrypted; audited.
struct File {
  std::string filename;
  std::string content_type;
  std::string data;
};
File attachment(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long attachment_id);

// ---- Cases a union representative brought ----

// The cases `user_id` opened in the office (readable fields only): a union representative
// follows these, and nothing else. Newest first, at most 200.
std::vector<Row> brought_by(storage::Transaction& tx, long long organisation_id, long long user_id);

// ---- Handover ----

// Open cases per assignee in the office (user id -> count).
std::map<long long, int> open_cases_by_assignee(storage::Transaction& tx,
                                                long long organisation_id);
// Moves every open case and open task assigned to `from` in the office to `to` (an advisor or
// coordinator of the office): before someone leaves. Decryption needs no move, since every key
// holder of the office holds the office key. Returns how many cases moved; audited.
int hand_over(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
              long long organisation_id, long long from, long long to, long long now);

// ---- Retention and the person's rights (retention.cpp) ----

// Erases the personal data of one case: its keys and ciphertexts are destroyed and its
// messages, files, notes and tasks deleted; codes, coding, timeline and evidence states stay for
// statistics. `reason` is "retention" or "request"; audited as case.erase.
void erase(storage::Transaction& tx, const crypto::Keys& keys, std::optional<long long> actor_user,
           long long organisation_id, long long id, const std::string& reason, long long now);
// At the person's request, by a coordinator of the office; `confirm` must repeat the reference.
void erase_on_request(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                      long long id, const std::string& confirm, long long now);
// Every closed case whose office's retention period has passed since closing; returns how many.
// At most `limit` cases per call: the caller commits and calls again while it erased that many,
// so a backlog (a long retention change, an old import) never holds the write lock for long.
inline constexpr int kRetentionBatch = 200;
int erase_expired(storage::Transaction& tx, const crypto::Keys& keys, long long now,
                  int limit = kRetentionBatch);
// Everything the office holds about the person in one case (an access request), as JSON;
// audited as personal_data.export.
std::string export_case(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                        long long id, long long now);

// ---- Demo data (demo.cpp) ----

// `count` fictitious cases spread over the last three years in a demo office (refused for any
// other office), sealed like real ones but without working receipts. Returns `count`.
int generate_demo_cases(storage::Transaction& tx, long long organisation_id, int count,
                        long long now);

inline constexpr std::size_t kMaxNote = 10000;
inline constexpr std::size_t kMaxTaskTitle = 200;

}  // namespace dime::casework
