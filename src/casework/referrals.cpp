// Referrals: see referrals.hpp. The document is prepared from the case in the office's own
// language (the body it goes to reads that language), stored as one ciphertext under the
// report key ("referral:<ref>"), edited by the advisor, and rendered to PDF on request.
#include "casework/referrals.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/service.hpp"
#include "casework/internal.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/translatable.hpp"
#include "reference/service.hpp"

namespace dime::casework {

using nlohmann::json;
using namespace detail;

const std::vector<Option>& consent_ways() {
  static const std::vector<Option> v{
      {"in_writing", N_("In writing (signed or by e-mail)")},
      {"in_person", N_("In person at the office")},
      {"by_phone", N_("By phone")},
      {"through_follow_up", N_("In a message through the follow-up page")},
  };
  return v;
}

const std::vector<Option>& referral_statuses() {
  static const std::vector<Option> v{
      {"draft", N_("Draft")},
      {"sent", N_("Sent")},
      {"acknowledged", N_("Received by the body")},
      {"decided", N_("Decided")},
      {"withdrawn", N_("Withdrawn")},
  };
  return v;
}

bool can_move_referral(const std::string& from, const std::string& to) {
  static const std::map<std::string, std::vector<std::string>> kNext{
      {"draft", {"sent", "withdrawn"}},
      {"sent", {"acknowledged", "decided", "withdrawn"}},
      {"acknowledged", {"decided", "withdrawn"}},
  };
  auto it = kNext.find(from);
  return it != kNext.end() &&
         std::find(it->second.begin(), it->second.end(), to) != it->second.end();
}

const std::vector<Option>& referral_outcomes() {
  static const std::vector<Option> v{
      {"upheld", N_("Discrimination found, or the complaint upheld")},
      {"not_upheld", N_("No discrimination found")},
      {"settled", N_("Settled or agreement reached")},
      {"dismissed", N_("Dismissed or not taken up")},
      {"charged", N_("Police: charged or fined")},
      {"investigation_closed", N_("Police: investigation closed")},
      {"advice_given", N_("Advice or guidance given")},
      {"other", N_("Other outcome")},
  };
  return v;
}

const std::vector<Option>& document_sections(const std::string& kind) {
  static const std::vector<Option> kTribunal{
      {"what_happened", N_("What happened")},
      {"prohibition", N_("Which prohibition and ground")},
      {"timeline", N_("When: the events in order")},
      {"place", N_("Where")},
      {"people", N_("Who: the parties and witnesses")},
      {"power_of_attorney", N_("Power of attorney")},
      {"documents", N_("Attached documents")},
  };
  static const std::vector<Option> kPolice{
      {"what_happened", N_("What happened")},
      {"timeline", N_("When: the events in order")},
      {"place", N_("Where")},
      {"people", N_("Who: the parties and witnesses")},
      {"documents", N_("Evidence")},
      {"wishes", N_("What the person wants")},
  };
  static const std::vector<Option> kOther{
      {"what_happened", N_("What happened")},
      {"prohibition", N_("Which prohibition and ground")},
      {"timeline", N_("When: the events in order")},
      {"people", N_("Who: the parties and witnesses")},
      {"request", N_("What we ask of you")},
  };
  if (kind == "tribunal") return kTribunal;
  if (kind == "police") return kPolice;
  return kOther;
}

namespace {

struct Body {
  std::string code, kind;
};

Body body_of(storage::Transaction& tx, long long organisation_id, const std::string& code) {
  auto list = office_list(tx, organisation_id, reference::Category::referral_bodies);
  const auto* e = list.find(code);
  if (!e || e->retired) return {};
  return {e->code, e->kind.empty() ? std::string("other") : e->kind};
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (l.empty()) continue;
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// The first draft of every section, from what the case holds now.
std::map<std::string, std::string> first_draft(storage::Transaction& tx, const Case& c,
                                               const std::string& kind, long long organisation_id,
                                               const Translate& tr) {
  auto lang_list = [&](reference::Category cat) { return office_list(tx, organisation_id, cat); };
  std::string language = "nb";
  tx.sql() << "SELECT default_language FROM organisations WHERE id = :o",
      soci::use(organisation_id), soci::into(language);
  auto label = [&](const reference::List& list, const std::string& code) {
    const auto* e = list.find(code);
    return e ? reference::label(*e, language) : code;
  };
  auto option = [&](const std::vector<Option>& options, const std::string& code) {
    const char* l = intake::option_label(options, code);
    return *l ? tr(l) : code;
  };
  const auto& in = c.report;
  auto grounds = lang_list(reference::Category::grounds);
  auto forms = lang_list(reference::Category::forms);
  auto areas = lang_list(reference::Category::areas);

  std::map<std::string, std::string> s;
  s["what_happened"] = in.narrative;

  std::vector<std::string> prohibition;
  for (const auto& f : c.coding.forms) {
    const auto* e = forms.find(f);
    prohibition.push_back(
        "• " + label(forms, f) +
        (e && !e->legal_reference.empty() ? " (" + e->legal_reference + ")" : ""));
  }
  const auto& ground_codes = c.coding.grounds.empty() ? in.grounds : c.coding.grounds;
  for (const auto& g : ground_codes) {
    if (g == "dont_know") continue;
    const auto* e = grounds.find(g);
    prohibition.push_back(
        "• " + tr(N_("Ground:")) + " " + label(grounds, g) +
        (e && !e->legal_reference.empty() ? " (" + e->legal_reference + ")" : ""));
  }
  s["prohibition"] = joined_lines(prohibition);

  std::string when = in.event_date.empty() ? in.event_period : in.event_date;
  s["timeline"] = joined_lines({
      when.empty() ? "" : tr(N_("When it happened, as the person told it:")) + " " + when,
      c.coding.event_earliest.empty() ? ""
                                      : tr(N_("Earliest event:")) + " " + c.coding.event_earliest,
      tr(N_("Reported to the office:")) + " " + format_date(date_of(c.row.created_at)),
  });

  std::string area = c.coding.area.empty() ? in.area : c.coding.area;
  s["place"] = joined_lines(
      {label(areas, area), option(intake::place_kinds(), in.place_kind), in.municipality});

  s["people"] = joined_lines({
      tr(N_("The other party:")) + " " + option(intake::party_kinds(), in.party_kind) +
          (in.party_name.empty() ? "" : ": " + in.party_name),
      in.witnesses.empty() ? "" : tr(N_("Witnesses:")) + " " + in.witnesses,
  });

  s["power_of_attorney"] =
      in.reporter_type == "self"
          ? tr(N_("The person concerned files the complaint with the office's help. If the office "
                  "files it on their behalf, their written power of attorney is attached."))
          : tr(N_(
                "The complaint is filed on behalf of the person concerned. Their written power of "
                "attorney is attached."));

  std::vector<std::string> files;
  int n = 0;
  for (const auto& a : c.attachments) {
    files.push_back(std::to_string(++n) + ". " + a.filename);
  }
  s["documents"] = files.empty() ? tr(N_("No documents yet.")) : joined_lines(files);

  std::vector<std::string> wishes;
  for (const auto& w : in.wishes) wishes.push_back("• " + option(intake::wishes(), w));
  s["wishes"] = joined_lines(wishes);
  s["request"] = "";

  std::map<std::string, std::string> out;
  for (const auto& section : document_sections(kind)) out[section.code] = s[section.code];
  return out;
}

struct Stored {
  Referral r;
  std::string draft_sealed, other_sealed;
};

Stored load(storage::Transaction& tx, const Found& f, long long referral_id) {
  Stored row;
  auto& r = row.r;
  std::string outcome;
  long long sent = 0;
  soci::indicator outcome_ind = soci::i_null, sent_ind = soci::i_null, other_ind = soci::i_null;
  tx.sql() << "SELECT id, body, kind, consent_how, consent_on, status, outcome, created_at, "
              "sent_at, draft_sealed, other_body_sealed FROM referrals WHERE id = :id AND "
              "report_id = :r",
      soci::use(referral_id), soci::use(f.id), soci::into(r.id), soci::into(r.body),
      soci::into(r.kind), soci::into(r.consent_how), soci::into(r.consent_on), soci::into(r.status),
      soci::into(outcome, outcome_ind), soci::into(r.created_at), soci::into(sent, sent_ind),
      soci::into(row.draft_sealed), soci::into(row.other_sealed, other_ind);
  if (!tx.sql().got_data()) throw Error(ErrorKind::not_found, N_("There is no such referral."));
  if (outcome_ind == soci::i_ok) r.outcome = outcome;
  if (sent_ind == soci::i_ok) r.sent_at = sent;
  if (other_ind != soci::i_ok) row.other_sealed.clear();
  return row;
}

void decrypt(Stored& row, const std::string& key, const std::string& reference) {
  if (row.draft_sealed.empty()) return;  // erased
  auto j = json::parse(unseal(key, row.draft_sealed, "referral:" + reference));
  for (const auto& [k, v] : j.items()) row.r.sections[k] = v.get<std::string>();
  if (!row.other_sealed.empty()) {
    row.r.other_body = unseal(key, row.other_sealed, "referral:" + reference);
  }
}

}  // namespace

std::vector<Referral> referrals_of(storage::Transaction& tx, const Actor& actor, long long id) {
  Found f = find(tx, actor, id);
  std::vector<Referral> out;
  Referral r;
  std::string outcome;
  long long sent = 0;
  soci::indicator outcome_ind = soci::i_null, sent_ind = soci::i_null;
  soci::statement st =
      (tx.sql().prepare << "SELECT id, body, kind, consent_how, consent_on, status, outcome, "
                           "created_at, sent_at FROM referrals WHERE report_id = :r ORDER BY id",
       soci::use(f.id), soci::into(r.id), soci::into(r.body), soci::into(r.kind),
       soci::into(r.consent_how), soci::into(r.consent_on), soci::into(r.status),
       soci::into(outcome, outcome_ind), soci::into(r.created_at), soci::into(sent, sent_ind));
  st.execute();
  while (st.fetch()) {
    Referral copy = r;
    copy.outcome = outcome_ind == soci::i_ok ? outcome : std::string();
    if (sent_ind == soci::i_ok) copy.sent_at = sent;
    out.push_back(std::move(copy));
  }
  return out;
}

long long create_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                          long long id, const std::string& body, const std::string& other_body,
                          const std::string& consent_how, const std::string& consent_on,
                          const Translate& tr, long long now) {
  Found f = find(tx, actor, id);
  std::map<std::string, std::string> e;
  Body b = body_of(tx, actor.organisation_id, body);
  if (b.code.empty()) e["body"] = N_("Choose where the case goes.");
  if (b.code == "other") {
    check_text(e, "other_body", other_body, 200);
  } else if (!other_body.empty() && !b.code.empty()) {
    e["other_body"] = N_("Name a body only when it is not in the list.");
  }
  if (!intake::has_code(consent_ways(), consent_how)) {
    e["consent_how"] = N_("Record how the person agreed to the referral.");
  }
  auto on = parse_date(consent_on);
  if (!on || *on > date_of(now) || consent_on < "2000-01-01") {
    e["consent_on"] = N_("Enter the day the person agreed, such as 2026-03-14.");
  }
  throw_if(e);
  std::string key = report_key(tx, actor, f);
  Case c = open(tx, keys, actor, id, now);  // audited read: the draft is made from the case
  auto sections = first_draft(tx, c, b.kind, actor.organisation_id, tr);
  std::string draft = seal(key, json(sections).dump(), "referral:" + f.reference);
  std::string other = b.code == "other" ? seal(key, other_body, "referral:" + f.reference) : "";
  soci::indicator other_ind = other.empty() ? soci::i_null : soci::i_ok;
  long long referral_id = 0;
  tx.sql() << "INSERT INTO referrals (report_id, body, kind, other_body_sealed, consent_how, "
              "consent_on, status, draft_sealed, created_by, created_at, updated_at) VALUES "
              "(:r, :b, :k, :o, :ch, :co, 'draft', :d, :u, :t, :t2) RETURNING id",
      soci::use(f.id), soci::use(b.code), soci::use(b.kind), soci::use(other, other_ind),
      soci::use(consent_how), soci::use(consent_on), soci::use(draft), soci::use(actor.user_id),
      soci::use(now), soci::use(now), soci::into(referral_id);
  record(tx, keys, actor, f, "referral", std::to_string(referral_id) + " " + b.code, now);
  return referral_id;
}

Referral open_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                       long long id, long long referral_id) {
  Found f = find(tx, actor, id);
  Stored row = load(tx, f, referral_id);
  row.r.case_reference = f.reference;
  if (!f.erased_at) decrypt(row, report_key(tx, actor, f), f.reference);
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.read", "case", f.reference,
                 "referral " + std::to_string(referral_id)});
  return row.r;
}

