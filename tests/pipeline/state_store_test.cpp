// Unit tests of the watch state store: keys, stems, state changes and that a
// change survives reopening.
#include "pipeline/state_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

namespace redact {
namespace {
namespace fs = std::filesystem;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redact-state-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    path_ = dir_ + "/state.db";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<StateStore> Open() {
    Result<std::unique_ptr<StateStore>> s = StateStore::Open(path_);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return std::move(*s);
  }
  static bool NoOutputs(const std::string&) { return false; }
  std::string dir_, path_;
};

TEST_F(StateStoreTest, AKeyIsQueuedOnce) {
  auto store = Open();
  Result<StateStore::Enqueued> a = store->Enqueue("a/x.pdf", "h1", "x", NoOutputs);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->inserted);
  EXPECT_EQ(a->item.stem, "x");
  Result<StateStore::Enqueued> again = store->Enqueue("a/x.pdf", "h1", "x", NoOutputs);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->inserted);
  EXPECT_EQ(again->item.id, a->item.id);
  EXPECT_EQ((*store->Counts())["queued"], 1);
}

TEST_F(StateStoreTest, StemsNeverCollideWithRowsOrExistingOutputs) {
  auto store = Open();
  auto taken = [](const std::string& stem) { return stem == "x"; };  // x.redacted.* exists
  EXPECT_EQ(store->Enqueue("a/x.pdf", "h1", "x", taken)->item.stem, "x-2");
  EXPECT_EQ(store->Enqueue("b/x.pdf", "h2", "x", taken)->item.stem, "x-3");
  // The same name with changed content is a new key with a new stem.
  EXPECT_EQ(store->Enqueue("a/x.pdf", "h3", "x", taken)->item.stem, "x-4");
}

TEST_F(StateStoreTest, StateChangesSurviveReopening) {
  int64_t id;
  {
    auto store = Open();
    id = store->Enqueue("x.pdf", "h1", "x", NoOutputs)->item.id;
    ASSERT_TRUE(store->Claim(id, "run-1", "cfg").ok());
  }
  auto store = Open();
  Result<std::vector<WorkItem>> busy = store->InState(WorkState::kInProgress);
  ASSERT_TRUE(busy.ok());
  ASSERT_EQ(busy->size(), 1u);
  EXPECT_EQ(busy->front().run, "run-1");
  EXPECT_EQ(busy->front().attempts, 1);
  EXPECT_EQ(busy->front().stem, "x");
  ASSERT_TRUE(store->Requeue(id, "interrupted").ok());
  ASSERT_TRUE(store->Claim(id, "run-2", "cfg").ok());
  ASSERT_TRUE(store->Finish(id, WorkState::kDone, "", R"({"outputs":[]})").ok());
  std::optional<WorkItem> row = *store->Find("x.pdf", "h1");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, WorkState::kDone);
  EXPECT_EQ(row->attempts, 2);
  EXPECT_EQ(row->run, "run-2");
}

TEST_F(StateStoreTest, FindsDoneContentMadeWithTheSameConfigOnly) {
  auto store = Open();
  int64_t id = store->Enqueue("a.pdf", "h1", "a", NoOutputs)->item.id;
  EXPECT_FALSE(*store->FindDoneContent("h1", "cfg"));  // not done yet
  ASSERT_TRUE(store->Claim(id, "run", "cfg").ok());
  ASSERT_TRUE(store->Finish(id, WorkState::kDone, "", "{}").ok());
  std::optional<WorkItem> same = *store->FindDoneContent("h1", "cfg");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->path, "a.pdf");
  EXPECT_FALSE(*store->FindDoneContent("h1", "other-rules"));
}

TEST_F(StateStoreTest, ForgetDropsTheRowAndItsStem) {
  auto store = Open();
  int64_t id = store->Enqueue("a.pdf", "h1", "a", NoOutputs)->item.id;
  ASSERT_TRUE(store->Forget(id).ok());
  EXPECT_FALSE(*store->Find("a.pdf", "h1"));
  EXPECT_EQ(store->Enqueue("a.pdf", "h2", "a", NoOutputs)->item.stem, "a");
}

TEST_F(StateStoreTest, ReportsCountsAndLastErrors) {
  auto store = Open();
  int64_t a = store->Enqueue("a.pdf", "h1", "a", NoOutputs)->item.id;
  int64_t b = store->Enqueue("b.pdf", "h2", "b", NoOutputs)->item.id;
  ASSERT_TRUE(store->Finish(a, WorkState::kFailed, "unreadable: not a PDF", "{}").ok());
  ASSERT_TRUE(store->Finish(b, WorkState::kDone, "", "{}").ok());
  auto counts = *store->Counts();
  EXPECT_EQ(counts["failed"], 1);
  EXPECT_EQ(counts["done"], 1);
  EXPECT_EQ(counts["in_progress"], 0);
  std::vector<WorkItem> errors = *store->LastErrors(5);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "a.pdf");
  EXPECT_EQ(errors[0].error, "unreadable: not a PDF");
}

TEST_F(StateStoreTest, ReadOnlyOpenSeesAWritersRows) {
  auto writer = Open();
  ASSERT_TRUE(writer->Enqueue("a.pdf", "h1", "a", NoOutputs).ok());
  Result<std::unique_ptr<StateStore>> reader = StateStore::Open(path_, true);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*(*reader)->Counts())["queued"], 1);
}

TEST_F(StateStoreTest, OpenFailsClearlyOnAnUnusablePath) {
  Result<std::unique_ptr<StateStore>> s = StateStore::Open(dir_ + "/no/such/dir/state.db");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot open the watch state"), std::string::npos);
}

}  // namespace
}  // namespace redact
