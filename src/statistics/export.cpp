#include "statistics/export.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "core/error.hpp"

namespace dime::statistics {

std::string csv_field(const std::string& text) {
  std::string t = text;
  if (!t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@')) t = "'" + t;
  if (t.find_first_of(",\"\r\n") == std::string::npos) return t;
  std::string out = "\"";
  for (char c : t) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {
std::string line(std::initializer_list<std::string> fields) {
  std::string out;
  bool first = true;
  for (const auto& f : fields) {
    out += (first ? "" : ",") + csv_field(f);
    first = false;
  }
  return out + "\r\n";
}
}  // namespace

std::string figures_csv(const Figures& figures, const Labels& labels) {
  std::string out = line({"dimension", "code", "label", "cases"});
  for (const auto& [period, n] : figures.trend) {
    out += line({"period", period, period, std::to_string(n)});
  }
  for (const auto& b : figures.breakdowns) {
    for (const auto& r : b.rows) {
      out += line({to_string(b.dim), r.code, labels(b.dim, r.code), std::to_string(r.count)});
    }
    for (const auto& r : b.combinations) {
      out += line({std::string(to_string(b.dim)) + "_combination", r.code, labels(b.dim, r.code),
                   std::to_string(r.count)});
    }
  }
  out += line({"total", "", labels.tr(N_("All cases")), std::to_string(figures.cases)});
  return out;
}

namespace {

// A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the book.
std::string sheet_name(std::string name, std::set<std::string>& used) {
  for (char& c : name) {
    if (std::string("[]:*?/\\'").find(c) != std::string::npos) c = ' ';
  }
  // Cut at a character boundary (UTF-8 continuation bytes are 10xxxxxx).
  auto cut = [](std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
  };
  name = cut(name, 28);
  std::string candidate = name;
  for (int i = 2; used.count(candidate) != 0; ++i) candidate = name + " " + std::to_string(i);
  used.insert(candidate);
  return candidate;
}

struct WorkbookFile {
  std::string path;
  lxw_workbook* book = nullptr;
  ~WorkbookFile() {
    if (book != nullptr) workbook_close(book);  // only after a failure: closing writes it
    if (!path.empty()) std::remove(path.c_str());
  }
};

}  // namespace

std::string figures_xlsx(const Figures& figures, const Labels& labels, const std::string& title) {
  WorkbookFile file;
  std::string pattern = (std::filesystem::temp_directory_path() / "dime-xlsx-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) throw Error(ErrorKind::internal, N_("Something went wrong on our side."), "mkstemp");
  close(fd);
  file.path = name.data();
  lxw_workbook_options options{};
  options.constant_memory = 0;
  std::string tmpdir = std::filesystem::temp_directory_path().string();
  options.tmpdir = tmpdir.data();
  file.book = workbook_new_opt(file.path.c_str(), &options);
  if (file.book == nullptr) {
    throw Error(ErrorKind::internal, N_("Something went wrong on our side."), "workbook_new");
  }
  lxw_workbook* book = file.book;
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  lxw_format* heading = workbook_add_format(book);
  format_set_bold(heading);
  format_set_font_size(heading, 14);
  std::set<std::string> used;

  // Summary
  std::string summary_name = sheet_name(labels.tr(N_("Summary")), used);
  lxw_worksheet* summary = workbook_add_worksheet(book, summary_name.c_str());
  worksheet_set_column(summary, 0, 0, 48, nullptr);
  worksheet_set_column(summary, 1, 1, 14, nullptr);
  worksheet_write_string(summary, 0, 0, title.c_str(), heading);
  lxw_row_t r = 2;
  auto key = [&](const std::string& label, std::optional<double> value) {
    worksheet_write_string(summary, r, 0, label.c_str(), nullptr);
    if (value) worksheet_write_number(summary, r, 1, *value, nullptr);
    ++r;
  };
  key(labels.tr(N_("Cases")), static_cast<double>(figures.cases));
  key(labels.tr(N_("Median days to acknowledgement")), figures.to_acknowledge.median_days);
  key(labels.tr(N_("Acknowledged within the office's deadline")),
      static_cast<double>(figures.to_acknowledge.within));
  key(labels.tr(N_("Median days to first advice")), figures.to_advice.median_days);
  key(labels.tr(N_("First advice within the office's deadline")),
      static_cast<double>(figures.to_advice.within));

  // Trend, with a line chart
  std::string trend_name = sheet_name(labels.tr(N_("Cases by period")), used);
  lxw_worksheet* trend = workbook_add_worksheet(book, trend_name.c_str());
  worksheet_set_column(trend, 0, 1, 14, nullptr);
  worksheet_write_string(trend, 0, 0, labels.tr(N_("Period")).c_str(), bold);
  worksheet_write_string(trend, 0, 1, labels.tr(N_("Cases")).c_str(), bold);
  lxw_row_t tr = 1;
  for (const auto& [period, n] : figures.trend) {
    worksheet_write_string(trend, tr, 0, period.c_str(), nullptr);
    worksheet_write_number(trend, tr, 1, static_cast<double>(n), nullptr);
    ++tr;
  }
  if (tr > 1) {
    lxw_chart* chart = workbook_add_chart(book, LXW_CHART_LINE);
    lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(s, trend_name.c_str(), 1, 0, tr - 1, 0);
    chart_series_set_values(s, trend_name.c_str(), 1, 1, tr - 1, 1);
    chart_series_set_name(s, labels.tr(N_("Cases")).c_str());
    std::string chart_title = labels.tr(N_("Cases by period"));
    chart_title_set_name(chart, chart_title.c_str());
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    worksheet_insert_chart(trend, 1, 3, chart);
  }

  // One sheet per dimension, with a bar chart
  for (const auto& b : figures.breakdowns) {
    std::string dim_title = labels.dim(b.dim);
    std::string sname = sheet_name(dim_title, used);
    lxw_worksheet* ws = workbook_add_worksheet(book, sname.c_str());
    worksheet_set_column(ws, 0, 0, 20, nullptr);
    worksheet_set_column(ws, 1, 1, 44, nullptr);
    worksheet_set_column(ws, 2, 2, 10, nullptr);
    worksheet_write_string(ws, 0, 0, labels.tr(N_("Code")).c_str(), bold);
    worksheet_write_string(ws, 0, 1, dim_title.c_str(), bold);
    worksheet_write_string(ws, 0, 2, labels.tr(N_("Cases")).c_str(), bold);
    lxw_row_t row = 1;
    for (const auto& x : b.rows) {
      worksheet_write_string(ws, row, 0, x.code.c_str(), nullptr);
      worksheet_write_string(ws, row, 1, labels(b.dim, x.code).c_str(), nullptr);
      worksheet_write_number(ws, row, 2, static_cast<double>(x.count), nullptr);
      ++row;
    }
    lxw_row_t last = row - 1;
    if (multiple(b.dim)) {
      worksheet_write_string(ws, row, 1, labels.tr(N_("None recorded")).c_str(), nullptr);
      worksheet_write_number(ws, row, 2, static_cast<double>(b.with_none), nullptr);
      row += 2;
    }
    if (!b.combinations.empty()) {
      worksheet_write_string(ws, row, 1, labels.tr(N_("Combinations")).c_str(), bold);
      ++row;
      for (const auto& x : b.combinations) {
        worksheet_write_string(ws, row, 0, x.code.c_str(), nullptr);
        worksheet_write_string(ws, row, 1, labels(b.dim, x.code).c_str(), nullptr);
        worksheet_write_number(ws, row, 2, static_cast<double>(x.count), nullptr);
        ++row;
      }
    }
    if (last >= 1) {
      lxw_chart* chart = workbook_add_chart(book, LXW_CHART_BAR);
      lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(s, sname.c_str(), 1, 1, last, 1);
      chart_series_set_values(s, sname.c_str(), 1, 2, last, 2);
      chart_series_set_name(s, labels.tr(N_("Cases")).c_str());
      chart_title_set_name(chart, dim_title.c_str());
      chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
      worksheet_insert_chart(ws, 1, 4, chart);
    }
  }

  // What each column means
  std::string about_name = sheet_name(labels.tr(N_("About the columns")), used);
  lxw_worksheet* about = workbook_add_worksheet(book, about_name.c_str());
  worksheet_set_column(about, 0, 0, 24, nullptr);
  worksheet_set_column(about, 1, 1, 100, nullptr);
  const std::pair<const char*, const char*> kColumns[] = {
      {N_("Code"), N_("The stable code of the category, the same in every language and year.")},
      {N_("Cases"),
       N_("Cases received in the period. A case with several grounds, forms, wishes or referrals "
          "counts once under each, so those columns add up to more than the cases.")},
      {N_("Combinations"),
       N_("Cases with two or more codes of the same kind, counted once for that combination.")},
      {N_("None recorded"), N_("Cases without any code of this kind (for example not referred).")},
      {N_("Median days to acknowledgement"),
       N_("Half of the acknowledged cases were acknowledged within this many days of receipt.")},
      {N_("Median days to first advice"),
       N_("Half of the cases had their first advice, referral or message within this many days.")},
      {N_("Area of society"), N_("As coded by the advisor, else as reported.")},
      {N_("Ground"), N_("As coded by the advisor, else as reported.")},
  };
  worksheet_write_string(about, 0, 0, labels.tr(N_("Column")).c_str(), bold);
  worksheet_write_string(about, 0, 1, labels.tr(N_("Meaning")).c_str(), bold);
  lxw_row_t ar = 1;
  for (const auto& [column, meaning] : kColumns) {
    worksheet_write_string(about, ar, 0, labels.tr(column).c_str(), nullptr);
    worksheet_write_string(about, ar, 1, labels.tr(meaning).c_str(), nullptr);
    ++ar;
  }

  lxw_error err = workbook_close(file.book);
  file.book = nullptr;
  if (err != LXW_NO_ERROR) {
    throw Error(ErrorKind::internal, N_("Something went wrong on our side."),
                std::string("xlsx: ") + lxw_strerror(err));
  }
  std::ifstream in(file.path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string jurisdiction_csv(const Facts& facts, const Filter& filter, const Labels& labels,
                             const std::string& jurisdiction) {
  // Column order of each format, as (dimension, header msgid).
  std::vector<std::pair<Dim, const char*>> columns;
  if (jurisdiction == "se") {
    columns = {{Dim::area, N_("Area")},
               {Dim::grounds, N_("Ground")},
               {Dim::forms, N_("Case type")},
               {Dim::outcome, N_("How the case was closed")}};
  } else if (jurisdiction == "nl") {
    columns = {{Dim::grounds, N_("Ground")},
               {Dim::area, N_("Area")},
               {Dim::forms, N_("Kind")},
               {Dim::outcome, N_("Handling")}};
  } else {
    throw Error(ErrorKind::not_found, N_("There is no page at this address."));
  }
  std::map<std::vector<std::string>, long long> counts;
  for (const Fact& f : facts.rows) {
    if (!matches(facts, f, filter)) continue;
    // Every combination of the case's values (a case with two grounds counts under each).
    std::vector<std::vector<std::string>> keys{{}};
    for (const auto& [d, header] : columns) {
      auto values = facts.values(f, d);
      std::vector<std::vector<std::string>> next;
      for (const auto& k : keys) {
        if (values.empty()) {
          next.push_back(k);
          next.back().emplace_back();
        }
        for (auto v : values) {
          next.push_back(k);
          next.back().push_back(facts.codes[static_cast<std::size_t>(d)][v]);
        }
      }
      keys = std::move(next);
    }
    for (const auto& k : keys) ++counts[k];
  }
  std::string out;
  {
    std::string header;
    for (const auto& [d, h] : columns) {
      header +=
          csv_field(std::string(to_string(d)) + "_code") + "," + csv_field(labels.tr(h)) + ",";
    }
    out += header + csv_field(labels.tr(N_("Cases"))) + "\r\n";
  }
  for (const auto& [key, n] : counts) {
    std::string row;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      std::string label =
          key[i].empty() ? labels.tr(N_("Not coded")) : labels(columns[i].first, key[i]);
      row += csv_field(key[i]) + "," + csv_field(label) + ",";
    }
    out += row + std::to_string(n) + "\r\n";
  }
  return out;
}

std::string public_csv(const Publication& pub, const Labels& labels) {
  std::string out =
      line({"office_id", "office", "table", "code", "label", "period", "cases", "withheld"});
  auto cell_fields = [&](const Cell& c) -> std::pair<std::string, std::string> {
    switch (c.shown) {
      case Shown::value: return {std::to_string(c.value), ""};
      case Shown::below_threshold: return {"", "fewer_than_threshold"};
      case Shown::hidden: return {"", "secondary"};
    }
    return {"", ""};
  };
  auto scope = [&](const std::string& id, const std::string& name, const PublicFigures& f) {
    for (std::size_t p = 0; p <= f.periods.size(); ++p) {
      bool total = p == f.periods.size();
      const Cell& c = total ? f.total : f.cases[p];
      auto [n, why] = cell_fields(c);
      out += line({id, name, "cases", "", labels.tr(N_("All cases")), total ? "all" : f.periods[p],
                   n, why});
    }
    for (const auto& t : f.tables) {
      for (const auto& row : t.rows) {
        for (std::size_t p = 0; p <= f.periods.size(); ++p) {
          bool total = p == f.periods.size();
          auto [n, why] = cell_fields(total ? row.total : row.periods[p]);
          out += line({id, name, to_string(t.dim), row.code, labels(t.dim, row.code),
                       total ? "all" : f.periods[p], n, why});
        }
      }
    }
  };
  scope("", labels.tr(N_("All offices")), pub.all);
  for (std::size_t i = 0; i < pub.offices.size(); ++i) {
    std::string id = std::to_string(pub.offices[i]);
    scope(id, labels(Dim::office, id), pub.by_office[i]);
  }
  return out;
}

}  // namespace dime::statistics
