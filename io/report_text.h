// Escaping and small text helpers for the report writers.
#ifndef CRITGRAPH_IO_REPORT_TEXT_H_
#define CRITGRAPH_IO_REPORT_TEXT_H_

#include <string>
#include <string_view>

namespace critgraph::io::report {

// The fonts every picture and the page ask for: Latin text in Noto Sans /
// DejaVu, Japanese and Chinese in Noto Sans CJK (fonts-noto-cjk on Debian).
inline constexpr char kFontFamily[] =
    "Noto Sans CJK JP, Noto Sans, DejaVu Sans, sans-serif";
// Graphviz measures labels with one font (pango, fontconfig fallback).
inline constexpr char kGraphvizFont[] = "Noto Sans CJK JP";

// &, <, >, " and ' as entities.
std::string Html(std::string_view text);
// A DOT double-quoted string's body: " and \ escaped, newlines as \n.
std::string Dot(std::string_view text);
// `text` broken into lines of at most about `width` characters at spaces.
std::string Wrap(std::string_view text, size_t width);
// Characters a node key may not use in an id: replaced by '-'.
std::string IdOf(std::string_view key);
// The SVG element of a Graphviz SVG document (no XML prolog or doctype),
// scaled to its container's width.
std::string InlineSvg(std::string_view svg, std::string_view css_class);

}  // namespace critgraph::io::report

#endif  // CRITGRAPH_IO_REPORT_TEXT_H_
