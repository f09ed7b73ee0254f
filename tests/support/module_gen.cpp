#include "support/module_gen.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "support/gen_context.hpp"
#include "support/module_runner.hpp"
#include "support/wasm_builder.hpp"

namespace detwasm::test {

// ---------------------------------------------------------------------------
// Choice sources

uint32_t ChoiceSource::below(uint32_t n) {
  if (n <= 1) return 0;
  return static_cast<uint32_t>(next_u64() % n);
}

int64_t ChoiceSource::in_range(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  uint64_t v = span == 0 ? next_u64() : next_u64() % span;
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + v);
}

bool ChoiceSource::chance(uint32_t percent) { return below(100) < percent; }

size_t ChoiceSource::weighted(std::span<const uint32_t> weights) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  if (total == 0) return 0;
  uint64_t r = next_u64() % total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return 0;
}

uint64_t SeededChoices::next_u64() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t ByteChoices::next_u64() {
  uint64_t v = 0;
  for (int i = 0; i < 8 && pos_ < bytes_.size(); ++i) v |= uint64_t(bytes_[pos_++]) << (8 * i);
  return v;
}

using namespace gen;

namespace {

// ---------------------------------------------------------------------------
// Module

Code const_expr(ModuleCtx& m, ValType t, const std::vector<uint32_t>& imported_const_globals) {
  Code c;
  std::vector<uint32_t> gs;
  for (uint32_t g : imported_const_globals)
    if (m.globals[g].type.type == t) gs.push_back(g);
  if (!gs.empty() && m.r.chance(25)) return c.global_get(gs[m.r.below(static_cast<uint32_t>(gs.size()))]);
  switch (t) {
    case ValType::I32: return c.i32_const(gen_i32(m.r));
    case ValType::I64: return c.i64_const(gen_i64(m.r));
    case ValType::F32: return c.f32_const_bits(gen_f32_bits(m.r));
    case ValType::F64: return c.f64_const_bits(gen_f64_bits(m.r));
    case ValType::FuncRef:
      if (m.r.chance(60)) return c.ref_func(m.r.below(static_cast<uint32_t>(m.func_types.size())));
      return c.ref_null(t);
    default: return c.ref_null(t);
  }
}

ArgSpec gen_arg(ChoiceSource& r, ValType t, uint32_t num_func_exports) {
  switch (t) {
    case ValType::I32: return {t, static_cast<uint32_t>(gen_i32(r))};
    case ValType::I64: return {t, static_cast<uint64_t>(gen_i64(r))};
    case ValType::F32: return {t, gen_f32_bits(r)};
    case ValType::F64: return {t, gen_f64_bits(r)};
    case ValType::FuncRef: return {t, r.chance(50) ? 0 : 1 + r.below(num_func_exports)};
    default: return {t, r.chance(50) ? 0 : 1 + r.below(1000)};
  }
}

}  // namespace

