// The external keys of many node ids at once.
#ifndef CRITGRAPH_STORAGE_KEYS_OF_H_
#define CRITGRAPH_STORAGE_KEYS_OF_H_

#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "storage/db_impl.h"

namespace critgraph::storage {

// Sets keys[i] to the external key of ids[i] (keys.size() == ids.size()),
// with batched MultiGets on the ids column family: one Get per id would
// cost a full lookup each. Reads the column family only, not the id cache.
// DataLoss "node id N has no key" for an id without a key; RocksDB errors
// name the id.
absl::Status KeysOf(const DBImpl& db, absl::Span<const NodeId> ids,
                    absl::Span<std::string> keys);

}  // namespace critgraph::storage

#endif  // CRITGRAPH_STORAGE_KEYS_OF_H_
