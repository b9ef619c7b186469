// Form reading and validation against a declared schema.
#include "http/forms.hpp"

#include "core/error.hpp"
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
    if (const char* problem = text_problem(value, f.max_length, f.required)) {
      in.errors[f.name] = problem;
      if (!valid_text(value)) value.clear();  // never shown again
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

void require_json(const Context& ctx) {
  auto ct = ctx.req.header("content-type").value_or("");
  if (ct.substr(0, 16) != "application/json") {
    throw Error(ErrorKind::unsupported_media, N_("Send the data as JSON."),
                "content type is not application/json");
  }
}

nlohmann::json json_body(Context& ctx) {
  require_json(ctx);
  try {
    auto body = nlohmann::json::parse(ctx.req.body);
    if (!body.is_object()) throw Error(ErrorKind::bad_request, N_("Malformed request."));
    return body;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::bad_request, N_("Malformed request."), "bad JSON");
  }
}

std::string json_text(const nlohmann::json& body, const char* name,
                      std::map<std::string, std::string>& errors) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) {
    errors[name] = N_("This must be text.");
    return {};
  }
  return trimmed(it->get<std::string>());
}

std::vector<std::string> json_codes(const nlohmann::json& body, const char* name,
                                    std::map<std::string, std::string>& errors) {
  std::vector<std::string> out;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > 50) {
    errors[name] = N_("This must be a list of codes.");
    return out;
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      errors[name] = N_("This must be a list of codes.");
      return {};
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string filter_value(const Context& ctx, const std::string& name) {
  std::string v = trimmed(ctx.query(name));
  if (!valid_text(v) || v.size() > 100) {
    throw Error(ErrorKind::bad_request, N_("The filter is not one of the choices."));
  }
  return v;
}

long long parse_id(const std::string& text) {
  if (auto id = parse_integer(text); id && *id > 0) return *id;
  throw Error(ErrorKind::not_found, N_("There is no page at this address."));
}

}  // namespace dime::http