GeneratedModule generate_module(const GenConfig& cfg, ChoiceSource& r) {
  ModuleCtx m(cfg, r);
  GeneratedModule out;

  // Type pool.
  uint32_t n_types = 1 + r.below(std::max<uint32_t>(cfg.max_types, 1));
  for (uint32_t i = 0; i < n_types; ++i) {
    FuncType t;
    t.params.resize(r.below(cfg.max_params + 1));
    for (ValType& v : t.params) v = m.random_type();
    t.results.resize(r.below(cfg.max_results + 1));
    for (ValType& v : t.results) v = m.random_type();
    uint32_t index = m.b.type_index(t);
    if (std::find(m.type_pool.begin(), m.type_pool.end(), index) == m.type_pool.end()) m.type_pool.push_back(index);
  }
  auto pool_type = [&] { return m.type_pool[r.below(static_cast<uint32_t>(m.type_pool.size()))]; };

  // Imports.
  std::vector<uint32_t> imported_const_globals;
  uint32_t n_imported_funcs = 0;
  if (cfg.imports && r.chance(50)) {
    n_imported_funcs = r.below(3);
    for (uint32_t i = 0; i < n_imported_funcs; ++i) {
      uint32_t t = pool_type();
      m.b.import_func("env", "h" + std::to_string(i), t);
      m.func_types.push_back(t);
    }
    uint32_t n_globals = r.below(3);
    for (uint32_t i = 0; i < n_globals; ++i) {
      GlobalType gt{m.random_type(false), r.chance(30)};
      uint32_t g = m.b.import_global("env", "g" + std::to_string(i), gt);
      m.globals.push_back({gt, gt.mut});
      if (!gt.mut) imported_const_globals.push_back(g);
    }
  }

  // Functions: types now, bodies once everything they refer to exists.
  uint32_t n_funcs = 1 + r.below(std::max<uint32_t>(cfg.max_funcs, 1));
  for (uint32_t i = 0; i < n_funcs; ++i) {
    uint32_t t = pool_type();
    m.b.add_func(t, {}, Code());
    m.func_types.push_back(t);
  }
  std::optional<uint32_t> start;
  if (cfg.start_function && r.chance(30)) {
    start = m.b.add_func(m.b.type_index({}), {}, Code());
    m.func_types.push_back(m.b.type_index({}));
  }
  uint32_t n_defined = static_cast<uint32_t>(m.func_types.size()) - n_imported_funcs;

  // Tables: table 0 holds funcrefs so call_indirect always has a table.
  {
    uint32_t min = 1 + r.below(8);
    TableType t0{ValType::FuncRef, {min, min + r.below(9)}};
    if (cfg.imports && r.chance(20))
      m.b.import_table("env", "tab", t0);
    else
      m.b.add_table(t0);
    m.tables.push_back({ValType::FuncRef, min});
    if (r.chance(60)) {
      uint32_t min1 = r.below(5);
      m.b.add_table({ValType::ExternRef, {min1, min1 + r.below(5)}});
      m.tables.push_back({ValType::ExternRef, min1});
    }
    if (r.chance(30)) {
      uint32_t min2 = r.below(5);
      m.b.add_table({ValType::FuncRef, {min2, min2 + r.below(5)}});
      m.tables.push_back({ValType::FuncRef, min2});
    }
  }

  // Memory, always with a small maximum.
  if (r.chance(80)) {
    m.has_memory = true;
    m.mem_min_pages = r.weighted(std::array<uint32_t, 3>{1, 6, 2});
    MemoryType mt{{m.mem_min_pages, m.mem_min_pages + r.below(4)}};
    if (cfg.imports && r.chance(20))
      m.b.import_memory("env", "mem", mt);
    else
      m.b.add_memory(mt);
  }

  // Globals: the budget, then random ones.
  m.budget_global = m.b.add_global({ValType::I32, true}, Code().i32_const(static_cast<int32_t>(cfg.call_budget)));
  m.globals.push_back({{ValType::I32, true}, false});
  if (cfg.float_arithmetic) {
    m.digest_global = m.b.add_global({ValType::I64, true}, Code().i64_const(0));
    m.globals.push_back({{ValType::I64, true}, false});
  }
  uint32_t n_globals = r.below(6);
  for (uint32_t i = 0; i < n_globals; ++i) {
    GlobalType gt{m.random_type(), r.chance(70)};
    m.b.add_global(gt, const_expr(m, gt.type, imported_const_globals));
    m.globals.push_back({gt, gt.mut});
  }

  auto random_func = [&] { return r.below(static_cast<uint32_t>(m.func_types.size())); };

  // Element segments. The active one on table 0 sets the slots that
  // call_indirect aims at.
  {
    uint32_t min0 = m.tables[0].min;
    uint32_t count = r.below(min0 + 1);
    uint32_t offset = r.below(min0 - count + 1);
    ElemSegmentDef s;
    std::vector<uint32_t> imported_i32;
    for (uint32_t g : imported_const_globals)
      if (m.globals[g].type.type == ValType::I32) imported_i32.push_back(g);
    if (!imported_i32.empty() && stub_global_bits(ValType::I32) <= min0 - count && r.chance(40)) {
      s.offset.global_get(imported_i32[0]);
      offset = static_cast<uint32_t>(stub_global_bits(ValType::I32));
    } else {
      s.offset.i32_const(static_cast<int32_t>(offset));
    }
    bool as_exprs = r.chance(30);
    s.explicit_table = r.chance(20);
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t f = random_func();
      if (as_exprs && r.chance(20)) {
        s.exprs.push_back(Code().ref_null(ValType::FuncRef));
        continue;
      }
      m.table0_slots.push_back({offset + i, f});
      if (as_exprs)
        s.exprs.push_back(Code().ref_func(f));
      else
        s.func_indices.push_back(f);
    }
    s.use_exprs = as_exprs;
    m.b.add_elem(std::move(s));
    m.elem_types.push_back(ValType::FuncRef);
  }
  if (m.tables.size() > 2 && r.chance(50)) {  // active on table 2, explicit table index
    ElemSegmentDef s;
    s.table_index = 2;
    uint32_t count = r.below(m.tables[2].min + 1);
    s.offset.i32_const(0);
    for (uint32_t i = 0; i < count; ++i) s.func_indices.push_back(random_func());
    m.b.add_elem(std::move(s));
    m.elem_types.push_back(ValType::FuncRef);
  }
  for (uint32_t i = r.below(3); i > 0; --i) {  // passive
    ElemSegmentDef s;
    s.mode = ElemSegmentDef::Mode::Passive;
    s.type = r.chance(30) ? ValType::ExternRef : ValType::FuncRef;
    uint32_t count = r.below(5);
    for (uint32_t k = 0; k < count; ++k) {
      if (s.type == ValType::ExternRef)
        s.exprs.push_back(Code().ref_null(ValType::ExternRef));
      else if (r.chance(50))
        s.func_indices.push_back(random_func());
      else
        s.exprs.push_back(r.chance(70) ? Code().ref_func(random_func()) : Code().ref_null(ValType::FuncRef));
    }
    // One list may not mix indices and expressions.
    if (!s.exprs.empty() && !s.func_indices.empty()) {
      for (uint32_t f : s.func_indices) s.exprs.push_back(Code().ref_func(f));
      s.func_indices.clear();
    }
    m.elem_types.push_back(s.type);
    m.b.add_elem(std::move(s));
  }
  {  // declarative: lets ref.func name imported functions, which are not exported
    ElemSegmentDef s;
    s.mode = ElemSegmentDef::Mode::Declarative;
    for (uint32_t f = 0; f < n_imported_funcs; ++f) s.func_indices.push_back(f);
    if (!s.func_indices.empty() || r.chance(30)) {
      if (r.chance(30)) {
        for (uint32_t f : s.func_indices) s.exprs.push_back(Code().ref_func(f));
        s.func_indices.clear();
        s.use_exprs = true;
      }
      m.elem_types.push_back(ValType::FuncRef);
      m.b.add_elem(std::move(s));
    }
  }

  // Data segments.
  auto random_bytes = [&](uint32_t n) {
    std::vector<uint8_t> v(n);
    for (uint8_t& b : v) b = static_cast<uint8_t>(r.next_u64());
    return v;
  };
  if (m.has_memory) {
    uint64_t mem_bytes = uint64_t(m.mem_min_pages) * kWasmPageSize;
    for (uint32_t i = r.below(3); i > 0; --i) {
      uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(r.below(33), mem_bytes));
      uint32_t offset = static_cast<uint32_t>(r.in_range(0, static_cast<int64_t>(std::min<uint64_t>(mem_bytes - n, 300))));
      m.b.add_active_data(offset, random_bytes(n));
      m.data_sizes.push_back(n);
    }
  }
  for (uint32_t i = r.below(3); i > 0; --i) {
    uint32_t n = r.below(33);
    m.b.add_passive_data(random_bytes(n));
    m.data_sizes.push_back(n);
  }

  // Exports.
  for (uint32_t i = 0; i < n_defined; ++i) {
    std::string name = "f" + std::to_string(i);
    m.b.add_export(name, ExternKind::Func, n_imported_funcs + i);
    out.func_exports.push_back(name);
  }
  if (m.has_memory) m.b.add_export("mem", ExternKind::Memory, 0);
  out.has_memory = m.has_memory;
  for (uint32_t i = 0; i < m.tables.size(); ++i) {
    std::string name = "t" + std::to_string(i);
    m.b.add_export(name, ExternKind::Table, i);
    out.table_exports.push_back(name);
  }
  for (uint32_t i = 0, k = 0; i < m.globals.size(); ++i) {
    if (i == *m.budget_global) continue;
    std::string name = "g" + std::to_string(k++);
    m.b.add_export(name, ExternKind::Global, i);
    out.global_exports.push_back(name);
  }
  m.b.add_export(out.budget_global, ExternKind::Global, *m.budget_global);
  out.call_budget = cfg.call_budget;

  // memory.init and data.drop need the data count section; without it they are not generated.
  bool data_count = !m.data_sizes.empty() && r.chance(85);
  m.b.set_data_count(data_count);
  if (!data_count) m.data_sizes.clear();

  // Bodies.
  for (uint32_t f = n_imported_funcs; f < m.func_types.size(); ++f) {
    if (start && f == *start) continue;
    FuncType type = m.func_type(f);
    FunctionDef& def = m.b.func(f);
    generate_body(m, type, def.locals, def.body);
  }
  if (start) {
    // Instantiation must succeed, so the start function cannot trap: it only
    // writes constants to globals and in-bounds memory.
    Code body;
    for (uint32_t i = 0; i < m.globals.size(); ++i)
      if (m.globals[i].assignable && is_num(m.globals[i].type.type) && r.chance(50))
        body.append(const_expr(m, m.globals[i].type.type, {})).global_set(i);
    if (m.has_memory && m.mem_min_pages > 0)
      body.i32_const(static_cast<int32_t>(r.below(1000))).i64_const(gen_i64(r)).store(Opcode::I64Store);
    m.b.set_start(*start);
    m.b.func(*start).body = std::move(body);
  }

  out.bytes = m.b.build();

  // Calls: every exported function once or twice.
  for (uint32_t i = 0; i < n_defined; ++i) {
    const FuncType& t = m.func_type(n_imported_funcs + i);
    uint32_t times = t.params.empty() ? 1 : 2;
    for (uint32_t k = 0; k < times; ++k) {
      CallPlan c{out.func_exports[i], {}, std::nullopt};
      for (ValType p : t.params) c.args.push_back(gen_arg(r, p, n_defined));
      out.calls.push_back(std::move(c));
    }
  }
  return out;
}

