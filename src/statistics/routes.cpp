// Statistics pages, exports and API: read the query, read the facts in one read transaction,
// compute, and render (HTML with tables that scripts may turn into charts, JSON, CSV, XLSX).
#include "statistics/routes.hpp"

#include <curl/curl.h>

#include <cmath>
#include <memory>

#include "core/clock.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "http/forms.hpp"
#include "organisations/service.hpp"
#include "statistics/exchange.hpp"
#include "statistics/export.hpp"
#include "statistics/service.hpp"

namespace dime::statistics::routes {

using http::Context;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kMaxMonths = 120;

std::string url_encode(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size())), &curl_free);
  return out ? std::string(out.get()) : std::string();
}

// The dimensions a staff member may filter by.
std::vector<Dim> filter_dims() {
  std::vector<Dim> v = breakdown_dims();
  v.push_back(Dim::status);
  return v;
}

// ---- The staff query: period, granularity, office and one code per dimension ----

struct Query {
  Filter filter;
  std::optional<long long> office;            // one office of the scope, or all of it
  std::map<std::string, std::string> errors;  // field -> msgid
  std::map<std::string, std::string> typed;   // as typed, for the form
};

Query read_query(const Context& ctx, const Scope& scope, long long now) {
  Query q;
  int this_month = month_of(now);
  q.filter.to = this_month;
  q.filter.from = this_month - this_month % 12;
  q.typed["from"] = ctx.query("from");
  q.typed["to"] = ctx.query("to");
  std::optional<int> from, to;
  if (!q.typed["from"].empty()) {
    from = parse_month(q.typed["from"]);
    if (!from) q.errors["from"] = N_("Enter a month as YYYY-MM.");
  }
  if (!q.typed["to"].empty()) {
    to = parse_month(q.typed["to"]);
    if (!to) q.errors["to"] = N_("Enter a month as YYYY-MM.");
  }
  if (q.errors.empty()) {
    int f = from.value_or(to ? *to - *to % 12 : q.filter.from);
    int t = to.value_or(from ? std::max(*from, this_month) : q.filter.to);
    if (t < f) {
      q.errors["to"] = N_("The last month comes before the first.");
    } else if (t - f >= kMaxMonths) {
      q.errors["from"] = N_("Choose at most ten years.");
    } else {
      q.filter.from = f;
      q.filter.to = t;
    }
  }
  if (std::string by = ctx.query("by"); !by.empty()) {
    auto g = granularity_from_string(by);
    if (!g) throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    q.filter.granularity = *g;
  }
  if (std::string office = ctx.query("office"); !office.empty()) {
    long long id = 0;
    try {
      id = http::parse_id(office);
    } catch (const Error&) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    if (std::find(scope.offices.begin(), scope.offices.end(), id) == scope.offices.end()) {
      throw Error(ErrorKind::not_found, N_("There is no page at this address."));
    }
    q.office = id;
  }
  for (Dim d : filter_dims()) {
    std::string value = http::filter_value(ctx, to_string(d));
    if (value.empty()) continue;
    if (value.find_first_of("\r\n") != std::string::npos) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    q.filter.where[d] = value;
  }
  return q;
}

// The query again, for links to the exports of the same figures.
std::string query_string(const Query& q) {
  std::string out = "?from=" + month_text(q.filter.from) + "&to=" + month_text(q.filter.to) +
                    "&by=" + to_string(q.filter.granularity);
  if (q.office) out += "&office=" + std::to_string(*q.office);
  for (const auto& [d, code] : q.filter.where) {
    out += std::string("&") + to_string(d) + "=" + url_encode(code);
  }
  return out;
}

std::vector<long long> offices_of(const Scope& scope, const Query& q) {
  return q.office ? std::vector<long long>{*q.office} : scope.offices;
}

std::string scope_title(const Context& ctx, const Labels& labels, const Scope& scope,
                        const std::optional<long long>& office) {
  if (office) return labels(Dim::office, std::to_string(*office));
  if (scope.offices.size() == 1) return labels(Dim::office, std::to_string(scope.offices[0]));
  return ctx.tr(N_("All offices"));
}

// Figures with one decimal (nlohmann prints the shortest form: 4.9, 100.0 as 100.0).
double one_decimal(double v) {
  return std::round(v * 10) / 10;
}

