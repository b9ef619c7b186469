// Form reading and validation against a declared schema.
#include "http/forms.hpp"

#include "core/text.hpp"
#include "core/translatable.hpp"

namespace dime::http {

FormInput read_form(Context& ctx, std::initializer_list<Field> schema) {
  FormInput in;
  const auto& raw = ctx.form();
  for (const auto& f : schema) {
    auto it = raw.find(f.name);
    std::string value = it == raw.end() ? std::string() : it->second;
    if (f.trim) value = trimmed(value);
    if (!valid_text(value)) {
      in.errors[f.name] = N_("This field contains characters we cannot read.");
      value.clear();
    } else if (value.size() > f.max_length) {
      in.errors[f.name] = N_("This is too long.");
    } else if (f.required && value.empty()) {
      in.errors[f.name] = N_("This field is required.");
    }
    in.values[f.name] = std::move(value);
  }
  return in;
}

nlohmann::json error_data(const Context& ctx, const std::map<std::string, std::string>& errors) {
  nlohmann::json data = nlohmann::json::object();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [field, msgid] : errors) {
    std::string message = ctx.tr(msgid);
    list.push_back({{"field", field}, {"message", message}});
    data["error_" + field] = message;
  }
  if (!list.empty()) data["errors"] = list;
  return data;
}

}  // namespace dime::http
