// Real-world PDFs (tools/make-realworld, tests/data/realworld/): every planted
// value is gone from the output's text layer, its bytes, its metadata and an
// OCR of its pages; hidden values are reported as hidden findings and never
// reach the text layer; document-level values are reported at page 0; the
// words around them survive.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "core/file_util.h"
#include "extract/ocr_engine.h"
#include "extract/pdf_document.h"

namespace redact::testing {
namespace {

struct Planted {
  std::string file, value, kind;  // kind: visible, hidden or document
};

std::string RealWorld(const std::string& name) {
  return std::string(REDACT_TEST_DATA) + "/realworld/" + name;
}

std::vector<Planted> ReadPlanted() {
  std::ifstream in(RealWorld("planted.txt"));
  std::vector<Planted> out;
  Planted p;
  while (in >> p.file >> p.value >> p.kind) out.push_back(p);
  return out;
}

std::string Stem(const std::string& file) { return file.substr(0, file.rfind('.')); }

// One run over every real-world PDF, shared by the tests.
class RealWorldRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::vector<std::string> args = {"run"};
    for (const char* f : {"forms.pdf", "hidden.pdf", "places.pdf", "glyphs.pdf", "office.pdf",
                          "undecoded.pdf", "scrambled.pdf"}) {
      args.push_back(RealWorld(f));
    }
    args.insert(args.end(), {"-o", dir_->path()});
    result_ = new CommandResult(RunRedact(args));
    scan_ = new std::vector<nlohmann::json>();
    std::vector<std::string> scan_args = {"scan", "--json", "--show-matches"};
    for (size_t i = 1; i + 2 < args.size(); ++i) scan_args.push_back(args[i]);
    std::istringstream lines(RunRedact(scan_args).out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) scan_->push_back(nlohmann::json::parse(line));
    }
  }
  static void TearDownTestSuite() {
    delete result_;
    delete scan_;
    delete dir_;
  }
  std::string Output(const std::string& file, const std::string& ext) const {
    return *dir_ / (Stem(file) + ".redacted." + ext);
  }
  // The scan records whose match is `value`, in `file`.
  std::vector<nlohmann::json> Matches(const std::string& file, const std::string& value) const {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& r : *scan_) {
      if (r["file"].get<std::string>().find("/" + file) != std::string::npos &&
          r["match"].get<std::string>().find(value) != std::string::npos) {
        out.push_back(r);
      }
    }
    return out;
  }

  static TempDir* dir_;
  static CommandResult* result_;
  static std::vector<nlohmann::json>* scan_;
};
TempDir* RealWorldRun::dir_ = nullptr;
CommandResult* RealWorldRun::result_ = nullptr;
std::vector<nlohmann::json>* RealWorldRun::scan_ = nullptr;

TEST_F(RealWorldRun, EveryDocumentIsRedactedAndVerified) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  int documents = 0;
  for (const nlohmann::json& r : AuditRecords(*dir_ / "audit.jsonl")) {
    if (r["type"] != "document") continue;
    ++documents;
    EXPECT_EQ(r["status"], "redacted") << r.dump();
    EXPECT_EQ(r["verified"], true) << r.dump();
  }
  EXPECT_EQ(documents, 7);
}

TEST_F(RealWorldRun, PlantedValuesAreGoneFromTextBytesAndMetadata) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  for (const Planted& p : ReadPlanted()) {
    const std::string pdf = Output(p.file, "pdf");
    EXPECT_EQ(PdfText(pdf).find(p.value), std::string::npos) << p.value;
    EXPECT_EQ(PdfMetadata(pdf).find(p.value), std::string::npos) << p.value;
    EXPECT_EQ(Slurp(pdf).find(p.value), std::string::npos) << p.value;
    EXPECT_EQ(Slurp(Output(p.file, "txt")).find(p.value), std::string::npos) << p.value;
  }
}

TEST_F(RealWorldRun, PlantedValuesAreFoundWhereTheyWere) {
  for (const Planted& p : ReadPlanted()) {
    const std::vector<nlohmann::json> found = Matches(p.file, p.value);
    ASSERT_FALSE(found.empty()) << p.file << " " << p.value;
    bool as_planted = false;
    for (const nlohmann::json& r : found) {
      const bool hidden = r.value("hidden", false);
      const int page = r["page"].get<int>();
      if (p.kind == "hidden") as_planted |= hidden && page >= 1;
      if (p.kind == "visible") as_planted |= !hidden && page >= 1;
      if (p.kind == "document") as_planted |= page == 0 && r.contains("place");
    }
    EXPECT_TRUE(as_planted) << p.file << " " << p.value << " should be " << p.kind;
  }
}

TEST_F(RealWorldRun, AuditMarksHiddenAndDocumentFindings) {
  std::map<std::string, int> hidden, document;
  for (const nlohmann::json& r : AuditRecords(*dir_ / "audit.jsonl")) {
    if (r["type"] != "finding") continue;
    const std::string file = r["file"].get<std::string>();
    const std::string name = file.substr(file.rfind('/') + 1);
    if (r.value("hidden", false)) ++hidden[name];
    if (r["page"] == 0) ++document[name];
    EXPECT_EQ(r.dump().find("@example.org"), std::string::npos) << "match text in the log";
  }
  int planted_hidden = 0, planted_document = 0;
  for (const Planted& p : ReadPlanted()) {
    planted_hidden += p.file == "hidden.pdf" && p.kind == "hidden";
    planted_document += p.file == "places.pdf" && p.kind == "document";
  }
  EXPECT_GE(hidden["hidden.pdf"], planted_hidden);
  EXPECT_GE(hidden["forms.pdf"], 4);  // sticky note, stamp, hidden annotation, link
  EXPECT_GE(document["places.pdf"], planted_document);
  EXPECT_EQ(document["glyphs.pdf"], 0);
}

