#include "io/change_json.h"

#include <optional>

#include "critgraph/io/change_stream.h"
#include "critgraph/io/diff_format.h"

namespace critgraph::io {
namespace {

template <typename T, typename AppendFn>
void AppendOldNew(std::string* out, const std::optional<T>& before,
                  const std::optional<T>& after, AppendFn append) {
  out->append("{\"old\":");
  if (before) {
    append(out, *before);
  } else {
    out->append("null");
  }
  out->append(",\"new\":");
  if (after) {
    append(out, *after);
  } else {
    out->append("null");
  }
  out->push_back('}');
}

void AppendStr(std::string* out, const std::string& s) {
  AppendJsonString(out, s);
}

// "props":{...} without the enclosing braces.
void AppendPropsMember(std::string* out,
                       const std::vector<PropertyChange>& props) {
  out->append("\"props\":{");
  bool first = true;
  for (const auto& p : props) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, p.name);
    out->push_back(':');
    AppendOldNew(out, p.before, p.after, AppendJsonValue);
  }
  out->push_back('}');
}

std::string Quoted(const std::string& s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

}  // namespace

void AppendNodeChangesJson(std::string* out, const NodeChange& c) {
  out->push_back('{');
  bool need_comma = false;
  if (c.kind_before != c.kind_after) {
    out->append("\"kind\":");
    AppendOldNew(out, std::optional<std::string>(c.kind_before),
                 std::optional<std::string>(c.kind_after), AppendStr);
    need_comma = true;
  }
  if (!c.names.empty()) {
    if (need_comma) out->push_back(',');
    out->append("\"names\":{");
    for (size_t j = 0; j < c.names.size(); ++j) {
      if (j) out->push_back(',');
      AppendJsonString(out, c.names[j].lang);
      out->push_back(':');
      AppendOldNew(out, c.names[j].before, c.names[j].after, AppendStr);
    }
    out->push_back('}');
    need_comma = true;
  }
  if (!c.props.empty()) {
    if (need_comma) out->push_back(',');
    AppendPropsMember(out, c.props);
  }
  out->push_back('}');
}

void AppendPropChangesJson(std::string* out,
                           const std::vector<PropertyChange>& props) {
  out->push_back('{');
  if (!props.empty()) AppendPropsMember(out, props);
  out->push_back('}');
}

void PrintNodeChangeLines(std::ostream& out, const NodeChange& m,
                          const std::string& indent) {
  if (m.kind_before != m.kind_after) {
    out << indent << "kind: " << m.kind_before << " -> " << m.kind_after
        << "\n";
  }
  for (const auto& nc : m.names) {
    out << indent << "name " << nc.lang << ": "
        << (nc.before ? Quoted(*nc.before) : "(none)") << " -> "
        << (nc.after ? Quoted(*nc.after) : "(none)") << "\n";
  }
  PrintPropChangeLines(out, m.props, indent);
}

void PrintPropChangeLines(std::ostream& out,
                          const std::vector<PropertyChange>& props,
                          const std::string& indent) {
  for (const auto& pc : props) {
    out << indent << pc.name << ": " << ChangeText(pc.before, pc.after) << "\n";
  }
}

void AppendStringOldNewJson(std::string* out,
                            const std::optional<std::string>& before,
                            const std::optional<std::string>& after) {
  AppendOldNew(out, before, after, AppendStr);
}

}  // namespace critgraph::io
