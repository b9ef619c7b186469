// Embedded reference lists (nlohmann::json), validated once, merged with office adjustments.
#include "reference/service.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/resources.hpp"
#include "i18n/i18n.hpp"

namespace dime::reference {

namespace {

struct CategoryInfo {
  Category category;
  std::string_view name;
  const char* label;
};
constexpr std::array<CategoryInfo, 4> kCategories{{
    {Category::grounds, "grounds", N_("Grounds")},
    {Category::forms, "forms", N_("Forms of discrimination")},
    {Category::areas, "areas", N_("Societal areas")},
    {Category::referral_bodies, "referral_bodies", N_("Referral bodies")},
}};

constexpr std::array<std::string_view, 3> kJurisdictions{"no", "se", "nl"};
constexpr std::array<std::string_view, 9> kKinds{"police",
                                                 "ombud",
                                                 "tribunal",
                                                 "mediation_service",
                                                 "mediation_bench",
                                                 "union",
                                                 "lawyer",
                                                 "internal_procedure",
                                                 "other"};
constexpr std::size_t kMaxLabel = 120;
constexpr std::size_t kMaxLegalReference = 200;

bool valid_code(std::string_view code) {
  if (code.empty() || code.size() > 40 || code.front() < 'a' || code.front() > 'z') return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool has_control_characters(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::runtime_error("reference data " + where + ": " + what);
}

Entry parse_entry(const nlohmann::json& j, const std::string& where, Category category) {
  if (!j.is_object()) bad(where, "an entry is not an object");
  Entry e;
  e.code = j.value("code", "");
  if (!valid_code(e.code)) bad(where, "invalid code '" + e.code + "'");
  const std::string at = where + " " + e.code;
  if (!j.contains("legal_reference") || !j["legal_reference"].is_string()) {
    bad(at, "legal_reference must be a string");
  }
  e.legal_reference = j["legal_reference"].get<std::string>();
  if (!j.contains("labels") || !j["labels"].is_object()) bad(at, "labels must be an object");
  for (const auto& lang : label_languages()) {
    const auto& labels = j["labels"];
    if (!labels.contains(lang) || !labels[lang].is_string() ||
        labels[lang].get<std::string>().empty()) {
      bad(at, "label missing in '" + lang + "'");
    }
    e.labels[lang] = labels[lang].get<std::string>();
    if (e.labels[lang].size() > kMaxLabel) bad(at, "label too long in '" + lang + "'");
  }
  e.work_life_only = j.value("work_life_only", false);
  if (j.contains("time_limit_months")) {
    if (!j["time_limit_months"].is_number_integer()) bad(at, "time_limit_months must be a number");
    int months = j["time_limit_months"].get<int>();
    if (months < 1 || months > 600) bad(at, "time_limit_months out of range");
    e.time_limit_months = months;
  }
  e.kind = j.value("kind", "");
  if (category == Category::referral_bodies &&
      std::find(kKinds.begin(), kKinds.end(), e.kind) == kKinds.end()) {
    bad(at, "referral body without a known kind");
  }
  e.retired = j.value("retired", false);
  return e;
}

using BaseLists = std::map<std::pair<std::string, Category>, List>;

const BaseLists& base_lists() {
  static const BaseLists lists = [] {
    BaseLists out;
    for (auto j : kJurisdictions) {
      for (const auto& c : kCategories) {
        std::string name = "reference/" + std::string(j) + "/" + std::string(c.name) + ".json";
        auto text = resources::find(name);
        if (!text) throw std::runtime_error("reference data missing: " + name);
        out.emplace(std::make_pair(std::string(j), c.category),
                    parse(std::string(*text), std::string(j), c.category));
      }
    }
    return out;
  }();
  return lists;
}

std::string category_name(Category c) {
  return std::string(to_string(c));
}

void validate_label(const std::string& text, const std::string& field,
                    std::map<std::string, std::string>& errors) {
  if (text.empty()) {
    errors[field] = N_("This field is required.");
  } else if (text.size() > kMaxLabel) {
    errors[field] = N_("This is too long.");
  } else if (has_control_characters(text)) {
    errors[field] = N_("This field contains characters we cannot read.");
  }
}

// Stores an office's label for a code already checked to exist, text already validated.
void write_label(storage::Transaction& tx, long long organisation_id, Category category,
                 const std::string& code, const std::string& language, const std::string& text) {
  const std::string cat = category_name(category);
  long long now = now_seconds();
  tx.sql() << "DELETE FROM reference_labels WHERE organisation_id = :o AND category = :c AND "
              "code = :k AND language = :l",
      soci::use(organisation_id), soci::use(cat), soci::use(code), soci::use(language);
  tx.sql() << "INSERT INTO reference_labels (organisation_id, category, code, language, label, "
              "updated_at) VALUES (:o, :c, :k, :l, :t, :n)",
      soci::use(organisation_id), soci::use(cat), soci::use(code), soci::use(language),
      soci::use(text), soci::use(now);
}

}  // namespace

const std::vector<Category>& all_categories() {
  static const std::vector<Category> all = [] {
    std::vector<Category> v;
    for (const auto& c : kCategories) v.push_back(c.category);
    return v;
  }();
  return all;
}

std::string_view to_string(Category c) {
  for (const auto& info : kCategories) {
    if (info.category == c) return info.name;
  }
  return "grounds";
}

std::optional<Category> category_from_string(std::string_view name) {
  for (const auto& info : kCategories) {
    if (info.name == name) return info.category;
  }
  return std::nullopt;
}

const char* category_label(Category c) {
  for (const auto& info : kCategories) {
    if (info.category == c) return info.label;
  }
  return "";
}

const std::vector<std::string>& label_languages() {
  static const std::vector<std::string> langs = [] {
    std::vector<std::string> codes;
    for (const auto& l : i18n::languages()) codes.push_back(l.code);
    return codes;
  }();
  return langs;
}

const Entry* List::find(std::string_view code) const {
  for (const auto& e : entries) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

std::string label(const Entry& entry, const std::string& language) {
  for (const auto& lang : {language, std::string("en")}) {
    auto it = entry.labels.find(lang);
    if (it != entry.labels.end() && !it->second.empty()) return it->second;
  }
  return entry.code;
}

List parse(const std::string& json_text, const std::string& jurisdiction, Category category) {
  const std::string where = jurisdiction + "/" + category_name(category);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    bad(where, e.what());
  }
  if (!j.is_object()) bad(where, "not an object");
  if (j.value("jurisdiction", "") != jurisdiction)
    bad(where, "jurisdiction does not match its folder");
  if (j.value("category", "") != category_name(category))
    bad(where, "category does not match its file");
  List list;
  list.jurisdiction = jurisdiction;
  list.category = category;
  list.version = j.value("version", 0);
  if (list.version < 1) bad(where, "version must be 1 or more");
  list.source = j.value("source", "");
  if (j.contains("translations_checked_by_native_speaker")) {
    list.checked_languages =
        j["translations_checked_by_native_speaker"].get<std::vector<std::string>>();
  }
  if (!j.contains("entries") || !j["entries"].is_array() || j["entries"].empty()) {
    bad(where, "entries must be a non-empty array");
  }
  std::set<std::string> codes;
  for (const auto& item : j["entries"]) {
    Entry e = parse_entry(item, where, category);
    if (!codes.insert(e.code).second) bad(where, "code '" + e.code + "' appears twice");
    list.entries.push_back(std::move(e));
  }
  return list;
}

const List& base(const std::string& jurisdiction, Category category) {
  const auto& lists = base_lists();
  auto it = lists.find({jurisdiction, category});
  if (it == lists.end()) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  return it->second;
}

void validate_embedded() {
  (void)base_lists();
}

List for_organisation(storage::Transaction& tx, long long organisation_id,
                      const std::string& jurisdiction, Category category) {
  List list = base(jurisdiction, category);
  const std::string cat = category_name(category);
  std::string code, text, language;
  {
    soci::statement st =
        (tx.sql().prepare
             << "SELECT code, legal_reference FROM reference_entries "
                "WHERE organisation_id = :o AND category = :c ORDER BY created_at, code",
         soci::use(organisation_id), soci::use(cat), soci::into(code), soci::into(text));
    st.execute();
    while (st.fetch()) {
      Entry e;
      e.code = code;
      e.legal_reference = text;
      e.added_by_office = true;
      list.entries.push_back(std::move(e));
    }
  }
  {
    soci::statement st = (tx.sql().prepare << "SELECT code, language, label FROM reference_labels "
                                              "WHERE organisation_id = :o AND category = :c",
                          soci::use(organisation_id), soci::use(cat), soci::into(code),
                          soci::into(language), soci::into(text));
    st.execute();
    while (st.fetch()) {
      for (auto& e : list.entries) {
        if (e.code == code) e.labels[language] = text;
      }
    }
  }
  {
    soci::statement st = (tx.sql().prepare << "SELECT code FROM reference_retired "
                                              "WHERE organisation_id = :o AND category = :c",
                          soci::use(organisation_id), soci::use(cat), soci::into(code));
    st.execute();
    while (st.fetch()) {
      for (auto& e : list.entries) {
        if (e.code == code) e.retired = true;
      }
    }
  }
  return list;
}

void set_label(storage::Transaction& tx, long long organisation_id, const std::string& jurisdiction,
               Category category, const std::string& code, const std::string& language,
               const std::string& text) {
  List list = for_organisation(tx, organisation_id, jurisdiction, category);
  if (!list.find(code)) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  std::map<std::string, std::string> errors;
  if (std::find(label_languages().begin(), label_languages().end(), language) ==
      label_languages().end()) {
    errors["language"] = N_("Choose a language from the list.");
  }
  validate_label(text, "label", errors);
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
  write_label(tx, organisation_id, category, code, language, text);
}

void add_entry(storage::Transaction& tx, long long organisation_id, const std::string& jurisdiction,
               Category category, const std::string& code, const std::string& english_label,
               const std::string& legal_reference) {
  List list = for_organisation(tx, organisation_id, jurisdiction, category);
  std::map<std::string, std::string> errors;
  if (!valid_code(code)) {
    errors["code"] = N_("Use lower-case letters a-z, digits and _ only, starting with a letter.");
  } else if (list.find(code)) {
    errors["code"] = N_("An entry with this code already exists.");
  }
  validate_label(english_label, "label", errors);
  if (legal_reference.size() > kMaxLegalReference) {
    errors["legal_reference"] = N_("This is too long.");
  } else if (has_control_characters(legal_reference)) {
    errors["legal_reference"] = N_("This field contains characters we cannot read.");
  }
  if (!errors.empty()) {
    throw Error(ErrorKind::unprocessable, N_("Please correct the marked fields."), "", errors);
  }
  const std::string cat = category_name(category);
  long long now = now_seconds();
  tx.sql() << "INSERT INTO reference_entries (organisation_id, category, code, legal_reference, "
              "created_at) VALUES (:o, :c, :k, :r, :n)",
      soci::use(organisation_id), soci::use(cat), soci::use(code), soci::use(legal_reference),
      soci::use(now);
  write_label(tx, organisation_id, category, code, "en", english_label);
}

void set_retired(storage::Transaction& tx, long long organisation_id,
                 const std::string& jurisdiction, Category category, const std::string& code,
                 bool retired) {
  List list = for_organisation(tx, organisation_id, jurisdiction, category);
  const Entry* e = list.find(code);
  if (!e) throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  if (e->retired == retired) return;
  const std::string cat = category_name(category);
  if (retired) {
    long long now = now_seconds();
    tx.sql() << "INSERT INTO reference_retired (organisation_id, category, code, retired_at) "
                "VALUES (:o, :c, :k, :n)",
        soci::use(organisation_id), soci::use(cat), soci::use(code), soci::use(now);
  } else {
    tx.sql() << "DELETE FROM reference_retired WHERE organisation_id = :o AND category = :c AND "
                "code = :k",
        soci::use(organisation_id), soci::use(cat), soci::use(code);
  }
}

}  // namespace dime::reference
