// wasm.h: modules, functions, globals, tables, memories, externs and
// instances.
#include "capi/capi.hpp"

#include <algorithm>
#include <array>

#include "util/small_buffer.hpp"

using namespace detwasm;
using namespace detwasm::capi;

namespace {

std::span<const uint8_t> bytes_of(const wasm_byte_vec_t* v) {
  if (!v || !v->data) return {};
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

wasm_module_t* module_handle(std::shared_ptr<const Module> m, wasm_engine_t* engine) {
  auto obj = std::make_shared<Object>(RefKind::Module, nullptr);
  obj->payload = std::move(m);
  obj->engine = engine;
  return new wasm_module_t(std::move(obj));
}

template <typename T>
const T* as(const wasm_extern_t* e) {
  return std::get_if<T>(&e->ext());
}

using util::SmallBuffer;

}  // namespace

// ---------------------------------------------------------------------------
// Modules

extern "C" wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store || !binary) return nullptr;
  try {
    auto m = std::make_shared<const Module>(Module::compile(*store->engine->engine, bytes_of(binary)));
    return module_handle(std::move(m), store->engine);
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store || !binary) return false;
  try {
    Module::validate(*store->engine->engine, bytes_of(binary));
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" void wasm_module_imports(const wasm_module_t* m, wasm_importtype_vec_t* out) {
  if (!out) return;
  if (!m) return wasm_importtype_vec_new_empty(out);
  auto imports = m->module().imports();
  wasm_importtype_vec_new_uninitialized(out, imports.size());
  for (size_t i = 0; i < out->size; ++i) {
    const ImportType& im = imports[i];
    wasm_externtype_t* type = nullptr;
    switch (im.kind) {
      case ExternKind::Func: type = to_c(im.func); break;
      case ExternKind::Table: type = to_c(im.table); break;
      case ExternKind::Memory: type = to_c(im.memory); break;
      case ExternKind::Global: type = to_c(im.global); break;
    }
    wasm_name_t module, name;
    name_from(&module, im.module);
    name_from(&name, im.name);
    out->data[i] = wasm_importtype_new(&module, &name, type);
  }
}

extern "C" void wasm_module_exports(const wasm_module_t* m, wasm_exporttype_vec_t* out) {
  if (!out) return;
  if (!m) return wasm_exporttype_vec_new_empty(out);
  auto exports = m->module().exports();
  wasm_exporttype_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    const ExportType& ex = exports[i];
    wasm_externtype_t* type = nullptr;
    switch (ex.kind) {
      case ExternKind::Func: type = to_c(ex.func); break;
      case ExternKind::Table: type = to_c(ex.table); break;
      case ExternKind::Memory: type = to_c(ex.memory); break;
      case ExternKind::Global: type = to_c(ex.global); break;
    }
    wasm_name_t name;
    name_from(&name, ex.name);
    out->data[i] = wasm_exporttype_new(&name, type);
  }
}

extern "C" void wasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out) {
  if (!out) return;
  wasm_byte_vec_new_empty(out);
  if (!m) return;
  try {
    auto bytes = m->module().serialize();
    wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const char*>(bytes.data()));
  } catch (const std::exception& e) {
    set_last_error(e.what());
  }
}

extern "C" wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* bytes) {
  if (!store || !bytes) return nullptr;
  try {
    auto m = std::make_shared<const Module>(Module::deserialize(*store->engine->engine, bytes_of(bytes)));
    return module_handle(std::move(m), store->engine);
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) {
  if (!m) return nullptr;
  return new wasm_shared_module_t{std::get<std::shared_ptr<const Module>>(m->obj->payload), m->obj->engine};
}

extern "C" void wasm_shared_module_delete(wasm_shared_module_t* s) { delete s; }

extern "C" wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* s) {
  if (!store || !s) return nullptr;
  if (store->engine != s->engine) {
    set_last_error("the module belongs to another engine");
    return nullptr;
  }
  return module_handle(s->module, s->engine);
}

// ---------------------------------------------------------------------------
// Functions

