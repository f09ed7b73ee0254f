#include "runtime/instantiate.hpp"

#include <algorithm>
#include <new>
#include <string>

#include "jit/runtime_stubs.hpp"
#include "runtime/invoke.hpp"

namespace detwasm::internal {

namespace {

uint64_t eval_const(const ConstExpr& e, const InstanceData& inst) {
  switch (e.kind) {
    case ConstExpr::Kind::Const: return e.bits;
    case ConstExpr::Kind::GlobalGet: return inst.globals[e.index]->value;
    case ConstExpr::Kind::RefNull: return 0;
    case ConstExpr::Kind::RefFunc: return funcref_bits(inst.funcs[e.index]);
  }
  return 0;
}

std::string import_name(const Import& imp) { return "\"" + imp.module + "\" \"" + imp.name + "\""; }

[[noreturn]] void link_error(const Import& imp, const std::string& why) {
  throw LinkError("incompatible import type for " + import_name(imp) + ": " + why);
}

// Objects of another store would dangle when it goes: a misuse, not a link error.
[[noreturn]] void foreign(const Import& imp) {
  throw UsageError("import " + import_name(imp) + " belongs to another store");
}

uint32_t table_max(const TableType& type, const ResourceLimits& limits) {
  uint32_t m = type.limits.max.value_or(0xFFFFFFFFu);
  return std::min(m, limits.max_table_elements);
}

}  // namespace

bool limits_match(const Limits& actual, const Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

std::optional<uint32_t> grow_memory(MemoryInst& m, uint32_t delta, const ResourceLimits& limits) {
  uint64_t new_pages = static_cast<uint64_t>(m.memory.pages()) + delta;
  if (new_pages > limits.max_memory_pages) return std::nullopt;
  auto old = m.memory.grow(delta);
  m.sync_view();
  return old;
}

std::optional<uint32_t> grow_table(TableInst& t, uint32_t delta, uint64_t init) {
  uint64_t old = t.elems.size();
  if (old + delta > t.max_size) return std::nullopt;
  try {
    t.elems.resize(old + delta, init);
  } catch (const std::bad_alloc&) {
    return std::nullopt;  // the table is as it was
  }
  t.sync_view();
  return static_cast<uint32_t>(old);
}

MemoryInst* new_memory(StoreImpl& store, const MemoryType& type) {
  const ResourceLimits& limits = store.limits();
  uint32_t max = std::min<uint32_t>(type.limits.max.value_or(kMaxWasmPages), limits.max_memory_pages);
  if (type.limits.min > max) return nullptr;
  auto lm = LinearMemory::create(type.limits.min, max);
  if (!lm) return nullptr;
  store.memories.push_back(std::make_unique<MemoryInst>(&store, std::move(*lm), type));
  return store.memories.back().get();
}

TableInst* new_table(StoreImpl& store, const TableType& type, uint64_t init) {
  uint32_t max = table_max(type, store.limits());
  if (type.limits.min > max) return nullptr;
  auto t = std::make_unique<TableInst>();
  t->store = &store;
  t->type = type;
  t->max_size = max;
  t->elems.assign(type.limits.min, init);
  t->sync_view();
  store.tables.push_back(std::move(t));
  return store.tables.back().get();
}

GlobalInst* new_global(StoreImpl& store, const GlobalType& type, uint64_t init) {
  store.globals.push_back(std::make_unique<GlobalInst>(GlobalInst{&store, type, init}));
  return store.globals.back().get();
}

Instantiation instantiate(StoreImpl& store, std::shared_ptr<const ModuleData> module,
                          std::span<const Extern> imports) {
  const ModuleData& m = *module;
  if (m.binding.engine != &store.engine->impl())
    throw UsageError("the module was compiled by another engine than the store's");
  if (m.code.jit) {
    // An engine for another target compiles and serializes; its code runs
    // only where it belongs.
    if (auto missing = store.engine->config().target.missing_on_host()) throw UsageError(*missing);
    if (jit::prebuilt_runtime_stubs().bytes.empty()) throw UsageError("the JIT has no backend for this machine");
  }
  if (imports.size() != m.imports.size())
    throw LinkError("expected " + std::to_string(m.imports.size()) + " imports, got " +
                    std::to_string(imports.size()));
  TypeRegistry& registry = store.engine->impl().types;

  auto owned = std::make_unique<InstanceData>();
  InstanceData& inst = *owned;
  inst.store = &store;
  inst.module = module;

  // Imports: check each against its declaration.
  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& imp = m.imports[i];
    const Extern& ext = imports[i];
    if (kind_of(ext) != imp.kind)
      link_error(imp, std::string("expected a ") + std::string(to_string(imp.kind)) + ", got a " +
                          std::string(to_string(kind_of(ext))));
    switch (imp.kind) {
      case ExternKind::Func: {
        FuncInst* f = std::get<Func>(ext).raw();
        if (!f) link_error(imp, "null function");
        if (f->store != &store) foreign(imp);
        if (f->type_id != m.binding.type_ids[imp.func_type])
          link_error(imp, "expected " + to_string(m.types[imp.func_type]) + ", got " + to_string(*f->type));
        inst.funcs.push_back(f);
        break;
      }
      case ExternKind::Table: {
        TableInst* t = std::get<Table>(ext).raw();
        if (!t) link_error(imp, "null table");
        if (t->store != &store) foreign(imp);
        Limits actual{static_cast<uint32_t>(t->elems.size()), t->type.limits.max};
        if (t->type.elem != imp.table.elem) link_error(imp, "element type differs");
        if (!limits_match(actual, imp.table.limits)) link_error(imp, "table limits do not match");
        inst.tables.push_back(t);
        break;
      }
      case ExternKind::Memory: {
        MemoryInst* mem = std::get<Memory>(ext).raw();
        if (!mem) link_error(imp, "null memory");
        if (mem->store != &store) foreign(imp);
        Limits actual{mem->memory.pages(), mem->type.limits.max};
        if (!limits_match(actual, imp.memory.limits)) link_error(imp, "memory limits do not match");
        inst.memories.push_back(mem);
        break;
      }
      case ExternKind::Global: {
        GlobalInst* g = std::get<Global>(ext).raw();
        if (!g) link_error(imp, "null global");
        if (g->store != &store) foreign(imp);
        if (g->type != imp.global) link_error(imp, "global type differs");
        inst.globals.push_back(g);
        break;
      }
    }
  }

  // Defined functions, in one block of the store's.
  FuncInst* defined = store.new_funcs(m.functions.size());
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    const DefinedFuncIdx d{i};
    FuncInst* f = &defined[i];
    f->store = &store;
    f->def = &m.function(d);
    f->type_id = m.binding.type_ids[f->def->type_index];
    f->type = &m.types[f->def->type_index];
    f->instance = &inst;
    f->func_index = m.func_index(d);
    f->interp = m.code.interp.empty() ? nullptr : &m.code.interp[i];
    link_func_ref(store, *f);
    inst.funcs.push_back(f);
  }
  (void)registry;

