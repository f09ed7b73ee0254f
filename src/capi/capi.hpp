// The C API's objects: what wasm.h's opaque types are, over the C++ API.
//
// Type objects (valtype, functype, ...) are plain values. Runtime objects
// are references: a handle (wasm_ref_t and the types derived from it) points
// to an Object shared by every handle of the same Wasm object, which holds
// the C++ object, its store and the host info. A store keeps one Object per
// function, global, table, memory and instance it has handed out, so host
// info and `same` hold across handles, and finalizers run with the store at
// the latest.
#pragma once

#include <wasm.h>
#include <detwasm.h>

#include <bit>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <detwasm/detwasm.hpp>
#include <detwasm/wasi.hpp>

namespace detwasm::capi {

enum class RefKind : uint8_t { Func, Global, Table, Memory, Instance, Module, Trap, Foreign };

struct Object {
  RefKind kind;
  wasm_store_t* store = nullptr;  // null for modules; never used once the store is gone
  std::variant<std::monostate, Extern, Instance, std::shared_ptr<const Module>, Trap> payload;
  wasm_engine_t* engine = nullptr;  // a module's engine
  void* host_info = nullptr;
  void (*finalizer)(void*) = nullptr;
  std::optional<uint64_t> externref_bits;  // this object as an externref of its store, once made

  Object(RefKind k, wasm_store_t* s) : kind(k), store(s) {}
  ~Object() {
    if (finalizer) finalizer(host_info);
  }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
};

// Records the reason a call failed, for detwasm_last_error.
void set_last_error(std::string message);
const std::string& t_last_error_message();

}  // namespace detwasm::capi

struct wasm_config_t {
  detwasm::EngineConfig config;
};

struct wasm_engine_t {
  std::unique_ptr<detwasm::Engine> engine;
};

struct wasm_store_t {
  wasm_engine_t* engine;
  std::unique_ptr<detwasm::Store> store;
  // One Object per runtime object handed out, by the C++ object's address.
  std::unordered_map<const void*, std::shared_ptr<detwasm::capi::Object>> objects;
  std::unique_ptr<detwasm::Wasi> wasi;  // detwasm_store_set_wasi's
  detwasm::Caller* running_caller = nullptr;  // of the host function running now, if any
};

struct detwasm_linker_t {
  detwasm::Linker linker;
  wasm_store_t* store = nullptr;  // of the items defined so far
};

// Handles. Each is allocated as its most derived type (make_handle), so the
// checked downcasts of wasm_ref_as_* and wasm_extern_as_* are sound.
struct wasm_ref_t {
  std::shared_ptr<detwasm::capi::Object> obj;
  explicit wasm_ref_t(std::shared_ptr<detwasm::capi::Object> o) : obj(std::move(o)) {}
  virtual ~wasm_ref_t() = default;
};
struct wasm_extern_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  const detwasm::Extern& ext() const { return std::get<detwasm::Extern>(obj->payload); }
};
struct wasm_func_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_global_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_table_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_memory_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_instance_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
};
struct wasm_module_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  const detwasm::Module& module() const { return *std::get<std::shared_ptr<const detwasm::Module>>(obj->payload); }
};
struct wasm_trap_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  const detwasm::Trap& trap() const { return std::get<detwasm::Trap>(obj->payload); }
};
struct wasm_foreign_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
};

struct wasm_shared_module_t {
  std::shared_ptr<const detwasm::Module> module;
  wasm_engine_t* engine;
};

struct wasm_frame_t {
  detwasm::TrapFrame frame;
  wasm_store_t* store = nullptr;  // the trap's; null for a trap made without one
  // wasm_frame_instance's result, owned by the frame (the result is borrowed).
  mutable wasm_instance_t* instance = nullptr;
  ~wasm_frame_t();
};

// Type objects. An extern type is one of the four kinds; each kind's struct
// starts with it, so the conversions are casts.
struct wasm_valtype_t {
  wasm_valkind_t kind;
};
struct wasm_externtype_t {
  wasm_externkind_t kind;
};
struct wasm_functype_t : wasm_externtype_t {
  wasm_valtype_vec_t params;
  wasm_valtype_vec_t results;
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_valtype_t* content;
  wasm_mutability_t mutability;
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_valtype_t* element;
  wasm_limits_t limits;
};
struct wasm_memorytype_t : wasm_externtype_t {
  wasm_limits_t limits;
};
struct wasm_importtype_t {
  wasm_name_t module;
  wasm_name_t name;
  wasm_externtype_t* type;
};
struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t* type;
};

