#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "jit/code_size.hpp"
#include "module/module_data.hpp"

namespace detwasm::cli {

namespace {

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

}  // namespace

// Compiles the module in the chosen tier and reports what it took; with -o,
// writes the compiled module as an artifact.
int compile_command(const Args& args) {
  if (args.sign && !args.output) throw UsageFailure("--sign needs -o: it signs the artifact written");
  std::vector<uint8_t> bytes = read_module_file(args.files.front(), args.limits);
  if (Module::is_artifact(bytes)) throw CommandFailure(args.files.front() + " is an artifact, compiled already");
  Engine engine(engine_config(args));
  auto start = std::chrono::steady_clock::now();
  Module module = Module::compile(engine, bytes);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  const internal::ModuleData& m = *module.data();
  uint64_t body_bytes = 0;
  for (const internal::FunctionDef& f : m.functions) body_bytes += f.body_size;
  uint64_t code_bytes = 0;
  if (auto jit = jit::emitted_code_bytes(m)) {
    code_bytes = *jit;
  } else {
    for (const internal::InterpFunction& f : m.code.interp) code_bytes += f.code.size() * sizeof(uint32_t);
  }
  std::optional<size_t> artifact_bytes;
  if (args.output) {
    std::vector<uint8_t> artifact = args.sign ? module.serialize(read_secret_key(*args.sign)) : module.serialize();
    write_file_atomically(*args.output, artifact);
    artifact_bytes = artifact.size();
  }
  const char* tier = args.tier == Tier::Jit ? "jit" : "interp";
  double mb_per_s = ms > 0 ? (bytes.size() / 1e6) / (ms / 1e3) : 0;
  if (args.json) {
    nlohmann::ordered_json out = {{"tier", tier},
                                  {"functions", m.functions.size()},
                                  {"module_bytes", bytes.size()},
                                  {"body_bytes", body_bytes},
                                  {"code_bytes", code_bytes},
                                  {"compile_ms", ms},
                                  {"threads", engine.config().compile_threads},
                                  {"target", engine.config().target.to_string()},
                                  {"hash", to_hex(module.hash())}};
    if (artifact_bytes) out["artifact_bytes"] = *artifact_bytes;
    std::cout << out.dump() << std::endl;
  } else {
    std::printf("%s: %zu functions, %llu bytes of function bodies, compiled (%s) in %.3f ms (%.1f MB/s)\n",
                args.files.front().c_str(), m.functions.size(), static_cast<unsigned long long>(body_bytes), tier, ms,
                mb_per_s);
    std::printf("code: %llu bytes (%.2f bytes per body byte)\n", static_cast<unsigned long long>(code_bytes),
                body_bytes ? static_cast<double>(code_bytes) / body_bytes : 0.0);
    if (artifact_bytes)
      std::printf("artifact: %s (%zu bytes, %.2f per module byte)\n", args.output->c_str(), *artifact_bytes,
                  static_cast<double>(*artifact_bytes) / static_cast<double>(bytes.size()));
  }
  return kExitOk;
}

}  // namespace detwasm::cli
