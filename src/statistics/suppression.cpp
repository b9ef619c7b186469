#include "statistics/suppression.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace dime::statistics {

std::size_t Grid::add(long long value) {
  values_.push_back(value);
  return values_.size() - 1;
}

void Grid::add_sum(std::size_t total, std::vector<std::size_t> parts) {
  sums_.push_back({total, std::move(parts)});
}

namespace {

bool is_suppressed(Shown s) {
  return s != Shown::value;
}

// Union-find over the suppressed cells, joined by the sums they appear in together.
struct Components {
  std::vector<std::size_t> parent;
  explicit Components(std::size_t n) : parent(n) {
    std::iota(parent.begin(), parent.end(), std::size_t{0});
  }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

// The unknowns of one component that the equations determine (reduced row echelon form: a
// pivot unknown is determined when its row has no other non-zero entry).
std::vector<std::size_t> determined(std::vector<std::vector<double>> rows, std::size_t n) {
  constexpr double kTiny = 1e-9;
  std::vector<std::size_t> pivot_of_row;
  std::size_t r = 0;
  for (std::size_t c = 0; c < n && r < rows.size(); ++c) {
    std::size_t best = r;
    for (std::size_t i = r + 1; i < rows.size(); ++i) {
      if (std::fabs(rows[i][c]) > std::fabs(rows[best][c])) best = i;
    }
    if (std::fabs(rows[best][c]) < kTiny) continue;
    std::swap(rows[r], rows[best]);
    double p = rows[r][c];
    for (double& v : rows[r]) v /= p;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i == r || std::fabs(rows[i][c]) < kTiny) continue;
      double f = rows[i][c];
      for (std::size_t k = 0; k < n; ++k) rows[i][k] -= f * rows[r][k];
    }
    pivot_of_row.push_back(c);
    ++r;
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < pivot_of_row.size(); ++i) {
    bool alone = true;
    for (std::size_t k = 0; k < n && alone; ++k) {
      if (k != pivot_of_row[i] && std::fabs(rows[i][k]) >= kTiny) alone = false;
    }
    if (alone) out.push_back(pivot_of_row[i]);
  }
  return out;
}

// `limit`: components with more unknowns than this are not checked (see kExactCheckLimit).
std::vector<std::size_t> disclosed_within(const Grid& grid, const std::vector<Shown>& shown,
                                          std::size_t limit) {
  std::map<std::size_t, std::size_t> unknown;  // cell -> unknown number
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (is_suppressed(shown[i])) unknown.emplace(i, unknown.size());
  }
  if (unknown.empty()) return {};
  std::vector<std::size_t> cell_of(unknown.size());
  for (const auto& [cell, u] : unknown) cell_of[u] = cell;

  // Each sum is an equation over its suppressed cells: total - parts = (known constant).
  std::vector<std::vector<std::pair<std::size_t, double>>> equations;
  Components comp(unknown.size());
  for (const auto& sum : grid.sums()) {
    std::vector<std::pair<std::size_t, double>> eq;
    if (auto it = unknown.find(sum.total); it != unknown.end()) eq.emplace_back(it->second, 1.0);
    for (std::size_t p : sum.parts) {
      if (auto it = unknown.find(p); it != unknown.end()) eq.emplace_back(it->second, -1.0);
    }
    if (eq.empty()) continue;
    for (std::size_t k = 1; k < eq.size(); ++k) comp.join(eq[0].first, eq[k].first);
    equations.push_back(std::move(eq));
  }

  std::map<std::size_t, std::vector<std::size_t>> members;  // root -> unknowns
  for (std::size_t u = 0; u < unknown.size(); ++u) members[comp.find(u)].push_back(u);
  std::map<std::size_t, std::vector<std::size_t>> equations_of;  // root -> equations
  for (std::size_t e = 0; e < equations.size(); ++e) {
    equations_of[comp.find(equations[e][0].first)].push_back(e);
  }

  std::vector<std::size_t> out;
  for (const auto& [root, us] : members) {
    if (us.size() > limit) continue;
    std::map<std::size_t, std::size_t> column;
    for (std::size_t u : us) column.emplace(u, column.size());
    std::vector<std::vector<double>> rows;
    for (std::size_t e : equations_of[root]) {
      std::vector<double> row(us.size(), 0.0);
      for (const auto& [u, coef] : equations[e]) row[column[u]] += coef;
      rows.push_back(std::move(row));
    }
    for (std::size_t c : determined(std::move(rows), us.size())) out.push_back(cell_of[us[c]]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Hides one more cell next to `cell`: the smallest part still shown in a sum holding it (or,
// when a sum has none left, its total).
bool hide_partner(const Grid& grid, std::vector<Shown>& shown, std::size_t cell) {
  const auto& v = grid.values();
  std::size_t best = shown.size();
  for (const auto& sum : grid.sums()) {
    bool holds =
        sum.total == cell || std::find(sum.parts.begin(), sum.parts.end(), cell) != sum.parts.end();
    if (!holds) continue;
    for (std::size_t p : sum.parts) {
      if (!is_suppressed(shown[p]) && (best == shown.size() || v[p] < v[best])) best = p;
    }
    if (best == shown.size() && !is_suppressed(shown[sum.total])) best = sum.total;
  }
  if (best == shown.size()) return false;
  shown[best] = Shown::hidden;
  return true;
}

}  // namespace

std::vector<std::size_t> disclosed(const Grid& grid, const std::vector<Shown>& shown) {
  return disclosed_within(grid, shown, shown.size());
}

std::vector<Shown> suppress(const Grid& grid, long long threshold) {
  const auto& v = grid.values();
  std::vector<Shown> shown(v.size(), Shown::value);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < threshold) shown[i] = Shown::below_threshold;
  }
  for (bool changed = true; changed;) {
    changed = false;
    // Every sum holds no suppressed cell or at least two.
    for (const auto& sum : grid.sums()) {
      std::size_t count = is_suppressed(shown[sum.total]) ? 1 : 0;
      std::size_t best = shown.size();
      for (std::size_t p : sum.parts) {
        if (is_suppressed(shown[p])) {
          ++count;
        } else if (best == shown.size() || v[p] < v[best]) {
          best = p;
        }
      }
      if (count != 1) continue;
      if (best == shown.size()) best = sum.total;
      if (is_suppressed(shown[best])) continue;  // a sum of one part: nothing left to hide
      shown[best] = Shown::hidden;
      changed = true;
    }
    if (changed) continue;
    // No suppressed cell follows from the sums taken together.
    for (std::size_t cell : disclosed_within(grid, shown, kExactCheckLimit)) {
      if (hide_partner(grid, shown, cell)) {
        changed = true;
        break;
      }
    }
  }
  return shown;
}

}  // namespace dime::statistics
