// Form reading and validation against a declared schema.
#include "http/forms.hpp"

#include <boost/locale/encoding_utf.hpp>

#include "core/translatable.hpp"

namespace dime::http {

namespace {
bool valid_utf8(const std::string& s) {
  try {
    (void)boost::locale::conv::utf_to_utf<char32_t>(s, boost::locale::conv::stop);
    return true;
  } catch (const boost::locale::conv::conversion_error&) {
    return false;
  }
}

std::string trimmed(const std::string& s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}
}  // namespace

FormInput read_form(Context& ctx, std::initializer_list<Field> schema) {
  FormInput in;
  const auto& raw = ctx.form();
  for (const auto& f : schema) {
    auto it = raw.find(f.name);
    std::string value = it == raw.end() ? std::string() : it->second;
    if (f.trim) value = trimmed(value);
    if (!valid_utf8(value) || value.find('\0') != std::string::npos) {
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
