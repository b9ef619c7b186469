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

// A JSON object body: Error(unsupported_media) unless the body is application/json, and
// Error(bad_request) unless it parses as an object.
nlohmann::json json_body(Context& ctx);
// Error(unsupported_media) unless the body is sent as application/json (for a handler that
// reads the JSON text itself).
void require_json(const Context& ctx);
// A text member, trimmed, or "" when absent or null; a wrong type is a problem of that field.
std::string json_text(const nlohmann::json& body, const char* name,
                      std::map<std::string, std::string>& errors);
// A list of codes (at most 50 strings), or empty when absent or null.
std::vector<std::string> json_codes(const nlohmann::json& body, const char* name,
                                    std::map<std::string, std::string>& errors);

// A filter of a list page or API from the query: trimmed, well-formed UTF-8, at most 100
// bytes, else Error(bad_request); "" when absent.
std::string filter_value(const Context& ctx, const std::string& name);
// A positive id from a path parameter; anything else is "not found".
long long parse_id(const std::string& text);

}  // namespace dime::http
