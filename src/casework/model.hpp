// Casework on a report: the queue, the case as an advisor sees it (decrypted), the advisor's
// coding, the status workflow, notes, tasks, the evidence checklist and deadlines.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "intake/model.hpp"

namespace dime::casework {

using intake::Option;

// The workflow: received -> in assessment -> advice given -> referred / in mediation -> closed.
// Staff-facing labels (the person sees intake::statuses()).
const std::vector<Option>& statuses();
// Where a case may go from `from` (closing needs an outcome; a closed case may be reopened).
const std::vector<std::string>& next_statuses(const std::string& from);
bool can_move(const std::string& from, const std::string& to);

// How a case ended (the Swedish offices' "how it was closed" and the Dutch "handling" both map
// onto these).
const std::vector<Option>& outcomes();

// The evidence checklist under the shared burden of proof, and the state of each item.
const std::vector<Option>& evidence_items();
const std::vector<Option>& evidence_states();

// Office settings that deadlines follow (organisations table).
struct Settings {
  int acknowledge_days = 7;
  int feedback_days = 90;
  int limit_warning_days = 180;
  int retention_months = 24;
};

// One deadline of a case, as the queue and the coordinator's view show it.
struct Deadline {
  std::string kind;  // acknowledge, feedback, time_limit, task
  std::string due;   // YYYY-MM-DD
  long long days_left = 0;
  bool overdue = false;
  bool at_risk = false;  // overdue, or due soon enough to act on now
  std::string body;      // time_limit: the referral body's code
};

// The dates a case's deadlines are computed from.
struct Clock {
  long long created_at = 0;
  std::optional<long long> acknowledged_at;
  std::optional<long long> feedback_at;
  std::string status;
  std::string event_from;     // YYYY-MM-DD: the earliest event, or empty when unknown
  std::string next_task_due;  // YYYY-MM-DD of the first open task, or empty
};
// A body whose time limit applies to events (reference data: referral bodies).
struct TimeLimit {
  std::string body;
  int months = 0;
};
// The deadlines that matter now, soonest first: acknowledgement and feedback until given; time
// limits within the warning period (or passed); the first open task when due within two days.
// A closed case has none.
std::vector<Deadline> deadlines(const Clock& clock, const Settings& settings,
                                const std::vector<TimeLimit>& limits, long long now);

// ---- The queue ----

struct Filter {
  std::string status;    // a status code, "open" (anything but closed), or empty for all
  std::string assignee;  // "", "me", "none", or a user id
  std::string ground;    // reported or coded
  std::string area;      // reported or coded
  std::string age;       // "", "week", "month", "quarter", "older" (received how long ago)
  std::string deadline;  // "", "at_risk", "overdue"
  std::string query;     // a reference (or its start) or a municipality
  std::string sort = "newest";  // newest, oldest, updated
  int page = 1;
};
inline constexpr int kPageSize = 50;

struct Row {
  long long id = 0;
  std::string reference;
  std::string status;
  std::string channel;
  std::string reporter_type;
  std::string area;  // coded if coded, else reported
  std::string municipality;
  std::vector<std::string> grounds;  // coded if coded, else reported
  long long created_at = 0;
  long long updated_at = 0;
  bool acknowledged = false;
  std::optional<long long> assigned_to;
  std::vector<Deadline> deadlines;
};

struct Page {
  std::vector<Row> rows;
  long long total = 0;
  int page = 1;
  bool has_next = false;
};

// ---- One case ----

struct Note {
  long long id = 0;
  long long author = 0;
  std::string body;
  long long created_at = 0;
};

struct Task {
  long long id = 0;
  std::string title;
  std::string due_on;
  std::optional<long long> assigned_to;
  long long created_by = 0;
  std::optional<long long> done_at;
  bool overdue = false;
};

struct Event {
  long long at = 0;
  std::optional<long long> actor;
  std::string kind;  // received, acknowledged, assigned, status, coded, note, message, task...
  std::string detail;
};

struct StaffMessage {
  long long id = 0;
  std::string author;  // reporter, staff
  std::optional<long long> author_user_id;
  std::string body;
  long long created_at = 0;
  std::optional<long long> read_at;
};

struct Attachment {
  long long id = 0;
  std::string filename;
  std::string content_type;
  long long size = 0;
  long long created_at = 0;
};

// The advisor's coding, kept apart from what the person reported.
struct Coding {
  std::vector<std::string> grounds;
  std::vector<std::string> forms;
  std::string area;
  std::string event_earliest;  // YYYY-MM-DD or empty
};

struct Case {
  Row row;
  std::optional<long long> erased_at;  // personal data erased: the report and texts are empty
  std::string language;
  std::optional<std::string> outcome;
  std::optional<long long> opened_by;
  std::string event_month;
  intake::ReportInput report;  // what the person told us (decrypted)
  Coding coding;
  std::vector<StaffMessage> messages;
  std::vector<Attachment> attachments;
  std::vector<Note> notes;
  std::vector<Task> tasks;
  std::vector<Event> events;
  std::vector<std::pair<std::string, std::string>> evidence;  // item -> state, every item
};

}  // namespace dime::casework