void save_draft(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long referral_id,
                const std::map<std::string, std::string>& sections, long long now) {
  Found f = find(tx, actor, id);
  Stored row = load(tx, f, referral_id);
  if (row.r.status != "draft") {
    throw Error(ErrorKind::conflict,
                N_("This referral is no longer a draft: its document is final."));
  }
  std::string key = report_key(tx, actor, f);
  decrypt(row, key, f.reference);
  std::map<std::string, std::string> e;
  for (const auto& [k, v] : sections) {
    if (!row.r.sections.count(k)) continue;  // only the sections this document has
    if (!valid_text(v)) {
      e["section_" + k] = N_("This field contains characters we cannot read.");
    } else if (v.size() > kMaxSection) {
      e["section_" + k] = N_("This is too long.");
    } else {
      row.r.sections[k] = v;
    }
  }
  throw_if(e);
  std::string draft = seal(key, json(row.r.sections).dump(), "referral:" + f.reference);
  tx.sql() << "UPDATE referrals SET draft_sealed = :d, updated_at = :t WHERE id = :id",
      soci::use(draft), soci::use(now), soci::use(referral_id);
  record(tx, keys, actor, f, "referral_draft", std::to_string(referral_id), now);
}

void set_referral_status(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, long long referral_id, const std::string& status,
                         const std::string& outcome, long long now) {
  Found f = find(tx, actor, id);
  if (f.erased_at) {
    throw Error(ErrorKind::conflict,
                N_("The personal data of this case has been erased: nothing can be added to it."));
  }
  Stored row = load(tx, f, referral_id);
  std::map<std::string, std::string> e;
  if (!can_move_referral(row.r.status, status)) {
    e["referral_status"] = N_("The referral cannot move to that status from where it is now.");
  } else if (status == "decided" && !intake::has_code(referral_outcomes(), outcome)) {
    e["referral_outcome"] = N_("Choose what the body decided.");
  } else if (status != "decided" && !outcome.empty()) {
    e["referral_outcome"] = N_("Only a decided referral has an outcome.");
  }
  throw_if(e);
  std::string o = outcome;
  soci::indicator o_ind = o.empty() ? soci::i_null : soci::i_ok;
  tx.sql() << "UPDATE referrals SET status = :s, outcome = :o, updated_at = :t WHERE id = :id",
      soci::use(status), soci::use(o, o_ind), soci::use(now), soci::use(referral_id);
  if (status == "sent") {
    tx.sql() << "UPDATE referrals SET sent_at = :t WHERE id = :id", soci::use(now),
        soci::use(referral_id);
    // The case follows: referred, or in mediation when it went to mediation.
    bool mediation = row.r.kind == "mediation_service" || row.r.kind == "mediation_bench";
    std::string to = mediation ? "in_mediation" : "referred";
    // A case still "received" is assessed by now: it moves on through "in assessment".
    if (f.status == "received") move(tx, keys, actor, id, "in_assessment", "", now);
    std::string current = f.status == "received" ? "in_assessment" : f.status;
    if (current != to && can_move(current, to)) move(tx, keys, actor, id, to, "", now);
    if (!f.feedback_at) {
      tx.sql() << "UPDATE reports SET feedback_at = :t WHERE id = :r", soci::use(now),
          soci::use(f.id);
    }
  }
  record(tx, keys, actor, f, "referral_status",
         std::to_string(referral_id) + " " + status + (o.empty() ? "" : " " + o), now);
}