json timing_json(const Timing& t, int deadline) {
  json j{{"measured", t.measured}, {"within", t.within}, {"deadline", deadline}};
  j["median"] = t.median_days ? json(one_decimal(*t.median_days)) : json();
  j["p90"] = t.p90_days ? json(one_decimal(*t.p90_days)) : json();
  j["has"] = t.measured > 0;
  if (t.measured > 0) {
    j["within_share"] =
        one_decimal(100.0 * static_cast<double>(t.within) / static_cast<double>(t.measured));
  }
  return j;
}

json rows_json(const Labels& labels, Dim d, const std::vector<Row>& rows, long long cases) {
  json out = json::array();
  for (const auto& r : rows) {
    out.push_back({{"code", r.code},
                   {"label", labels(d, r.code)},
                   {"count", r.count},
                   {"share", cases > 0 ? one_decimal(100.0 * static_cast<double>(r.count) /
                                                     static_cast<double>(cases))
                                       : 0.0}});
  }
  return out;
}

// The figures as the page and the API show them.
json figures_json(const Context& ctx, const Labels& labels, const Figures& f, const Scope& s) {
  json trend = json::array();
  for (const auto& [period, n] : f.trend) trend.push_back({{"period", period}, {"count", n}});
  json tables = json::array();
  for (const auto& b : f.breakdowns) {
    json t{{"id", to_string(b.dim)},
           {"title", labels.dim(b.dim)},
           {"multiple", multiple(b.dim)},
           {"rows", rows_json(labels, b.dim, b.rows, f.cases)},
           {"has_rows", !b.rows.empty()},
           {"combinations", rows_json(labels, b.dim, b.combinations, f.cases)},
           {"has_combinations", !b.combinations.empty()}};
    if (multiple(b.dim)) {
      t["none"] = b.with_none;
      t["none_label"] = ctx.tr(b.dim == Dim::bodies      ? N_("Not referred")
                               : b.dim == Dim::mediation ? N_("No mediation result")
                                                         : N_("None recorded"));
    }
    tables.push_back(std::move(t));
  }
  return {{"cases", f.cases},
          {"trend", trend},
          {"tables", tables},
          {"to_acknowledge", timing_json(f.to_acknowledge, s.acknowledge_days)},
          {"to_advice", timing_json(f.to_advice, s.feedback_days)}};
}

// Choices for the filter form: every code in the period, and those filtered on.
json filter_json(const Context& ctx, const Labels& labels, const Facts& facts, const Query& q,
                 const Scope& scope) {
  json dims = json::array();
  for (Dim d : filter_dims()) {
    std::string chosen;
    if (auto it = q.filter.where.find(d); it != q.filter.where.end()) chosen = it->second;
    std::vector<std::string> codes = facts.codes[static_cast<std::size_t>(d)];
    if (!chosen.empty() && std::find(codes.begin(), codes.end(), chosen) == codes.end()) {
      codes.push_back(chosen);
    }
    json options = json::array();
    for (const auto& c : codes) {
      options.push_back({{"code", c}, {"label", labels(d, c)}, {"selected", c == chosen}});
    }
    std::sort(options.begin(), options.end(), [](const json& a, const json& b) {
      return a["label"].get<std::string>() < b["label"].get<std::string>();
    });
    dims.push_back({{"name", to_string(d)}, {"label", labels.dim(d)}, {"options", options}});
  }
  json grains = json::array();
  const std::pair<Granularity, const char*> kGrains[] = {{Granularity::month, N_("Month")},
                                                         {Granularity::quarter, N_("Quarter")},
                                                         {Granularity::half, N_("Half-year")},
                                                         {Granularity::year, N_("Year")}};
  for (const auto& [g, label] : kGrains) {
    grains.push_back({{"code", to_string(g)},
                      {"label", ctx.tr(label)},
                      {"selected", g == q.filter.granularity}});
  }
  json offices = json::array();
  for (long long o : scope.offices) {
    offices.push_back({{"code", std::to_string(o)},
                       {"label", labels(Dim::office, std::to_string(o))},
                       {"selected", q.office && *q.office == o}});
  }
  auto typed = [&](const char* name, int month) {
    auto it = q.typed.find(name);
    return it != q.typed.end() && q.errors.count(name) ? it->second : month_text(month);
  };
  return {{"from", typed("from", q.filter.from)},
          {"to", typed("to", q.filter.to)},
          {"granularities", grains},
          {"dims", dims},
          {"national", scope.offices.size() > 1},
          {"offices", offices}};
}

