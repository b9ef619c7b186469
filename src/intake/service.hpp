// Intake rules over a transaction: validating a report, sealing it to the office key,
// receipts, the person's own view of their report, and their messages.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "intake/model.hpp"
#include "organisations/model.hpp"
#include "reference/model.hpp"
#include "storage/database.hpp"
#include "throttle/service.hpp"

namespace dime::intake {

// Help offices that can receive reports (they have a key pair), by name.
std::vector<organisations::Organisation> receiving_offices(storage::Transaction& tx);

// The choices the form offers for one office: its jurisdiction's areas and grounds.
struct FormOptions {
  organisations::Organisation office;
  reference::List areas;
  reference::List grounds;
};
FormOptions options_for(storage::Transaction& tx, const organisations::Organisation& office);

// Per-field problems (field -> msgid) of one step, or of every step when step is 0.
std::map<std::string, std::string> validate(const ReportInput& in, const FormOptions& options,
                                            int step, long long now);

// The type of a file from its bytes (libmagic), e.g. "application/pdf".
std::string sniff(std::string_view data);
// Problems with files (field "files" -> msgid), checked by content and size.
std::map<std::string, std::string> check_files(const std::vector<Attachment>& files);

// Limits on the public forms (docs/security.md, "Abuse resistance").
inline constexpr throttle::Limit kSubmissionsPerAddress{10, 60LL * 60};
inline constexpr throttle::Limit kWrongReceiptsPerAddress{10, 15LL * 60};
inline constexpr throttle::Limit kMessagesPerReport{30, 24LL * 60 * 60};

// A fresh receipt and its keys. One argon2id run (~80 ms, 64 MiB): make it before opening the
// write transaction, so that the database lock is not held while it runs.
struct NewReceipt {
  std::string digits;
  std::string lookup;    // stored
  std::string wrapping;  // raw, never stored
};
NewReceipt new_receipt(const crypto::Keys& keys);

// Seals and stores a valid report; throws Error(unprocessable) with per-field messages, and
// Error(unavailable) when the office has no key pair yet. Committed by the caller: the receipt
// may be shown only after the commit.
// `opened_by`: the staff member who took the report for the person (a call, a visit, a union
// member), recorded with the channel.
Submitted submit(storage::Transaction& tx, const crypto::Keys& keys, const ReportInput& in,
                 const std::vector<Attachment>& files, const std::string& channel,
                 const std::string& language, long long now, const NewReceipt& receipt,
                 std::optional<long long> opened_by = std::nullopt);

// Receipts: 16 digits; spaces and dashes are ignored. Empty when it cannot be a receipt.
std::string normalise_receipt(std::string_view typed);
std::string format_receipt(const std::string& digits);  // "1234 5678 9012 3456"

enum class ReceiptOutcome { ok, wrong, throttled };
struct Opened {
  ReceiptOutcome outcome = ReceiptOutcome::wrong;
  std::optional<ReporterView> view;
  std::string report_key;  // raw: to add messages and files
};
// Opens a report with its receipt. Wrong receipts are counted per address (`address_subject`,
// already a keyed hash) and the caller commits them even when it answers with an error.
Opened open_with_receipt(storage::Transaction& tx, const crypto::Keys& keys,
                         const std::string& typed_receipt, const std::string& address_subject,
                         long long now);

// A message (and files) from the person; throws Error(unprocessable) for an empty or too long
// message or bad files, Error(too_many_requests) past the per-report limit.
void add_reporter_message(storage::Transaction& tx, const Opened& opened, const std::string& text,
                          const std::vector<Attachment>& files, long long now);


}  // namespace dime::intake