GeneratedModule generate_module(const GenConfig& config, uint64_t seed) {
  SeededChoices choices(seed);
  return generate_module(config, choices);
}

rc::Gen<GeneratedModule> gen_module(GenConfig base) {
  return rc::gen::withSize([base](int size) {
    return rc::gen::exec([base, size] {
      // Sizes grow with RapidCheck's size, and shrink toward 1.
      auto scaled = [size](uint32_t max) { return std::max<uint32_t>(1, max * std::min(size + 10, 100) / 100); };
      GenConfig c = base;
      c.max_funcs = *rc::gen::inRange<uint32_t>(1, scaled(base.max_funcs) + 1);
      c.max_body_nodes = *rc::gen::inRange<uint32_t>(1, scaled(base.max_body_nodes) + 1);
      c.max_block_depth = *rc::gen::inRange<uint32_t>(0, base.max_block_depth + 1);
      c.max_types = *rc::gen::inRange<uint32_t>(1, base.max_types + 1);
      uint64_t seed = *rc::gen::arbitrary<uint64_t>();
      return generate_module(c, seed);
    });
  });
}

// ---------------------------------------------------------------------------
// Rendering

std::string hex_dump(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[32];
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i % 16 == 0) {
      std::snprintf(buf, sizeof buf, "%s%06zx:", i ? "\n" : "", i);
      out += buf;
    }
    std::snprintf(buf, sizeof buf, " %02x", bytes[i]);
    out += buf;
  }
  return out + "\n";
}

void write_file(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string render_module(std::span<const uint8_t> bytes) {
  char path[] = "/tmp/detwasm-render-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return hex_dump(bytes);
  close(fd);
  write_file(path, bytes);
  std::string text;
  std::string cmd = std::string("wasm2wat --no-check ") + path + " 2>&1";
  int status = -1;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    status = pclose(p);
  }
  std::remove(path);
  if (status != 0) return text + "\n" + hex_dump(bytes);
  return text;
}

void showValue(const GeneratedModule& m, std::ostream& os) {
  os << m.bytes.size() << " bytes:\n" << render_module(m.bytes) << "calls:\n";
  for (const CallPlan& c : m.calls) {
    os << "  " << c.export_name << "(";
    for (size_t i = 0; i < c.args.size(); ++i)
      os << (i ? ", " : "") << to_string(c.args[i].type) << ":0x" << std::hex << c.args[i].bits << std::dec;
    os << ")\n";
  }
}

}  // namespace detwasm::test
