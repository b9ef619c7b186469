// Files embedded into the binary at build time: templates, static files, migrations, catalogues.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace dime::resources {

struct Resource {
  std::string_view name;  // path relative to the source tree, e.g. "templates/layout/page.mustache"
  std::string_view data;
};

const std::vector<Resource>& all();

inline std::optional<std::string_view> find(std::string_view name) {
  for (const auto& r : all()) {
    if (r.name == name) return r.data;
  }
  return std::nullopt;
}

}  // namespace dime::resources