struct Loaded {
  Scope scope;
  Query query;
  Facts facts;
  Figures figures;
  std::unique_ptr<Labels> labels;
};

Loaded load_for(Context& ctx, storage::Transaction& tx) {
  Loaded l;
  long long now = now_seconds();
  l.scope = scope_of(tx, ctx.organisation_id());
  l.query = read_query(ctx, l.scope, now);
  l.facts = load(tx, offices_of(l.scope, l.query), l.query.filter.from, l.query.filter.to, false);
  l.figures = compute(l.facts, l.query.filter, l.scope.acknowledge_days, l.scope.feedback_days);
  l.labels = std::make_unique<Labels>(tx, ctx.organisation_id(), l.scope.jurisdiction, ctx.lang,
                                      ctx.translator(ctx.lang));
  return l;
}

// The same, for the API and the downloads: a query with problems is a 422 naming the fields.
Loaded load_valid(Context& ctx, storage::Transaction& tx) {
  Loaded l = load_for(ctx, tx);
  if (!l.query.errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "",
                l.query.errors);
  }
  return l;
}

Response attachment(std::string body, const std::string& type, const std::string& filename) {
  Response r = Response::text(std::move(body), type);
  r.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.set_header("Cache-Control", "no-store");
  return r;
}

std::string file_stem(const Query& q) {
  return "dime-statistics-" + month_text(q.filter.from) + "-" + month_text(q.filter.to);
}

// The year a report is for (`?year=`, last year when absent): Error(bad_request) unless it is
// a year of four digits no later than this one.
int query_year(const Context& ctx, int this_year) {
  std::string y = ctx.query("year");
  if (y.empty()) return this_year - 1;
  auto parsed = parse_month(y + "-01");
  if (!parsed || y.size() != 4 || *parsed / 12 > this_year) {
    throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
  }
  return *parsed / 12;
}

// The last ten years, for a year chooser.
json year_choices(int this_year, int chosen) {
  json years = json::array();
  for (int y = this_year; y >= this_year - 9; --y) {
    years.push_back({{"year", y}, {"selected", y == chosen}});
  }
  return years;
}

// ---- Public ----

PublicSettings public_settings(const Context& ctx) {
  PublicSettings s;
  s.threshold = std::max<long long>(3, ctx.app.config.statistics_threshold);
  auto g = granularity_from_string(ctx.app.config.statistics_period);
  s.granularity = g && *g != Granularity::month ? *g : Granularity::year;
  return s;
}

struct Published {
  std::shared_ptr<const Publication> pub;
  std::unique_ptr<Labels> labels;
  std::optional<std::size_t> office;  // index into pub->offices, or all
};

std::vector<std::pair<long long, std::string>> with_jurisdictions(
    storage::Transaction& tx, const std::vector<long long>& offices) {
  std::vector<std::pair<long long, std::string>> out;
  for (long long id : offices) {
    if (auto org = organisations::find(tx, id)) out.emplace_back(id, org->jurisdiction);
  }
  return out;
}

// How long the server reuses computed public figures (and caches may keep them): they count
// complete periods only, so they change only when cases are approved or coded again.
constexpr long long kPublicSeconds = 300;

Published published(Context& ctx) {
  Published p;
  long long now = now_seconds();
  auto settings = public_settings(ctx);
  std::string office = ctx.query("office");
  p.pub = ctx.app.memo->get<Publication>(
      "statistics.public", now, kPublicSeconds, std::function<Publication()>([&] {
        storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
        auto offices = help_offices(tx);
        int last = period_start(month_of(now), settings.granularity) - 1;
        auto first = first_month(tx, offices, true);
        Facts facts = first && *first <= last ? load(tx, offices, *first, last, true)
                                              : load(tx, offices, 1, 0, true);
        // Every help office is published, those on their own servers with their last file.
        auto tallies = tally(facts, public_dims(), last);
        for (auto& [id, t] : imported(tx, offices)) tallies[id] = std::move(t);
        return publish(tallies, settings, public_rows(tx, with_jurisdictions(tx, offices)), now);
      }));
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  p.labels = std::make_unique<Labels>(tx, with_jurisdictions(tx, p.pub->offices), ctx.lang,
                                      ctx.translator(ctx.lang));
  if (!office.empty()) {
    long long id = 0;
    try {
      id = http::parse_id(office);
    } catch (const Error&) {
      throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
    }
    const auto& ids = p.pub->offices;
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
    p.office = static_cast<std::size_t>(it - ids.begin());
  }
  return p;
}

