#include "shapes.hpp"

#include <algorithm>
#include <array>

#include "wasm_writer.hpp"

namespace detwasm::bench {
namespace {

constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64;

// Deterministic pseudo-random numbers, so every run compiles the same bytes.
struct Lcg {
  uint64_t state;
  uint32_t next(uint32_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>((state >> 33) % bound);
  }
};

// Module size so far: the code section plus one function-section byte per
// function (type indices are below 128).
size_t estimated_size(const ModuleWriter& m) { return m.code_size() + m.function_count(); }

// Adds the bodies in turn until the module reaches `target` bytes.
std::vector<uint8_t> fill(ModuleWriter& m, uint32_t type, const std::vector<std::vector<uint8_t>>& bodies,
                          size_t target) {
  for (size_t i = 0; estimated_size(m) < target; ++i) m.add_function(type, bodies[i % bodies.size()]);
  m.add_export("f0", 0);
  return m.finish();
}

// Locals: runs of (count, type), the way the binary declares them.
void declare_locals(ByteWriter& w, std::initializer_list<std::pair<uint32_t, ValType>> runs) {
  w.u32(static_cast<uint32_t>(runs.size()));
  for (auto [count, type] : runs) w.u32(count), w.u8(static_cast<uint8_t>(type));
}

// Straight-line i32/i64 arithmetic on locals, about 1.5 KB per function:
// what compilers see most, and the baseline the hostile shapes are held to.
std::vector<uint8_t> plain(size_t target, const ResourceLimits&) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32, I32}, {I32});
  // Locals 0-7 are i32 (two parameters), 8-11 are i64.
  constexpr std::array<uint8_t, 7> kI32Ops = {op::kI32Add, op::kI32Sub, op::kI32Mul, op::kI32And,
                                              op::kI32Or,  op::kI32Xor, op::kI32Shl};
  constexpr std::array<uint8_t, 4> kI64Ops = {op::kI64Add, op::kI64Mul, op::kI64Xor, op::kI64ShrU};
  std::vector<std::vector<uint8_t>> bodies;
  Lcg rng{1};
  for (int variant = 0; variant < 8; ++variant) {
    ByteWriter w;
    declare_locals(w, {{6, I32}, {4, I64}});
    while (w.size() < 1500) {
      switch (rng.next(5)) {
        case 0:
          w.local_get(rng.next(8)), w.local_get(rng.next(8));
          w.op(kI32Ops[rng.next(kI32Ops.size())]), w.local_set(rng.next(8));
          break;
        case 1:
          w.local_get(rng.next(8)), w.i32_const(static_cast<int32_t>(rng.next(100000)) - 50000);
          w.op(kI32Ops[rng.next(kI32Ops.size())]), w.local_set(rng.next(8));
          break;
        case 2:
          w.local_get(8 + rng.next(4)), w.local_get(8 + rng.next(4));
          w.op(kI64Ops[rng.next(kI64Ops.size())]), w.local_set(8 + rng.next(4));
          break;
        case 3:
          w.local_get(rng.next(8)), w.op(op::kI64ExtendI32U), w.local_get(8 + rng.next(4));
          w.op(op::kI64Add), w.local_set(8 + rng.next(4));
          break;
        default:
          w.local_get(8 + rng.next(4)), w.op(op::kI32WrapI64), w.local_set(rng.next(8));
          break;
      }
    }
    w.local_get(2);
    w.end();
    bodies.push_back(std::move(w.data()));
  }
  return fill(m, type, bodies, target);
}

// Blocks, loops and ifs nested as deep as the limit allows, with branches to
// outer labels on the way out.
std::vector<uint8_t> nesting(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32}, {});
  // The function's own frame counts towards the limit.
  uint32_t depth = std::min<uint32_t>(limits.max_nesting_depth - 1, 100'000);
  ByteWriter w;
  w.u32(0);
  for (uint32_t level = 0; level < depth; ++level) {
    switch (level % 3) {
      case 0: w.block_void(op::kBlock); break;
      case 1: w.block_void(op::kLoop); break;
      default: w.local_get(0), w.block_void(op::kIf); break;
    }
  }
  w.local_get(0), w.br_if(depth - 1);
  for (uint32_t level = depth; level-- > 0;) {
    w.end();
    if (level % 8 == 0 && level > 0) w.local_get(0), w.br_if(level / 2);
  }
  w.end();
  return fill(m, type, {w.data()}, target);
}

