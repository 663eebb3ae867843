// The Python source of the critgraph.dask submodule (python/critgraph_dask.py,
// embedded at build time by cmake/embed_file.cmake).
#ifndef CRITGRAPH_PYTHON_DASK_SOURCE_H_
#define CRITGRAPH_PYTHON_DASK_SOURCE_H_

#include <string_view>

namespace critgraph::python {

std::string_view DaskSource();

}  // namespace critgraph::python

#endif  // CRITGRAPH_PYTHON_DASK_SOURCE_H_
