// Statistical disclosure control for published counts: primary suppression of every count
// below a threshold, and secondary suppression so that no suppressed count can be worked out
// from the totals it adds up to, within one table or across tables that share a margin.
#pragma once
#include <cstddef>
#include <vector>

namespace dime::statistics {

// Published counts and the relations that tie them together. A table with row and column
// totals has one sum per row and per column (and the grand total as the sum of either margin);
// two tables that share a margin use the same cells for it, so one suppression covers both.
// A relation may also hold a constant everyone is assumed to know (for the rows of a table
// where a case may count under several codes: their sum minus the cases is taken as known).
class Grid {
 public:
  struct Term {
    std::size_t cell;
    int coefficient;  // +1 or -1
    bool margin;      // a total: hidden only when no other cell of the relation can be
  };
  struct Relation {
    std::vector<Term> terms;  // sum of coefficient * value = constant
    long long constant = 0;
  };

  std::size_t add(long long value);
  // `total` = the sum of `parts`.
  void add_sum(std::size_t total, const std::vector<std::size_t>& parts);
  void add_relation(std::vector<Term> terms, long long constant);

  const std::vector<long long>& values() const { return values_; }
  const std::vector<Relation>& relations() const { return relations_; }

 private:
  std::vector<long long> values_;
  std::vector<Relation> relations_;
};

enum class Shown {
  value,            // published as it is
  below_threshold,  // primary: published as "fewer than <threshold>"
  hidden,           // secondary: hidden so that another suppressed count stays unknown
};

// Decides what each cell shows. Every count below `threshold` (zero included, so "fewer than
// 5" never tells a zero from a one) is suppressed; then, until nothing changes:
//  - every relation holds either no suppressed cell or at least two; the extra cell is the
//    smallest one still shown that is not a total, else the smallest total;
//  - no "fewer than" count is pinned to one value other than zero by a relation and what the
//    labels tell (a "fewer than" count lies in [0, threshold - 1], a hidden one is at least
//    the threshold); a zero tells of no one, and a hidden count could have been shown;
//  - no suppressed cell is determined by the relations taken together (a linear-algebra
//    check, for groups of up to kExactCheckLimit suppressed cells); one more cell is hidden if
//    one is.
std::vector<Shown> suppress(const Grid& grid, long long threshold);

// The suppressed cells whose value can be worked out from the shown cells and the relations
// (for the tests and the checks above): a "fewer than" count pinned to a value other than zero
// by one relation and the labels' bounds, or any suppressed count determined by the relations
// taken together.
std::vector<std::size_t> disclosed(const Grid& grid, const std::vector<Shown>& shown,
                                   long long threshold);

// Larger groups of suppressed cells tied together by sums are left to the line rule (the
// elimination grows with the cube of their size).
inline constexpr std::size_t kExactCheckLimit = 300;

}  // namespace dime::statistics
