// Rate limits for public forms: events per subject (a keyed hash of an address, a report id)
// counted over a sliding window, in the database so that every server instance sees them.
#pragma once
#include <string>

#include "storage/database.hpp"

namespace dime::throttle {

struct Limit {
  int max_events;
  long long window_seconds;
};

// Events of `subject` within the window ending at `now`.
int recent(storage::Transaction& tx, const std::string& subject, const Limit& limit, long long now);
bool exceeded(storage::Transaction& tx, const std::string& subject, const Limit& limit,
              long long now);
void record(storage::Transaction& tx, const std::string& subject, long long now);
// Deletes events older than a day (no limit looks further back).
void sweep(storage::Transaction& tx, long long now);

}  // namespace dime::throttle