namespace detwasm::capi {

namespace {

// The caller of the host function running in a store, for
// detwasm_store_consume_gas: kept in the store (not in a thread-local, which
// a shared library reaches through a call), restored when it returns.
struct CallerScope {
  wasm_store_t* store;
  Caller* saved;
  CallerScope(wasm_store_t* s, Caller* c) : store(s), saved(s->running_caller) { s->running_caller = c; }
  ~CallerScope() { store->running_caller = saved; }
};

void delete_refs(wasm_val_t* vals, size_t n) {
  for (size_t i = 0; i < n; ++i) wasm_val_delete(&vals[i]);
}

}  // namespace

Caller* current_caller(wasm_store_t* store) { return store->running_caller; }

HostFunction host_function(wasm_store_t* store, wasm_func_callback_t plain, wasm_func_callback_with_env_t cb,
                           void* env, void (*finalizer)(void*), FuncType type) {
  // The environment is finalized when the function goes, with its store.
  std::shared_ptr<void> env_owner(env, [finalizer](void* e) {
    if (finalizer) finalizer(e);
  });
  // Only references own anything in a wasm_val_t: numbers need no deleting.
  bool refs = std::any_of(type.params.begin(), type.params.end(), is_ref) ||
              std::any_of(type.results.begin(), type.results.end(), is_ref);
  return [store, plain, cb, env_owner, refs, type = std::move(type)](
             Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
    CallerScope scope(store, &caller);
    SmallBuffer<wasm_val_t> c_args(args.size());
    SmallBuffer<wasm_val_t> c_results(results.size());
    for (size_t i = 0; i < args.size(); ++i) to_c(store, args[i], &c_args.data()[i]);
    for (size_t i = 0; i < results.size(); ++i) {
      c_results.data()[i].kind = to_c(type.results[i]);
      c_results.data()[i].of.i64 = 0;
      if (is_ref(type.results[i])) c_results.data()[i].of.ref = nullptr;
    }
    wasm_val_vec_t arg_vec{args.size(), c_args.data()};
    wasm_val_vec_t result_vec{results.size(), c_results.data()};
    wasm_trap_t* trap = plain ? plain(&arg_vec, &result_vec) : cb(env_owner.get(), &arg_vec, &result_vec);
    if (refs) delete_refs(c_args.data(), args.size());
    if (trap) {
      Trap out = trap->trap();
      wasm_trap_delete(trap);
      if (refs) delete_refs(c_results.data(), results.size());
      return out;
    }
    for (size_t i = 0; i < results.size(); ++i) {
      auto v = to_cpp(store, c_results.data()[i], type.results[i]);
      if (!v) {
        if (refs) delete_refs(c_results.data(), results.size());
        return Trap::host("host function result " + std::to_string(i) + ": " + t_last_error_message());
      }
      results[i] = *v;
    }
    if (refs) delete_refs(c_results.data(), results.size());
    return std::nullopt;
  };
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t plain,
                           wasm_func_callback_with_env_t cb, void* env, void (*finalizer)(void*),
                           std::optional<uint64_t> gas_cost) {
  auto ft = store ? to_cpp(type) : std::nullopt;
  if (!ft) {
    set_last_error("a host function needs a store and a function type of valid value types");
    return nullptr;
  }
  try {
    Func f = store->store->new_host_func(*ft, host_function(store, plain, cb, env, finalizer, *ft), {}, gas_cost);
    return static_cast<wasm_func_t*>(make_handle(object_of(store, Extern{f})));
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

}  // namespace detwasm::capi

extern "C" wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t cb) {
  if (!cb) return nullptr;
  return new_host_func(store, type, cb, nullptr, nullptr, nullptr, std::nullopt);
}

extern "C" wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                               wasm_func_callback_with_env_t cb, void* env,
                                               void (*finalizer)(void*)) {
  if (!cb) return nullptr;
  return new_host_func(store, type, nullptr, cb, env, finalizer, std::nullopt);
}

extern "C" wasm_functype_t* wasm_func_type(const wasm_func_t* f) {
  return f ? to_c(std::get<Func>(f->ext()).type()) : nullptr;
}
extern "C" size_t wasm_func_param_arity(const wasm_func_t* f) {
  return f ? std::get<Func>(f->ext()).type().params.size() : 0;
}
extern "C" size_t wasm_func_result_arity(const wasm_func_t* f) {
  return f ? std::get<Func>(f->ext()).type().results.size() : 0;
}

