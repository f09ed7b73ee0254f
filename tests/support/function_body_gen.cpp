// Function bodies: operands and control frames are tracked so that every
// body validates; loops and calls are bounded so that every body terminates.
#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <optional>
#include <stdexcept>

#include "support/gen_context.hpp"

namespace detwasm::test::gen {

namespace {

// ---------------------------------------------------------------------------
// Operator tables from opcodes.def

constexpr ValType T_I32 = ValType::I32;
constexpr ValType T_I64 = ValType::I64;
constexpr ValType T_F32 = ValType::F32;
constexpr ValType T_F64 = ValType::F64;
constexpr ValType T_None = ValType::V128;  // "no second operand"; V128 is never generated

struct NumericOp {
  Opcode op;
  ValType in1, in2, out;
};
constexpr NumericOp kNumericOps[] = {
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) {Opcode::Name, T_##In1, T_##In2, T_##Out},
#include "decode/opcodes.def"
};

struct MemoryOp {
  Opcode op;
  ValType type;
  uint32_t size_log2;
};
constexpr MemoryOp kLoadOps[] = {
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, ...) {Opcode::Name, T_##Out, size_log2},
#include "decode/opcodes.def"
};
constexpr MemoryOp kStoreOps[] = {
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, ...) {Opcode::Name, T_##In, size_log2},
#include "decode/opcodes.def"
};

bool is_div_or_rem(Opcode op) {
  switch (op) {
    case Opcode::I32DivS: case Opcode::I32DivU: case Opcode::I32RemS: case Opcode::I32RemU:
    case Opcode::I64DivS: case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
      return true;
    default:
      return false;
  }
}

bool is_signed_div(Opcode op) {
  return op == Opcode::I32DivS || op == Opcode::I32RemS || op == Opcode::I64DivS || op == Opcode::I64RemS;
}

// Float-to-int conversions that trap on NaN or out-of-range operands.
bool is_trapping_trunc(Opcode op) {
  auto v = static_cast<uint16_t>(op);
  return (v >= 0xA8 && v <= 0xAB) || (v >= 0xAE && v <= 0xB1);
}

bool is_unsigned_trunc(Opcode op) {
  switch (op) {
    case Opcode::I32TruncF32U: case Opcode::I32TruncF64U:
    case Opcode::I64TruncF32U: case Opcode::I64TruncF64U:
      return true;
    default:
      return false;
  }
}

// Float operators whose result may be a NaN created or rewritten by the
// operator itself (so its bits depend on NaN canonicalization).
bool may_make_nan(Opcode op) {
  switch (op) {
    case Opcode::F32Ceil: case Opcode::F32Floor: case Opcode::F32Trunc: case Opcode::F32Nearest:
    case Opcode::F32Sqrt: case Opcode::F32Add: case Opcode::F32Sub: case Opcode::F32Mul: case Opcode::F32Div:
    case Opcode::F32Min: case Opcode::F32Max: case Opcode::F64Ceil: case Opcode::F64Floor: case Opcode::F64Trunc:
    case Opcode::F64Nearest: case Opcode::F64Sqrt: case Opcode::F64Add: case Opcode::F64Sub: case Opcode::F64Mul:
    case Opcode::F64Div: case Opcode::F64Min: case Opcode::F64Max: case Opcode::F32DemoteF64:
    case Opcode::F64PromoteF32:
      return true;
    default:
      return false;
  }
}



size_t type_slot(ValType t) {
  switch (t) {
    case ValType::I32: return 0;
    case ValType::I64: return 1;
    case ValType::F32: return 2;
    case ValType::F64: return 3;
    case ValType::FuncRef: return 4;
    case ValType::ExternRef: return 5;
    default: throw std::logic_error("module_gen: V128 is not generated");
  }
}

// Constants that sit on the edges where engines go wrong.
constexpr int32_t kI32Edges[] = {0, 1, -1, 2, 7, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF,
                                 0x10000, std::numeric_limits<int32_t>::min(),
                                 std::numeric_limits<int32_t>::max()};
constexpr int64_t kI64Edges[] = {0, 1, -1, 63, 64, 65, 0xFFFFFFFFll, 0x100000000ll, 0x7FFFFFFFll,
                                 -0x80000000ll, std::numeric_limits<int64_t>::min(),
                                 std::numeric_limits<int64_t>::max()};
constexpr uint32_t kF32Edges[] = {
    0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000, 0xBFC00000,
    0x7F800000, 0xFF800000,              // +-inf
    0x7FC00000, 0xFFC00000, 0x7FA00000,  // canonical NaNs, signalling NaN
    0x7FC00001, 0xFFFFFFFF,              // NaNs with payload
    0x00000001, 0x80000001, 0x007FFFFF,  // subnormals
    0x7F7FFFFF, 0xFF7FFFFF,              // +-max
    0x4F000000, 0xCF000000, 0xCF000001, 0x4F800000, 0x5F000000, 0xDF000000, 0x5F800000, 0x4EFFFFFF,
};
constexpr uint64_t kF64Edges[] = {
    0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
    0x3FE0000000000000, 0x3FF8000000000000, 0x4004000000000000, 0xBFF8000000000000,
    0x7FF0000000000000, 0xFFF0000000000000,                      // +-inf
    0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000,  // canonical NaNs, signalling NaN
    0x7FF8000000000001, 0xFFFFFFFFFFFFFFFF,                      // NaNs with payload
    0x0000000000000001, 0x800FFFFFFFFFFFFF,                      // subnormals
    0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF,                      // +-max
    0x41E0000000000000, 0xC1E0000000000000, 0xC1E0000000200000, 0x41DFFFFFFFC00000,
    0x41F0000000000000, 0x43E0000000000000, 0xC3E0000000000000, 0x43F0000000000000,
    0xC1E0000000000001, 0x41EFFFFFFFFFFFFF,
};

template <typename T, size_t N>
T pick_from(ChoiceSource& r, const T (&values)[N]) {
  return values[r.below(N)];
}

}  // namespace

int32_t gen_i32(ChoiceSource& r) {
  switch (r.weighted(std::array<uint32_t, 3>{4, 4, 2})) {
    case 0: return static_cast<int32_t>(r.in_range(-16, 64));
    case 1: return pick_from(r, kI32Edges);
    default: return static_cast<int32_t>(r.next_u64());
  }
}

int64_t gen_i64(ChoiceSource& r) {
  switch (r.weighted(std::array<uint32_t, 3>{4, 4, 2})) {
    case 0: return r.in_range(-16, 64);
    case 1: return pick_from(r, kI64Edges);
    default: return static_cast<int64_t>(r.next_u64());
  }
}

uint32_t gen_f32_bits(ChoiceSource& r) {
  switch (r.weighted(std::array<uint32_t, 3>{4, 4, 2})) {
    case 0: return std::bit_cast<uint32_t>(static_cast<float>(r.in_range(-100, 100)) / 4.0f);
    case 1: return pick_from(r, kF32Edges);
    default: return static_cast<uint32_t>(r.next_u64());
  }
}

uint64_t gen_f64_bits(ChoiceSource& r) {
  switch (r.weighted(std::array<uint32_t, 3>{4, 4, 2})) {
    case 0: return std::bit_cast<uint64_t>(static_cast<double>(r.in_range(-100, 100)) / 4.0);
    case 1: return pick_from(r, kF64Edges);
    default: return r.next_u64();
  }
}

namespace {

// ---------------------------------------------------------------------------
// Function bodies

class BodyGen {
 public:
  BodyGen(ModuleCtx& m, const FuncType& type) : m_(m), r_(m.r), cfg_(m.cfg), type_(type) {
    fuel_ = static_cast<int64_t>(r_.in_range(1, std::max<uint32_t>(cfg_.max_body_nodes, 1)));
  }

