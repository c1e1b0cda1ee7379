// Integration tests of OCR through the real binary: the scanned samples made by
// tools/make-scans (image-only PDF, PNG, JPEG, multi-page TIFF, a page fed
// sideways) are redacted, and the identifiers planted in them must be gone from
// the output's text layer and from its pixels (the output is OCRed again).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "cli_test_util.h"
#include "core/file_util.h"
#include "extract/ocr_engine.h"
#include "extract/pdf_document.h"

namespace redact::testing {
namespace {
namespace fs = std::filesystem;

std::string Scans() { return std::string(REDACT_TEST_DATA) + "/scans"; }
std::string BadScans() { return std::string(REDACT_TEST_DATA) + "/scans-bad"; }

// Identifiers of samples/incident-report.pdf that OCR reads on the scans and the
// bundled packs redact, as fragments that must not survive anywhere.
const std::vector<std::string> kPage1Secrets = {
    "OFFICIAL-SENSITIVE", "10.20.30.40", "192.168.1.77", "Kestrel", "NIGHTJAR",
    "ub4dor", "harper@", "7946 0958", "900123", "900456", "5500-0000-0000-0004",
    "4111 1111", "11111111",
};
const std::vector<std::string> kPage2Secrets = {
    "TOP SECRET", "foi.officer", "496 0123", "192.168.1.77", "NIGHTJAR",
};
// Ordinary words that must stay, searchable, in the output's text layer.
const std::vector<std::string> kKeptPage1 = {"corridor", "weather", "Westminster", "Summary"};
const std::vector<std::string> kKeptPage2 = {"insurer", "workstation", "Assessment"};

std::vector<std::string> Joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The text OCR reads on the pages of the PDF at `path`, rendered at 300 dpi.
std::string OcrOfPdf(OcrEngine& engine, const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes) return "";
  auto pdf = PdfDocument::Open(*bytes, "");
  if (!pdf) return "";
  std::string text;
  for (int i = 0; i < (*pdf)->page_count(); ++i) {
    Result<Raster> image = (*pdf)->RenderPage(i, 300);
    if (!image) continue;
    Result<OcrPage> ocr = engine.Recognise(*image);
    if (!ocr) continue;
    for (const Word& w : ocr->words) text += w.text + (w.line_end ? "\n" : " ");
  }
  return CollapseWhitespace(text);
}

// Records of one type, by the file name of their input.
std::map<std::string, std::vector<nlohmann::json>> ByFile(const std::vector<nlohmann::json>& records,
                                                          const std::string& type) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (const nlohmann::json& r : records) {
    if (r.value("type", "") == type) {
      out[fs::path(r.value("file", "")).filename().string()].push_back(r);
    }
  }
  return out;
}

// One run over every good scan, checked from every side by the methods below.
// (One test, not several: ctest runs each test in a process of its own, and the
// OCR run is the slow part.)
class RunScans : public ::testing::Test {
 protected:
  void SetUp() override {
    result_ = RunRedact({"run", Scans(), "-o", out_.path(), "--jobs", "2"});
    records_ = AuditRecords(out_ / "audit.jsonl");
  }
  std::string Output(const std::string& stem) const { return out_ / (stem + ".redacted.pdf"); }

  void CheckDocumentRecords() const;
  void CheckFindings() const;
  void CheckSecretsGoneFromTextLayerAndPixels() const;
  void CheckSecretsGoneFromImageOutputs() const;
  void CheckOrdinaryWordsStay() const;

  TempDir out_;
  CommandResult result_;
  std::vector<nlohmann::json> records_;
};

TEST_F(RunScans, ScansAreReadByOcrAndRedacted) {
  ASSERT_EQ(result_.exit_code, 0) << result_.err;
  CheckDocumentRecords();
  CheckFindings();
  CheckSecretsGoneFromTextLayerAndPixels();
  CheckSecretsGoneFromImageOutputs();
  CheckOrdinaryWordsStay();
}

