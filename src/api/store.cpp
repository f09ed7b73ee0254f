// Store, the runtime object handles, Instance and Linker.
#include <detwasm/detwasm.hpp>

#include "runtime/invoke.hpp"
#include "runtime/instantiate.hpp"
#include "runtime/objects.hpp"
#include "util/small_buffer.hpp"

namespace detwasm {

using namespace internal;

namespace {

// A value from the host, before it reaches `store`: of the expected type,
// and, if a reference, null or made by this store.
// `what` (and `index`, for an argument) names the value in the error; the
// message is built only when there is one.
void check_value(const StoreImpl& store, ValType expected, const Value& v, const char* what, int index = -1) {
  auto name = [&] { return index < 0 ? std::string(what) : std::string(what) + " " + std::to_string(index); };
  if (v.type != expected)
    throw UsageError(name() + ": expected " + std::string(to_string(expected)) + ", got " +
                     std::string(to_string(v.type)));
  if (!store.owns(v.type, v.bits))
    throw UsageError(name() + ": the " + std::string(to_string(v.type)) + " does not belong to this store");
}

}  // namespace

Store::Store(Engine& engine) : impl_(std::make_unique<StoreImpl>()) {
  impl_->engine = &engine;
  impl_->owner = this;
}
Store::~Store() = default;
Engine& Store::engine() { return *impl_->engine; }

Func Store::new_host_func(FuncType type, HostFunction fn, std::string debug_name, std::optional<uint64_t> gas_cost) {
  if (!fn) throw UsageError("host function is empty");
  FuncInst* f = impl_->new_funcs(1);
  f->store = impl_.get();
  f->host_gas_cost = gas_cost.value_or(impl_->engine->config().gas_schedule.host_call_default);
  f->host_type = std::move(type);
  f->type = &f->host_type;
  f->type_id = impl_->engine->impl().types.intern(f->host_type);
  f->host = std::move(fn);
  f->debug_name = std::move(debug_name);
  link_func_ref(*impl_, *f);
  return Func(f);
}

Memory Store::new_memory(MemoryType type) {
  if (type.limits.max && type.limits.min > *type.limits.max) throw UsageError("memory minimum exceeds maximum");
  if (type.limits.min > kMaxWasmPages || (type.limits.max && *type.limits.max > kMaxWasmPages))
    throw UsageError("memory larger than 65536 pages");
  MemoryInst* m = internal::new_memory(*impl_, type);
  if (!m) throw UsageError("memory cannot be created within the configured limits");
  return Memory(m);
}

Table Store::new_table(TableType type, Value init) {
  if (!is_ref(type.elem)) throw UsageError("table element type must be a reference type");
  check_value(*impl_, type.elem, init, "table initial value");
  if (type.limits.max && type.limits.min > *type.limits.max) throw UsageError("table minimum exceeds maximum");
  TableInst* t = internal::new_table(*impl_, type, init.bits);
  if (!t) throw UsageError("table cannot be created within the configured limits");
  return Table(t);
}

Global Store::new_global(GlobalType type, Value init) {
  check_value(*impl_, type.type, init, "global initial value");
  return Global(internal::new_global(*impl_, type, init.bits));
}

Value Store::externref(std::any object) {
  return Value{ValType::ExternRef, impl_->new_externref(std::move(object))};
}

const std::any* Store::externref_data(const Value& ref) const {
  if (ref.type != ValType::ExternRef)
    throw UsageError("externref_data: expected externref, got " + std::string(to_string(ref.type)));
  if (ref.is_null()) return nullptr;
  const std::any* object = impl_->host_object(ref.bits);
  if (!object) throw UsageError("externref_data: the externref does not belong to this store");
  return object;
}

std::any* Store::externref_data(const Value& ref) {
  return const_cast<std::any*>(static_cast<const Store*>(this)->externref_data(ref));
}

void Store::set_gas_limit(uint64_t limit) {
  impl_->exec.gas_limit = limit;
  impl_->exec.gas_left = limit;
}
uint64_t Store::gas_left() const { return impl_->exec.gas_left; }
uint64_t Store::gas_used() const { return impl_->exec.gas_limit - impl_->exec.gas_left; }

Instantiation Store::instantiate(const Module& module, std::span<const Extern> imports) {
  return internal::instantiate(*impl_, module.data(), imports);
}

// --- Func ---

const FuncType& Func::type() const { return *f_->type; }

CallResult Func::call(Store& store, std::span<const Value> args) const {
  if (!f_) throw UsageError("call of a null function");
  if (f_->store != &store.impl()) throw UsageError("the function belongs to another store");
  const FuncType& t = *f_->type;
  if (args.size() != t.params.size())
    throw UsageError("expected " + std::to_string(t.params.size()) + " arguments, got " + std::to_string(args.size()));
  util::SmallBuffer<uint64_t> in(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    check_value(store.impl(), t.params[i], args[i], "argument", static_cast<int>(i));
    in.data()[i] = args[i].bits;
  }
  util::SmallBuffer<uint64_t> out(t.results.size());
  CallResult r;
  r.trap = invoke(store.impl(), f_, in.data(), out.data());  // in Wasm's floating-point environment
  if (!r.trap) {
    r.results.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i) r.results.push_back(internal::value_from_slot(t.results[i], out.data()[i]));
  }
  return r;
}

Value Value::funcref(const Func& f) { return {ValType::FuncRef, funcref_bits(f.raw())}; }
std::optional<Func> Value::as_func(const Store& store) const {
  if (type != ValType::FuncRef) throw UsageError("as_func: expected funcref, got " + std::string(detwasm::to_string(type)));
  if (bits == 0) return std::nullopt;
  FuncInst* f = store.impl().func_of_ref(bits);
  if (!f) throw UsageError("as_func: the funcref does not belong to this store");
  return Func(f);
}