// Public figures change only when cases are approved: caches may keep them a few minutes.
// Labels follow the language, so the cache key holds what chooses it.
void public_cache(Response& r) {
  r.set_header("Cache-Control", "public, max-age=" + std::to_string(kPublicSeconds));
  r.set_header("Vary", "Accept-Language, Cookie");
}

json cell_json(const Cell& c) {
  if (c.shown == Shown::value) return {{"count", c.value}};
  return {{"count", nullptr},
          {"suppressed", c.shown == Shown::below_threshold ? "fewer_than_threshold" : "secondary"}};
}

// For the page: the text of a cell.
json cell_view(const Context& ctx, const Cell& c, long long threshold) {
  if (c.shown == Shown::value) return {{"text", std::to_string(c.value)}, {"withheld", false}};
  if (c.shown == Shown::below_threshold) {
    return {{"text", ctx.tr(N_("fewer than")) + " " + std::to_string(threshold)},
            {"withheld", true}};
  }
  return {{"text", ctx.tr(N_("hidden"))}, {"withheld", true}};
}

}  // namespace

// ---- Staff ----

Response dashboard(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Loaded l = load_for(ctx, tx);
  const Labels& labels = *l.labels;
  json data = figures_json(ctx, labels, l.figures, l.scope);
  data["filter"] = filter_json(ctx, labels, l.facts, l.query, l.scope);
  data["scope"] = scope_title(ctx, labels, l.scope, l.query.office);
  data["period"] = month_text(l.query.filter.from) + " – " + month_text(l.query.filter.to);
  data["query"] = query_string(l.query);
  // The office's own cases of the period (for a national organisation, its own office's).
  Facts own = l.scope.offices.size() > 1 || l.query.office
                  ? load(tx, {ctx.organisation_id()}, l.query.filter.from, l.query.filter.to, false)
                  : Facts{};
  auto approval = approval_state(own.office_ids.empty() ? l.facts : own, ctx.organisation_id());
  data["approval"] = {
      {"approved", approval.approved},           {"waiting", approval.waiting},
      {"closed_coded", approval.closed_coded},   {"can_approve", approval.waiting > 0},
      {"from", month_text(l.query.filter.from)}, {"to", month_text(l.query.filter.to)}};
  data["this_year"] = month_of(now_seconds()) / 12;
  data["last_year"] = month_of(now_seconds()) / 12 - 1;
  data["has_jurisdiction_format"] = l.scope.jurisdiction == "se" || l.scope.jurisdiction == "nl";
  data["is_national"] = l.scope.national;
  int status = 200;
  if (!l.query.errors.empty()) {
    data.update(http::error_data(ctx, l.query.errors));
    status = 422;
  }
  // After a bulk approval: its count, a number only (the link could carry any text).
  if (auto approved = parse_integer(ctx.query("approved")); approved && *approved >= 0) {
    data["approved_now"] = std::to_string(*approved);
  }
  return ctx.page("statistics/dashboard", N_("Statistics"), data, status);
}

Response api_figures(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Loaded l = load_valid(ctx, tx);
  json out = figures_json(ctx, *l.labels, l.figures, l.scope);
  out["from"] = month_text(l.query.filter.from);
  out["to"] = month_text(l.query.filter.to);
  out["granularity"] = to_string(l.query.filter.granularity);
  json offices = json::array();
  for (long long o : offices_of(l.scope, l.query)) offices.push_back(o);
  out["offices"] = offices;
  return Response::json(out.dump());
}

Response export_csv(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Loaded l = load_valid(ctx, tx);
  return attachment(figures_csv(l.figures, *l.labels), "text/csv; charset=utf-8",
                    file_stem(l.query) + ".csv");
}

Response export_xlsx(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Loaded l = load_valid(ctx, tx);
  std::string title = scope_title(ctx, *l.labels, l.scope, l.query.office) + ", " +
                      month_text(l.query.filter.from) + " – " + month_text(l.query.filter.to);
  return attachment(figures_xlsx(l.figures, *l.labels, title),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    file_stem(l.query) + ".xlsx");
}

