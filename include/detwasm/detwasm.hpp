// detwasm C++ embedding API.
//
// Ownership: an Engine holds configuration and interned types; a Module is an
// immutable, validated and prepared module that may be shared across stores;
// a Store owns every runtime object (instances, functions, memories, tables,
// globals). Func, Memory, Table, Global and Instance are cheap handles into a
// Store and are valid while that Store lives. A Store is used by one thread at
// a time.
//
// Errors: loading throws ModuleError, linking throws LinkError, API misuse
// throws UsageError. Executing Wasm never throws: a trap is a value.
#pragma once

#include <any>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <detwasm/config.hpp>
#include <detwasm/errors.hpp>
#include <detwasm/gas.hpp>
#include <detwasm/text.hpp>
#include <detwasm/trap.hpp>
#include <detwasm/types.hpp>

namespace detwasm {

namespace internal {
struct EngineImpl;
struct ModuleData;
struct StoreImpl;
struct FuncInst;
struct MemoryInst;
struct TableInst;
struct GlobalInst;
struct InstanceData;
}  // namespace internal

class Func;
class Store;

// A Wasm value. Numbers are kept as raw bits (f32/f64 too, so NaN payloads
// survive); a reference is an opaque non-zero word of one store, 0 meaning
// null. A funcref comes from Value::funcref, an externref from
// Store::externref, or either from Wasm; every entry point that takes a
// Value from the host (Func::call, Table::set and grow, Global::set,
// Store::new_table and new_global) refuses, with UsageError, a reference
// that its store did not make: a word made up by the host, or a reference
// of another store. A host function that returns such a reference traps
// with HostError instead, since Wasm frames are between it and the host.
struct Value {
  ValType type = ValType::I32;
  uint64_t bits = 0;

  static Value i32(int32_t v) { return {ValType::I32, static_cast<uint32_t>(v)}; }
  static Value i64(int64_t v) { return {ValType::I64, static_cast<uint64_t>(v)}; }
  static Value f32(float v);
  static Value f64(double v);
  static Value f32_bits(uint32_t b) { return {ValType::F32, b}; }
  static Value f64_bits(uint64_t b) { return {ValType::F64, b}; }
  static Value null_ref(ValType t) { return {t, 0}; }
  static Value funcref(const Func& f);  // a null Func gives a null funcref
  static Value zero(ValType t) { return {t, 0}; }

  int32_t as_i32() const { return static_cast<int32_t>(static_cast<uint32_t>(bits)); }
  int64_t as_i64() const { return static_cast<int64_t>(bits); }
  uint32_t as_f32_bits() const { return static_cast<uint32_t>(bits); }
  uint64_t as_f64_bits() const { return bits; }
  float as_f32() const;
  double as_f64() const;
  bool is_null() const { return bits == 0; }
  // The function of a funcref of `store`; nullopt for null. UsageError for a
  // value of another type or a funcref `store` did not make.
  std::optional<Func> as_func(const Store& store) const;

  bool operator==(const Value&) const = default;
  std::string to_string() const;  // "i32:3", "f64:2.5", "funcref:null"
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const;
  internal::EngineImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<internal::EngineImpl> impl_;
};

using ModuleHash = std::array<uint8_t, 32>;  // BLAKE2b-256 of the module bytes
std::string to_hex(const ModuleHash& hash);

// An Ed25519 key pair for signing artifacts (libsodium's format: the secret
// half holds the seed and the public key).
struct SigningKey {
  std::array<uint8_t, 64> secret{};
  static SigningKey generate();
  std::array<uint8_t, 32> public_key() const;
};

class Module {
 public:
  // Decodes, validates and prepares every function. Throws ModuleError.
  static Module compile(Engine& engine, std::span<const uint8_t> bytes);
  // A module in the text format (text.hpp: wat2wasm under the engine's
  // limits), then compiled as its binary form. Throws TextError for
  // malformed text, ModuleError as compile does.
  static Module compile_text(Engine& engine, std::string_view text);
  // Decodes and validates only. Throws ModuleError.
  static void validate(Engine& engine, std::span<const uint8_t> bytes);

