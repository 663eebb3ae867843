#include "storage/record.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "edge_generated.h"
#include "flatbuffers/flatbuffers.h"
#include "node_generated.h"
#include "revision_generated.h"
#include "storage/validate.h"
#include "util/hash.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

// Records are at most kMaxRecordBytes plus overhead; these bounds keep a
// damaged record from making the verifier walk far.
constexpr flatbuffers::uoffset_t kMaxDepth = 16;
constexpr flatbuffers::uoffset_t kMaxTables = 1 << 20;

// FlatBuffers reads scalars in place and needs them aligned; RocksDB values
// come at any address. A misaligned record is copied into an aligned,
// per-thread buffer before it is verified and read.
class Aligned {
 public:
  explicit Aligned(std::string_view bytes) : view_(bytes) {
    if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) != 0) {
      thread_local std::vector<uint64_t> buffer;
      buffer.resize(bytes.size() / sizeof(uint64_t) + 1);
      std::memcpy(buffer.data(), bytes.data(), bytes.size());
      view_ = std::string_view(reinterpret_cast<const char*>(buffer.data()),
                               bytes.size());
    }
  }
  std::string_view view() const { return view_; }

 private:
  std::string_view view_;
};

template <typename T>
flatbuffers::Verifier MakeVerifier(std::string_view bytes) {
  return flatbuffers::Verifier(reinterpret_cast<const uint8_t*>(bytes.data()),
                               bytes.size(), kMaxDepth, kMaxTables);
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Property>>>
BuildProps(flatbuffers::FlatBufferBuilder& b, const Properties& props) {
  std::vector<flatbuffers::Offset<fb::Property>> out;
  out.reserve(props.size());
  for (const auto& [name, value] : props) {
    auto n = b.CreateString(name);
    flatbuffers::Offset<flatbuffers::String> s;
    flatbuffers::Offset<
        flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>
        l;
    if (auto* v = std::get_if<std::string>(&value)) s = b.CreateString(*v);
    if (auto* v = std::get_if<std::vector<std::string>>(&value)) {
      l = b.CreateVectorOfStrings(*v);
    }
    fb::PropertyBuilder pb(b);
    pb.add_name(n);
    switch (value.index()) {
      case 0:
        pb.add_type(fb::PropertyType::String);
        pb.add_s(s);
        break;
      case 1:
        pb.add_type(fb::PropertyType::Int64);
        pb.add_i(std::get<int64_t>(value));
        break;
      case 2:
        pb.add_type(fb::PropertyType::Double);
        // Explicit, not left to FlatBuffers' elision of the default 0.0.
        pb.add_d(CanonicalDouble(std::get<double>(value)));
        break;
      case 3:
        pb.add_type(fb::PropertyType::Bool);
        pb.add_b(std::get<bool>(value));
        break;
      case 4:
        pb.add_type(fb::PropertyType::StringList);
        pb.add_list(l);
        break;
    }
    out.push_back(pb.Finish());
  }
  return b.CreateVector(out);
}

absl::StatusOr<Properties> ReadProps(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Property>>* v) {
  Properties props;
  if (v == nullptr) return props;
  for (const fb::Property* p : *v) {
    std::string name = p->name()->str();
    switch (p->type()) {
      case fb::PropertyType::String:
        props[name] = p->s() ? p->s()->str() : std::string();
        break;
      case fb::PropertyType::Int64:
        props[name] = static_cast<int64_t>(p->i());
        break;
      case fb::PropertyType::Double:
        props[name] = p->d();
        break;
      case fb::PropertyType::Bool:
        props[name] = p->b();
        break;
      case fb::PropertyType::StringList: {
        std::vector<std::string> list;
        if (p->list()) {
          for (const auto* s : *p->list()) list.push_back(s->str());
        }
        props[name] = std::move(list);
        break;
      }
      default:
        return absl::DataLossError("property '" + name +
                                   "' has an unknown type " +
                                   std::to_string(static_cast<int>(p->type())));
    }
  }
  return props;
}

std::string Finish(flatbuffers::FlatBufferBuilder& b) {
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()),
                     b.GetSize());
}

// Canonical encoding helpers: length-prefixed strings, fixed-width numbers.
void PutStr(std::string* out, std::string_view s) {
  PutBE64(out, s.size());
  out->append(s);
}

