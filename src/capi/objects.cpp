// wasm.h: configuration, engines, stores, references, values, traps,
// frames and foreign objects.
#include "capi/capi.hpp"

#include <any>

using namespace detwasm;
using namespace detwasm::capi;

namespace detwasm::capi {

namespace {
thread_local std::string t_last_error;
}

void set_last_error(std::string message) { t_last_error = std::move(message); }
const std::string& t_last_error_message() { return t_last_error; }

}  // namespace detwasm::capi

extern "C" void detwasm_last_error(wasm_message_t* out) {
  wasm_byte_vec_new(out, t_last_error.size() + 1, t_last_error.c_str());
}

// ---------------------------------------------------------------------------
// Configuration, engine, store

extern "C" wasm_config_t* wasm_config_new(void) { return new wasm_config_t{}; }
extern "C" void wasm_config_delete(wasm_config_t* c) { delete c; }

extern "C" wasm_engine_t* wasm_engine_new(void) { return wasm_engine_new_with_config(wasm_config_new()); }

extern "C" wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  std::unique_ptr<wasm_config_t> c(config ? config : new wasm_config_t{});
  try {
    return new wasm_engine_t{std::make_unique<Engine>(c->config)};
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" void wasm_engine_delete(wasm_engine_t* e) { delete e; }

extern "C" wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  if (!engine) return nullptr;
  try {
    return new wasm_store_t{engine, std::make_unique<Store>(*engine->engine), {}, {}, nullptr};
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return nullptr;
  }
}

extern "C" void wasm_store_delete(wasm_store_t* s) {
  if (!s) return;
  // Objects no handle holds any more go first (their finalizers run); then
  // the store, with the host functions' environments and the host objects
  // Wasm could still reach as externrefs.
  s->objects.clear();
  s->store.reset();
  delete s;
}

// ---------------------------------------------------------------------------
// Handles and the store's objects

namespace detwasm::capi {

wasm_ref_t* make_handle(std::shared_ptr<Object> obj) {
  switch (obj->kind) {
    case RefKind::Func: return new wasm_func_t(std::move(obj));
    case RefKind::Global: return new wasm_global_t(std::move(obj));
    case RefKind::Table: return new wasm_table_t(std::move(obj));
    case RefKind::Memory: return new wasm_memory_t(std::move(obj));
    case RefKind::Instance: return new wasm_instance_t(std::move(obj));
    case RefKind::Module: return new wasm_module_t(std::move(obj));
    case RefKind::Trap: return new wasm_trap_t(std::move(obj));
    case RefKind::Foreign: return new wasm_foreign_t(std::move(obj));
  }
  return nullptr;
}

namespace {
const void* address_of(const Extern& e) {
  return std::visit([](const auto& x) -> const void* { return x.raw(); }, e);
}
RefKind kind_of_extern(const Extern& e) {
  switch (kind_of(e)) {
    case ExternKind::Func: return RefKind::Func;
    case ExternKind::Table: return RefKind::Table;
    case ExternKind::Memory: return RefKind::Memory;
    case ExternKind::Global: return RefKind::Global;
  }
  return RefKind::Func;
}
}  // namespace

std::shared_ptr<Object> object_of(wasm_store_t* store, const Extern& e) {
  auto& slot = store->objects[address_of(e)];
  if (!slot) {
    slot = std::make_shared<Object>(kind_of_extern(e), store);
    slot->payload = e;
  }
  return slot;
}

std::shared_ptr<Object> object_of(wasm_store_t* store, const Instance& i) {
  auto& slot = store->objects[i.raw()];
  if (!slot) {
    slot = std::make_shared<Object>(RefKind::Instance, store);
    slot->payload = i;
  }
  return slot;
}

wasm_extern_t* extern_handle(wasm_store_t* store, const Extern& e) {
  return static_cast<wasm_extern_t*>(make_handle(object_of(store, e)));
}

wasm_trap_t* trap_handle(wasm_store_t* store, Trap trap) {
  auto obj = std::make_shared<Object>(RefKind::Trap, store);
  obj->payload = std::move(trap);
  return new wasm_trap_t(std::move(obj));
}

wasm_trap_t* host_trap(wasm_store_t* store, std::string message) {
  set_last_error(message);
  return trap_handle(store, Trap::host(std::move(message)));
}

}  // namespace detwasm::capi