  // Fills `locals` (declared) and `code` (without the final end).
  void generate() {
    setup_locals_();
    if (m_.budget_global) budget_prologue_();
    frames_.push_back({type_.results, true});
    block_body_({}, type_.results);
    frames_.pop_back();
  }

  std::vector<ValType> locals;
  Code code;

 private:
  struct Frame {
    std::vector<ValType> label;  // what a branch to it carries
    bool targetable;             // loops are entered again only by their counter
  };

  void setup_locals_() {
    local_types_ = type_.params;
    auto declare = [&](ValType t) {
      locals.push_back(t);
      local_types_.push_back(t);
      return static_cast<uint32_t>(local_types_.size() - 1);
    };
    for (uint32_t i = 0; i < type_.params.size(); ++i) assignable_.push_back(i);
    uint32_t user = r_.below(5);
    for (uint32_t i = 0; i < user; ++i) assignable_.push_back(declare(m_.random_type()));
    for (ValType t : kAllTypes) scratch_[type_slot(t)] = declare(t);
    for (uint32_t i = 0; i < cfg_.max_block_depth; ++i) counters_.push_back(declare(ValType::I32));
  }

  // Each entry spends one unit of the budget; with none left, return zeros.
  void budget_prologue_() {
    uint32_t g = *m_.budget_global;
    code.global_get(g).op(Opcode::I32Eqz).if_();
    for (ValType t : type_.results) zero_(t);
    code.return_().end();
    code.global_get(g).i32_const(1).op(Opcode::I32Sub).global_set(g);
  }

  void zero_(ValType t) {
    switch (t) {
      case ValType::I32: code.i32_const(0); break;
      case ValType::I64: code.i64_const(0); break;
      case ValType::F32: code.f32_const_bits(0); break;
      case ValType::F64: code.f64_const_bits(0); break;
      default: code.ref_null(t); break;
    }
  }

  // --- helpers -------------------------------------------------------------

  std::vector<uint32_t> locals_of_(ValType t, bool assignable_only) const {
    std::vector<uint32_t> out;
    if (assignable_only) {
      for (uint32_t i : assignable_)
        if (local_types_[i] == t) out.push_back(i);
    } else {
      for (uint32_t i = 0; i < local_types_.size(); ++i)
        if (local_types_[i] == t) out.push_back(i);
    }
    return out;
  }