extern "C" wasm_trap_t* wasm_func_call(const wasm_func_t* f, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (!f) return host_trap(nullptr, "wasm_func_call: no function");
  wasm_store_t* store = f->obj->store;
  const Func& fn = std::get<Func>(f->ext());
  const FuncType& type = fn.type();
  size_t nargs = args ? args->size : 0;
  if (nargs != type.params.size() || (nargs && !args->data))
    return host_trap(store, "wasm_func_call: " + std::to_string(nargs) + " arguments for a function of type " +
                                detwasm::to_string(type));
  if (!type.results.empty() && (!results || !results->data || results->size < type.results.size()))
    return host_trap(store, "wasm_func_call: too few result slots for a function of type " + detwasm::to_string(type));
  SmallBuffer<Value> cpp_args(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    auto v = to_cpp(store, args->data[i], type.params[i]);
    if (!v) return host_trap(store, "wasm_func_call: argument " + std::to_string(i) + ": " + t_last_error_message());
    cpp_args.data()[i] = *v;
  }
  CallResult r;
  try {
    r = fn.call(*store->store, std::span<const Value>(cpp_args.data(), nargs));
  } catch (const std::exception& e) {
    return host_trap(store, std::string("wasm_func_call: ") + e.what());
  }
  if (r.trap) return trap_handle(store, std::move(*r.trap));
  for (size_t i = 0; i < r.results.size(); ++i) to_c(store, r.results[i], &results->data[i]);
  return nullptr;
}

// ---------------------------------------------------------------------------
// Globals

extern "C" wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* val) {
  if (!store || !type || !val || !type->content) return nullptr;
  auto t = to_cpp(type->content->kind);
  if (!t) return nullptr;
  auto v = to_cpp(store, *val, *t);
  if (!v) return nullptr;
  try {
    Global g = store->store->new_global(GlobalType{*t, type->mutability == WASM_VAR}, *v);
    return static_cast<wasm_global_t*>(make_handle(object_of(store, Extern{g})));
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return g ? to_c(std::get<Global>(g->ext()).type()) : nullptr;
}

extern "C" void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  if (!out) return;
  if (!g) {
    *out = wasm_val_t WASM_INIT_VAL;
    return;
  }
  to_c(g->obj->store, std::get<Global>(g->ext()).get(), out);
}

extern "C" void wasm_global_set(wasm_global_t* g, const wasm_val_t* val) {
  if (!g || !val) return;
  const Global& global = std::get<Global>(g->ext());
  auto v = to_cpp(g->obj->store, *val, global.type().type);
  if (!v) return;
  try {
    global.set(*v);
  } catch (const std::exception& e) {
    set_last_error(e.what());
  }
}

// ---------------------------------------------------------------------------
// Tables

extern "C" wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!store || !type || !type->element) return nullptr;
  auto elem = to_cpp(type->element->kind);
  if (!elem || !is_ref(*elem)) return nullptr;
  auto v = ref_to_cpp(store, init, *elem);
  if (!v) return nullptr;
  try {
    Table t = store->store->new_table(TableType{*elem, to_cpp(type->limits)}, *v);
    return static_cast<wasm_table_t*>(make_handle(object_of(store, Extern{t})));
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  return t ? to_c(std::get<Table>(t->ext()).type()) : nullptr;
}

extern "C" wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  if (!t) return nullptr;
  auto v = std::get<Table>(t->ext()).get(index);
  return v ? ref_to_c(t->obj->store, *v) : nullptr;
}

