#include "support/module_runner.hpp"

#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace detwasm::test {

namespace {

std::string hex(uint64_t v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*" PRIx64, digits, v);
  return buf;
}

// FNV-1a over the arguments: the stub's results depend on every bit of
// them, except that a reference counts only as null or not (its bits are an
// address in one store).
uint64_t mix_args(std::span<const Value> args) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (const Value& v : args) {
    uint64_t bits = is_ref(v.type) ? uint64_t(!v.is_null()) : v.bits;
    for (uint64_t x : {uint64_t(v.type), bits}) {
      for (int i = 0; i < 8; ++i) {
        h ^= (x >> (8 * i)) & 0xFF;
        h *= 0x100000001B3ull;
      }
    }
  }
  return h;
}

Value arg_value(Store& store, const ArgSpec& a, const std::vector<Func>& func_exports) {
  if (a.type == ValType::FuncRef) {
    if (a.bits == 0 || a.bits > func_exports.size()) return Value::null_ref(ValType::FuncRef);
    return Value::funcref(func_exports[a.bits - 1]);
  }
  if (a.type == ValType::ExternRef) return a.bits ? store.externref(std::any(a.bits)) : Value::null_ref(a.type);
  return Value{a.type, a.bits};
}

std::string trap_string(const Trap& t) {
  std::string s = std::string("trap ") + trap_kind_name(t.kind) + " @[";
  for (size_t i = 0; i < t.frames.size(); ++i) {
    const TrapFrame& f = t.frames[i];
    s += (i ? " " : "") + std::to_string(f.func_index);
    s += f.module_offset ? "@" + std::to_string(*f.module_offset) : "@?";
  }
  return s + "]";
}

}  // namespace

RunPlan zero_arg_plan(const Module& module) {
  RunPlan plan;
  for (const ExportType& e : module.exports()) {
    if (e.kind != ExternKind::Func) continue;
    CallPlan c{e.name, {}, std::nullopt};
    for (ValType t : e.func.params) c.args.push_back({t, 0});
    plan.calls.push_back(std::move(c));
  }
  return plan;
}

std::vector<Extern> make_stub_imports(Store& store, const Module& module) {
  std::vector<Extern> out;
  for (const ImportType& i : module.imports()) {
    switch (i.kind) {
      case ExternKind::Func: {
        FuncType type = i.func;
        HostFunction fn = [type](Caller&, std::span<const Value> args, std::span<Value> results) {
          uint64_t h = mix_args(args);
          for (size_t k = 0; k < results.size(); ++k) {
            ValType t = type.results[k];
            uint64_t bits = h * (k + 1) + k;
            if (t == ValType::I32 || t == ValType::F32) bits &= 0xFFFFFFFF;
            if (is_ref(t)) bits = 0;
            results[k] = Value{t, bits};
          }
          return std::optional<Trap>();
        };
        out.push_back(store.new_host_func(type, fn, i.module + "." + i.name));
        break;
      }
      case ExternKind::Table: out.push_back(store.new_table(i.table, Value::null_ref(i.table.elem))); break;
      case ExternKind::Memory: out.push_back(store.new_memory(i.memory)); break;
      case ExternKind::Global:
        out.push_back(store.new_global(i.global, Value{i.global.type, stub_global_bits(i.global.type)}));
        break;
    }
  }
  return out;
}

std::string value_string(const Value& v, const Store& store, const std::vector<std::pair<Func, std::string>>& names) {
  switch (v.type) {
    case ValType::I32: return "i32:" + hex(v.bits & 0xFFFFFFFF, 8);
    case ValType::I64: return "i64:" + hex(v.bits, 16);
    case ValType::F32: return "f32:" + hex(v.bits & 0xFFFFFFFF, 8);
    case ValType::F64: return "f64:" + hex(v.bits, 16);
    case ValType::ExternRef: {
      if (v.is_null()) return "externref:null";
      // An externref's bits are a handle of one store; show its host value instead.
      const std::any* object = store.externref_data(v);
      const uint64_t* host_value = std::any_cast<uint64_t>(object);
      return "externref:" + (host_value ? std::to_string(*host_value) : std::string("?"));
    }
    case ValType::FuncRef: {
      if (v.is_null()) return "funcref:null";
      // A funcref's bits are an address in one store; name the function instead.
      std::optional<Func> f = v.as_func(store);
      if (f) {
        for (const auto& [func, name] : names)
          if (func == *f) return "funcref:" + name;
        return "funcref:?" + detwasm::to_string(f->type());
      }
      return "funcref:?";
    }
    default: return "v128:?";
  }
}