  std::vector<uint32_t> globals_of_(ValType t, bool assignable_only) const {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < m_.globals.size(); ++i)
      if (m_.globals[i].type.type == t && (!assignable_only || m_.globals[i].assignable)) out.push_back(i);
    return out;
  }

  std::vector<uint32_t> tables_of_(ValType t) const {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < m_.tables.size(); ++i)
      if (m_.tables[i].elem == t) out.push_back(i);
    return out;
  }

  template <typename T>
  T one_of_(const std::vector<T>& v) {
    return v[r_.below(static_cast<uint32_t>(v.size()))];
  }

  BlockType block_type_(const std::vector<ValType>& params, const std::vector<ValType>& results) {
    if (params.empty() && results.empty()) return BlockType::empty();
    if (params.empty() && results.size() == 1 && r_.chance(80)) return BlockType::of(results[0]);
    return BlockType::index(m_.b.type_index({params, results}));
  }

  std::vector<ValType> random_types_(uint32_t max) {
    std::vector<ValType> v(r_.below(max + 1));
    for (ValType& t : v) t = m_.random_type();
    return v;
  }

  // Pops the values of `types` (the last is on top) into locals, globals or drops.
  void consume_(const std::vector<ValType>& types) {
    for (auto it = types.rbegin(); it != types.rend(); ++it) {
      auto ls = locals_of_(*it, true);
      auto gs = globals_of_(*it, true);
      bool digest = m_.digest_global && is_float(*it);
      switch (r_.weighted(std::array<uint32_t, 4>{2, ls.empty() ? 0u : 3u, gs.empty() ? 0u : 1u, digest ? 3u : 0u})) {
        case 0: code.drop(); break;
        case 1: code.local_set(one_of_(ls)); break;
        case 2: code.global_set(one_of_(gs)); break;
        default: digest_(*it); break;
      }
    }
  }

  static bool is_float(ValType t) { return t == ValType::F32 || t == ValType::F64; }

  // Folds the float on top of the stack, all its bits, into the digest global.
  void digest_(ValType t) {
    if (t == ValType::F32)
      code.op(Opcode::I32ReinterpretF32).op(Opcode::I64ExtendI32U);
    else
      code.op(Opcode::I64ReinterpretF64);
    uint32_t g = *m_.digest_global;
    code.global_get(g).i64_const(1).op(Opcode::I64Rotl).op(Opcode::I64Xor).global_set(g);
  }

  // A float that is a NaN, made the ways that give hardware NaNs a sign or
  // a payload: inf - inf, 0 * inf, sqrt(-1), 0 / 0, or arithmetic on a NaN
  // operand with a payload and either sign (which propagates it).
  void nan_source_(ValType t) {
    bool f32 = t == ValType::F32;
    auto konst = [&](double v) {
      if (f32) code.f32_const(static_cast<float>(v));
      else code.f64_const(v);
    };
    auto op = [&](Opcode o32, Opcode o64) { code.op(f32 ? o32 : o64); };
    constexpr double inf = std::numeric_limits<double>::infinity();
    switch (r_.below(6)) {
      case 0: konst(inf); konst(inf); op(Opcode::F32Sub, Opcode::F64Sub); break;
      case 1: konst(0); konst(-inf); op(Opcode::F32Mul, Opcode::F64Mul); break;
      case 2: konst(-1); op(Opcode::F32Sqrt, Opcode::F64Sqrt); break;
      case 3: konst(0); konst(0); op(Opcode::F32Div, Opcode::F64Div); break;
      default: {
        // A NaN with a random payload and sign, on either side of an operator.
        uint64_t payload = r_.next_u64();
        bool nan_first = r_.chance(50);
        auto nan = [&] {
          if (f32) code.f32_const_bits(0x7F800000u | static_cast<uint32_t>(payload & 0x807FFFFFu) | 1u);
          else code.f64_const_bits(0x7FF0000000000000ull | (payload & 0x800FFFFFFFFFFFFFull) | 1u);
        };
        if (nan_first) nan(); else expr_(t);
        if (nan_first) expr_(t); else nan();
        static constexpr Opcode k32[] = {Opcode::F32Add, Opcode::F32Sub, Opcode::F32Mul, Opcode::F32Div,
                                         Opcode::F32Min, Opcode::F32Max};
        static constexpr Opcode k64[] = {Opcode::F64Add, Opcode::F64Sub, Opcode::F64Mul, Opcode::F64Div,
                                         Opcode::F64Min, Opcode::F64Max};
        uint32_t i = r_.below(6);
        code.op(f32 ? k32[i] : k64[i]);
        break;
      }
    }
  }

  // With `results` on the stack, keeps only the one at position `keep`.
  void keep_one_(const std::vector<ValType>& results, size_t keep) {
    for (size_t i = results.size(); i-- > keep + 1;) code.drop();
    uint32_t s = scratch_[type_slot(results[keep])];
    code.local_set(s);
    for (size_t i = 0; i < keep; ++i) code.drop();
    code.local_get(s);
  }

  // A position of `t` in `results`, if any.
  std::optional<size_t> position_of_(const std::vector<ValType>& results, ValType t) {
    std::vector<size_t> ps;
    for (size_t i = 0; i < results.size(); ++i)
      if (results[i] == t) ps.push_back(i);
    if (ps.empty()) return std::nullopt;
    return one_of_(ps);
  }

