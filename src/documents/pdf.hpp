// Printable documents as PDF (cairo + pango): a title and titled sections of plain text, A4,
// with line wrapping, page breaks, and right-to-left paragraphs laid out by pango.
#pragma once
#include <string>
#include <vector>

namespace dime::documents {

struct Section {
  std::string heading;
  std::string text;  // plain text; line breaks are kept
};

struct Document {
  std::string title;
  std::string subtitle;  // e.g. the office and the case reference
  std::vector<Section> sections;
  std::string footer;  // on every page, e.g. "Draft – confidential"
};

// The PDF bytes. Text must be valid UTF-8 (anything else is replaced by U+FFFD).
std::string render_pdf(const Document& doc);

}  // namespace dime::documents
