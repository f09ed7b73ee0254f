#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "artifact/artifact.hpp"
#include "cli/commands.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::cli {

// Writes `bytes` to `path` whole or not at all: into a temporary file beside
// it, flushed to disk, then renamed over it.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw CommandFailure("cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw CommandFailure("cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw CommandFailure("cannot write " + path + ": " + why);
  }
}


std::vector<uint8_t> module_from_text(const std::string& path, std::vector<uint8_t> bytes,
                                      const ResourceLimits& limits) {
  // A binary module starts with "\0asm"; no text starts with a NUL, so
  // anything else that is not empty is the text format.
  if (bytes.empty() || bytes[0] == 0 || Module::is_artifact(bytes)) return bytes;
  try {
    return wat2wasm(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), limits);
  } catch (const TextError& e) {
    throw CommandFailure((path == "-" ? std::string("standard input") : path) + ":" + e.what());
  }
}

std::vector<uint8_t> read_module_file(const std::string& path, const ResourceLimits& limits) {
  std::vector<uint8_t> bytes;
  try {
    bytes = util::read_bounded(path, limits.max_module_size, "the module size limit (--max-module-size)");
  } catch (const util::InputError& e) {
    throw CommandFailure(e.what());
  }
  return module_from_text(path, std::move(bytes), limits);
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
  return module_from_text(path, std::move(bytes), limits);
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
