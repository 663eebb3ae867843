// The one formatter of each text output for property values, names, nodes
// and edges, over element views (critgraph/snapshot.h: NodeView, EdgeView,
// PropertyView). The exporters call it on the stored records' views; the
// Node/Edge helpers (json_out.h, change_stream.h, csv.h) make views of their
// values (ElementViews) and call it too, so both write the same bytes.
// Internal to io/.
#ifndef CRITGRAPH_IO_EXPORT_VIEW_H_
#define CRITGRAPH_IO_EXPORT_VIEW_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "critgraph/io/change_stream.h"
#include "critgraph/io/csv.h"
#include "critgraph/snapshot.h"
#include "critgraph/types.h"

namespace critgraph::io {

// Room for the text of any scalar: int64 (20 characters), the shortest
// round-trip double (24) with ".0", "false". On the stack, so formatting a
// number allocates nothing.
struct ScalarBuffer {
  char data[32];
};
// FormatDouble's text, in *buf (or a constant for the non-finite values,
// which are never stored: values are validated finite).
std::string_view DoubleText(double d, ScalarBuffer* buf);
// An int64, double or bool (v.index 1-3) as every output writes it.
std::string_view ScalarText(const PropertyView& v, ScalarBuffer* buf);

// PropertyText(v), appended.
void AppendPropertyText(std::string* out, const PropertyView& v);
// The value as JSON (AppendJsonValue of the PropertyValue).
void AppendJsonValue(std::string* out, const PropertyView& v);
// {"name":value,...} in the span's order (AppendProps of the Properties).
void AppendJsonProps(std::string* out, absl::Span<const PropertyView> props);

// {"lang":"text",...} of a Names map or a NodeView's names, in their order
// (both are sorted by tag).
template <typename NameList>
void AppendJsonNames(std::string* out, const NameList& names) {
  out->push_back('{');
  bool first = true;
  for (const auto& [lang, text] : names) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, lang);
    out->push_back(':');
    AppendJsonString(out, text);
  }
  out->push_back('}');
}

// The members of a node's or an edge's JSON object, without the braces:
// "key","kind","names","props" and "from","type","to"(,"props"), in that
// order. AppendNode/AppendEdge and the change-stream lines wrap them.
void AppendNodeFields(std::string* out, const NodeView& node);
void AppendEdgeFields(std::string* out, const EdgeView& edge);
void AppendEdgeIdFields(std::string* out, const EdgeView& edge);  // no props

// The change-stream line (ToChangeLine) of a node, an edge or an edge's
// deletion (which has no props), appended, without the line end.
void AppendNodeChangeLine(std::string* out, const NodeView& node);
void AppendEdgeChangeLine(std::string* out, const EdgeView& edge);
void AppendDeleteEdgeChangeLine(std::string* out, const EdgeView& edge);

// The display name among a Names map or a NodeView's names: "en", else
// "ja", else the first, else "".
template <typename NameList>
std::string_view DisplayNameOf(const NameList& names) {
  for (std::string_view want : {"en", "ja"}) {
    for (const auto& [lang, text] : names) {
      if (lang == want) return text;
    }
  }
  if (names.empty()) return {};
  [[maybe_unused]] const auto& [lang, text] = *names.begin();
  return text;
}
inline std::string_view DisplayName(const NodeView& node) {
  return DisplayNameOf(node.names);
}

inline CsvType CsvTypeOf(const PropertyView& v) {
  return static_cast<CsvType>(v.index);
}
// A value's CSV cell before quoting, and whether it must be quoted even if
// plain: the empty string and the empty list would read back as absent.
struct CsvCell {
  std::string_view text;
  bool force_quote = false;
};
// The text points into v, *scalar (numbers, booleans) or *list (lists).
CsvCell CsvCellOf(const PropertyView& v, ScalarBuffer* scalar,
                  std::string* list);
// The value's CSV cell, quoted as needed, appended.
void AppendCsvValue(std::string* out, const PropertyView& v);
// The text of a string[] cell (before CSV quoting): items joined by ';',
// with ';' and '\' escaped; "\e" for the one empty item; "" for no items.
template <typename Items>
std::string CsvListText(const Items& list) {
  if (list.size() == 1 && list.begin()->empty()) return "\\e";
  std::string out;
  bool first = true;
  for (const auto& item : list) {
    if (!first) out.push_back(';');
    first = false;
    for (char c : item) {
      if (c == ';' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

// Rows (lines) are appended to one buffer and written in blocks: an
// ostream call per row costs more than formatting it.
class BlockWriter {
 public:
  explicit BlockWriter(std::ostream* out) : out_(out) {}
  std::string* buffer() { return &buffer_; }
  // Ends the row; writes the buffer once it holds a block.
  void EndRow() {
    buffer_.push_back('\n');
    if (buffer_.size() >= kBlock) Flush();
  }
  void Flush() {
    out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 16;
  std::ostream* out_;
  std::string buffer_;
};

// Views of materialised values, for the --list exports (a Node or an Edge
// read by key) and the Node/Edge helpers: the views point into the value
// and into this object's buffers, valid until the next call or the value
// changes. Scalars and strings need no buffer.
class ElementViews {
 public:
  NodeView Of(const Node& node);
  EdgeView Of(const Edge& edge);
  absl::Span<const PropertyView> Of(const Properties& props);
  PropertyView Of(const PropertyValue& value);

  std::vector<NameView> names_;
  std::vector<PropertyView> props_;
  std::vector<std::string_view> items_;
};

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_EXPORT_VIEW_H_