Response export_jurisdiction(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Loaded l = load_valid(ctx, tx);
  return attachment(jurisdiction_csv(l.facts, l.query.filter, *l.labels, l.scope.jurisdiction),
                    "text/csv; charset=utf-8",
                    file_stem(l.query) + "-" + l.scope.jurisdiction + ".csv");
}

Response annual_report(Context& ctx) {
  long long now = now_seconds();
  int this_year = month_of(now) / 12;
  int year = query_year(ctx, this_year);
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Scope scope = scope_of(tx, ctx.organisation_id());
  Query q = read_query(ctx, scope, now);
  Labels labels(tx, ctx.organisation_id(), scope.jurisdiction, ctx.lang, ctx.translator(ctx.lang));
  auto offices = offices_of(scope, q);
  Filter f;
  f.from = year * 12;
  f.to = year * 12 + 11;
  f.granularity = Granularity::month;
  Facts now_facts = load(tx, offices, f.from, f.to, false);
  Figures current = compute(now_facts, f, scope.acknowledge_days, scope.feedback_days);
  Filter pf = f;
  pf.from -= 12;
  pf.to -= 12;
  Facts before_facts = load(tx, offices, pf.from, pf.to, false);
  Figures before = compute(before_facts, pf, scope.acknowledge_days, scope.feedback_days);

  auto change = [](long long now_n, long long then_n) {
    json c{{"diff", (now_n >= then_n ? "+" : "") + std::to_string(now_n - then_n)}};
    if (then_n > 0) {
      double pct = 100.0 * static_cast<double>(now_n - then_n) / static_cast<double>(then_n);
      c["percent"] =
          (pct >= 0 ? "+" : "") + std::to_string(static_cast<long long>(std::lround(pct)));
    }
    return c;
  };
  json tables = json::array();
  for (std::size_t i = 0; i < current.breakdowns.size(); ++i) {
    const auto& b = current.breakdowns[i];
    if (b.dim == Dim::municipality) continue;
    std::map<std::string, long long> prev;
    for (const auto& r : before.breakdowns[i].rows) prev[r.code] = r.count;
    json rows = json::array();
    for (const auto& r : b.rows) {
      long long p = prev.count(r.code) ? prev[r.code] : 0;
      prev.erase(r.code);
      json row{{"label", labels(b.dim, r.code)}, {"count", r.count}, {"previous", p}};
      row.update(change(r.count, p));
      rows.push_back(row);
    }
    for (const auto& [code, p] : prev) {  // only last year
      json row{{"label", labels(b.dim, code)}, {"count", 0}, {"previous", p}};
      row.update(change(0, p));
      rows.push_back(row);
    }
    tables.push_back({{"id", to_string(b.dim)},
                      {"title", labels.dim(b.dim)},
                      {"rows", rows},
                      {"has_rows", !rows.empty()},
                      {"multiple", multiple(b.dim)}});
  }
  json trend = json::array();
  for (std::size_t m = 0; m < current.trend.size(); ++m) {
    trend.push_back({{"period", current.trend[m].first.substr(5)},
                     {"count", current.trend[m].second},
                     {"previous", m < before.trend.size() ? before.trend[m].second : 0}});
  }
  json years = year_choices(this_year, year);
  json data{{"year", year},
            {"previous_year", year - 1},
            {"years", years},
            {"scope", scope_title(ctx, labels, scope, q.office)},
            {"cases", current.cases},
            {"previous_cases", before.cases},
            {"trend", trend},
            {"tables", tables},
            {"to_acknowledge", timing_json(current.to_acknowledge, scope.acknowledge_days)},
            {"to_advice", timing_json(current.to_advice, scope.feedback_days)},
            {"threshold", public_settings(ctx).threshold},
            {"national", scope.offices.size() > 1}};
  data.update(change(current.cases, before.cases));
  json offices_json = json::array();
  for (long long o : scope.offices) {
    offices_json.push_back({{"code", std::to_string(o)},
                            {"label", labels(Dim::office, std::to_string(o))},
                            {"selected", q.office && *q.office == o}});
  }
  data["offices"] = offices_json;
  return ctx.page("statistics/annual", N_("Annual report"), data);
}