extern "C" bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* r) {
  if (!t) return false;
  const Table& table = std::get<Table>(t->ext());
  auto v = ref_to_cpp(t->obj->store, r, table.type().elem);
  if (!v) return false;
  try {
    return table.set(index, *v);
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" wasm_table_size_t wasm_table_size(const wasm_table_t* t) {
  return t ? std::get<Table>(t->ext()).size() : 0;
}

extern "C" bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  if (!t) return false;
  const Table& table = std::get<Table>(t->ext());
  auto v = ref_to_cpp(t->obj->store, init, table.type().elem);
  if (!v) return false;
  try {
    return table.grow(delta, *v).has_value();
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

// ---------------------------------------------------------------------------
// Memories

extern "C" wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) return nullptr;
  try {
    Memory m = store->store->new_memory(MemoryType{to_cpp(type->limits)});
    return static_cast<wasm_memory_t*>(make_handle(object_of(store, Extern{m})));
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  return m ? to_c(std::get<Memory>(m->ext()).type()) : nullptr;
}
extern "C" byte_t* wasm_memory_data(wasm_memory_t* m) {
  return m ? reinterpret_cast<byte_t*>(std::get<Memory>(m->ext()).data()) : nullptr;
}
extern "C" size_t wasm_memory_data_size(const wasm_memory_t* m) {
  return m ? static_cast<size_t>(std::get<Memory>(m->ext()).data_size()) : 0;
}
extern "C" wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return m ? std::get<Memory>(m->ext()).pages() : 0;
}
extern "C" bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  if (!m) return false;
  try {
    return std::get<Memory>(m->ext()).grow(delta).has_value();
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

// ---------------------------------------------------------------------------
// Externs: the same handle seen as one of the four kinds.

extern "C" wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) {
  if (!e) return WASM_EXTERN_FUNC;
  switch (e->obj->kind) {
    case RefKind::Global: return WASM_EXTERN_GLOBAL;
    case RefKind::Table: return WASM_EXTERN_TABLE;
    case RefKind::Memory: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_FUNC;
  }
}

extern "C" wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) { return e ? extern_type_of(e->ext()) : nullptr; }

#define DETWASM_EXTERN_CONVERSIONS(name, KIND)                                                     \
  extern "C" wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }              \
  extern "C" const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) { return x; } \
  extern "C" wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                            \
    return e && e->obj->kind == KIND ? static_cast<wasm_##name##_t*>(e) : nullptr;                 \
  }                                                                                                \
  extern "C" const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {        \
    return e && e->obj->kind == KIND ? static_cast<const wasm_##name##_t*>(e) : nullptr;           \
  }

DETWASM_EXTERN_CONVERSIONS(func, RefKind::Func)
DETWASM_EXTERN_CONVERSIONS(global, RefKind::Global)
DETWASM_EXTERN_CONVERSIONS(table, RefKind::Table)
DETWASM_EXTERN_CONVERSIONS(memory, RefKind::Memory)

// ---------------------------------------------------------------------------
// Instances

namespace detwasm::capi {

// Imports as C++ externs: each must be an extern of `store`.
bool imports_of(wasm_store_t* store, const wasm_extern_vec_t* imports, std::vector<Extern>& out) {
  size_t n = imports ? imports->size : 0;
  if (n && !imports->data) return false;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const wasm_extern_t* e = imports->data[i];
    if (!e) {
      set_last_error("import " + std::to_string(i) + " is null");
      return false;
    }
    if (e->obj->store != store) {
      set_last_error("import " + std::to_string(i) + " belongs to another store");
      return false;
    }
    out.push_back(e->ext());
  }
  return true;
}

wasm_instance_t* finish_instantiation(wasm_store_t* store, Instantiation inst, wasm_trap_t** trap) {
  if (inst.trap) {
    set_last_error(inst.trap->message);
    if (trap) *trap = trap_handle(store, std::move(*inst.trap));
    return nullptr;
  }
  return static_cast<wasm_instance_t*>(make_handle(object_of(store, inst.instance)));
}

bool same_engine(wasm_store_t* store, const wasm_module_t* module) {
  if (module->obj->engine == store->engine) return true;
  set_last_error("the module belongs to another engine");
  return false;
}

}  // namespace detwasm::capi

extern "C" wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                              const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!store || !module) return nullptr;
  std::vector<Extern> externs;
  if (!same_engine(store, module) || !imports_of(store, imports, externs)) {
    if (trap) *trap = host_trap(store, t_last_error_message());
    return nullptr;
  }
  try {
    return finish_instantiation(store, store->store->instantiate(module->module(), externs), trap);
  } catch (const std::exception& e) {
    if (trap) *trap = host_trap(store, e.what());
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" void wasm_instance_exports(const wasm_instance_t* i, wasm_extern_vec_t* out) {
  if (!out) return;
  if (!i) return wasm_extern_vec_new_empty(out);
  auto exports = std::get<Instance>(i->obj->payload).exports();
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t k = 0; k < out->size; ++k) out->data[k] = extern_handle(i->obj->store, exports[k].second);
}
