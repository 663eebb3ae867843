#include "engine/changes.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace critgraph::engine {
namespace {

// Merge-walks two ordered maps, calling fn(name, before*, after*) for every
// name whose values differ per `same`.
template <typename Map, typename Same, typename Fn>
void MergeDiff(const Map& a, const Map& b, Same same, Fn fn) {
  auto i = a.begin(), j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      fn(i->first, &i->second, nullptr);
      ++i;
    } else if (i == a.end() || j->first < i->first) {
      fn(j->first, nullptr, &j->second);
      ++j;
    } else {
      if (!same(i->second, j->second)) fn(i->first, &i->second, &j->second);
      ++i;
      ++j;
    }
  }
}

template <typename T>
std::optional<T> Opt(const T* p) {
  return p ? std::optional<T>(*p) : std::nullopt;
}

}  // namespace

std::vector<PropertyChange> PropDiff(const Properties& a, const Properties& b) {
  std::vector<PropertyChange> out;
  MergeDiff(a, b, std::equal_to<PropertyValue>(),
            [&](const std::string& name, const PropertyValue* x,
                const PropertyValue* y) {
              out.push_back(PropertyChange{name, Opt(x), Opt(y)});
            });
  return out;
}

NodeChange MakeNodeChange(Node before, Node after) {
  NodeChange c;
  c.key = after.key;
  c.kind_before = before.kind;
  c.kind_after = after.kind;
  MergeDiff(
      before.names, after.names, std::equal_to<std::string>(),
      [&](const std::string& lang, const std::string* x, const std::string* y) {
        c.names.push_back(NameChange{lang, Opt(x), Opt(y)});
      });
  c.props = PropDiff(before.props, after.props);
  c.before = std::move(before);
  c.after = std::move(after);
  return c;
}

}  // namespace critgraph::engine