Outcome run_module(Store& store, const Module& module, const RunPlan& plan) {
  Outcome out;
  std::vector<Extern> imports;
  Instantiation inst;
  try {
    imports = make_stub_imports(store, module);
    if (plan.gas_limit) store.set_gas_limit(*plan.gas_limit);
    inst = store.instantiate(module, imports);
  } catch (const LinkError& e) {
    out.stage = std::string("link error: ") + e.what();
    return out;
  } catch (const UsageError& e) {
    out.stage = std::string("stub imports: ") + e.what();
    return out;
  }
  if (!inst.ok()) {
    out.stage = "instantiation " + trap_string(*inst.trap);
    return out;
  }
  out.stage = "ok";

  // Names for funcrefs: exports first, then the stubs.
  std::vector<std::pair<Func, std::string>> names;
  std::vector<Func> func_exports;
  auto exports = inst.instance.exports();
  for (const auto& [name, ext] : exports) {
    if (const Func* f = std::get_if<Func>(&ext)) {
      names.push_back({*f, name});
      func_exports.push_back(*f);
    }
  }
  auto import_types = module.imports();
  for (size_t i = 0; i < imports.size(); ++i)
    if (const Func* f = std::get_if<Func>(&imports[i]))
      names.push_back({*f, "import:" + import_types[i].module + "." + import_types[i].name});

  std::optional<Global> budget;
  if (plan.budget_global) budget = inst.instance.get_global(*plan.budget_global);

  for (const CallPlan& c : plan.calls) {
    std::optional<Func> f = inst.instance.get_func(c.export_name);
    if (!f) throw UsageError("run_module: no function export " + c.export_name);
    std::vector<Value> args;
    for (const ArgSpec& a : c.args) args.push_back(arg_value(store, a, func_exports));
    if (budget) budget->set(Value::i32(static_cast<int32_t>(plan.budget_value)));
    std::optional<uint64_t> gas = c.gas_limit ? c.gas_limit : plan.gas_limit;
    if (gas) store.set_gas_limit(*gas);
    CallResult r = f->call(store, args);
    if (gas) out.gas_used.push_back(store.gas_used());
    std::string line = c.export_name + " ->";
    if (r.trap) {
      line += " " + trap_string(*r.trap);
    } else {
      for (const Value& v : r.results) line += " " + value_string(v, store, names);
    }
    out.calls.push_back(std::move(line));
  }

  for (const auto& [name, ext] : exports) {
    if (const Global* g = std::get_if<Global>(&ext)) {
      out.globals.push_back(name + " = " + value_string(g->get(), store, names));
    } else if (const Table* t = std::get_if<Table>(&ext)) {
      std::string s = name + " = [";
      uint32_t size = t->size();
      for (uint32_t i = 0; i < size; ++i) {
        std::optional<Value> v = t->get(i);
        s += (i ? " " : "") + (v ? value_string(*v, store, names) : std::string("<missing>"));
      }
      out.tables.push_back(s + "]");
    } else if (const Memory* m = std::get_if<Memory>(&ext)) {
      const uint8_t* p = m->data();
      out.memories.push_back({name, std::vector<uint8_t>(p, p + m->data_size())});
    }
  }
  return out;
}

bool call_trapped_with(const Outcome& out, size_t i, TrapKind kind) {
  return i < out.calls.size() &&
         out.calls[i].find(std::string("-> trap ") + trap_kind_name(kind) + " ") != std::string::npos;
}

std::string Outcome::to_string() const {
  std::ostringstream os;
  os << "stage: " << stage << "\n";
  for (const auto& c : calls) os << "  " << c << "\n";
  for (const auto& g : globals) os << "  " << g << "\n";
  for (const auto& t : tables) os << "  " << t << "\n";
  for (const auto& [name, bytes] : memories) os << "  memory " << name << ": " << bytes.size() << " bytes\n";
  for (size_t i = 0; i < gas_used.size(); ++i) os << "  gas used by call #" << i << ": " << gas_used[i] << "\n";
  return os.str();
}

namespace {

std::string compare_lists(const char* what, const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (a[i] != b[i]) return std::string(what) + " #" + std::to_string(i) + ":\n  " + a[i] + "\n  " + b[i];
  if (a.size() != b.size())
    return std::string(what) + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " entries";
  return {};
}

}  // namespace

std::string compare_outcomes(const Outcome& a, const Outcome& b) {
  if (a.stage != b.stage) return "stage:\n  " + a.stage + "\n  " + b.stage;
  for (auto diff : {compare_lists("call", a.calls, b.calls), compare_lists("global", a.globals, b.globals),
                    compare_lists("table", a.tables, b.tables)})
    if (!diff.empty()) return diff;
  if (!a.gas_used.empty() && !b.gas_used.empty()) {
    for (size_t i = 0; i < std::min(a.gas_used.size(), b.gas_used.size()); ++i)
      if (a.gas_used[i] != b.gas_used[i])
        return "gas used by call #" + std::to_string(i) + ": " + std::to_string(a.gas_used[i]) + " vs " +
               std::to_string(b.gas_used[i]);
  }
  if (a.memories.size() != b.memories.size()) return "memory count differs";
  for (size_t i = 0; i < a.memories.size(); ++i) {
    const auto& [name, x] = a.memories[i];
    const auto& y = b.memories[i].second;
    if (x.size() != y.size())
      return "memory " + name + " size: " + std::to_string(x.size()) + " vs " + std::to_string(y.size());
    for (size_t k = 0; k < x.size(); ++k)
      if (x[k] != y[k])
        return "memory " + name + " byte " + std::to_string(k) + ": " + hex(x[k], 2) + " vs " + hex(y[k], 2);
  }
  return {};
}

}  // namespace detwasm::test