  // The module's compiled form as bytes (an artifact): what `deserialize`
  // loads in any process with the same engine version, target and
  // configuration, without decoding or compiling again. The same module
  // and configuration give the same bytes.
  std::vector<uint8_t> serialize() const;
  // The same, signed (Ed25519) with `key`: what an engine with trusted keys
  // (EngineConfig::trusted_keys) loads when the key's public half is one.
  std::vector<uint8_t> serialize(const SigningKey& key) const;
  // Loads an artifact. Throws ArtifactError naming why it cannot: not an
  // artifact, damaged, or made for another format, engine version, target
  // or configuration. Code in an artifact runs as it is: load only
  // artifacts this engine's configuration wrote, or that are signed by a
  // key you trust.
  static Module deserialize(Engine& engine, std::span<const uint8_t> bytes);
  // The same from a file, whose machine code is mapped rather than copied:
  // the file must not be changed in place while the module lives (replace
  // it by renaming another over it). Throws Error if it cannot be read.
  static Module deserialize_file(Engine& engine, const std::string& path);
  // Whether `bytes` start like an artifact rather than a Wasm module.
  static bool is_artifact(std::span<const uint8_t> bytes);

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;
  const ModuleHash& hash() const;
  std::shared_ptr<const internal::ModuleData> data() const { return data_; }

  // Where `compile` found the module's code: in the engine's cache
  // (EngineConfig::cache), compiled and stored there, or with no cache.
  enum class CacheOutcome : uint8_t { Off, Hit, Miss };
  CacheOutcome cache_outcome() const { return cache_; }
  // The engine cache's one warning (it could not write), if it has one.
  static std::optional<std::string> cache_warning(Engine& engine);

  explicit Module(std::shared_ptr<const internal::ModuleData> data, CacheOutcome cache = CacheOutcome::Off)
      : data_(std::move(data)), cache_(cache) {}

 private:
  std::shared_ptr<const internal::ModuleData> data_;
  CacheOutcome cache_ = CacheOutcome::Off;
};

// Takes a module in chunks as it arrives; each function body is validated and
// prepared as soon as its last byte is fed.
class StreamingCompiler {
 public:
  explicit StreamingCompiler(Engine& engine);
  ~StreamingCompiler();
  void feed(std::span<const uint8_t> chunk);  // throws ModuleError
  Module finish();                            // throws ModuleError

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Memory;
class Table;
class Global;
using Extern = std::variant<Func, Table, Memory, Global>;

// What a host function sees of its caller.
class Caller {
 public:
  Caller(Store& store, internal::InstanceData* instance) : store_(store), instance_(instance) {}
  Store& store() { return store_; }
  // The calling instance's memory 0, if it has one.
  std::optional<Memory> memory();
  // The calling instance's export `name`, if it has one; nullopt too when
  // the caller is not an instance (a host function called from the host).
  std::optional<Extern> get_export(std::string_view name) const;
  // Charges `amount` gas for work the host does; returns an OutOfGas trap
  // (and charges nothing) when less is left. The host returns that trap.
  std::optional<Trap> consume_gas(uint64_t amount);
  uint64_t gas_left() const;

 private:
  Store& store_;
  internal::InstanceData* instance_;
};

// A host function writes one Value per result and returns nullopt, or returns
// a Trap. Exceptions escaping it become a HostError trap.
using HostFunction =
    std::function<std::optional<Trap>(Caller& caller, std::span<const Value> args, std::span<Value> results)>;

struct CallResult {
  std::vector<Value> results;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

class Func {
 public:
  explicit Func(internal::FuncInst* f = nullptr) : f_(f) {}
  const FuncType& type() const;
  // Checks argument count and types (UsageError), then runs the function.
  CallResult call(Store& store, std::span<const Value> args) const;
  internal::FuncInst* raw() const { return f_; }
  bool operator==(const Func&) const = default;

 private:
  internal::FuncInst* f_;
};

class Memory {
 public:
  explicit Memory(internal::MemoryInst* m = nullptr) : m_(m) {}
  MemoryType type() const;
  uint32_t pages() const;
  uint8_t* data() const;
  uint64_t data_size() const;  // bytes
  // Grows by `delta` pages; returns the old size in pages, or nullopt on failure.
  std::optional<uint32_t> grow(uint32_t delta) const;
  internal::MemoryInst* raw() const { return m_; }
  bool operator==(const Memory&) const = default;

