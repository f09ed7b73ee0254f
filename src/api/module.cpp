// Engine, Module and StreamingCompiler.
#include <detwasm/detwasm.hpp>

#include <sodium.h>

#include "api/body_consumers.hpp"
#include "artifact/artifact.hpp"
#include "artifact/cache.hpp"
#include "decode/module_decoder.hpp"
#include "runtime/objects.hpp"

namespace detwasm {

using internal::BodyConsumer;
using internal::EngineImpl;
using internal::ModuleData;
using internal::ModuleDecoder;

namespace internal {

uint32_t TypeRegistry::intern(const FuncType& type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(type.params, type.results);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(types_.size());
  types_.push_back(type);
  ids_.emplace(std::move(key), id);
  return id;
}

const FuncType& TypeRegistry::type(uint32_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return types_[id];
}

EngineBinding EngineImpl::bind(const ModuleDecls& decls) {
  EngineBinding b;
  b.engine = this;
  b.type_ids.reserve(decls.types.size());
  for (const FuncType& t : decls.types) b.type_ids.push_back(types.intern(t));
  if (config.metering) b.gas = config.gas_schedule;
  return b;
}

namespace {

// Decodes a module for `engine`, preparing its bodies with `bodies`, and
// makes the result the engine's (EngineImpl::bind).
class EngineModuleDecoder {
 public:
  EngineModuleDecoder(EngineImpl& engine, std::unique_ptr<BodyConsumer> bodies)
      : engine_(engine),
        bodies_(std::move(bodies)),
        decoder_(engine.config.limits, *bodies_) {}

  void feed(const uint8_t* data, size_t size) { decoder_.feed(data, size); }

  std::shared_ptr<ModuleData> finish() {
    std::shared_ptr<ModuleData> m = decoder_.finish();
    m->binding = engine_.bind(*m);
    return m;
  }