  // Values that flow into a control construct or a call (params, results,
  // branch values, arguments): floats among them are often NaNs with a sign
  // or payload, so every way a value crosses a join or a split sees them.
  void exprs_(const std::vector<ValType>& types) {
    for (ValType t : types) {
      if (is_float(t) && cfg_.float_arithmetic && r_.chance(25))
        nan_source_(t);
      else
        expr_(t);
    }
  }

  bool out_of_fuel_() const { return fuel_ <= 0; }

  // --- expressions ---------------------------------------------------------

  void const_(ValType t) {
    switch (t) {
      case ValType::I32: code.i32_const(gen_i32(r_)); break;
      case ValType::I64: code.i64_const(gen_i64(r_)); break;
      case ValType::F32: code.f32_const_bits(gen_f32_bits(r_)); break;
      case ValType::F64: code.f64_const_bits(gen_f64_bits(r_)); break;
      case ValType::FuncRef:
        if (r_.chance(50))
          code.ref_func(r_.below(static_cast<uint32_t>(m_.func_types.size())));
        else
          code.ref_null(t);
        break;
      default: code.ref_null(t); break;
    }
  }

  void leaf_(ValType t) {
    auto ls = locals_of_(t, false);
    auto gs = globals_of_(t, false);
    switch (r_.weighted(std::array<uint32_t, 3>{3, ls.empty() ? 0u : 3u, gs.empty() ? 0u : 1u})) {
      case 0: const_(t); break;
      case 1: code.local_get(one_of_(ls)); break;
      default: code.global_get(one_of_(gs)); break;
    }
  }

  // Pushes one value of type `t`.
  void expr_(ValType t) {
    --fuel_;
    if (expr_depth_ >= cfg_.max_expr_depth || out_of_fuel_()) return leaf_(t);
    ++expr_depth_;
    bool num = is_num(t);
    bool mem = m_.has_memory;
    bool blocks = block_depth_ < cfg_.max_block_depth;
    auto assignable = locals_of_(t, true);
    enum { Leaf, Numeric, Load, Tee, Select, Call, CallIndirect, Block, If, I32Special, RefSpecial, NaN, Wide };
    std::array<uint32_t, 13> w = {
        6,
        num ? 14u : 0u,
        num && mem ? 4u : 0u,
        assignable.empty() ? 0u : 2u,
        2,
        2,
        1,
        blocks ? 1u : 0u,
        blocks ? 1u : 0u,
        t == ValType::I32 ? 2u : 0u,
        is_ref(t) ? 4u : 0u,
        is_float(t) && cfg_.float_arithmetic ? 6u : 0u,
        num ? 1u : 0u,
    };
    switch (r_.weighted(w)) {
      case Leaf: leaf_(t); break;
      case Numeric: numeric_(t); break;
      case Load: load_(t); break;
      case Tee:
        expr_(t);
        code.local_tee(one_of_(assignable));
        break;
      case Select:
        exprs_({t, t});
        expr_(ValType::I32);
        if (num && r_.chance(60))
          code.select();
        else
          code.select(t);
        break;
      case Call: call_expr_(t); break;
      case CallIndirect: call_indirect_expr_(t); break;
      case Block: block_expr_(t); break;
      case If: if_expr_(t); break;
      case I32Special: i32_special_(); break;
      case RefSpecial: ref_special_(t); break;
      case NaN: nan_source_(t); break;
      default: wide_(t); break;
    }
    --expr_depth_;
  }

  // Many values live at once, then folded: more than the registers hold,
  // so the compiler must choose registers to spill.
  void wide_(ValType t) {
    std::vector<const NumericOp*> folds;
    for (const NumericOp& op : kNumericOps)
      if (op.out == t && op.in1 == t && op.in2 == t && !is_div_or_rem(op.op) &&
          (cfg_.float_arithmetic || !may_make_nan(op.op)))
        folds.push_back(&op);
    if (folds.empty()) return leaf_(t);
    uint32_t n = 8 + r_.below(32);  // past the 20-odd registers of a class on AArch64 too
    for (uint32_t i = 0; i < n; ++i) {
      if (r_.chance(75)) leaf_(t);
      else expr_(t);
    }
    for (uint32_t i = 1; i < n; ++i) code.op(one_of_(folds)->op);
  }

  void numeric_(ValType t) {
    std::vector<const NumericOp*> ops;
    for (const NumericOp& op : kNumericOps)
      if (op.out == t && (cfg_.float_arithmetic || !may_make_nan(op.op))) ops.push_back(&op);
    if (ops.empty()) return leaf_(t);
    const NumericOp& op = *one_of_(ops);
    if (is_div_or_rem(op.op)) {
      divide_(op);
    } else if (is_trapping_trunc(op.op) && !r_.chance(cfg_.trap_percent * 4)) {
      in_range_float_(op.in1, is_unsigned_trunc(op.op));
    } else {
      expr_(op.in1);
      if (op.in2 != T_None) expr_(op.in2);
    }
    code.op(op.op);
  }

