#include "pipeline/inputs.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace redact {
namespace {
namespace fs = std::filesystem;

class InputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "redact-inputs-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Touch(const std::string& rel) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << "x";
  }
  fs::path dir_;
};

TEST(OutputStem, DropsOnlyTheLastExtension) {
  EXPECT_EQ(OutputStem("a/b/01.scan.pdf"), "01.scan");
  EXPECT_EQ(OutputStem("report.pdf"), "report");
  EXPECT_EQ(OutputStem("README"), "README");
  EXPECT_EQ(OutputStem(".hidden"), ".hidden");
}

TEST(OutputStem, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(OutputStem("in/bad-\xff\xfe.pdf"), "bad-__");
  EXPECT_EQ(OutputStem("caf\xc3\xa9.pdf"), "caf\xc3\xa9");
  EXPECT_EQ(OutputStem("cut-\xc3.pdf"), "cut-_");
}

TEST_F(InputsTest, SpecialFilesLoopsAndDocumentNamedFoldersAreReported) {
  Touch("good.pdf");
  ASSERT_EQ(::mkfifo((dir_ / "fifo.pdf").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir_ / "zero.pdf");
  fs::create_symlink("b.pdf", dir_ / "a.pdf");
  fs::create_symlink("a.pdf", dir_ / "b.pdf");
  fs::create_directories(dir_ / "x.pdf");
  Touch("x.pdf/inner.pdf");
  fs::create_directory_symlink(dir_ / "x.pdf", dir_ / "linked");
  std::map<std::string, InputFile> got;
  for (const InputFile& f : ExpandInputs({dir_.string()})) got[fs::path(f.path).filename()] = f;
  EXPECT_TRUE(got["good.pdf"].problem.empty());
  EXPECT_TRUE(got["inner.pdf"].problem.empty());
  EXPECT_NE(got["fifo.pdf"].problem.find("FIFO"), std::string::npos);
  EXPECT_TRUE(got["fifo.pdf"].skipped);
  EXPECT_NE(got["zero.pdf"].problem.find("device"), std::string::npos);
  EXPECT_TRUE(got["zero.pdf"].skipped);
  EXPECT_NE(got["a.pdf"].problem.find("symlink loop"), std::string::npos);
  EXPECT_FALSE(got["a.pdf"].skipped);
  EXPECT_NE(got["x.pdf"].problem.find("folder"), std::string::npos);
  EXPECT_TRUE(got["x.pdf"].skipped);
  EXPECT_NE(got["linked"].problem.find("not descended"), std::string::npos);
  EXPECT_EQ(got.size(), 8u);
  // Given directly, a loop is reported too, not followed forever.
  std::vector<InputFile> direct = ExpandInputs({(dir_ / "a.pdf").string()});
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_NE(direct[0].problem.find("symlink loop"), std::string::npos);
}

TEST_F(InputsTest, FoldersAreTakenRecursivelyInNameOrder) {
  Touch("b.pdf");
  Touch("sub/a.pdf");
  Touch("a.txt");
  std::vector<InputFile> got = ExpandInputs({dir_.string()});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(fs::path(got[0].path).filename(), "a.txt");
  EXPECT_EQ(fs::path(got[1].path).filename(), "b.pdf");
  EXPECT_EQ(fs::path(got[2].path).filename(), "a.pdf");
  for (const auto& f : got) EXPECT_TRUE(f.problem.empty());
}

TEST_F(InputsTest, MissingAndSpecialPathsAreReportedNotDropped) {
  std::vector<InputFile> got = ExpandInputs({(dir_ / "nope.pdf").string(), "/dev/null"});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].problem.find("no such file"), std::string::npos);
  EXPECT_NE(got[1].problem.find("not a regular file"), std::string::npos);
}

TEST_F(InputsTest, NamerNeverReusesANameOrAnExistingOutput) {
  Touch("out/x.redacted.pdf");
  OutputNamer namer((dir_ / "out").string());
  EXPECT_EQ(namer.Reserve("in/x.pdf"), "x-2");
  EXPECT_EQ(namer.Reserve("other/x.pdf"), "x-3");
  EXPECT_EQ(namer.Reserve("y.pdf"), "y");
  EXPECT_EQ(namer.Reserve("y.txt"), "y-2");
}

}  // namespace
}  // namespace redact
