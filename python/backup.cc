// Followers (Options::follow, DB.refresh) and consistent copies
// (critgraph/backup.h): backup, list_backups, restore.
#include "critgraph/backup.h"

#include "python/common.h"
#include "python/db_classes.h"

namespace critgraph::python {
namespace {

py::dict ResultToPy(const BackupResult& r) {
  py::dict d;
  d["path"] = r.path;
  d["revision"] = r.revision;
  d["digest"] = r.digest.ToHex();
  d["backup_id"] = r.backup_id;
  d["removed_pending"] = r.removed_pending;
  d["through_follower"] = r.through_follower;
  return d;
}

}  // namespace

void RegisterBackup(py::module_& m, DbClass& db) {
  db.def_property_readonly(
        "follower",
        [](PyDB& d) {
          return d.Run(
              [](DB& db) -> absl::StatusOr<bool> { return db.follower(); });
        },
        "Whether this handle follows a writer (open(..., follow=True)).")
      .def(
          "refresh",
          [](PyDB& d) { return d.Run([](DB& db) { return db.Refresh(); }); },
          "A follower catches up with what the writer has flushed and "
          "returns its new head; earlier snapshots stay valid. On a "
          "read-write handle returns head; on a plain read-only handle "
          "raises critgraph.Error.");

  m.def(
      "backup",
      [](py::object source, const std::string& dest, bool incremental) {
        BackupOptions options;
        options.incremental = incremental;
        absl::StatusOr<BackupResult> r;
        if (py::isinstance<PyDB>(source)) {
          PyDB& d = source.cast<PyDB&>();
          r = d.Run([&](DB& db) { return Backup(db, dest, options); });
        } else {
          const std::string path = py::str(source);
          r = Unlocked([&] { return BackupPath(path, dest, options); });
        }
        return ResultToPy(*r);
      },
      py::arg("source"), py::arg("dest"), py::arg("incremental") = false,
      "A consistent copy of `source` (an open DB, or a database path) at one "
      "revision: a checkpoint directory `dest` (hard links on the same "
      "filesystem), or with incremental=True one more backup in the "
      "BackupEngine directory `dest`. Returns {'path', 'revision', "
      "'digest', 'backup_id', 'removed_pending', 'through_follower'}. "
      "docs/RELIABILITY.md, 'Backups and followers'.");
  m.def(
      "list_backups",
      [](const std::string& dir) {
        auto entries = Unlocked([&] { return ListBackups(dir); });
        py::list out;
        for (const BackupEntry& e : entries) {
          py::dict d;
          d["id"] = e.id;
          d["timestamp"] = e.timestamp;
          d["size"] = e.size;
          d["files"] = e.files;
          d["revision"] = e.revision;
          d["digest"] = e.digest.ToHex();
          out.append(d);
        }
        return out;
      },
      py::arg("dir"),
      "The backups of an incremental backup directory, oldest first: "
      "[{'id', 'timestamp', 'size', 'files', 'revision', 'digest'}].");
  m.def(
      "restore",
      [](const std::string& src, const std::string& dest,
         std::optional<uint32_t> backup_id) {
        RestoreOptions options;
        options.backup_id = backup_id;
        auto r = Unlocked([&] { return Restore(src, dest, options); });
        return ResultToPy(r);
      },
      py::arg("src"), py::arg("dest"), py::arg("backup_id") = py::none(),
      "Restores `src` (an incremental backup directory: its newest backup or "
      "backup_id; or a checkpoint) into the new database `dest`, checked "
      "against the recorded revision and digest. Returns as backup().");
}

}  // namespace critgraph::python