TEST_F(RealWorldRun, SurroundingWordsSurviveInTheTextLayer) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  const std::map<std::string, std::vector<std::string>> kept = {
      {"forms.pdf", {"Visible words before the form on page 1", "Closing words after the form",
                     "Questions: write to us"}},
      {"hidden.pdf", {"Visible paragraph keeps these words", "Middle words stay readable",
                      "Final visible line"}},
      {"places.pdf", {"Document places page 1 keeps its words"}},
      {"glyphs.pdf", {"Layout test keeps these words", "Contact", "today", "Trailing words survive"}},
      {"office.pdf", {"Quarterly operations summary", "for this report", "before the deadline"}},
      {"undecoded.pdf", {"Readable words on this page", "A normal paragraph of text"}},
      {"scrambled.pdf", {"Readable words above the scrambled line", "Write", "today",
                         "Readable words below the scrambled line", "Tell the team"}},
  };
  for (const auto& [file, phrases] : kept) {
    const std::string text = PdfText(Output(file, "pdf"));
    for (const std::string& phrase : phrases) {
      EXPECT_NE(text.find(phrase), std::string::npos) << file << ": " << phrase << "\n" << text;
    }
  }
  // Hidden words are not in the text layer, even those that matched nothing.
  const std::string hidden = PdfText(Output("hidden.pdf", "pdf"));
  for (const char* word : {"White", "Invisible", "Under", "Layer", "Outside"}) {
    EXPECT_EQ(hidden.find(word), std::string::npos) << word;
  }
}

// A text page whose picture or undecodable line was OCRed says so in its
// document record, and the findings there say they rest on OCR; a page whose
// glyphs mostly do not decode is OCRed whole.
TEST_F(RealWorldRun, AuditSaysHowEachPagesWordsWereGot) {
  std::map<std::string, nlohmann::json> docs;
  std::map<std::string, std::vector<nlohmann::json>> findings;
  for (const nlohmann::json& r : AuditRecords(*dir_ / "audit.jsonl")) {
    if (r["type"] != "document" && r["type"] != "finding") continue;
    const std::string file = r["file"].get<std::string>();
    const std::string name = file.substr(file.rfind('/') + 1);
    if (r["type"] == "document") docs[name] = r;
    if (r["type"] == "finding") findings[name].push_back(r);
  }
  const nlohmann::json& undecoded = docs["undecoded.pdf"];
  EXPECT_EQ(undecoded["ocr_pages"], 0);
  ASSERT_EQ(undecoded["ocr"].size(), 1u) << undecoded.dump();
  EXPECT_EQ(undecoded["ocr"][0]["source"], "text+ocr");
  EXPECT_EQ(undecoded["ocr"][0]["regions"], 1);
  const nlohmann::json& scrambled = docs["scrambled.pdf"];
  EXPECT_EQ(scrambled["ocr_pages"], 1);
  ASSERT_EQ(scrambled["ocr"].size(), 2u) << scrambled.dump();
  EXPECT_EQ(scrambled["ocr"][0]["source"], "text+ocr");
  EXPECT_EQ(scrambled["ocr"][1]["source"], "ocr");
  EXPECT_FALSE(scrambled["ocr"][1].contains("regions"));
  std::map<std::string, std::string> source;  // preview prefix -> source
  for (const nlohmann::json& f : findings["undecoded.pdf"]) {
    source[f["preview"].get<std::string>().substr(0, 2)] = f["source"];
  }
  EXPECT_EQ(source["no"], "text");  // nounicode.font: the text layer reads it
  EXPECT_EQ(source["im"], "ocr");   // image.text: only OCR does
  for (const nlohmann::json& f : findings["scrambled.pdf"]) EXPECT_EQ(f["source"], "ocr");
  // Glyphs and plain text pages are not OCRed at all.
  EXPECT_EQ(docs["glyphs.pdf"]["ocr"].size(), 0u);
}

TEST_F(RealWorldRun, OcrOfTheOutputsFindsNoPlantedValue) {
  ASSERT_EQ(result_->exit_code, 0) << result_->err;
  auto engine = OcrEngine::Create("eng", "");
  ASSERT_TRUE(engine) << engine.error().message;
  std::map<std::string, std::string> ocr;
  for (const Planted& p : ReadPlanted()) {
    if (ocr.count(p.file)) continue;
    Result<std::string> bytes = ReadFile(Output(p.file, "pdf"));
    ASSERT_TRUE(bytes);
    auto pdf = PdfDocument::Open(*bytes, "");
    ASSERT_TRUE(pdf);
    std::string text;
    for (int i = 0; i < (*pdf)->page_count(); ++i) {
      Result<Raster> image = (*pdf)->RenderPage(i, 300);
      ASSERT_TRUE(image);
      Result<OcrPage> page = (*engine)->Recognise(*image);
      ASSERT_TRUE(page);
      for (const Word& w : page->words) text += w.text + " ";
    }
    ocr[p.file] = text;
  }
  for (const Planted& p : ReadPlanted()) {
    // The part before the @ is distinctive enough, and survives OCR's misreads
    // of the domain.
    const std::string local = p.value.substr(0, p.value.find('@'));
    EXPECT_EQ(ocr[p.file].find(local), std::string::npos) << p.file << ": " << local;
  }
}

}  // namespace
}  // namespace redact::testing
