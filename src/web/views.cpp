// kainjow mustache behind web::render: one parsed template per thread (render() is not const).
#include "web/views.hpp"

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "core/resources.hpp"

namespace dime::web {

namespace mustache = kainjow::mustache;

namespace {

mustache::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data d{mustache::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mustache::data d{mustache::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    // An empty string is false, as in other Mustache implementations: {{#name}}…{{/name}}
    // shows only when there is a name, and {{^name}}…{{/name}} when there is none.
    case nlohmann::json::value_t::string:
      if (j.get_ref<const std::string&>().empty()) {
        return mustache::data{mustache::data::type::bool_false};
      }
      return mustache::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mustache::data{mustache::data::type::bool_true}
                           : mustache::data{mustache::data::type::bool_false};
    case nlohmann::json::value_t::null: return mustache::data{mustache::data::type::bool_false};
    default: return mustache::data{j.dump()};
  }
}

mustache::mustache& parsed(const std::string& name) {
  thread_local std::map<std::string, std::unique_ptr<mustache::mustache>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  auto source = resources::find("templates/" + name + ".mustache");
  if (!source) throw Error(ErrorKind::internal, N_("Something went wrong."), "no template " + name);
  auto tmpl = std::make_unique<mustache::mustache>(std::string(*source));
  if (!tmpl->is_valid()) {
    throw Error(ErrorKind::internal, N_("Something went wrong."),
                "template " + name + ": " + tmpl->error_message());
  }
  return *cache.emplace(name, std::move(tmpl)).first->second;
}

}  // namespace

std::string render(const std::string& name, const nlohmann::json& data, const Translate& tr) {
  mustache::data d = to_data(data);
  d.set("t", mustache::lambda{[&tr](const std::string& text) {
          return mustache::html_escape<std::string>(tr(text));
        }});
  return parsed(name).render(d);
}

}  // namespace dime::web
