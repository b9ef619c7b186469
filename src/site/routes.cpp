// The public start page, /healthz, embedded static files with cache headers, language choice.
#include "site/routes.hpp"

#include <algorithm>
#include <map>

#include "accounts/service.hpp"
#include "core/error.hpp"
#include "core/resources.hpp"
#include "crypto/crypto.hpp"
#include "http/forms.hpp"
#include "i18n/i18n.hpp"

namespace dime::site::routes {

using nlohmann::json;

http::Response start_page(http::Context& ctx) {
  return ctx.page("site/start", N_("Help against discrimination"), json::object());
}

http::Response healthz(http::Context& ctx) {
  // A trivial query proves the database answers, not just that the process runs.
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  int one = 0;
  tx.sql() << "SELECT 1", soci::into(one);
  json body{{"status", one == 1 ? "ok" : "degraded"},
            {"database", storage::backend_name(ctx.app.db.backend())},
            {"version", DIME_VERSION}};
  return http::Response::json(body.dump());
}

namespace {
std::string content_type(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

// The embedded static files and their ETags, computed once: the files never change while the
// binary runs.
const std::map<std::string, std::pair<std::string_view, std::string>>& static_files() {
  static const auto files = [] {
    std::map<std::string, std::pair<std::string_view, std::string>> out;
    const std::string prefix = "static/";
    for (const auto& r : resources::all()) {
      if (r.name.substr(0, prefix.size()) != prefix) continue;
      out.emplace(std::string(r.name.substr(prefix.size())),
                  std::make_pair(r.data, "\"" + crypto::hash_hex(r.data).substr(0, 32) + "\""));
    }
    return out;
  }();
  return files;
}
}  // namespace

http::Response static_file(http::Context& ctx) {
  const std::string& name = ctx.param("file");
  // Only names of embedded files can match, so traversal ("..", "/", NUL) finds nothing.
  const auto& files = static_files();
  auto it = files.find(name);
  if (it == files.end()) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  const auto& [data, etag] = it->second;
  http::Response r;
  if (auto inm = ctx.req.header("if-none-match"); inm && *inm == etag) {
    r.status = 304;
  } else {
    r = http::Response::text(std::string(data), content_type(name));
  }
  r.set_header("ETag", etag);
  r.set_header("Cache-Control", "public, max-age=3600");
  return r;
}

http::Response choose_language(http::Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"lang", 10}, http::Field{"return_to", 500, false}});
  if (!in.ok() || !i18n::find(in.get("lang"))) {
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."));
  }
  ctx.set_cookies.push_back(http::make_cookie("dime_lang", in.get("lang"), 60LL * 60 * 24 * 365));
  // Only a path on this site: never "//host" or a scheme, so this is no open redirect.
  std::string back = in.get("return_to");
  bool control = std::any_of(back.begin(), back.end(), [](unsigned char c) { return c < 0x20; });
  if (back.empty() || back[0] != '/' || control ||
      (back.size() > 1 && (back[1] == '/' || back[1] == '\\'))) {
    back = "/";
  }
  if (ctx.session) {
    storage::Transaction tx(ctx.app.db);
    accounts::set_language(tx, ctx.session->user_id, in.get("lang"));
    tx.commit();
  }
  return http::Response::redirect(back);
}

}  // namespace dime::site::routes
