// A module compiled by the JIT and instantiated by hand for tests: the
// engine's decoder builds the ModuleData, the JIT compiles every body, and
// this class plays the runtime (contexts, globals, tables, memory, host
// imports, builtins) so compiled code runs without the store.
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "decode/module_decoder.hpp"
#include "jit/builtins.hpp"
#include "jit/module_compiler.hpp"
#include "jit/runtime_stubs.hpp"
#include "support/jit_test_runtime.hpp"

namespace detwasm::jit::testing {

// A host import: reads args, writes results; returns a trap to raise.
using HostFn = std::function<std::optional<TrapKind>(std::span<const uint64_t> args, std::span<uint64_t> results)>;

class JitInstance {
 public:
  explicit JitInstance(const std::vector<uint8_t>& wasm, std::vector<HostFn> hosts = {}, EngineConfig config = {})
      : engine_(config), rt_(config.limits.stack_budget_slots), hosts_(std::move(hosts)) {
    const ResourceLimits& limits = config.limits;
    rt_.exec.gas = UINT64_MAX;
    internal::ModuleDecoder decoder(engine_.impl(), internal::BodyPreparation::ValidateOnly);
    decoder.feed(wasm.data(), wasm.size());
    module_ = decoder.finish();
    const internal::ModuleData& m = *module_;

    compiled_ = compile_module(m, config);
    code_ = std::make_unique<LoadedCode>(compiled_.code, compiled_.func_offsets, compiled_.trap_sites);

    rt_.ctx.instance = this;
    rt_.exec.host_call = &JitInstance::host_call;
    rt_.builtins[static_cast<size_t>(Builtin::MemoryGrow)] = reinterpret_cast<const void*>(&JitInstance::memory_grow);
    rt_.builtins[static_cast<size_t>(Builtin::MemoryFill)] = reinterpret_cast<const void*>(&builtin_memory_fill);
    rt_.builtins[static_cast<size_t>(Builtin::MemoryCopy)] = reinterpret_cast<const void*>(&builtin_memory_copy);
    rt_.builtins[static_cast<size_t>(Builtin::TableFill)] = reinterpret_cast<const void*>(&builtin_table_fill);
    rt_.builtins[static_cast<size_t>(Builtin::TableCopy)] = reinterpret_cast<const void*>(&builtin_table_copy);
    rt_.builtins[static_cast<size_t>(Builtin::TableGrow)] = reinterpret_cast<const void*>(&JitInstance::table_grow);

    // Functions: host imports through the adapter, the rest compiled.
    size_t n = m.func_types.size();
    refs_.resize(n);
    for (uint32_t f = 0; f < n; ++f) {
      JitFuncRef& r = refs_[f];
      const FuncType& t = m.func_type(f);
      r.type_id = m.type_ids[m.func_types[f]];
      r.num_params = static_cast<uint32_t>(t.params.size());
      r.num_results = static_cast<uint32_t>(t.results.size());
      r.context = &rt_.ctx;
      if (f < m.num_imported_funcs) {
        r.code = runtime_stubs().host_adapter;
        r.host = &hosts_.at(f);
      } else {
        r.code = code_->memory.func_entry(f - m.num_imported_funcs);
      }
      ref_ptrs_.push_back(&r);
    }
    rt_.ctx.funcs = ref_ptrs_.data();
    rt_.ctx.type_ids = m.type_ids.data();

    // Globals (defined ones; imports are not supported here).
    cells_.resize(m.global_types.size());
    for (size_t g = 0; g < m.globals.size(); ++g) cells_[g] = eval(m.globals[g].init);
    for (uint64_t& c : cells_) cell_ptrs_.push_back(&c);
    rt_.ctx.globals = cell_ptrs_.data();

    // Tables with their active element segments.
    table_elems_.resize(m.tables.size());
    tables_.resize(m.tables.size());
    for (size_t t = 0; t < m.tables.size(); ++t) table_elems_[t].assign(m.tables[t].limits.min, nullptr);
    for (const internal::ElemSegment& seg : m.elems) {
      if (seg.mode != internal::SegmentMode::Active) continue;
      uint64_t at = static_cast<uint32_t>(eval(seg.offset));
      for (const internal::ConstExpr& e : seg.items)
        table_elems_[seg.table_index].at(at++) = reinterpret_cast<JitFuncRef*>(eval(e));
    }
    for (size_t t = 0; t < tables_.size(); ++t) sync_table(t);
    for (TableView& t : tables_) table_ptrs_.push_back(&t);
    rt_.ctx.tables = table_ptrs_.data();

    // Memory 0 with its active data segments.
    if (!m.memories.empty()) {
      rt_.add_memory(m.memories[0].limits.min);
      max_pages_ = m.memories[0].limits.max.value_or(kMaxWasmPages);
      for (const internal::DataSegment& seg : m.datas) {
        if (seg.mode != internal::SegmentMode::Active) continue;
        uint64_t at = static_cast<uint32_t>(eval(seg.offset));
        std::memcpy(rt_.memory->view.base + at, m.bytes.data() + seg.bytes_offset, seg.bytes_size);
      }
    }
  }

