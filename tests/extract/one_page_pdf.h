// Test helper: a minimal one-page PDF written by hand (xref offsets computed,
// so no repair is needed), for tests that need exact control of a page's
// content stream. Shared by the extract and pipeline tests.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace redact::testing {

// A 400 x 300 pt page showing `content`. `page_keys` is added to the page
// dictionary; with `helvetica`, the page's resources name Helvetica as /F1.
inline std::string OnePagePdf(const std::string& content, const std::string& page_keys = "",
                              bool helvetica = false) {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] " + page_keys +
          " /Contents 4 0 R /Resources << " + (helvetica ? "/Font << /F1 5 0 R >> " : "") +
          ">> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
          "\nendstream"};
  if (helvetica) {
    objects.push_back(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace redact::testing
