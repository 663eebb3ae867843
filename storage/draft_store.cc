// Draft directories and metadata (storage/draft_store.h).
#include "storage/draft_store.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/snapshot_impl.h"
#include "util/str_cat.h"

namespace critgraph::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMetaHeader = "critgraph-draft 1";
constexpr std::string_view kStagingPrefix = ".tmp-";
constexpr std::string_view kOldPrefix = ".old-";
constexpr std::string_view kDropPrefix = ".drop-";

absl::Status FsError(std::string_view what, const fs::path& p,
                     const std::error_code& ec) {
  return absl::InternalError(
      StrCat(what, " '", p.string(), "': ", ec.message()));
}

// Makes renames and creations inside `dir` durable.
void SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool ProcessAlive(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// "PREFIX NAME-PID-N" -> NAME and PID. Names may contain '-', so the
// fields are taken from the right.
bool ParseLeftover(std::string_view entry, std::string_view prefix,
                   int suffix_fields, std::string* name, long* pid) {
  if (!entry.starts_with(prefix)) return false;
  std::string_view rest = entry.substr(prefix.size());
  for (int i = 0; i < suffix_fields - 1; ++i) {
    auto dash = rest.rfind('-');
    if (dash == std::string_view::npos) return false;
    rest = rest.substr(0, dash);
  }
  auto dash = rest.rfind('-');
  if (dash == std::string_view::npos) return false;
  std::string_view pid_text = rest.substr(dash + 1);
  auto [p, ec] =
      std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), *pid);
  if (ec != std::errc() || p != pid_text.data() + pid_text.size()) return false;
  *name = std::string(rest.substr(0, dash));
  return true;
}

std::string Unique() {
  static std::atomic<uint64_t> counter{0};
  return StrCat(static_cast<long>(::getpid()), "-", counter.fetch_add(1));
}

}  // namespace

absl::Status ValidateDraftName(std::string_view name) {
  auto ok_char = [](char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    return !first && (c == '_' || c == '.' || c == '-');
  };
  bool ok = !name.empty() && name.size() <= 64;
  for (size_t i = 0; ok && i < name.size(); ++i) ok = ok_char(name[i], i == 0);
  if (!ok) {
    return absl::InvalidArgumentError(
        StrCat("bad draft name '", name,
               "': use 1-64 of [a-z0-9_.-], starting with a letter or digit"));
  }
  return absl::OkStatus();
}

std::string DraftsDir(const std::string& db_path) {
  return (fs::path(db_path) / "drafts").string();
}

std::string DraftPath(const std::string& db_path, std::string_view name) {
  return (fs::path(DraftsDir(db_path)) / std::string(name)).string();
}

std::string DraftStagingPath(const std::string& db_path,
                             std::string_view name) {
  return (fs::path(DraftsDir(db_path)) /
          StrCat(kStagingPrefix, name, "-", Unique()))
      .string();
}

absl::Status WriteDraftMeta(const std::string& dir, const DraftInfo& info) {
  const fs::path final_path = fs::path(dir) / std::string(kDraftMetaFile);
  const fs::path tmp = fs::path(dir) / StrCat(kDraftMetaFile, ".tmp");
  std::string text = StrCat(kMetaHeader, "\nbase ", info.base, "\nbase_digest ",
                            info.base_digest.ToHex(), "\nstart ", info.start,
                            "\ncreated_micros ", info.created_micros, "\n");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::InternalError(
        StrCat("create '", tmp.string(), "': ", std::strerror(errno)));
  }
  bool ok = ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    return absl::InternalError(StrCat("write '", tmp.string(), "' failed"));
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) return FsError("rename", tmp, ec);
  SyncDir(dir);
  return absl::OkStatus();
}

absl::StatusOr<DraftInfo> ReadDraftMeta(const std::string& dir,
                                        std::string_view name) {
  const fs::path p = fs::path(dir) / std::string(kDraftMetaFile);
  std::ifstream in(p);
  if (!in) {
    return absl::DataLossError(
        StrCat("draft '", name, "': cannot read ", p.string()));
  }
  DraftInfo info;
  info.name = std::string(name);
  info.path = dir;
  std::string line;
  int line_no = 0, fields = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto bad = [&] {
      return absl::DataLossError(StrCat(
          p.string(), ":", line_no, ": damaged draft metadata: '", line, "'"));
    };
    if (line_no == 1) {
      if (line != kMetaHeader) return bad();
      continue;
    }
    auto space = line.find(' ');
    if (space == std::string::npos) return bad();
    std::string_view key(line.data(), space);
    std::string_view value(line.data() + space + 1, line.size() - space - 1);
    auto number = [&](auto* out) {
      auto [q, ec] =
          std::from_chars(value.data(), value.data() + value.size(), *out);
      return ec == std::errc() && q == value.data() + value.size();
    };
    if (key == "base") {
      if (!number(&info.base)) return bad();
    } else if (key == "start") {
      if (!number(&info.start)) return bad();
    } else if (key == "created_micros") {
      if (!number(&info.created_micros)) return bad();
    } else if (key == "base_digest") {
      auto d = Digest::FromHex(value);
      if (!d.ok()) return bad();
      info.base_digest = *d;
    } else {
      return bad();
    }
    ++fields;
  }
  if (line_no == 0 || fields != 4) {
    return absl::DataLossError(StrCat(p.string(), ": damaged draft metadata (",
                                      fields, " of 4 fields)"));
  }
  return info;
}

