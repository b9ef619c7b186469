// Mediation rules: see service.hpp and model.hpp. Each mediation has its own key, sealed to the
// office key and to each assigned mediator's key pair; parties' details, the brief, notes,
// places and the agreement are encrypted under it.
#include "mediation/service.hpp"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "accounts/service.hpp"
#include "audit/service.hpp"
#include "calendar/ical.hpp"
#include "casework/referrals.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/translatable.hpp"
#include "documents/pdf.hpp"
#include "i18n/i18n.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"

namespace dime::mediation {

using nlohmann::json;

// ---- Option lists ----

const std::vector<Option>& stages() {
  static const std::vector<Option> v{
      {"referred", N_("Referred to the bench")},
      {"contacted", N_("Other party contacted")},
      {"consented", N_("Both parties consent")},
      {"preparing", N_("Preparatory talks")},
      {"meeting", N_("Mediation meeting")},
      {"follow_up", N_("Agreement: follow-up")},
      {"closed", N_("Closed")},
  };
  return v;
}

const std::vector<Option>& results() {
  static const std::vector<Option> v{
      {"fulfilled", N_("Agreement fulfilled")},
      {"partly_fulfilled", N_("Agreement partly fulfilled")},
      {"broken", N_("Agreement broken")},
      {"no_agreement", N_("No agreement")},
      {"withdrawn", N_("Consent withdrawn")},
      {"declined", N_("A party did not want mediation")},
  };
  return v;
}

const std::vector<Option>& party_roles() {
  static const std::vector<Option> v{
      {"complainant", N_("The person who reported")},
      {"other_party", N_("The other party")},
      {"representative", N_("Representative")},
      {"support_person", N_("Support person")},
  };
  return v;
}

const std::vector<Option>& party_kinds() {
  static const std::vector<Option> v{
      {"person", N_("A person")},
      {"employer", N_("An employer")},
      {"business", N_("A business or shop")},
      {"public_body", N_("A public body or service")},
      {"organisation", N_("An organisation or association")},
  };
  return v;
}

const std::vector<Option>& consent_ways() {
  static const std::vector<Option> v{
      {"in_writing", N_("In writing")},
      {"in_person", N_("In person")},
      {"by_phone", N_("By phone")},
  };
  return v;
}

const std::vector<Option>& contact_ways() {
  static const std::vector<Option> v{
      {"by_phone", N_("By phone")},
      {"by_letter", N_("By letter")},
      {"by_email", N_("By e-mail")},
      {"in_person", N_("In person")},
  };
  return v;
}

const std::vector<Option>& note_kinds() {
  static const std::vector<Option> v{
      {"call", N_("Call")},
      {"preparatory_talk", N_("Preparatory talk")},
      {"note", N_("Note")},
  };
  return v;
}

const std::vector<Option>& agreement_items() {
  static const std::vector<Option> v{
      {"apology", N_("Apology")},
      {"changed_practice", N_("Changed practice or routines")},
      {"training", N_("Training")},
      {"compensation", N_("Compensation")},
      {"future_conduct", N_("Conduct from now on")},
      {"other", N_("Anything else agreed")},
  };
  return v;
}

const std::vector<Option>& agreement_outcomes() {
  static const std::vector<Option> v{
      {"fulfilled", N_("Fulfilled")},
      {"partly_fulfilled", N_("Partly fulfilled")},
      {"broken", N_("Broken")},
  };
  return v;
}

namespace {

constexpr long long kDay = 24LL * 60 * 60;

// ---- Finding a mediation, and its key ----

struct Row {
  long long id = 0;
  long long organisation_id = 0;
  std::string reference;
  std::optional<long long> report_id, referral_id;
  long long office_key_id = 0;
  std::string key_sealed;
  std::string stage;
  std::optional<long long> erased_at;
  // The actor's own assignment, if any.
  bool assigned = false;
  std::string declaration;
  std::optional<std::string> copy;  // the mediation key sealed to the actor's key pair
};

const Error& not_found() {
  static const Error e(ErrorKind::not_found, N_("There is no mediation at this address."));
  return e;
}

// The mediation in the actor's office that the actor may see: theirs as a mediator (unless
// they declared a conflict), or any as a supervisor. Not found otherwise.
Row find(storage::Transaction& tx, const Actor& actor, long long id) {
  Row r;
  long long report = 0, referral = 0, erased = 0;
  soci::indicator report_ind = soci::i_null, referral_ind = soci::i_null, erased_ind = soci::i_null;
  tx.sql() << "SELECT id, organisation_id, reference, report_id, referral_id, office_key_id, "
              "key_sealed, stage, erased_at FROM mediations WHERE id = :id AND organisation_id = "
              ":o",
      soci::use(id), soci::use(actor.organisation_id), soci::into(r.id),
      soci::into(r.organisation_id), soci::into(r.reference), soci::into(report, report_ind),
      soci::into(referral, referral_ind), soci::into(r.office_key_id), soci::into(r.key_sealed),
      soci::into(r.stage), soci::into(erased, erased_ind);
  if (!tx.sql().got_data()) throw not_found();
  if (report_ind == soci::i_ok) r.report_id = report;
  if (referral_ind == soci::i_ok) r.referral_id = referral;
  if (erased_ind == soci::i_ok) r.erased_at = erased;
  if (actor.mediator) {
    std::string copy, declaration;
    soci::indicator copy_ind = soci::i_null, decl_ind = soci::i_null;
    tx.sql() << "SELECT key_sealed, declaration FROM mediation_mediators WHERE mediation_id = :m "
                "AND user_id = :u",
        soci::use(id), soci::use(actor.user_id), soci::into(copy, copy_ind),
        soci::into(declaration, decl_ind);
    if (tx.sql().got_data() && !(decl_ind == soci::i_ok && declaration == "conflict")) {
      r.assigned = true;
      if (decl_ind == soci::i_ok) r.declaration = declaration;
      if (copy_ind == soci::i_ok) r.copy = copy;
    }
  }
  if (!r.assigned && !actor.supervisor) throw not_found();
  return r;
}

// The mediation key, through the actor's own copy or (for a supervisor) the office key.
// `for_declaration` lets an assigned mediator open it before declaring.
std::string key_of(storage::Transaction& tx, const Actor& actor, const Row& r,
                   bool for_declaration = false) {
  if (r.erased_at) {
    throw Error(ErrorKind::conflict,
                N_("The personal data of this mediation has been erased: nothing can be added "
                   "to it."));
  }
  if (actor.user_secret.empty()) {
    throw Error(ErrorKind::unauthenticated, N_("Please sign in again to open cases."),
                "session without a user key");
  }
  if (r.assigned && (r.declaration == "no_conflict" || for_declaration)) {
    if (!r.copy) {
      throw Error(ErrorKind::forbidden,
                  N_("Your copy of this mediation's key is gone (your key pair was replaced). "
                     "Ask a coordinator to give you the mediation again."),
                  "no mediation key copy");
    }
    auto pk = keyring::user_public_key(tx, actor.user_id);
    if (!pk) throw Error(ErrorKind::forbidden, N_("Please sign in again to open cases."));
    return crypto::open_sealed({*pk, actor.user_secret}, crypto::from_base64(*r.copy));
  }
  if (r.assigned && r.declaration.empty() && !actor.supervisor) {
    throw Error(ErrorKind::forbidden,
                N_("Declare whether you have a conflict of interest before you open this "
                   "mediation."),
                "declaration due");
  }
  auto office = keyring::open_office_key(tx, r.office_key_id, actor.user_id, actor.user_secret);
  if (!office) {
    throw Error(ErrorKind::forbidden,
                N_("You do not hold this office's key yet. A colleague who holds it shares it "
                   "when they next sign in."),
                "no grant of office key " + std::to_string(r.office_key_id));
  }
  return crypto::open_sealed(*office, crypto::from_base64(r.key_sealed));
}

std::string seal(const std::string& key, const std::string& text, const Row& r, const char* what) {
  return crypto::to_base64(crypto::encrypt(key, text, "mediation:" + r.reference + ":" + what));
}
std::string unseal(const std::string& key, const std::string& sealed, const Row& r,
                   const char* what) {
  return crypto::decrypt(key, crypto::from_base64(sealed), "mediation:" + r.reference + ":" + what);
}

// A change: the timeline entry and the audit entry, in the same transaction.
void record(storage::Transaction& tx, const crypto::Keys& keys, std::optional<long long> user,
            const Row& r, const std::string& kind, const std::string& detail, long long now) {
  long long u = user.value_or(0);
  soci::indicator u_ind = user ? soci::i_ok : soci::i_null;
  tx.sql() << "INSERT INTO mediation_events (mediation_id, at, actor_user_id, kind, detail) "
              "VALUES (:m, :t, :a, :k, :d)",
      soci::use(r.id), soci::use(now), soci::use(u, u_ind), soci::use(kind), soci::use(detail);
  tx.sql() << "UPDATE mediations SET updated_at = :t WHERE id = :m", soci::use(now),
      soci::use(r.id);
  audit::append(tx, keys,
                {user, r.organisation_id, "mediation." + kind, "mediation", r.reference, detail});
}

// The mediation as an assigned mediator who has declared no conflict may change it.
Row writable(storage::Transaction& tx, const Actor& actor, long long id) {
  Row r = find(tx, actor, id);
  if (!r.assigned) {
    throw Error(ErrorKind::forbidden, N_("Only the mediators of this mediation can do this."),
                "not a mediator of this mediation");
  }
  if (r.declaration != "no_conflict") {
    throw Error(ErrorKind::forbidden,
                N_("Declare whether you have a conflict of interest before you open this "
                   "mediation."),
                "declaration due");
  }
  if (r.erased_at) {
    throw Error(ErrorKind::conflict,
                N_("The personal data of this mediation has been erased: nothing can be added "
                   "to it."));
  }
  return r;
}

Row open_for_change(storage::Transaction& tx, const Actor& actor, long long id) {
  Row r = writable(tx, actor, id);
  if (r.stage == "closed") {
    throw Error(ErrorKind::conflict, N_("This mediation is closed."));
  }
  return r;
}

int stage_index(const std::string& stage) {
  const auto& all = stages();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (stage == all[i].code) return static_cast<int>(i);
  }
  return -1;
}

// Moves the stage forward to `to` (never back).
void advance(storage::Transaction& tx, Row& r, const std::string& to, long long now) {
  if (stage_index(to) <= stage_index(r.stage)) return;
  tx.sql() << "UPDATE mediations SET stage = :s, updated_at = :t WHERE id = :m", soci::use(to),
      soci::use(now), soci::use(r.id);
  r.stage = to;
}

void throw_if(const std::map<std::string, std::string>& e) {
  if (!e.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", e);
  }
}

void check_text(std::map<std::string, std::string>& e, const std::string& field,
                const std::string& text, std::size_t max, bool required) {
  if (const char* problem = text_problem(text, max, required)) e[field] = problem;
}

// A date written YYYY-MM-DD that is not in the future.
void check_past_date(std::map<std::string, std::string>& e, const std::string& field,
                     const std::string& text, long long now) {
  auto d = parse_date(text);
  if (!d) {
    e[field] = N_("Please enter a date as YYYY-MM-DD.");
  } else if (*d > date_of(now)) {
    e[field] = N_("This date is in the future.");
  }
}

// ---- Parties ----

std::vector<Party> parties_of(storage::Transaction& tx, const Row& r, const std::string* key) {
  std::vector<Party> out;
  Party p;
  long long for_party = 0;
  std::string details, consent_on, consent_how, withdrawn_on;
  soci::indicator for_ind = soci::i_null, on_ind = soci::i_null, how_ind = soci::i_null,
                  w_ind = soci::i_null;
  soci::statement st =
      (tx.sql().prepare << "SELECT id, role, kind, for_party, language, details_sealed, "
                           "consent_on, consent_how, withdrawn_on FROM mediation_parties WHERE "
                           "mediation_id = :m ORDER BY id",
       soci::use(r.id), soci::into(p.id), soci::into(p.role), soci::into(p.kind),
       soci::into(for_party, for_ind), soci::into(p.language), soci::into(details),
       soci::into(consent_on, on_ind), soci::into(consent_how, how_ind),
       soci::into(withdrawn_on, w_ind));
  st.execute();
  while (st.fetch()) {
    Party out_p = p;
    if (for_ind == soci::i_ok) out_p.for_party = for_party;
    if (on_ind == soci::i_ok) out_p.consent_on = consent_on;
    if (how_ind == soci::i_ok) out_p.consent_how = consent_how;
    if (w_ind == soci::i_ok) out_p.withdrawn_on = withdrawn_on;
    if (key && !details.empty()) {
      auto j = json::parse(unseal(*key, details, r, "party"));
      out_p.details = {j.value("name", ""), j.value("organisation", ""), j.value("email", ""),
                       j.value("phone", "")};
    }
    out.push_back(std::move(out_p));
  }
  return out;
}

// Every party consents: at least one complainant and one other party, none withdrawn.
bool all_consent(const std::vector<Party>& parties) {
  bool complainant = false, other = false;
  for (const auto& p : parties) {
    if (!p.principal()) continue;
    if (!p.consents()) return false;
    (p.role == "complainant" ? complainant : other) = true;
  }
  return complainant && other;
}

bool has_held_meeting(storage::Transaction& tx, long long mediation_id) {
  int n = 0;
  tx.sql() << "SELECT COUNT(*) FROM mediation_meetings WHERE mediation_id = :m AND status = "
              "'held'",
      soci::use(mediation_id), soci::into(n);
  return n > 0;
}

std::map<std::string, std::string> check_party(const PartyInput& in) {
  std::map<std::string, std::string> e;
  if (!intake::has_code(party_roles(), in.role)) e["role"] = N_("Choose one of the options.");
  if (!intake::has_code(party_kinds(), in.kind)) e["kind"] = N_("Choose one of the options.");
  if (!i18n::find(in.language)) e["language"] = N_("Choose one of the options.");
  check_text(e, "name", in.details.name, 200, true);
  check_text(e, "organisation", in.details.organisation, 200, false);
  check_text(e, "phone", in.details.phone, 40, false);
  if (!in.details.email.empty() && !valid_email(in.details.email)) {
    e["email"] = N_("This e-mail address does not look right.");
  }
  return e;
}

long long insert_party(storage::Transaction& tx, const std::string& key, const Row& r,
                       const PartyInput& in, long long now) {
  json details{{"name", in.details.name},
               {"organisation", in.details.organisation},
               {"email", in.details.email},
               {"phone", in.details.phone}};
  std::string sealed = seal(key, details.dump(), r, "party");
  long long for_party = in.for_party.value_or(0);
  soci::indicator for_ind = in.for_party ? soci::i_ok : soci::i_null;
  long long id = 0;
  tx.sql() << "INSERT INTO mediation_parties (mediation_id, role, kind, for_party, language, "
              "details_sealed, created_at) VALUES (:m, :r, :k, :f, :l, :d, :t) RETURNING id",
      soci::use(r.id), soci::use(in.role), soci::use(in.kind), soci::use(for_party, for_ind),
      soci::use(in.language), soci::use(sealed), soci::use(now), soci::into(id);
  if (in.role == "other_party") {
    tx.sql() << "UPDATE mediations SET other_party_kind = :k WHERE id = :m AND other_party_kind "
                "IS NULL",
        soci::use(in.kind), soci::use(r.id);
  }
  return id;
}

std::string new_reference(storage::Transaction& tx) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  for (;;) {
    std::string ref = "MB-";
    for (int i = 0; i < 8; ++i) ref += kAlphabet[randombytes_uniform(32)];
    int taken = 0;
    tx.sql() << "SELECT COUNT(*) FROM mediations WHERE reference = :r", soci::use(ref),
        soci::into(taken);
    if (taken == 0) return ref;
  }
}