// Each reference type: delete, copy, same, host info, and the conversions
// to and from wasm_ref_t (checked by the object's kind).
#define DETWASM_REF_BASE(name)                                                                   \
  extern "C" void wasm_##name##_delete(wasm_##name##_t* r) { delete r; }                         \
  extern "C" wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* r) {                     \
    return r ? static_cast<wasm_##name##_t*>(make_handle(r->obj)) : nullptr;                     \
  }                                                                                              \
  extern "C" bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {       \
    if (!a || !b) return a == b;                                                                 \
    return a->obj == b->obj;                                                                     \
  }                                                                                              \
  extern "C" void* wasm_##name##_get_host_info(const wasm_##name##_t* r) {                       \
    return r ? r->obj->host_info : nullptr;                                                      \
  }                                                                                              \
  extern "C" void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* r, void* info,     \
                                                             void (*fin)(void*)) {               \
    if (!r) return;                                                                              \
    Object& o = *r->obj;                                                                         \
    if (o.finalizer) o.finalizer(o.host_info); /* the old info is replaced: finalized now */     \
    o.host_info = info;                                                                          \
    o.finalizer = fin;                                                                           \
  }                                                                                              \
  extern "C" void wasm_##name##_set_host_info(wasm_##name##_t* r, void* info) {                  \
    wasm_##name##_set_host_info_with_finalizer(r, info, nullptr);                                \
  }

#define DETWASM_REF(name, is_kind)                                                               \
  DETWASM_REF_BASE(name)                                                                         \
  extern "C" wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* r) { return r; }                  \
  extern "C" const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* r) { return r; } \
  extern "C" wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) {                                \
    return r && is_kind(r->obj->kind) ? static_cast<wasm_##name##_t*>(r) : nullptr;              \
  }                                                                                              \
  extern "C" const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {            \
    return r && is_kind(r->obj->kind) ? static_cast<const wasm_##name##_t*>(r) : nullptr;        \
  }

namespace {
bool is_func(RefKind k) { return k == RefKind::Func; }
bool is_global(RefKind k) { return k == RefKind::Global; }
bool is_table(RefKind k) { return k == RefKind::Table; }
bool is_memory(RefKind k) { return k == RefKind::Memory; }
bool is_extern(RefKind k) { return k <= RefKind::Memory; }
bool is_instance(RefKind k) { return k == RefKind::Instance; }
bool is_module(RefKind k) { return k == RefKind::Module; }
bool is_trap(RefKind k) { return k == RefKind::Trap; }
bool is_foreign(RefKind k) { return k == RefKind::Foreign; }
}  // namespace

DETWASM_REF_BASE(ref)
DETWASM_REF(func, is_func)
DETWASM_REF(global, is_global)
DETWASM_REF(table, is_table)
DETWASM_REF(memory, is_memory)
DETWASM_REF(extern, is_extern)
DETWASM_REF(instance, is_instance)
DETWASM_REF(module, is_module)
DETWASM_REF(trap, is_trap)
DETWASM_REF(foreign, is_foreign)

// ---------------------------------------------------------------------------
// Values

extern "C" void wasm_val_delete(wasm_val_t* v) {
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}

extern "C" void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  if (!out) return;
  if (!v) {
    *out = wasm_val_t WASM_INIT_VAL;
    return;
  }
  *out = *v;
  if (wasm_valkind_is_ref(v->kind) && v->of.ref) out->of.ref = wasm_ref_copy(v->of.ref);
}

