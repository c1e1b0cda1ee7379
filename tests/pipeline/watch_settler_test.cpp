// Unit tests of when a file counts as landed (no sleeping: times are given).
#include "pipeline/watch_settler.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/watch_paths.h"

namespace redact {
namespace {

class SettlerTest : public ::testing::Test {
 protected:
  Settler::StatFn Stat() {
    return [this](const std::string& p) {
      auto it = files_.find(p);
      return it == files_.end() ? Settler::FileStamp{} : it->second;
    };
  }
  void Write(const std::string& p, long long size) { files_[p] = {true, size, size * 7}; }
  std::map<std::string, Settler::FileStamp> files_;
  Settler settler_{SettleOptions{5, 0.2, 60}};
};

TEST_F(SettlerTest, AClosedFileLandsAfterAShortQuiet) {
  Write("a", 10);
  settler_.Closed("a", 0);
  EXPECT_TRUE(settler_.Poll(0.1, Stat()).landed.empty());
  EXPECT_EQ(settler_.Poll(0.3, Stat()).landed, std::vector<std::string>{"a"});
  EXPECT_TRUE(settler_.empty());
}

TEST_F(SettlerTest, AFileStillOpenWaitsForCloseOrLongQuiet) {
  Write("a", 10);
  settler_.Changed("a", 0);
  EXPECT_TRUE(settler_.Poll(1, Stat()).landed.empty());
  Write("a", 20);  // more written
  EXPECT_TRUE(settler_.Poll(4, Stat()).landed.empty());
  EXPECT_TRUE(settler_.Poll(8.9, Stat()).landed.empty());  // quiet since 4: not yet 5 s
  EXPECT_EQ(settler_.Poll(9.1, Stat()).landed, std::vector<std::string>{"a"});
}

TEST_F(SettlerTest, AWriteAfterACloseWaitsAgain) {
  Write("a", 10);
  settler_.Closed("a", 0);
  settler_.Changed("a", 0.1);  // reopened and written
  EXPECT_TRUE(settler_.Poll(0.5, Stat()).landed.empty());
  settler_.Closed("a", 1);
  EXPECT_EQ(settler_.Poll(1.3, Stat()).landed, std::vector<std::string>{"a"});
}

TEST_F(SettlerTest, AFileThatKeepsGrowingExpiresOnceThenWaitsForItsClose) {
  Write("a", 1);
  settler_.Changed("a", 0);
  for (int t = 1; t < 60; ++t) {
    Write("a", t + 1);
    Settler::Due due = settler_.Poll(t, Stat());
    ASSERT_TRUE(due.landed.empty() && due.expired.empty()) << t;
  }
  Settler::Due due = settler_.Poll(60, Stat());
  ASSERT_EQ(due.expired.size(), 1u);
  EXPECT_EQ(due.expired[0].path, "a");
  settler_.Changed("a", 61);  // still growing: ignored now
  EXPECT_TRUE(settler_.empty());
  settler_.Closed("a", 62);
  EXPECT_EQ(settler_.Poll(63, Stat()).landed, std::vector<std::string>{"a"});
}

TEST_F(SettlerTest, AFileThatVanishesIsDropped) {
  settler_.Closed("gone", 0);
  Settler::Due due = settler_.Poll(1, Stat());
  EXPECT_TRUE(due.landed.empty());
  EXPECT_TRUE(settler_.empty());
}

TEST_F(SettlerTest, ScannedFilesLandInTheOrderFound) {
  Write("b", 1);
  Write("a", 1);
  settler_.Found("b", 0, 100);
  settler_.Found("a", 0, 100);
  EXPECT_EQ(settler_.Poll(1, Stat()).landed, (std::vector<std::string>{"b", "a"}));
}

TEST(WatchPaths, IgnoresHiddenAndTemporaryNames) {
  for (const char* name : {".x.pdf", "x.pdf.part", "x.tmp", "~lock.docx", ""}) {
    EXPECT_TRUE(IsIgnoredName(name)) << name;
  }
  for (const char* name : {"x.pdf", "part.pdf", "a~b.txt"}) EXPECT_FALSE(IsIgnoredName(name)) << name;
}

TEST(WatchPaths, KnowsWhatIsInsideAFolder) {
  EXPECT_TRUE(IsInside("/a/b/c", "/a/b"));
  EXPECT_TRUE(IsInside("/a/b", "/a/b"));
  EXPECT_TRUE(IsInside("/a/b/", "/a/b"));
  EXPECT_FALSE(IsInside("/a/bc", "/a/b"));
  EXPECT_FALSE(IsInside("/a", "/a/b"));
  EXPECT_EQ(RelativeTo("/in/a/x.pdf", "/in"), "a/x.pdf");
}

}  // namespace
}  // namespace redact