// A new mediation row with its own key, sealed to the office key; returns the row and key.
std::pair<Row, std::string> create(storage::Transaction& tx, const Actor& actor,
                                   std::optional<long long> report_id,
                                   std::optional<long long> referral_id, const std::string& brief,
                                   long long now) {
  auto office = keyring::current_office_key(tx, actor.organisation_id);
  if (!office) {
    throw Error(ErrorKind::unavailable,
                N_("This office has no key yet: an advisor or coordinator must sign in first."));
  }
  Row r;
  r.organisation_id = actor.organisation_id;
  r.reference = new_reference(tx);
  r.report_id = report_id;
  r.referral_id = referral_id;
  r.office_key_id = office->id;
  r.stage = "referred";
  std::string key = crypto::random_key();
  r.key_sealed = crypto::to_base64(crypto::seal_to(office->public_key, key));
  std::string brief_sealed = seal(key, brief, r, "brief");
  long long report = report_id.value_or(0), referral = referral_id.value_or(0);
  soci::indicator report_ind = report_id ? soci::i_ok : soci::i_null;
  soci::indicator referral_ind = referral_id ? soci::i_ok : soci::i_null;
  tx.sql() << "INSERT INTO mediations (organisation_id, reference, report_id, referral_id, "
              "office_key_id, key_sealed, brief_sealed, created_by, created_at, updated_at) "
              "VALUES (:o, :r, :rep, :ref, :k, :s, :b, :u, :t, :t2) RETURNING id",
      soci::use(r.organisation_id), soci::use(r.reference), soci::use(report, report_ind),
      soci::use(referral, referral_ind), soci::use(r.office_key_id), soci::use(r.key_sealed),
      soci::use(brief_sealed), soci::use(actor.user_id), soci::use(now), soci::use(now),
      soci::into(r.id);
  return {r, key};
}

