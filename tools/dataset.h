// The bundled critical-technology dataset (data/critgraph-dataset.jsonl),
// compiled into the binary at build time so `critgraph demo` works from any
// directory after install.
#ifndef CRITGRAPH_TOOLS_DATASET_H_
#define CRITGRAPH_TOOLS_DATASET_H_

#include <string_view>

namespace critgraph::cli {

// The JSONL change stream, byte for byte.
std::string_view EmbeddedDataset();

}  // namespace critgraph::cli

#endif  // CRITGRAPH_TOOLS_DATASET_H_
