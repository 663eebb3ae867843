#include "io/report_text.h"

#include <cctype>

namespace critgraph::io::report {

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Dot(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Wrap(std::string_view text, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  return out + line;
}

std::string IdOf(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    out += std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '-';
  }
  return out;
}

std::string InlineSvg(std::string_view svg, std::string_view css_class) {
  size_t at = svg.find("<svg");
  if (at == std::string_view::npos) return "";
  std::string out(svg.substr(at));
  out.replace(0, 4, "<svg class=\"" + std::string(css_class) + "\"");
  return out;
}

}  // namespace critgraph::io::report
