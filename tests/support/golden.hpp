// Golden files: text a test produces, kept in the source tree and compared
// exactly; DETWASM_BLESS=1 rewrites them (the test then reports a skip
// naming the file, and the next run compares).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace detwasm::test {

inline void expect_golden(const std::filesystem::path& file, const std::string& text) {
  if (std::getenv("DETWASM_BLESS")) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    GTEST_SKIP() << "blessed " << file;
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << "no golden file " << file << "; run with DETWASM_BLESS=1";
  std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, want) << "regenerate with DETWASM_BLESS=1 if intended";
}

}  // namespace detwasm::test
