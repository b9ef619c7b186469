// Figures between instances (docs/architecture.md, "Statistics"): a help office on its own
// server exports its approved cases counted by month and by the published dimensions (no
// text, no case, no municipality), signed with a key derived from its office key. A national
// instance that registered the office's public signing key verifies and imports the file, and
// publishes the counts under the same suppression as its own offices'.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto.hpp"
#include "statistics/model.hpp"
#include "storage/database.hpp"

namespace dime::statistics {

inline constexpr const char* kAggregateFormat = "dime-statistics-aggregate/1";

// The office's signing key pair, derived from its private office key: only staff who hold the
// office key can sign, and the pair stays the same as long as the office key does.
crypto::SignKeyPair signing_key(const crypto::BoxKeyPair& office_key);
// A public key as eight groups of four hex digits of its BLAKE2b hash, to compare by phone.
std::string fingerprint(std::string_view public_key);

struct Aggregate {
  std::string office;  // the office's name on its own server
  std::string jurisdiction;
  long long issued_at = 0;
  int through = 0;  // the last month counted: the month before the file was made
  Tally tally;      // approved cases by month, by public_dims()
};

// The file: the aggregate as JSON with its format, public key and signature (pretty-printed;
// the signature covers the format and the aggregate however the file is laid out).
std::string write_aggregate(const Aggregate& a, const crypto::SignKeyPair& key);
struct SignedAggregate {
  Aggregate aggregate;
  std::string public_key;  // base64
  std::string signature;   // base64
};
// Reads and checks a file: its form, that every count adds up, and the signature against the
// key it carries (whether that key is one to trust is the caller's question).
// Error(unprocessable) on the field "file" saying what is wrong.
SignedAggregate read_aggregate(std::string_view text);

// ---- On the office's own server ----

// The office's public signing key (raw 32 bytes) as `user_id` can derive it from their copy of
// the office key. Error(forbidden) when they hold no copy yet.
std::string office_signing_public_key(storage::Transaction& tx, long long user_id,
                                      const std::string& user_secret, long long organisation_id);
// The office's file: its approved cases of every month before this one. Audited.
std::string export_aggregate(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                             const std::string& user_secret, long long organisation_id,
                             long long now);

// ---- On a national instance ----

struct Import {
  long long issued_at = 0;
  long long imported_at = 0;
  int through = 0;
  long long cases = 0;
};
struct RemoteOffice {
  long long id = 0;
  std::string name;
  std::string public_key;  // base64
  std::optional<Import> last;
};
// The help offices of a jurisdiction registered here as running their own server.
std::vector<RemoteOffice> remote_offices(storage::Transaction& tx, const std::string& jurisdiction);
// Imports a file for the national organisation: the signer must be a registered office of
// its jurisdiction and the file newer than the last one imported from it. Replaces that
// office's counts. Audited.
struct Imported {
  long long office = 0;  // the office's id here
  int through = 0;
  long long cases = 0;
};
Imported import_aggregate(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                          long long national_organisation_id, std::string_view text, long long now);
// The imported counts of those of `offices` that have any.
std::map<long long, Tally> imported(storage::Transaction& tx,
                                    const std::vector<long long>& offices);

}  // namespace dime::statistics
