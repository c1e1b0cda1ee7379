// A scratch folder of rule pack and policy files for one test, removed after.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace redact::testing_detect {

class TempPacks {
 public:
  TempPacks() {
    std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "redact-detect-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempPacks() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempPacks(const TempPacks&) = delete;
  TempPacks& operator=(const TempPacks&) = delete;

  // Writes `name` in the folder and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string dir() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

// Whether `text` holds `part`, printing both when it does not.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

}  // namespace redact::testing_detect

#define EXPECT_CONTAINS(text, part) EXPECT_TRUE(::redact::testing_detect::Contains((text), (part)))