Response post_approve(Context& ctx) {
  auto in = http::read_form(ctx, {http::Field{"from", 7}, http::Field{"to", 7}});
  auto from = in.ok() ? parse_month(in.get("from")) : std::nullopt;
  auto to = in.ok() ? parse_month(in.get("to")) : std::nullopt;
  int f = from.value_or(0), t = to.value_or(-1);
  if (!from || !to || t < f || t - f >= kMaxMonths) {
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."));
  }
  storage::Transaction tx(ctx.app.db);
  int n =
      approve_closed(tx, ctx.app.keys, ctx.user_id(), ctx.organisation_id(), f, t, now_seconds());
  tx.commit();
  return Response::redirect("/staff/statistics?from=" + month_text(f) + "&to=" + month_text(t) +
                            "&approved=" + std::to_string(n));
}

Response post_case_approval(Context& ctx) {
  long long id = http::parse_id(ctx.param("id"));
  auto in = http::read_form(ctx, {http::Field{"approved", 3}});
  if (!in.ok() || (in.get("approved") != "yes" && in.get("approved") != "no")) {
    throw Error(ErrorKind::bad_request, N_("The form data was malformed."));
  }
  storage::Transaction tx(ctx.app.db);
  approve(tx, ctx.app.keys, ctx.user_id(), ctx.organisation_id(), id, in.get("approved") == "yes",
          now_seconds());
  tx.commit();
  return Response::redirect("/cases/" + std::to_string(id));
}

// ---- Public ----

Response public_page(Context& ctx) {
  Published p = published(ctx);
  const Labels& labels = *p.labels;
  const PublicFigures& f = p.office ? p.pub->by_office[*p.office] : p.pub->all;
  long long threshold = p.pub->settings.threshold;
  json periods = json::array();
  for (const auto& x : f.periods) periods.push_back({{"period", x}});
  json cases = json::array();
  for (const auto& c : f.cases) cases.push_back(cell_view(ctx, c, threshold));
  json tables = json::array();
  for (const auto& t : f.tables) {
    json rows = json::array();
    for (const auto& r : t.rows) {
      json cells = json::array();
      for (const auto& c : r.periods) cells.push_back(cell_view(ctx, c, threshold));
      rows.push_back({{"label", labels(t.dim, r.code)},
                      {"cells", cells},
                      {"total", cell_view(ctx, r.total, threshold)}});
    }
    tables.push_back({{"id", to_string(t.dim)},
                      {"title", labels.dim(t.dim)},
                      {"additive", t.additive},
                      {"rows", rows},
                      {"has_rows", !rows.empty()}});
  }
  json offices = json::array();
  for (std::size_t i = 0; i < p.pub->offices.size(); ++i) {
    std::string id = std::to_string(p.pub->offices[i]);
    offices.push_back({{"code", id},
                       {"label", labels(Dim::office, id)},
                       {"selected", p.office && *p.office == i}});
  }
  std::string office_query =
      p.office ? "?office=" + std::to_string(p.pub->offices[*p.office]) : std::string();
  json data{
      {"periods", periods},
      {"has_periods", !f.periods.empty()},
      {"cases", cases},
      {"total", cell_view(ctx, f.total, threshold)},
      {"tables", tables},
      {"offices", offices},
      {"threshold", threshold},
      {"granularity", ctx.tr(p.pub->settings.granularity == Granularity::year   ? N_("year")
                             : p.pub->settings.granularity == Granularity::half ? N_("half-year")
                                                                                : N_("quarter"))},
      {"scope", p.office ? labels(Dim::office, std::to_string(p.pub->offices[*p.office]))
                         : ctx.tr(N_("All offices"))},
      {"office_query", office_query}};
  return ctx.page("statistics/public", N_("Statistics"), data);
}

