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
  DETWASM_TRAP_EXIT,       /* a WASI program ended with proc_exit: not a fault */
};

WASM_API_EXTERN detwasm_trap_kind_t detwasm_trap_kind(const wasm_trap_t*);
/* "memory_out_of_bounds", ...: stable, for logs and JSON. */
WASM_API_EXTERN const char* detwasm_trap_kind_name(detwasm_trap_kind_t);
/* For a DETWASM_TRAP_EXIT trap: true, with the program's exit status. */
WASM_API_EXTERN bool detwasm_trap_exit_status(const wasm_trap_t*, uint32_t* status);

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

/* ------------------------------------------------------------------------
 * WASI preview 1 (wasi_snapshot_preview1), deterministic by default: a
 * virtual clock, a seeded random stream, sorted directory listings, and
 * nothing of the host (environment, directories, time, randomness) unless
 * the configuration opts in. determinism/WASI.md states the contract.
 *
 * A store has at most one WASI system: detwasm_store_set_wasi builds it
 * from a configuration (opening the preopened directories and the stream
 * files), detwasm_linker_define_wasi defines its functions for a module to
 * import, and `_start` then runs with wasm_func_call; proc_exit ends it
 * with a DETWASM_TRAP_EXIT trap carrying the status. */

typedef struct detwasm_wasi_config_t detwasm_wasi_config_t;
WASM_API_EXTERN own detwasm_wasi_config_t* detwasm_wasi_config_new(void);
WASM_API_EXTERN void detwasm_wasi_config_delete(own detwasm_wasi_config_t*);

/* The program's arguments (argv[0] is its name, by convention). */
WASM_API_EXTERN void detwasm_wasi_config_set_argv(detwasm_wasi_config_t*, size_t argc, const char* const argv[]);
/* Environment variables, NAME=VALUE each; replaces those set before. */
WASM_API_EXTERN void detwasm_wasi_config_set_env(detwasm_wasi_config_t*, size_t n, const char* const names[],
                                                 const char* const values[]);
/* Opt-in: the host's environment first, then those set. */
WASM_API_EXTERN void detwasm_wasi_config_inherit_env(detwasm_wasi_config_t*);
/* The host directory `host_path` as `guest_path` ("/data", "."). */
WASM_API_EXTERN void detwasm_wasi_config_preopen_dir(detwasm_wasi_config_t*, const char* host_path,
                                                     const char* guest_path, bool read_only);

/* Standard streams. stdin reads nothing, stdout and stderr go to the host's
 * own, unless set. An inherited stdin is an input the host chose. */
WASM_API_EXTERN void detwasm_wasi_config_inherit_stdin(detwasm_wasi_config_t*);
WASM_API_EXTERN void detwasm_wasi_config_set_stdin_file(detwasm_wasi_config_t*, const char* path);
WASM_API_EXTERN void detwasm_wasi_config_set_stdin_bytes(detwasm_wasi_config_t*, const wasm_byte_vec_t* bytes);
WASM_API_EXTERN void detwasm_wasi_config_inherit_stdout(detwasm_wasi_config_t*);
WASM_API_EXTERN void detwasm_wasi_config_set_stdout_file(detwasm_wasi_config_t*, const char* path);
/* Kept in memory, for detwasm_store_wasi_output. */
WASM_API_EXTERN void detwasm_wasi_config_capture_stdout(detwasm_wasi_config_t*);
WASM_API_EXTERN void detwasm_wasi_config_inherit_stderr(detwasm_wasi_config_t*);
WASM_API_EXTERN void detwasm_wasi_config_set_stderr_file(detwasm_wasi_config_t*, const char* path);
WASM_API_EXTERN void detwasm_wasi_config_capture_stderr(detwasm_wasi_config_t*);

/* The virtual clock's start (ns since 1970; default 2020-01-01T00:00:00Z)
 * and the step each reading advances it (default 1 ms). */
WASM_API_EXTERN void detwasm_wasi_config_set_clock(detwasm_wasi_config_t*, uint64_t start_ns, uint64_t step_ns);
/* The seed of random_get's stream (default 0). */
WASM_API_EXTERN void detwasm_wasi_config_set_random_seed(detwasm_wasi_config_t*, uint64_t seed);
/* Opt-ins that end determinism: the host's clocks and file times, and the
 * host's random bytes. */
WASM_API_EXTERN void detwasm_wasi_config_use_wall_clock(detwasm_wasi_config_t*, bool);
WASM_API_EXTERN void detwasm_wasi_config_use_os_random(detwasm_wasi_config_t*, bool);

/* Gives `store` a WASI system built from `config`, which it takes (and
 * deletes, whatever the result). False, with detwasm_last_error naming
 * what could not be opened, when a preopen or a stream file cannot be. A
 * second call replaces the system for functions defined after it. */
WASM_API_EXTERN bool detwasm_store_set_wasi(wasm_store_t*, own detwasm_wasi_config_t* config);
/* Defines every wasi_snapshot_preview1 function of the store's WASI system
 * in `linker`, as functions of `store`. False without one, or when a name
 * is already defined and shadowing is not allowed. */
WASM_API_EXTERN bool detwasm_linker_define_wasi(detwasm_linker_t*, wasm_store_t*);
/* What a captured stream received: fd 1 (stdout) or 2 (stderr). Empty when
 * not captured. */
WASM_API_EXTERN void detwasm_store_wasi_output(const wasm_store_t*, int fd, own wasm_byte_vec_t* out);

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DETWASM_H */
