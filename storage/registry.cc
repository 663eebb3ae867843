#include "storage/registry.h"

#include <algorithm>

namespace critgraph::storage {

void Registry::Add(RegistryEntry e) {
  size_t index = entries_.size();
  by_id_[e.id] = index;
  (e.is_edge_type ? edge_types_ : kinds_)[e.name] = index;
  entries_.push_back(std::move(e));
}

std::optional<TypeId> Registry::FindNodeKind(std::string_view name,
                                             Revision at) const {
  auto it = kinds_.find(absl::string_view(name.data(), name.size()));
  if (it == kinds_.end() || entries_[it->second].rev > at) return std::nullopt;
  return entries_[it->second].id;
}

std::optional<TypeId> Registry::FindEdgeType(std::string_view name,
                                             Revision at) const {
  auto it = edge_types_.find(absl::string_view(name.data(), name.size()));
  if (it == edge_types_.end() || entries_[it->second].rev > at) {
    return std::nullopt;
  }
  return entries_[it->second].id;
}

const std::string* Registry::Name(TypeId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &entries_[it->second].name;
}

std::vector<std::string> Registry::NodeKinds(Revision at) const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (!e.is_edge_type && e.rev <= at) out.push_back(e.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Registry::EdgeTypes(Revision at) const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (e.is_edge_type && e.rev <= at) out.push_back(e.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TypeId Registry::max_id() const {
  TypeId m = 0;
  for (const auto& e : entries_) m = std::max(m, e.id);
  return m;
}

std::string Registry::EncodeKey(const RegistryEntry& e) {
  std::string k(1, e.is_edge_type ? 'E' : 'K');
  k += e.name;
  return k;
}

std::string Registry::EncodeValue(const RegistryEntry& e) {
  std::string v;
  PutBE32(&v, e.id);
  PutBE64(&v, e.rev);
  return v;
}

std::optional<RegistryEntry> Registry::Decode(std::string_view key,
                                              std::string_view value) {
  if (key.size() < 2 || (key[0] != 'K' && key[0] != 'E') ||
      value.size() != 12) {
    return std::nullopt;
  }
  RegistryEntry e;
  e.is_edge_type = key[0] == 'E';
  e.name = std::string(key.substr(1));
  e.id = GetBE32(value.data());
  e.rev = GetBE64(value.data() + 4);
  return e;
}

}  // namespace critgraph::storage
