// Suppression of published counts: primary below the threshold, secondary over rows, columns,
// totals and across tables sharing a margin; checked against an exact linear-algebra audit.
#include "statistics/suppression.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace dime::statistics {
namespace {

// A table with row totals, column totals and a grand total, built into `g`.
struct Table {
  std::vector<std::vector<std::size_t>> cell;  // [row][column]
  std::vector<std::size_t> row_total;
  std::vector<std::size_t> column_total;
  std::size_t grand = 0;
};

// `column_total`: cells to reuse as the column margin (a margin shared with another table).
Table add_table(Grid& g, const std::vector<std::vector<long long>>& values,
                std::vector<std::size_t> column_total = {}) {
  Table t;
  std::size_t columns = values.at(0).size();
  std::vector<long long> col_sums(columns, 0);
  long long grand = 0;
  for (const auto& row : values) {
    std::vector<std::size_t> cells;
    long long sum = 0;
    for (std::size_t c = 0; c < columns; ++c) {
      cells.push_back(g.add(row[c]));
      sum += row[c];
      col_sums[c] += row[c];
    }
    grand += sum;
    t.row_total.push_back(g.add(sum));
    g.add_sum(t.row_total.back(), cells);
    t.cell.push_back(cells);
  }
  bool shared = !column_total.empty();
  if (!shared) {
    for (std::size_t c = 0; c < columns; ++c) column_total.push_back(g.add(col_sums[c]));
  }
  t.column_total = column_total;
  for (std::size_t c = 0; c < columns; ++c) {
    std::vector<std::size_t> parts;
    for (const auto& row : t.cell) parts.push_back(row[c]);
    g.add_sum(t.column_total[c], parts);
  }
  t.grand = g.add(grand);
  g.add_sum(t.grand, t.row_total);
  g.add_sum(t.grand, t.column_total);
  return t;
}

int count(const std::vector<Shown>& s, Shown kind) {
  int n = 0;
  for (auto x : s) n += x == kind ? 1 : 0;
  return n;
}

// No relation holds exactly one suppressed cell.
void expect_no_lone_suppressed(const Grid& g, const std::vector<Shown>& s) {
  for (const auto& rel : g.relations()) {
    int n = 0;
    for (const auto& t : rel.terms) n += s[t.cell] != Shown::value ? 1 : 0;
    EXPECT_NE(n, 1);
  }
}

TEST(SuppressionTest, NothingBelowTheThresholdIsShownAndLargeTablesStayWhole) {
  Grid g;
  auto t = add_table(g, {{12, 30, 7}, {40, 9, 5}});
  auto s = suppress(g, 5);
  EXPECT_EQ(count(s, Shown::value), static_cast<int>(g.values().size()));
  Grid small;
  add_table(small, {{12, 3, 7}, {40, 9, 0}});
  auto s2 = suppress(small, 5);
  for (std::size_t i = 0; i < small.values().size(); ++i) {
    if (small.values()[i] < 5) {
      EXPECT_EQ(s2[i], Shown::below_threshold) << i;  // zero too: "fewer than 5"
    } else {
      EXPECT_NE(s2[i], Shown::below_threshold) << i;
    }
  }
  (void)t;
}

TEST(SuppressionTest, ALoneSmallCellInARowAndAColumnHidesPartnersInBoth) {
  Grid g;
  //        Q1  Q2  Q3
  // work   20   3  15
  // school 11  14  12
  auto t = add_table(g, {{20, 3, 15}, {11, 14, 12}});
  auto s = suppress(g, 5);
  EXPECT_EQ(s[t.cell[0][1]], Shown::below_threshold);
  // The row "work" and the column Q2 each need a second suppressed cell, and so does every
  // row and column that takes one of those.
  expect_no_lone_suppressed(g, s);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
  // The smallest candidates are chosen: 15 in the row (not the total 38), 14 in the column.
  EXPECT_EQ(s[t.cell[0][2]], Shown::hidden);
  EXPECT_EQ(s[t.cell[1][1]], Shown::hidden);
  EXPECT_EQ(s[t.cell[1][2]], Shown::hidden);
  EXPECT_EQ(s[t.grand], Shown::value);
  EXPECT_EQ(count(s, Shown::below_threshold), 1);
}

TEST(SuppressionTest, ASmallTotalIsProtectedFromItsParts) {
  Grid g;
  // The column Q2 totals 4: its total is suppressed, and so must be a part of it, and the
  // column totals row needs a second suppressed cell too.
  auto t = add_table(g, {{20, 2, 15}, {11, 2, 12}, {9, 0, 30}});
  auto s = suppress(g, 5);
  EXPECT_EQ(s[t.column_total[1]], Shown::below_threshold);
  expect_no_lone_suppressed(g, s);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
}

TEST(SuppressionTest, TheExactCheckCatchesWhatTheLineRuleMisses) {
  // Overlapping groupings: t1 = a + b, t2 = b + c, t3 = a + c. Every sum holds two suppressed
  // cells, yet a = (t1 - t2 + t3) / 2. The exact check hides a total as well.
  Grid g;
  std::size_t a = g.add(3), b = g.add(2), c = g.add(4);
  std::size_t t1 = g.add(5), t2 = g.add(6), t3 = g.add(7);
  g.add_sum(t1, {a, b});
  g.add_sum(t2, {b, c});
  g.add_sum(t3, {a, c});
  std::vector<Shown> line_rule_only{Shown::below_threshold, Shown::below_threshold,
                                    Shown::below_threshold, Shown::value,
                                    Shown::value,           Shown::value};
  EXPECT_EQ(disclosed(g, line_rule_only, 5).size(), 3U);
  auto s = suppress(g, 5);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
  EXPECT_GE(count(s, Shown::hidden), 1);
  expect_no_lone_suppressed(g, s);
}

TEST(SuppressionTest, TwoTablesSharingAMarginAreSuppressedTogether) {
  // Cases by area and by reporter type, per quarter: the quarter totals are one margin (the
  // same cells), so a quarter total hidden for one table is hidden for the other, and the
  // audit runs over the sums of both tables at once.
  Grid g;
  auto areas = add_table(g, {{22, 18, 1}, {30, 11, 2}});
  auto reporters = add_table(g, {{40, 25, 3}, {12, 4, 0}}, areas.column_total);
  auto s = suppress(g, 5);
  // Q3 totals 3: primary in the shared margin; the margin's own sum (the grand total) needs a
  // second hidden quarter total, and both tables' Q3 columns are suppressed throughout.
  EXPECT_EQ(s[areas.column_total[2]], Shown::below_threshold);
  int hidden_totals = 0;
  for (auto t : areas.column_total) hidden_totals += s[t] != Shown::value ? 1 : 0;
  EXPECT_GE(hidden_totals, 2);
  EXPECT_EQ(s[reporters.cell[1][1]], Shown::below_threshold);
  expect_no_lone_suppressed(g, s);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
  // Both tables publish the same grand total or both hide it.
  EXPECT_EQ(s[areas.grand] == Shown::value, s[reporters.grand] == Shown::value);
}

TEST(SuppressionTest, WhatTheLabelsTellCannotPinACount) {
  // A row of two small counts, 4 and 4, with its total 8 shown: "fewer than 5" twice adding up
  // to 8 can only be 4 and 4. The total must go too (and so a partner of it).
  Grid g;
  std::size_t a = g.add(4), b = g.add(4), c = g.add(30);
  std::size_t row = g.add(8), other = g.add(30), grand = g.add(38);
  g.add_sum(row, {a, b});
  g.add_sum(other, {c});
  g.add_sum(grand, {row, other});
  std::vector<Shown> naive{Shown::below_threshold, Shown::below_threshold, Shown::value,
                           Shown::value,           Shown::value,           Shown::value};
  auto leak = disclosed(g, naive, 5);
  EXPECT_NE(std::find(leak.begin(), leak.end(), a), leak.end());
  auto s = suppress(g, 5);
  EXPECT_NE(s[row], Shown::value);
  EXPECT_TRUE(disclosed(g, s, 5).empty());

  // A hidden count is at least the threshold: 0 (fewer than 5) and 5 (hidden) adding up to 5
  // pin the 0, which tells of no one, and the 5, which could have been shown: allowed, so a
  // table whose cases all fall in one row is not hidden whole.
  Grid h;
  std::size_t x = h.add(0), y = h.add(5), z = h.add(20);
  std::size_t total = h.add(25);
  h.add_sum(total, {x, y, z});
  std::vector<Shown> with_partner{Shown::below_threshold, Shown::hidden, Shown::value,
                                  Shown::value};
  EXPECT_TRUE(disclosed(h, with_partner, 5).empty());
  // Three small counts of 4 adding up to 12: each must be 4.
  Grid k;
  std::size_t k1 = k.add(4), k2 = k.add(4), k3 = k.add(4), k4 = k.add(40), kt = k.add(52);
  k.add_sum(kt, {k1, k2, k3, k4});
  std::vector<Shown> primaries{Shown::below_threshold, Shown::below_threshold,
                               Shown::below_threshold, Shown::value, Shown::value};
  EXPECT_FALSE(disclosed(k, primaries, 5).empty());
  auto sk = suppress(k, 5);
  EXPECT_EQ(sk[k4], Shown::hidden);
  EXPECT_TRUE(disclosed(k, sk, 5).empty());
}

TEST(SuppressionTest, RowsOfSeveralCodesPerCaseAreTiedToTheCases) {
  // Cases by ground in one period: 20 cases, ground rows 12, 3 and 9 (24 mentions), 6 cases
  // with two or more grounds. Mentions - combinations - cases (here -2) is taken as known:
  // with only the 3 suppressed, it follows from the rest.
  Grid g;
  std::size_t cases = g.add(20), combination = g.add(6);
  std::size_t g1 = g.add(12), g2 = g.add(3), g3 = g.add(9);
  g.add_relation({{g1, +1, false},
                  {g2, +1, false},
                  {g3, +1, false},
                  {combination, -1, true},
                  {cases, -1, true}},
                 -2);
  std::vector<Shown> primary_only(g.values().size(), Shown::value);
  primary_only[g2] = Shown::below_threshold;
  EXPECT_EQ(disclosed(g, primary_only, 5), std::vector<std::size_t>{g2});
  // Suppression hides another ground (the smallest, 9), not the cases or the combinations.
  auto s = suppress(g, 5);
  EXPECT_EQ(s[g2], Shown::below_threshold);
  EXPECT_EQ(s[g3], Shown::hidden);
  EXPECT_EQ(s[cases], Shown::value);
  EXPECT_EQ(s[combination], Shown::value);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
}

TEST(SuppressionTest, AnAllSmallTableHidesEverythingWithoutLooping) {
  Grid g;
  auto t = add_table(g, {{1, 0}, {0, 2}});
  auto s = suppress(g, 5);
  EXPECT_EQ(count(s, Shown::value), 0);
  EXPECT_TRUE(disclosed(g, s, 5).empty());
  (void)t;
}

TEST(SuppressionTest, ManyRandomTablesNeverDiscloseACell) {
  unsigned seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  for (int round = 0; round < 200; ++round) {
    std::size_t rows = 2 + next() % 5, cols = 2 + next() % 5;
    std::vector<std::vector<long long>> values(rows, std::vector<long long>(cols));
    for (auto& row : values) {
      for (auto& v : row) v = next() % 3 == 0 ? next() % 5 : next() % 40;
    }
    Grid g;
    add_table(g, values);
    if (round % 2 == 0) {
      std::vector<std::vector<long long>> second(2, std::vector<long long>(cols));
      // The second table must add up to the same margin: split each column total in two.
      for (std::size_t c = 0; c < cols; ++c) {
        long long total = 0;
        for (const auto& row : values) total += row[c];
        second[0][c] = total == 0 ? 0 : static_cast<long long>(next() % (total + 1));
        second[1][c] = total - second[0][c];
      }
      Grid shared;
      auto first = add_table(shared, values);
      add_table(shared, second, first.column_total);
      auto s = suppress(shared, 5);
      expect_no_lone_suppressed(shared, s);
      EXPECT_TRUE(disclosed(shared, s, 5).empty()) << "round " << round;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (shared.values()[i] < 5) {
          EXPECT_NE(s[i], Shown::value);
        }
      }
    } else {
      auto s = suppress(g, 5);
      expect_no_lone_suppressed(g, s);
      EXPECT_TRUE(disclosed(g, s, 5).empty()) << "round " << round;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (g.values()[i] < 5) {
          EXPECT_NE(s[i], Shown::value);
        }
      }
    }
  }
}

}  // namespace
}  // namespace dime::statistics