bool is_office_mediator(storage::Transaction& tx, long long organisation_id, long long user_id) {
  int n = 0;
  tx.sql() << "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE "
              "m.user_id = :u AND m.organisation_id = :o AND m.role = 'mediator' AND "
              "u.disabled_at IS NULL",
      soci::use(user_id), soci::use(organisation_id), soci::into(n);
  return n > 0;
}

void give_key(storage::Transaction& tx, const Row& r, long long mediator, const std::string& key,
              long long by, long long now, const std::string& declaration = {}) {
  auto pk = keyring::user_public_key(tx, mediator);
  if (!pk) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "",
                {{"mediator", N_("This mediator has not signed in yet, so they cannot receive the "
                                 "mediation's key. Ask them to sign in once.")}});
  }
  std::string copy = crypto::to_base64(crypto::seal_to(*pk, key));
  int existing = 0;
  tx.sql() << "SELECT COUNT(*) FROM mediation_mediators WHERE mediation_id = :m AND user_id = :u",
      soci::use(r.id), soci::use(mediator), soci::into(existing);
  if (existing > 0) {
    tx.sql() << "UPDATE mediation_mediators SET key_sealed = :k, assigned_by = :b, assigned_at "
                "= :t WHERE mediation_id = :m AND user_id = :u",
        soci::use(copy), soci::use(by), soci::use(now), soci::use(r.id), soci::use(mediator);
    return;
  }
  std::string d = declaration;
  soci::indicator d_ind = d.empty() ? soci::i_null : soci::i_ok;
  long long at = now;
  soci::indicator at_ind = d.empty() ? soci::i_null : soci::i_ok;
  tx.sql() << "INSERT INTO mediation_mediators (mediation_id, user_id, key_sealed, assigned_by, "
              "assigned_at, declaration, declared_at) VALUES (:m, :u, :k, :b, :t, :d, :dt)",
      soci::use(r.id), soci::use(mediator), soci::use(copy), soci::use(by), soci::use(now),
      soci::use(d, d_ind), soci::use(at, at_ind);
}

// ---- Meetings and invitations ----

struct StoredMeeting {
  Meeting m;
  std::string place_sealed;
};

StoredMeeting load_meeting(storage::Transaction& tx, const Row& r, long long meeting_id) {
  StoredMeeting s;
  auto& m = s.m;
  std::string interpreter;
  soci::indicator i_ind = soci::i_null;
  tx.sql() << "SELECT id, uid, sequence, starts_at, ends_at, timezone, place_sealed, "
              "interpreter_language, status FROM mediation_meetings WHERE id = :id AND "
              "mediation_id = :m",
      soci::use(meeting_id), soci::use(r.id), soci::into(m.id), soci::into(m.uid),
      soci::into(m.sequence), soci::into(m.starts_at), soci::into(m.ends_at),
      soci::into(m.timezone), soci::into(s.place_sealed), soci::into(interpreter, i_ind),
      soci::into(m.status);
  if (!tx.sql().got_data()) {
    throw Error(ErrorKind::not_found, N_("There is no meeting at this address."));
  }
  if (i_ind == soci::i_ok) m.interpreter_language = interpreter;
  long long party = 0;
  soci::statement st = (tx.sql().prepare << "SELECT party_id FROM mediation_meeting_parties "
                                            "WHERE meeting_id = :m ORDER BY party_id",
                        soci::use(m.id), soci::into(party));
  st.execute();
  while (st.fetch()) m.parties.push_back(party);
  return s;
}

std::string office_timezone(storage::Transaction& tx, long long organisation_id) {
  auto org = organisations::find(tx, organisation_id);
  return organisations::timezone_for_jurisdiction(org ? org->jurisdiction : "no");
}

struct CheckedMeeting {
  long long starts_at = 0, ends_at = 0;
  std::string timezone;
};

CheckedMeeting check_meeting(storage::Transaction& tx, const Row& r, const MeetingInput& in,
                             const std::vector<Party>& parties) {
  std::map<std::string, std::string> e;
  CheckedMeeting c;
  c.timezone = office_timezone(tx, r.organisation_id);
  auto start = calendar::local_to_utc(in.starts, c.timezone);
  if (!start) {
    e["starts"] = N_("Please enter a date and time.");
  } else {
    c.starts_at = *start;
  }
  if (in.minutes < 15 || in.minutes > 600) {
    e["minutes"] = N_("A meeting lasts between 15 minutes and 10 hours.");
  }
  c.ends_at = c.starts_at + in.minutes * 60LL;
  check_text(e, "place", in.place, kMaxPlace, true);
  check_text(e, "interpreter_language", in.interpreter_language, 60, false);
  if (in.parties.empty()) e["parties"] = N_("Choose who takes part.");
  for (long long p : in.parties) {
    if (std::none_of(parties.begin(), parties.end(), [&](const Party& x) { return x.id == p; })) {
      e["parties"] = N_("Choose who takes part.");
    }
  }
  throw_if(e);
  return c;
}

std::string when_text(const Meeting& m) {
  std::string from = calendar::utc_to_local(m.starts_at, m.timezone);
  std::string to = calendar::utc_to_local(m.ends_at, m.timezone);
  from[10] = ' ';
  std::string end = to.substr(0, 10) == from.substr(0, 10) ? to.substr(11) : to.replace(10, 1, " ");
  return from + "–" + end + " (" + m.timezone + ")";
}

calendar::Event event_of(const Meeting& m, const std::string& office_name,
                         const std::function<std::string(std::string_view)>& tr,
                         const std::string& method, long long now) {
  calendar::Event e;
  e.uid = m.uid;
  e.sequence = m.sequence;
  e.method = method;
  e.starts_at = m.starts_at;
  e.ends_at = m.ends_at;
  e.timezone = m.timezone;
  // No case content: who the parties are and what it is about stay out of every calendar.
  e.summary = tr(N_("Meeting at the mediation bench")) + ": " + office_name;
  e.location = m.place;
  e.description = tr(N_("If you cannot come, please contact the office."));
  if (!m.interpreter_language.empty()) {
    e.description +=
        "\n" + tr(N_("An interpreter will be there for:")) + " " + m.interpreter_language;
  }
  e.stamp = now;
  return e;
}

// Queues an invitation (REQUEST) or a cancellation (CANCEL) to every participant with an
// e-mail address, in their own language. The message says when and where, nothing else.
void invite(storage::Transaction& tx, const crypto::Keys& keys, const Row& r, const Meeting& m,
            const std::vector<Party>& parties, const std::vector<long long>& to,
            const std::string& method, const Mailing& mailing, long long now) {
  if (!mailing.settings.enabled()) return;
  for (const auto& p : parties) {
    if (std::find(to.begin(), to.end(), p.id) == to.end() || p.details.email.empty()) continue;
    auto tr = [&](std::string_view msgid) { return mailing.tr(p.language, msgid); };
    calendar::Event e = event_of(m, mailing.office_name, tr, method, now);
    e.organizer_email = mailing.settings.from;
    e.organizer_name = mailing.office_name;
    e.attendees = {p.details.email};
    mail::Message msg;
    msg.to = p.details.email;
    msg.ics = calendar::to_ics(e);
    msg.ics_method = method;
    bool cancelled = method == "CANCEL";
    bool moved = !cancelled && m.sequence > 0;
    msg.subject = tr(cancelled ? N_("Meeting cancelled")
                     : moved   ? N_("Meeting moved")
                               : N_("Invitation to a meeting")) +
                  " – " + mailing.office_name;
    msg.text = tr(cancelled ? N_("This meeting at the mediation bench has been cancelled.")
                  : moved   ? N_("The meeting at the mediation bench has been moved.")
                            : N_("You are invited to a meeting at the mediation bench."));
    msg.text += "\n\n" + tr(N_("When:")) + " " + when_text(m) + "\n";
    if (!cancelled) {
      msg.text += tr(N_("Where:")) + " " + m.place + "\n";
      if (!m.interpreter_language.empty()) {
        msg.text +=
            tr(N_("An interpreter will be there for:")) + " " + m.interpreter_language + "\n";
      }
      msg.text += "\n" + tr(N_("The invitation is attached as a calendar file.")) + " " +
                  tr(N_("If you cannot come, please contact the office.")) + "\n";
    }
    msg.text += "\n" + mailing.office_name + "\n";
    mail::enqueue(tx, keys, r.organisation_id, msg, mailing.settings.from, now);
    record(tx, keys, std::nullopt, r, "invitation",
           std::to_string(m.id) + " " + method + " party " + std::to_string(p.id), now);
  }
}

