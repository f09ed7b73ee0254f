// detwasm.h: configuration, gas, trap kinds, module hashes, the text
// format and the linker.
#include "capi/capi.hpp"

#include <algorithm>

using namespace detwasm;
using namespace detwasm::capi;

// ---------------------------------------------------------------------------
// Configuration

extern "C" detwasm_tier_t detwasm_default_tier(void) {
  return kDefaultTier == Tier::Jit ? DETWASM_TIER_JIT : DETWASM_TIER_INTERPRETER;
}

extern "C" bool detwasm_config_set_tier(wasm_config_t* c, detwasm_tier_t tier) {
  if (!c) return false;
  switch (tier) {
    case DETWASM_TIER_INTERPRETER: c->config.tier = Tier::Interpreter; return true;
    case DETWASM_TIER_JIT:
      if (kDefaultTier != Tier::Jit) {
        set_last_error("this build has no JIT backend for the host");
        return false;
      }
      c->config.tier = Tier::Jit;
      return true;
  }
  return false;
}

extern "C" void detwasm_config_set_metering(wasm_config_t* c, bool on) {
  if (c) c->config.metering = on;
}

extern "C" void detwasm_config_set_cache_dir(wasm_config_t* c, const char* dir) {
  if (c) c->config.cache.dir = dir ? dir : "";
}

extern "C" void detwasm_config_add_trusted_key(wasm_config_t* c, const uint8_t key[32]) {
  if (!c || !key) return;
  std::array<uint8_t, 32> k;
  std::copy(key, key + 32, k.begin());
  c->config.trusted_keys.push_back(k);
}

namespace {
void limits_to_c(const ResourceLimits& l, detwasm_limits_t* out) {
  out->max_module_size = l.max_module_size;
  out->max_memory_pages = l.max_memory_pages;
  out->max_table_elements = l.max_table_elements;
  out->max_functions = l.max_functions;
  out->max_globals = l.max_globals;
  out->max_function_body_size = l.max_function_body_size;
  out->stack_budget_slots = l.stack_budget_slots;
}
}  // namespace

extern "C" void detwasm_limits_default(detwasm_limits_t* out) {
  if (out) limits_to_c(ResourceLimits{}, out);
}

extern "C" void detwasm_limits_for_contracts(detwasm_limits_t* out) {
  if (out) limits_to_c(ResourceLimits::for_contracts(), out);
}

extern "C" void detwasm_config_set_limits(wasm_config_t* c, const detwasm_limits_t* l) {
  if (!c || !l) return;
  ResourceLimits& r = c->config.limits;
  r.max_module_size = l->max_module_size;
  r.max_memory_pages = l->max_memory_pages;
  r.max_table_elements = l->max_table_elements;
  r.max_functions = l->max_functions;
  r.max_globals = l->max_globals;
  r.max_function_body_size = l->max_function_body_size;
  r.stack_budget_slots = l->stack_budget_slots;
}

// ---------------------------------------------------------------------------
// Gas

extern "C" void detwasm_store_set_gas_limit(wasm_store_t* s, uint64_t limit) {
  if (s) s->store->set_gas_limit(limit);
}
extern "C" uint64_t detwasm_store_gas_used(const wasm_store_t* s) { return s ? s->store->gas_used() : 0; }
extern "C" uint64_t detwasm_store_gas_left(const wasm_store_t* s) { return s ? s->store->gas_left() : 0; }

extern "C" wasm_trap_t* detwasm_store_consume_gas(wasm_store_t* s, uint64_t amount) {
  if (!s) return nullptr;
  Caller* caller = current_caller(s);
  if (!caller) return host_trap(s, "detwasm_store_consume_gas: not called from a host function of this store");
  if (auto trap = caller->consume_gas(amount)) return trap_handle(s, std::move(*trap));
  return nullptr;
}

extern "C" wasm_func_t* detwasm_func_new_with_cost(wasm_store_t* store, const wasm_functype_t* type,
                                                   wasm_func_callback_with_env_t cb, void* env,
                                                   void (*finalizer)(void*), uint64_t gas_cost) {
  if (!cb) return nullptr;
  return new_host_func(store, type, nullptr, cb, env, finalizer, gas_cost);
}

