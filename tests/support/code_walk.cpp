#include "support/code_walk.hpp"

#include "module/module_data.hpp"
#include "util/leb128.hpp"

namespace detwasm::test {

using internal::Opcode;

namespace {

bool is_known(uint16_t value) {
  switch (value) {
#define DETWASM_CONTROL_OP(Name, opcode, text, ...) case opcode:
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) case opcode:
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, ...) case opcode:
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, ...) case opcode:
#include "decode/opcodes.def"
    return true;
    default: return false;
  }
}

bool is_memory_access(uint16_t value) { return value >= 0x28 && value <= 0x3E; }

class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> b) : b_(b) {}
  bool done() const { return pos_ >= b_.size(); }
  size_t pos() const { return pos_; }
  bool ok() const { return ok_; }

  uint8_t peek() const { return pos_ < b_.size() ? b_[pos_] : 0; }
  uint8_t byte() {
    if (pos_ >= b_.size()) return fail_();
    return b_[pos_++];
  }
  template <typename T>
  T leb() {
    auto d = leb128::decode<T>(b_.data() + pos_, b_.data() + b_.size());
    if (d.status != leb128::Status::Ok) return fail_();
    pos_ += d.length;
    return d.value;
  }
  void skip(size_t n) {
    if (b_.size() - pos_ < n) fail_();
    else pos_ += n;
  }

 private:
  uint8_t fail_() {
    ok_ = false;
    pos_ = b_.size();
    return 0;
  }
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

bool walk_body(std::span<const uint8_t> body, const std::function<void(const Instr&)>& visit) {
  Cursor c(body);
  uint32_t runs = c.leb<uint32_t>();
  for (uint32_t i = 0; i < runs && c.ok(); ++i) {
    c.leb<uint32_t>();
    c.byte();
  }
  while (!c.done()) {
    Instr in;
    in.offset = static_cast<uint32_t>(c.pos());
    uint16_t value = c.byte();
    if (value == internal::kPrefixMisc) value = static_cast<uint16_t>(0xFC00 | (c.leb<uint32_t>() & 0xFF));
    if (!c.ok() || !is_known(value)) return false;
    in.op = static_cast<Opcode>(value);
    switch (in.op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: {
        uint8_t b = c.peek();
        if (b == 0x40 || (b >= 0x6F && b <= 0x7F))
          c.byte();
        else if (c.leb<int64_t>() < 0)  // a type index, as a positive s33
          return false;
        break;
      }
      case Opcode::Br: case Opcode::BrIf: case Opcode::Call: case Opcode::LocalGet: case Opcode::LocalSet:
      case Opcode::LocalTee: case Opcode::GlobalGet: case Opcode::GlobalSet: case Opcode::TableGet:
      case Opcode::TableSet: case Opcode::RefFunc: case Opcode::DataDrop: case Opcode::ElemDrop:
      case Opcode::TableGrow: case Opcode::TableSize: case Opcode::TableFill:
        in.index0 = c.leb<uint32_t>();
        break;
      case Opcode::BrTable: {
        uint32_t n = c.leb<uint32_t>();
        for (uint32_t i = 0; i <= n && c.ok(); ++i) c.leb<uint32_t>();
        break;
      }
      case Opcode::CallIndirect: case Opcode::TableInit: case Opcode::TableCopy: case Opcode::MemoryInit:
        in.index0 = c.leb<uint32_t>();
        in.index1 = c.leb<uint32_t>();
        break;
      case Opcode::SelectTyped: {
        uint32_t n = c.leb<uint32_t>();
        c.skip(n);
        break;
      }
      case Opcode::MemorySize: case Opcode::MemoryGrow: case Opcode::MemoryFill: c.leb<uint32_t>(); break;
      case Opcode::MemoryCopy:
        c.leb<uint32_t>();
        c.leb<uint32_t>();
        break;
      case Opcode::I32Const: c.leb<int32_t>(); break;
      case Opcode::I64Const: c.leb<int64_t>(); break;
      case Opcode::F32Const: c.skip(4); break;
      case Opcode::F64Const: c.skip(8); break;
      case Opcode::RefNull: c.byte(); break;
      default:
        if (is_memory_access(value)) {
          c.leb<uint32_t>();
          c.leb<uint32_t>();
        }
        break;
    }
    if (!c.ok()) return false;
    visit(in);
  }
  return true;
}

std::span<const uint8_t> function_body(const Module& module, uint32_t defined_index) {
  const auto& m = *module.data();
  const auto& f = m.functions.at(defined_index);
  return std::span<const uint8_t>(m.bytes).subspan(f.body_offset, f.body_size);
}

StepBound::StepBound(const Module& module, uint64_t bulk_weight)
    : module_(module), bulk_weight_(bulk_weight) {
  size_t n = module_.data()->func_types.size();
  state_.assign(n, State::Unvisited);
  bound_.assign(n, std::nullopt);
}

std::optional<uint64_t> StepBound::of(uint32_t func_index) {
  const auto& m = *module_.data();
  if (func_index >= state_.size()) return std::nullopt;
  if (state_[func_index] == State::Done) return bound_[func_index];
  if (state_[func_index] == State::InProgress) return std::nullopt;  // recursion
  // Deep call chains count as unbounded, which keeps this recursion shallow.
  if (depth_ > 500) return std::nullopt;
  struct Depth {
    uint32_t& d;
    explicit Depth(uint32_t& depth) : d(depth) { ++d; }
    ~Depth() { --d; }
  } depth(depth_);
  std::optional<internal::DefinedFuncIdx> defined = m.defined(internal::FuncIdx{func_index});
  if (!defined) {
    state_[func_index] = State::Done;
    return bound_[func_index] = 1;
  }
  state_[func_index] = State::InProgress;
  constexpr uint64_t kCap = uint64_t(1) << 50;  // saturate instead of overflowing
  uint64_t steps = 0;
  bool bounded = true;
  std::vector<uint32_t> callees;
  auto body = function_body(module_, defined->value);
  bool ok = walk_body(body, [&](const Instr& in) {
    ++steps;
    switch (in.op) {
      case Opcode::Loop: bounded = false; break;
      case Opcode::Call: callees.push_back(in.index0); break;
      case Opcode::CallIndirect:
        for (uint32_t f = 0; f < m.func_types.size(); ++f)
          if (in.index0 < m.types.size() && m.func_type(internal::FuncIdx{f}) == m.types[in.index0]) callees.push_back(f);
        break;
      case Opcode::MemoryGrow: case Opcode::MemoryFill: case Opcode::MemoryCopy: case Opcode::MemoryInit:
      case Opcode::TableGrow: case Opcode::TableFill: case Opcode::TableCopy: case Opcode::TableInit:
        steps += bulk_weight_;
        break;
      default: break;
    }
  });
  bounded = bounded && ok;
  for (uint32_t callee : callees) {
    if (!bounded) break;
    std::optional<uint64_t> b = of(callee);
    if (!b) bounded = false;
    else steps = std::min(kCap, steps + *b);
  }
  state_[func_index] = State::Done;
  return bound_[func_index] = bounded ? std::optional<uint64_t>(steps) : std::nullopt;
}

}  // namespace detwasm::test
