#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "jit/code_size.hpp"
#include "module/module_data.hpp"

namespace detwasm::cli {

// Compiles the module in the chosen tier and reports what it took: the
// artifact itself is written by the cache.
int compile_command(const Args& args) {
  std::vector<uint8_t> bytes = read_module_file(args.files.front(), args.limits);
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
    for (const internal::FunctionDef& f : m.functions) code_bytes += f.interp.code.size() * sizeof(uint32_t);
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
    std::cout << out.dump() << std::endl;
  } else {
    std::printf("%s: %zu functions, %llu bytes of function bodies, compiled (%s) in %.3f ms (%.1f MB/s)\n",
                args.files.front().c_str(), m.functions.size(), static_cast<unsigned long long>(body_bytes), tier, ms,
                mb_per_s);
    std::printf("code: %llu bytes (%.2f bytes per body byte)\n", static_cast<unsigned long long>(code_bytes),
                body_bytes ? static_cast<double>(code_bytes) / body_bytes : 0.0);
  }
  return kExitOk;
}

}  // namespace detwasm::cli
