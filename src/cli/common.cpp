#include <cerrno>
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
  config.metering = args.gas.has_value() || args.metered;
  return config;
}

}  // namespace detwasm::cli