void set_participants(storage::Transaction& tx, long long meeting_id,
                      const std::vector<long long>& parties) {
  tx.sql() << "DELETE FROM mediation_meeting_parties WHERE meeting_id = :m", soci::use(meeting_id);
  std::set<long long> unique(parties.begin(), parties.end());
  for (long long p : unique) {
    tx.sql() << "INSERT INTO mediation_meeting_parties (meeting_id, party_id) VALUES (:m, :p)",
        soci::use(meeting_id), soci::use(p);
  }
}

// Cancels every scheduled meeting (the mediation ended).
void cancel_all(storage::Transaction& tx, const crypto::Keys& keys, const Row& r,
                const std::string& key, const Mailing& mailing, long long now) {
  std::vector<long long> ids;
  long long id = 0;
  soci::statement st = (tx.sql().prepare << "SELECT id FROM mediation_meetings WHERE "
                                            "mediation_id = :m AND status = 'scheduled'",
                        soci::use(r.id), soci::into(id));
  st.execute();
  while (st.fetch()) ids.push_back(id);
  if (ids.empty()) return;
  auto parties = parties_of(tx, r, &key);
  for (long long meeting_id : ids) {
    auto s = load_meeting(tx, r, meeting_id);
    s.m.place = unseal(key, s.place_sealed, r, "place");
    s.m.sequence += 1;
    tx.sql() << "UPDATE mediation_meetings SET status = 'cancelled', sequence = :q, updated_at "
                "= :t WHERE id = :id",
        soci::use(s.m.sequence), soci::use(now), soci::use(meeting_id);
    invite(tx, keys, r, s.m, parties, s.m.parties, "CANCEL", mailing, now);
  }
}

// Closes the mediation with `result` and tells the case.
void close(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, Row& r,
           const std::string& result, long long now) {
  tx.sql() << "UPDATE mediations SET stage = 'closed', result = :r, closed_at = :t, updated_at = "
              ":t2 WHERE id = :m",
      soci::use(result), soci::use(now), soci::use(now), soci::use(r.id);
  r.stage = "closed";
  record(tx, keys, actor.user_id, r, "closed", result, now);
  if (r.report_id) {
    bool agreed = result == "fulfilled" || result == "partly_fulfilled" || result == "broken";
    casework::mediation_feedback(tx, keys, actor.user_id, r.organisation_id, *r.report_id,
                                 r.referral_id, r.reference + " " + result,
                                 agreed ? "settled" : "dismissed", now);
  }
}

std::vector<long long> mediators_ids(storage::Transaction& tx, long long mediation_id) {
  std::vector<long long> out;
  long long u = 0;
  soci::statement st =
      (tx.sql().prepare << "SELECT user_id FROM mediation_mediators WHERE mediation_id = :m AND "
                           "(declaration IS NULL OR declaration = 'no_conflict') ORDER BY "
                           "assigned_at",
       soci::use(mediation_id), soci::into(u));
  st.execute();
  while (st.fetch()) out.push_back(u);
  return out;
}

}  // namespace

// ---- Mediators of the office ----

std::vector<std::pair<long long, std::string>> mediators_of(storage::Transaction& tx,
                                                            const crypto::Keys& keys,
                                                            long long organisation_id) {
  return accounts::members_with_roles(tx, keys, organisation_id, {accounts::Role::mediator});
}

// ---- Opening ----

long long open_from_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                             long long report_id, long long referral_id,
                             const PartyInput& complainant, const PartyInput& other_party,
                             const std::string& brief, long long now) {
  int existing = 0;
  tx.sql() << "SELECT COUNT(*) FROM mediations WHERE referral_id = :r", soci::use(referral_id),
      soci::into(existing);
  if (existing > 0) return 0;
  auto [r, key] = create(tx, actor, report_id, referral_id, brief, now);
  // What the person told us about themselves and the other party, where they gave it; the
  // mediator completes and corrects it at first contact.
  if (!complainant.details.name.empty() || !complainant.details.email.empty() ||
      !complainant.details.phone.empty()) {
    insert_party(tx, key, r, complainant, now);
  }
  if (!other_party.details.name.empty()) insert_party(tx, key, r, other_party, now);
  record(tx, keys, actor.user_id, r, "opened", "referral " + std::to_string(referral_id), now);
  return r.id;
}

long long start(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                const PartyInput& complainant, const PartyInput& other_party,
                const std::string& brief, bool no_conflict, long long now) {
  std::map<std::string, std::string> e;
  for (auto& [field, problem] : check_party(complainant)) e["complainant_" + field] = problem;
  for (auto& [field, problem] : check_party(other_party)) e["other_" + field] = problem;
  check_text(e, "brief", brief, kMaxBrief, false);
  if (complainant.for_party) {
    e["complainant_for_party"] = N_("Only a representative or support person comes with someone.");
  }
  if (other_party.for_party) {
    e["other_for_party"] = N_("Only a representative or support person comes with someone.");
  }
  if (!no_conflict) {
    e["no_conflict"] =
        N_("Confirm that you have no conflict of interest, or ask a coordinator to give the "
           "mediation to a colleague.");
  }
  throw_if(e);
  if (complainant.role != "complainant" || other_party.role != "other_party") {
    throw Error(ErrorKind::bad_request, N_("The request is not valid."), "party roles");
  }
  auto [r, key] = create(tx, actor, std::nullopt, std::nullopt, brief, now);
  insert_party(tx, key, r, complainant, now);
  insert_party(tx, key, r, other_party, now);
  give_key(tx, r, actor.user_id, key, actor.user_id, now, "no_conflict");
  record(tx, keys, actor.user_id, r, "opened", "direct", now);
  return r.id;
}

// ---- Reading ----

namespace {

std::vector<Summary> summaries(storage::Transaction& tx, const std::string& where, long long a,
                               long long b, long long user_for_declaration, long long now) {
  std::vector<Summary> out;
  Summary s;
  long long report = 0;
  std::string result, case_ref, follow;
  soci::indicator report_ind = soci::i_null, result_ind = soci::i_null, ref_ind = soci::i_null,
                  follow_ind = soci::i_null;
  soci::statement st =
      (tx.sql().prepare << "SELECT m.id, m.reference, m.stage, m.result, m.report_id, "
                           "r.reference, m.created_at, m.updated_at, m.follow_up_on FROM "
                           "mediations m LEFT JOIN reports r ON r.id = m.report_id WHERE " +
                               where + " ORDER BY m.stage = 'closed', m.updated_at DESC LIMIT 500",
       soci::use(a), soci::use(b), soci::into(s.id), soci::into(s.reference), soci::into(s.stage),
       soci::into(result, result_ind), soci::into(report, report_ind),
       soci::into(case_ref, ref_ind), soci::into(s.created_at), soci::into(s.updated_at),
       soci::into(follow, follow_ind));
  st.execute();
  while (st.fetch()) {
    Summary o = s;
    if (result_ind == soci::i_ok) o.result = result;
    if (report_ind == soci::i_ok) o.report_id = report;
    if (ref_ind == soci::i_ok) o.case_reference = case_ref;
    if (follow_ind == soci::i_ok) o.follow_up_on = follow;
    out.push_back(std::move(o));
  }
  for (auto& o : out) {
    o.mediators = mediators_ids(tx, o.id);
    long long next = 0;
    soci::indicator next_ind = soci::i_null;
    tx.sql() << "SELECT MIN(starts_at) FROM mediation_meetings WHERE mediation_id = :m AND "
                "status = 'scheduled' AND starts_at >= :n",
        soci::use(o.id), soci::use(now), soci::into(next, next_ind);
    if (next_ind == soci::i_ok) o.next_meeting_at = next;
    if (user_for_declaration) {
      int due = 0;
      tx.sql() << "SELECT COUNT(*) FROM mediation_mediators WHERE mediation_id = :m AND user_id "
                  "= :u AND declaration IS NULL",
          soci::use(o.id), soci::use(user_for_declaration), soci::into(due);
      o.declaration_due = due > 0;
    }
  }
  return out;
}

}  // namespace

std::vector<Summary> list(storage::Transaction& tx, const Actor& actor, long long now) {
  if (actor.supervisor) {
    return summaries(tx, "m.organisation_id = :o AND :u > 0", actor.organisation_id, 1,
                     actor.mediator ? actor.user_id : 0, now);
  }
  return summaries(tx,
                   "m.organisation_id = :o AND m.id IN (SELECT mediation_id FROM "
                   "mediation_mediators WHERE user_id = :u AND (declaration IS NULL OR "
                   "declaration = 'no_conflict'))",
                   actor.organisation_id, actor.user_id, actor.user_id, now);
}

std::vector<Summary> of_case(storage::Transaction& tx, long long organisation_id,
                             long long report_id) {
  return summaries(tx, "m.organisation_id = :o AND m.report_id = :r", organisation_id, report_id, 0,
                   0);
}