// ---------------------------------------------------------------------------
// Traps

extern "C" detwasm_trap_kind_t detwasm_trap_kind(const wasm_trap_t* t) {
  if (!t) return DETWASM_TRAP_HOST_ERROR;
  static_assert(DETWASM_TRAP_HOST_ERROR == static_cast<int>(TrapKind::HostError) &&
                    DETWASM_TRAP_EXIT == static_cast<int>(TrapKind::Exit),
                "trap kinds in the same order");
  return static_cast<detwasm_trap_kind_t>(t->trap().kind);
}

extern "C" const char* detwasm_trap_kind_name(detwasm_trap_kind_t k) {
  if (k > DETWASM_TRAP_EXIT) return "unknown";
  return trap_kind_name(static_cast<TrapKind>(k));
}

extern "C" bool detwasm_trap_exit_status(const wasm_trap_t* t, uint32_t* status) {
  if (!t || t->trap().kind != TrapKind::Exit) return false;
  if (status) *status = t->trap().exit_status;
  return true;
}

// ---------------------------------------------------------------------------
// Modules and text

extern "C" void detwasm_module_hash(const wasm_module_t* m, uint8_t out[32]) {
  if (!out) return;
  if (!m) {
    std::fill(out, out + 32, 0);
    return;
  }
  const ModuleHash& h = m->module().hash();
  std::copy(h.begin(), h.end(), out);
}

extern "C" bool detwasm_wat2wasm(const wasm_byte_vec_t* text, wasm_byte_vec_t* out) {
  if (!out) return false;
  wasm_byte_vec_new_empty(out);
  if (!text) return false;
  try {
    auto bytes = wat2wasm(std::string_view(text->data ? text->data : "", text->data ? text->size : 0));
    wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const char*>(bytes.data()));
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

// ---------------------------------------------------------------------------
// Linker: names to C++ externs, checked against the store at instantiation.

extern "C" detwasm_linker_t* detwasm_linker_new(void) { return new detwasm_linker_t{}; }
extern "C" void detwasm_linker_delete(detwasm_linker_t* l) { delete l; }

extern "C" void detwasm_linker_allow_shadowing(detwasm_linker_t* l, bool allow) {
  if (l) l->linker.allow_shadowing(allow);
}

// A linker holds items of one store only.
bool detwasm::capi::same_store(detwasm_linker_t* l, wasm_store_t* store) {
  if (!l->store) l->store = store;
  if (l->store == store) return true;
  set_last_error("a linker holds items of one store");
  return false;
}

extern "C" bool detwasm_linker_define(detwasm_linker_t* l, const wasm_name_t* module, const wasm_name_t* name,
                                      const wasm_extern_t* item) {
  if (!l || !module || !name || !item || !same_store(l, item->obj->store)) return false;
  try {
    l->linker.define(to_string(module), to_string(name), item->ext());
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" bool detwasm_linker_define_instance(detwasm_linker_t* l, const wasm_name_t* module,
                                               const wasm_instance_t* instance) {
  if (!l || !module || !instance || !same_store(l, instance->obj->store)) return false;
  try {
    l->linker.define_instance(to_string(module), std::get<Instance>(instance->obj->payload));
    return true;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return false;
  }
}

extern "C" wasm_instance_t* detwasm_linker_instantiate(const detwasm_linker_t* l, wasm_store_t* store,
                                                       const wasm_module_t* module, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  if (!l || !store || !module) return nullptr;
  if (!same_engine(store, module) || (l->store && l->store != store)) {
    if (l->store && l->store != store) set_last_error("the linker's items belong to another store");
    if (trap) *trap = host_trap(store, t_last_error_message());
    return nullptr;
  }
  try {
    return finish_instantiation(store, l->linker.instantiate(*store->store, module->module()), trap);
  } catch (const std::exception& e) {
    if (trap) *trap = host_trap(store, e.what());
    set_last_error(e.what());
    return nullptr;
  }
}