// br_tables of up to the limit's number of targets, each reachable: every
// table sits in its own nest of eight blocks.
std::vector<uint8_t> br_table(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32}, {});
  constexpr uint32_t kBlocks = 8;
  // One target byte each: as many tables of equal size as fit the module,
  // at most eight per function so that bodies stay far below the body limit.
  size_t tables = std::max<size_t>(1, (target + limits.max_br_table_size - 1) / limits.max_br_table_size);
  uint32_t targets = static_cast<uint32_t>(std::min<size_t>(limits.max_br_table_size, target / tables));
  size_t functions = (tables + 7) / 8;
  size_t per_function = (tables + functions - 1) / functions;
  ByteWriter w;
  w.u32(0);
  for (size_t t = 0; t < per_function; ++t) {
    for (uint32_t b = 0; b < kBlocks; ++b) w.block_void(op::kBlock);
    w.local_get(0);
    w.op(op::kBrTable);
    w.u32(targets);
    for (uint32_t i = 0; i < targets; ++i) w.u32((i * 7) % kBlocks);
    w.u32(kBlocks - 1);
    for (uint32_t b = 0; b < kBlocks; ++b) w.end();
  }
  w.end();
  return fill(m, type, {w.data()}, target);
}

// Ten thousand declared locals per function (compactly declared), a few of
// them used.
std::vector<uint8_t> locals(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32}, {});
  uint32_t run = std::min<uint32_t>(2500, (limits.max_locals_per_function - 1) / 4);
  std::vector<std::vector<uint8_t>> bodies;
  Lcg rng{2};
  for (int variant = 0; variant < 8; ++variant) {
    ByteWriter w;
    declare_locals(w, {{run, I32}, {run, I64}, {run, F32}, {run, F64}});
    for (int i = 0; i < 24; ++i) {
      uint32_t first = 1 + run * rng.next(4);  // the run of one type
      w.local_get(first + rng.next(run));
      w.local_set(first + rng.next(run));
    }
    w.end();
    bodies.push_back(std::move(w.data()));
  }
  return fill(m, type, bodies, target);
}

// Thousands of live values of mixed types on the operand stack while br_if
// leaves to outer blocks: a merge that moved the whole stack would be
// quadratic.
std::vector<uint8_t> operand_stack(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32, I64, F64}, {});
  constexpr uint32_t kBlocks = 8;
  uint32_t values = std::min<uint32_t>(6000, limits.max_operand_stack - 2);
  ByteWriter w;
  w.u32(0);
  for (uint32_t b = 0; b < kBlocks; ++b) w.block_void(op::kBlock);
  for (uint32_t i = 0; i < values; ++i) {
    w.local_get(i % 3);
    w.local_get(0), w.br_if(i % kBlocks);
  }
  for (uint32_t i = 0; i < values; ++i) w.op(op::kDrop);
  for (uint32_t b = 0; b < kBlocks; ++b) w.end();
  w.end();
  return fill(m, type, {w.data()}, target);
}

// Many functions of a few operators each (about 100 thousand per MB).
std::vector<uint8_t> tiny_functions(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32}, {I32});
  ByteWriter w;
  w.u32(0);
  w.local_get(0), w.i32_const(1), w.op(op::kI32Add);
  w.end();
  // The function count limit wins over the size.
  size_t per_function = w.size() + 2;
  target = std::min<size_t>(target, per_function * (limits.max_functions - 1));
  return fill(m, type, {w.data()}, target);
}

// if/else ladders 64 deep whose blocks take and return two values (i32 i64).
void ladder(ByteWriter& w, uint32_t block_type, uint32_t depth) {
  auto arm = [&](uint32_t k) {
    w.local_set(1);
    w.i32_const(static_cast<int32_t>(k)), w.op(op::kI32Xor);
    w.local_get(1);
    w.i64_const(k), w.op(op::kI64Add);
  };
  w.local_get(0), w.i32_const(static_cast<int32_t>(depth)), w.op(op::kI32GtU);
  w.block_typed(op::kIf, block_type);
  arm(depth);
  w.op(op::kElse);
  if (depth > 1) {
    ladder(w, block_type, depth - 1);
  } else {
    arm(0);
  }
  w.end();
}

std::vector<uint8_t> multi_value_if(size_t target, const ResourceLimits& limits) {
  ModuleWriter m;
  uint32_t type = m.add_type({I32}, {I32, I64});
  uint32_t block_type = m.add_type({I32, I64}, {I32, I64});
  uint32_t depth = std::min<uint32_t>(64, limits.max_nesting_depth - 2);
  ByteWriter w;
  declare_locals(w, {{1, I64}});
  w.i32_const(1), w.i64_const(2);
  while (w.size() < std::min<size_t>(target, 32 * 1024)) ladder(w, block_type, depth);
  w.end();
  return fill(m, type, {w.data()}, target);
}

constexpr Shape kShapes[] = {
    {"plain", "straight-line i32/i64 arithmetic on locals (baseline)", plain},
    {"nesting", "blocks, loops and ifs nested to the depth limit", nesting},
    {"br_table", "br_tables of up to the target limit, repeated", br_table},
    {"locals", "10,000 declared locals per function", locals},
    {"operand_stack", "6,000 live values while br_if leaves to outer blocks", operand_stack},
    {"tiny_functions", "functions of three operators (about 100k per MB)", tiny_functions},
    {"multi_value_if", "if/else ladders 64 deep with (i32 i64) block params and results", multi_value_if},
};

}  // namespace

std::span<const Shape> shapes() { return kShapes; }

}  // namespace detwasm::bench
