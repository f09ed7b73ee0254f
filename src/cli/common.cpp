#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "artifact/artifact.hpp"
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

std::vector<uint8_t> read_module_or_artifact(const std::string& path, const ResourceLimits& limits) {
  uint64_t module_limit = limits.max_module_size;
  uint64_t limit = module_limit > UINT64_MAX / kArtifactSizeFactor ? UINT64_MAX : module_limit * kArtifactSizeFactor;
  auto too_large = [&] {
    return CommandFailure((path == "-" ? std::string("standard input") : path) +
                          ": larger than the module size limit (--max-module-size) of " + std::to_string(module_limit) +
                          " bytes (" + std::to_string(kArtifactSizeFactor) + " times that for an artifact)");
  };
  std::vector<uint8_t> bytes;
  try {
    bytes = util::read_bounded(path, limit, "");
  } catch (const util::InputError& e) {
    if (e.too_large()) throw too_large();
    throw CommandFailure(e.what());
  }
  if (!Module::is_artifact(bytes) && bytes.size() > module_limit) throw too_large();
  return bytes;
}

Module load_module(Engine& engine, std::span<const uint8_t> bytes, const std::string& path) {
  if (!Module::is_artifact(bytes)) return Module::compile(engine, bytes);
  try {
    // A file's code is mapped from it; standard input's is copied.
    return path == "-" ? Module::deserialize(engine, bytes) : Module::deserialize_file(engine, path);
  } catch (const Error& e) {
    throw CommandFailure(e.what());
  }
}

int hash_command(const Args& args) {
  std::vector<uint8_t> bytes = read_module_or_artifact(args.files.front(), args.limits);
  ModuleHash hash{};
  if (Module::is_artifact(bytes)) {
    try {
      hash = artifact::module_hash(bytes);
    } catch (const ArtifactError& e) {
      throw CommandFailure(e.what());
    }
  } else {
    crypto_generichash(hash.data(), hash.size(), bytes.data(), bytes.size(), nullptr, 0);
  }
  std::printf("%s\n", to_hex(hash).c_str());
  return kExitOk;
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
