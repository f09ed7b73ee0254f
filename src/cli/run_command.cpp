#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include <detwasm/wasi.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "spec/value_text.hpp"

namespace detwasm::cli {

namespace {

using ordered_json = nlohmann::ordered_json;

const ExportType& find_func_export(const std::vector<ExportType>& exports, const std::string& name) {
  for (const ExportType& e : exports)
    if (e.name == name) {
      if (e.kind != ExternKind::Func)
        throw CommandFailure("export '" + name + "' is a " + std::string(to_string(e.kind)) + ", not a function");
      return e;
    }
  throw CommandFailure("no exported function '" + name + "'");
}

// An externref argument is a host word, kept by `store` (spec/value_text.hpp).
std::vector<Value> parse_arguments(const std::string& name, const FuncType& type,
                                   const std::vector<std::string>& texts, Store& store) {
  if (texts.size() != type.params.size())
    throw CommandFailure("'" + name + "' takes " + std::to_string(type.params.size()) + " argument(s) " +
                         to_string(type) + ", got " + std::to_string(texts.size()));
  std::vector<Value> values;
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      values.push_back(text::parse_value(type.params[i], texts[i], &store));
    } catch (const text::ValueTextError& e) {
      throw CommandFailure("argument " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return values;
}

// "trap: <message>", then the Wasm backtrace as wasmtime prints it.
std::string trap_text(const Trap& trap) { return "trap: " + trap.to_string(); }

// A trap's frames for the JSON output, innermost first.
ordered_json frames_json(const Trap& trap) {
  ordered_json frames = ordered_json::array();
  for (const TrapFrame& f : trap.frames) {
    ordered_json frame;
    frame["func_index"] = f.func_index;
    frame["func_name"] = f.func_name.empty() ? nullptr : ordered_json(f.func_name);
    frame["module_offset"] = f.module_offset ? ordered_json(*f.module_offset) : nullptr;
    frame["func_offset"] = f.func_offset ? ordered_json(*f.func_offset) : nullptr;
    frames.push_back(std::move(frame));
  }
  return frames;
}

// {"results":[{"type":"i32","value":"3"}],"trap":null}; floats as their
// hex bit pattern so that nothing is lost.
// What the run's stages took, and whether the module came from the cache.
struct RunTimings {
  Module::CacheOutcome cache = Module::CacheOutcome::Off;
  uint64_t load_us = 0;  // reading excluded: decoding and compiling, or loading the artifact
  uint64_t instantiate_us = 0;
  uint64_t run_us = 0;
};

const char* cache_name(Module::CacheOutcome c) {
  switch (c) {
    case Module::CacheOutcome::Hit: return "hit";
    case Module::CacheOutcome::Miss: return "miss";
    case Module::CacheOutcome::Off: break;
  }
  return "off";
}

ordered_json to_json(const Store& store, const std::vector<Value>& results, const std::optional<Trap>& trap,
                     std::optional<uint64_t> gas_used, const RunTimings& timings) {
  ordered_json out;
  out["results"] = ordered_json::array();
  for (const Value& v : results) {
    bool is_float = v.type == ValType::F32 || v.type == ValType::F64;
    out["results"].push_back({{"type", std::string(to_string(v.type))},
                              {"value", is_float ? text::format_bits(v) : text::format_payload(v, &store)}});
  }
  if (trap)
    out["trap"] = {{"kind", trap_kind_name(trap->kind)}, {"message", trap->message}, {"frames", frames_json(*trap)}};
  else
    out["trap"] = nullptr;
  if (gas_used) out["gas_used"] = *gas_used;  // metered runs only
  out["cache"] = cache_name(timings.cache);
  out["timings"] = {{"load_us", timings.load_us},
                    {"instantiate_us", timings.instantiate_us},
                    {"run_us", timings.run_us}};
  return out;
}

int report(const Args& args, const Store& store, const std::vector<Value>& results, const std::optional<Trap>& trap,
           const RunTimings& timings) {
  if (args.profiling()) write_gas_profile(args, store.gas_profile());
  std::optional<uint64_t> gas_used;
  if (args.gas || args.profiling()) gas_used = store.gas_used();
  if (args.json) {
    std::cout << to_json(store, results, trap, gas_used, timings).dump() << std::endl;
  } else {
    for (const Value& v : results) std::cout << text::format_value(v, &store) << "\n";
    std::cout.flush();
    if (trap) std::fprintf(stderr, "%s\n", trap_text(*trap).c_str());
    if (gas_used) std::fprintf(stderr, "gas used: %llu\n", static_cast<unsigned long long>(*gas_used));
  }
  return trap ? kExitTrap : kExitOk;
}

// A WASI command: _start with the program's arguments; its exit code is the
// tool's exit status.
int run_wasi(const Args& args, Engine& engine, const Module& module, RunTimings& timings) {
  using Clock = std::chrono::steady_clock;
  auto us_since = [](Clock::time_point t) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
  };
  WasiConfig config;
  config.args.push_back(args.files.front());
  config.args.insert(config.args.end(), args.values.begin(), args.values.end());
  config.env = args.env;
  config.inherit_env = args.inherit_env;
  for (const Args::Dir& d : args.dirs) config.preopens.push_back({d.host, d.guest, d.read_only});
  config.stdin_stream = args.stdin_file ? WasiStdio::file(*args.stdin_file) : WasiStdio::inherit();
  config.random_seed = args.seed;
  config.wall_clock = args.wall_clock;
  config.os_random = args.os_random;
  std::optional<Wasi> wasi;
  try {
    wasi.emplace(std::move(config));
  } catch (const Error& e) {
    throw CommandFailure(e.what());
  }
  Store store(engine);
  if (args.gas) store.set_gas_limit(*args.gas);
  if (args.profiling()) store.set_gas_profiling(true);
  Linker linker;
  wasi->define(linker, store);
  auto start = Clock::now();
  Instantiation inst = linker.instantiate(store, module);
  timings.instantiate_us = us_since(start);
  timings.cache = module.cache_outcome();
  CommandOutcome outcome;
  if (inst.trap) {
    outcome.trap = inst.trap;
  } else {
    start = Clock::now();
    try {
      outcome = detwasm::run_command(store, inst.instance);
    } catch (const UsageError& e) {
      throw CommandFailure(e.what());
    }
    timings.run_us = us_since(start);
  }
  if (args.profiling()) write_gas_profile(args, store.gas_profile());
  std::optional<uint64_t> gas_used;
  if (args.gas || args.profiling()) gas_used = store.gas_used();
  if (args.json) {
    ordered_json out;
    out["exit_code"] = outcome.exit_code ? ordered_json(*outcome.exit_code) : nullptr;
    const std::optional<Trap>& trap = outcome.trap;
    if (trap)
      out["trap"] = {{"kind", trap_kind_name(trap->kind)}, {"message", trap->message}, {"frames", frames_json(*trap)}};
    else
      out["trap"] = nullptr;
    if (gas_used) out["gas_used"] = *gas_used;
    out["cache"] = cache_name(timings.cache);
    out["timings"] = {{"load_us", timings.load_us},
                      {"instantiate_us", timings.instantiate_us},
                      {"run_us", timings.run_us}};
    std::cout << out.dump() << std::endl;
  } else {
    if (outcome.trap) std::fprintf(stderr, "%s\n", trap_text(*outcome.trap).c_str());
    if (gas_used) std::fprintf(stderr, "gas used: %llu\n", static_cast<unsigned long long>(*gas_used));
  }
  if (outcome.trap) return kExitTrap;
  return static_cast<int>(std::min<uint32_t>(*outcome.exit_code, 255));
}

}  // namespace

// Loads the module, checks the export and its arguments before anything
// runs, instantiates it with no imports, then calls the export.
int run_command(const Args& args) {
  std::vector<uint8_t> bytes = read_module_or_artifact(args.files.front(), args.limits);
  EngineConfig config = engine_config(args);
  config.cache.dir = args.cache_dir;
  if (args.profiling()) {
    // Profiles come from the interpreter, metered; its gas is every tier's.
    config.tier = Tier::Interpreter;
    config.metering = true;
  }
  for (const std::string& file : args.trust) config.trusted_keys.push_back(read_public_key(file));
  Engine engine(config);
  using Clock = std::chrono::steady_clock;
  auto us_since = [](Clock::time_point t) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
  };
  RunTimings timings;
  auto start = Clock::now();
  Module module = load_module(engine, bytes, args.files.front());
  timings.load_us = us_since(start);
  if (auto warning = Module::cache_warning(engine)) std::fprintf(stderr, "warning: %s\n", warning->c_str());
  bool wasi_options = !args.dirs.empty() || !args.env.empty() || args.inherit_env || args.stdin_file ||
                      args.wall_clock || args.os_random || args.seed != 0;
  if (!args.invoke && is_wasi_command(module)) return run_wasi(args, engine, module, timings);
  if (wasi_options) throw CommandFailure("WASI options apply only to a WASI program run without --invoke");
  std::string name = args.invoke.value_or("_start");
  std::vector<ExportType> exports = module.exports();
  const ExportType& target = find_func_export(exports, name);
  Store store(engine);
  std::vector<Value> arguments = parse_arguments(name, target.func, args.values, store);

  if (args.gas) store.set_gas_limit(*args.gas);  // the start function is metered too
  if (args.profiling()) store.set_gas_profiling(true);
  Linker linker;
  start = Clock::now();
  Instantiation inst = linker.instantiate(store, module);
  timings.instantiate_us = us_since(start);
  timings.cache = module.cache_outcome();
  if (inst.trap) return report(args, store, {}, inst.trap, timings);
  std::optional<Func> func = inst.instance.get_func(name);
  if (!func) throw CommandFailure("no exported function '" + name + "'");
  start = Clock::now();
  CallResult r = func->call(store, arguments);
  timings.run_us = us_since(start);
  return report(args, store, r.results, r.trap, timings);
}

}  // namespace detwasm::cli
