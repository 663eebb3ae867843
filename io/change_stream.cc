#include "critgraph/io/change_stream.h"

#include <cstdio>

#include "critgraph/io/json_out.h"
#include "io/export_view.h"
#include "simdjson.h"
#include "storage/validate.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace critgraph::io {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::string_view Sv(std::string_view s) { return s; }

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

// Same switch shape as CsvTypeName and GraphmlType, but over simdjson's
// element types: these words are for error messages, not a file format.
const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

absl::StatusOr<std::string> GetString(const object& obj, std::string_view op,
                                      std::string_view field, bool required) {
  element e;
  if (obj.at_key(field).get(e) != simdjson::SUCCESS) {
    if (required) {
      return Bad(StrCat("\"", op, "\" op is missing field \"", field, "\""));
    }
    return std::string();
  }
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return Bad(StrCat("field \"", field, "\" of \"", op,
                      "\" must be a string, not ", TypeName(e.type())));
  }
  if (!storage::IsValidUtf8(s)) {
    return Bad(StrCat("field \"", field, "\" is not valid UTF-8"));
  }
  return std::string(s);
}

absl::Status CheckFields(const object& obj, std::string_view op,
                         std::initializer_list<std::string_view> allowed) {
  for (auto field : obj) {
    std::string_view k = field.key;
    bool ok = k == "op";
    for (auto a : allowed) ok = ok || k == a;
    if (!ok) return Bad(StrCat("unknown field \"", k, "\" in \"", op, "\" op"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Properties> GetProps(const object& obj, std::string_view op) {
  Properties props;
  element e;
  if (obj.at_key("props").get(e) != simdjson::SUCCESS) return props;
  object p;
  if (e.get_object().get(p) != simdjson::SUCCESS) {
    return Bad(StrCat("\"props\" of \"", op, "\" must be an object, not ",
                      TypeName(e.type())));
  }
  for (auto field : p) {
    std::string name(field.key);
    if (!storage::IsValidUtf8(name)) {
      return Bad("property name is not valid UTF-8");
    }
    element v = field.value;
    switch (v.type()) {
      case element_type::STRING: {
        std::string_view s = v.get_string().value_unsafe();
        if (!storage::IsValidUtf8(s)) {
          return Bad(StrCat("property \"", name, "\" is not valid UTF-8"));
        }
        props[name] = std::string(s);
        break;
      }
      case element_type::INT64:
        props[name] = v.get_int64().value_unsafe();
        break;
      case element_type::UINT64:
        return Bad(StrCat("property \"", name, "\" does not fit in int64"));
      case element_type::DOUBLE:
        props[name] = v.get_double().value_unsafe();
        break;
      case element_type::BOOL:
        props[name] = v.get_bool().value_unsafe();
        break;
      case element_type::ARRAY: {
        std::vector<std::string> list;
        simdjson::dom::array items = v.get_array().value_unsafe();
        for (element item : items) {
          std::string_view s;
          if (item.get_string().get(s) != simdjson::SUCCESS) {
            return Bad(StrCat("property \"", name,
                              "\": arrays may hold only strings, found ",
                              TypeName(item.type())));
          }
          if (!storage::IsValidUtf8(s)) {
            return Bad(StrCat("property \"", name, "\" is not valid UTF-8"));
          }
          list.emplace_back(s);
        }
        props[name] = std::move(list);
        break;
      }
      default:
        return Bad(StrCat("property \"", name, "\" is ", TypeName(v.type()),
                          "; allowed: string, integer, number, boolean, array "
                          "of strings"));
    }
  }
  return props;
}

absl::StatusOr<Names> GetNames(const object& obj) {
  Names names;
  element e;
  if (obj.at_key("names").get(e) != simdjson::SUCCESS) return names;
  object n;
  if (e.get_object().get(n) != simdjson::SUCCESS) {
    return Bad(
        StrCat("\"names\" must be an object of language tag to text, not ",
               TypeName(e.type())));
  }
  for (auto field : n) {
    std::string_view text;
    if (field.value.get_string().get(text) != simdjson::SUCCESS) {
      return Bad(StrCat("name \"", Sv(field.key), "\" must be a string"));
    }
    if (!storage::IsValidUtf8(text) || !storage::IsValidUtf8(field.key)) {
      return Bad(StrCat("name \"", Sv(field.key), "\" is not valid UTF-8"));
    }
    names[std::string(field.key)] = std::string(text);
  }
  return names;
}

}  // namespace

void AppendJsonValue(std::string* out, const PropertyValue& v) {
  ElementViews views;
  AppendJsonValue(out, views.Of(v));
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    // One case per short escape JSON defines (other control bytes get a
    // numeric escape below), so the cases differ only in the text they emit.
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

absl::StatusOr<ChangeOp> ParseChangeLine(std::string_view line) {
  if (line.size() > kMaxChangeLineBytes) {
    return Bad(StrCat("line is ", line.size(), " bytes; the maximum is ",
                      kMaxChangeLineBytes));
  }
  if (!storage::IsValidUtf8(line)) return Bad("line is not valid UTF-8");
  // One parser per thread: its buffers are reused across lines.
  thread_local simdjson::dom::parser parser;
  element doc;
  auto err = parser.parse(line.data(), line.size()).get(doc);
  if (err != simdjson::SUCCESS) {
    return Bad(StrCat("malformed JSON: ", simdjson::error_message(err)));
  }
  object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return Bad(StrCat("expected a JSON object, found ", TypeName(doc.type())));
  }
  auto op = GetString(obj, "?", "op", true);
  if (!op.ok()) return Bad("missing \"op\" field (a string)");
  ChangeOp out;
  if (*op == "node") {
    if (auto st = CheckFields(obj, *op, {"key", "kind", "names", "props"});
        !st.ok()) {
      return st;
    }
    out.kind = ChangeOp::Kind::kNode;
    auto key = GetString(obj, *op, "key", true);
    if (!key.ok()) return key.status();
    auto kind = GetString(obj, *op, "kind", true);
    if (!kind.ok()) return kind.status();
    auto names = GetNames(obj);
    if (!names.ok()) return names.status();
    auto props = GetProps(obj, *op);
    if (!props.ok()) return props.status();
    out.node = Node{*std::move(key), *std::move(kind), *std::move(names),
                    *std::move(props)};
  } else if (*op == "edge" || *op == "del_edge") {
    const bool del = *op == "del_edge";
    auto st = del ? CheckFields(obj, *op, {"from", "type", "to"})
                  : CheckFields(obj, *op, {"from", "type", "to", "props"});
    if (!st.ok()) return st;
    out.kind = del ? ChangeOp::Kind::kDeleteEdge : ChangeOp::Kind::kEdge;
    for (auto [field, dst] :
         {std::pair{"from", &out.edge.from}, std::pair{"type", &out.edge.type},
          std::pair{"to", &out.edge.to}}) {
      auto v = GetString(obj, *op, field, true);
      if (!v.ok()) return v.status();
      *dst = *std::move(v);
    }
    if (!del) {
      auto props = GetProps(obj, *op);
      if (!props.ok()) return props.status();
      out.edge.props = *std::move(props);
    }
  } else if (*op == "del_node") {
    if (auto st = CheckFields(obj, *op, {"key"}); !st.ok()) return st;
    out.kind = ChangeOp::Kind::kDeleteNode;
    auto key = GetString(obj, *op, "key", true);
    if (!key.ok()) return key.status();
    out.key = *std::move(key);
  } else if (*op == "commit") {
    if (auto st =
            CheckFields(obj, *op, {"message", "tag", "effective", "author"});
        !st.ok()) {
      return st;
    }
    out.kind = ChangeOp::Kind::kCommit;
    auto message = GetString(obj, *op, "message", false);
    if (!message.ok()) return message.status();
    auto author = GetString(obj, *op, "author", false);
    if (!author.ok()) return author.status();
    out.commit.message = *std::move(message);
    out.commit.author = *std::move(author);
    element e;
    if (obj.at_key("tag").get(e) == simdjson::SUCCESS && !e.is_null()) {
      auto tag = GetString(obj, *op, "tag", true);
      if (!tag.ok()) return tag.status();
      out.commit.tags.push_back(*std::move(tag));
    }
    if (obj.at_key("effective").get(e) == simdjson::SUCCESS && !e.is_null()) {
      auto eff = GetString(obj, *op, "effective", true);
      if (!eff.ok()) return eff.status();
      RETURN_IF_ERROR(storage::ValidateDate(*eff));
      out.commit.effective_date = *std::move(eff);
    }
  } else if (*op == "register") {
    if (auto st = CheckFields(obj, *op, {"node_kind", "edge_type"}); !st.ok()) {
      return st;
    }
    auto kind = GetString(obj, *op, "node_kind", false);
    if (!kind.ok()) return kind.status();
    auto type = GetString(obj, *op, "edge_type", false);
    if (!type.ok()) return type.status();
    if (kind->empty() == type->empty()) {
      return Bad(
          "\"register\" op needs exactly one of \"node_kind\" or "
          "\"edge_type\"");
    }
    out.kind = kind->empty() ? ChangeOp::Kind::kRegisterEdgeType
                             : ChangeOp::Kind::kRegisterNodeKind;
    out.name = kind->empty() ? *std::move(type) : *std::move(kind);
  } else {
    return Bad(StrCat("unknown op \"", *op,
                      "\" (expected node, edge, del_node, del_edge, commit or "
                      "register)"));
  }
  return out;
}

std::string ToChangeLine(const ChangeOp& op) {
  std::string out;
  switch (op.kind) {
    // Nodes and edges as export writes them (io/export_view.h).
    case ChangeOp::Kind::kNode:
      AppendNodeChangeLine(&out, ElementViews().Of(op.node));
      break;
    case ChangeOp::Kind::kEdge:
      AppendEdgeChangeLine(&out, ElementViews().Of(op.edge));
      break;
    case ChangeOp::Kind::kDeleteEdge:
      AppendDeleteEdgeChangeLine(
          &out, EdgeView{op.edge.from, op.edge.type, op.edge.to, {}});
      break;
    case ChangeOp::Kind::kDeleteNode:
      out = "{\"op\":\"del_node\",\"key\":";
      AppendJsonString(&out, op.key);
      out += "}";
      break;
    case ChangeOp::Kind::kCommit:
      out = "{\"op\":\"commit\",\"message\":";
      AppendJsonString(&out, op.commit.message);
      if (!op.commit.tags.empty()) {
        out += ",\"tag\":";
        AppendJsonString(&out, op.commit.tags[0]);
      }
      if (op.commit.effective_date) {
        out += ",\"effective\":";
        AppendJsonString(&out, *op.commit.effective_date);
      }
      if (!op.commit.author.empty()) {
        out += ",\"author\":";
        AppendJsonString(&out, op.commit.author);
      }
      out += "}";
      break;
    case ChangeOp::Kind::kRegisterNodeKind:
    case ChangeOp::Kind::kRegisterEdgeType:
      out = op.kind == ChangeOp::Kind::kRegisterNodeKind
                ? "{\"op\":\"register\",\"node_kind\":"
                : "{\"op\":\"register\",\"edge_type\":";
      AppendJsonString(&out, op.name);
      out += "}";
      break;
  }
  return out;
}

}  // namespace critgraph::io
