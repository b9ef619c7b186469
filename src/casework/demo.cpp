// Demo cases: many fictitious, clearly marked cases in a demo office, for trying the queue and
// for benchmarks. Each is sealed exactly as a real report (so staff can open it), except that
// it has no working receipt: one argon2id run per case would take hours for 100,000 cases.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "casework/internal.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "crypto/crypto.hpp"
#include "keyring/service.hpp"

namespace dime::casework {

using nlohmann::json;
using namespace detail;

int generate_demo_cases(storage::Transaction& tx, long long organisation_id, int count,
                        long long now) {
  int demo = 0;
  std::string jurisdiction;
  tx.sql() << "SELECT is_demo, jurisdiction FROM organisations WHERE id = :o",
      soci::use(organisation_id), soci::into(demo), soci::into(jurisdiction);
  if (!tx.sql().got_data() || demo == 0) {
    throw Error(ErrorKind::forbidden, N_("Demo cases go only into demo offices."),
                "organisation " + std::to_string(organisation_id) + " is not a demo office");
  }
  auto office_key = keyring::current_office_key(tx, organisation_id);
  if (!office_key) throw Error(ErrorKind::unavailable, N_("This office has no key pair yet."));
  std::vector<std::string> grounds, areas;
  for (const auto& e : office_list(tx, organisation_id, reference::Category::grounds).entries) {
    if (!e.retired) grounds.push_back(e.code);
  }
  for (const auto& e : office_list(tx, organisation_id, reference::Category::areas).entries) {
    if (!e.retired) areas.push_back(e.code);
  }
  static const char* const kStatuses[] = {"received", "in_assessment", "advice_given",
                                          "referred", "in_mediation", "closed"};
  static const char* const kPlaces[] = {"workplace", "housing", "school", "shop", "public_office"};
  static const char* const kParties[] = {"employer", "landlord", "business", "public_service",
                                         "school"};
  static const char* const kTowns[] = {"Oslo", "Bergen", "Drammen", "Lillestrøm", "Bærum"};
  int first = 0;
  tx.sql() << "SELECT COUNT(*) FROM reports WHERE organisation_id = :o", soci::use(organisation_id),
      soci::into(first);
  std::string prefix = jurisdiction == "se" ? "SE-DEMO-" : jurisdiction == "nl" ? "NL-DEMO-" : "NO-DEMO-";
  for (int i = 0; i < count; ++i) {
    auto pick = [](auto& list) { return list[randombytes_uniform(std::size(list))]; };
    char number[16];
    std::snprintf(number, sizeof number, "%07d", first + i + 1);
    std::string reference = prefix + number;
    long long created = now - static_cast<long long>(randombytes_uniform(3 * 365)) * 86400 -
                        randombytes_uniform(86400);
    std::string status = pick(kStatuses);
    std::string report_key = crypto::random_key();
    json content{{"narrative", "DEMO: a fictitious report number " + std::string(number) + "."},
                 {"event_date", ""},
                 {"event_period", "DEMO"},
                 {"party_name", ""},
                 {"witnesses", ""},
                 {"name", ""},
                 {"email", ""},
                 {"phone", ""},
                 {"notify_email", ""},
                 {"municipality", pick(kTowns)}};
    std::string sealed_content =
        crypto::to_base64(crypto::encrypt(report_key, content.dump(), "report:" + reference));
    std::string key_sealed = crypto::to_base64(crypto::seal_to(office_key->public_key, report_key));
    // No receipt opens a demo case: the wrapping key is thrown away at once.
    std::string key_receipt = crypto::to_base64(
        crypto::encrypt(crypto::random_key(), report_key, "receipt:" + reference));
    std::string lookup = "demo:" + crypto::random_token(16);
    std::string area = areas.empty() ? "other" : areas[randombytes_uniform(areas.size())];
    std::string month = format_date(date_of(created)).substr(0, 7);
    std::string municipality = content["municipality"];
    std::string place = pick(kPlaces), party = pick(kParties);
    long long ack = created + 86400;
    soci::indicator ack_ind = status == "received" ? soci::i_null : soci::i_ok;
    // Advice, a referral or mediation was feedback to the person.
    long long feedback = created + 20 * 86400;
    soci::indicator feedback_ind =
        status == "received" || status == "in_assessment" ? soci::i_null : soci::i_ok;
    long long closed = created + 30 * 86400;
    soci::indicator closed_ind = status == "closed" ? soci::i_ok : soci::i_null;
    std::string outcome = "advice";
    soci::indicator outcome_ind = closed_ind;
    long long id = 0;
    tx.sql() << "INSERT INTO reports (organisation_id, reference, receipt_lookup, office_key_id, "
                "key_sealed, key_receipt, content_sealed, language, channel, reporter_type, "
                "contact_mode, area, place_kind, party_kind, municipality, event_month, "
                "received_month, status, outcome, created_at, updated_at, acknowledged_at, "
                "feedback_at, closed_at) VALUES (:o, :r, :l, :k, :ks, :kr, :c, 'en', 'web', "
                "'self', 'none', :a, :p, :pt, :m, :em, :rm, :s, :out, :t, :t2, :ack, :fb, :cl) "
                "RETURNING id",
        soci::use(organisation_id), soci::use(reference), soci::use(lookup),
        soci::use(office_key->id), soci::use(key_sealed), soci::use(key_receipt),
        soci::use(sealed_content), soci::use(area), soci::use(place), soci::use(party),
        soci::use(municipality), soci::use(month), soci::use(month), soci::use(status),
        soci::use(outcome, outcome_ind), soci::use(created), soci::use(created),
        soci::use(ack, ack_ind), soci::use(feedback, feedback_ind), soci::use(closed, closed_ind),
        soci::into(id);
    if (!grounds.empty()) {
      std::string g = grounds[randombytes_uniform(grounds.size())];
      tx.sql() << "INSERT INTO report_grounds (report_id, code) VALUES (:r, :c)", soci::use(id),
          soci::use(g);
    }
    sodium_memzero(report_key.data(), report_key.size());
  }
  return count;
}

}  // namespace dime::casework
