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
  std::vector<std::string> grounds, areas, forms;
  std::vector<std::pair<std::string, std::string>> bodies;  // code, kind
  for (const auto& e : office_list(tx, organisation_id, reference::Category::grounds).entries) {
    if (!e.retired) grounds.push_back(e.code);
  }
  for (const auto& e : office_list(tx, organisation_id, reference::Category::areas).entries) {
    if (!e.retired) areas.push_back(e.code);
  }
  for (const auto& e : office_list(tx, organisation_id, reference::Category::forms).entries) {
    if (!e.retired) forms.push_back(e.code);
  }
  for (const auto& e :
       office_list(tx, organisation_id, reference::Category::referral_bodies).entries) {
    if (!e.retired) bodies.emplace_back(e.code, e.kind);
  }
  // Referrals and mediations name the staff member who made them: the office's first.
  long long staff = 0;
  tx.sql() << "SELECT MIN(user_id) FROM memberships WHERE organisation_id = :o",
      soci::use(organisation_id), soci::into(staff);
  if (staff == 0) bodies.clear();
  static const char* const kStatuses[] = {"received", "in_assessment", "advice_given",
                                          "referred", "in_mediation",  "closed"};
  static const char* const kPlaces[] = {"workplace", "housing", "school", "shop", "public_office"};
  static const char* const kParties[] = {"employer", "landlord", "business", "public_service",
                                         "school"};
  static const char* const kTowns[] = {"Oslo", "Bergen", "Drammen", "Lillestrøm", "Bærum"};
  // Channels and reporters weighted roughly as an office sees them.
  static const char* const kChannels[] = {"web",   "web",     "web",   "web", "phone",
                                          "phone", "walk_in", "union", "api"};
  static const char* const kReporters[] = {"self", "self",    "self",     "self",
                                           "self", "witness", "relative", "union_representative",
                                           "other"};
  static const char* const kWishes[] = {"counted", "advice", "mediation", "complaint", "police"};
  static const char* const kOutcomes[] = {"advice",
                                          "advice",
                                          "advice",
                                          "investigated",
                                          "contact_other_party",
                                          "settlement",
                                          "referred",
                                          "registered_only",
                                          "tribunal_or_court",
                                          "withdrawn",
                                          "no_contact",
                                          "not_discrimination",
                                          "mediation_agreement",
                                          "mediation_no_agreement"};
  static const char* const kResults[] = {"fulfilled",    "fulfilled", "partly_fulfilled", "broken",
                                         "no_agreement", "withdrawn", "declined"};
  int first = 0;
  tx.sql() << "SELECT COUNT(*) FROM reports WHERE organisation_id = :o", soci::use(organisation_id),
      soci::into(first);
  std::string prefix = jurisdiction == "se"   ? "SE-DEMO-"
                       : jurisdiction == "nl" ? "NL-DEMO-"
                                              : "NO-DEMO-";
  for (int i = 0; i < count; ++i) {
    auto pick = [](auto& list) { return list[randombytes_uniform(std::size(list))]; };
    char number[16];
    std::snprintf(number, sizeof number, "%07d", first + i + 1);
    std::string reference = prefix + number;
    long long created = now - static_cast<long long>(randombytes_uniform(3 * 365)) * 86400 -
                        randombytes_uniform(86400);
    // Older cases are mostly closed, as in a real office.
    bool old = now - created > 120LL * 86400;
    std::string status = old && randombytes_uniform(10) < 8 ? "closed" : pick(kStatuses);
    std::string channel = pick(kChannels), reporter = pick(kReporters);
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
    long long ack = created + randombytes_uniform(10 * 86400);
    soci::indicator ack_ind = status == "received" ? soci::i_null : soci::i_ok;
    // Advice, a referral or mediation was feedback to the person.
    long long feedback = ack + 3600 + randombytes_uniform(60 * 86400);
    soci::indicator feedback_ind =
        status == "received" || status == "in_assessment" ? soci::i_null : soci::i_ok;
    long long closed = feedback + randombytes_uniform(90 * 86400);
    soci::indicator closed_ind = status == "closed" ? soci::i_ok : soci::i_null;
    std::string outcome = pick(kOutcomes);
    soci::indicator outcome_ind = closed_ind;
    // Coded once assessed: mostly as reported, sometimes another area; one or two grounds.
    bool coded = status != "received" && status != "in_assessment";
    std::string coded_area = randombytes_uniform(5) == 0 && !areas.empty()
                                 ? areas[randombytes_uniform(areas.size())]
                                 : area;
    soci::indicator coded_ind = coded ? soci::i_ok : soci::i_null;
    long long approved_at = closed + 86400;
    soci::indicator approved_ind =
        coded && status == "closed" && randombytes_uniform(10) < 8 ? soci::i_ok : soci::i_null;
    long long id = 0;
    tx.sql() << "INSERT INTO reports (organisation_id, reference, receipt_lookup, office_key_id, "
                "key_sealed, key_receipt, content_sealed, language, channel, reporter_type, "
                "contact_mode, area, place_kind, party_kind, municipality, event_month, "
                "received_month, status, outcome, created_at, updated_at, acknowledged_at, "
                "feedback_at, closed_at, coded_area, statistics_approved_at) VALUES (:o, :r, :l, "
                ":k, :ks, :kr, :c, 'en', :ch, :rt, 'none', :a, :p, :pt, :m, :em, :rm, :s, :out, "
                ":t, :t2, :ack, :fb, :cl, :ca, :ap) RETURNING id",
        soci::use(organisation_id), soci::use(reference), soci::use(lookup),
        soci::use(office_key->id), soci::use(key_sealed), soci::use(key_receipt),
        soci::use(sealed_content), soci::use(channel), soci::use(reporter), soci::use(area),
        soci::use(place), soci::use(party), soci::use(municipality), soci::use(month),
        soci::use(month), soci::use(status), soci::use(outcome, outcome_ind), soci::use(created),
        soci::use(created), soci::use(ack, ack_ind), soci::use(feedback, feedback_ind),
        soci::use(closed, closed_ind), soci::use(coded_area, coded_ind),
        soci::use(approved_at, approved_ind), soci::into(id);
    auto some = [](const auto& list, unsigned most) {
      std::vector<std::string> out;
      if (list.empty()) return out;
      unsigned n = 1 + (randombytes_uniform(5) == 0 ? randombytes_uniform(most) : 0);
      for (unsigned k = 0; k < n; ++k) {
        std::string c = list[randombytes_uniform(std::size(list))];
        if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
      }
      return out;
    };
    auto insert_codes = [&tx, id](const char* table, const std::vector<std::string>& codes) {
      for (const auto& c : codes) {
        tx.sql() << std::string("INSERT INTO ") + table + " (report_id, code) VALUES (:r, :c)",
            soci::use(id), soci::use(c);
      }
    };
    auto reported = some(grounds, 2);
    insert_codes("report_grounds", reported);
    insert_codes("report_wishes",
                 some(std::vector<std::string>(std::begin(kWishes), std::end(kWishes)), 2));
    if (coded) {
      insert_codes("case_grounds", randombytes_uniform(4) == 0 ? some(grounds, 2) : reported);
      insert_codes("case_forms", some(forms, 1));
    }
    bool referred =
        status == "referred" ||
        (status == "closed" && (outcome == "referred" || outcome == "tribunal_or_court"));
    if (referred && !bodies.empty()) {
      const auto& [body, kind] = bodies[randombytes_uniform(bodies.size())];
      std::string consent_on = format_date(date_of(feedback));
      std::string draft =
          crypto::to_base64(crypto::encrypt(report_key, "DEMO referral", "referral:" + reference));
      tx.sql() << "INSERT INTO referrals (report_id, body, kind, consent_how, consent_on, status, "
                  "draft_sealed, created_by, created_at, sent_at, updated_at) VALUES (:r, :b, "
                  ":k, 'in_writing', :on, 'sent', :d, :u, :t, :t2, :t3)",
          soci::use(id), soci::use(body), soci::use(kind), soci::use(consent_on), soci::use(draft),
          soci::use(staff), soci::use(feedback), soci::use(feedback), soci::use(feedback);
    }
    bool mediated =
        status == "in_mediation" || (status == "closed" && outcome.rfind("mediation_", 0) == 0);
    if (mediated && staff != 0) {
      std::string result = status == "closed"
                               ? (outcome == "mediation_agreement"
                                      ? std::string(kResults[randombytes_uniform(3)])
                                      : std::string(kResults[3 + randombytes_uniform(4)]))
                               : std::string();
      soci::indicator result_ind = result.empty() ? soci::i_null : soci::i_ok;
      std::string stage = result.empty() ? "preparing" : "closed";
      std::string mref = "MB-DEMO-" + std::string(number);
      std::string mkey =
          crypto::to_base64(crypto::seal_to(office_key->public_key, crypto::random_key()));
      tx.sql() << "INSERT INTO mediations (organisation_id, reference, report_id, office_key_id, "
                  "key_sealed, stage, result, created_by, created_at, updated_at, closed_at) "
                  "VALUES (:o, :r, :rep, :k, :ks, :s, :res, :u, :t, :t2, :cl)",
          soci::use(organisation_id), soci::use(mref), soci::use(id), soci::use(office_key->id),
          soci::use(mkey), soci::use(stage), soci::use(result, result_ind), soci::use(staff),
          soci::use(feedback), soci::use(feedback), soci::use(closed, result_ind);
    }
    sodium_memzero(report_key.data(), report_key.size());
  }
  return count;
}

}  // namespace dime::casework
