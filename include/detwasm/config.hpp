// Engine configuration: resource limits and the execution tier. Limits are
// identical on every node that must agree, so they are part of a module's
// compiled identity.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <detwasm/gas.hpp>
#include <detwasm/target.hpp>

namespace detwasm {

struct ResourceLimits {
  uint64_t max_module_size = 64u << 20;         // bytes
  uint32_t max_types = 100'000;
  uint32_t max_functions = 1'000'000;            // imported + defined
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 1'000'000;
  uint32_t max_tables = 100'000;
  uint32_t max_table_elements = 10'000'000;      // per table, at any time
  uint32_t max_memory_pages = 65536;             // per memory, at any time
  uint32_t max_data_segments = 100'000;
  uint32_t max_elem_segments = 100'000;
  uint32_t max_function_params = 1000;
  uint32_t max_function_results = 1000;
  uint32_t max_locals_per_function = 50'000;     // params + declared locals
  uint32_t max_function_body_size = 7'654'321;   // bytes
  uint32_t max_br_table_size = 65520;            // targets
  uint32_t max_nesting_depth = 10'000;           // control frames in one body
  uint32_t max_operand_stack = 100'000;          // values on one function's operand stack
  // Deterministic stack budget in Wasm terms: each activation costs
  // kFrameOverheadSlots + its locals + its maximum operand stack height.
  uint64_t stack_budget_slots = 1u << 20;

  // The profile recommended for contract execution on a node: what one
  // instance may hold is bounded well below what Wasm allows (32 MiB of
  // memory, small tables, 4 MiB modules). gas/LIMITS.md gives the worst case
  // in memory and in gas under it.
  static ResourceLimits for_contracts();
};

// Fixed per-activation cost in stack slots, on top of locals and operands.
constexpr uint32_t kFrameOverheadSlots = 4;

enum class Tier : uint8_t { Interpreter, Jit };

// The tier an engine runs unless configured otherwise: the JIT where this
// build has a backend for the host (x86-64 and AArch64), the interpreter
// elsewhere. The detwasm tool's default is the same.
#if defined(__x86_64__) || defined(__aarch64__)
inline constexpr Tier kDefaultTier = Tier::Jit;
#else
inline constexpr Tier kDefaultTier = Tier::Interpreter;
#endif

// Where compiled modules are kept between processes: Module::compile looks
// a module up here first and stores what it compiles (artifact/cache.hpp).
// The directory is created private to the user; any number of processes
// and threads may share it.
struct CacheConfig {
  std::string dir;                         // empty: no cache
  uint64_t max_bytes = uint64_t{1} << 30;  // least recently used entries go beyond this
};

struct EngineConfig {
  ResourceLimits limits;
  Tier tier = kDefaultTier;
  // Metering is decided when a module is compiled: without it, compiled code
  // holds no gas accounting at all.
  bool metering = false;
  GasSchedule gas_schedule = GasSchedule::v1();
  // What the JIT compiles for (target.hpp); part of the identity.
  Target target = Target::build_default();
  // Threads that compile a module's functions. The code is the same bytes
  // for any count; 1 compiles on the calling thread, as bodies arrive.
  uint32_t compile_threads = 1;
  // With more threads, a module whose function bodies are smaller than this
  // in all still compiles on the calling thread, which is faster than waking
  // workers. Changes nothing but speed.
  uint64_t parallel_compile_min_bytes = 16 << 10;
  // The on-disk cache of compiled modules; off by default. Changes nothing
  // but where compiled code comes from.
  CacheConfig cache;
  // Ed25519 public keys whose signed artifacts Module::deserialize loads.
  // When empty, it loads unsigned artifacts too (those are the caller's to
  // trust); when not, only artifacts signed by one of these. The engine's
  // own cache entries need no signature.
  std::vector<std::array<uint8_t, 32>> trusted_keys;
};

// A digest of everything in a configuration that changes compiled code or
// execution: every limit, the tier, the target, metering and, when metering
// is on, the gas schedule (without metering it changes nothing).
// Configurations that differ in any of these have different identities; the
// compile thread settings, the cache and the trusted keys change neither and
// are left out. A field added to
// ResourceLimits, EngineConfig or GasSchedule must be hashed too (or be
// listed as left out): the configuration-identity test counts their fields
// and fails until it is.
std::array<uint8_t, 32> config_identity(const EngineConfig& config);

}  // namespace detwasm