void RecoverDrafts(const std::string& db_path) {
  const fs::path dir = DraftsDir(db_path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    entries.push_back(e.path());
  }
  bool changed = false;
  for (const auto& p : entries) {
    const std::string entry = p.filename().string();
    std::string name;
    long pid = 0;
    if ((ParseLeftover(entry, kStagingPrefix, 2, &name, &pid) ||
         ParseLeftover(entry, kDropPrefix, 2, &name, &pid)) &&
        !ProcessAlive(pid)) {
      fs::remove_all(p, ec);
      changed = true;
    } else if (ParseLeftover(entry, kOldPrefix, 2, &name, &pid) &&
               !ProcessAlive(pid)) {
      // A rebase stopped between its two renames: the old draft is the
      // valid one unless the new one was installed.
      const fs::path target = dir / name;
      if (fs::exists(target, ec)) {
        fs::remove_all(p, ec);
      } else {
        fs::rename(p, target, ec);
      }
      changed = true;
    }
  }
  if (changed) SyncDir(dir);
}

absl::StatusOr<std::vector<std::string>> DraftNames(
    const std::string& db_path) {
  RecoverDrafts(db_path);
  std::vector<std::string> names;
  const fs::path dir = DraftsDir(db_path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return names;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string entry = e.path().filename().string();
    if (ValidateDraftName(entry).ok() &&
        fs::exists(e.path() / std::string(kDraftMetaFile), ec)) {
      names.push_back(std::move(entry));
    }
  }
  if (ec) return FsError("list", dir, ec);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::vector<DraftInfo>> DraftMetas(const std::string& db_path) {
  auto names = DraftNames(db_path);
  if (!names.ok()) return names.status();
  std::vector<DraftInfo> out;
  for (const auto& name : *names) {
    auto info = ReadDraftMeta(DraftPath(db_path, name), name);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

absl::Status InstallDraft(const std::string& db_path, std::string_view name,
                          const std::string& staged) {
  const fs::path target = DraftPath(db_path, name);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    return absl::AlreadyExistsError(StrCat("draft '", name, "' exists"));
  }
  // rename(2) onto an existing non-empty directory fails, so a concurrent
  // create of the same name cannot be overwritten.
  fs::rename(staged, target, ec);
  if (ec) {
    if (fs::exists(target)) {
      return absl::AlreadyExistsError(StrCat("draft '", name, "' exists"));
    }
    return FsError("install draft", target, ec);
  }
  SyncDir(DraftsDir(db_path));
  return absl::OkStatus();
}

absl::Status ReplaceDraft(const std::string& db_path, std::string_view name,
                          const std::string& staged,
                          const std::function<void()>& after_move_aside) {
  const fs::path target = DraftPath(db_path, name);
  const fs::path old =
      fs::path(DraftsDir(db_path)) / StrCat(kOldPrefix, name, "-", Unique());
  std::error_code ec;
  fs::rename(target, old, ec);
  if (ec) return FsError("move aside draft", target, ec);
  after_move_aside();
  fs::rename(staged, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::rename(old, target, ignored);
    return FsError("install rebased draft", target, ec);
  }
  SyncDir(DraftsDir(db_path));
  fs::remove_all(old, ec);
  return absl::OkStatus();
}

absl::Status RemoveDraft(const std::string& db_path, std::string_view name) {
  const fs::path target = DraftPath(db_path, name);
  std::error_code ec;
  if (!fs::exists(target / std::string(kDraftMetaFile), ec)) {
    return absl::NotFoundError(StrCat("no draft '", name, "'"));
  }
  const fs::path doomed =
      fs::path(DraftsDir(db_path)) / StrCat(kDropPrefix, name, "-", Unique());
  fs::rename(target, doomed, ec);
  if (ec) return FsError("drop draft", target, ec);
  SyncDir(DraftsDir(db_path));
  fs::remove_all(doomed, ec);
  if (ec) return FsError("remove", doomed, ec);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const DB>> OpenDraftReadOnly(
    const std::string& db_path, std::string_view name) {
  if (auto st = ValidateDraftName(name); !st.ok()) return st;
  RecoverDrafts(db_path);
  const std::string path = DraftPath(db_path, name);
  std::error_code ec;
  if (!fs::exists(fs::path(path) / std::string(kDraftMetaFile), ec)) {
    return absl::NotFoundError(StrCat("no draft '", name, "'"));
  }
  auto db = DB::OpenReadOnly(path);
  if (!db.ok()) {
    return absl::Status(db.status().code(),
                        StrCat("draft '", name, "': ", db.status().message()));
  }
  return std::shared_ptr<const DB>(std::move(*db));
}

absl::StatusOr<std::unique_ptr<Snapshot>> DraftHeadSnapshot(
    const std::string& db_path, std::string_view name) {
  auto db = OpenDraftReadOnly(db_path, name);
  if (!db.ok()) return db.status();
  auto snap = (*db)->GetSnapshot((*db)->Head());
  if (!snap.ok()) return snap.status();
  static_cast<SnapshotImpl&>(**snap).KeepAlive(*std::move(db));
  return snap;
}

}  // namespace critgraph::storage

namespace critgraph {

std::optional<std::string_view> DraftName(std::string_view revision_name) {
  if (!revision_name.starts_with(kDraftPrefix)) return std::nullopt;
  return revision_name.substr(kDraftPrefix.size());
}

}  // namespace critgraph