  // Defined globals, in order: an initialiser sees only imported globals.
  for (const GlobalDef& g : m.globals) inst.globals.push_back(new_global(store, g.type, eval_const(g.init, inst)));

  // Defined tables and memories.
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    TableInst* t = new_table(store, m.tables[i], 0);
    if (!t) throw LinkError("table of " + std::to_string(m.tables[i].limits.min) + " elements exceeds the limits");
    inst.tables.push_back(t);
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    MemoryInst* mem = new_memory(store, m.memories[i]);
    if (!mem) throw LinkError("memory of " + std::to_string(m.memories[i].limits.min) + " pages cannot be created");
    inst.memories.push_back(mem);
  }

  link_vm_context(store, inst);

  // Element segments are evaluated now; passive ones stay for table.init.
  inst.elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::Declarative) continue;  // dropped at once
    auto& refs = inst.elem_segments[i];
    refs.reserve(seg.items.size());
    for (const ConstExpr& e : seg.items) refs.push_back(eval_const(e, inst));
  }
  inst.data_dropped.assign(m.datas.size(), false);

  // Exports.
  for (const Export& e : m.exports) {
    Extern x;
    switch (e.kind) {
      case ExternKind::Func: x = Func(inst.funcs[e.index]); break;
      case ExternKind::Table: x = Table(inst.tables[e.index]); break;
      case ExternKind::Memory: x = Memory(inst.memories[e.index]); break;
      case ExternKind::Global: x = Global(inst.globals[e.index]); break;
    }
    inst.exports.emplace(e.name, x);
  }

  store.instances.push_back(std::move(owned));
  Instantiation result{Instance(&inst), std::nullopt};

  // Active segments, in order; a failure traps and leaves earlier writes.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode != SegmentMode::Active) continue;
    TableInst* t = inst.tables[seg.table_index];
    uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, inst));
    auto& refs = inst.elem_segments[i];
    if (offset + refs.size() > t->elems.size()) {
      result.trap = Trap{TrapKind::TableOutOfBounds, "out of bounds table access", {}};
      return result;
    }
    std::copy(refs.begin(), refs.end(), t->elems.begin() + offset);
    refs.clear();  // an active segment is dropped once applied
  }
  for (auto& refs : inst.elem_segments)
    if (refs.capacity() && refs.empty()) refs.shrink_to_fit();
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    LinearMemory& mem = inst.memories[seg.memory_index]->memory;
    uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, inst));
    if (offset + seg.bytes_size > mem.size_bytes()) {
      result.trap = Trap{TrapKind::MemoryOutOfBounds, "out of bounds memory access", {}};
      return result;
    }
    std::copy_n(m.bytes.data() + seg.bytes_offset, seg.bytes_size, mem.base() + offset);
    inst.data_dropped[i] = true;
  }

  if (m.start) {
    auto trap = invoke(store, inst.funcs[*m.start], nullptr, nullptr);
    if (trap) result.trap = std::move(trap);
  }
  return result;
}

}  // namespace detwasm::internal
