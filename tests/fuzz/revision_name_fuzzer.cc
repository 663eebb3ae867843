#include <string_view>

#include "storage/revision_name.h"
#include "storage/validate.h"
#include "tests/fuzz/fuzz_targets.h"

namespace critgraph::fuzz {

int FuzzRevisionName(const uint8_t* data, size_t size) {
  std::string_view name(reinterpret_cast<const char*>(data), size);
  auto parsed = storage::ParseRevisionName(name);
  if (!parsed.ok()) return 0;
  using Form = storage::RevisionName::Form;
  switch (parsed->form) {
    case Form::kTag:
      CRITGRAPH_FUZZ_CHECK(storage::ValidateTagName(parsed->text).ok());
      break;
    case Form::kDate:
      CRITGRAPH_FUZZ_CHECK(storage::ValidateDate(parsed->text).ok());
      break;
    default:
      break;
  }
  return 0;
}

}  // namespace critgraph::fuzz

#ifdef CRITGRAPH_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return critgraph::fuzz::FuzzRevisionName(data, size);
}
#endif
