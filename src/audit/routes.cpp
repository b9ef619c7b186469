// The audit log page: the newest entries of the admin's organisation.
#include "audit/routes.hpp"

#include <ctime>

#include "audit/service.hpp"

namespace dime::audit::routes {

using nlohmann::json;

namespace {
std::string utc(long long t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}
}  // namespace

http::Response log_page(http::Context& ctx) {
  storage::Transaction tx(ctx.app.db);
  auto entries = list_for_organisation(tx, ctx.organisation_id(), 200);
  append(tx, ctx.app.keys,
         ctx.audit_event("audit.read", "audit_log", std::to_string(ctx.organisation_id())));
  tx.commit();
  json rows = json::array();
  for (const auto& e : entries) {
    rows.push_back({{"seq", e.seq},
                    {"at", utc(e.at)},
                    {"actor", e.event.actor_user_id ? std::to_string(*e.event.actor_user_id) : "-"},
                    {"action", e.event.action},
                    {"object", e.event.object_type + " " + e.event.object_id},
                    {"detail", e.event.detail}});
  }
  return ctx.page("audit/log", N_("Audit log"), {{"entries", rows}, {"empty", rows.empty()}});
}

}  // namespace dime::audit::routes