Response api_public(Context& ctx) {
  Published p = published(ctx);
  const Labels& labels = *p.labels;
  const PublicFigures& f = p.office ? p.pub->by_office[*p.office] : p.pub->all;
  json cases = json::array();
  for (const auto& c : f.cases) cases.push_back(cell_json(c));
  json tables = json::array();
  for (const auto& t : f.tables) {
    json rows = json::array();
    for (const auto& r : t.rows) {
      json cells = json::array();
      for (const auto& c : r.periods) cells.push_back(cell_json(c));
      rows.push_back({{"code", r.code},
                      {"label", labels(t.dim, r.code)},
                      {"periods", cells},
                      {"total", cell_json(r.total)}});
    }
    tables.push_back({{"dimension", to_string(t.dim)},
                      {"label", labels.dim(t.dim)},
                      {"additive", t.additive},
                      {"rows", rows}});
  }
  json offices = json::array();
  for (long long o : p.pub->offices) {
    offices.push_back({{"id", o}, {"name", labels(Dim::office, std::to_string(o))}});
  }
  json out{{"threshold", p.pub->settings.threshold},
           {"granularity", to_string(p.pub->settings.granularity)},
           {"periods", f.periods},
           {"office", p.office ? json(p.pub->offices[*p.office]) : json()},
           {"offices", offices},
           {"cases", {{"periods", cases}, {"total", cell_json(f.total)}}},
           {"tables", tables}};
  Response r = Response::json(out.dump());
  public_cache(r);
  return r;
}

Response open_data_csv(Context& ctx) {
  Published p = published(ctx);
  Response r = Response::text(public_csv(*p.pub, *p.labels), "text/csv; charset=utf-8");
  r.set_header("Content-Disposition", "attachment; filename=\"dime-open-data.csv\"");
  public_cache(r);
  return r;
}

// ---- Between instances ----

