// DOT -> SVG through Graphviz's libraries (libgvc, libcgraph), in-process.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "critgraph/io/report.h"

namespace critgraph::io {

namespace {

// Graphviz keeps global state (error handlers, the last parsed graph's
// error flags); its contexts are not documented as thread-safe.
absl::Mutex graphviz_mutex(absl::kConstInit);

// gvContext() loads the installed plugins (layout engines, the pango text
// layout that measures labels with the real fonts) once per process.
// Graphviz's error text for the graph being read (guarded by the mutex):
// it goes into the Status instead of stderr.
std::string* graphviz_errors = new std::string;

int CollectError(char* message) {
  graphviz_errors->append(message);
  return 0;
}

GVC_t* Context() {
  static GVC_t* gvc = gvContext();
  return gvc;
}

}  // namespace

absl::StatusOr<std::string> RenderDotToSvg(const std::string& dot,
                                           const std::string& what) {
  absl::MutexLock lock(&graphviz_mutex);
  GVC_t* gvc = Context();
  if (gvc == nullptr) {
    return absl::InternalError("graphviz: no context for " + what);
  }
  graphviz_errors->clear();
  agseterrf(CollectError);
  Agraph_t* g = agmemread(dot.c_str());
  if (g == nullptr) {
    std::string detail = *graphviz_errors;
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    return absl::InternalError("graphviz could not parse the graph of " + what +
                               (detail.empty() ? "" : ": " + detail));
  }
  if (gvLayout(gvc, g, "dot") != 0) {
    agclose(g);
    return absl::InternalError("graphviz could not lay out " + what +
                               " (is the dot layout plugin installed?)");
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvRenderData(gvc, g, "svg", &data, &length);
  std::string svg;
  if (rc == 0 && data != nullptr) svg.assign(data, length);
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc, g);
  agclose(g);
  if (rc != 0 || svg.empty()) {
    return absl::InternalError("graphviz could not render " + what + " as SVG");
  }
  return svg;
}

}  // namespace critgraph::io
