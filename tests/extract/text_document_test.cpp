#include "extract/text_document.h"

#include <gtest/gtest.h>

namespace redact {
namespace {

TEST(SplitTextPages, OnePageWithoutFormFeed) {
  const std::vector<Page> pages = SplitTextPages("line one\nline two\n");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].number, 1);
  EXPECT_EQ(pages[0].plain_text, "line one\nline two\n");
  EXPECT_FALSE(pages[0].has_geometry());
  EXPECT_TRUE(pages[0].words.empty());
}

TEST(SplitTextPages, OnePagePerFormFeed) {
  const std::vector<Page> pages = SplitTextPages("first\fsecond\f\fafter an empty page");
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0].plain_text, "first");
  EXPECT_EQ(pages[1].plain_text, "second");
  EXPECT_EQ(pages[2].plain_text, "");
  EXPECT_EQ(pages[3].plain_text, "after an empty page");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pages[i].number, i + 1);
}

TEST(SplitTextPages, TrailingFormFeedDoesNotAddAPage) {
  const std::vector<Page> pages = SplitTextPages("one\ftwo\f");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].plain_text, "two");
}

TEST(SplitTextPages, EmptyTextIsOneEmptyPage) {
  const std::vector<Page> pages = SplitTextPages("");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].number, 1);
  EXPECT_EQ(pages[0].plain_text, "");
}

TEST(SplitTextPages, DropsByteOrderMark) {
  const std::vector<Page> pages = SplitTextPages("\xEF\xBB\xBFhello");
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].plain_text, "hello");
}

}  // namespace
}  // namespace redact
