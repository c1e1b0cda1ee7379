#include "detect/validators.h"

#include <gtest/gtest.h>

namespace redact {
namespace {

TEST(Luhn, AcceptsValidCardNumbersWrittenAnyWay) {
  EXPECT_TRUE(ValidLuhn("4111111111111111"));
  EXPECT_TRUE(ValidLuhn("4111 1111 1111 1111"));
  EXPECT_TRUE(ValidLuhn("5500-0000-0000-0004"));
  EXPECT_TRUE(ValidLuhn("378282246310005"));  // Amex, odd length
  EXPECT_TRUE(ValidLuhn("79927398713"));      // the textbook example
}

TEST(Luhn, RejectsWrongCheckDigitsAndNonDigits) {
  EXPECT_FALSE(ValidLuhn("4111111111111112"));
  EXPECT_FALSE(ValidLuhn("79927398710"));
  EXPECT_FALSE(ValidLuhn("4111 1111 1111 111A"));
  EXPECT_FALSE(ValidLuhn(""));
  EXPECT_FALSE(ValidLuhn("0"));
}

TEST(Mod97, AcceptsValidIbans) {
  EXPECT_TRUE(ValidMod97("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(ValidMod97("GB82WEST12345698765432"));
  EXPECT_TRUE(ValidMod97("DE89370400440532013000"));
  EXPECT_TRUE(ValidMod97("gb82 west 1234 5698 7654 32"));  // case does not matter
}

TEST(Mod97, RejectsBadChecksumsLengthsAndShapes) {
  EXPECT_FALSE(ValidMod97("GB82 WEST 1234 5698 7654 33"));
  EXPECT_FALSE(ValidMod97("GB83 WEST 1234 5698 7654 32"));
  EXPECT_FALSE(ValidMod97("GB82WEST1234"));                        // under 15
  EXPECT_FALSE(ValidMod97("GB82WEST1234569876543212345678901234"));  // over 34
  EXPECT_FALSE(ValidMod97("1282WEST12345698765432"));              // no country
}

TEST(UkNino, AcceptsValidNumbersWithOrWithoutSuffix) {
  EXPECT_TRUE(ValidUkNino("AB 12 34 56 C"));
  EXPECT_TRUE(ValidUkNino("JG103759A"));
  EXPECT_TRUE(ValidUkNino("SP123456"));
  EXPECT_TRUE(ValidUkNino("AB-12-34-56-D"));
}

TEST(UkNino, RejectsHmrcForbiddenPrefixesAndSuffixes) {
  EXPECT_FALSE(ValidUkNino("DA123456A"));  // first letter D
  EXPECT_FALSE(ValidUkNino("QQ123456C"));  // first letter Q (HMRC's example prefix)
  EXPECT_FALSE(ValidUkNino("AO123456A"));  // second letter O
  EXPECT_FALSE(ValidUkNino("AV123456A"));  // second letter V
  for (const char* prefix : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}) {
    EXPECT_FALSE(ValidUkNino(std::string(prefix) + "123456A")) << prefix;
  }
  EXPECT_FALSE(ValidUkNino("AB123456E"));  // suffix beyond D
  EXPECT_FALSE(ValidUkNino("AB12345C"));   // five digits
  EXPECT_FALSE(ValidUkNino("A1123456C"));
}

TEST(NhsNumber, AcceptsValidNumbers) {
  EXPECT_TRUE(ValidNhsNumber("943 476 5919"));
  EXPECT_TRUE(ValidNhsNumber("9434765919"));
  EXPECT_TRUE(ValidNhsNumber("401-023-2137"));
  EXPECT_TRUE(ValidNhsNumber("4010232137"));
}

TEST(NhsNumber, RejectsWrongCheckDigitAndCheckOfTen) {
  EXPECT_FALSE(ValidNhsNumber("9434765918"));
  EXPECT_FALSE(ValidNhsNumber("943476591"));    // nine digits
  EXPECT_FALSE(ValidNhsNumber("94347659190"));  // eleven digits
  // 1000000010: sum = 10 + 1*2 = 12 -> 11 - 1 = 10, which no number may have.
  EXPECT_FALSE(ValidNhsNumber("1000000010"));
  EXPECT_FALSE(ValidNhsNumber("100000001X"));
}

TEST(NhsNumber, CheckOfElevenMeansZero) {
  // 0000000000: sum 0 -> 11 - 0 = 11 -> check digit 0.
  EXPECT_TRUE(ValidNhsNumber("0000000000"));
  EXPECT_FALSE(ValidNhsNumber("0000000001"));
}

TEST(FindValidator, KnowsThePackNames) {
  EXPECT_EQ(FindValidator("luhn"), &ValidLuhn);
  EXPECT_EQ(FindValidator("mod97"), &ValidMod97);
  EXPECT_EQ(FindValidator("uk-nino"), &ValidUkNino);
  EXPECT_EQ(FindValidator("nhs-mod11"), &ValidNhsNumber);
  EXPECT_EQ(FindValidator("lunh"), nullptr);
  EXPECT_EQ(FindValidator(""), nullptr);
}

}  // namespace
}  // namespace redact