Mediation open(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
               long long now) {
  Row r = find(tx, actor, id);
  Mediation m;
  std::string key = r.erased_at ? std::string() : key_of(tx, actor, r);
  const std::string* k = r.erased_at ? nullptr : &key;
  auto list_row = summaries(tx, "m.id = :id AND :u > 0", r.id, 1, actor.user_id, now);
  m.summary = list_row.at(0);
  std::string brief, contacted, how, agreement, follow;
  long long consented = 0, met = 0, agreed = 0, closed = 0, ended = 0;
  soci::indicator brief_ind = soci::i_null, c_ind = soci::i_null, how_ind = soci::i_null,
                  a_ind = soci::i_null, cons_ind = soci::i_null, met_ind = soci::i_null,
                  agreed_ind = soci::i_null, closed_ind = soci::i_null, ended_ind = soci::i_null;
  tx.sql() << "SELECT brief_sealed, contacted_on, contact_how, agreement_sealed, consented_at, "
              "first_meeting_at, agreement_at, closed_at, ended_by_party FROM mediations WHERE "
              "id = :id",
      soci::use(r.id), soci::into(brief, brief_ind), soci::into(contacted, c_ind),
      soci::into(how, how_ind), soci::into(agreement, a_ind), soci::into(consented, cons_ind),
      soci::into(met, met_ind), soci::into(agreed, agreed_ind), soci::into(closed, closed_ind),
      soci::into(ended, ended_ind);
  if (k && brief_ind == soci::i_ok) m.brief = unseal(key, brief, r, "brief");
  if (c_ind == soci::i_ok) m.contacted_on = contacted;
  if (how_ind == soci::i_ok) m.contact_how = how;
  if (cons_ind == soci::i_ok) m.consented_at = consented;
  if (met_ind == soci::i_ok) m.first_meeting_at = met;
  if (agreed_ind == soci::i_ok) m.agreement_at = agreed;
  if (closed_ind == soci::i_ok) m.closed_at = closed;
  if (ended_ind == soci::i_ok) m.ended_by_party = ended;
  m.erased_at = r.erased_at;
  if (k && a_ind == soci::i_ok) {
    auto j = json::parse(unseal(key, agreement, r, "agreement"));
    Agreement a;
    for (const auto& [code, text] : j.at("items").items()) a.items[code] = text.get<std::string>();
    a.fulfil_by = j.value("fulfil_by", "");
    m.agreement = a;
  }
  m.parties = parties_of(tx, r, k);
  m.all_consent = all_consent(m.parties);
  m.meeting_held = has_held_meeting(tx, r.id);
  m.timezone = office_timezone(tx, r.organisation_id);
  {
    Mediator md;
    std::string decl;
    long long at = 0;
    soci::indicator decl_ind = soci::i_null, at_ind = soci::i_null;
    soci::statement st =
        (tx.sql().prepare << "SELECT user_id, declaration, declared_at FROM mediation_mediators "
                             "WHERE mediation_id = :m ORDER BY assigned_at, user_id",
         soci::use(r.id), soci::into(md.user_id), soci::into(decl, decl_ind),
         soci::into(at, at_ind));
    st.execute();
    while (st.fetch()) {
      Mediator o = md;
      if (decl_ind == soci::i_ok) o.declaration = decl;
      if (at_ind == soci::i_ok) o.declared_at = at;
      m.mediators.push_back(o);
    }
  }
  {
    std::vector<long long> ids;
    long long mid = 0;
    soci::statement st = (tx.sql().prepare << "SELECT id FROM mediation_meetings WHERE "
                                              "mediation_id = :m ORDER BY starts_at, id",
                          soci::use(r.id), soci::into(mid));
    st.execute();
    while (st.fetch()) ids.push_back(mid);
    for (long long meeting_id : ids) {
      auto s = load_meeting(tx, r, meeting_id);
      if (k && !s.place_sealed.empty()) s.m.place = unseal(key, s.place_sealed, r, "place");
      m.meetings.push_back(std::move(s.m));
    }
  }
  if (k) {
    Note n;
    std::string body;
    soci::statement st =
        (tx.sql().prepare << "SELECT id, kind, body_sealed, author_user_id, created_at FROM "
                             "mediation_notes WHERE mediation_id = :m ORDER BY id",
         soci::use(r.id), soci::into(n.id), soci::into(n.kind), soci::into(body),
         soci::into(n.author_user_id), soci::into(n.created_at));
    st.execute();
    while (st.fetch()) {
      Note o = n;
      o.body = unseal(key, body, r, "note");
      m.notes.push_back(std::move(o));
    }
  }
  {
    Event e;
    long long who = 0;
    soci::indicator who_ind = soci::i_null;
    soci::statement st =
        (tx.sql().prepare << "SELECT at, actor_user_id, kind, detail FROM mediation_events WHERE "
                             "mediation_id = :m ORDER BY id",
         soci::use(r.id), soci::into(e.at), soci::into(who, who_ind), soci::into(e.kind),
         soci::into(e.detail));
    st.execute();
    while (st.fetch()) {
      Event o = e;
      if (who_ind == soci::i_ok) o.actor_user_id = who;
      m.events.push_back(std::move(o));
    }
  }
  if (k) {
    audit::append(
        tx, keys,
        {actor.user_id, actor.organisation_id, "personal_data.read", "mediation", r.reference, ""});
  }
  return m;
}

bool must_declare(storage::Transaction& tx, const Actor& actor, long long id) {
  Row r = find(tx, actor, id);
  return r.assigned && r.declaration.empty();
}

ForDeclaration for_declaration(storage::Transaction& tx, const crypto::Keys& keys,
                               const Actor& actor, long long id) {
  Row r = find(tx, actor, id);
  if (!r.assigned || !r.declaration.empty()) {
    throw Error(ErrorKind::conflict, N_("There is nothing to declare for this mediation."));
  }
  std::string key = key_of(tx, actor, r, true);
  ForDeclaration out;
  out.reference = r.reference;
  for (const auto& p : parties_of(tx, r, &key)) {
    std::string who = p.details.name;
    if (!p.details.organisation.empty()) who += ", " + p.details.organisation;
    out.parties.emplace_back(p.role, who);
  }
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.read", "mediation",
                 r.reference, "parties for the declaration"});
  return out;
}

// ---- Mediators ----

void assign(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            long long mediator_user_id, long long now) {
  Row r = find(tx, actor, id);
  if (!actor.supervisor && r.declaration != "no_conflict") {
    throw Error(ErrorKind::forbidden, N_("Only a coordinator or a mediator of this mediation "
                                         "can give it to a mediator."));
  }
  if (r.stage == "closed") throw Error(ErrorKind::conflict, N_("This mediation is closed."));
  std::map<std::string, std::string> e;
  if (!is_office_mediator(tx, r.organisation_id, mediator_user_id)) {
    e["mediator"] = N_("Choose one of the office's mediators.");
  }
  throw_if(e);
  std::string declaration;
  soci::indicator decl_ind = soci::i_null;
  std::string copy;
  soci::indicator copy_ind = soci::i_null;
  tx.sql() << "SELECT declaration, key_sealed FROM mediation_mediators WHERE mediation_id = :m "
              "AND user_id = :u",
      soci::use(r.id), soci::use(mediator_user_id), soci::into(declaration, decl_ind),
      soci::into(copy, copy_ind);
  bool existing = tx.sql().got_data();
  if (existing && decl_ind == soci::i_ok && declaration == "conflict") {
    e["mediator"] = N_("This mediator declared a conflict of interest with this mediation.");
  } else if (existing && copy_ind == soci::i_ok) {
    e["mediator"] = N_("This mediator already has this mediation.");
  } else if (!existing && static_cast<int>(mediators_ids(tx, r.id).size()) >= kMaxMediators) {
    e["mediator"] = N_("A mediation has at most two mediators.");
  }
  throw_if(e);
  std::string key = key_of(tx, actor, r);
  give_key(tx, r, mediator_user_id, key, actor.user_id, now);
  record(tx, keys, actor.user_id, r, "mediator", std::to_string(mediator_user_id), now);
}

void declare(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
             bool no_conflict, long long now) {
  Row r = find(tx, actor, id);
  if (!r.assigned) throw not_found();
  if (!r.declaration.empty()) {
    throw Error(ErrorKind::conflict, N_("There is nothing to declare for this mediation."));
  }
  std::string d = no_conflict ? "no_conflict" : "conflict";
  if (no_conflict) {
    tx.sql() << "UPDATE mediation_mediators SET declaration = :d, declared_at = :t WHERE "
                "mediation_id = :m AND user_id = :u",
        soci::use(d), soci::use(now), soci::use(r.id), soci::use(actor.user_id);
  } else {
    // A conflict: the mediator gives the mediation back, and their key copy is destroyed.
    tx.sql() << "UPDATE mediation_mediators SET declaration = :d, declared_at = :t, key_sealed = "
                "NULL WHERE mediation_id = :m AND user_id = :u",
        soci::use(d), soci::use(now), soci::use(r.id), soci::use(actor.user_id);
  }
  record(tx, keys, actor.user_id, r, "declaration", std::to_string(actor.user_id) + " " + d, now);
}

