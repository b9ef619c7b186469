// A report from the public: what the person tells us (encrypted at rest) and the codes that
// queues and statistics read (in clear). Option lists are codes with msgids for their labels.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dime::intake {

struct Option {
  const char* code;
  const char* label;  // msgid
};

// Who is reporting: the person it happened to, or someone on their behalf.
const std::vector<Option>& reporter_types();
// Whether the person it happened to knows and agrees (reports on someone's behalf).
const std::vector<Option>& consent_answers();
const std::vector<Option>& place_kinds();
const std::vector<Option>& party_kinds();
const std::vector<Option>& wishes();
const std::vector<Option>& contact_modes();
bool has_code(const std::vector<Option>& options, const std::string& code);
// The label (msgid) of an option code, or "" when the code is not one of the options.
const char* option_label(const std::vector<Option>& options, const std::string& code);

// Everything a report form or the JSON API may carry. Free-text fields end up in the sealed
// content; code fields stay readable.
struct ReportInput {
  long long organisation_id = 0;
  std::string reporter_type;     // reporter_types()
  std::string affected_consent;  // consent_answers(), only when not "self"
  std::string narrative;
  std::string event_date;    // YYYY-MM-DD, optional
  std::string event_period;  // "spring 2025", optional; one of date or period is needed
  std::string municipality;
  std::string place_kind;
  std::string area;                  // reference data: areas
  std::vector<std::string> grounds;  // reference data: grounds ("dont_know" allowed)
  std::string party_kind;
  std::string party_name;  // optional
  std::string witnesses;   // optional
  std::vector<std::string> wishes;
  std::string contact_mode;  // none, email, phone
  std::string name;          // optional, also when anonymous to the other party
  std::string email;
  std::string phone;
  std::string notify_email;  // optional: only to hear that there is a new message
  bool consent = false;      // to processing, in plain words
};

// The form is split into short steps; each field belongs to one step.
inline constexpr int kSteps = 5;
// Field names of a step (1-based), as the form and the per-field errors name them.
const std::vector<std::string>& step_fields(int step);

// The limits of every field (bytes of UTF-8).
inline constexpr std::size_t kMaxNarrative = 20000;
inline constexpr std::size_t kMaxShortText = 200;
inline constexpr std::size_t kMaxWitnesses = 2000;
inline constexpr std::size_t kMaxMessage = 10000;

// Evidence files: checked by their content, never by their name.
inline constexpr std::size_t kMaxFileBytes = 8UL * 1024 * 1024;
inline constexpr std::size_t kMaxFiles = 3;
// A body with kMaxFiles files and the form around them.
inline constexpr std::size_t kMaxUploadBody = kMaxFiles * kMaxFileBytes + 256UL * 1024;
// The types we accept, as sniffed from the bytes.
const std::vector<std::string>& accepted_file_types();

struct Attachment {
  std::string filename;
  std::string content_type;  // sniffed
  std::string data;
};

struct Submitted {
  long long report_id = 0;
  std::string reference;  // "NO-2026-7KQ4MZ": shown to the person and staff
  std::string receipt;    // 16 digits: shown once, stored only as an argon2id hash
};

struct Message {
  std::string author;  // reporter, staff
  std::string body;
  long long created_at = 0;
};

struct AttachmentInfo {
  std::string filename;
  std::string content_type;
  long long size = 0;
};

// What the person sees with their receipt.
struct ReporterView {
  long long report_id = 0;
  long long organisation_id = 0;
  std::string reference;
  std::string status;
  std::string language;
  long long created_at = 0;
  ReportInput report;  // decrypted with the receipt
  std::vector<Message> messages;
  std::vector<AttachmentInfo> attachments;
  // The case was closed and its personal data erased: only the status remains.
  bool erased = false;
};

// The statuses a report goes through (casework moves it on).
const std::vector<Option>& statuses();

}  // namespace dime::intake
