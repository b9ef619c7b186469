// Statistics rules over a transaction: whose cases a user may count, reading the facts, labels,
// approval of cases for published statistics, and the public (suppressed) figures.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto.hpp"
#include "statistics/model.hpp"
#include "statistics/suppression.hpp"
#include "storage/database.hpp"

namespace dime::statistics {

// The offices a coordinator's figures cover: their own, or (for a national organisation)
// every help office in its jurisdiction with its cases in this database, the national one
// included. (Offices on their own servers send files instead: statistics/exchange.hpp.)
struct Scope {
  std::vector<long long> offices;
  std::string jurisdiction;
  bool national = false;
  int acknowledge_days = 7;  // the coordinator's organisation's deadlines, for "within"
  int feedback_days = 90;
};
Scope scope_of(storage::Transaction& tx, long long organisation_id);
// Every help office (for the public figures), those on their own servers included.
std::vector<long long> help_offices(storage::Transaction& tx);

// Reads the cases of `offices` received in months [from, to]; `approved_only` reads only the
// cases approved for statistics.
Facts load(storage::Transaction& tx, const std::vector<long long>& offices, int from, int to,
           bool approved_only);
// The first month holding a case of these offices, if any.
std::optional<int> first_month(storage::Transaction& tx, const std::vector<long long>& offices,
                               bool approved_only);

// Labels for codes, in one language: reference data as the office names it, the rest
// from the catalogues. Unknown codes (an entry removed since) show as the code itself.
class Labels {
 public:
  using Translate = std::function<std::string(std::string_view)>;
  Labels(storage::Transaction& tx, long long office, const std::string& jurisdiction,
         const std::string& language, Translate tr);
  // Offices (id, jurisdiction) of several countries: each code named by the first that has it.
  Labels(storage::Transaction& tx, const std::vector<std::pair<long long, std::string>>& offices,
         const std::string& language, Translate tr);
  std::string operator()(Dim d, const std::string& code) const;
  std::string dim(Dim d) const;
  std::string tr(std::string_view msgid) const { return tr_(msgid); }

 private:
  std::map<std::pair<Dim, std::string>, std::string> labels_;
  Translate tr_;
};

// ---- Approval for published statistics ----

// Approves (or withdraws approval of) one case of the office. Only a closed, coded case
// (grounds and area) can be approved. Audited as statistics.approve / statistics.withdraw.
void approve(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
             long long organisation_id, long long report_id, bool approved, long long now);
// Approves every closed, coded case of the office received in months [from, to] not yet
// approved; returns how many. Audited once, with the count.
int approve_closed(storage::Transaction& tx, const crypto::Keys& keys, long long user_id,
                   long long organisation_id, int from, int to, long long now);
// When a case of the office was approved for statistics, if it is.
std::optional<long long> approved_at(storage::Transaction& tx, long long organisation_id,
                                     long long report_id);
struct Approval {
  long long closed_coded = 0;  // closed and coded cases in the period
  long long approved = 0;      // of all cases in the period
  long long waiting = 0;       // closed and coded, not yet approved
};
// The approval state of the office's cases among `facts` (read for a period).
Approval approval_state(const Facts& facts, long long organisation_id);

// ---- Public figures ----

struct PublicSettings {
  long long threshold = 5;
  Granularity granularity = Granularity::year;
};

struct Cell {
  long long value = 0;  // meaningful only when shown == value
  Shown shown = Shown::value;
};
struct PublicRow {
  std::string code;
  std::vector<Cell> periods;
  Cell total;
};
struct PublicTable {
  Dim dim = Dim::area;
  bool additive = true;  // each case in exactly one row: the rows add up to the cases
  std::vector<PublicRow> rows;
};
struct PublicFigures {
  std::vector<std::string> periods;  // complete periods only
  std::vector<Cell> cases;           // per period (the margin every table shares)
  Cell total;
  std::vector<PublicTable> tables;
};
struct Publication {
  PublicSettings settings;
  std::vector<long long> offices;        // as listed in `by_office`
  PublicFigures all;                     // every office together
  std::vector<PublicFigures> by_office;  // the same tables, office by office
};

// The figures the public may see: approved cases of complete periods only (from the first to
// the last period ended before `now`), every count below the threshold suppressed and every
// table suppressed together with the others (per office and all together), so that no
// suppressed count can be worked out from any combination of published ones. `tallies`: each
// office's approved cases by month (every office listed is published, in this order).
// `known_rows`: the codes each table lists whatever the data (reference data, option lists).
Publication publish(const std::map<long long, Tally>& tallies, const PublicSettings& settings,
                    const std::map<Dim, std::vector<std::string>>& known_rows, long long now);
// The known rows of the public tables for these offices: their reference data (each
// jurisdiction once) and the option lists.
std::map<Dim, std::vector<std::string>> public_rows(
    storage::Transaction& tx, const std::vector<std::pair<long long, std::string>>& offices);
// The dimensions published, in order; municipality (typed text) never is.
const std::vector<Dim>& public_dims();

}  // namespace dime::statistics
