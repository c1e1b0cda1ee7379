#include "extract/input_kind.h"

#include <gtest/gtest.h>

#include <string>

namespace redact {
namespace {

using namespace std::string_literals;

TEST(SniffInput, RecognisesMagicNumbers) {
  EXPECT_EQ(SniffInput("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), InputKind::kPdf);
  EXPECT_EQ(SniffInput("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s), InputKind::kPng);
  EXPECT_EQ(SniffInput("\xFF\xD8\xFF\xE0\0\x10JFIF"s), InputKind::kJpeg);
  EXPECT_EQ(SniffInput("II*\0\x08\0\0\0"s), InputKind::kTiff);
  EXPECT_EQ(SniffInput("MM\0*\0\0\0\x08"s), InputKind::kTiff);
}

TEST(SniffInput, FindsPdfHeaderAfterJunkWithinFirstKilobyte) {
  EXPECT_EQ(SniffInput(std::string(1000, ' ') + "%PDF-1.4\n"), InputKind::kPdf);
  // Past the first KB the header no longer counts; what is left is plain text.
  EXPECT_EQ(SniffInput(std::string(1100, ' ') + "%PDF-1.4\n"), InputKind::kText);
}

TEST(SniffInput, EmptyIsItsOwnKind) { EXPECT_EQ(SniffInput(""), InputKind::kEmpty); }

TEST(SniffInput, TextIsValidUtf8WithoutBinaryControls) {
  EXPECT_EQ(SniffInput("Dear Member of the Public,\r\n\tpage one\fpage two\n"), InputKind::kText);
  EXPECT_EQ(SniffInput("\xEF\xBB\xBF" "with a byte-order mark"), InputKind::kText);
  EXPECT_EQ(SniffInput("“county lines” — £5 €"), InputKind::kText);
  EXPECT_EQ(SniffInput("text with a NUL\0byte"s), InputKind::kUnknown);
  EXPECT_EQ(SniffInput("escape \x1B[31m red"), InputKind::kUnknown);
  EXPECT_EQ(SniffInput("latin-1 caf\xE9 au lait"), InputKind::kUnknown);
  EXPECT_EQ(SniffInput("overlong \xC0\xAF slash"), InputKind::kUnknown);
  EXPECT_EQ(SniffInput("surrogate \xED\xA0\x80 half"), InputKind::kUnknown);
}

TEST(SniffInput, AcceptsCharacterCutOffAtEndOfHead) {
  // The head is often the first N bytes of a longer file.
  EXPECT_EQ(SniffInput("ends inside a euro sign \xE2\x82"), InputKind::kText);
}

TEST(SniffInput, DecidesByContentNotByName) {
  EXPECT_EQ(SniffInput("GIF89a\x01\0\x01\0"s), InputKind::kUnknown);
}

TEST(InputKindName, SpellsEveryKind) {
  EXPECT_STREQ(InputKindName(InputKind::kPdf), "pdf");
  EXPECT_STREQ(InputKindName(InputKind::kPng), "png");
  EXPECT_STREQ(InputKindName(InputKind::kJpeg), "jpeg");
  EXPECT_STREQ(InputKindName(InputKind::kTiff), "tiff");
  EXPECT_STREQ(InputKindName(InputKind::kText), "text");
  EXPECT_STREQ(InputKindName(InputKind::kEmpty), "empty");
  EXPECT_STREQ(InputKindName(InputKind::kUnknown), "unknown");
}

}  // namespace
}  // namespace redact
