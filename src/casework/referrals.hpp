// Referrals: a case sent where it belongs, with the person's consent recorded and a document the
// advisor reviews and edits before it goes out: a complaint draft for the tribunal (what the
// tribunal needs), an incident summary for the police, a referral letter for anyone else.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casework/service.hpp"
#include "documents/pdf.hpp"

namespace dime::casework {

// How the person gave their consent to the referral.
const std::vector<Option>& consent_ways();
// draft -> sent -> acknowledged -> decided; withdrawn at any point.
const std::vector<Option>& referral_statuses();
bool can_move_referral(const std::string& from, const std::string& to);
// What came of it at the other body.
const std::vector<Option>& referral_outcomes();

// The sections of the document for a kind of body, in order, with their headings (msgids).
const std::vector<Option>& document_sections(const std::string& kind);

struct Referral {
  long long id = 0;
  std::string case_reference;
  std::string body;  // reference data code
  std::string kind;
  std::string other_body;  // the name, for a body not in the list (decrypted)
  std::string consent_how;
  std::string consent_on;
  std::string status;
  std::string outcome;
  long long created_at = 0;
  std::optional<long long> sent_at;
  std::map<std::string, std::string> sections;  // section key -> text (decrypted)
};

// The referrals of a case without their documents (readable fields only).
std::vector<Referral> referrals_of(storage::Transaction& tx, const Actor& actor, long long id);

// Translates a msgid into the document's language (the office's own language).
using Translate = std::function<std::string(std::string_view)>;

// Creates a referral and its first draft from the case as it stands. Consent must be recorded
// (how, and on which day). Throws Error(unprocessable) per field. Returns the referral's id.
long long create_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                          long long id, const std::string& body, const std::string& other_body,
                          const std::string& consent_how, const std::string& consent_on,
                          const Translate& tr, long long now);
// One referral with its document, decrypted; audited as a read of personal data.
Referral open_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                       long long id, long long referral_id);
// The advisor's edits: every section of the document (missing ones are kept as they were).
void save_draft(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long referral_id,
                const std::map<std::string, std::string>& sections, long long now);
// Along the referral's workflow; `outcome` only (and required) when decided. Sending moves the
// case to "referred" (or "in mediation" for mediation) where the case workflow allows it.
void set_referral_status(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, long long referral_id, const std::string& status,
                         const std::string& outcome, long long now);
// The document as PDF, in `language` (the office's); audited as an export of personal data.
std::string referral_pdf(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, long long referral_id, const Translate& tr,
                         const std::string& language, const std::string& office_name);

// ---- The office's own mediation bench (mediation/service.hpp runs the mediation) ----

// What a referral to the bench passes on: the referral document as text (section headings in
// `tr`'s language) and what the person told about themselves and the other party. Audited as
// a read of personal data. For a referral to any other body only `kind` is filled in.
struct ForBench {
  std::string kind;  // the referral's body kind: only "mediation_bench" opens a mediation
  std::string brief;
  std::string language;  // the person's
  std::string name, email, phone;
  std::string party_name, party_kind;  // intake party kinds
};
ForBench for_bench(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, long long referral_id, const Translate& tr);
// The bench reports on a case it took: a timeline entry "mediation" with `detail` (codes and
// references only) and, when `referral_outcome` is given, the referral decided with it.
// Nothing of the case is read; `actor_user` may be a mediator without the office key.
void mediation_feedback(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
                        long long organisation_id, long long id,
                        std::optional<long long> referral_id, const std::string& detail,
                        const std::string& referral_outcome, long long now);

inline constexpr std::size_t kMaxSection = 20000;

}  // namespace dime::casework
