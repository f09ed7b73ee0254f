// Runs a program to completion and collects what it printed, for tests that
// drive the built `detwasm` tool and wabt's tools.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace detwasm::test {

struct ProcessResult {
  int exit_code = -1;  // -1 if the program did not exit normally (signal)
  std::string out;     // stdout
  std::string err;     // stderr
};

// argv[0] is the program's path; no shell is involved.
ProcessResult run_process(const std::vector<std::string>& argv);

// A fresh directory under the system's temporary directory, removed with
// its contents when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace detwasm::test
