// Rate-limit events over a transaction.
#include "throttle/service.hpp"

namespace dime::throttle {

int recent(storage::Transaction& tx, const std::string& subject, const Limit& limit,
           long long now) {
  int n = 0;
  long long since = now - limit.window_seconds;
  tx.sql() << "SELECT COUNT(*) FROM rate_events WHERE subject = :s AND at > :t", soci::use(subject),
      soci::use(since), soci::into(n);
  return n;
}

bool exceeded(storage::Transaction& tx, const std::string& subject, const Limit& limit,
              long long now) {
  return recent(tx, subject, limit, now) >= limit.max_events;
}

void record(storage::Transaction& tx, const std::string& subject, long long now) {
  tx.sql() << "INSERT INTO rate_events (subject, at) VALUES (:s, :t)", soci::use(subject),
      soci::use(now);
}

void sweep(storage::Transaction& tx, long long now) {
  long long horizon = now - 24LL * 60 * 60;
  tx.sql() << "DELETE FROM rate_events WHERE at <= :t", soci::use(horizon);
}

}  // namespace dime::throttle