void RunScans::CheckDocumentRecords() const {
  SCOPED_TRACE("document records");
  const auto docs = ByFile(records_, "document");
  const std::map<std::string, int> pages = {{"incident-report.scan.pdf", 2},
                                            {"incident-report-p1.png", 1},
                                            {"incident-report-p2.jpg", 1},
                                            {"foi-response.scan.tif", 2},
                                            {"sideways.png", 1}};
  for (const auto& [name, count] : pages) {
    ASSERT_EQ(docs.count(name), 1u) << name;
    const nlohmann::json& d = docs.at(name).front();
    EXPECT_EQ(d["status"], "redacted") << name << ": " << d.dump();
    EXPECT_EQ(d["pages"], count) << name;
    EXPECT_EQ(d["ocr_pages"], count) << name;
    EXPECT_EQ(d["verified"], true) << name;
    ASSERT_EQ(d["ocr"].size(), static_cast<size_t>(count)) << name;
    for (const auto& note : d["ocr"]) {
      EXPECT_EQ(note["source"], "ocr");
      EXPECT_GT(note["confidence"].get<double>(), 70) << name;
    }
  }
  EXPECT_EQ(docs.at("sideways.png").front()["ocr"][0]["rotation"], 270);
}

void RunScans::CheckFindings() const {
  SCOPED_TRACE("findings");
  const auto findings = ByFile(records_, "finding");
  ASSERT_EQ(findings.count("incident-report.scan.pdf"), 1u);
  EXPECT_GE(findings.at("incident-report.scan.pdf").size(), 15u);
  for (const auto& [name, list] : findings) {
    for (const nlohmann::json& f : list) {
      EXPECT_EQ(f["source"], "ocr") << name;
      ASSERT_FALSE(f["boxes"].empty()) << name << " " << f.dump();
      for (const auto& b : f["boxes"]) {
        // A4 at the images' 200 dpi: 595 x 842 points (sideways: 842 x 595).
        EXPECT_GE(b[0].get<double>(), 0) << name;
        EXPECT_LE(b[2].get<double>(), 842) << name;
        EXPECT_LT(b[0].get<double>(), b[2].get<double>()) << name;
      }
    }
  }
  // The FOI response's security body is flagged on page 2 of the TIFF.
  bool flagged = false;
  for (const nlohmann::json& f : findings.at("foi-response.scan.tif")) {
    flagged |= f["action"] == "flag" && f["page"] == 2;
  }
  EXPECT_TRUE(flagged);
}

void RunScans::CheckSecretsGoneFromTextLayerAndPixels() const {
  SCOPED_TRACE("text layer and pixels");
  auto engine = OcrEngine::Create("eng", "");
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  const std::map<std::string, std::vector<std::string>> secrets = {
      {"incident-report.scan", Joined(kPage1Secrets, kPage2Secrets)},
      {"sideways", kPage1Secrets},
  };
  for (const auto& [stem, list] : secrets) {
    const std::string layer = PdfText(Output(stem));
    const std::string pixels = OcrOfPdf(**engine, Output(stem));
    ASSERT_GT(pixels.size(), 500u) << stem;  // the output was read at all
    for (const std::string& s : list) {
      EXPECT_EQ(layer.find(s), std::string::npos) << s << " in the text layer of " << stem;
      EXPECT_EQ(pixels.find(s), std::string::npos) << s << " readable in the pixels of " << stem;
    }
  }
}

void RunScans::CheckSecretsGoneFromImageOutputs() const {
  SCOPED_TRACE("image outputs");
  const std::map<std::string, std::vector<std::string>> secrets = {
      {"incident-report-p1", kPage1Secrets}, {"incident-report-p2", kPage2Secrets}};
  for (const auto& [stem, list] : secrets) {
    const std::string layer = PdfText(Output(stem));
    const std::string text = Slurp(out_ / (stem + ".redacted.txt"));
    for (const std::string& s : list) {
      EXPECT_EQ(layer.find(s), std::string::npos) << s << " in " << stem;
      EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << stem << ".redacted.txt";
    }
  }
}

void RunScans::CheckOrdinaryWordsStay() const {
  SCOPED_TRACE("ordinary words");
  const std::string scan = PdfText(Output("incident-report.scan"));
  for (const std::string& w : Joined(kKeptPage1, kKeptPage2)) {
    EXPECT_NE(scan.find(w), std::string::npos) << w;
  }
  const std::string sideways = PdfText(Output("sideways"));
  for (const std::string& w : kKeptPage1) EXPECT_NE(sideways.find(w), std::string::npos) << w;
  const std::string tiff = PdfText(Output("foi-response.scan"));
  EXPECT_NE(tiff.find("Freedom of Information"), std::string::npos);
  EXPECT_EQ(PdfPageCount(Output("foi-response.scan")), 2);
}

