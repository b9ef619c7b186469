// The signed aggregate file between instances: writing, reading and checking it, and the
// national instance's registered offices and imports.
#include "statistics/exchange.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/service.hpp"
#include "core/error.hpp"
#include "keyring/service.hpp"
#include "organisations/service.hpp"
#include "statistics/service.hpp"

namespace dime::statistics {

using nlohmann::json;

namespace {

// A file holds at most twenty years of months, each dimension at most this many codes.
constexpr std::size_t kMaxMonths = 240;
constexpr std::size_t kMaxCodes = 200;
constexpr long long kMaxCount = 1'000'000'000;
// A file is made between 2000 and 2200 (the months DiMe reads).
constexpr long long kEarliest = 946'684'800;  // 2000-01-01
constexpr long long kLatest = 7'258'118'400;  // 2200-01-01
// How far ahead of this server's clock a file may be dated (the two clocks may differ).
constexpr long long kClockSkew = 600;

[[noreturn]] void refuse(const char* msgid, const std::string& detail) {
  throw Error(ErrorKind::unprocessable, msgid, detail, {{"file", msgid}});
}
[[noreturn]] void malformed(const std::string& detail) {
  refuse(N_("This is not a statistics file from DiMe, or it is damaged."), detail);
}
[[noreturn]] void inconsistent(const std::string& detail) {
  refuse(N_("The figures in this file do not add up. Ask the office for a new file."), detail);
}

// What the signature covers: the format and the aggregate, as nlohmann/json writes it compactly
// (object keys sorted), so that laying the file out differently does not change it.
std::string signed_bytes(const json& aggregate) {
  return std::string(kAggregateFormat) + "\n" + aggregate.dump();
}

bool valid_code(const std::string& code) {
  return !code.empty() && code.size() <= 64 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// A count of at most `at_most`; `where` and `name` say which, should it be wrong.
long long count_of(const json& j, long long at_most, const std::string& where,
                   const std::string& name) {
  auto place = [&] {
    std::string p = where;
    p += '.';
    p += name;
    return p;
  };
  if (!j.is_number_integer()) malformed(place() + ": not an integer");
  auto n = j.get<long long>();
  if (n < 0 || n > at_most) inconsistent(place() + ": out of range");
  return n;
}

MonthCounts read_month(const std::string& month, const json& j) {
  if (!j.is_object()) malformed(month + ": not an object");
  MonthCounts m;
  if (!j.contains("cases")) malformed(month + ": no cases");
  m.cases = count_of(j["cases"], kMaxCount, month, "cases");
  if (m.cases == 0) inconsistent(month + ": a month without cases");
  for (const auto& [key, value] : j.items()) {
    if (key == "cases") continue;
    if (key == "combined_grounds") {
      m.combined_grounds = count_of(value, m.cases, month, key);
      continue;
    }
    auto d = dim_from_string(key);
    const auto& dims = public_dims();
    if (!d || std::find(dims.begin(), dims.end(), *d) == dims.end()) {
      malformed(month + ": unknown dimension " + key.substr(0, 40));
    }
    std::string where = month;
    where += '.';
    where += key;
    if (!value.is_object() || value.size() > kMaxCodes) malformed(where);
    long long sum = 0;
    auto& rows = m.rows[*d];
    for (const auto& [code, n] : value.items()) {
      if (!valid_code(code)) malformed(where + ": a malformed code");
      long long c = count_of(n, m.cases, where, code);
      if (c > 0) rows[code] = c;
      sum += c;
    }
    // Each case counts once under a dimension with one value (and at most once under each code
    // of the others).
    if (!multiple(*d) && sum != m.cases) inconsistent(where + ": rows != cases");
  }
  for (Dim d : public_dims()) {
    if (!multiple(d) && !m.rows.count(d)) inconsistent(month + ": no " + to_string(d));
  }
  if (m.combined_grounds > 0) {
    long long grounds = 0;
    for (const auto& [code, n] : m.rows[Dim::grounds]) grounds += n;
    // Each case with two or more grounds counts at least twice among the grounds.
    if (grounds < m.combined_grounds * 2) inconsistent(month + ": combined grounds");
  }
  return m;
}

std::string text_of(const json& j, std::size_t max, const std::string& where) {
  if (!j.is_string()) malformed(where + ": not text");
  auto s = j.get<std::string>();
  if (s.empty() || s.size() > max) malformed(where + ": empty or too long");
  return s;
}

std::string key_bytes(const json& j, std::size_t size, const std::string& where) {
  std::string raw;
  try {
    raw = crypto::from_base64(text_of(j, 200, where));
  } catch (const Error&) {
    malformed(where + ": not base64");
  }
  if (raw.size() != size) malformed(where + ": wrong size");
  return raw;
}

}  // namespace

crypto::SignKeyPair signing_key(const crypto::BoxKeyPair& office_key) {
  return crypto::derive_sign_keypair(office_key.secret_key, 1, "dimestat");
}

std::string fingerprint(std::string_view public_key) {
  std::string hex = crypto::hash_hex(public_key).substr(0, 32);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (!out.empty()) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

std::string write_aggregate(const Aggregate& a, const crypto::SignKeyPair& key) {
  json months = json::object();
  for (const auto& [month, c] : a.tally) {
    if (c.cases == 0) continue;
    json m{{"cases", c.cases}};
    if (c.combined_grounds > 0) m["combined_grounds"] = c.combined_grounds;
    for (const auto& [d, rows] : c.rows) {
      json r = json::object();
      for (const auto& [code, n] : rows) {
        if (n > 0) r[code] = n;
      }
      m[to_string(d)] = r;
    }
    months[month_text(month)] = m;
  }
  json aggregate{{"office", a.office},
                 {"jurisdiction", a.jurisdiction},
                 {"issued_at", a.issued_at},
                 {"through", month_text(a.through)},
                 {"months", months}};
  json file{{"format", kAggregateFormat},
            {"aggregate", aggregate},
            {"public_key", crypto::to_base64(key.public_key)},
            {"signature", crypto::to_base64(crypto::sign(key, signed_bytes(aggregate)))}};
  return file.dump(2) + "\n";
}

SignedAggregate read_aggregate(std::string_view text) {
  json file;
  try {
    file = json::parse(text);
  } catch (const json::exception& e) {
    malformed(std::string("not JSON: ") + e.what());
  }
  if (!file.is_object() || file.size() != 4 || !file.contains("format") ||
      !file.contains("aggregate") || !file.contains("public_key") || !file.contains("signature")) {
    malformed("not the four parts of the file");
  }
  if (file["format"] != kAggregateFormat) {
    refuse(N_("This statistics file is of a format this version of DiMe does not read."), "format");
  }
  const json& aggregate = file["aggregate"];
  if (!aggregate.is_object()) malformed("aggregate: not an object");
  SignedAggregate out;
  std::string public_key = key_bytes(file["public_key"], 32, "public_key");
  std::string signature = key_bytes(file["signature"], 64, "signature");
  if (!crypto::verify(public_key, signed_bytes(aggregate), signature)) {
    refuse(N_("The file's signature does not match: it was changed after the office signed it."),
           "signature");
  }
  out.public_key = crypto::to_base64(public_key);
  out.signature = crypto::to_base64(signature);

  Aggregate& a = out.aggregate;
  for (const char* part : {"office", "jurisdiction", "issued_at", "through", "months"}) {
    if (!aggregate.contains(part)) malformed(std::string("aggregate: no ") + part);
  }
  if (aggregate.size() != 5) malformed("aggregate: unknown parts");
  a.office = text_of(aggregate["office"], 200, "office");
  a.jurisdiction = text_of(aggregate["jurisdiction"], 2, "jurisdiction");
  if (!organisations::valid_jurisdiction(a.jurisdiction)) malformed("jurisdiction");
  if (!aggregate["issued_at"].is_number_integer()) malformed("issued_at");
  a.issued_at = aggregate["issued_at"].get<long long>();
  if (a.issued_at < kEarliest || a.issued_at > kLatest) malformed("issued_at: out of range");
  auto through = parse_month(text_of(aggregate["through"], 7, "through"));
  if (!through || a.issued_at <= 0 || *through >= month_of(a.issued_at)) {
    inconsistent("through: not a month before the file was made");
  }
  a.through = *through;
  const json& months = aggregate["months"];
  if (!months.is_object() || months.size() > kMaxMonths) malformed("months");
  for (const auto& [key, value] : months.items()) {
    auto month = parse_month(key);
    if (!month || month_text(*month) != key) malformed("months: a malformed month");
    if (*month > a.through) inconsistent(key + ": after the last month counted");
    a.tally[*month] = read_month(key, value);
  }
  return out;
}

// ---- On the office's own server ----

namespace {

crypto::SignKeyPair office_signing_pair(storage::Transaction& tx, long long user_id,
                                        const std::string& user_secret, long long organisation_id) {
  auto key = keyring::current_office_key(tx, organisation_id);
  auto pair = key ? keyring::open_office_key(tx, key->id, user_id, user_secret) : std::nullopt;
  if (!pair) {
    throw Error(ErrorKind::forbidden,
                N_("You do not hold this office's key yet. A colleague who holds it shares it "
                   "when they next sign in."),
                "no grant of the office key for signing statistics");
  }
  return signing_key(*pair);
}

}  // namespace

std::string office_signing_public_key(storage::Transaction& tx, long long user_id,
                                      const std::string& user_secret, long long organisation_id) {
  return office_signing_pair(tx, user_id, user_secret, organisation_id).public_key;
}

std::string export_aggregate(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                             const std::string& user_secret, long long organisation_id,
                             long long now) {
  auto office = organisations::find(tx, organisation_id);
  if (!office) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  auto pair = office_signing_pair(tx, user_id, user_secret, organisation_id);
  Aggregate a;
  a.office = office->name;
  a.jurisdiction = office->jurisdiction;
  a.issued_at = now;
  a.through = month_of(now) - 1;
  auto first = first_month(tx, {organisation_id}, true);
  if (first && *first <= a.through) {
    Facts facts = load(tx, {organisation_id}, *first, a.through, true);
    a.tally = tally(facts, public_dims(), a.through)[organisation_id];
  }
  long long cases = 0;
  for (const auto& [month, c] : a.tally) cases += c.cases;
  audit::append(tx, keys,
                {user_id, organisation_id, "statistics.export_aggregate", "organisation",
                 std::to_string(organisation_id),
                 "through " + month_text(a.through) + ", " + std::to_string(cases) + " cases"});
  return write_aggregate(a, pair);
}

// ---- On a national instance ----

std::vector<RemoteOffice> remote_offices(storage::Transaction& tx,
                                         const std::string& jurisdiction) {
  std::vector<RemoteOffice> out;
  RemoteOffice r;
  soci::statement st =
      (tx.sql().prepare << "SELECT id, name, statistics_signing_key FROM organisations WHERE "
                           "kind = 'help_office' AND jurisdiction = :j AND "
                           "statistics_signing_key IS NOT NULL ORDER BY name",
       soci::use(jurisdiction), soci::into(r.id), soci::into(r.name), soci::into(r.public_key));
  st.execute();
  while (st.fetch()) out.push_back(r);
  for (auto& o : out) {
    Import i;
    tx.sql() << "SELECT issued_at, imported_at, through_month, cases FROM statistics_imports "
                "WHERE organisation_id = :o ORDER BY issued_at DESC, id DESC LIMIT 1",
        soci::use(o.id), soci::into(i.issued_at), soci::into(i.imported_at), soci::into(i.through),
        soci::into(i.cases);
    if (tx.sql().got_data()) o.last = i;
  }
  return out;
}

Imported import_aggregate(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                          long long national_organisation_id, std::string_view text,
                          long long now) {
  auto national = organisations::find(tx, national_organisation_id);
  if (!national || !national->national) {
    throw Error(ErrorKind::forbidden,
                N_("Only a national unit imports the figures of offices on their own servers."));
  }
  SignedAggregate s = read_aggregate(text);
  const Aggregate& a = s.aggregate;
  long long office = 0;
  for (const auto& r : remote_offices(tx, national->jurisdiction)) {
    if (crypto::equal(r.public_key, s.public_key)) office = r.id;
  }
  if (office == 0 || a.jurisdiction != national->jurisdiction) {
    refuse(N_("This file is signed by an office that is not registered here. Register the "
              "office with its signing key first."),
           "unregistered key " + fingerprint(crypto::from_base64(s.public_key)));
  }
  if (a.issued_at > now + kClockSkew) {
    refuse(N_("This file is dated in the future. Check the clock of the office's server."),
           "issued_at in the future");
  }
  // A file older than the last one imported would put old figures back; the same file again
  // changes nothing. (Two files made in the same second are both taken, in the order given.)
  long long last = 0;
  std::string last_signature;
  tx.sql() << "SELECT issued_at, signature FROM statistics_imports WHERE organisation_id = :o "
              "ORDER BY issued_at DESC, id DESC LIMIT 1",
      soci::use(office), soci::into(last), soci::into(last_signature);
  if (tx.sql().got_data()) {
    if (crypto::equal(last_signature, s.signature)) {
      throw Error(ErrorKind::conflict, N_("This file has already been imported."),
                  "the same file again");
    }
    if (a.issued_at < last) {
      throw Error(ErrorKind::conflict,
                  N_("A newer file from this office has already been imported."),
                  "file older than the last import");
    }
  }
  tx.sql() << "DELETE FROM statistics_counts WHERE organisation_id = :o", soci::use(office);
  int month = 0;
  std::string dimension, code;
  long long count = 0;
  soci::statement insert =
      (tx.sql().prepare << "INSERT INTO statistics_counts (organisation_id, month, dimension, "
                           "code, count) VALUES (:o, :m, :d, :c, :n)",
       soci::use(office), soci::use(month), soci::use(dimension), soci::use(code),
       soci::use(count));
  auto put = [&](std::string d, std::string c, long long n) {
    dimension = std::move(d);
    code = std::move(c);
    count = n;
    insert.execute(true);
  };
  long long cases = 0;
  for (const auto& [m, c] : a.tally) {
    month = m;
    cases += c.cases;
    put("cases", "", c.cases);
    if (c.combined_grounds > 0) put("combined_grounds", "", c.combined_grounds);
    for (const auto& [d, rows] : c.rows) {
      for (const auto& [code_of_row, n] : rows) put(to_string(d), code_of_row, n);
    }
  }
  tx.sql() << "INSERT INTO statistics_imports (organisation_id, issued_at, through_month, cases, "
              "signature, imported_by, imported_at) VALUES (:o, :i, :t, :c, :s, :u, :n)",
      soci::use(office), soci::use(a.issued_at), soci::use(a.through), soci::use(cases),
      soci::use(s.signature), soci::use(user_id), soci::use(now);
  audit::append(tx, keys,
                {user_id, national_organisation_id, "statistics.import", "organisation",
                 std::to_string(office),
                 "through " + month_text(a.through) + ", " + std::to_string(cases) + " cases"});
  return {office, a.through, cases};
}

std::map<long long, Tally> imported(storage::Transaction& tx,
                                    const std::vector<long long>& offices) {
  std::map<long long, Tally> out;
  for (long long office : offices) {
    int month = 0;
    std::string dimension, code;
    long long count = 0;
    soci::statement st =
        (tx.sql().prepare << "SELECT month, dimension, code, count FROM statistics_counts "
                             "WHERE organisation_id = :o",
         soci::use(office), soci::into(month), soci::into(dimension), soci::into(code),
         soci::into(count));
    st.execute();
    while (st.fetch()) {
      Tally& t = out[office];
      MonthCounts& m = t[month];
      if (dimension == "cases") {
        m.cases = count;
      } else if (dimension == "combined_grounds") {
        m.combined_grounds = count;
      } else if (auto d = dim_from_string(dimension)) {
        m.rows[*d][code] = count;
      }
    }
  }
  return out;
}

}  // namespace dime::statistics
