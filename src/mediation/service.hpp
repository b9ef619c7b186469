// Mediation rules over a transaction. Every function takes the acting staff member and finds
// the mediation only within their active office; a mediator finds only the mediations they are
// assigned to, and opens one only after declaring that they have no conflict of interest.
// Anything else is "not found", exactly like a mediation that does not exist. Reads of personal
// data and every change are audited in `tx`.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto.hpp"
#include "mail/mail.hpp"
#include "mediation/model.hpp"
#include "storage/database.hpp"

namespace dime::mediation {

struct Actor {
  long long user_id = 0;
  long long organisation_id = 0;
  bool mediator = false;    // holds the mediator role in the office
  bool supervisor = false;  // a coordinator (or, opening from a referral, an advisor)
  std::string user_secret;  // the user's private key for this request (from the session)
};

// A msgid in a language: invitations go out in each participant's language.
using TranslateIn = std::function<std::string(const std::string& language, std::string_view)>;

// What invitations need besides the meeting: the office and how mail leaves.
struct Mailing {
  std::string office_name;
  mail::Settings settings;  // invitations are only queued when enabled
  TranslateIn tr;
};

// Mediators of the office (active accounts with the mediator role), id -> name.
std::vector<std::pair<long long, std::string>> mediators_of(storage::Transaction& tx,
                                                            const crypto::Keys& keys,
                                                            long long organisation_id);

// ---- Opening ----

// From a referral of case `report_id` to the office's own bench, by the advisor who sent it
// (an `actor` holding the office key): `brief` is what the bench is told (the referral
// document); the complainant and the other party are added where the report names them (an
// empty name and contact leaves one out, for the mediator to add). Returns the id, or 0 when
// the referral already has its mediation.
long long open_from_referral(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                             long long report_id, long long referral_id,
                             const PartyInput& complainant, const PartyInput& other_party,
                             const std::string& brief, long long now);
// Started directly by a mediator (someone came to the bench itself), who declares at once
// that they have no conflict of interest with the parties named. Returns the id.
long long start(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                const PartyInput& complainant, const PartyInput& other_party,
                const std::string& brief, bool no_conflict, long long now);

// ---- Reading ----

// Coordinators see the office's mediations; a mediator sees their own. Nothing is decrypted.
std::vector<Summary> list(storage::Transaction& tx, const Actor& actor, long long now);
// The mediations of a case, for the case page (readable fields only).
std::vector<Summary> of_case(storage::Transaction& tx, long long organisation_id,
                             long long report_id);
// The whole mediation, decrypted; audited. A mediator who has not declared yet gets
// Error(forbidden) (the page asks for the declaration).
Mediation open(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
               long long now);
// Whether the actor is an assigned mediator who has not declared yet (Error(not_found) when
// they may not see the mediation at all).
bool must_declare(storage::Transaction& tx, const Actor& actor, long long id);
// For the declaration: the reference and the parties' names and organisations only.
struct ForDeclaration {
  std::string reference;
  std::vector<std::pair<std::string, std::string>> parties;  // role, "name, organisation"
};
ForDeclaration for_declaration(storage::Transaction& tx, const crypto::Keys& keys,
                               const Actor& actor, long long id);

// ---- Mediators ----

// By a coordinator, or by a mediator of this mediation adding a second one. The mediator must
// have signed in once (their key pair receives the mediation key).
void assign(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            long long mediator_user_id, long long now);
// The assigned mediator's own declaration; a conflict removes them from the mediation.
void declare(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
             bool no_conflict, long long now);

// ---- The stages ----

void record_contact(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const std::string& on, const std::string& how, long long now);
long long add_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const PartyInput& in, long long now);
// Corrects a party's name, organisation, contact details and language (role and kind stay).
void update_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, long long party_id, const PartyDetails& details,
                  const std::string& language, long long now);
void record_consent(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, long long party_id, const std::string& on, const std::string& how,
                    long long now);
// A party withdraws consent (or refuses to take part): the mediation closes, scheduled
// meetings are cancelled, and the case is told. The case itself stays open.
void end_by_party(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                  long long id, long long party_id, const std::string& on, const Mailing& mailing,
                  long long now);
long long add_note(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const std::string& kind, const std::string& text, long long now);

// ---- Meetings ----

long long schedule(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                   long long id, const MeetingInput& in, const Mailing& mailing, long long now);
// The same calendar event, one SEQUENCE later.
void reschedule(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                long long id, long long meeting_id, const MeetingInput& in, const Mailing& mailing,
                long long now);
void cancel(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
            long long meeting_id, const Mailing& mailing, long long now);
void mark_held(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor, long long id,
               long long meeting_id, long long now);
// The meeting as an .ics file to import (METHOD:PUBLISH); audited.
std::string meeting_ics(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                        long long id, long long meeting_id, const std::string& office_name,
                        const std::function<std::string(std::string_view)>& tr, long long now);

// ---- The end ----

void record_agreement(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                      long long id, const Agreement& agreement, long long now);
// Closes the mediation; planned meetings are cancelled (participants are told).
void record_no_agreement(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                         long long id, const Mailing& mailing, long long now);
// At follow-up: fulfilled, partly fulfilled or broken. Closes the mediation.
void record_outcome(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                    long long id, const std::string& outcome, long long now);
// The agreement for signature by the parties and the mediators, as PDF; audited.
std::string agreement_pdf(storage::Transaction& tx, const crypto::Keys& keys, const Actor& actor,
                          long long id, const std::string& office_name,
                          const std::function<std::string(std::string_view)>& tr, long long now);

// ---- Statistics and retention ----

// Mediations of the office opened in [from, to) (seconds).
Statistics statistics(storage::Transaction& tx, long long organisation_id, long long from,
                      long long to);
// Erases a mediation's personal data (keys, ciphertexts, notes); the stages, dates and result
// stay for statistics. Audited as mediation.erase.
void erase(storage::Transaction& tx, const crypto::Keys& keys, std::optional<long long> actor_user,
           long long id, const std::string& reason, long long now);
// Every mediation of case `report_id` (the case's personal data was erased on request).
void erase_for_case(storage::Transaction& tx, const crypto::Keys& keys, long long actor_user,
                    long long organisation_id, long long report_id, long long now);
// The other party's kind for the bench, from what the person reported (intake party kinds).
std::string party_kind_from_report(const std::string& intake_party_kind);
// Mediations whose case has been erased, and closed mediations without a case whose office's
// retention period has passed. Returns how many were erased.
int erase_expired(storage::Transaction& tx, const crypto::Keys& keys, long long now);

}  // namespace dime::mediation