// ---- The stages ----

void record_contact(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const std::string& on, const std::string& how, long long now) {
  Row r = open_for_change(tx, actor, id);
  std::map<std::string, std::string> e;
  check_past_date(e, "contacted_on", on, now);
  if (!intake::has_code(contact_ways(), how)) e["contact_how"] = N_("Choose one of the options.");
  throw_if(e);
  int done = 0;
  tx.sql() << "SELECT COUNT(*) FROM mediations WHERE id = :m AND contacted_on IS NOT NULL",
      soci::use(r.id), soci::into(done);
  if (done > 0) {
    throw Error(ErrorKind::conflict, N_("The first contact is already recorded."));
  }
  tx.sql() << "UPDATE mediations SET contacted_on = :d, contact_how = :h WHERE id = :m",
      soci::use(on), soci::use(how), soci::use(r.id);
  advance(tx, r, "contacted", now);
  record(tx, keys, actor.user_id, r, "contact", on + " " + how, now);
}

long long add_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const PartyInput& in, long long now) {
  Row r = open_for_change(tx, actor, id);
  auto e = check_party(in);
  bool principal = in.role == "complainant" || in.role == "other_party";
  if (!e.count("role")) {
    if (principal && in.for_party) {
      e["for_party"] = N_("Only a representative or support person comes with someone.");
    } else if (!principal) {
      auto parties = parties_of(tx, r, nullptr);
      bool ok = in.for_party && std::any_of(parties.begin(), parties.end(), [&](const Party& p) {
                  return p.id == *in.for_party && p.principal();
                });
      if (!ok) e["for_party"] = N_("Choose whom they come with.");
    }
  }
  throw_if(e);
  std::string key = key_of(tx, actor, r);
  long long party = insert_party(tx, key, r, in, now);
  record(tx, keys, actor.user_id, r, "party", std::to_string(party) + " " + in.role, now);
  return party;
}

void update_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, long long party_id, const PartyDetails& details,
                  const std::string& language, long long now) {
  Row r = open_for_change(tx, actor, id);
  auto parties = parties_of(tx, r, nullptr);
  auto it = std::find_if(parties.begin(), parties.end(),
                         [&](const Party& p) { return p.id == party_id; });
  if (it == parties.end()) {
    throw Error(ErrorKind::not_found, N_("There is no page at this address."), "no such party");
  }
  auto e = check_party({it->role, it->kind, language, it->for_party, details});
  throw_if(e);
  std::string key = key_of(tx, actor, r);
  json j{{"name", details.name},
         {"organisation", details.organisation},
         {"email", details.email},
         {"phone", details.phone}};
  std::string sealed = seal(key, j.dump(), r, "party");
  tx.sql() << "UPDATE mediation_parties SET details_sealed = :d, language = :l WHERE id = :p",
      soci::use(sealed), soci::use(language), soci::use(party_id);
  record(tx, keys, actor.user_id, r, "party_changed", std::to_string(party_id), now);
}

void record_consent(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, long long party_id, const std::string& on, const std::string& how,
                    long long now) {
  Row r = open_for_change(tx, actor, id);
  auto parties = parties_of(tx, r, nullptr);
  auto it = std::find_if(parties.begin(), parties.end(),
                         [&](const Party& p) { return p.id == party_id; });
  std::map<std::string, std::string> e;
  if (it == parties.end() || !it->principal()) {
    e["party"] = N_("Choose the complainant or the other party.");
  } else if (!it->withdrawn_on.empty()) {
    e["party"] = N_("This party has withdrawn; the mediation is over.");
  } else if (it->consents()) {
    e["party"] = N_("This party's consent is already recorded.");
  }
  check_past_date(e, "consent_on", on, now);
  if (!intake::has_code(consent_ways(), how)) e["consent_how"] = N_("Choose one of the options.");
  throw_if(e);
  tx.sql() << "UPDATE mediation_parties SET consent_on = :d, consent_how = :h, "
              "consent_recorded_by = :u WHERE id = :p",
      soci::use(on), soci::use(how), soci::use(actor.user_id), soci::use(party_id);
  it->consent_on = on;
  it->consent_how = how;
  if (it->role == "other_party") {
    // The other party answered: that was the first contact, if none was recorded.
    std::string contact = how == "in_writing" ? "by_letter" : how;  // a contact way
    tx.sql() << "UPDATE mediations SET contacted_on = :d, contact_how = :h WHERE id = :m AND "
                "contacted_on IS NULL",
        soci::use(on), soci::use(contact), soci::use(r.id);
    advance(tx, r, "contacted", now);
  }
  record(tx, keys, actor.user_id, r, "consent", std::to_string(party_id) + " " + on + " " + how,
         now);
  if (all_consent(parties)) {
    tx.sql() << "UPDATE mediations SET consented_at = :t WHERE id = :m AND consented_at IS NULL",
        soci::use(now), soci::use(r.id);
    advance(tx, r, "consented", now);
  }
}

void end_by_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, long long party_id, const std::string& on, const Mailing& mailing,
                  long long now) {
  Row r = open_for_change(tx, actor, id);
  auto parties = parties_of(tx, r, nullptr);
  auto it = std::find_if(parties.begin(), parties.end(),
                         [&](const Party& p) { return p.id == party_id; });
  std::map<std::string, std::string> e;
  if (it == parties.end() || !it->principal()) {
    e["party"] = N_("Choose the complainant or the other party.");
  }
  check_past_date(e, "withdrawn_on", on, now);
  throw_if(e);
  bool withdrew = it->consents();
  tx.sql() << "UPDATE mediation_parties SET withdrawn_on = :d WHERE id = :p", soci::use(on),
      soci::use(party_id);
  tx.sql() << "UPDATE mediations SET ended_by_party = :p WHERE id = :m", soci::use(party_id),
      soci::use(r.id);
  std::string key = key_of(tx, actor, r);
  cancel_all(tx, keys, r, key, mailing, now);
  close(tx, keys, actor, r, withdrew ? "withdrawn" : "declined", now);
}

long long add_note(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& kind, const std::string& text, long long now) {
  Row r = writable(tx, actor, id);
  std::map<std::string, std::string> e;
  if (!intake::has_code(note_kinds(), kind)) e["note_kind"] = N_("Choose one of the options.");
  check_text(e, "note", text, kMaxNote, true);
  throw_if(e);
  std::string key = key_of(tx, actor, r);
  std::string sealed = seal(key, text, r, "note");
  long long note = 0;
  tx.sql() << "INSERT INTO mediation_notes (mediation_id, kind, body_sealed, author_user_id, "
              "created_at) VALUES (:m, :k, :b, :u, :t) RETURNING id",
      soci::use(r.id), soci::use(kind), soci::use(sealed), soci::use(actor.user_id), soci::use(now),
      soci::into(note);
  // Preparatory talks once both parties have said yes: the mediation is being prepared.
  if (kind == "preparatory_talk" && r.stage == "consented") advance(tx, r, "preparing", now);
  record(tx, keys, actor.user_id, r, "note", std::to_string(note) + " " + kind, now);
  return note;
}

// ---- Meetings ----

namespace {
void require_consents(const std::vector<Party>& parties) {
  if (!all_consent(parties)) {
    throw Error(ErrorKind::conflict,
                N_("A meeting needs the consent of both parties first. Record each party's "
                   "consent."));
  }
}
}  // namespace

long long schedule(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const MeetingInput& in, const Mailing& mailing, long long now) {
  Row r = open_for_change(tx, actor, id);
  std::string key = key_of(tx, actor, r);
  auto parties = parties_of(tx, r, &key);
  auto checked = check_meeting(tx, r, in, parties);
  require_consents(parties);
  Meeting m;
  m.uid = crypto::random_token(18) + "@dime";
  m.starts_at = checked.starts_at;
  m.ends_at = checked.ends_at;
  m.timezone = checked.timezone;
  m.place = in.place;
  m.interpreter_language = in.interpreter_language;
  m.status = "scheduled";
  m.parties = in.parties;
  std::string place = seal(key, in.place, r, "place");
  std::string interpreter = in.interpreter_language;
  soci::indicator i_ind = interpreter.empty() ? soci::i_null : soci::i_ok;
  tx.sql() << "INSERT INTO mediation_meetings (mediation_id, uid, starts_at, ends_at, timezone, "
              "place_sealed, interpreter_language, created_by, created_at, updated_at) VALUES "
              "(:m, :u, :s, :e, :z, :p, :i, :b, :t, :t2) RETURNING id",
      soci::use(r.id), soci::use(m.uid), soci::use(m.starts_at), soci::use(m.ends_at),
      soci::use(m.timezone), soci::use(place), soci::use(interpreter, i_ind),
      soci::use(actor.user_id), soci::use(now), soci::use(now), soci::into(m.id);
  set_participants(tx, m.id, in.parties);
  advance(tx, r, "meeting", now);
  record(tx, keys, actor.user_id, r, "meeting", std::to_string(m.id) + " scheduled", now);
  if (in.email) invite(tx, keys, r, m, parties, m.parties, "REQUEST", mailing, now);
  return m.id;
}

