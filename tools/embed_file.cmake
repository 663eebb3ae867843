# Generates a C++ source holding the bytes of INPUT (cmake -P, from
# tools/CMakeLists.txt): critgraph::cli::EmbeddedDataset().
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by tools/embed_file.cmake. Do not edit.\n"
  "#include \"tools/dataset.h\"\n\n"
  "namespace critgraph::cli {\n"
  "namespace {\n"
  "const unsigned char kBytes[] = {${bytes} 0};\n"
  "}  // namespace\n"
  "std::string_view EmbeddedDataset() {\n"
  "  return std::string_view(reinterpret_cast<const char*>(kBytes), ${size});\n"
  "}\n"
  "}  // namespace critgraph::cli\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
