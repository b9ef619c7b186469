// Statistics as files: CSV, XLSX (libxlsxwriter, with native charts and a sheet explaining
// each column), the jurisdictions' own reporting formats, and the public open-data CSV.
#pragma once
#include <string>

#include "statistics/model.hpp"
#include "statistics/service.hpp"

namespace dime::statistics {

// One CSV field, quoted when needed (RFC 4180); a leading = + - @ is defused with a quote
// mark so a spreadsheet never reads a label as a formula.
std::string csv_field(const std::string& text);

// Staff figures: one row per (dimension, code) with its label and count; the trend comes
// first as dimension "period".
std::string figures_csv(const Figures& figures, const Labels& labels);

// The same figures as a workbook: a summary, the trend with a line chart, one sheet per
// dimension with a bar chart, and a sheet that explains each column. `title` names the
// office(s) and period. Throws Error(internal) if the library fails.
std::string figures_xlsx(const Figures& figures, const Labels& labels, const std::string& title);

// The jurisdiction's own reporting format (jurisdiction "se": area, ground, case type, how
// it was closed; "nl": ground, area, kind, handling): cases counted by those four dimensions,
// once per ground for a case with several. Error(not_found) for a jurisdiction without one.
std::string jurisdiction_csv(const Facts& facts, const Filter& filter, const Labels& labels,
                             const std::string& jurisdiction);

// The published figures as open data: one row per (scope, table, row, period) with the
// count, or no count and the reason it is withheld.
std::string public_csv(const Publication& pub, const Labels& labels);

}  // namespace dime::statistics
