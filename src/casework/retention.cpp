// Retention and the person's rights: erasure after the office's retention period or on request,
// and the export for an access request. Erasing destroys the keys, which alone makes every
// ciphertext of the case unreadable; the ciphertexts and rows are deleted as well, so that a
// backup taken afterwards holds nothing either.
#include <nlohmann/json.hpp>

#include "audit/service.hpp"
#include "casework/referrals.hpp"
#include "casework/service.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/translatable.hpp"

namespace dime::casework {

using nlohmann::json;

void erase(storage::Transaction& tx, const crypto::Keys& keys, std::optional<long long> actor_user,
           long long organisation_id, long long id, const std::string& reason, long long now) {
  std::string reference;
  soci::indicator erased_ind = soci::i_null;
  long long erased = 0;
  tx.sql() << "SELECT reference, erased_at FROM reports WHERE id = :id AND organisation_id = :o",
      soci::use(id), soci::use(organisation_id), soci::into(reference),
      soci::into(erased, erased_ind);
  if (!tx.sql().got_data())
    throw Error(ErrorKind::not_found, N_("There is no case at this address."));
  if (erased_ind == soci::i_ok) return;  // already erased
  tx.sql() << "DELETE FROM report_attachments WHERE report_id = :r", soci::use(id);
  tx.sql() << "DELETE FROM report_messages WHERE report_id = :r", soci::use(id);
  tx.sql() << "DELETE FROM case_notes WHERE report_id = :r", soci::use(id);
  tx.sql() << "DELETE FROM case_tasks WHERE report_id = :r", soci::use(id);
  // Referrals keep where the case went and how it ended; their documents go.
  tx.sql() << "UPDATE referrals SET draft_sealed = '', other_body_sealed = NULL WHERE "
              "report_id = :r",
      soci::use(id);
  tx.sql() << "UPDATE reports SET key_sealed = '', key_receipt = '', content_sealed = '', "
              "wants_notification = 0, erased_at = :t, updated_at = :t2 WHERE id = :r",
      soci::use(now), soci::use(now), soci::use(id);
  std::string kind = "erased";
  std::string detail = reason;
  long long actor = actor_user.value_or(0);
  soci::indicator actor_ind = actor_user ? soci::i_ok : soci::i_null;
  tx.sql() << "INSERT INTO case_events (report_id, at, actor_user_id, kind, detail) "
              "VALUES (:r, :t, :a, :k, :d)",
      soci::use(id), soci::use(now), soci::use(actor, actor_ind), soci::use(kind),
      soci::use(detail);
  audit::append(tx, keys, {actor_user, organisation_id, "case.erase", "case", reference, reason});
}

void erase_on_request(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                      long long id, const std::string& confirm, long long now) {
  std::string reference;
  tx.sql() << "SELECT reference FROM reports WHERE id = :id AND organisation_id = :o",
      soci::use(id), soci::use(actor.organisation_id), soci::into(reference);
  if (!tx.sql().got_data())
    throw Error(ErrorKind::not_found, N_("There is no case at this address."));
  if (confirm != reference) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "",
                {{"confirm", N_("Type the case reference exactly to confirm the erasure.")}});
  }
  // Erasure at the person's request ends the case: an open one is closed as withdrawn.
  tx.sql() << "UPDATE reports SET status = 'closed', outcome = 'withdrawn', closed_at = :t "
              "WHERE id = :id AND status <> 'closed'",
      soci::use(now), soci::use(id);
  erase(tx, keys, actor.user_id, actor.organisation_id, id, "request", now);
}

int erase_expired(storage::Transaction& tx, const crypto::Keys& keys, long long now, int limit) {
  struct Office {
    long long id = 0;
    int months = 0;
  };
  std::vector<Office> offices;
  {
    Office o;
    soci::statement st = (tx.sql().prepare << "SELECT id, retention_months FROM organisations "
                                              "WHERE kind = 'help_office'",
                          soci::into(o.id), soci::into(o.months));
    st.execute();
    while (st.fetch()) offices.push_back(o);
  }
  int erased = 0;
  for (const auto& o : offices) {
    if (erased >= limit) break;
    Date cut_day = add_months(date_of(now), -o.months);
    long long cut =
        std::chrono::duration_cast<std::chrono::seconds>(cut_day.time_since_epoch()).count();
    std::vector<long long> ids;
    long long id = 0;
    soci::statement st =
        (tx.sql().prepare << "SELECT id FROM reports WHERE organisation_id = :o AND status = "
                             "'closed' AND erased_at IS NULL AND closed_at < :cut ORDER BY id "
                             "LIMIT :n",
         soci::use(o.id), soci::use(cut), soci::use(limit - erased), soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
    for (long long rid : ids) {
      erase(tx, keys, std::nullopt, o.id, rid, "retention", now);
      ++erased;
    }
  }
  return erased;
}

std::string export_case(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                        long long id, long long now) {
  Case c = open(tx, keys, actor, id, now);
  const auto& in = c.report;
  json messages = json::array();
  for (const auto& m : c.messages) {
    messages.push_back({{"from", m.author == "staff" ? "office" : "person"},
                        {"body", m.body},
                        {"at", format_date(date_of(m.created_at))}});
  }
  json files = json::array();
  for (const auto& a : c.attachments) {
    files.push_back({{"name", a.filename}, {"type", a.content_type}, {"size", a.size}});
  }
  json notes = json::array();
  for (const auto& n : c.notes) {
    notes.push_back({{"body", n.body}, {"at", format_date(date_of(n.created_at))}});
  }
  json out{{"reference", c.row.reference},
           {"received", format_date(date_of(c.row.created_at))},
           {"status", c.row.status},
           {"outcome", c.outcome.value_or("")},
           {"erased", c.erased_at.has_value()},
           {"report",
            {{"reporter_type", in.reporter_type},
             {"affected_consent", in.affected_consent},
             {"narrative", in.narrative},
             {"event_date", in.event_date},
             {"event_period", in.event_period},
             {"municipality", in.municipality},
             {"place_kind", in.place_kind},
             {"area", in.area},
             {"grounds", in.grounds},
             {"party_kind", in.party_kind},
             {"party_name", in.party_name},
             {"witnesses", in.witnesses},
             {"wishes", in.wishes},
             {"contact_mode", in.contact_mode},
             {"name", in.name},
             {"email", in.email},
             {"phone", in.phone},
             {"notify_email", in.notify_email}}},
           {"assessment",
            {{"grounds", c.coding.grounds},
             {"forms", c.coding.forms},
             {"area", c.coding.area},
             {"event_earliest", c.coding.event_earliest}}},
           {"messages", messages},
           {"files", files},
           {"internal_notes", notes},
           {"referrals", json::array()}};
  for (const auto& r : referrals_of(tx, actor, id)) {
    Referral full = open_referral(tx, keys, actor, id, r.id);
    out["referrals"].push_back({{"body", full.other_body.empty() ? full.body : full.other_body},
                                {"consent_how", full.consent_how},
                                {"consent_on", full.consent_on},
                                {"status", full.status},
                                {"outcome", full.outcome},
                                {"document", full.sections}});
  }
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.export", "case",
                 c.row.reference, "access request"});
  return out.dump(2);
}

}  // namespace dime::casework