void PutProps(std::string* out, const Properties& props) {
  PutBE64(out, props.size());
  for (const auto& [name, value] : props) {
    PutStr(out, name);
    out->push_back(static_cast<char>(value.index()));
    switch (value.index()) {
      case 0:
        PutStr(out, std::get<std::string>(value));
        break;
      case 1:
        PutBE64(out, static_cast<uint64_t>(std::get<int64_t>(value)));
        break;
      case 2: {
        PutBE64(out, std::bit_cast<uint64_t>(
                         CanonicalDouble(std::get<double>(value))));
        break;
      }
      case 3:
        out->push_back(std::get<bool>(value) ? 1 : 0);
        break;
      case 4: {
        const auto& l = std::get<std::vector<std::string>>(value);
        PutBE64(out, l.size());
        for (const auto& s : l) PutStr(out, s);
        break;
      }
    }
  }
}

}  // namespace

std::string EncodeNodeRecord(std::string_view key, TypeId kind,
                             const Names& names, const Properties& props) {
  flatbuffers::FlatBufferBuilder b(256);
  auto k = b.CreateString(key.data(), key.size());
  std::vector<flatbuffers::Offset<fb::LocalizedName>> ns;
  for (const auto& [lang, text] : names) {
    ns.push_back(
        fb::CreateLocalizedName(b, b.CreateString(lang), b.CreateString(text)));
  }
  auto nv = b.CreateVector(ns);
  auto pv = BuildProps(b, props);
  b.Finish(fb::CreateNodeRecord(b, k, kind, nv, pv),
           fb::NodeRecordIdentifier());
  return Finish(b);
}

absl::StatusOr<NodeRecordData> DecodeNodeRecord(std::string_view raw) {
  const Aligned aligned(raw);
  const std::string_view bytes = aligned.view();
  auto v = MakeVerifier<fb::NodeRecord>(bytes);
  if (!fb::VerifyNodeRecordBuffer(v)) {
    return absl::DataLossError("node record fails verification");
  }
  const fb::NodeRecord* r = fb::GetNodeRecord(bytes.data());
  NodeRecordData out;
  out.key = r->key()->str();
  out.kind = r->kind();
  if (r->names()) {
    for (const auto* n : *r->names()) {
      out.names[n->lang()->str()] = n->text()->str();
    }
  }
  auto props = ReadProps(r->props());
  if (!props.ok()) return props.status();
  out.props = *std::move(props);
  return out;
}

absl::StatusOr<TypeId> DecodeNodeKind(std::string_view raw) {
  const Aligned aligned(raw);
  const std::string_view bytes = aligned.view();
  auto v = MakeVerifier<fb::NodeRecord>(bytes);
  if (!fb::VerifyNodeRecordBuffer(v)) {
    return absl::DataLossError("node record fails verification");
  }
  return fb::GetNodeRecord(bytes.data())->kind();
}

std::string EncodeEdgeRecord(const Properties& props) {
  flatbuffers::FlatBufferBuilder b(64);
  auto pv = BuildProps(b, props);
  b.Finish(fb::CreateEdgeRecord(b, pv), fb::EdgeRecordIdentifier());
  return Finish(b);
}

bool VerifyEdgeRecord(std::string_view raw) {
  const Aligned aligned(raw);
  const std::string_view bytes = aligned.view();
  auto v = MakeVerifier<fb::EdgeRecord>(bytes);
  return fb::VerifyEdgeRecordBuffer(v);
}

absl::StatusOr<Properties> DecodeEdgeRecord(std::string_view raw) {
  const Aligned aligned(raw);
  const std::string_view bytes = aligned.view();
  if (!VerifyEdgeRecord(bytes)) {
    return absl::DataLossError("edge record fails verification");
  }
  return ReadProps(fb::GetEdgeRecord(bytes.data())->props());
}