void reschedule(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long meeting_id, const MeetingInput& in, const Mailing& mailing,
                long long now) {
  Row r = open_for_change(tx, actor, id);
  std::string key = key_of(tx, actor, r);
  auto s = load_meeting(tx, r, meeting_id);
  if (s.m.status != "scheduled") {
    throw Error(ErrorKind::conflict, N_("Only a scheduled meeting can be moved or cancelled."));
  }
  auto parties = parties_of(tx, r, &key);
  auto checked = check_meeting(tx, r, in, parties);
  require_consents(parties);
  std::vector<long long> removed;
  for (long long p : s.m.parties) {
    if (std::find(in.parties.begin(), in.parties.end(), p) == in.parties.end()) {
      removed.push_back(p);
    }
  }
  Meeting& m = s.m;
  m.sequence += 1;
  m.starts_at = checked.starts_at;
  m.ends_at = checked.ends_at;
  m.place = in.place;
  m.interpreter_language = in.interpreter_language;
  m.parties = in.parties;
  std::string place = seal(key, in.place, r, "place");
  std::string interpreter = in.interpreter_language;
  soci::indicator i_ind = interpreter.empty() ? soci::i_null : soci::i_ok;
  tx.sql() << "UPDATE mediation_meetings SET sequence = :q, starts_at = :s, ends_at = :e, "
              "place_sealed = :p, interpreter_language = :i, updated_at = :t WHERE id = :id",
      soci::use(m.sequence), soci::use(m.starts_at), soci::use(m.ends_at), soci::use(place),
      soci::use(interpreter, i_ind), soci::use(now), soci::use(m.id);
  set_participants(tx, m.id, in.parties);
  record(tx, keys, actor.user_id, r, "meeting", std::to_string(m.id) + " moved", now);
  if (in.email) {
    invite(tx, keys, r, m, parties, m.parties, "REQUEST", mailing, now);
    invite(tx, keys, r, m, parties, removed, "CANCEL", mailing, now);
  }
}

void cancel(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            long long meeting_id, const Mailing& mailing, long long now) {
  Row r = open_for_change(tx, actor, id);
  std::string key = key_of(tx, actor, r);
  auto s = load_meeting(tx, r, meeting_id);
  if (s.m.status != "scheduled") {
    throw Error(ErrorKind::conflict, N_("Only a scheduled meeting can be moved or cancelled."));
  }
  s.m.place = unseal(key, s.place_sealed, r, "place");
  s.m.sequence += 1;
  tx.sql() << "UPDATE mediation_meetings SET status = 'cancelled', sequence = :q, updated_at = "
              ":t WHERE id = :id",
      soci::use(s.m.sequence), soci::use(now), soci::use(meeting_id);
  record(tx, keys, actor.user_id, r, "meeting", std::to_string(meeting_id) + " cancelled", now);
  invite(tx, keys, r, s.m, parties_of(tx, r, &key), s.m.parties, "CANCEL", mailing, now);
}

void mark_held(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
               long long meeting_id, long long now) {
  Row r = open_for_change(tx, actor, id);
  auto s = load_meeting(tx, r, meeting_id);
  if (s.m.status != "scheduled") {
    throw Error(ErrorKind::conflict, N_("Only a scheduled meeting can be marked as held."));
  }
  if (s.m.starts_at > now) {
    throw Error(ErrorKind::conflict, N_("A meeting can be marked as held once it has started."));
  }
  tx.sql() << "UPDATE mediation_meetings SET status = 'held', updated_at = :t WHERE id = :id",
      soci::use(now), soci::use(meeting_id);
  tx.sql() << "UPDATE mediations SET first_meeting_at = :s WHERE id = :m AND (first_meeting_at "
              "IS NULL OR first_meeting_at > :s2)",
      soci::use(s.m.starts_at), soci::use(r.id), soci::use(s.m.starts_at);
  record(tx, keys, actor.user_id, r, "meeting", std::to_string(meeting_id) + " held", now);
}

std::string meeting_ics(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                        long long id, long long meeting_id, const std::string& office_name,
                        const std::function<std::string(std::string_view)>& tr, long long now) {
  Row r = find(tx, actor, id);
  std::string key = key_of(tx, actor, r);
  auto s = load_meeting(tx, r, meeting_id);
  s.m.place = unseal(key, s.place_sealed, r, "place");
  auto e = event_of(s.m, office_name, tr, s.m.status == "cancelled" ? "CANCEL" : "PUBLISH", now);
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.export", "mediation",
                 r.reference, "calendar " + std::to_string(meeting_id)});
  return calendar::to_ics(e);
}

// ---- The end ----

void record_agreement(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                      long long id, const Agreement& agreement, long long now) {
  Row r = open_for_change(tx, actor, id);
  if (r.stage != "meeting" || !has_held_meeting(tx, r.id)) {
    throw Error(ErrorKind::conflict,
                N_("An agreement is recorded after a mediation meeting has been held."));
  }
  require_consents(parties_of(tx, r, nullptr));
  std::map<std::string, std::string> e;
  json items = json::object();
  for (const auto& [code, text] : agreement.items) {
    if (!intake::has_code(agreement_items(), code)) {
      throw Error(ErrorKind::bad_request, N_("The request is not valid."), "agreement item");
    }
    check_text(e, "item_" + code, text, kMaxAgreementItem, false);
    if (!text.empty()) items[code] = text;
  }
  if (items.empty() && e.empty()) e["items"] = N_("Write down what the parties agreed.");
  auto by = parse_date(agreement.fulfil_by);
  if (!by) {
    e["fulfil_by"] = N_("Please enter a date as YYYY-MM-DD.");
  } else if (*by < date_of(now)) {
    e["fulfil_by"] = N_("This date has passed.");
  } else if (*by > add_months(date_of(now), 60)) {
    e["fulfil_by"] = N_("Choose a date within five years.");
  }
  throw_if(e);
  std::string key = key_of(tx, actor, r);
  std::string sealed =
      seal(key, json{{"items", items}, {"fulfil_by", agreement.fulfil_by}}.dump(), r, "agreement");
  tx.sql() << "UPDATE mediations SET agreement_sealed = :a, agreement_at = :t, follow_up_on = "
              ":f WHERE id = :m",
      soci::use(sealed), soci::use(now), soci::use(agreement.fulfil_by), soci::use(r.id);
  advance(tx, r, "follow_up", now);
  record(tx, keys, actor.user_id, r, "agreement", agreement.fulfil_by, now);
  if (r.report_id) {
    casework::mediation_feedback(tx, keys, actor.user_id, r.organisation_id, *r.report_id,
                                 std::nullopt, r.reference + " agreement " + agreement.fulfil_by,
                                 "", now);
  }
}

void record_no_agreement(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, const Mailing& mailing, long long now) {
  Row r = open_for_change(tx, actor, id);
  if (r.stage != "meeting" || !has_held_meeting(tx, r.id)) {
    throw Error(ErrorKind::conflict,
                N_("\"No agreement\" is recorded after a mediation meeting has been held. If a "
                   "party does not want to go on, record that instead."));
  }
  std::string key = key_of(tx, actor, r);
  cancel_all(tx, keys, r, key, mailing, now);
  tx.sql() << "UPDATE mediations SET agreement_at = :t WHERE id = :m", soci::use(now),
      soci::use(r.id);
  close(tx, keys, actor, r, "no_agreement", now);
}

void record_outcome(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const std::string& outcome, long long now) {
  Row r = open_for_change(tx, actor, id);
  if (r.stage != "follow_up") {
    throw Error(ErrorKind::conflict, N_("There is no agreement to follow up yet."));
  }
  if (!intake::has_code(agreement_outcomes(), outcome)) {
    throw_if({{"outcome", N_("Choose one of the options.")}});
  }
  close(tx, keys, actor, r, outcome, now);
}

