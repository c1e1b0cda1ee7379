// Helpers the fuzz targets share. Each target (fuzz_*.cpp) defines
// LLVMFuzzerTestOneInput; built with clang and -fsanitize=fuzzer it is a
// libFuzzer binary (tools/fuzz), built with any compiler and replay_main.cpp it
// replays files (ctest replays tests/fuzz/regressions/TARGET/).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace redact::fuzz {

// A file under /tmp holding the input, for APIs that take a path. One per
// process, made on first use, rewritten for every input, removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const char* suffix) {
    path_ = std::string("/tmp/redact-fuzz-XXXXXX") + suffix;
    const int fd = ::mkstemps(path_.data(), static_cast<int>(std::string(suffix).size()));
    if (fd >= 0) ::close(fd);
  }
  ~ScratchFile() { ::unlink(path_.c_str()); }
  const std::string& Write(const uint8_t* data, size_t size) {
    if (FILE* f = std::fopen(path_.c_str(), "wb")) {
      std::fwrite(data, 1, size, f);
      std::fclose(f);
    }
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace redact::fuzz
