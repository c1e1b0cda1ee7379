#include "cli_test_util.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace redact::testing {
namespace fs = std::filesystem;

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

CommandResult RunRedact(const std::vector<std::string>& args) {
  TempDir tmp;
  std::string cmd = "REDACT_HMAC_KEY=test-key " + Quote(REDACT_BINARY);
  for (const std::string& a : args) cmd += " " + Quote(a);
  cmd += " >" + Quote(tmp / "out") + " 2>" + Quote(tmp / "err") + " </dev/null";
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(tmp / "out");
  r.err = Slurp(tmp / "err");
  return r;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "redact-test-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  path_ = made ? made : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void Copy(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::string CollapseWhitespace(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::string PdfText(const std::string& path) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
  if (!doc) return "<unreadable>";
  std::string text;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (i) text += "\f";
    poppler::byte_array bytes = page->text().to_utf8();
    text += CollapseWhitespace(std::string(bytes.begin(), bytes.end()));
  }
  return text;
}

std::string PdfMetadata(const std::string& path) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
  if (!doc) return "<unreadable>";
  std::string out;
  for (const std::string& key : doc->info_keys()) {
    poppler::byte_array v = doc->info_key(key).to_utf8();
    out += key + "=" + std::string(v.begin(), v.end()) + "\n";
  }
  poppler::byte_array xmp = doc->metadata().to_utf8();
  out += std::string(xmp.begin(), xmp.end());
  return out;
}

int PdfPageCount(const std::string& path) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(path));
  return doc ? doc->pages() : -1;
}

std::vector<nlohmann::json> AuditRecords(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::string SamplePath(const std::string& name) {
  return std::string(REDACT_SOURCE_DIR) + "/samples/" + name;
}

std::string TestPdf(const std::string& name) {
  return std::string(REDACT_TEST_DATA) + "/pdf/" + name;
}

}  // namespace redact::testing
