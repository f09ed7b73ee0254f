#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "cli/commands.hpp"

namespace detwasm::cli {

std::vector<uint8_t> read_module_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandFailure("cannot read " + path + ": " + std::strerror(errno));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

EngineConfig engine_config(const Args& args) {
  EngineConfig config;
  config.tier = args.tier;
  return config;
}

std::string describe_module_error(const ModuleError& e) {
  const char* what = "";
  switch (e.kind()) {
    case ModuleError::Kind::Malformed: what = "malformed module"; break;
    case ModuleError::Kind::Invalid: what = "invalid module"; break;
    case ModuleError::Kind::Unsupported: what = "unsupported module"; break;
    case ModuleError::Kind::LimitExceeded: what = "module over a limit"; break;
  }
  char offset[24];
  std::snprintf(offset, sizeof offset, "0x%llx", static_cast<unsigned long long>(e.offset()));
  return std::string(what) + " at offset " + offset + ": " + e.message();
}

}  // namespace detwasm::cli