TEST(OcrRun, BadImagesFailWithClearErrorsAndTheOthersGoOn) {
  TempDir in, out;
  for (const char* name : {"truncated.png", "truncated.jpg", "bomb.png"}) {
    Copy(BadScans() + "/" + name, in / name);
  }
  WriteText(in / "note.txt", "Nothing to see: call 07700 900123.\n");
  CommandResult r = RunRedact({"run", in.path(), "-o", out.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto docs = ByFile(AuditRecords(out / "audit.jsonl"), "document");
  auto error_of = [&](const std::string& name) -> std::string {
    if (!docs.count(name)) return "(no record)";
    const nlohmann::json& d = docs.at(name).front();
    EXPECT_EQ(d["status"], "failed") << name;
    return d["error"].is_string() ? d["error"].get<std::string>() : "";
  };
  EXPECT_NE(error_of("truncated.png").find("damaged or truncated"), std::string::npos)
      << error_of("truncated.png");
  EXPECT_NE(error_of("truncated.jpg").find("damaged or truncated"), std::string::npos)
      << error_of("truncated.jpg");
  EXPECT_NE(error_of("bomb.png").find("100000 x 100000 pixels, over the limit"), std::string::npos)
      << error_of("bomb.png");
  EXPECT_EQ(docs.at("bomb.png").front()["error_kind"], "limit");
  ASSERT_EQ(docs.count("note.txt"), 1u);
  EXPECT_EQ(docs.at("note.txt").front()["status"], "redacted");
  EXPECT_NE(r.err.find("truncated.png"), std::string::npos) << r.err;
}

TEST(OcrRun, MissingLanguagePackFailsTheScanOnly) {
  TempDir in, out, empty_tessdata;
  Copy(Scans() + "/incident-report-p2.jpg", in / "scan.jpg");
  Copy(SamplePath("incident-report.pdf"), in / "text.pdf");
  ::setenv("TESSDATA_PREFIX", empty_tessdata.path().c_str(), 1);
  CommandResult r = RunRedact({"run", in.path(), "-o", out.path()});
  ::unsetenv("TESSDATA_PREFIX");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto docs = ByFile(AuditRecords(out / "audit.jsonl"), "document");
  ASSERT_EQ(docs.count("scan.jpg"), 1u);
  const nlohmann::json& scan = docs.at("scan.jpg").front();
  EXPECT_EQ(scan["status"], "failed");
  EXPECT_NE(scan["error"].get<std::string>().find(
                "Tesseract language pack 'eng' is not installed (apt-get install tesseract-ocr-eng)"),
            std::string::npos)
      << scan.dump();
  ASSERT_EQ(docs.count("text.pdf"), 1u);
  EXPECT_EQ(docs.at("text.pdf").front()["status"], "redacted");
  EXPECT_EQ(docs.at("text.pdf").front()["ocr_pages"], 0);  // a text layer needs no OCR
}

TEST(OcrRun, OcrNeverLeavesAScanUnread) {
  TempDir out;
  CommandResult r = RunRedact(
      {"run", Scans() + "/incident-report-p2.jpg", "-o", out.path(), "--ocr", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto records = AuditRecords(out / "audit.jsonl");
  EXPECT_TRUE(ByFile(records, "finding").empty());
  const auto docs = ByFile(records, "document");
  ASSERT_EQ(docs.count("incident-report-p2.jpg"), 1u);
  EXPECT_EQ(docs.at("incident-report-p2.jpg").front()["ocr_pages"], 0);
  EXPECT_EQ(PdfPageCount(out / "incident-report-p2.redacted.pdf"), 1);
}

TEST(OcrRun, TextPdfsAreNotOcredInAutoMode) {
  TempDir out;
  CommandResult r = RunRedact({"run", SamplePath("foi-response.pdf"), SamplePath("incident-report.pdf"),
                               "-o", out.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& [name, list] : ByFile(AuditRecords(out / "audit.jsonl"), "document")) {
    EXPECT_EQ(list.front()["ocr_pages"], 0) << name;
  }
}

TEST(OcrRun, OcrAlwaysReadsATextPdfAgain) {
  TempDir out;
  CommandResult r =
      RunRedact({"run", SamplePath("incident-report.pdf"), "-o", out.path(), "--ocr", "always"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto records = AuditRecords(out / "audit.jsonl");
  const auto docs = ByFile(records, "document");
  ASSERT_EQ(docs.count("incident-report.pdf"), 1u);
  EXPECT_EQ(docs.at("incident-report.pdf").front()["ocr_pages"], 2);
  const std::string layer = PdfText(out / "incident-report.redacted.pdf");
  for (const char* s : {"10.20.30.40", "Kestrel", "NIGHTJAR"}) {
    EXPECT_EQ(layer.find(s), std::string::npos) << s;
  }
  EXPECT_NE(layer.find("corridor"), std::string::npos);
}

}  // namespace
}  // namespace redact::testing