std::string agreement_pdf(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                          long long id, const std::string& office_name,
                          const std::function<std::string(std::string_view)>& tr, long long now) {
  Row r = find(tx, actor, id);
  std::string key = key_of(tx, actor, r);
  std::string sealed, fulfil_by;
  soci::indicator ind = soci::i_null;
  tx.sql() << "SELECT agreement_sealed FROM mediations WHERE id = :m", soci::use(r.id),
      soci::into(sealed, ind);
  if (ind != soci::i_ok) {
    throw Error(ErrorKind::not_found, N_("This mediation has no agreement yet."));
  }
  auto j = json::parse(unseal(key, sealed, r, "agreement"));
  auto parties = parties_of(tx, r, &key);
  auto label = [&](const std::vector<Option>& options, const std::string& code) {
    const char* l = intake::option_label(options, code);
    return *l ? tr(l) : code;
  };
  documents::Document doc;
  doc.title = tr(N_("Mediation agreement"));
  doc.subtitle = office_name + " · " + r.reference;
  doc.footer = r.reference + " · " + tr(N_("Confidential: contains personal data"));
  std::string who;
  for (const auto& p : parties) {
    who += label(party_roles(), p.role) + ": " + p.details.name;
    if (!p.details.organisation.empty()) who += " (" + p.details.organisation + ")";
    who += "\n";
  }
  doc.sections.push_back({tr(N_("The parties")), who});
  doc.sections.push_back(
      {tr(N_("What this agreement is")),
       tr(N_("The parties met voluntarily at the mediation bench and agreed on the following, "
             "in their own words. Either party may still take the matter elsewhere if the "
             "agreement is not kept."))});
  for (const auto& item : agreement_items()) {
    auto it = j["items"].find(item.code);
    if (it != j["items"].end()) doc.sections.push_back({tr(item.label), it->get<std::string>()});
  }
  doc.sections.push_back({tr(N_("To be fulfilled by")), j.value("fulfil_by", "")});
  std::string signatures;
  const std::string line = "\n\n\n______________________________________\n";
  for (const auto& p : parties) {
    if (!p.principal()) continue;
    signatures += line + p.details.name + " · " + label(party_roles(), p.role) + "\n" +
                  tr(N_("Place and date:")) + " ______________________";
  }
  for (long long m : mediators_ids(tx, r.id)) {
    std::string name;
    tx.sql() << "SELECT name_sealed FROM users WHERE id = :u", soci::use(m), soci::into(name);
    signatures += line + keys.open(name) + " · " + tr(N_("Mediator")) + "\n" +
                  tr(N_("Place and date:")) + " ______________________";
  }
  doc.sections.push_back({tr(N_("Signatures")), signatures});
  audit::append(tx, keys,
                {actor.user_id, actor.organisation_id, "personal_data.export", "mediation",
                 r.reference, "agreement"});
  (void)now;
  return documents::render_pdf(doc);
}

// ---- Statistics ----

namespace {
std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
}  // namespace

Statistics statistics(storage::Transaction& tx, long long organisation_id, long long from,
                      long long to) {
  Statistics s;
  std::vector<double> to_consent, to_meeting, to_agreement;
  long long created = 0, consented = 0, met = 0, agreed = 0;
  std::string stage, result, agreement;
  soci::indicator c_ind = soci::i_null, m_ind = soci::i_null, a_ind = soci::i_null,
                  r_ind = soci::i_null;
  int has_agreement = 0;
  soci::statement st =
      (tx.sql().prepare << "SELECT created_at, consented_at, first_meeting_at, agreement_at, "
                           "stage, result, CASE WHEN agreement_sealed IS NOT NULL OR result IN "
                           "('fulfilled', 'partly_fulfilled', 'broken') THEN 1 ELSE 0 END FROM "
                           "mediations WHERE organisation_id = :o AND created_at >= :f AND "
                           "created_at < :t",
       soci::use(organisation_id), soci::use(from), soci::use(to), soci::into(created),
       soci::into(consented, c_ind), soci::into(met, m_ind), soci::into(agreed, a_ind),
       soci::into(stage), soci::into(result, r_ind), soci::into(has_agreement));
  st.execute();
  int met_and_ended = 0, agreements_ended = 0;
  while (st.fetch()) {
    ++s.opened;
    std::string res = r_ind == soci::i_ok ? result : std::string();
    if (c_ind == soci::i_ok) {
      ++s.consented;
      to_consent.push_back(static_cast<double>(consented - created) / kDay);
    }
    if (m_ind == soci::i_ok) {
      ++s.met;
      to_meeting.push_back(static_cast<double>(std::max(0LL, met - created)) / kDay);
    }
    if (has_agreement) {
      ++s.agreements;
      if (a_ind == soci::i_ok) to_agreement.push_back(static_cast<double>(agreed - created) / kDay);
    }
    if (stage != "closed") ++s.open;
    if (res == "no_agreement") ++s.no_agreement;
    if (res == "withdrawn") ++s.withdrawn;
    if (res == "declined") ++s.declined;
    if (res == "fulfilled") ++s.fulfilled;
    if (res == "partly_fulfilled") ++s.partly_fulfilled;
    if (res == "broken") ++s.broken;
    // The agreement rate: of the mediations that met and got past the meeting stage.
    if (m_ind == soci::i_ok && (has_agreement || res == "no_agreement")) ++met_and_ended;
    if (res == "fulfilled" || res == "partly_fulfilled" || res == "broken") ++agreements_ended;
  }
  s.days_to_consent = median(to_consent);
  s.days_to_meeting = median(to_meeting);
  s.days_to_agreement = median(to_agreement);
  if (met_and_ended > 0) s.agreement_rate = static_cast<double>(s.agreements) / met_and_ended;
  if (agreements_ended > 0) {
    s.fulfilment_rate = static_cast<double>(s.fulfilled + s.partly_fulfilled) / agreements_ended;
  }
  return s;
}

// ---- Retention ----

void erase(storage::Transaction& tx, const crypto::Keys& keys, std::optional<long long> actor_user,
           long long id, const std::string& reason, long long now) {
  Row r;
  long long erased = 0;
  soci::indicator erased_ind = soci::i_null;
  tx.sql() << "SELECT id, organisation_id, reference, erased_at FROM mediations WHERE id = :id",
      soci::use(id), soci::into(r.id), soci::into(r.organisation_id), soci::into(r.reference),
      soci::into(erased, erased_ind);
  if (!tx.sql().got_data() || erased_ind == soci::i_ok) return;
  tx.sql() << "UPDATE mediations SET key_sealed = '', brief_sealed = NULL, agreement_sealed = "
              "NULL, erased_at = :t WHERE id = :m",
      soci::use(now), soci::use(r.id);
  tx.sql() << "UPDATE mediation_mediators SET key_sealed = NULL WHERE mediation_id = :m",
      soci::use(r.id);
  tx.sql() << "UPDATE mediation_parties SET details_sealed = '' WHERE mediation_id = :m",
      soci::use(r.id);
  tx.sql() << "UPDATE mediation_meetings SET place_sealed = '' WHERE mediation_id = :m",
      soci::use(r.id);
  tx.sql() << "DELETE FROM mediation_notes WHERE mediation_id = :m", soci::use(r.id);
  record(tx, keys, actor_user, r, "erased", reason, now);
}

void erase_for_case(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
                    long long organisation_id, long long report_id, long long now) {
  for (const auto& m : of_case(tx, organisation_id, report_id)) {
    erase(tx, keys, actor_user, m.id, "request", now);
  }
}

std::string party_kind_from_report(const std::string& k) {
  if (k == "employer" || k == "business") return k;
  if (k == "landlord") return "business";
  if (k == "public_service" || k == "school" || k == "police" || k == "health") {
    return "public_body";
  }
  if (k == "other") return "organisation";
  return "person";  // a colleague, a private person, or not known
}

int erase_expired(storage::Transaction& tx, const crypto::Keys& keys, long long now) {
  std::vector<long long> ids;
  {
    // The case was erased: its mediation goes with it.
    long long id = 0;
    soci::statement st =
        (tx.sql().prepare << "SELECT m.id FROM mediations m JOIN reports r ON r.id = m.report_id "
                             "WHERE m.erased_at IS NULL AND r.erased_at IS NOT NULL",
         soci::into(id));
    st.execute();
    while (st.fetch()) ids.push_back(id);
  }
  {
    // A mediation without a case: the office's retention period after it closed.
    long long id = 0, closed = 0;
    int months = 0;
    soci::statement st =
        (tx.sql().prepare << "SELECT m.id, m.closed_at, o.retention_months FROM mediations m "
                             "JOIN organisations o ON o.id = m.organisation_id WHERE "
                             "m.report_id IS NULL AND m.erased_at IS NULL AND m.stage = 'closed'",
         soci::into(id), soci::into(closed), soci::into(months));
    st.execute();
    while (st.fetch()) {
      if (add_months(date_of(closed), months) <= date_of(now)) ids.push_back(id);
    }
  }
  for (long long id : ids) erase(tx, keys, std::nullopt, id, "retention", now);
  return static_cast<int>(ids.size());
}

}  // namespace dime::mediation
