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
