#include "tools/args.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace critgraph::cli {

std::optional<std::string> Args::Value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::ValueOr(const std::string& name, std::string def) const {
  auto v = Value(name);
  return v ? *v : def;
}

absl::StatusOr<std::optional<uint32_t>> Args::MaxDepth() const {
  auto v = Value("max-depth");
  if (!v) return std::optional<uint32_t>();
  uint32_t n = 0;
  if (!absl::SimpleAtoi(*v, &n) || v->empty() || (*v)[0] == '-' ||
      (*v)[0] == '+') {
    return absl::InvalidArgumentError("--max-depth wants a number >= 0, got '" +
                                      *v + "'");
  }
  return std::optional<uint32_t>(n);
}

absl::StatusOr<Direction> Args::GetDirection() const {
  std::string d = ValueOr("direction", "out");
  if (d == "out") return Direction::kOut;
  if (d == "in") return Direction::kIn;
  if (d == "both") return Direction::kBoth;
  return absl::InvalidArgumentError("--direction wants out, in or both, got '" +
                                    d + "'");
}

std::vector<std::string> Args::List(const std::string& name) const {
  std::vector<std::string> out;
  auto v = Value(name);
  if (!v) return out;
  for (absl::string_view part : absl::StrSplit(*v, ',')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

absl::StatusOr<bool> Args::Json() const {
  if (Flag("json")) return true;
  std::string format = ValueOr("format", "text");
  if (format == "json") return true;
  if (format == "text") return false;
  return absl::InvalidArgumentError("--format wants text or json, got '" +
                                    format + "'");
}

std::vector<OptionSpec> JsonOptions() {
  return {{"json", false, "JSON output (the shape is in docs/FORMATS.md)"},
          {"format", true, "text (default) or json (= --json)", "FORMAT"}};
}

absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<OptionSpec>& specs) {
  Args args;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a == "-" || a.size() < 2 || a[0] != '-') {
      args.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name;
    if (a.rfind("--", 0) == 0) {
      name = a.substr(2);
    } else if (a.size() == 2) {
      name = a.substr(1);  // "-n": one-letter options only
    } else {
      return absl::InvalidArgumentError("unknown option '" + a + "'");
    }
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError("unknown option '" +
                                        (a[1] == '-' ? "--" + name : a) + "'");
    }
    if (!spec->takes_value) {
      if (inline_value) {
        return absl::InvalidArgumentError("option '--" + name +
                                          "' takes no value");
      }
      args.flags_.insert(name);
      continue;
    }
    if (inline_value) {
      args.values_[name] = *inline_value;
    } else if (i + 1 < argv.size()) {
      args.values_[name] = argv[++i];
    } else {
      return absl::InvalidArgumentError("option '--" + name +
                                        "' needs a value");
    }
  }
  return args;
}

absl::StatusOr<GlobalArgs> ParseGlobal(const std::vector<std::string>& argv) {
  GlobalArgs g;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional) {
      g.rest.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      g.rest.push_back(a);
      continue;
    }
    if (a == "--db") {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError("option '--db' needs a value");
      }
      g.db_path = argv[++i];
      g.db_given = true;
      continue;
    }
    if (a.rfind("--db=", 0) == 0) {
      g.db_path = a.substr(5);
      g.db_given = true;
      continue;
    }
    if (a == "--color" || a.rfind("--color=", 0) == 0) {
      if (a == "--color") {
        if (i + 1 >= argv.size()) {
          return absl::InvalidArgumentError("option '--color' needs a value");
        }
        g.color = argv[++i];
      } else {
        g.color = a.substr(8);
      }
      if (g.color != "auto" && g.color != "always" && g.color != "never") {
        return absl::InvalidArgumentError(
            "--color wants auto, always or never, got '" + g.color + "'");
      }
      continue;
    }
    if (a == "--help" || a == "-h") {
      g.help = true;
      continue;
    }
    if (a == "--version" && g.command.empty()) {
      g.version = true;
      continue;
    }
    if (g.command.empty() && !a.empty() && a[0] != '-') {
      g.command = a;
      continue;
    }
    if (g.command.empty()) {
      return absl::InvalidArgumentError("unknown option '" + a +
                                        "' before the command");
    }
    g.rest.push_back(a);
  }
  if (g.db_given && g.db_path.empty()) {
    return absl::InvalidArgumentError("--db needs a non-empty directory");
  }
  if (!g.db_given) {
    const char* env = std::getenv("CRITGRAPH_DB");
    g.db_path = (env != nullptr && *env != '\0') ? env : "critgraph.db";
  }
  return g;
}

bool ColorWanted(const std::string& color, bool stdout_is_tty) {
  if (color == "always") return true;
  if (color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return stdout_is_tty;
}

}  // namespace critgraph::cli
