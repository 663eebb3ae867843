// What the exporters write for an element view (critgraph/snapshot.h:
// NodeView, EdgeView, PropertyView): byte for byte what the Node/Edge
// helpers (json_out.h, change_stream.h, csv.h) write for the same element,
// without building a Node/Edge first. Internal to io/.
#ifndef CRITGRAPH_IO_EXPORT_VIEW_H_
#define CRITGRAPH_IO_EXPORT_VIEW_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "critgraph/io/csv.h"
#include "critgraph/snapshot.h"
#include "critgraph/types.h"

namespace critgraph::io {

// PropertyText(v), appended.
void AppendPropertyText(std::string* out, const PropertyView& v);
// AppendJsonValue(out, v).
void AppendJsonValue(std::string* out, const PropertyView& v);
// AppendProps(out, props): {"name":value,...}.
void AppendJsonProps(std::string* out, absl::Span<const PropertyView> props);
// The change-stream line of a node or an edge (ToChangeLine of a kNode /
// kEdge ChangeOp), appended, without the line end.
void AppendNodeChangeLine(std::string* out, const NodeView& node);
void AppendEdgeChangeLine(std::string* out, const EdgeView& edge);
// DisplayName(node).
std::string_view DisplayName(const NodeView& node);

inline CsvType CsvTypeOf(const PropertyView& v) {
  return static_cast<CsvType>(v.index);
}
// The value's CSV cell (EncodeCsvValue, then AppendCsvField), appended.
void AppendCsvValue(std::string* out, const PropertyView& v);
// The text of a string[] cell (before CSV quoting): items joined by ';',
// with ';' and '\' escaped; "\e" for the one empty item. Empty lists are
// the caller's: they are written as a quoted empty cell.
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

// Views of materialised elements, for the --list exports (a Node or an Edge
// read by key): the views point into the element and into this object's
// buffers, valid until the next call or the element changes.
class ElementViews {
 public:
  NodeView Of(const Node& node);
  EdgeView Of(const Edge& edge);

 private:
  absl::Span<const PropertyView> Props(const Properties& props);

  std::vector<NameView> names_;
  std::vector<PropertyView> props_;
  std::vector<std::string_view> items_;
};

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_EXPORT_VIEW_H_
