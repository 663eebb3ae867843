// DB, Snapshot and Transaction cannot be implemented outside the library
// (include/critgraph/db.h, snapshot.h, transaction.h): a complete subclass
// written by a user, every pure virtual overridden, still cannot be
// constructed, because the base constructor is private. This is what makes
// storage::Impl's downcast safe. Checked at compile time; the tests below
// also check that the library's own objects are what storage::Impl says.
#include <type_traits>

#include "critgraph/db.h"
#include "gtest/gtest.h"
#include "storage/snapshot_impl.h"
#include "tests/model.h"

namespace critgraph {
namespace {

class OutsideSnapshot : public Snapshot {
 public:
  Revision revision() const override { return 0; }
  const RevisionInfo& info() const override { return info_; }
  absl::StatusOr<Node> GetNode(std::string_view) const override {
    return Node();
  }
  absl::StatusOr<bool> HasNode(std::string_view) const override {
    return false;
  }
  absl::StatusOr<Edge> GetEdge(std::string_view, std::string_view,
                               std::string_view) const override {
    return Edge();
  }
  absl::StatusOr<std::vector<Edge>> OutEdges(
      std::string_view, absl::Span<const std::string>) const override {
    return std::vector<Edge>();
  }
  absl::StatusOr<std::vector<Edge>> InEdges(
      std::string_view, absl::Span<const std::string>) const override {
    return std::vector<Edge>();
  }
  absl::StatusOr<std::vector<Node>> NodesOfKind(
      std::string_view) const override {
    return std::vector<Node>();
  }
  absl::Status ForEachNode(
      const std::function<absl::Status(const Node&)>&) const override {
    return absl::OkStatus();
  }
  absl::Status ForEachEdge(
      const std::function<absl::Status(const Edge&)>&) const override {
    return absl::OkStatus();
  }
  absl::Status ForEachNodeView(
      const std::function<absl::Status(const NodeView&)>&) const override {
    return absl::OkStatus();
  }
  absl::Status ForEachEdgeView(
      const std::function<absl::Status(const EdgeView&)>&) const override {
    return absl::OkStatus();
  }
  std::vector<std::string> NodeKinds() const override { return {}; }
  std::vector<std::string> EdgeTypes() const override { return {}; }

 private:
  RevisionInfo info_;
};

class OutsideTransaction : public Transaction {
 public:
  Revision pending_revision() const override { return 0; }
  absl::Status PutNode(const Node&) override { return absl::OkStatus(); }
  absl::Status DeleteNode(std::string_view) override {
    return absl::OkStatus();
  }
  absl::Status PutEdge(const Edge&) override { return absl::OkStatus(); }
  absl::Status DeleteEdge(std::string_view, std::string_view,
                          std::string_view) override {
    return absl::OkStatus();
  }
  absl::Status RegisterNodeKind(std::string_view) override {
    return absl::OkStatus();
  }
  absl::Status RegisterEdgeType(std::string_view) override {
    return absl::OkStatus();
  }
  absl::StatusOr<Node> GetNode(std::string_view) override { return Node(); }
  absl::StatusOr<Revision> Commit(const CommitInfo&) override { return 0; }
  absl::StatusOr<Revision> Seal(const CommitInfo&) override { return 0; }
  absl::StatusOr<Revision> Publish() override { return 0; }
  size_t sealed_revisions() const override { return 0; }
  void Rollback() override {}
};

class OutsideDB : public DB {
 public:
  absl::StatusOr<std::unique_ptr<Transaction>> Begin() override {
    return absl::UnimplementedError("");
  }
  Revision Head() const override { return 0; }
  absl::StatusOr<Revision> Refresh() override { return 0; }
  absl::StatusOr<std::unique_ptr<Snapshot>> GetSnapshot(
      Revision) const override {
    return absl::UnimplementedError("");
  }
  using DB::GetSnapshot;
  absl::StatusOr<Revision> Resolve(std::string_view) const override {
    return 0;
  }
  absl::StatusOr<RevisionInfo> GetRevision(Revision) const override {
    return RevisionInfo();
  }
  std::vector<RevisionInfo> Log() const override { return {}; }
  absl::Status Tag(std::string_view, Revision, bool) override {
    return absl::OkStatus();
  }
  absl::Status DeleteTag(std::string_view, bool) override {
    return absl::OkStatus();
  }
  absl::Status Verify(VerifyReport*) const override { return absl::OkStatus(); }
  const std::string& path() const override { return path_; }
  bool read_only() const override { return true; }
  bool follower() const override { return false; }

 private:
  std::string path_;
};

// Complete (not abstract), yet not constructible: the base constructor is
// private to the library.
static_assert(!std::is_abstract_v<OutsideSnapshot>);
static_assert(!std::is_abstract_v<OutsideTransaction>);
static_assert(!std::is_abstract_v<OutsideDB>);
static_assert(!std::is_default_constructible_v<OutsideSnapshot>);
static_assert(!std::is_default_constructible_v<OutsideTransaction>);
static_assert(!std::is_default_constructible_v<OutsideDB>);
// The library's implementation cannot be extended either.
static_assert(std::is_final_v<storage::SnapshotImpl>);

TEST(SealedApi, LibraryObjectsAreTheImplementations) {
  Options opts;
  opts.sync = false;
  auto db = DB::Open(testing::TempDir("db"), opts);
  ASSERT_TRUE(db.ok()) << db.status();
  const DB& db_ref = **db;
  EXPECT_EQ(typeid(db_ref), typeid(storage::DBImpl));
  EXPECT_EQ(&storage::Impl(**db), dynamic_cast<storage::DBImpl*>(db->get()));
  auto snap = (*db)->GetSnapshot(Revision{0});
  ASSERT_TRUE(snap.ok()) << snap.status();
  const Snapshot& snap_ref = **snap;
  EXPECT_EQ(typeid(snap_ref), typeid(storage::SnapshotImpl));
  EXPECT_EQ(&storage::Impl(**snap),
            dynamic_cast<storage::SnapshotImpl*>(snap->get()));
  EXPECT_EQ(&storage::Impl(**snap).db(), &storage::Impl(**db));
}

}  // namespace
}  // namespace critgraph