std::string referral_pdf(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, long long referral_id, const Translate& tr,
                         const std::string& language, const std::string& office_name) {
  Found f = find(tx, actor, id);
  Stored row = load(tx, f, referral_id);
  decrypt(row, report_key(tx, actor, f), f.reference);
  auto bodies = office_list(tx, actor.organisation_id, reference::Category::referral_bodies);
  const auto* entry = bodies.find(row.r.body);
  const std::string body_label = entry ? reference::label(*entry, language) : row.r.body;
  documents::Document doc;
  const std::string to = row.r.other_body.empty() ? body_label : row.r.other_body;
  if (row.r.kind == "tribunal") {
    doc.title = tr(N_("Complaint")) + ": " + to;
  } else if (row.r.kind == "police") {
    doc.title = tr(N_("Incident summary for the police"));
  } else {
    doc.title = tr(N_("Referral")) + ": " + to;
  }
  doc.subtitle = office_name + " · " + f.reference + " · " + tr(N_("Consent recorded:")) + " " +
                 row.r.consent_on;
  doc.footer = f.reference + (row.r.status == "draft" ? " · " + tr(N_("Draft")) : "") + " · " +
               tr(N_("Confidential: contains personal data"));
  for (const auto& section : document_sections(row.r.kind)) {
    doc.sections.push_back({tr(section.label), row.r.sections[section.code]});
  }
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.export", "case", f.reference,
                 "referral document " + std::to_string(referral_id)});
  return documents::render_pdf(doc);
}