namespace {

std::string_view View(const flatbuffers::String* s) {
  return s == nullptr ? std::string_view()
                      : std::string_view(s->c_str(), s->size());
}

// Leaves `v` sorted by name with each name once, the last of equal names
// kept: what inserting the entries in order into a std::map with
// operator[] leaves (ReadProps, DecodeNodeRecord). Records are written
// sorted, so this is normally one comparison per entry.
template <typename T, typename NameOf>
void SortLikeMap(std::vector<T>* v, NameOf name_of) {
  auto less = [&](const T& a, const T& b) { return name_of(a) < name_of(b); };
  if (std::adjacent_find(v->begin(), v->end(), [&](const T& a, const T& b) {
        return !less(a, b);
      }) == v->end()) {
    return;
  }
  std::stable_sort(v->begin(), v->end(), less);
  size_t out = 0;
  for (size_t i = 0; i < v->size(); ++i) {
    if (i + 1 < v->size() && name_of((*v)[i]) == name_of((*v)[i + 1])) {
      continue;
    }
    (*v)[out++] = (*v)[i];
  }
  v->resize(out);
}

// As ReadProps, into views: (*props) and the list items in (*items).
absl::Status ReadPropViews(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Property>>* v,
    std::vector<PropertyView>* props, std::vector<std::string_view>* items) {
  props->clear();
  items->clear();
  if (v == nullptr) return absl::OkStatus();
  // Every list's items go to one vector, reserved first so that the spans
  // into it stay valid while it fills.
  size_t item_count = 0;
  for (const fb::Property* p : *v) {
    if (p->type() == fb::PropertyType::StringList && p->list()) {
      item_count += p->list()->size();
    }
  }
  items->reserve(item_count);
  for (const fb::Property* p : *v) {
    PropertyView& out = props->emplace_back();
    out.name = View(p->name());
    out.index = static_cast<uint8_t>(p->type());
    switch (p->type()) {
      case fb::PropertyType::String:
        out.s = View(p->s());
        break;
      case fb::PropertyType::Int64:
        out.i = p->i();
        break;
      case fb::PropertyType::Double:
        out.d = p->d();
        break;
      case fb::PropertyType::Bool:
        out.b = p->b();
        break;
      case fb::PropertyType::StringList: {
        const size_t first = items->size();
        if (p->list()) {
          for (const auto* s : *p->list()) items->push_back(View(s));
        }
        out.list =
            absl::MakeConstSpan(items->data() + first, items->size() - first);
        break;
      }
      default:
        return absl::DataLossError(StrCat("property '", out.name,
                                          "' has an unknown type ",
                                          static_cast<int>(p->type())));
    }
  }
  SortLikeMap(props, [](const PropertyView& p) { return p.name; });
  return absl::OkStatus();
}

}  // namespace

std::string_view ViewDecoder::Align(std::string_view raw) {
  if (reinterpret_cast<uintptr_t>(raw.data()) % alignof(uint64_t) == 0) {
    return raw;
  }
  // Not the thread-local buffer of Aligned: a callback holding these views
  // may decode other records on the same thread.
  aligned_.resize(raw.size() / sizeof(uint64_t) + 1);
  std::memcpy(aligned_.data(), raw.data(), raw.size());
  return std::string_view(reinterpret_cast<const char*>(aligned_.data()),
                          raw.size());
}

absl::StatusOr<ViewDecoder::NodeParts> ViewDecoder::DecodeNode(
    std::string_view raw) {
  const std::string_view bytes = Align(raw);
  auto v = MakeVerifier<fb::NodeRecord>(bytes);
  if (!fb::VerifyNodeRecordBuffer(v)) {
    return absl::DataLossError("node record fails verification");
  }
  const fb::NodeRecord* r = fb::GetNodeRecord(bytes.data());
  names_.clear();
  if (r->names()) {
    for (const auto* n : *r->names()) {
      names_.push_back({View(n->lang()), View(n->text())});
    }
  }
  SortLikeMap(&names_, [](const NameView& n) { return n.lang; });
  RETURN_IF_ERROR(ReadPropViews(r->props(), &props_, &items_));
  return NodeParts{View(r->key()), r->kind(), names_, props_};
}

absl::StatusOr<absl::Span<const PropertyView>> ViewDecoder::DecodeEdge(
    std::string_view raw) {
  const std::string_view bytes = Align(raw);
  auto v = MakeVerifier<fb::EdgeRecord>(bytes);
  if (!fb::VerifyEdgeRecordBuffer(v)) {
    return absl::DataLossError("edge record fails verification");
  }
  RETURN_IF_ERROR(ReadPropViews(fb::GetEdgeRecord(bytes.data())->props(),
                                &props_, &items_));
  return absl::Span<const PropertyView>(props_);
}

