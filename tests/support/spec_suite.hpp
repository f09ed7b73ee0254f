// The official spec suite's scripts, for tests that read them directly.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace detwasm::test {

// Every core/*.wast of the suite beside the source tree (../shared), sorted.
// The suite is part of the test set-up: its absence is a failure, not a skip.
inline std::vector<std::filesystem::path> spec_wast_files() {
  namespace fs = std::filesystem;
  fs::path core = fs::path(DETWASM_SOURCE_DIR) / ".." / "shared" / "spec-testsuite" / "core";
  std::vector<fs::path> files;
  if (!fs::is_directory(core)) {
    ADD_FAILURE() << "no spec suite at " << core;
    return files;
  }
  for (const auto& e : fs::directory_iterator(core))
    if (e.path().extension() == ".wast") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace detwasm::test