 private:
  internal::MemoryInst* m_;
};

class Table {
 public:
  explicit Table(internal::TableInst* t = nullptr) : t_(t) {}
  TableType type() const;
  uint32_t size() const;
  std::optional<Value> get(uint32_t index) const;
  bool set(uint32_t index, Value v) const;  // false if out of bounds; UsageError on type mismatch
  std::optional<uint32_t> grow(uint32_t delta, Value init) const;
  internal::TableInst* raw() const { return t_; }
  bool operator==(const Table&) const = default;

 private:
  internal::TableInst* t_;
};

class Global {
 public:
  explicit Global(internal::GlobalInst* g = nullptr) : g_(g) {}
  GlobalType type() const;
  Value get() const;
  void set(Value v) const;  // UsageError if immutable or of another type
  internal::GlobalInst* raw() const { return g_; }
  bool operator==(const Global&) const = default;

 private:
  internal::GlobalInst* g_;
};

ExternKind kind_of(const Extern& e);

class Instance {
 public:
  explicit Instance(internal::InstanceData* d = nullptr) : d_(d) {}
  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  std::optional<Global> get_global(std::string_view name) const;
  std::optional<Table> get_table(std::string_view name) const;
  std::vector<std::pair<std::string, Extern>> exports() const;
  internal::InstanceData* raw() const { return d_; }

 private:
  internal::InstanceData* d_;
};

// The result of instantiation. When the start function or a segment
// initialisation traps, `trap` is set; effects already made on imported
// memories and tables stay, as the spec requires.
struct Instantiation {
  Instance instance;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

class Store {
 public:
  explicit Store(Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine();

  // `gas_cost` is charged to metered callers on each call; without it the
  // engine's schedule gives host_call_default.
  Func new_host_func(FuncType type, HostFunction fn, std::string debug_name = {},
                     std::optional<uint64_t> gas_cost = std::nullopt);
  Memory new_memory(MemoryType type);                 // UsageError past the limits
  Table new_table(TableType type, Value init);        // UsageError past the limits
  Global new_global(GlobalType type, Value init);     // UsageError on type mismatch

  // An externref carrying a host object. The store keeps the object (a
  // shared_ptr in the std::any shares it) until the store is destroyed, also
  // when no Wasm value refers to it any more; Wasm code can only move the
  // reference around and test it for null.
  Value externref(std::any object);
  // The host object of an externref of this store; nullptr for a null
  // externref. UsageError for a value of another type or an externref this
  // store did not make (another store's, or a made-up word).
  std::any* externref_data(const Value& ref);
  const std::any* externref_data(const Value& ref) const;

  // `imports` are in the module's import order. Throws LinkError on mismatch.
  Instantiation instantiate(const Module& module, std::span<const Extern> imports);

  // Gas. Metered code (modules compiled with EngineConfig::metering) draws on
  // the store's gas; a limit holds until it is set again. Without a limit,
  // gas is unlimited and still counted.
  void set_gas_limit(uint64_t limit);
  uint64_t gas_left() const;
  uint64_t gas_used() const;  // since the limit was last set

  // Gas profiling: while on, calls record the gas used by each call stack
  // (gas.hpp, GasProfile), exactly, with the same gas charged as without
  // it. Turning it on starts an empty profile. Profiles come from the
  // interpreter: UsageError if the engine's tier is the JIT.
  void set_gas_profiling(bool on);
  GasProfile gas_profile() const;  // what was recorded (empty when never on)

  internal::StoreImpl& impl() { return *impl_; }
  const internal::StoreImpl& impl() const { return *impl_; }

 private:
  std::unique_ptr<internal::StoreImpl> impl_;
};

// Resolves imports by (module, name). A name is defined once: defining it
// again throws LinkError, unless shadowing is allowed, when the later
// definition replaces the earlier.
class Linker {
 public:
  // Whether define() and define_instance() may replace a definition (default: no).
  Linker& allow_shadowing(bool allow);
  // Throws LinkError if (module, name) is defined and shadowing is not allowed.
  void define(std::string module, std::string name, Extern item);
  // Makes every export of `instance` importable as (module_name, export name).
  // Throws LinkError, defining none of them, if one is defined and shadowing
  // is not allowed.
  void define_instance(const std::string& module_name, const Instance& instance);
  std::optional<Extern> get(std::string_view module, std::string_view name) const;
  // Throws LinkError for a missing import or a type mismatch.
  Instantiation instantiate(Store& store, const Module& module) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> items_;
  bool allow_shadowing_ = false;
};

}  // namespace detwasm
