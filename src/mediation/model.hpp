// The mediation bench (Meglingsbenken): a voluntary meeting of both parties with one or two of
// the office's mediators, ending with an agreement in the parties' own words or with none.
//
// Stages: referred -> contacted (first contact with the other party) -> consented (every
// party's consent recorded) -> preparing (preparatory talks) -> meeting -> follow_up (an
// agreement, to be fulfilled by a date) -> closed, with a result. Rules where they matter:
// no meeting without every party's consent, no agreement without a meeting held, and either
// party may withdraw at any time, which closes the mediation (not the case).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "intake/model.hpp"

namespace dime::mediation {

using intake::Option;

const std::vector<Option>& stages();
const std::vector<Option>& results();
const std::vector<Option>& party_roles();
const std::vector<Option>& party_kinds();
// How a party gave consent, and how the other party was first contacted.
const std::vector<Option>& consent_ways();
const std::vector<Option>& contact_ways();
const std::vector<Option>& note_kinds();
// The parts of an agreement, each in the parties' own words.
const std::vector<Option>& agreement_items();
// How an agreement went by its date.
const std::vector<Option>& agreement_outcomes();

struct PartyDetails {
  std::string name;
  std::string organisation;  // the employer, business or public body, or the person's own
  std::string email;
  std::string phone;
};

struct Party {
  long long id = 0;
  std::string role;                    // party_roles()
  std::string kind;                    // party_kinds()
  std::optional<long long> for_party;  // whom a representative or support person comes with
  std::string language;                // for invitations
  PartyDetails details;
  std::string consent_on;   // YYYY-MM-DD
  std::string consent_how;  // consent_ways()
  std::string withdrawn_on;
  // The complainant and the other party consent; representatives and support persons do not.
  bool principal() const { return role == "complainant" || role == "other_party"; }
  bool consents() const { return !consent_on.empty() && withdrawn_on.empty(); }
};

struct PartyInput {
  std::string role, kind, language;
  std::optional<long long> for_party;
  PartyDetails details;
};

struct Mediator {
  long long user_id = 0;
  std::string name;
  std::string declaration;  // "", no_conflict, conflict
  std::optional<long long> declared_at;
};

struct Meeting {
  long long id = 0;
  std::string uid;
  int sequence = 0;
  long long starts_at = 0, ends_at = 0;
  std::string timezone;
  std::string place;                 // decrypted
  std::string interpreter_language;  // a language code, or ""
  std::string status;                // scheduled, held, cancelled
  std::vector<long long> parties;
};

struct MeetingInput {
  std::string starts;  // YYYY-MM-DDTHH:MM in the office's time zone
  int minutes = 0;     // length
  std::string place;
  std::string interpreter_language;
  std::vector<long long> parties;
  bool email = false;  // send invitations to participants with an e-mail address
};

struct Note {
  long long id = 0;
  std::string kind;
  std::string body;
  long long author_user_id = 0;
  long long created_at = 0;
};

struct Agreement {
  std::map<std::string, std::string> items;  // agreement_items() code -> text
  std::string fulfil_by;                     // YYYY-MM-DD
};

struct Event {
  long long at = 0;
  std::optional<long long> actor_user_id;
  std::string kind;
  std::string detail;
};

// A line of the list: readable fields only.
struct Summary {
  long long id = 0;
  std::string reference;
  std::string stage;
  std::string result;
  std::optional<long long> report_id;
  std::string case_reference;
  long long created_at = 0;
  long long updated_at = 0;
  std::string follow_up_on;
  std::optional<long long> next_meeting_at;
  std::vector<long long> mediators;
  // For a mediator: whether they still have to declare a conflict of interest.
  bool declaration_due = false;
};

struct Mediation {
  Summary summary;
  std::string brief;  // what the advisor passed on (decrypted)
  std::string contacted_on, contact_how;
  std::optional<long long> consented_at, first_meeting_at, agreement_at, closed_at, erased_at;
  std::optional<long long> ended_by_party;
  std::vector<Party> parties;
  std::vector<Mediator> mediators;
  std::vector<Meeting> meetings;
  std::vector<Note> notes;
  std::optional<Agreement> agreement;
  std::vector<Event> events;
  std::string timezone;
  // Rules the page offers or withholds actions by.
  bool all_consent = false;  // every party has consented and none has withdrawn
  bool meeting_held = false;
};

// Figures for the statistics module over mediations opened in a period.
struct Statistics {
  int opened = 0;
  int consented = 0;   // every party consented
  int met = 0;         // a mediation meeting was held
  int agreements = 0;  // an agreement was recorded
  int no_agreement = 0;
  int withdrawn = 0;
  int declined = 0;
  int fulfilled = 0;
  int partly_fulfilled = 0;
  int broken = 0;
  int open = 0;
  // Medians in days from referral, over the mediations that got that far (nothing if none).
  std::optional<double> days_to_consent, days_to_meeting, days_to_agreement;
  // Agreements per mediation with a meeting held and a result; fulfilled (fully or partly)
  // per agreement with an outcome. Nothing when there is nothing to divide by.
  std::optional<double> agreement_rate, fulfilment_rate;
};

inline constexpr std::size_t kMaxBrief = 20000;
inline constexpr std::size_t kMaxNote = 10000;
inline constexpr std::size_t kMaxAgreementItem = 5000;
inline constexpr std::size_t kMaxPlace = 500;
inline constexpr int kMaxMediators = 2;

}  // namespace dime::mediation
