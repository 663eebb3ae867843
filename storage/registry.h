// The versioned registry of node kinds and edge types.
#ifndef CRITGRAPH_STORAGE_REGISTRY_H_
#define CRITGRAPH_STORAGE_REGISTRY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "critgraph/types.h"
#include "storage/keys.h"

namespace critgraph::storage {

struct RegistryEntry {
  std::string name;
  bool is_edge_type = false;
  TypeId id = 0;
  Revision rev = 0;  // first revision where the name is visible
};

// An immutable-after-publication set of registrations. DBImpl publishes a new
// copy on every commit that registers names; readers hold a shared_ptr to the
// copy they started with. Kind ids and edge type ids share one id space.
class Registry {
 public:
  void Add(RegistryEntry e);

  // The id of a name visible at `at`, or nullopt.
  std::optional<TypeId> FindNodeKind(std::string_view name, Revision at) const;
  std::optional<TypeId> FindEdgeType(std::string_view name, Revision at) const;
  // The name of an id, or nullptr for an id never registered.
  const std::string* Name(TypeId id) const;
  std::vector<std::string> NodeKinds(Revision at) const;  // sorted
  std::vector<std::string> EdgeTypes(Revision at) const;  // sorted
  const std::vector<RegistryEntry>& entries() const { return entries_; }
  TypeId max_id() const;

  // Persisted form: registry CF key 'K'|name or 'E'|name, value id(4)|rev(8).
  static std::string EncodeKey(const RegistryEntry& e);
  static std::string EncodeValue(const RegistryEntry& e);
  static std::optional<RegistryEntry> Decode(std::string_view key,
                                             std::string_view value);

 private:
  std::vector<RegistryEntry> entries_;
  absl::flat_hash_map<TypeId, size_t> by_id_;
  absl::flat_hash_map<std::string, size_t> kinds_;
  absl::flat_hash_map<std::string, size_t> edge_types_;
};

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_REGISTRY_H_
