#include "audit/digest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace redact {
namespace {

namespace fs = std::filesystem;

TEST(HmacDigest, Rfc4231TestCase1) {
  EXPECT_EQ(HmacDigest(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacDigest, Rfc4231TestCase2) {
  EXPECT_EQ(HmacDigest("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacDigest, DependsOnKeyAndEmptyKeyWorks) {
  EXPECT_NE(HmacDigest("k1", "Kestrel"), HmacDigest("k2", "Kestrel"));
  EXPECT_EQ(HmacDigest("k1", "Kestrel"), HmacDigest("k1", "Kestrel"));
  EXPECT_EQ(HmacDigest("", "").size(), 64u);
}

TEST(MaskPreview, KeepsTwoCharactersPerWord) {
  EXPECT_EQ(MaskPreview("Operation Kestrel"), "Op******* Ke*****");
  EXPECT_EQ(MaskPreview("a"), "a");
  EXPECT_EQ(MaskPreview("ab"), "ab");
  EXPECT_EQ(MaskPreview("abc"), "ab*");
  EXPECT_EQ(MaskPreview("4111 1111 1111 1111"), "41** 11** 11** 11**");
  EXPECT_EQ(MaskPreview(""), "");
}

TEST(MaskPreview, CollapsesWhitespace) {
  EXPECT_EQ(MaskPreview("  lots   of\tspace\n"), "lo** of sp***");
  EXPECT_EQ(MaskPreview(" \t\n "), "");
  // No-break space (U+00A0) and narrow no-break space (U+202F) separate words too.
  EXPECT_EQ(MaskPreview("Jane\u00A0Doe\u202FSmith"), "Ja** Do* Sm***");
}

TEST(MaskPreview, CountsUtf8CodePointsNotBytes) {
  EXPECT_EQ(MaskPreview("Zoë Ångström"), "Zo* Ån******");
  EXPECT_EQ(MaskPreview("ÅÖÄÜ"), "ÅÖ**");
  EXPECT_EQ(MaskPreview("東京都港区"), "東京***");
  EXPECT_EQ(MaskPreview("😀😀😀"), "😀😀*");
}

TEST(MaskPreview, InvalidUtf8BecomesReplacementAndStaysSerialisable) {
  EXPECT_EQ(MaskPreview("\xff\xfe" "ab"), "\uFFFD\uFFFD**");
  EXPECT_EQ(MaskPreview("a\xc3"), "a\uFFFD");           // cut multi-byte sequence
  EXPECT_EQ(MaskPreview("\xc0\xaf" "x"), "\uFFFD\uFFFD*");  // overlong '/'
  nlohmann::json j = {{"preview", MaskPreview("\xed\xa0\x80zz")}};  // a surrogate
  EXPECT_NO_THROW(j.dump());
}

// A private HOME for each test, with the key-related environment cleared and
// restored afterwards (ctest sets REDACT_HMAC_KEY for every test).
class LoadHmacKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVars) {
      const char* v = std::getenv(name);
      saved_.push_back(v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
    std::string tmpl = (fs::temp_directory_path() / "redact-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    home_ = tmpl;
    ::setenv("HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    for (size_t i = 0; i < std::size(kVars); ++i) {
      if (saved_[i]) ::setenv(kVars[i], saved_[i]->c_str(), 1);
      else ::unsetenv(kVars[i]);
    }
    fs::remove_all(home_);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    fs::path p = home_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  static mode_t Mode(const fs::path& p) {
    struct stat st;
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  }

  static constexpr const char* kVars[] = {"HOME", "XDG_CONFIG_HOME", "REDACT_HMAC_KEY"};
  std::vector<std::optional<std::string>> saved_;
  fs::path home_;
};

TEST_F(LoadHmacKeyTest, ExplicitKeyWinsOverEverything) {
  ::setenv("REDACT_HMAC_KEY", "from-env", 1);
  std::string file = WriteFile("key", "from-file\n");
  Result<std::string> key = LoadHmacKey(std::string("explicit"), file);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(*key, "explicit");
}

TEST_F(LoadHmacKeyTest, KeyFileWinsOverEnvironment) {
  ::setenv("REDACT_HMAC_KEY", "from-env", 1);
  std::string file = WriteFile("key", "from-file\n");
  Result<std::string> key = LoadHmacKey(std::nullopt, file);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(*key, "from-file");
  Result<std::string> env = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(*env, "from-env");
}

TEST_F(LoadHmacKeyTest, KeyFileLosesTrailingNewlineOnly) {
  EXPECT_EQ(*LoadHmacKey(std::nullopt, WriteFile("k1", "from-file\n")), "from-file");
  EXPECT_EQ(*LoadHmacKey(std::nullopt, WriteFile("k2", "from-file\r\n")), "from-file");
  EXPECT_EQ(*LoadHmacKey(std::nullopt, WriteFile("k3", " spaced key ")), " spaced key ");
  EXPECT_FALSE(fs::exists(home_ / ".config")) << "a given key file must not create the default";
}

TEST_F(LoadHmacKeyTest, EmptyKeysAreErrors) {
  Result<std::string> explicit_empty = LoadHmacKey(std::string(), std::nullopt);
  ASSERT_FALSE(explicit_empty);
  EXPECT_EQ(explicit_empty.error().kind, ErrorKind::kConfig);

  ::setenv("REDACT_HMAC_KEY", "", 1);
  Result<std::string> env_empty = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_FALSE(env_empty);
  EXPECT_NE(env_empty.error().message.find("REDACT_HMAC_KEY"), std::string::npos);
  ::unsetenv("REDACT_HMAC_KEY");

  std::string file = WriteFile("empty", "\n");
  Result<std::string> file_empty = LoadHmacKey(std::nullopt, file);
  ASSERT_FALSE(file_empty);
  EXPECT_EQ(file_empty.error().kind, ErrorKind::kConfig);
  EXPECT_NE(file_empty.error().message.find(file), std::string::npos);
}

TEST_F(LoadHmacKeyTest, MissingKeyFileIsAConfigErrorNamingIt) {
  std::string missing = (home_ / "nope.key").string();
  Result<std::string> key = LoadHmacKey(std::nullopt, missing);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().kind, ErrorKind::kConfig);
  EXPECT_NE(key.error().message.find(missing), std::string::npos) << key.error().message;
}

TEST_F(LoadHmacKeyTest, GeneratesPrivateKeyUnderXdgConfigHomeAndReusesIt) {
  fs::path xdg = home_ / "xdg";
  ::setenv("XDG_CONFIG_HOME", xdg.c_str(), 1);
  Result<std::string> first = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->size(), 64u);
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos);

  fs::path file = xdg / "redact" / "hmac.key";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(Mode(file), 0600u);
  EXPECT_EQ(Mode(xdg / "redact"), 0700u);
  EXPECT_EQ(fs::file_size(file), 65u);  // hex + '\n'
  // No temporary left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(xdg / "redact"), fs::directory_iterator()), 1);

  Result<std::string> second = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);
}

TEST_F(LoadHmacKeyTest, FallsBackToDotConfigAndReadsAnExistingKey) {
  Result<std::string> generated = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_TRUE(generated) << generated.error().message;
  fs::path file = home_ / ".config" / "redact" / "hmac.key";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(Mode(file), 0600u);

  std::ofstream(file, std::ios::trunc) << "chosen-by-admin\n";
  EXPECT_EQ(*LoadHmacKey(std::nullopt, std::nullopt), "chosen-by-admin");
}

TEST_F(LoadHmacKeyTest, RelativeXdgConfigHomeIsIgnored) {
  ::setenv("XDG_CONFIG_HOME", "relative/dir", 1);
  ASSERT_TRUE(LoadHmacKey(std::nullopt, std::nullopt));
  EXPECT_TRUE(fs::exists(home_ / ".config" / "redact" / "hmac.key"));
}

TEST_F(LoadHmacKeyTest, ConcurrentFirstUseAgreesOnOneKey) {
  std::vector<std::string> keys(8);
  std::vector<std::thread> threads;
  for (auto& k : keys) {
    threads.emplace_back([&k] {
      Result<std::string> key = LoadHmacKey(std::nullopt, std::nullopt);
      if (key) k = *key;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& k : keys) EXPECT_EQ(k, keys[0]);
  EXPECT_EQ(keys[0].size(), 64u);
}

TEST_F(LoadHmacKeyTest, NoHomeIsAConfigError) {
  ::unsetenv("HOME");
  Result<std::string> key = LoadHmacKey(std::nullopt, std::nullopt);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().kind, ErrorKind::kConfig);
}

}  // namespace
}  // namespace redact
