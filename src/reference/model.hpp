// Reference data: the grounds, forms, societal areas and referral bodies that reports and
// cases are coded with, per jurisdiction, as versioned data files (reference/<j>/<category>.json)
// that an office can adjust (relabel, add, retire) without a rebuild.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dime::reference {

enum class Category { grounds, forms, areas, referral_bodies };

const std::vector<Category>& all_categories();
std::string_view to_string(Category c);
std::optional<Category> category_from_string(std::string_view name);
// The msgid naming the category in the interface, e.g. "Grounds".
const char* category_label(Category c);

// Every label exists in each language the interface offers (i18n::languages()).
const std::vector<std::string>& label_languages();

struct Entry {
  std::string code;  // stable forever: cases store it
  std::string legal_reference;
  std::map<std::string, std::string> labels;  // language -> label
  bool work_life_only = false;
  std::optional<int> time_limit_months;  // referral bodies: events older than this may be dismissed
  std::string kind;                      // referral bodies: police, ombud, tribunal, ...
  bool retired = false;                  // not offered for new reports; old cases keep it
  bool added_by_office = false;
};

struct List {
  std::string jurisdiction;
  Category category = Category::grounds;
  int version = 0;
  std::string source;
  std::vector<std::string> checked_languages;  // translations a native speaker checked
  std::vector<Entry> entries;

  const Entry* find(std::string_view code) const;
};

// A label in `language`, else English, else the code.
std::string label(const Entry& entry, const std::string& language);

}  // namespace dime::reference