  // A dividend and divisor that rarely trap: the divisor is forced odd,
  // except in the trap_percent cases (zero, or INT_MIN / -1 when signed).
  void divide_(const NumericOp& op) {
    bool is64 = op.in1 == ValType::I64;
    if (r_.chance(cfg_.trap_percent)) {
      if (is_signed_div(op.op) && r_.chance(50)) {
        if (is64)
          code.i64_const(std::numeric_limits<int64_t>::min()).i64_const(-1);
        else
          code.i32_const(std::numeric_limits<int32_t>::min()).i32_const(-1);
      } else {
        expr_(op.in1);
        if (is64) code.i64_const(0); else code.i32_const(0);
      }
      return;
    }
    expr_(op.in1);
    expr_(op.in2);
    if (is64)
      code.i64_const(1).op(Opcode::I64Or);
    else
      code.i32_const(1).op(Opcode::I32Or);
  }

  // A float that converts to an integer without trapping.
  void in_range_float_(ValType t, bool is_unsigned) {
    double v = static_cast<double>(r_.in_range(is_unsigned ? 0 : -100000, 100000)) / 8.0;
    if (t == ValType::F32)
      code.f32_const(static_cast<float>(v));
    else
      code.f64_const(v);
  }

  // An i32 address for an access of `size` bytes: mostly in bounds.
  // An i32 address for an access of `size` bytes: mostly in bounds, some at
  // the end of the current memory (where off-by-one bounds checks fail).
  void address_(uint32_t size) {
    uint64_t mem_bytes = uint64_t(m_.mem_min_pages) * kWasmPageSize;
    switch (r_.weighted(std::array<uint32_t, 4>{9, 8, 2, cfg_.trap_percent})) {
      case 0:
        code.i32_const(static_cast<int32_t>(mem_bytes > size ? r_.in_range(0, std::min<uint64_t>(mem_bytes - size, 256))
                                                              : 0));
        break;
      case 1:
        expr_(ValType::I32);
        code.i32_const(mem_bytes >= kWasmPageSize ? 0x7FFF : 0xFF).op(Opcode::I32And);
        break;
      case 2:
        if (!m_.has_memory) return address_(size);
        // memory.size * 64 KiB - size + d, for d in [-2, 1]: in bounds up to d = 0.
        code.memory_size().i32_const(16).op(Opcode::I32Shl);
        code.i32_const(static_cast<int32_t>(size) + 2 - static_cast<int32_t>(r_.below(4)));
        code.op(Opcode::I32Sub);
        break;
      default: expr_(ValType::I32); break;
    }
  }

  // The static offset of a memory access: mostly small; sometimes so large
  // that address + offset passes 4 GiB, which must trap rather than wrap.
  uint32_t offset_() {
    switch (r_.weighted(std::array<uint32_t, 4>{16, 3, 1, 1})) {
      case 0: return r_.chance(50) ? 0 : r_.below(64);
      case 1: return r_.below(70000);
      case 2: return 0xFFFFFFFFu - r_.below(64);
      default: return static_cast<uint32_t>(r_.next_u64());
    }
  }

  void load_(ValType t) {
    std::vector<const MemoryOp*> ops;
    for (const MemoryOp& op : kLoadOps)
      if (op.type == t) ops.push_back(&op);
    const MemoryOp& op = *one_of_(ops);
    address_(1u << op.size_log2);
    // Choices one statement at a time: the order in which a call's
    // arguments are evaluated is the C++ compiler's, and the same seed must
    // give the same module on every machine.
    uint32_t offset = offset_();
    uint32_t align = r_.below(op.size_log2 + 1);
    code.load(op.op, offset, align);
  }

  void store_() {
    const MemoryOp& op = kStoreOps[r_.below(std::size(kStoreOps))];
    address_(1u << op.size_log2);
    expr_(op.type);
    uint32_t offset = offset_();
    uint32_t align = r_.below(op.size_log2 + 1);
    code.store(op.op, offset, align);
  }

  void call_expr_(ValType t) {
    std::vector<uint32_t> fs;
    for (uint32_t f = 0; f < m_.func_types.size(); ++f)
      if (position_of_(m_.func_type(f).results, t)) fs.push_back(f);
    if (fs.empty()) return leaf_(t);
    uint32_t f = one_of_(fs);
    FuncType ft = m_.func_type(f);  // a copy: nested blocks may add types
    exprs_(ft.params);
    code.call(f);
    keep_one_(ft.results, *position_of_(ft.results, t));
  }

