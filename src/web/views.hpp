// Server-side HTML: mustache templates (escaped by default) fed with JSON data.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace dime::web {

using Translate = std::function<std::string(const std::string&)>;

// Renders templates/<name>.mustache. `{{#t}}msgid{{/t}}` translates through `tr` and escapes
// the result; values in `data` are escaped unless a template names them in triple braces, which
// only ever holds HTML the server built itself (names ending in `_html`). An empty string counts
// as false in sections, as null and false do.
std::string render(const std::string& name, const nlohmann::json& data, const Translate& tr);

}  // namespace dime::web