namespace detwasm::capi {

std::optional<Value> ref_to_cpp(wasm_store_t* store, const wasm_ref_t* r, ValType t) {
  if (!r) return Value::null_ref(t);
  const Object& o = *r->obj;
  if (o.store != store) {
    set_last_error("a reference of another store, or of no store");
    return std::nullopt;
  }
  if (t == ValType::FuncRef) {
    if (o.kind != RefKind::Func) {
      set_last_error("a funcref must be a function");
      return std::nullopt;
    }
    return Value::funcref(std::get<Func>(std::get<Extern>(o.payload)));
  }
  if (t != ValType::ExternRef) return std::nullopt;
  // The object itself is the host object: the store keeps it while Wasm
  // may hold the reference, and it comes back out as the same object.
  if (!o.externref_bits) r->obj->externref_bits = store->store->externref(std::any(r->obj)).bits;
  return Value{ValType::ExternRef, *o.externref_bits};
}

std::optional<Value> value_mismatch(const wasm_val_t& v, ValType t) {
  set_last_error("a value of kind " + std::to_string(v.kind) + " where " + std::string(detwasm::to_string(t)) +
                 " is expected");
  return std::nullopt;
}

wasm_ref_t* ref_to_c(wasm_store_t* store, const Value& v) {
  if (v.is_null()) return nullptr;
  if (v.type == ValType::FuncRef) {
    auto f = v.as_func(*store->store);
    return f ? make_handle(object_of(store, Extern{*f})) : nullptr;
  }
  std::any* a = store->store->externref_data(v);
  if (a) {
    if (auto* obj = std::any_cast<std::shared_ptr<Object>>(a)) return make_handle(*obj);
  }
  // A host object the C++ API made: seen here as a foreign object.
  return make_handle(std::make_shared<Object>(RefKind::Foreign, store));
}

}  // namespace detwasm::capi

// ---------------------------------------------------------------------------
// Foreign objects

extern "C" wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  if (!store) return nullptr;
  return new wasm_foreign_t(std::make_shared<Object>(RefKind::Foreign, store));
}

// ---------------------------------------------------------------------------
// Traps and frames

extern "C" wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message) {
  std::string text = to_string(message);
  if (!text.empty() && text.back() == '\0') text.pop_back();  // messages carry their terminator
  return trap_handle(store, Trap::host(std::move(text)));
}

extern "C" void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  if (!out) return;
  if (!t) return wasm_byte_vec_new_empty(out);
  const std::string& m = t->trap().message;
  wasm_byte_vec_new(out, m.size() + 1, m.c_str());
}

extern "C" wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  if (!t || t->trap().frames.empty()) return nullptr;
  return new wasm_frame_t{t->trap().frames.front(), t->obj->store};
}

extern "C" void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  if (!out) return;
  if (!t) return wasm_frame_vec_new_empty(out);
  const auto& frames = t->trap().frames;
  wasm_frame_vec_new_uninitialized(out, frames.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new wasm_frame_t{frames[i], t->obj->store};
}

wasm_frame_t::~wasm_frame_t() { wasm_instance_delete(instance); }

extern "C" void wasm_frame_delete(wasm_frame_t* f) { delete f; }
extern "C" wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) {
  return f ? new wasm_frame_t{f->frame, f->store} : nullptr;
}
extern "C" wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) {
  if (!f || !f->store || !f->frame.instance) return nullptr;
  if (!f->instance)
    f->instance = static_cast<wasm_instance_t*>(make_handle(object_of(f->store, Instance(f->frame.instance))));
  return f->instance;
}
extern "C" uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f ? f->frame.func_index : 0; }
extern "C" size_t wasm_frame_func_offset(const wasm_frame_t* f) {
  return f ? static_cast<size_t>(f->frame.func_offset.value_or(0)) : 0;
}
extern "C" size_t wasm_frame_module_offset(const wasm_frame_t* f) {
  return f ? static_cast<size_t>(f->frame.module_offset.value_or(0)) : 0;
}