  // Mostly a slot and type that match table 0's initial contents; otherwise
  // any, which may trap on null, on a signature mismatch or out of bounds.
  void call_indirect_expr_(ValType t) {
    std::vector<std::pair<uint32_t, uint32_t>> slots;  // (slot, type index)
    for (auto [slot, f] : m_.table0_slots)
      if (position_of_(m_.func_type(f).results, t)) slots.push_back({slot, m_.func_types[f]});
    std::vector<uint32_t> types;
    for (uint32_t ti : m_.type_pool)
      if (position_of_(m_.b.type(ti).results, t)) types.push_back(ti);
    if (types.empty()) return leaf_(t);
    auto funcref_tables = tables_of_(ValType::FuncRef);
    uint32_t table = 0, type_index;
    bool matched = !slots.empty() && !r_.chance(cfg_.trap_percent * 3);
    std::pair<uint32_t, uint32_t> slot{0, 0};
    if (matched) {
      slot = one_of_(slots);
      type_index = slot.second;
    } else {
      type_index = one_of_(types);
      table = one_of_(funcref_tables);
    }
    FuncType ft = m_.b.type(type_index);
    exprs_(ft.params);
    if (matched)
      code.i32_const(static_cast<int32_t>(slot.first));
    else
      table_index_(table);
    code.call_indirect(type_index, table);
    keep_one_(ft.results, *position_of_(ft.results, t));
  }

  // An element index into `table`: mostly within its initial size.
  void table_index_(uint32_t table) {
    uint32_t min = m_.tables[table].min;
    if (r_.chance(100 - cfg_.trap_percent))
      code.i32_const(static_cast<int32_t>(r_.below(min + 1)));
    else
      expr_(ValType::I32);
  }

  // A small count: of elements or bytes.
  void length_(uint32_t max) {
    if (r_.chance(100 - cfg_.trap_percent))
      code.i32_const(static_cast<int32_t>(r_.below(max + 1)));
    else
      expr_(ValType::I32);
  }

  void block_expr_(ValType t) {
    std::vector<ValType> params = r_.chance(30) ? random_types_(2) : std::vector<ValType>{};
    exprs_(params);
    code.block(block_type_(params, {t}));
    enter_({t}, true);
    block_body_(params, {t});
    leave_();
    code.end();
  }

  void if_expr_(ValType t) {
    std::vector<ValType> params = r_.chance(30) ? random_types_(2) : std::vector<ValType>{};
    exprs_(params);
    expr_(ValType::I32);
    code.if_(block_type_(params, {t}));
    enter_({t}, true);
    block_body_(params, {t});
    code.else_();
    block_body_(params, {t});
    leave_();
    code.end();
  }

  void i32_special_() {
    auto funcref_tables = tables_of_(ValType::FuncRef);
    std::array<uint32_t, 4> w = {m_.has_memory ? 2u : 0u, m_.has_memory ? 1u : 0u, 2, 2};
    switch (r_.weighted(w)) {
      case 0: code.memory_size(); break;
      case 1:
        grow_delta_();
        code.memory_grow();
        break;
      case 2: {
        uint32_t table = r_.below(static_cast<uint32_t>(m_.tables.size()));
        if (r_.chance(50)) {
          code.table_size(table);
        } else {
          expr_(m_.tables[table].elem);
          grow_delta_();
          code.table_grow(table);
        }
        break;
      }
      default:
        expr_(r_.chance(50) ? ValType::FuncRef : ValType::ExternRef);
        code.ref_is_null();
        break;
    }
  }

  void grow_delta_() {
    if (r_.chance(85))
      code.i32_const(static_cast<int32_t>(r_.below(3)));
    else
      expr_(ValType::I32);
  }

  void ref_special_(ValType t) {
    auto tables = tables_of_(t);
    if (!tables.empty() && r_.chance(60)) {
      uint32_t table = one_of_(tables);
      table_index_(table);
      code.table_get(table);
    } else {
      const_(t);
    }
  }

  // --- statements ----------------------------------------------------------

  void enter_(std::vector<ValType> label, bool targetable) {
    frames_.push_back({std::move(label), targetable});
    ++block_depth_;
  }
  void leave_() {
    frames_.pop_back();
    --block_depth_;
  }

  // The body of a block whose `params` are on the stack; leaves `results`.
  void block_body_(const std::vector<ValType>& params, const std::vector<ValType>& results) {
    consume_(params);
    bool dead = stmts_();
    // After an unconditional branch the stack is polymorphic: `end` may follow at once.
    if (dead && r_.chance(50)) return;
    exprs_(results);
  }

  // Returns true if the sequence ends in an unconditional branch.
  bool stmts_() {
    uint32_t n = r_.below(cfg_.max_stmts_per_block + 1);
    for (uint32_t i = 0; i < n && !out_of_fuel_(); ++i) {
      if (stmt_()) {
        dead_code_();
        return true;
      }
    }
    return false;
  }

  // Right after an unconditional branch nothing real is on the stack, so
  // operators may pop values that do not exist (the polymorphic stack).
  void dead_code_() {
    if (!r_.chance(20)) return;
    switch (r_.below(4)) {
      case 0: code.op(Opcode::I32Add).drop(); break;
      case 1: code.select().drop(); break;
      case 2: code.op(Opcode::F64Sqrt).op(Opcode::I64ReinterpretF64).drop(); break;
      default: code.drop().unreachable(); break;
    }
  }

