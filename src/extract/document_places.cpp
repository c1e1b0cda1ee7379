#include "extract/document_places.h"

#include <poppler-document.h>
#include <poppler-embedded-file.h>
#include <poppler-page.h>
#include <poppler-toc.h>

#include <algorithm>
#include <memory>

#include "extract/utf8.h"

namespace redact {
namespace {

std::string Utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

void Add(std::vector<DocumentPlace>& places, std::string where, std::string text) {
  if (text.find_first_not_of(" \t\r\n\f") == std::string::npos) return;
  places.push_back(DocumentPlace{std::move(where), std::move(text)});
}

// Outlines can be deep and, in damaged files, cyclic; Poppler's toc is a tree
// it built, so depth alone bounds the walk.
void AddOutline(std::vector<DocumentPlace>& places, const poppler::toc_item& item, int depth) {
  if (depth > 64) return;
  for (const poppler::toc_item* child : item.children()) {
    Add(places, "outline", Utf8(child->title()));
    AddOutline(places, *child, depth + 1);
  }
}

void AddPageLabels(std::vector<DocumentPlace>& places, const poppler::document& document) {
  for (int i = 0; i < document.pages(); ++i) {
    std::unique_ptr<poppler::page> page(document.create_page(i));
    if (!page) continue;
    const std::string label = Utf8(page->label());
    // A label that is just the page's number says nothing a reader does not see.
    if (label != std::to_string(i + 1)) Add(places, "page-label", label);
  }
}

std::string PdfAttachmentText(const std::string& bytes, int depth) {
  std::unique_ptr<poppler::document> inner(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!inner || inner->is_locked()) return ReadableText(bytes);
  std::string text;
  for (int i = 0; i < inner->pages(); ++i) {
    std::unique_ptr<poppler::page> page(inner->create_page(i));
    if (page) text += Utf8(page->text()) + "\n";
  }
  for (const DocumentPlace& place : ReadDocumentPlaces(*inner, depth - 1)) {
    text += place.text + "\n";
  }
  return text;
}

void AddAttachments(std::vector<DocumentPlace>& places, const poppler::document& document,
                    int depth) {
  if (!document.has_embedded_files()) return;
  // The embedded_file objects belong to the document.
  for (const poppler::embedded_file* file : document.embedded_files()) {
    if (!file || !file->is_valid()) continue;
    Add(places, "attachment-name", file->name());
    Add(places, "attachment-description", Utf8(file->description()));
    const poppler::byte_array data = file->data();
    const std::string bytes(data.begin(), data.end());
    const bool pdf = bytes.compare(0, 5, "%PDF-") == 0;
    Add(places, "attachment", pdf && depth > 0 ? PdfAttachmentText(bytes, depth)
                                               : ReadableText(bytes));
  }
}

void AddInfo(std::vector<DocumentPlace>& places, const poppler::document& document) {
  std::vector<std::string> keys = document.info_keys();
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) Add(places, "info:" + key, Utf8(document.info_key(key)));
}

bool EndsRun(char32_t cp) { return (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F; }

}  // namespace

std::vector<DocumentPlace> ReadDocumentPlaces(const poppler::document& document,
                                              int attachment_depth) {
  std::vector<DocumentPlace> places;
  AddInfo(places, document);
  Add(places, "xmp", Utf8(document.metadata()));
  if (std::unique_ptr<poppler::toc> toc(document.create_toc()); toc && toc->root()) {
    AddOutline(places, *toc->root(), 0);
  }
  AddPageLabels(places, document);
  AddAttachments(places, document, attachment_depth);
  return places;
}

std::string ReadableText(std::string_view bytes) {
  constexpr size_t kMinRun = 4;
  std::string out, run;
  size_t run_points = 0;
  auto flush = [&] {
    if (run_points >= kMinRun) out += run + "\n";
    run.clear();
    run_points = 0;
  };
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    char32_t cp = 0;
    if (utf8::Next(bytes, &pos, &cp) != utf8::DecodeStatus::kOk) {
      flush();
      pos = start + 1;
      continue;
    }
    if (EndsRun(cp)) {
      flush();
      continue;
    }
    run.append(bytes.substr(start, pos - start));
    ++run_points;
  }
  flush();
  return out;
}

Page DocumentPlacesPage(const std::vector<DocumentPlace>& places) {
  Page page;
  page.number = 0;
  for (const DocumentPlace& place : places) page.plain_text += place.text + "\n";
  return page;
}

std::string PlaceAt(const std::vector<DocumentPlace>& places, size_t offset) {
  size_t end = 0;
  for (const DocumentPlace& place : places) {
    end += place.text.size() + 1;
    if (offset < end) return place.where;
  }
  return "";
}

}  // namespace redact