 private:
  EngineImpl& engine_;
  std::unique_ptr<BodyConsumer> bodies_;  // used by decoder_, so declared before it
  ModuleDecoder decoder_;
};

// Prepares bodies for what `engine`'s tier runs.
std::unique_ptr<BodyConsumer> tier_consumer(EngineImpl& engine) {
  return make_tier_consumer(engine.config, engine.compile_pool.get());
}

}  // namespace

}  // namespace internal

Engine::Engine(EngineConfig config) : impl_(std::make_unique<internal::EngineImpl>()) {
  // Any target compiles and serializes anywhere (cross-compilation);
  // instantiation checks that this machine can run the code.
  if (config.compile_threads == 0) throw UsageError("compile_threads must be at least 1");
  impl_->config = config;
  if (!config.cache.dir.empty()) impl_->cache = std::make_unique<artifact::ArtifactCache>(config.cache);
  if (config.tier == Tier::Jit && config.compile_threads > 1)
    impl_->compile_pool = std::make_unique<util::WorkerPool>(config.compile_threads);
}
Engine::~Engine() = default;

namespace internal {
EngineImpl::EngineImpl() = default;
EngineImpl::~EngineImpl() = default;
}  // namespace internal
const EngineConfig& Engine::config() const { return impl_->config; }

namespace {

std::shared_ptr<ModuleData> compile_fresh(EngineImpl& engine, std::span<const uint8_t> bytes) {
  internal::EngineModuleDecoder decoder(engine, internal::tier_consumer(engine));
  decoder.feed(bytes.data(), bytes.size());
  return decoder.finish();
}

}  // namespace

Module Module::compile_text(Engine& engine, std::string_view text) {
  std::vector<uint8_t> bytes = wat2wasm(text, engine.config().limits);
  return compile(engine, bytes);
}

Module Module::compile(Engine& engine, std::span<const uint8_t> bytes) {
  EngineImpl& e = engine.impl();
  if (!e.cache) return Module(compile_fresh(e, bytes));
  ModuleHash hash;
  crypto_generichash(hash.data(), hash.size(), bytes.data(), bytes.size(), nullptr, 0);
  artifact::CacheKey key = artifact::ArtifactCache::key(hash, e.config);
  if (std::optional<artifact::CacheEntry> entry = e.cache->get(key)) {
    if (entry->error) throw *entry->error;
    // The cache's own entry, but checked as any artifact: one that does not
    // load, or is another module's, is replaced.
    try {
      std::shared_ptr<ModuleData> m = artifact::read_file(e, entry->artifact_path, artifact::Origin::OwnCache);
      if (m->hash == hash) return Module(std::move(m), CacheOutcome::Hit);
    } catch (const Error&) {  // ArtifactError, or the file went away
    }
    e.cache->remove(key);
  }
  std::shared_ptr<ModuleData> m;
  try {
    m = compile_fresh(e, bytes);
  } catch (const ModuleError& error) {
    e.cache->put_error(key, error);  // an invalid module stays invalid
    throw;
  }
  e.cache->put_artifact(key, artifact::write(*m, e));
  return Module(std::move(m), CacheOutcome::Miss);
}

std::optional<std::string> Module::cache_warning(Engine& engine) {
  return engine.impl().cache ? engine.impl().cache->warning() : std::nullopt;
}

void Module::validate(Engine& engine, std::span<const uint8_t> bytes) {
  internal::EngineModuleDecoder decoder(engine.impl(), internal::make_validating_consumer(engine.config().limits));
  decoder.feed(bytes.data(), bytes.size());
  decoder.finish();
}

std::vector<uint8_t> Module::serialize() const {
  if (!data_->binding.engine) throw UsageError("the module has no engine to describe its configuration");
  return artifact::write(*data_, *data_->binding.engine);
}

std::vector<uint8_t> Module::serialize(const SigningKey& key) const {
  if (!data_->binding.engine) throw UsageError("the module has no engine to describe its configuration");
  return artifact::write(*data_, *data_->binding.engine, &key);
}

SigningKey SigningKey::generate() {
  SigningKey k;
  std::array<uint8_t, 32> public_key;
  crypto_sign_keypair(public_key.data(), k.secret.data());
  return k;
}

std::array<uint8_t, 32> SigningKey::public_key() const {
  std::array<uint8_t, 32> out;
  crypto_sign_ed25519_sk_to_pk(out.data(), secret.data());
  return out;
}

Module Module::deserialize(Engine& engine, std::span<const uint8_t> bytes) {
  return Module(artifact::read(engine.impl(), bytes));
}

Module Module::deserialize_file(Engine& engine, const std::string& path) {
  return Module(artifact::read_file(engine.impl(), path));
}

bool Module::is_artifact(std::span<const uint8_t> bytes) { return artifact::is_artifact(bytes); }

namespace {
template <typename T>
void fill_extern_type(const ModuleData& m, ExternKind kind, uint32_t index, T& out) {
  switch (kind) {
    case ExternKind::Func: out.func = m.func_type(internal::FuncIdx{index}); break;
    case ExternKind::Table: out.table = m.tables[index]; break;
    case ExternKind::Memory: out.memory = m.memories[index]; break;
    case ExternKind::Global: out.global = m.global_types[index]; break;
  }
}
}  // namespace

std::vector<ImportType> Module::imports() const {
  std::vector<ImportType> out;
  for (const auto& imp : data_->imports) {
    ImportType t;
    t.module = imp.module;
    t.name = imp.name;
    t.kind = imp.kind;
    if (imp.kind == ExternKind::Func) t.func = data_->types[imp.func_type];
    t.table = imp.table;
    t.memory = imp.memory;
    t.global = imp.global;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  std::vector<ExportType> out;
  for (const auto& e : data_->exports) {
    ExportType t;
    t.name = e.name;
    t.kind = e.kind;
    fill_extern_type(*data_, e.kind, e.index, t);
    out.push_back(std::move(t));
  }
  return out;
}

const ModuleHash& Module::hash() const { return data_->hash; }

struct StreamingCompiler::Impl {
  explicit Impl(Engine& e) : decoder(e.impl(), internal::tier_consumer(e.impl())) {}
  internal::EngineModuleDecoder decoder;
};

StreamingCompiler::StreamingCompiler(Engine& engine) : impl_(std::make_unique<Impl>(engine)) {}
StreamingCompiler::~StreamingCompiler() = default;
void StreamingCompiler::feed(std::span<const uint8_t> chunk) { impl_->decoder.feed(chunk.data(), chunk.size()); }
Module StreamingCompiler::finish() { return Module(impl_->decoder.finish()); }

}  // namespace detwasm