  // One statement (no net effect on the stack). True if it branches away.
  bool stmt_() {
    --fuel_;
    bool mem = m_.has_memory;
    bool blocks = block_depth_ < cfg_.max_block_depth;
    bool any_assignable_global = false;
    for (const GlobalInfo& g : m_.globals) any_assignable_global |= g.assignable;
    enum { Drop, LocalSet, GlobalSet, Store, Block, Loop, If, BrIf, Br, BrTable, Return, Unreachable,
           CallStmt, MemoryBulk, TableOp, Nop, Digest };
    std::array<uint32_t, 17> w = {
        3, assignable_.empty() ? 0u : 10u, any_assignable_global ? 4u : 0u, mem ? 8u : 0u,
        blocks ? 4u : 0u, blocks && loop_depth_ < counters_.size() ? 4u : 0u, blocks ? 5u : 0u,
        4, 1, 1, 1, 1, 4, mem || !m_.data_sizes.empty() ? 3u : 0u, 3, 1, m_.digest_global ? 3u : 0u,
    };
    switch (r_.weighted(w)) {
      case Drop: {
        ValType t = m_.random_type();
        expr_(t);
        code.drop();
        return false;
      }
      case LocalSet: {
        uint32_t l = one_of_(assignable_);
        expr_(local_types_[l]);
        code.local_set(l);
        return false;
      }
      case GlobalSet: {
        std::vector<uint32_t> gs;
        for (uint32_t i = 0; i < m_.globals.size(); ++i)
          if (m_.globals[i].assignable) gs.push_back(i);
        uint32_t g = one_of_(gs);
        expr_(m_.globals[g].type.type);
        code.global_set(g);
        return false;
      }
      case Store: store_(); return false;
      case Block: block_stmt_(); return false;
      case Loop: loop_stmt_(); return false;
      case If: if_stmt_(); return false;
      case BrIf: br_if_(); return false;
      case Br: br_(); return true;
      case BrTable: br_table_(); return true;
      case Return:
        exprs_(type_.results);
        code.return_();
        return true;
      case Unreachable: code.unreachable(); return true;
      case CallStmt: call_stmt_(); return false;
      case MemoryBulk: memory_bulk_(); return false;
      case TableOp: table_op_(); return false;
      case Nop: code.nop(); return false;
      default: {
        ValType t = r_.chance(50) ? ValType::F32 : ValType::F64;
        expr_(t);
        digest_(t);
        return false;
      }
    }
  }

  void random_signature_(std::vector<ValType>& params, std::vector<ValType>& results) {
    switch (r_.below(3)) {
      case 0: break;
      case 1: results = {m_.random_type()}; break;
      default:
        params = random_types_(2);
        results = random_types_(cfg_.max_results);
        break;
    }
  }

  void block_stmt_() {
    std::vector<ValType> params, results;
    random_signature_(params, results);
    exprs_(params);
    code.block(block_type_(params, results));
    enter_(results, true);
    block_body_(params, results);
    leave_();
    code.end();
    consume_(results);
  }

  void if_stmt_() {
    std::vector<ValType> params, results;
    random_signature_(params, results);
    exprs_(params);
    expr_(ValType::I32);
    code.if_(block_type_(params, results));
    enter_(results, true);
    block_body_(params, results);
    // Without `else` the params pass through, so it may be left out only when they are the results.
    if (params != results || r_.chance(50)) {
      code.else_();
      block_body_(params, results);
    }
    leave_();
    code.end();
    consume_(results);
  }

  // counter = K; loop { body; counter -= 1; br_if loop (counter > 0) }.
  // The counter local is written nowhere else (nested loops use the next
  // one) and the loop label is not a target of any other branch, so the body
  // runs at most K times.
  void loop_stmt_() {
    std::vector<ValType> params, results;
    random_signature_(params, results);
    uint32_t counter = counters_[loop_depth_];
    // Params first: a loop inside them uses the same counter.
    exprs_(params);
    code.i32_const(static_cast<int32_t>(r_.in_range(1, std::max<uint32_t>(cfg_.max_loop_iterations, 1))));
    code.local_set(counter);
    code.loop(block_type_(params, results));
    enter_(params, false);
    ++loop_depth_;
    consume_(params);
    stmts_();
    exprs_(params);
    code.local_get(counter).i32_const(1).op(Opcode::I32Sub).local_tee(counter);
    code.i32_const(0).op(Opcode::I32GtS).br_if(0);
    consume_(params);
    exprs_(results);
    --loop_depth_;
    leave_();
    code.end();
    consume_(results);
  }

