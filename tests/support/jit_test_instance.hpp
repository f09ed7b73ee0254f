// A module compiled by the JIT and instantiated through the public API (the
// one runtime), with the raw-slot view the JIT's tests want: arguments and
// results as bit patterns, traps as kinds with the frames' function indices.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "jit/loaded_code.hpp"
#include "jit/module_compiler.hpp"
#include "module/module_data.hpp"
#include "runtime/objects.hpp"

namespace detwasm::jit::testing {

// A host import: reads args, writes results; returns a trap to raise.
using HostFn = std::function<std::optional<TrapKind>(std::span<const uint64_t> args, std::span<uint64_t> results)>;

struct Outcome {
  std::vector<uint64_t> results;
  std::optional<TrapKind> trap;
  std::vector<uint32_t> frames;  // function indices of a trap's frames, innermost first
  std::vector<uint64_t> offsets;  // their module offsets (UINT64_MAX: none)
  uint64_t frame_total = 0;      // frames unwound, beyond the ones kept too
};

class JitInstance {
 public:
  // `hosts` are the module's function imports, in import order (the only
  // imports these tests use).
  explicit JitInstance(const std::vector<uint8_t>& wasm, std::vector<HostFn> hosts = {}, EngineConfig config = {})
      : engine_(jit_config(config)), store_(engine_), module_(Module::compile(engine_, wasm)) {
    std::vector<Extern> imports;
    size_t next_host = 0;
    const internal::ModuleData& m = *module_.data();
    for (uint32_t f = 0; f < m.num_imported_funcs; ++f) {
      FuncType type = m.func_type(internal::FuncIdx{f});
      HostFn fn = hosts.at(next_host++);
      imports.push_back(store_.new_host_func(
          type, [fn, type](Caller&, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
            std::vector<uint64_t> a, r(results.size());
            for (const Value& v : args) a.push_back(v.bits);
            if (auto kind = fn(a, r)) return Trap::make(*kind);
            for (size_t i = 0; i < results.size(); ++i) results[i] = Value{type.results[i], r[i]};
            return std::nullopt;
          }));
    }
    if (imports.size() != module_.imports().size()) throw UsageError("these tests import host functions only");
    Instantiation inst = store_.instantiate(module_, imports);
    if (inst.trap) throw UsageError("instantiation trapped: " + inst.trap->message);
    instance_ = inst.instance;
    store_.set_gas_limit(UINT64_MAX);
  }

  // Calls export `name` (a function) with raw slot values.
  Outcome call(std::string_view name, const std::vector<uint64_t>& args = {}) {
    std::optional<Func> f = instance_.get_func(name);
    if (!f) throw UsageError("no exported function " + std::string(name));
    const FuncType& t = f->type();
    std::vector<Value> values;
    for (size_t i = 0; i < args.size() && i < t.params.size(); ++i) values.push_back(Value{t.params[i], mask(t.params[i], args[i])});
    CallResult r = f->call(store_, values);
    Outcome out;
    for (const Value& v : r.results) out.results.push_back(mask(v.type, v.bits));
    if (r.trap) {
      out.trap = r.trap->kind;
      for (const TrapFrame& frame : r.trap->frames) {
        out.frames.push_back(frame.func_index);
        out.offsets.push_back(frame.module_offset.value_or(UINT64_MAX));
      }
      out.frame_total = r.trap->frame_count;
    }
    return out;
  }

  void set_gas(uint64_t gas) { store_.set_gas_limit(gas); }
  uint64_t gas_left() const { return store_.gas_left(); }
  // The value of global `index` (imports first), as raw bits.
  uint64_t global(uint32_t index) const { return instance_.raw()->globals.at(index)->value; }
  // Where compiled code would resume after a trap; 0 when no Wasm runs.
  uint64_t exit_sp() { return store_.impl().jit_exec.exit_sp; }
  const internal::ModuleData& module() const { return *module_.data(); }
  // The module's code as the engine loaded it.
  const CompiledCode& compiled() {
    if (compiled_.code.empty()) {
      const LoadedCode& code = *module_.data()->code.jit;
      compiled_.code.assign(code.memory.base(), code.memory.base() + code.memory.size());
      for (uint32_t i = 0; i < code.memory.num_functions(); ++i) compiled_.func_offsets.push_back(code.memory.func_offset(i));
      compiled_.trap_sites = code.traps.sites();
    }
    return compiled_;
  }

 private:
  static EngineConfig jit_config(EngineConfig c) {
    c.tier = Tier::Jit;
    return c;
  }
  static uint64_t mask(ValType t, uint64_t bits) {
    return t == ValType::I32 || t == ValType::F32 ? bits & 0xFFFFFFFF : bits;
  }

  Engine engine_;
  Store store_;
  Module module_;
  Instance instance_;
  CompiledCode compiled_;
};

}  // namespace detwasm::jit::testing