namespace {

flatbuffers::Offset<flatbuffers::Vector<const fb::TypeCount*>> PutTypeCounts(
    flatbuffers::FlatBufferBuilder& b, const TypeCounts& counts) {
  std::vector<fb::TypeCount> v;
  v.reserve(counts.size());
  for (const auto& [type, n] : counts) v.emplace_back(type, n);
  return b.CreateVectorOfStructs(v);
}

flatbuffers::Offset<flatbuffers::Vector<const fb::TypeChanges*>> PutTypeChanges(
    flatbuffers::FlatBufferBuilder& b, const TypeChanges& changes) {
  std::vector<fb::TypeChanges> v;
  v.reserve(changes.size());
  for (const auto& [type, c] : changes) {
    v.emplace_back(type, c.added, c.removed, c.modified);
  }
  return b.CreateVectorOfStructs(v);
}

TypeChanges GetTypeChanges(
    const flatbuffers::Vector<const fb::TypeChanges*>& v) {
  TypeChanges out;
  out.reserve(v.size());
  for (const fb::TypeChanges* c : v) {
    out.emplace_back(c->type(),
                     ChangeCounts{c->added(), c->removed(), c->modified()});
  }
  return out;
}

TypeCounts GetTypeCounts(const flatbuffers::Vector<const fb::TypeCount*>& v) {
  TypeCounts out;
  out.reserve(v.size());
  for (const fb::TypeCount* c : v) out.emplace_back(c->type(), c->count());
  return out;
}

}  // namespace

std::string EncodeRevisionRecord(const RevisionInfo& info,
                                 const RevisionTypeCounts* counts) {
  flatbuffers::FlatBufferBuilder b(256);
  flatbuffers::Offset<flatbuffers::Vector<const fb::TypeCount*>> kinds, types;
  flatbuffers::Offset<flatbuffers::Vector<const fb::TypeChanges*>> kind_changes,
      type_changes;
  if (counts != nullptr) {
    kinds = PutTypeCounts(b, counts->nodes_by_kind);
    types = PutTypeCounts(b, counts->edges_by_type);
    if (counts->node_changes && counts->edge_changes) {
      kind_changes = PutTypeChanges(b, *counts->node_changes);
      type_changes = PutTypeChanges(b, *counts->edge_changes);
    }
  }
  auto author = b.CreateString(info.author);
  auto message = b.CreateString(info.message);
  flatbuffers::Offset<flatbuffers::String> eff;
  if (info.effective_date) eff = b.CreateString(*info.effective_date);
  fb::RevisionRecordBuilder rb(b);
  rb.add_number(info.number);
  rb.add_parent(info.parent);
  rb.add_commit_time_micros(info.commit_time_micros);
  rb.add_author(author);
  rb.add_message(message);
  if (info.effective_date) rb.add_effective_date(eff);
  rb.add_digest_hi(info.digest.hi);
  rb.add_digest_lo(info.digest.lo);
  rb.add_node_count(info.node_count);
  rb.add_edge_count(info.edge_count);
  rb.add_change_count(info.change_count);
  if (counts != nullptr) {
    rb.add_kind_counts(kinds);
    rb.add_edge_type_counts(types);
    if (!kind_changes.IsNull()) {
      rb.add_kind_changes(kind_changes);
      rb.add_edge_type_changes(type_changes);
    }
  }
  b.Finish(rb.Finish(), fb::RevisionRecordIdentifier());
  return Finish(b);
}

