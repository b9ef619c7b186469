// Declared form schemas: each route lists its fields; unknown fields are dropped; values are
// trimmed, checked for UTF-8, presence and length; problems come back as msgids per field.
#pragma once
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "http/context.hpp"

namespace dime::http {

struct Field {
  std::string name;
  std::size_t max_length = 200;
  bool required = true;
  bool trim = true;  // passwords are taken exactly as typed
};

struct FormInput {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;  // field -> msgid
  bool ok() const { return errors.empty(); }
  const std::string& get(const std::string& name) const { return values.at(name); }
};

FormInput read_form(Context& ctx, std::initializer_list<Field> schema);

// Template data for a form with problems: "errors" (a list for the summary at the top) and
// "error_<field>" (the message beside each field), all translated.
nlohmann::json error_data(const Context& ctx, const std::map<std::string, std::string>& errors);

}  // namespace dime::http
