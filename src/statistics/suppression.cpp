#include "statistics/suppression.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>

namespace dime::statistics {

std::size_t Grid::add(long long value) {
  values_.push_back(value);
  return values_.size() - 1;
}

void Grid::add_sum(std::size_t total, const std::vector<std::size_t>& parts) {
  Relation r;
  r.terms.push_back({total, +1, true});
  for (std::size_t p : parts) r.terms.push_back({p, -1, false});
  relations_.push_back(std::move(r));
}

void Grid::add_relation(std::vector<Term> terms, long long constant) {
  relations_.push_back({std::move(terms), constant});
}

namespace {

bool is_suppressed(Shown s) {
  return s != Shown::value;
}

// Union-find over the suppressed cells, joined by the relations they appear in together.
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

// Suppressed cells determined by the relations taken together; `limit`: components with more
// unknowns than this are not checked (see kExactCheckLimit).
std::vector<std::size_t> determined_cells(const Grid& grid, const std::vector<Shown>& shown,
                                          std::size_t limit) {
  std::map<std::size_t, std::size_t> unknown;  // cell -> unknown number
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (is_suppressed(shown[i])) unknown.emplace(i, unknown.size());
  }
  if (unknown.empty()) return {};
  std::vector<std::size_t> cell_of(unknown.size());
  for (const auto& [cell, u] : unknown) cell_of[u] = cell;

  std::vector<std::vector<std::pair<std::size_t, double>>> equations;
  Components comp(unknown.size());
  for (const auto& rel : grid.relations()) {
    std::vector<std::pair<std::size_t, double>> eq;
    for (const auto& t : rel.terms) {
      if (auto it = unknown.find(t.cell); it != unknown.end()) {
        eq.emplace_back(it->second, static_cast<double>(t.coefficient));
      }
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

// What the labels tell about a cell: a "fewer than" count is in [0, threshold - 1]; a hidden
// count is at least the threshold (it would be "fewer than" otherwise).
constexpr long long kUnbounded = 1'000'000'000'000LL;
std::pair<long long, long long> bounds(Shown s, long long value, long long threshold) {
  switch (s) {
    case Shown::value: return {value, value};
    case Shown::below_threshold: return {0, threshold - 1};
    case Shown::hidden: return {threshold, kUnbounded};
  }
  return {0, kUnbounded};
}

// A "fewer than" cell of `rel` whose value the relation and the bounds of the others fix.
std::optional<std::size_t> pinned_in(const Grid::Relation& rel, const std::vector<long long>& v,
                                     const std::vector<Shown>& shown, long long threshold) {
  // Every term's contribution c * u lies in [lo, hi]; the sum is the constant.
  long long sum_lo = 0, sum_hi = 0;
  std::vector<std::pair<long long, long long>> range;
  for (const auto& t : rel.terms) {
    auto [lo, hi] = bounds(shown[t.cell], v[t.cell], threshold);
    auto r = t.coefficient > 0 ? std::make_pair(lo, hi) : std::make_pair(-hi, -lo);
    range.push_back(r);
    sum_lo += r.first;
    sum_hi += r.second;
  }
  for (std::size_t i = 0; i < rel.terms.size(); ++i) {
    const auto& t = rel.terms[i];
    if (!is_suppressed(shown[t.cell])) continue;
    // c * u = constant - (the others), so within [constant - others_hi, constant - others_lo].
    long long others_lo = sum_lo - range[i].first, others_hi = sum_hi - range[i].second;
    long long lo = rel.constant - others_hi, hi = rel.constant - others_lo;
    if (t.coefficient < 0) std::tie(lo, hi) = std::make_pair(-hi, -lo);
    auto [own_lo, own_hi] = bounds(shown[t.cell], v[t.cell], threshold);
    lo = std::max(lo, own_lo);
    hi = std::min(hi, own_hi);
    // A count below the threshold pinned to one value other than zero is disclosed. (A zero
    // tells of no one; a hidden count is at least the threshold and could have been shown.)
    if (shown[t.cell] == Shown::below_threshold && lo == hi && hi != 0) return t.cell;
  }
  return std::nullopt;
}

// Hides one more cell of `rel`: the smallest shown cell that is not a total, else the
// smallest shown total. False when every cell is suppressed already.
bool hide_one(const Grid::Relation& rel, const std::vector<long long>& v,
              std::vector<Shown>& shown) {
  std::optional<std::size_t> best;
  for (bool margins : {false, true}) {
    for (const auto& t : rel.terms) {
      if (t.margin != margins || is_suppressed(shown[t.cell])) continue;
      if (!best || v[t.cell] < v[*best]) best = t.cell;
    }
    if (best) break;
  }
  if (!best) return false;
  shown[*best] = Shown::hidden;
  return true;
}

std::vector<std::size_t> disclosed_within(const Grid& grid, const std::vector<Shown>& shown,
                                          long long threshold, std::size_t limit) {
  std::vector<std::size_t> out = determined_cells(grid, shown, limit);
  for (const auto& rel : grid.relations()) {
    if (auto cell = pinned_in(rel, grid.values(), shown, threshold)) out.push_back(*cell);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::vector<std::size_t> disclosed(const Grid& grid, const std::vector<Shown>& shown,
                                   long long threshold) {
  return disclosed_within(grid, shown, threshold, shown.size());
}

std::vector<Shown> suppress(const Grid& grid, long long threshold) {
  const auto& v = grid.values();
  std::vector<Shown> shown(v.size(), Shown::value);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < threshold) shown[i] = Shown::below_threshold;
  }
  for (bool changed = true; changed;) {
    changed = false;
    // Every relation holds no suppressed cell or at least two; none pins a suppressed cell.
    for (const auto& rel : grid.relations()) {
      long long count = 0;
      for (const auto& t : rel.terms) count += is_suppressed(shown[t.cell]) ? 1 : 0;
      if (count == 1 || (count > 1 && pinned_in(rel, v, shown, threshold))) {
        changed = hide_one(rel, v, shown) || changed;
      }
    }
    if (changed) continue;
    // No suppressed cell follows from the relations taken together.
    for (std::size_t cell : determined_cells(grid, shown, kExactCheckLimit)) {
      for (const auto& rel : grid.relations()) {
        bool holds = std::any_of(rel.terms.begin(), rel.terms.end(),
                                 [cell](const Grid::Term& t) { return t.cell == cell; });
        if (holds && hide_one(rel, v, shown)) {
          changed = true;
          break;
        }
      }
      if (changed) break;
    }
  }
  return shown;
}

}  // namespace dime::statistics