ForBench for_bench(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, long long referral_id, const Translate& tr) {
  Found f = find(tx, actor, id);
  Stored row = load(tx, f, referral_id);
  ForBench out;
  out.kind = row.r.kind;
  if (out.kind != "mediation_bench") return out;  // nothing is read for another body
  std::string key = report_key(tx, actor, f);
  decrypt(row, key, f.reference);
  for (const auto& section : document_sections(row.r.kind)) {
    const std::string& text = row.r.sections[section.code];
    if (!text.empty()) out.brief += tr(section.label) + "\n" + text + "\n\n";
  }
  std::string content;
  tx.sql() << "SELECT content_sealed, language FROM reports WHERE id = :id", soci::use(f.id),
      soci::into(content), soci::into(out.language);
  auto j = json::parse(unseal(key, content, "report:" + f.reference));
  out.name = j.value("name", "");
  out.email = j.value("email", "");
  out.phone = j.value("phone", "");
  out.party_name = j.value("party_name", "");
  tx.sql() << "SELECT party_kind FROM reports WHERE id = :id", soci::use(f.id),
      soci::into(out.party_kind);
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.read", "case", f.reference,
                 "passed to the mediation bench with referral " + std::to_string(referral_id)});
  return out;
}

void mediation_feedback(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
                        long long organisation_id, long long id,
                        std::optional<long long> referral_id, const std::string& detail,
                        const std::string& referral_outcome, long long now) {
  Actor actor{actor_user, organisation_id, {}};
  Found f = find(tx, actor, id);
  if (referral_id && !referral_outcome.empty()) {
    tx.sql() << "UPDATE referrals SET status = 'decided', outcome = :o, updated_at = :t WHERE id "
                "= :id AND report_id = :r AND status IN ('sent', 'acknowledged')",
        soci::use(referral_outcome), soci::use(now), soci::use(*referral_id), soci::use(f.id);
  }
  record(tx, keys, actor, f, "mediation", detail, now);
}

}  // namespace dime::casework
