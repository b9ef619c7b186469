// Reference data rules: the embedded base lists, and each office's adjustments over a transaction.
#pragma once
#include <string>

#include "reference/model.hpp"
#include "storage/database.hpp"

namespace dime::reference {

// The base list shipped with this version (parsed and validated once, on first use).
const List& base(const std::string& jurisdiction, Category category);
// Parses and validates every embedded file; throws std::runtime_error naming the problem.
void validate_embedded();
// Validates one file's JSON text (exposed for tests).
List parse(const std::string& json_text, const std::string& jurisdiction, Category category);

// The list as an office sees it: the base list with the office's labels, additions and
// retirements applied. Retired entries stay in the list, flagged, so old cases keep them.
List for_organisation(storage::Transaction& tx, long long organisation_id,
                      const std::string& jurisdiction, Category category);

// Adjustments; each throws Error(unprocessable) with per-field messages on invalid input and
// Error(not_found) for an unknown code.
void set_label(storage::Transaction& tx, long long organisation_id, const std::string& jurisdiction,
               Category category, const std::string& code, const std::string& language,
               const std::string& label);
void add_entry(storage::Transaction& tx, long long organisation_id, const std::string& jurisdiction,
               Category category, const std::string& code, const std::string& english_label,
               const std::string& legal_reference);
void set_retired(storage::Transaction& tx, long long organisation_id,
                 const std::string& jurisdiction, Category category, const std::string& code,
                 bool retired);

}  // namespace dime::reference