  // Indices (into frames_) of frames a random branch may target.
  std::vector<uint32_t> targets_() const {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < frames_.size(); ++i)
      if (frames_[i].targetable) out.push_back(i);
    return out;
  }
  uint32_t depth_of_(uint32_t frame) const { return static_cast<uint32_t>(frames_.size() - 1 - frame); }

  // Labels are copied: generating operands pushes and pops frames.
  void br_() {
    uint32_t f = one_of_(targets_());
    std::vector<ValType> label = frames_[f].label;
    exprs_(label);
    code.br(depth_of_(f));
  }

  void br_if_() {
    uint32_t f = one_of_(targets_());
    std::vector<ValType> label = frames_[f].label;
    exprs_(label);
    not_taken_or_any_condition_();
    code.br_if(depth_of_(f));
    consume_(label);
  }

  // A branch condition: often one that is false at run time but opaque to
  // the compiler (the call budget is positive while a body runs), so the
  // code after a conditional branch runs with what the branch carried.
  void not_taken_or_any_condition_() {
    if (m_.budget_global && r_.chance(40))
      code.global_get(*m_.budget_global).op(Opcode::I32Eqz);
    else
      expr_(ValType::I32);
  }

  void br_table_() {
    auto targets = targets_();
    uint32_t def = one_of_(targets);
    std::vector<uint32_t> same;
    for (uint32_t f : targets)
      if (frames_[f].label == frames_[def].label) same.push_back(f);
    std::vector<uint32_t> depths(r_.below(5));
    for (uint32_t& d : depths) d = depth_of_(one_of_(same));
    std::vector<ValType> label = frames_[def].label;
    exprs_(label);
    if (r_.chance(70))
      code.i32_const(static_cast<int32_t>(r_.below(static_cast<uint32_t>(depths.size()) + 2)));
    else
      expr_(ValType::I32);
    code.br_table(depths, depth_of_(def));
  }

  void call_stmt_() {
    if (r_.chance(70)) {
      uint32_t f = r_.below(static_cast<uint32_t>(m_.func_types.size()));
      FuncType ft = m_.func_type(f);
      exprs_(ft.params);
      code.call(f);
      consume_(ft.results);
    } else {
      uint32_t type_index = one_of_(m_.type_pool);
      FuncType ft = m_.b.type(type_index);
      auto tables = tables_of_(ValType::FuncRef);
      uint32_t table = one_of_(tables);
      exprs_(ft.params);
      table_index_(table);
      code.call_indirect(type_index, table);
      consume_(ft.results);
    }
  }

  void memory_bulk_() {
    uint32_t n_data = static_cast<uint32_t>(m_.data_sizes.size());
    std::array<uint32_t, 4> w = {m_.has_memory ? 3u : 0u, m_.has_memory ? 3u : 0u,
                                 m_.has_memory && n_data ? 3u : 0u, n_data ? 1u : 0u};
    switch (r_.weighted(w)) {
      case 0:  // memory.fill d v n
        address_(64);
        expr_(ValType::I32);
        length_(64);
        code.memory_fill();
        break;
      case 1:  // memory.copy d s n
        address_(64);
        address_(64);
        length_(64);
        code.memory_copy();
        break;
      case 2: {  // memory.init seg d s n
        uint32_t seg = r_.below(n_data);
        uint32_t size = m_.data_sizes[seg];
        address_(64);
        uint32_t s = r_.below(size + 1);
        code.i32_const(static_cast<int32_t>(s));
        length_(size - s);
        code.memory_init(seg);
        break;
      }
      default: code.data_drop(r_.below(n_data)); break;
    }
  }

  void table_op_() {
    uint32_t n_elem = static_cast<uint32_t>(m_.elem_types.size());
    uint32_t table = r_.below(static_cast<uint32_t>(m_.tables.size()));
    ValType elem = m_.tables[table].elem;
    std::vector<uint32_t> inits;  // segments that fit `table`
    for (uint32_t i = 0; i < n_elem; ++i)
      if (m_.elem_types[i] == elem) inits.push_back(i);
    auto same_type = tables_of_(elem);
    std::array<uint32_t, 6> w = {3, 2, 2, inits.empty() ? 0u : 2u, n_elem ? 1u : 0u, 1};
    switch (r_.weighted(w)) {
      case 0:  // table.set i v
        table_index_(table);
        expr_(elem);
        code.table_set(table);
        break;
      case 1:  // table.fill i v n
        table_index_(table);
        expr_(elem);
        length_(4);
        code.table_fill(table);
        break;
      case 2:  // table.copy d s n
        table_index_(table);
        {
          uint32_t src = one_of_(same_type);
          table_index_(src);
          length_(4);
          code.table_copy(table, src);
        }
        break;
      case 3:  // table.init seg d s n
        table_index_(table);
        code.i32_const(static_cast<int32_t>(r_.below(3)));
        length_(3);
        code.table_init(one_of_(inits), table);
        break;
      case 4: code.elem_drop(r_.below(n_elem)); break;
      default:  // table.grow, result dropped
        expr_(elem);
        grow_delta_();
        code.table_grow(table).drop();
        break;
    }
  }

  ModuleCtx& m_;
  ChoiceSource& r_;
  const GenConfig& cfg_;
  const FuncType& type_;
  std::vector<ValType> local_types_;  // params, then declared
  std::vector<uint32_t> assignable_;  // params and user locals; never scratch or counters
  std::array<uint32_t, 6> scratch_{};  // one per type, for keep_one_
  std::vector<uint32_t> counters_;    // one per loop nesting level
  std::vector<Frame> frames_;
  uint32_t block_depth_ = 0, loop_depth_ = 0, expr_depth_ = 0;
  int64_t fuel_ = 0;
};

}  // namespace

void generate_body(ModuleCtx& m, const FuncType& type, std::vector<ValType>& locals, Code& code) {
  BodyGen g(m, type);
  g.generate();
  locals = std::move(g.locals);
  code = std::move(g.code);
}

}  // namespace detwasm::test::gen