namespace detwasm::capi {

// Conversions between the C and C++ type vocabularies.
std::optional<ValType> to_cpp(wasm_valkind_t kind);

inline wasm_valkind_t to_c(ValType t) {
  switch (t) {
    case ValType::I32: return WASM_I32;
    case ValType::I64: return WASM_I64;
    case ValType::F32: return WASM_F32;
    case ValType::F64: return WASM_F64;
    case ValType::ExternRef: return WASM_EXTERNREF;
    case ValType::FuncRef: return WASM_FUNCREF;
    case ValType::V128: break;  // rejected at validation: never reaches the API
  }
  return WASM_I32;
}
std::optional<FuncType> to_cpp(const wasm_functype_t* t);
wasm_functype_t* to_c(const FuncType& t);
wasm_globaltype_t* to_c(const GlobalType& t);
wasm_tabletype_t* to_c(const TableType& t);
wasm_memorytype_t* to_c(const MemoryType& t);
Limits to_cpp(const wasm_limits_t& l);
wasm_externtype_t* extern_type_of(const Extern& e);
std::string to_string(const wasm_name_t* name);
void name_from(wasm_name_t* out, std::string_view s);

// A new handle of the object's kind.
wasm_ref_t* make_handle(std::shared_ptr<Object> obj);
// The store's Object for a C++ runtime object, made on first use.
std::shared_ptr<Object> object_of(wasm_store_t* store, const Extern& e);
std::shared_ptr<Object> object_of(wasm_store_t* store, const Instance& i);
wasm_extern_t* extern_handle(wasm_store_t* store, const Extern& e);

// A trap handle for a trap value (its store may be null).
wasm_trap_t* trap_handle(wasm_store_t* store, Trap trap);
wasm_trap_t* host_trap(wasm_store_t* store, std::string message);
// Binds `l` to `store` if unbound; false (with the reason set) if it holds
// items of another store.
bool same_store(detwasm_linker_t* l, wasm_store_t* store);

// A C value as a C++ value of type `t` in `store`; nullopt (with the reason
// in the last error) when it cannot be one. Inline: every call converts
// each argument and result.
std::optional<Value> ref_to_cpp(wasm_store_t* store, const wasm_ref_t* r, ValType t);
std::optional<Value> value_mismatch(const wasm_val_t& v, ValType t);  // nullopt, and says why

inline std::optional<Value> to_cpp(wasm_store_t* store, const wasm_val_t& v, ValType t) {
  switch (t) {
    case ValType::I32:
      if (v.kind == WASM_I32) return Value::i32(v.of.i32);
      break;
    case ValType::I64:
      if (v.kind == WASM_I64) return Value::i64(v.of.i64);
      break;
    case ValType::F32:
      if (v.kind == WASM_F32) return Value::f32_bits(std::bit_cast<uint32_t>(v.of.f32));
      break;
    case ValType::F64:
      if (v.kind == WASM_F64) return Value::f64_bits(std::bit_cast<uint64_t>(v.of.f64));
      break;
    case ValType::FuncRef:
    case ValType::ExternRef:
      // Either reference kind may carry any reference (WASM_REF_VAL says
      // externref for all): the Wasm type decides.
      if (wasm_valkind_is_ref(v.kind)) return ref_to_cpp(store, v.of.ref, t);
      break;
    case ValType::V128: break;
  }
  return value_mismatch(v, t);
}

// A C++ value as an owned C value.
wasm_ref_t* ref_to_c(wasm_store_t* store, const Value& v);

inline void to_c(wasm_store_t* store, const Value& v, wasm_val_t* out) {
  out->kind = to_c(v.type);
  switch (v.type) {
    case ValType::I32: out->of.i32 = v.as_i32(); break;
    case ValType::I64: out->of.i64 = v.as_i64(); break;
    case ValType::F32: out->of.f32 = std::bit_cast<float>(v.as_f32_bits()); break;
    case ValType::F64: out->of.f64 = std::bit_cast<double>(v.as_f64_bits()); break;
    case ValType::FuncRef:
    case ValType::ExternRef: out->of.ref = ref_to_c(store, v); break;
    case ValType::V128: out->of.i64 = 0; break;
  }
}

// A host function that calls a C callback (`plain`, or else `cb` with
// `env`); `finalizer` runs on `env` when the function goes. On failure
// returns NULL and `env` stays the caller's.
wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t plain,
                           wasm_func_callback_with_env_t cb, void* env, void (*finalizer)(void*),
                           std::optional<uint64_t> gas_cost);
// The caller of the host function of `store` running on this thread, if any.
Caller* current_caller(wasm_store_t* store);

// Instantiation shared by wasm_instance_new and the linker.
bool imports_of(wasm_store_t* store, const wasm_extern_vec_t* imports, std::vector<Extern>& out);
bool same_engine(wasm_store_t* store, const wasm_module_t* module);
wasm_instance_t* finish_instantiation(wasm_store_t* store, Instantiation inst, wasm_trap_t** trap);

}  // namespace detwasm::capi