  // Calls export `name` (a function) with raw slot values.
  TestRuntime::Outcome call(std::string_view name, std::vector<uint64_t> args = {}) {
    for (const internal::Export& e : module_->exports) {
      if (e.kind == ExternKind::Func && e.name == name) return call_index(e.index, std::move(args));
    }
    throw UsageError("no exported function " + std::string(name));
  }
  TestRuntime::Outcome call_index(uint32_t func_index, std::vector<uint64_t> args) {
    const JitFuncRef& r = refs_[func_index];
    auto out = rt_.run(r.code, std::move(args), r.num_results);
    const FuncType& t = module_->func_type(func_index);
    for (size_t i = 0; i < out.results.size(); ++i) {
      if (t.results[i] == ValType::I32 || t.results[i] == ValType::F32) out.results[i] &= 0xFFFFFFFF;
    }
    return out;
  }

  uint8_t* memory() { return rt_.memory ? rt_.memory->view.base : nullptr; }
  void set_gas(uint64_t gas) { rt_.exec.gas = gas; }
  uint64_t gas_left() const { return rt_.exec.gas; }
  uint64_t global(uint32_t index) const { return cells_[index]; }
  const JitFuncRef* func_ref(uint32_t index) const { return &refs_[index]; }
  const internal::ModuleData& module() const { return *module_; }
  const CompiledCode& compiled() const { return compiled_; }
  TestRuntime& runtime() { return rt_; }

 private:
  uint64_t eval(const internal::ConstExpr& e) {
    switch (e.kind) {
      case internal::ConstExpr::Kind::Const: return e.bits;
      case internal::ConstExpr::Kind::GlobalGet: return cells_.at(e.index);
      case internal::ConstExpr::Kind::RefNull: return 0;
      case internal::ConstExpr::Kind::RefFunc: return reinterpret_cast<uint64_t>(&refs_.at(e.index));
    }
    return 0;
  }
  void sync_table(size_t t) {
    tables_[t].elements = table_elems_[t].data();
    tables_[t].size = table_elems_[t].size();
  }

  static uint32_t host_call(ExecState* exec, const JitFuncRef* callee, uint64_t* area_top, VmContext* caller) {
    // A metered caller pays the host's cost first, as in the interpreter.
    auto* self = static_cast<JitInstance*>(caller->instance);
    if (self->module_->gas) {
      uint64_t cost = self->module_->gas->host_call_default;
      if (exec->gas < cost) return encode_trap(TrapKind::OutOfGas);
      exec->gas -= cost;
    }
    auto& fn = *static_cast<HostFn*>(callee->host);
    std::vector<uint64_t> args(callee->num_params), results(callee->num_results);
    for (uint32_t i = 0; i < callee->num_params; ++i) args[i] = area_top[-static_cast<ptrdiff_t>(i)];
    if (auto trap = fn(args, results)) return encode_trap(*trap);
    for (uint32_t i = 0; i < callee->num_results; ++i) area_top[-static_cast<ptrdiff_t>(i)] = results[i];
    return 0;
  }
  static uint32_t memory_grow(VmContext* ctx, uint32_t delta) {
    auto* self = static_cast<JitInstance*>(ctx->instance);
    uint64_t old = self->rt_.memory->view.size >> 16;
    if (old + delta > self->max_pages_) return 0xFFFFFFFF;
    self->rt_.memory->grow(delta);
    return static_cast<uint32_t>(old);
  }
  static uint32_t table_grow(VmContext* ctx, uint32_t table, uint64_t init, uint32_t delta) {
    auto* self = static_cast<JitInstance*>(ctx->instance);
    auto& elems = self->table_elems_[table];
    uint64_t old = elems.size();
    uint64_t max = self->module_->tables[table].limits.max.value_or(0xFFFFFFFF);
    if (old + delta > max || old + delta > 10'000'000) return 0xFFFFFFFF;
    elems.resize(old + delta, reinterpret_cast<JitFuncRef*>(init));
    self->sync_table(table);
    return static_cast<uint32_t>(old);
  }

  Engine engine_;
  std::shared_ptr<internal::ModuleData> module_;
  CompiledCode compiled_;
  std::unique_ptr<LoadedCode> code_;
  TestRuntime rt_;
  std::vector<HostFn> hosts_;
  std::vector<JitFuncRef> refs_;
  std::vector<const JitFuncRef*> ref_ptrs_;
  std::vector<uint64_t> cells_;
  std::vector<uint64_t*> cell_ptrs_;
  std::vector<std::vector<JitFuncRef*>> table_elems_;
  std::vector<TableView> tables_;
  std::vector<TableView*> table_ptrs_;
  uint32_t max_pages_ = 0;
};

}  // namespace detwasm::jit::testing
