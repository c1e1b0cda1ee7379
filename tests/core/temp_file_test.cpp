// TempFile (unnamed files, published by linking) and SpillStore (data put
// aside and read back, on disk or in memory), and PackWords' exact round trip.
#include "core/temp_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/file_util.h"
#include "core/page.h"

namespace redact {
namespace {

namespace fs = std::filesystem;

std::string Folder() {
  std::string dir = (fs::path(::testing::TempDir()) / "redact-temp-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return dir;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TempFile, IsUnnamedUntilLinkedThenPublishedWhole) {
  const std::string dir = Folder();
  Result<TempFile> file = TempFile::Create(dir);
  ASSERT_TRUE(file.ok()) << file.error().message;
  const std::string bytes = std::string(3 << 20, 'x') + "tail";
  ASSERT_TRUE(file->WriteAt(0, bytes).ok());
  EXPECT_TRUE(fs::is_empty(dir)) << "an unnamed file shows in the folder";
  EXPECT_EQ(*file->Size(), bytes.size());
  EXPECT_EQ(*file->Sha256Hex(), Sha256Hex(bytes));
  const std::string target = dir + "/out.pdf";
  ASSERT_TRUE(file->LinkAs(target).ok());
  EXPECT_EQ(Slurp(target), bytes);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1)
      << "a temporary name was left behind";
  struct stat st;
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  // Linking again replaces the published file atomically.
  ASSERT_TRUE(file->WriteAt(0, "XY").ok());
  ASSERT_TRUE(file->LinkAs(dir + "/again.pdf").ok());
  EXPECT_EQ(Slurp(dir + "/again.pdf").substr(0, 3), "XYx");
  fs::remove_all(dir);
}

TEST(TempFile, FailsWithTheFolderNamed) {
  Result<TempFile> file = TempFile::Create("/nonexistent/redact-folder");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kIo);
  EXPECT_NE(file.error().message.find("/nonexistent/redact-folder"), std::string::npos);
}

TEST(TempFile, AReadPastTheEndFails) {
  const std::string dir = Folder();
  Result<TempFile> file = TempFile::Create(dir);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->WriteAt(0, "abc").ok());
  char out[8];
  EXPECT_TRUE(file->ReadAt(1, 2, out).ok());
  EXPECT_EQ(std::string(out, 2), "bc");
  EXPECT_FALSE(file->ReadAt(1, 5, out).ok());
  fs::remove_all(dir);
}

void ExpectStoreKeepsEverything(SpillStore& store) {
  // Four threads append at once; every span reads back its own bytes.
  std::vector<std::vector<std::pair<SpillStore::Span, std::string>>> kept(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string bytes(static_cast<size_t>(i * 37 % 5000), static_cast<char>('a' + t));
        bytes += std::to_string(i);
        Result<SpillStore::Span> at = store.Append(bytes);
        ASSERT_TRUE(at.ok());
        kept[t].emplace_back(*at, bytes);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& list : kept) {
    for (const auto& [span, bytes] : list) {
      Result<std::string> back = store.Read(span);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(*back, bytes);
    }
  }
}

TEST(SpillStore, OnDiskKeepsWhatEachThreadAppends) {
  const std::string dir = Folder();
  Result<std::unique_ptr<SpillStore>> store = SpillStore::InDir(dir);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->on_disk());
  ExpectStoreKeepsEverything(**store);
  fs::remove_all(dir);
}

TEST(SpillStore, InMemoryKeepsWhatEachThreadAppends) {
  Result<std::unique_ptr<SpillStore>> store = SpillStore::InDir("");
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->on_disk());
  ExpectStoreKeepsEverything(**store);
  EXPECT_FALSE((*store)->Read(SpillStore::Span{9999, 1}).ok());
}

TEST(PackWords, ReadsBackBitForBit) {
  std::vector<Word> words(3);
  words[0].text = "Operation";
  words[0].box = Box{0.1, 1.0 / 3, 72.25, 1e-9};
  words[0].glyphs = {Box{1, 2, 3, 4}, Box{0.3, 0.7, 1.0 / 7, 2.5}};
  words[0].confidence = 87.5f;
  words[0].source = WordSource::kOcr;
  words[0].line_end = true;
  words[0].space_after = false;
  words[1].text = "\xc3\xa9t\xc3\xa9";  // UTF-8
  words[2].text = std::string(300, 'x');
  const std::string packed = PackWords(words);
  std::vector<Word> back;
  ASSERT_TRUE(UnpackWords(packed, back));
  ASSERT_EQ(back.size(), words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(back[i].text, words[i].text);
    EXPECT_EQ(back[i].box, words[i].box);
    EXPECT_EQ(back[i].glyphs, words[i].glyphs);
    EXPECT_EQ(back[i].confidence, words[i].confidence);
    EXPECT_EQ(back[i].source, words[i].source);
    EXPECT_EQ(back[i].line_end, words[i].line_end);
    EXPECT_EQ(back[i].space_after, words[i].space_after);
  }
  // Bytes it did not make are refused, not misread.
  EXPECT_FALSE(UnpackWords(packed.substr(0, packed.size() - 1), back));
  EXPECT_FALSE(UnpackWords(packed + "x", back));
  EXPECT_TRUE(UnpackWords(PackWords({}), back));
  EXPECT_TRUE(back.empty());
}

}  // namespace
}  // namespace redact
