// PDF rendering: each block of text is one pango layout, drawn line by line so that a block
// can continue on the next page. Fonts come from fontconfig (DejaVu Sans, with fallback for
// scripts it lacks); pango chooses each paragraph's direction from its text.
#include "documents/pdf.hpp"

#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <memory>

#include "core/error.hpp"

namespace dime::documents {

namespace {

constexpr double kPageWidth = 595.28;  // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 56.0;
constexpr double kFooterSpace = 28.0;

std::string valid_utf8(const std::string& s) {
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return s;
  gchar* fixed = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  std::string out(fixed);
  g_free(fixed);
  return out;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class Writer {
 public:
  Writer(cairo_t* cr, std::string footer) : cr_(cr), footer_(std::move(footer)) {}

  // One block of text in `font`, then `after` points of space.
  void block(const std::string& text, const char* font, double after) {
    std::unique_ptr<PangoLayout, decltype(&g_object_unref)> layout(pango_cairo_create_layout(cr_),
                                                                   g_object_unref);
    std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> fd(
        pango_font_description_from_string(font), pango_font_description_free);
    pango_layout_set_font_description(layout.get(), fd.get());
    pango_layout_set_width(layout.get(), static_cast<int>((kPageWidth - 2 * kMargin) * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    std::string t = valid_utf8(text.empty() ? std::string("–") : text);
    pango_layout_set_text(layout.get(), t.data(), static_cast<int>(t.size()));

    double origin = y_;  // where the layout's top is on the current page
    PangoLayoutIter* it = pango_layout_get_iter(layout.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double top = origin + static_cast<double>(logical.y) / PANGO_SCALE;
      double height = static_cast<double>(logical.height) / PANGO_SCALE;
      if (top + height > kPageHeight - kMargin - kFooterSpace && top > kMargin + 1) {
        new_page();
        origin = kMargin - static_cast<double>(logical.y) / PANGO_SCALE;
      }
      double baseline = origin + static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE, baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = origin + static_cast<double>(logical.y + logical.height) / PANGO_SCALE;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ += after;
  }

  void finish() { draw_footer(); }

 private:
  void new_page() {
    draw_footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  void draw_footer() {
    std::unique_ptr<PangoLayout, decltype(&g_object_unref)> layout(pango_cairo_create_layout(cr_),
                                                                   g_object_unref);
    std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> fd(
        pango_font_description_from_string("DejaVu Sans 8"), pango_font_description_free);
    pango_layout_set_font_description(layout.get(), fd.get());
    std::string text = valid_utf8(footer_) + "  ·  " + std::to_string(page_);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin);
    pango_cairo_show_layout(cr_, layout.get());
  }

  cairo_t* cr_;
  std::string footer_;
  double y_ = kMargin;
  int page_ = 1;
};

}  // namespace

std::string render_pdf(const Document& doc) {
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(append, &out, kPageWidth, kPageHeight);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  {
    Writer w(cr, doc.footer);
    w.block(doc.title, "DejaVu Sans Bold 16", 4);
    if (!doc.subtitle.empty()) w.block(doc.subtitle, "DejaVu Sans 10", 14);
    for (const auto& s : doc.sections) {
      w.block(s.heading, "DejaVu Sans Bold 11.5", 4);
      w.block(s.text, "DejaVu Sans 10.5", 12);
    }
    w.finish();
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    throw Error(ErrorKind::internal, N_("Something went wrong."),
                std::string("cairo: ") + cairo_status_to_string(status));
  }
  return out;
}

}  // namespace dime::documents
