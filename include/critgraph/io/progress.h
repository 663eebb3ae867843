// Progress reporting of the io/ layer: long operations (imports, exports)
// call an optional callback; the CLI draws a terminal bar from it, Python
// passes none.
#ifndef CRITGRAPH_IO_PROGRESS_H_
#define CRITGRAPH_IO_PROGRESS_H_

#include <cstdint>
#include <functional>

namespace critgraph::io {

// Called with what is done so far and the expected total (0 = unknown), in
// the operation's unit (bytes read for imports, elements for exports). May
// be called often: the callee rate-limits its drawing.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

}  // namespace critgraph::io

#endif  // CRITGRAPH_IO_PROGRESS_H_