// --- Memory ---

MemoryType Memory::type() const { return MemoryType{Limits{m_->memory.pages(), m_->type.limits.max}}; }
uint32_t Memory::pages() const { return m_->memory.pages(); }
uint8_t* Memory::data() const { return m_->memory.base(); }
uint64_t Memory::data_size() const { return m_->memory.size_bytes(); }
std::optional<uint32_t> Memory::grow(uint32_t delta) const {
  uint64_t max_pages = m_->memory.max_pages();
  if (static_cast<uint64_t>(m_->memory.pages()) + delta > max_pages) return std::nullopt;
  auto old = m_->memory.grow(delta);
  m_->sync_view();
  return old;
}

// --- Table ---

TableType Table::type() const {
  return TableType{t_->type.elem, Limits{static_cast<uint32_t>(t_->elems.size()), t_->type.limits.max}};
}
uint32_t Table::size() const { return static_cast<uint32_t>(t_->elems.size()); }
std::optional<Value> Table::get(uint32_t index) const {
  if (index >= t_->elems.size()) return std::nullopt;
  return Value{t_->type.elem, t_->elems[index]};
}
bool Table::set(uint32_t index, Value v) const {
  check_value(*t_->store, t_->type.elem, v, "table element");
  if (index >= t_->elems.size()) return false;
  t_->elems[index] = v.bits;
  return true;
}
std::optional<uint32_t> Table::grow(uint32_t delta, Value init) const {
  check_value(*t_->store, t_->type.elem, init, "table element");
  return grow_table(*t_, delta, init.bits);
}

// --- Global ---

GlobalType Global::type() const { return g_->type; }
Value Global::get() const { return internal::value_from_slot(g_->type.type, g_->value); }
void Global::set(Value v) const {
  if (!g_->type.mut) throw UsageError("global is immutable");
  check_value(*g_->store, g_->type.type, v, "global value");
  g_->value = v.bits;
}

ExternKind kind_of(const Extern& e) { return static_cast<ExternKind>(e.index()); }

// --- Instance ---

std::optional<Extern> Instance::get_export(std::string_view name) const {
  auto it = d_->exports.find(std::string(name));
  if (it == d_->exports.end()) return std::nullopt;
  return it->second;
}

namespace {
template <typename T>
std::optional<T> export_as(const Instance& i, std::string_view name) {
  auto e = i.get_export(name);
  if (!e || !std::holds_alternative<T>(*e)) return std::nullopt;
  return std::get<T>(*e);
}
}  // namespace

std::optional<Func> Instance::get_func(std::string_view name) const { return export_as<Func>(*this, name); }
std::optional<Memory> Instance::get_memory(std::string_view name) const { return export_as<Memory>(*this, name); }
std::optional<Global> Instance::get_global(std::string_view name) const { return export_as<Global>(*this, name); }
std::optional<Table> Instance::get_table(std::string_view name) const { return export_as<Table>(*this, name); }

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  for (const Export& e : d_->module->exports) out.emplace_back(e.name, d_->exports.at(e.name));
  return out;
}

std::optional<Trap> Caller::consume_gas(uint64_t amount) {
  StoreExecution& ex = store_.impl().exec;
  if (ex.gas_left < amount) return Trap::make(TrapKind::OutOfGas);
  ex.gas_left -= amount;
  return std::nullopt;
}
uint64_t Caller::gas_left() const { return store_.impl().exec.gas_left; }

std::optional<Memory> Caller::memory() {
  if (!instance_ || instance_->memories.empty()) return std::nullopt;
  return Memory(instance_->memories[0]);
}

std::optional<Extern> Caller::get_export(std::string_view name) const {
  if (!instance_) return std::nullopt;
  auto it = instance_->exports.find(std::string(name));
  if (it == instance_->exports.end()) return std::nullopt;
  return it->second;
}

// --- Linker ---

Linker& Linker::allow_shadowing(bool allow) {
  allow_shadowing_ = allow;
  return *this;
}

namespace {
[[noreturn]] void defined_twice(const std::string& module, const std::string& name) {
  throw LinkError("\"" + module + "\" \"" + name + "\" is defined already (shadowing is not allowed)");
}
}  // namespace

void Linker::define(std::string module, std::string name, Extern item) {
  auto key = std::make_pair(std::move(module), std::move(name));
  if (!allow_shadowing_ && items_.contains(key)) defined_twice(key.first, key.second);
  items_.insert_or_assign(std::move(key), item);
}

void Linker::define_instance(const std::string& module_name, const Instance& instance) {
  auto exports = instance.exports();
  if (!allow_shadowing_)
    for (auto& [name, ext] : exports)
      if (items_.contains(std::make_pair(module_name, name))) defined_twice(module_name, name);
  for (auto& [name, ext] : exports) define(module_name, name, ext);
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  auto it = items_.find(std::make_pair(std::string(module), std::string(name)));
  if (it == items_.end()) return std::nullopt;
  return it->second;
}

Instantiation Linker::instantiate(Store& store, const Module& module) const {
  std::vector<Extern> imports;
  for (const Import& imp : module.data()->imports) {
    auto e = get(imp.module, imp.name);
    if (!e) throw LinkError("unknown import \"" + imp.module + "\" \"" + imp.name + "\"");
    imports.push_back(*e);
  }
  return store.instantiate(module, imports);
}

}  // namespace detwasm
