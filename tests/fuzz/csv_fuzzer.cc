#include <sstream>
#include <string>
#include <vector>

#include "critgraph/io/csv.h"
#include "tests/fuzz/fuzz_targets.h"

namespace critgraph::fuzz {

// Arbitrary bytes as a CSV file: reading never crashes, typed cells decode
// or fail cleanly, and every record read re-encodes to a record that reads
// back equal.
int FuzzCsv(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  io::CsvReader reader(in, 1 << 16);
  std::vector<io::CsvField> record;
  for (int n = 0; n < 1000; ++n) {
    auto more = reader.Next(&record);
    if (!more.ok() || !*more) break;
    std::string line;
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) line.push_back(',');
      io::AppendCsvField(&line, record[i].text, record[i].quoted);
      for (auto t :
           {io::CsvType::kString, io::CsvType::kInt64, io::CsvType::kDouble,
            io::CsvType::kBool, io::CsvType::kStringList}) {
        (void)io::DecodeCsvValue(record[i], t);
      }
      (void)io::ParseCsvType(record[i].text);
    }
    line.push_back('\n');
    std::istringstream again(line);
    io::CsvReader reread(again, 1 << 20);
    std::vector<io::CsvField> copy;
    auto ok = reread.Next(&copy);
    CRITGRAPH_FUZZ_CHECK(ok.ok() && *ok);
    CRITGRAPH_FUZZ_CHECK(copy.size() == record.size());
    for (size_t i = 0; i < copy.size(); ++i) {
      CRITGRAPH_FUZZ_CHECK(copy[i].text == record[i].text);
    }
  }
  return 0;
}

}  // namespace critgraph::fuzz

#ifdef CRITGRAPH_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return critgraph::fuzz::FuzzCsv(data, size);
}
#endif
