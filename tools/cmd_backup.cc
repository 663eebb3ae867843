// backup, restore: consistent copies (critgraph/backup.h).
#include <filesystem>
#include <iostream>
#include <string>

#include "critgraph/backup.h"
#include "critgraph/io/change_stream.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/revisions.h"

namespace critgraph::cli {
namespace {

std::string ResultJson(const BackupResult& r, bool incremental) {
  std::string s = "{\"path\":";
  io::AppendJsonString(&s, r.path);
  s += ",\"revision\":" + std::to_string(r.revision) + ",\"digest\":\"" +
       r.digest.ToHex() +
       "\",\"incremental\":" + (incremental ? "true" : "false") +
       ",\"backup_id\":" +
       (incremental ? std::to_string(r.backup_id) : std::string("null")) +
       ",\"removed_pending\":" + (r.removed_pending ? "true" : "false") +
       ",\"through_follower\":" + (r.through_follower ? "true" : "false") +
       "}\n";
  return s;
}

// BackupEntry::timestamp is in seconds; FormatTime takes microseconds.
std::string Utc(int64_t seconds) { return FormatTime(seconds * 1000000); }

int ListBackupsCmd(const Args& args, bool json) {
  if (args.positional.size() != 1) {
    return UsageError("backup", "--list wants one backup directory");
  }
  auto list = ListBackups(args.positional[0]);
  if (!list.ok()) return FailStatus(list.status());
  if (json) {
    std::string s = "[";
    for (size_t i = 0; i < list->size(); ++i) {
      const BackupEntry& e = (*list)[i];
      s += i ? ",\n" : "\n";
      s += "{\"id\":" + std::to_string(e.id) +
           ",\"revision\":" + std::to_string(e.revision) + ",\"digest\":\"" +
           e.digest.ToHex() + "\",\"time\":\"" + Utc(e.timestamp) +
           "\",\"bytes\":" + std::to_string(e.size) +
           ",\"files\":" + std::to_string(e.files) + "}";
    }
    s += list->empty() ? "]\n" : "\n]\n";
    std::cout << s;
    return kExitOk;
  }
  std::cout << "id    revision  digest                            taken (UTC)"
               "           bytes  files\n";
  for (const BackupEntry& e : *list) {
    std::string id = std::to_string(e.id), rev = std::to_string(e.revision);
    id.resize(6, ' ');
    rev.resize(10, ' ');
    std::cout << id << rev << e.digest.ToHex() << "  " << Utc(e.timestamp)
              << "  " << e.size << "  " << e.files << "\n";
  }
  return kExitOk;
}

}  // namespace

int CmdBackup(const Context& ctx, const Args& args) {
  auto json = args.Json();
  if (!json.ok()) return UsageError("backup", StatusText(json.status()));
  if (args.Flag("list")) {
    if (args.Flag("incremental")) {
      return UsageError("backup",
                        "--list and --incremental exclude each other");
    }
    return ListBackupsCmd(args, *json);
  }
  if (args.positional.size() != 1) {
    return UsageError("backup", "want one DEST");
  }
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(ctx.db_path) / "CURRENT",
                               ec)) {
    return Fail(kExitDbError, "no database at " + ctx.db_path +
                                  " (pass --db DIR or set CRITGRAPH_DB)");
  }
  const bool incremental = args.Flag("incremental");
  auto r =
      BackupPath(ctx.db_path, args.positional[0], {.incremental = incremental});
  if (!r.ok()) return FailStatus(r.status());
  if (*json) {
    std::cout << ResultJson(*r, incremental);
    return kExitOk;
  }
  std::cout << "backed up revision " << r->revision << " (digest "
            << r->digest.ToHex() << ") to " << r->path;
  if (incremental) std::cout << " as backup " << r->backup_id;
  std::cout << "\n";
  if (r->through_follower) {
    std::cout << "(another process writes the database: copied what it has "
                 "flushed)\n";
  }
  if (r->removed_pending) {
    std::cout << "(a commit in flight was left out of the copy)\n";
  }
  return kExitOk;
}

int CmdRestore(const Context&, const Args& args) {
  if (args.positional.size() != 2) {
    return UsageError("restore", "want SRC and DEST");
  }
  auto json = args.Json();
  if (!json.ok()) return UsageError("restore", StatusText(json.status()));
  RestoreOptions options;
  if (auto id = args.Value("backup-id")) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(id->c_str(), &end, 10);
    if (id->empty() || *end != '\0' || v == 0 || v > 0xffffffffUL) {
      return UsageError(
          "restore",
          "--backup-id wants a backup number (1, 2, ...), not '" + *id + "'");
    }
    options.backup_id = static_cast<uint32_t>(v);
  }
  auto r = Restore(args.positional[0], args.positional[1], options);
  if (!r.ok()) return FailStatus(r.status());
  if (*json) {
    std::cout << ResultJson(*r, r->backup_id != 0);
    return kExitOk;
  }
  std::cout << "restored revision " << r->revision << " (digest "
            << r->digest.ToHex() << ")";
  if (r->backup_id != 0) std::cout << " from backup " << r->backup_id;
  std::cout << " into " << r->path << "\n";
  return kExitOk;
}

}  // namespace critgraph::cli