namespace {

// The national unit's page: the offices on their own servers, the import form, and a year's
// approved cases office by office (exact: staff only), imported and local together.
Response render_national(Context& ctx, const std::map<std::string, std::string>& errors,
                         int status) {
  long long now = now_seconds();
  int this_year = month_of(now) / 12;
  int year = query_year(ctx, this_year);
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  Scope scope = scope_of(tx, ctx.organisation_id());
  if (!scope.national) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  auto remote = remote_offices(tx, scope.jurisdiction);

  std::vector<long long> local;
  for (long long o : scope.offices) {
    if (o != ctx.organisation_id()) local.push_back(o);
  }
  std::vector<long long> remote_ids(remote.size());
  std::transform(remote.begin(), remote.end(), remote_ids.begin(),
                 [](const RemoteOffice& r) { return r.id; });
  int from = year * 12, to = year * 12 + 11;
  auto tallies = tally(load(tx, local, from, to, true), public_dims(), to);
  for (auto& [office, t] : imported(tx, remote_ids)) tallies[office] = std::move(t);
  for (long long o : remote_ids) tallies[o];
  std::vector<long long> columns = local;  // local offices first, then those on their own servers
  columns.insert(columns.end(), remote_ids.begin(), remote_ids.end());
  auto all = with_jurisdictions(tx, columns);
  Labels labels(tx, all, ctx.lang, ctx.translator(ctx.lang));
  auto known = public_rows(tx, all);

  // The year's months of each office, summed: [office][dim][code], and cases.
  auto in_year = [&](long long office, const std::function<long long(const MonthCounts&)>& f) {
    long long n = 0;
    for (const auto& [month, c] : tallies[office]) {
      if (month >= from && month <= to) n += f(c);
    }
    return n;
  };
  json heads = json::array();
  for (long long o : columns) heads.push_back({{"label", labels(Dim::office, std::to_string(o))}});
  auto row = [&](const std::string& label, const std::function<long long(const MonthCounts&)>& f) {
    json cells = json::array();
    long long total = 0;
    for (long long o : columns) {
      long long n = in_year(o, f);
      total += n;
      cells.push_back({{"count", n}});
    }
    return json{{"label", label}, {"cells", cells}, {"total", total}};
  };
  json tables = json::array();
  for (Dim d : public_dims()) {
    std::vector<std::string> codes = known[d];
    for (const auto& [office, t] : tallies) {
      for (const auto& [month, c] : t) {
        if (month < from || month > to) continue;
        if (auto it = c.rows.find(d); it != c.rows.end()) {
          for (const auto& [code, n] : it->second) {
            if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
          }
        }
      }
    }
    json rows = json::array();
    for (const auto& code : codes) {
      rows.push_back(row(labels(d, code), [d, code](const MonthCounts& c) {
        auto it = c.rows.find(d);
        if (it == c.rows.end()) return 0LL;
        auto n = it->second.find(code);
        return n == it->second.end() ? 0LL : n->second;
      }));
    }
    if (d == Dim::grounds) {
      rows.push_back(row(ctx.tr(N_("Two or more grounds together")),
                         [](const MonthCounts& c) { return c.combined_grounds; }));
    }
    tables.push_back({{"id", to_string(d)}, {"title", labels.dim(d)}, {"rows", rows}});
  }
  json offices = json::array();
  for (const auto& r : remote) {
    json o{{"name", r.name},
           {"fingerprint", fingerprint(crypto::from_base64(r.public_key))},
           {"imported", r.last.has_value()}};
    if (r.last) {
      o["issued"] = format_date(date_of(r.last->issued_at));
      o["imported_on"] = format_date(date_of(r.last->imported_at));
      o["through"] = month_text(r.last->through);
      o["cases"] = r.last->cases;
    }
    offices.push_back(std::move(o));
  }
  json years = year_choices(this_year, year);
  json data{
      {"year", year},
      {"years", years},
      {"remote", offices},
      {"has_remote", !offices.empty()},
      {"heads", heads},
      {"cases", row(ctx.tr(N_("Approved cases")), [](const MonthCounts& c) { return c.cases; })},
      {"tables", tables}};
  if (auto imported_id = parse_integer(ctx.query("imported")); imported_id) {
    for (const auto& r : remote) {
      if (r.id == *imported_id) data["imported_now"] = r.name;
    }
  }
  data.update(http::error_data(ctx, errors));
  return ctx.page("statistics/national", N_("National figures"), data, status);
}

// The file's name: the office and the last month it counts, in letters safe in a header.
std::string aggregate_filename(const std::string& office, int through) {
  std::string slug;
  for (char c : office) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (keep) {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  return "dime-statistics-" + (slug.empty() ? std::string("office") : slug) + "-" +
         month_text(through) + ".json";
}

}  // namespace

Response share_page(Context& ctx) {
  storage::Transaction tx(ctx.app.db, storage::Transaction::Mode::read);
  auto office = organisations::find(tx, ctx.organisation_id());
  if (!office || !office->receives_reports()) {
    throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  }
  std::string key =
      office_signing_public_key(tx, ctx.user_id(), ctx.user_secret(), ctx.organisation_id());
  json data{{"office", office->name},
            {"public_key", crypto::to_base64(key)},
            {"fingerprint", fingerprint(key)},
            {"through", month_text(month_of(now_seconds()) - 1)}};
  return ctx.page("statistics/share", N_("Share figures with a national unit"), data);
}

Response share_file(Context& ctx) {
  long long now = now_seconds();
  storage::Transaction tx(ctx.app.db);
  auto office = organisations::find(tx, ctx.organisation_id());
  if (!office || !office->receives_reports()) {
    throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  }
  std::string file = export_aggregate(tx, ctx.app.keys, ctx.user_id(), ctx.user_secret(),
                                      ctx.organisation_id(), now);
  tx.commit();
  return attachment(std::move(file), "application/json",
                    aggregate_filename(office->name, month_of(now) - 1));
}

Response national_page(Context& ctx) {
  return render_national(ctx, {}, 200);
}

Response post_import(Context& ctx) {
  const http::UploadedFile* file = nullptr;
  for (const auto& f : ctx.files()) {
    if (f.field == "file") file = &f;
  }
  if (file == nullptr || file->data.empty()) {
    return render_national(ctx, {{"file", N_("Choose the file the office sent.")}}, 422);
  }
  long long office = 0;
  try {
    storage::Transaction tx(ctx.app.db);
    office = import_aggregate(tx, ctx.app.keys, ctx.user_id(), ctx.organisation_id(), file->data,
                              now_seconds())
                 .office;
    tx.commit();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::unprocessable) return render_national(ctx, e.fields(), 422);
    if (e.kind() == ErrorKind::conflict) return render_national(ctx, {{"file", e.message()}}, 409);
    throw;
  }
  return Response::redirect("/staff/statistics/national?imported=" + std::to_string(office));
}

Response api_import(Context& ctx) {
  http::require_json(ctx);
  storage::Transaction tx(ctx.app.db);
  Imported done = import_aggregate(tx, ctx.app.keys, ctx.user_id(), ctx.organisation_id(),
                                   ctx.req.body, now_seconds());
  auto office = organisations::find(tx, done.office);
  tx.commit();
  return Response::json(json{
      {"office", done.office},
      {"name", office ? office->name : std::string()},
      {"through", month_text(done.through)},
      {"cases", done.cases}}.dump());
}

}  // namespace dime::statistics::routes
