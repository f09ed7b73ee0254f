#include <cstdio>
#include <iostream>
#include <optional>

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
ordered_json to_json(const Store& store, const std::vector<Value>& results, const std::optional<Trap>& trap,
                     std::optional<uint64_t> gas_used) {
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
  return out;
}

int report(const Args& args, const Store& store, const std::vector<Value>& results, const std::optional<Trap>& trap) {
  std::optional<uint64_t> gas_used;
  if (args.gas) gas_used = store.gas_used();
  if (args.json) {
    std::cout << to_json(store, results, trap, gas_used).dump() << std::endl;
  } else {
    for (const Value& v : results) std::cout << text::format_value(v, &store) << "\n";
    std::cout.flush();
    if (trap) std::fprintf(stderr, "%s\n", trap_text(*trap).c_str());
    if (gas_used) std::fprintf(stderr, "gas used: %llu\n", static_cast<unsigned long long>(*gas_used));
  }
  return trap ? kExitTrap : kExitOk;
}

}  // namespace

// Loads the module, checks the export and its arguments before anything
// runs, instantiates it with no imports, then calls the export.
int run_command(const Args& args) {
  std::vector<uint8_t> bytes = read_module_or_artifact(args.files.front(), args.limits);
  Engine engine(engine_config(args));
  Module module = load_module(engine, bytes);
  std::string name = args.invoke.value_or("_start");
  std::vector<ExportType> exports = module.exports();
  const ExportType& target = find_func_export(exports, name);
  Store store(engine);
  std::vector<Value> arguments = parse_arguments(name, target.func, args.values, store);

  if (args.gas) store.set_gas_limit(*args.gas);  // the start function is metered too
  Linker linker;
  Instantiation inst = linker.instantiate(store, module);
  if (inst.trap) return report(args, store, {}, inst.trap);
  std::optional<Func> func = inst.instance.get_func(name);
  if (!func) throw CommandFailure("no exported function '" + name + "'");
  CallResult r = func->call(store, arguments);
  return report(args, store, r.results, r.trap);
}

}  // namespace detwasm::cli
