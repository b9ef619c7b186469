// Statistical disclosure control for published counts: primary suppression of every count
// below a threshold, and secondary suppression so that no suppressed count can be worked out
// from the totals it adds up to, within one table or across tables that share a margin.
#pragma once
#include <cstddef>
#include <vector>

namespace dime::statistics {

// Published counts and the sums that tie them together. A table with row and column totals
// has one sum per row and per column (and the grand total as the sum of either margin); two
// tables that share a margin use the same cells for it, so one suppression covers both.
class Grid {
 public:
  struct Sum {
    std::size_t total;
    std::vector<std::size_t> parts;
  };

  std::size_t add(long long value);
  // `total` = the sum of `parts` (every part is counted in exactly one sum of this kind).
  void add_sum(std::size_t total, std::vector<std::size_t> parts);

  const std::vector<long long>& values() const { return values_; }
  const std::vector<Sum>& sums() const { return sums_; }

 private:
  std::vector<long long> values_;
  std::vector<Sum> sums_;
};

enum class Shown {
  value,            // published as it is
  below_threshold,  // primary: published as "fewer than <threshold>"
  hidden,           // secondary: hidden so that another suppressed count stays unknown
};

// Decides what each cell shows. Every count below `threshold` (zero included, so "fewer than
// 5" never tells a zero from a one) is suppressed; then, until nothing changes:
//  - every sum (its parts and its total) holds either no suppressed cell or at least two;
//    the extra cell is the smallest part still shown, or the total when no part is left;
//  - no suppressed cell is determined by the sums taken together (a linear-algebra check,
//    for up to kExactCheckLimit suppressed cells); one more cell is hidden if it is.
std::vector<Shown> suppress(const Grid& grid, long long threshold);

// The suppressed cells whose value follows exactly from the shown cells and the sums (for the
// tests and the exact check above). Each suppressed count is an unknown; every sum is an
// equation; a cell is disclosed when every solution gives it the same value.
std::vector<std::size_t> disclosed(const Grid& grid, const std::vector<Shown>& shown);

// Larger groups of suppressed cells tied together by sums are left to the line rule (the
// elimination grows with the cube of their size).
inline constexpr std::size_t kExactCheckLimit = 300;

}  // namespace dime::statistics
