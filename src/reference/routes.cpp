// Reference data over HTTP: GET /api/v1/reference/{jurisdiction} and /admin/reference.
#include "reference/routes.hpp"

#include "audit/service.hpp"
#include "core/error.hpp"
#include "http/forms.hpp"
#include "organisations/service.hpp"
#include "reference/service.hpp"

namespace dime::reference::routes {

using nlohmann::json;

namespace {

Category category_or_404(const std::string& name) {
  auto c = category_from_string(name);
  if (!c) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return *c;
}

std::string jurisdiction_of(storage::Transaction& tx, const http::Context& ctx) {
  auto org = organisations::find(tx, ctx.organisation_id());
  if (!org) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return org->jurisdiction;
}

json entry_json(const Entry& e) {
  json j{{"code", e.code},
         {"legal_reference", e.legal_reference},
         {"labels", e.labels},
         {"retired", e.retired}};
  if (e.work_life_only) j["work_life_only"] = true;
  if (e.time_limit_months) j["time_limit_months"] = *e.time_limit_months;
  if (!e.kind.empty()) j["kind"] = e.kind;
  if (e.added_by_office) j["added_by_office"] = true;
  return j;
}

std::string page_url(Category category, const std::string& language) {
  return "/admin/reference?category=" + std::string(to_string(category)) + "&language=" + language;
}

http::Response render(http::Context& ctx, Category category, std::string language,
                      const std::map<std::string, std::string>& errors, json add_form, int status) {
  if (std::find(label_languages().begin(), label_languages().end(), language) ==
      label_languages().end()) {
    language = ctx.lang;
  }
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  const std::string jurisdiction = jurisdiction_of(tx, ctx);
  List list = for_organisation(tx, ctx.organisation_id(), jurisdiction, category);
  json categories = json::array();
  for (Category c : all_categories()) {
    categories.push_back({{"code", to_string(c)},
                          {"label", ctx.tr(category_label(c))},
                          {"current", c == category},
                          {"url", page_url(c, language)}});
  }
  json languages = json::array();
  for (const auto& l : label_languages()) {
    languages.push_back({{"code", l}, {"selected", l == language}});
  }
  json rows = json::array();
  for (const auto& e : list.entries) {
    rows.push_back({{"code", e.code},
                    {"label", label(e, language)},
                    {"legal_reference", e.legal_reference},
                    {"retired", e.retired},
                    {"added_by_office", e.added_by_office},
                    {"category", to_string(category)}});
  }
  json data = http::error_data(ctx, errors);
  data["category"] = to_string(category);
  data["category_label"] = ctx.tr(category_label(category));
  data["categories"] = categories;
  data["language"] = language;
  data["languages"] = languages;
  data["entries"] = rows;
  data["jurisdiction"] = jurisdiction;
  data["version"] = list.version;
  data["source"] = list.source;
  std::string checked;
  for (const auto& l : list.checked_languages) checked += (checked.empty() ? "" : ", ") + l;
  data["checked_languages"] = checked;
  data["form"] = std::move(add_form);
  return ctx.page("reference/admin", N_("Reference data"), data, status);
}

}  // namespace

http::Response api_list(http::Context& ctx) {
  const std::string& jurisdiction = ctx.param("jurisdiction");
  json categories = json::object();
  for (Category c : all_categories()) {
    const List& list = base(jurisdiction, c);
    json entries = json::array();
    for (const auto& e : list.entries) entries.push_back(entry_json(e));
    categories[std::string(to_string(c))] = {
        {"version", list.version},
        {"source", list.source},
        {"translations_checked_by_native_speaker", list.checked_languages},
        {"entries", entries}};
  }
  http::Response r =
      http::Response::json(json{{"jurisdiction", jurisdiction}, {"categories", categories}}.dump());
  r.set_header("Cache-Control", "public, max-age=300");
  return r;
}

http::Response admin_page(http::Context& ctx) {
  auto category_name = ctx.req.query.count("category") ? ctx.req.query.at("category") : "grounds";
  auto language = ctx.req.query.count("language") ? ctx.req.query.at("language") : ctx.lang;
  return render(ctx, category_or_404(category_name), language, {}, json::object(), 200);
}

http::Response admin_set_label(http::Context& ctx) {
  Category category = category_or_404(ctx.param("category"));
  const std::string& code = ctx.param("code");
  auto in = http::read_form(ctx, {http::Field{"language", 10}, http::Field{"label", 500}});
  auto errors = in.errors;
  if (errors.empty()) {
    try {
      storage::Transaction tx(ctx.app.db);
      set_label(tx, ctx.organisation_id(), jurisdiction_of(tx, ctx), category, code,
                in.get("language"), in.get("label"));
      audit::append(tx, ctx.app.keys,
                    ctx.audit_event("reference.relabel", std::string(to_string(category)), code,
                                    "language " + in.get("language")));
      tx.commit();
      return http::Response::redirect(page_url(category, in.get("language")));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable) throw;
      errors = e.fields();
    }
  }
  // The summary links to the row's own input (id label-<code>), not the add form's.
  if (auto it = errors.find("label"); it != errors.end()) {
    errors.emplace("label-" + code, it->second);
    errors.erase(it);
  }
  return render(ctx, category, in.get("language"), errors, json::object(), 422);
}

http::Response admin_add_entry(http::Context& ctx) {
  Category category = category_or_404(ctx.param("category"));
  auto in = http::read_form(ctx, {http::Field{"code", 100}, http::Field{"label", 500},
                                  http::Field{"legal_reference", 500, false}});
  auto errors = in.errors;
  json form{{"code", in.get("code")},
            {"label", in.get("label")},
            {"legal_reference", in.get("legal_reference")}};
  if (errors.empty()) {
    try {
      storage::Transaction tx(ctx.app.db);
      add_entry(tx, ctx.organisation_id(), jurisdiction_of(tx, ctx), category, in.get("code"),
                in.get("label"), in.get("legal_reference"));
      audit::append(
          tx, ctx.app.keys,
          ctx.audit_event("reference.add", std::string(to_string(category)), in.get("code")));
      tx.commit();
      return http::Response::redirect(page_url(category, "en"));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unprocessable) throw;
      errors = e.fields();
    }
  }
  return render(ctx, category, "en", errors, form, 422);
}

namespace {
http::Response retire(http::Context& ctx, bool retired) {
  Category category = category_or_404(ctx.param("category"));
  const std::string& code = ctx.param("code");
  storage::Transaction tx(ctx.app.db);
  set_retired(tx, ctx.organisation_id(), jurisdiction_of(tx, ctx), category, code, retired);
  audit::append(tx, ctx.app.keys,
                ctx.audit_event(retired ? "reference.retire" : "reference.restore",
                                std::string(to_string(category)), code));
  tx.commit();
  return http::Response::redirect(page_url(category, ctx.lang));
}
}  // namespace

http::Response admin_retire(http::Context& ctx) {
  return retire(ctx, true);
}
http::Response admin_restore(http::Context& ctx) {
  return retire(ctx, false);
}

}  // namespace dime::reference::routes
