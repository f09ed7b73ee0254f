/* detwasm's additions to the WebAssembly C API (wasm.h): what the standard
 * has no words for. The ownership conventions are wasm.h's: `own` results
 * and `out` parameters pass ownership to the caller, everything else is
 * borrowed.
 */
#ifndef DETWASM_H
#define DETWASM_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define own

/* ------------------------------------------------------------------------
 * Errors: the reason the last call on this thread that returned NULL or
 * false failed (a module that does not validate, a link error, ...). */

/* Copies the message (null-terminated) into `out`; empty when there is none. */
WASM_API_EXTERN void detwasm_last_error(own wasm_message_t* out);

/* ------------------------------------------------------------------------
 * Configuration, before wasm_engine_new_with_config takes it. Setters
 * return false (and change nothing) for a value this build cannot use. */

typedef uint8_t detwasm_tier_t;
enum detwasm_tier_enum {
  DETWASM_TIER_INTERPRETER,
  DETWASM_TIER_JIT,
};

/* The tier a configuration runs unless set: the JIT where this build has a
 * backend for the host, the interpreter elsewhere. */
WASM_API_EXTERN detwasm_tier_t detwasm_default_tier(void);
/* False for the JIT on a host it has no backend for. */
WASM_API_EXTERN bool detwasm_config_set_tier(wasm_config_t*, detwasm_tier_t);
/* Metering compiles gas accounting into modules; off by default. */
WASM_API_EXTERN void detwasm_config_set_metering(wasm_config_t*, bool);
/* The on-disk cache of compiled modules; NULL or "" turns it off. */
WASM_API_EXTERN void detwasm_config_set_cache_dir(wasm_config_t*, const char* dir);
/* Adds an Ed25519 public key whose signed artifacts deserialize accepts.
 * With one key or more, only artifacts signed by such a key load. */
WASM_API_EXTERN void detwasm_config_add_trusted_key(wasm_config_t*, const uint8_t key[32]);

/* Resource limits, part of a module's compiled identity. A subset of the
 * engine's limits; the rest keep their defaults. */
typedef struct detwasm_limits_t {
  uint64_t max_module_size;    /* bytes */
  uint32_t max_memory_pages;   /* per memory */
  uint32_t max_table_elements; /* per table */
  uint32_t max_functions;
  uint32_t max_globals;
  uint32_t max_function_body_size; /* bytes */
  uint64_t stack_budget_slots;     /* the deterministic stack budget */
} detwasm_limits_t;

/* The defaults, or the profile recommended for contracts. */
WASM_API_EXTERN void detwasm_limits_default(detwasm_limits_t* out);
WASM_API_EXTERN void detwasm_limits_for_contracts(detwasm_limits_t* out);
WASM_API_EXTERN void detwasm_config_set_limits(wasm_config_t*, const detwasm_limits_t*);

/* ------------------------------------------------------------------------
 * Gas. Code of modules compiled with metering draws on its store's gas. A
 * limit holds until set again; without one gas is unlimited and counted. */

WASM_API_EXTERN void detwasm_store_set_gas_limit(wasm_store_t*, uint64_t limit);
WASM_API_EXTERN uint64_t detwasm_store_gas_used(const wasm_store_t*); /* since the limit was set */
WASM_API_EXTERN uint64_t detwasm_store_gas_left(const wasm_store_t*);

/* Called from a host function of `store` while Wasm calls it: charges
 * `amount` gas for work the host does. Returns NULL, or (charging nothing)
 * an out-of-gas trap, which the host function should return. Outside a
 * host function of `store` it charges nothing and returns a host-error trap. */
WASM_API_EXTERN own wasm_trap_t* detwasm_store_consume_gas(wasm_store_t*, uint64_t amount);

/* wasm_func_new_with_env with a gas cost charged to metered callers on
 * each call (wasm_func_new_with_env charges the schedule's default). */
WASM_API_EXTERN own wasm_func_t* detwasm_func_new_with_cost(wasm_store_t*, const wasm_functype_t*,
                                                            wasm_func_callback_with_env_t, void* env,
                                                            void (*finalizer)(void*), uint64_t gas_cost);

/* ------------------------------------------------------------------------
 * Traps */

typedef uint8_t detwasm_trap_kind_t;
enum detwasm_trap_kind_enum {
  DETWASM_TRAP_UNREACHABLE,
  DETWASM_TRAP_MEMORY_OUT_OF_BOUNDS,
  DETWASM_TRAP_TABLE_OUT_OF_BOUNDS,
  DETWASM_TRAP_INDIRECT_CALL_TO_NULL,
  DETWASM_TRAP_INDIRECT_CALL_SIGNATURE,
  DETWASM_TRAP_INTEGER_DIVIDE_BY_ZERO,
  DETWASM_TRAP_INTEGER_OVERFLOW,
  DETWASM_TRAP_INVALID_CONVERSION,
  DETWASM_TRAP_STACK_EXHAUSTED,
  DETWASM_TRAP_OUT_OF_GAS,
  DETWASM_TRAP_HOST_ERROR, /* a host function failed, or the API refused a call */
};

WASM_API_EXTERN detwasm_trap_kind_t detwasm_trap_kind(const wasm_trap_t*);
/* "memory_out_of_bounds", ...: stable, for logs and JSON. */
WASM_API_EXTERN const char* detwasm_trap_kind_name(detwasm_trap_kind_t);

/* ------------------------------------------------------------------------
 * Modules */

/* The BLAKE2b-256 digest of the module's bytes. */
WASM_API_EXTERN void detwasm_module_hash(const wasm_module_t*, uint8_t out[32]);

/* The binary form of a module in the text format. False (and `out` empty)
 * for malformed text; detwasm_last_error says where. Not in a headless
 * build, which has no text parser. */
WASM_API_EXTERN bool detwasm_wat2wasm(const wasm_byte_vec_t* text, own wasm_byte_vec_t* out);

/* ------------------------------------------------------------------------
 * A linker resolves imports by (module, name). A name is defined once:
 * defining it again fails unless shadowing is allowed. Items are borrowed
 * and must be of the store instantiate is given. */

typedef struct detwasm_linker_t detwasm_linker_t;
WASM_API_EXTERN void detwasm_linker_delete(own detwasm_linker_t*);

WASM_API_EXTERN own detwasm_linker_t* detwasm_linker_new(void);
WASM_API_EXTERN void detwasm_linker_allow_shadowing(detwasm_linker_t*, bool allow);
WASM_API_EXTERN bool detwasm_linker_define(detwasm_linker_t*, const wasm_name_t* module, const wasm_name_t* name,
                                           const wasm_extern_t*);
/* Every export of `instance` as (module, export name); all or none. */
WASM_API_EXTERN bool detwasm_linker_define_instance(detwasm_linker_t*, const wasm_name_t* module,
                                                    const wasm_instance_t*);
/* As wasm_instance_new, with the imports looked up by name. */
WASM_API_EXTERN own wasm_instance_t* detwasm_linker_instantiate(const detwasm_linker_t*, wasm_store_t*,
                                                                const wasm_module_t*, own wasm_trap_t** trap);

/* WASI is not configurable through this header yet. */

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DETWASM_H */
