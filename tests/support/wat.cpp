#include "support/wat.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "support/run_process.hpp"

namespace detwasm::test {

std::vector<uint8_t> wat_file_to_wasm(const std::filesystem::path& wat, bool check) {
  TempDir dir;
  std::filesystem::path out = dir.path() / "module.wasm";
  std::vector<std::string> argv = {"/usr/bin/env", "wat2wasm", wat.string(), "-o", out.string()};
  if (!check) argv.push_back("--no-check");
  ProcessResult r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error("wat2wasm failed on " + wat.string() + ": " + r.err);
  std::ifstream in(out, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> wat_to_wasm(std::string_view text, bool check) {
  TempDir dir;
  std::filesystem::path wat = dir.path() / "module.wat";
  std::ofstream(wat) << text;
  return wat_file_to_wasm(wat, check);
}

}  // namespace detwasm::test