// Same verify-then-get prologue as DecodeNodeRecord: flatbuffers generates
// a separate Verify/Get pair per table and the error names the record.
absl::StatusOr<RevisionInfo> DecodeRevisionRecord(
    std::string_view raw, std::optional<RevisionTypeCounts>* counts) {
  const Aligned aligned(raw);
  const std::string_view bytes = aligned.view();
  auto v = MakeVerifier<fb::RevisionRecord>(bytes);
  if (!fb::VerifyRevisionRecordBuffer(v)) {
    return absl::DataLossError("revision record fails verification");
  }
  const fb::RevisionRecord* r = fb::GetRevisionRecord(bytes.data());
  RevisionInfo info;
  info.number = r->number();
  info.parent = r->parent();
  info.commit_time_micros = r->commit_time_micros();
  if (r->author()) info.author = r->author()->str();
  if (r->message()) info.message = r->message()->str();
  if (r->effective_date()) info.effective_date = r->effective_date()->str();
  info.digest = Digest{r->digest_hi(), r->digest_lo()};
  info.node_count = r->node_count();
  info.edge_count = r->edge_count();
  info.change_count = r->change_count();
  if (counts != nullptr) {
    counts->reset();
    if (r->kind_counts() != nullptr && r->edge_type_counts() != nullptr) {
      *counts = RevisionTypeCounts{GetTypeCounts(*r->kind_counts()),
                                   GetTypeCounts(*r->edge_type_counts())};
      if (r->kind_changes() != nullptr && r->edge_type_changes() != nullptr) {
        (*counts)->node_changes = GetTypeChanges(*r->kind_changes());
        (*counts)->edge_changes = GetTypeChanges(*r->edge_type_changes());
      }
    } else if (info.number == 0) {
      *counts = RevisionTypeCounts{};  // the root is empty in every format
    }
    if (info.number == 0 && *counts) {
      (*counts)->node_changes.emplace();  // the root changes nothing
      (*counts)->edge_changes.emplace();
    }
  }
  return info;
}

absl::Status ResolveTypeCounts(const RevisionTypeCounts& counts,
                               const Registry& registry, RevisionInfo* info) {
  for (auto [stored, out] :
       {std::pair{&counts.nodes_by_kind, &info->nodes_by_kind},
        std::pair{&counts.edges_by_type, &info->edges_by_type}}) {
    out->emplace();
    for (const auto& [type, n] : *stored) {
      const std::string* name = registry.Name(type);
      if (name == nullptr) {
        return absl::DataLossError(
            StrCat("revision ", info->number,
                   ": stored counts name unknown type id ", type));
      }
      (**out)[*name] = n;
    }
  }
  if (!counts.node_changes || !counts.edge_changes) return absl::OkStatus();
  for (auto [stored, out] :
       {std::pair{&*counts.node_changes, &info->nodes_changed_by_kind},
        std::pair{&*counts.edge_changes, &info->edges_changed_by_type}}) {
    out->emplace();
    for (const auto& [type, c] : *stored) {
      const std::string* name = registry.Name(type);
      if (name == nullptr) {
        return absl::DataLossError(
            StrCat("revision ", info->number,
                   ": stored changes name unknown type id ", type));
      }
      (**out)[*name] = c;
    }
  }
  return absl::OkStatus();
}

std::string CanonicalNode(const Node& node) {
  std::string out = "N";
  PutStr(&out, node.key);
  PutStr(&out, node.kind);
  PutBE64(&out, node.names.size());
  for (const auto& [lang, text] : node.names) {
    PutStr(&out, lang);
    PutStr(&out, text);
  }
  PutProps(&out, node.props);
  return out;
}

std::string CanonicalEdge(const Edge& edge) {
  std::string out = "E";
  PutStr(&out, edge.from);
  PutStr(&out, edge.type);
  PutStr(&out, edge.to);
  PutProps(&out, edge.props);
  return out;
}

Digest NodeDigest(const Node& node) {
  return StableHash128(CanonicalNode(node));
}
Digest EdgeDigest(const Edge& edge) {
  return StableHash128(CanonicalEdge(edge));
}

}  // namespace critgraph::storage

// The public views' conversions (critgraph/snapshot.h) live with their
// decoder.
namespace critgraph {

PropertyValue PropertyView::ToValue() const {
  switch (index) {
    case 0:
      return std::string(s);
    case 1:
      return i;
    case 2:
      return d;
    case 3:
      return b;
    default:
      return std::vector<std::string>(list.begin(), list.end());
  }
}

namespace {

Properties ToProperties(absl::Span<const PropertyView> props) {
  Properties out;
  for (const PropertyView& p : props) {
    out.emplace_hint(out.end(), std::string(p.name), p.ToValue());
  }
  return out;
}

}  // namespace

Node NodeView::ToNode() const {
  Node node{std::string(key), std::string(kind), {}, ToProperties(props)};
  for (const NameView& n : names) {
    node.names.emplace_hint(node.names.end(), std::string(n.lang),
                            std::string(n.text));
  }
  return node;
}

Edge EdgeView::ToEdge() const {
  return Edge{std::string(from), std::string(type), std::string(to),
              ToProperties(props)};
}

}  // namespace critgraph
