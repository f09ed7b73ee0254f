#include <algorithm>
#include <thread>

#include "cli/commands.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::cli {

std::vector<uint8_t> read_module_file(const std::string& path, const ResourceLimits& limits) {
  try {
    return util::read_bounded(path, limits.max_module_size, "the module size limit (--max-module-size)");
  } catch (const util::InputError& e) {
    throw CommandFailure(e.what());
  }
}

EngineConfig engine_config(const Args& args) {
  EngineConfig config;
  config.tier = args.tier;
  config.limits = args.limits;
  config.target = args.target;
  config.compile_threads = args.threads ? args.threads : std::max(1u, std::thread::hardware_concurrency());
  config.metering = args.gas.has_value() || args.metered;
  return config;
}

}  // namespace detwasm::cli
