#include "pipeline/inputs.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

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
