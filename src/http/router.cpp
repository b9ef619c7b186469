// Path pattern matching for the route table.
#include "http/router.hpp"

#include <algorithm>

namespace dime::http {

namespace {
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return out;
}

bool match_pattern(const std::string& pattern, const std::string& path, Params& params) {
  auto p = segments(pattern);
  auto s = segments(path);
  if (p.size() != s.size()) return false;
  Params found;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
      found.emplace(std::string(p[i].substr(1, p[i].size() - 2)), std::string(s[i]));
    } else if (p[i] != s[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}
}  // namespace

Match Router::match(Method method, const std::string& path) const {
  Match m;
  Method wanted = method == Method::head ? Method::get : method;
  for (const auto& r : routes_) {
    Params params;
    if (!match_pattern(r.pattern, path, params)) continue;
    if (r.method == wanted) {
      m.route = &r;
      m.params = std::move(params);
      m.allowed.clear();
      return m;
    }
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) {
      m.allowed.push_back(r.method);
    }
  }
  return m;
}

}  // namespace dime::http
