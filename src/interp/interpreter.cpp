#include "interp/interpreter.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <vector>

#include "interp/numeric.hpp"
#include "runtime/float_env.hpp"
#include "runtime/instantiate.hpp"
#include "util/small_buffer.hpp"

namespace detwasm::internal {

namespace {

inline uint32_t u32(uint64_t v) { return static_cast<uint32_t>(v); }
inline int32_t s32(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
inline int64_t s64(uint64_t v) { return static_cast<int64_t>(v); }

Trap make_trap(TrapKind kind, const char* message = nullptr) {
  return Trap{kind, message ? message : trap_kind_message(kind), {}};
}

// A Wasm frame standing at `pc` (past the opcode word of the instruction
// that trapped or called).
TrapFrame frame_of(const FuncInst* f, const uint32_t* pc) {
  TrapFrame tf;
  tf.func_index = f->func_index.value;
  tf.instance = f->instance;
  if (f->instance) {
    tf.func_name = f->instance->module->func_name(f->func_index);
    tf.module_name = f->instance->module->module_name;
  } else {
    tf.func_name = f->debug_name;
  }
  if (f->interp && pc) {
    const InterpFunction& code = *f->interp;
    auto at = static_cast<uint32_t>(pc - code.code.data());
    if (auto offset = code.module_offset_before(at)) {
      tf.module_offset = *offset;
      tf.func_offset = *offset - f->def->body_offset;
    }
  }
  return tf;
}

// The per-byte or per-element part of an operation over n items.
uint64_t per_item(uint64_t n, uint64_t unit_cost) {
  return n > UINT64_MAX / (unit_cost ? unit_cost : 1) ? UINT64_MAX : n * unit_cost;
}

// A suspended caller: where it resumes once the callee returns.
struct Frame {
  FuncInst* func;
  const uint32_t* pc;  // past the call instruction
  uint64_t* fp;
};

// One call of interp_invoke: the Wasm activations it runs on the store's
// value stack, the entry function's at the bottom.
//
// The running function's registers, pc (the next code word), sp (one past
// the top operand) and fp (its first local), are locals of run(), where
// the compiler can keep them in registers; the functions that move them
// (enter, leave) are inlined into it and take them by reference. The rest
// of the state is members. Operators with more to do than a few
// instructions (host calls, bulk memory and table operators) are members
// that take their operands by value and return the trap, if any, so that
// calling them never forces the registers out to memory. Around those
// calls the loop parks pc in resume_pc_ and reloads it: with pc live across
// no call, the compiler keeps it in one scratch register for every
// operator, where otherwise it keeps a callee-saved copy and pays a move
// per operator.
class Invocation {
 public:
  explicit Invocation(StoreImpl& store)
      : store_(store),
        ex_(store.exec),
        budget_(store.limits().stack_budget_slots),
        saved_top_(store.exec.top),
        saved_budget_(store.exec.budget_used),
        prof_(store.gas_profiler.get()) {}

  // Runs Wasm function `entry` (not a host function) to completion.
  std::optional<Trap> run(FuncInst* entry, const uint64_t* args, uint64_t* results);

 private:
  // ---- Frames ----
  // Enters Wasm function `f`, whose arguments are the top values at `sp`.
  // False if the stack budget is exhausted (nothing changed then).
  bool enter(FuncInst* f, const uint32_t*& pc, uint64_t*& sp, uint64_t*& fp);
  // Returns from the running function with its top `arity` values as its
  // results. False when it was the entry function: its results are at `fp`.
  bool leave(uint32_t arity, const uint32_t*& pc, uint64_t*& sp, uint64_t*& fp);
  // Calls host function `f` from Wasm; its arguments are the top values at
  // `sp`, and its results replace them.
  std::optional<Trap> call_host_from_wasm(FuncInst* f, uint64_t* sp);
  // The trap `t`, with the Wasm frames from the running function (standing
  // at `pc`) outwards; the store's stack and budget as they were at entry.
  std::optional<Trap> finish_trap(Trap t, const uint32_t* pc);
  // The same for a trap the interpreter raises itself. Out of line and cold,
  // so that the dispatch loop holds no Trap of its own.
  [[gnu::cold, gnu::noinline]] std::optional<Trap> trap_at(const uint32_t* pc, TrapKind kind,
                                                          const char* message = nullptr) {
    return finish_trap(make_trap(kind, message), pc);
  }
  // What the running function's instance gives it: memory 0 and the gas
  // schedule. Again after anything that may grow memory.
  void refresh_memory();

  // ---- Gas ----
  // A dynamic cost, charged before the operation. False when out of gas.
  bool charge(uint64_t cost) {
    if (!gas_) return true;
    if (ex_.gas_left < cost) return false;
    ex_.gas_left -= cost;
    return true;
  }

  // ---- Memory and tables: operands as popped (indices cut to 32 bits) ----
  bool in_memory(uint64_t addr, uint32_t offset, uint32_t size, uint64_t* ea) const {
    uint64_t a = static_cast<uint64_t>(u32(addr)) + offset;
    *ea = a;
    return a + size <= mem_size_;
  }
  std::optional<TrapKind> memory_grow(uint32_t delta, uint64_t* result);
  std::optional<TrapKind> memory_init(uint32_t seg, uint64_t d, uint64_t s, uint64_t n);
  std::optional<TrapKind> memory_copy(uint64_t d, uint64_t s, uint64_t n);
  std::optional<TrapKind> memory_fill(uint64_t d, uint8_t v, uint64_t n);
  std::optional<TrapKind> table_init(uint32_t seg, TableInst& t, uint64_t d, uint64_t s, uint64_t n);
  std::optional<TrapKind> table_copy(TableInst& dt, TableInst& st, uint64_t d, uint64_t s, uint64_t n);
  std::optional<TrapKind> table_grow(TableInst& t, uint32_t n, uint64_t init, uint64_t* result);
  std::optional<TrapKind> table_fill(TableInst& t, uint64_t d, uint64_t v, uint64_t n);

  StoreImpl& store_;
  StoreExecution& ex_;
  const uint64_t budget_;       // the store's stack budget, in slots
  const size_t saved_top_;      // the store's stack and budget at entry
  const uint64_t saved_budget_;
  std::vector<Frame> frames_;   // the suspended callers, outermost first

  FuncInst* func_ = nullptr;    // running; null before the entry is entered
  InstanceData* inst_ = nullptr;
  uint8_t* mem_ = nullptr;      // memory 0 of inst_, if any
  uint64_t mem_size_ = 0;
  const GasSchedule* gas_ = nullptr;  // the running module's schedule, if metered
  const uint32_t* resume_pc_ = nullptr;  // pc while the loop calls out of line
  GasProfiler* prof_;             // the store's, while profiling; else null
  uint32_t prof_base_ = 0;        // the profile's path when this call began
};

void Invocation::refresh_memory() {
  gas_ = inst_->module->binding.gas ? &*inst_->module->binding.gas : nullptr;
  if (!inst_->memories.empty()) {
    const LinearMemory& lm = inst_->memories[0]->memory;
    mem_ = lm.base();
    mem_size_ = lm.size_bytes();
  } else {
    mem_ = nullptr;
    mem_size_ = 0;
  }
}

std::optional<Trap> Invocation::finish_trap(Trap t, const uint32_t* pc) {
  if (prof_) prof_->unwind_to(prof_base_, ex_.gas_left);
  if (func_) t.frames.push_back(frame_of(func_, pc));
  for (size_t i = frames_.size(); i-- > 0 && t.frames.size() < kMaxTrapFrames;)
    t.frames.push_back(frame_of(frames_[i].func, frames_[i].pc));
  t.frame_count = frames_.size() + (func_ ? 1 : 0);
  ex_.top = saved_top_;
  ex_.budget_used = saved_budget_;
  return t;
}

inline bool Invocation::enter(FuncInst* f, const uint32_t*& pc, uint64_t*& sp, uint64_t*& fp) {
  const FunctionDef* def = f->def;
  if (ex_.budget_used + def->stack_cost > budget_) return false;
  ex_.budget_used += def->stack_cost;
  if (prof_) prof_->enter(f, ex_.gas_left);
  const uint32_t nparams = static_cast<uint32_t>(f->type->params.size());
  func_ = f;
  fp = sp - nparams;
  std::fill(sp, fp + def->num_locals, uint64_t{0});
  sp = fp + def->num_locals;
  pc = f->interp->code.data();
  inst_ = f->instance;
  refresh_memory();
  return true;
}

inline bool Invocation::leave(uint32_t arity, const uint32_t*& pc, uint64_t*& sp, uint64_t*& fp) {
  std::memmove(fp, sp - arity, arity * sizeof(uint64_t));
  sp = fp + arity;
  ex_.budget_used -= func_->def->stack_cost;
  if (prof_) prof_->leave(ex_.gas_left);
  if (frames_.empty()) return false;
  const Frame& caller = frames_.back();
  func_ = caller.func;
  pc = caller.pc;
  fp = caller.fp;
  frames_.pop_back();
  inst_ = func_->instance;
  refresh_memory();
  return true;
}

std::optional<Trap> Invocation::call_host_from_wasm(FuncInst* f, uint64_t* sp) {
  const size_t np = f->type->params.size();
  if (ex_.budget_used + kFrameOverheadSlots > budget_) return make_trap(TrapKind::StackExhausted);
  if (prof_) prof_->enter(f, ex_.gas_left);  // the call's cost is the host function's
  if (!charge(f->host_gas_cost)) return make_trap(TrapKind::OutOfGas);
  ex_.budget_used += kFrameOverheadSlots;
  // A host function may call back into Wasm: it runs above this one's values.
  ex_.top = static_cast<size_t>(sp - ex_.stack.data());
  ++ex_.host_depth;
  auto trap = call_host(store_, f, inst_, sp - np, sp - np);
  --ex_.host_depth;
  if (prof_) prof_->leave(ex_.gas_left);
  set_wasm_float_env();  // the host may have changed it
  ex_.budget_used -= kFrameOverheadSlots;
  refresh_memory();  // the host may have grown memory
  return trap;
}

std::optional<TrapKind> Invocation::memory_grow(uint32_t delta, uint64_t* result) {
  if (gas_ && !charge(per_item(delta, gas_->per_memory_page_grown))) return TrapKind::OutOfGas;
  auto old = grow_memory(*inst_->memories[0], delta, store_.limits());
  *result = old ? *old : 0xFFFFFFFFu;
  refresh_memory();
  return std::nullopt;
}

std::optional<TrapKind> Invocation::memory_init(uint32_t seg, uint64_t d, uint64_t s, uint64_t n) {
  if (gas_ && !charge(gas_->bulk_memory_cost(n))) return TrapKind::OutOfGas;
  const ModuleData& m = *inst_->module;
  const DataSegment& ds = m.datas[seg];
  uint64_t len = inst_->data_dropped[seg] ? 0 : ds.bytes_size;
  if (s + n > len || d + n > mem_size_) return TrapKind::MemoryOutOfBounds;
  if (n) std::memcpy(mem_ + d, m.bytes.data() + ds.bytes_offset + s, n);
  return std::nullopt;
}

std::optional<TrapKind> Invocation::memory_copy(uint64_t d, uint64_t s, uint64_t n) {
  if (gas_ && !charge(gas_->bulk_memory_cost(n))) return TrapKind::OutOfGas;
  if (s + n > mem_size_ || d + n > mem_size_) return TrapKind::MemoryOutOfBounds;
  if (n) std::memmove(mem_ + d, mem_ + s, n);
  return std::nullopt;
}

std::optional<TrapKind> Invocation::memory_fill(uint64_t d, uint8_t v, uint64_t n) {
  if (gas_ && !charge(gas_->bulk_memory_cost(n))) return TrapKind::OutOfGas;
  if (d + n > mem_size_) return TrapKind::MemoryOutOfBounds;
  if (n) std::memset(mem_ + d, v, n);
  return std::nullopt;
}

// Table traps out of bounds are TrapKind::TableOutOfBounds with its own
// message, "out of bounds table access".
std::optional<TrapKind> Invocation::table_init(uint32_t seg, TableInst& t, uint64_t d, uint64_t s, uint64_t n) {
  if (gas_ && !charge(per_item(n, gas_->per_table_element))) return TrapKind::OutOfGas;
  const std::vector<uint64_t>& items = inst_->elem_segments[seg];
  if (s + n > items.size() || d + n > t.elems.size()) return TrapKind::TableOutOfBounds;
  std::copy(items.begin() + s, items.begin() + s + n, t.elems.begin() + d);
  return std::nullopt;
}

std::optional<TrapKind> Invocation::table_copy(TableInst& dt, TableInst& st, uint64_t d, uint64_t s, uint64_t n) {
  if (gas_ && !charge(per_item(n, gas_->per_table_element))) return TrapKind::OutOfGas;
  if (s + n > st.elems.size() || d + n > dt.elems.size()) return TrapKind::TableOutOfBounds;
  if (n) std::memmove(dt.elems.data() + d, st.elems.data() + s, n * sizeof(uint64_t));
  return std::nullopt;
}

std::optional<TrapKind> Invocation::table_grow(TableInst& t, uint32_t n, uint64_t init, uint64_t* result) {
  if (gas_ && !charge(per_item(n, gas_->per_table_element))) return TrapKind::OutOfGas;
  auto old = grow_table(t, n, init);
  *result = old ? *old : 0xFFFFFFFFu;
  return std::nullopt;
}

std::optional<TrapKind> Invocation::table_fill(TableInst& t, uint64_t d, uint64_t v, uint64_t n) {
  if (gas_ && !charge(per_item(n, gas_->per_table_element))) return TrapKind::OutOfGas;
  if (d + n > t.elems.size()) return TrapKind::TableOutOfBounds;
  std::fill(t.elems.begin() + d, t.elems.begin() + d + n, v);
  return std::nullopt;
}

std::optional<Trap> Invocation::run(FuncInst* entry, const uint64_t* args, uint64_t* results) {
  uint64_t* fp = ex_.stack.data() + ex_.top;
  uint64_t* sp = fp;
  const uint32_t* pc = nullptr;

  std::copy(args, args + entry->type->params.size(), sp);
  sp += entry->type->params.size();
  if (prof_) {
    // From the host, gas starts where the host's limit left it.
    if (ex_.host_depth == 0) prof_->last_gas_left = ex_.gas_left;
    prof_base_ = prof_->current;
  }
  if (!enter(entry, pc, sp, fp)) return trap_at(pc, TrapKind::StackExhausted);

#define POP() (*--sp)
#define PUSH(v) (*sp++ = (v))
#define TOP() (sp[-1])
#define TRAP(kind) return trap_at(pc, kind)
#define TRAP_MSG(kind, msg) return trap_at(pc, kind, msg)
// An operator done by a member that may trap; pc waits in resume_pc_.
#define OR_TRAP(call)                           \
  {                                             \
    resume_pc_ = pc;                            \
    std::optional<TrapKind> kind = (call);      \
    pc = resume_pc_;                            \
    if (kind) TRAP(*kind);                      \
  }

  for (;;) {
    const IOp op = static_cast<IOp>(*pc++);
    switch (op) {
      // Structure never appears in lowered code.
      case IOp::Nop:
      case IOp::Block:
      case IOp::Loop:
      case IOp::If:
      case IOp::Else:
      case IOp::End:
      case IOp::Br:
      case IOp::BrIf:
      case IOp::BrTable:
      case IOp::Return:
      case IOp::SelectTyped:
        TRAP_MSG(TrapKind::HostError, "internal error: structural operator in lowered code");

      // ---- Control ----
      case IOp::Unreachable:
        TRAP(TrapKind::Unreachable);
      case IOp::ChargeGas: {
        uint64_t cost = static_cast<uint64_t>(pc[0]) | (static_cast<uint64_t>(pc[1]) << 32);
        if (ex_.gas_left < cost) TRAP(TrapKind::OutOfGas);
        ex_.gas_left -= cost;
        pc += 2;
        break;
      }
      case IOp::Jump:
        pc = func_->interp->code.data() + pc[0];
        break;
      case IOp::BrUnless: {
        uint32_t target = pc[0];
        if (u32(POP()) == 0) pc = func_->interp->code.data() + target;
        else pc += 1;
        break;
      }
      case IOp::BranchIf:
        if (u32(POP()) == 0) {
          pc += 3;
          break;
        }
        [[fallthrough]];
      case IOp::Branch: {
        uint32_t target = pc[0], slot = pc[1], arity = pc[2];
        uint64_t* dst = fp + slot;
        if (dst != sp - arity) std::memmove(dst, sp - arity, arity * sizeof(uint64_t));
        sp = dst + arity;
        pc = func_->interp->code.data() + target;
        break;
      }
      case IOp::BranchTable: {
        uint32_t n = pc[0], arity = pc[1];
        uint32_t i = u32(POP());
        const uint32_t* entry_p = pc + 2 + 2 * std::min(i, n);
        uint32_t target = entry_p[0], slot = entry_p[1];
        uint64_t* dst = fp + slot;
        if (dst != sp - arity) std::memmove(dst, sp - arity, arity * sizeof(uint64_t));
        sp = dst + arity;
        pc = func_->interp->code.data() + target;
        break;
      }

      // ---- Calls ----
      case IOp::ReturnN: {
        const uint32_t arity = pc[0];
        if (!leave(arity, pc, sp, fp)) {
          std::copy(fp, fp + arity, results);
          ex_.top = saved_top_;
          return std::nullopt;
        }
        break;
      }
      case IOp::Call:
      case IOp::CallIndirect: {
        FuncInst* callee;
        if (op == IOp::Call) {
          callee = inst_->funcs[pc[0]];
          pc += 1;
        } else {
          uint32_t type_index = pc[0];
          TableInst* table = inst_->tables[pc[1]];
          pc += 2;
          uint32_t i = u32(POP());
          if (i >= table->elems.size()) TRAP_MSG(TrapKind::TableOutOfBounds, "undefined element");
          callee = funcref_target(table->elems[i]);
          if (!callee) TRAP(TrapKind::IndirectCallToNull);
          if (callee->type_id != inst_->module->binding.type_ids[type_index]) TRAP(TrapKind::IndirectCallSignature);
        }
        if (!callee->def) {
          resume_pc_ = pc;
          std::optional<Trap> trap = call_host_from_wasm(callee, sp);
          pc = resume_pc_;
          if (trap) return finish_trap(std::move(*trap), pc);
          sp = sp - callee->type->params.size() + callee->type->results.size();
          break;
        }
        frames_.push_back(Frame{func_, pc, fp});
        if (!enter(callee, pc, sp, fp)) {
          frames_.pop_back();
          TRAP(TrapKind::StackExhausted);
        }
        break;
      }

      // ---- Parametric, variables, constants, references ----
      case IOp::Drop:
        --sp;
        break;
      case IOp::Select: {
        uint32_t c = u32(POP());
        uint64_t b = POP();
        if (!c) TOP() = b;
        break;
      }
      case IOp::LocalGet:
        PUSH(fp[pc[0]]);
        pc += 1;
        break;
      case IOp::LocalSet:
        fp[pc[0]] = POP();
        pc += 1;
        break;
      case IOp::LocalTee:
        fp[pc[0]] = TOP();
        pc += 1;
        break;
      case IOp::GlobalGet:
        PUSH(inst_->globals[pc[0]]->value);
        pc += 1;
        break;
      case IOp::GlobalSet:
        inst_->globals[pc[0]]->value = POP();
        pc += 1;
        break;
      case IOp::I32Const:
      case IOp::F32Const:
        PUSH(pc[0]);
        pc += 1;
        break;
      case IOp::I64Const:
      case IOp::F64Const:
        PUSH(static_cast<uint64_t>(pc[0]) | (static_cast<uint64_t>(pc[1]) << 32));
        pc += 2;
        break;
      case IOp::RefNull:
        PUSH(0);
        break;
      case IOp::RefIsNull:
        TOP() = TOP() == 0 ? 1 : 0;
        break;
      case IOp::RefFunc:
        PUSH(funcref_bits(inst_->funcs[pc[0]]));
        pc += 1;
        break;

      // ---- Memory ----
#define LOAD(Name, CType, Conv)                                                             \
  case IOp::Name: {                                                                         \
    uint64_t ea;                                                                            \
    if (!in_memory(TOP(), pc[0], sizeof(CType), &ea)) TRAP(TrapKind::MemoryOutOfBounds);    \
    CType v;                                                                                \
    std::memcpy(&v, mem_ + ea, sizeof(CType));                                              \
    TOP() = Conv;                                                                           \
    pc += 1;                                                                                \
    break;                                                                                  \
  }
      LOAD(I32Load, uint32_t, v)
      LOAD(I64Load, uint64_t, v)
      LOAD(F32Load, uint32_t, v)
      LOAD(F64Load, uint64_t, v)
      LOAD(I32Load8S, int8_t, static_cast<uint32_t>(static_cast<int32_t>(v)))
      LOAD(I32Load8U, uint8_t, static_cast<uint32_t>(v))
      LOAD(I32Load16S, int16_t, static_cast<uint32_t>(static_cast<int32_t>(v)))
      LOAD(I32Load16U, uint16_t, static_cast<uint32_t>(v))
      LOAD(I64Load8S, int8_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
      LOAD(I64Load8U, uint8_t, static_cast<uint64_t>(v))
      LOAD(I64Load16S, int16_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
      LOAD(I64Load16U, uint16_t, static_cast<uint64_t>(v))
      LOAD(I64Load32S, int32_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
      LOAD(I64Load32U, uint32_t, static_cast<uint64_t>(v))
#undef LOAD

#define STORE(Name, CType)                                                                  \
  case IOp::Name: {                                                                         \
    CType v = static_cast<CType>(POP());                                                    \
    uint64_t ea;                                                                            \
    if (!in_memory(POP(), pc[0], sizeof(CType), &ea)) TRAP(TrapKind::MemoryOutOfBounds);    \
    std::memcpy(mem_ + ea, &v, sizeof(CType));                                              \
    pc += 1;                                                                                \
    break;                                                                                  \
  }
      STORE(I32Store, uint32_t)
      STORE(I64Store, uint64_t)
      STORE(F32Store, uint32_t)
      STORE(F64Store, uint64_t)
      STORE(I32Store8, uint8_t)
      STORE(I32Store16, uint16_t)
      STORE(I64Store8, uint8_t)
      STORE(I64Store16, uint16_t)
      STORE(I64Store32, uint32_t)
#undef STORE

      case IOp::MemorySize:
        PUSH(mem_size_ >> 16);
        break;
      case IOp::MemoryGrow:
        OR_TRAP(memory_grow(u32(TOP()), &TOP()));
        break;
      case IOp::MemoryInit: {
        uint32_t seg = pc[0];
        pc += 1;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        OR_TRAP(memory_init(seg, d, s, n));
        break;
      }
      case IOp::DataDrop:
        inst_->data_dropped[pc[0]] = true;
        pc += 1;
        break;
      case IOp::MemoryCopy: {
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        OR_TRAP(memory_copy(d, s, n));
        break;
      }
      case IOp::MemoryFill: {
        uint64_t n = u32(POP());
        uint8_t v = static_cast<uint8_t>(POP());
        uint64_t d = u32(POP());
        OR_TRAP(memory_fill(d, v, n));
        break;
      }

      // ---- Tables ----
      case IOp::TableGet: {
        TableInst* t = inst_->tables[pc[0]];
        pc += 1;
        uint32_t i = u32(TOP());
        if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
        TOP() = t->elems[i];
        break;
      }
      case IOp::TableSet: {
        TableInst* t = inst_->tables[pc[0]];
        pc += 1;
        uint64_t v = POP();
        uint32_t i = u32(POP());
        if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
        t->elems[i] = v;
        break;
      }
      case IOp::TableInit: {
        uint32_t seg = pc[0];
        TableInst* t = inst_->tables[pc[1]];
        pc += 2;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        OR_TRAP(table_init(seg, *t, d, s, n));
        break;
      }
      case IOp::ElemDrop:
        inst_->elem_segments[pc[0]].clear();
        inst_->elem_segments[pc[0]].shrink_to_fit();
        pc += 1;
        break;
      case IOp::TableCopy: {
        TableInst* dt = inst_->tables[pc[0]];
        TableInst* st = inst_->tables[pc[1]];
        pc += 2;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        OR_TRAP(table_copy(*dt, *st, d, s, n));
        break;
      }
      case IOp::TableGrow: {
        TableInst* t = inst_->tables[pc[0]];
        pc += 1;
        uint32_t n = u32(POP());
        uint64_t init = POP();
        uint64_t old;
        OR_TRAP(table_grow(*t, n, init, &old));
        PUSH(old);
        break;
      }
      case IOp::TableSize:
        PUSH(static_cast<uint32_t>(inst_->tables[pc[0]]->elems.size()));
        pc += 1;
        break;
      case IOp::TableFill: {
        TableInst* t = inst_->tables[pc[0]];
        pc += 1;
        uint64_t n = u32(POP());
        uint64_t v = POP();
        uint64_t d = u32(POP());
        OR_TRAP(table_fill(*t, d, v, n));
        break;
      }

#include "interp/interpreter_numeric.inc"
    }
  }
#undef POP
#undef PUSH
#undef TOP
#undef TRAP
#undef TRAP_MSG
#undef OR_TRAP
}

}  // namespace

std::optional<Trap> call_host(StoreImpl& store, FuncInst* f, InstanceData* caller_instance, const uint64_t* args,
                              uint64_t* results) {
  const FuncType& t = *f->type;
  util::SmallBuffer<Value> in_buf(t.params.size()), out_buf(t.results.size());
  std::span<Value> in(in_buf.data(), in_buf.size()), out(out_buf.data(), out_buf.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = value_from_slot(t.params[i], args[i]);
  for (size_t i = 0; i < out.size(); ++i) out[i] = Value::zero(t.results[i]);
  Caller caller(*store.owner, caller_instance);
  std::optional<Trap> trap;
  try {
    trap = f->host(caller, std::span<const Value>(in), out);
  } catch (const std::exception& e) {
    trap = Trap::host(std::string("host function threw: ") + e.what());
  } catch (...) {
    trap = Trap::host("host function threw an unknown exception");
  }
  if (trap) return trap;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].type != t.results[i]) return Trap::host("host function returned a value of the wrong type");
    // Compiled code would call through a funcref: one the store did not make
    // never gets that far. A trap, since there are Wasm frames between the
    // host function and whoever could catch a UsageError.
    if (!store.owns(out[i].type, out[i].bits))
      return Trap::host("host function returned a " + std::string(to_string(out[i].type)) +
                        " that does not belong to this store");
    results[i] = value_from_slot(out[i].type, out[i].bits).bits;  // a host may set bits past 32
  }
  return std::nullopt;
}

std::optional<Trap> interp_invoke(StoreImpl& store, FuncInst* entry, const uint64_t* args, uint64_t* results) {
  StoreExecution& ex = store.exec;
  const ResourceLimits& limits = store.limits();
  if (!entry->def) {
    if (ex.budget_used + kFrameOverheadSlots > limits.stack_budget_slots) return make_trap(TrapKind::StackExhausted);
    ex.budget_used += kFrameOverheadSlots;
    auto trap = call_host(store, entry, nullptr, args, results);
    ex.budget_used -= kFrameOverheadSlots;
    return trap;
  }
  if (ex.host_depth >= kMaxHostReentry) return make_trap(TrapKind::StackExhausted);
  // Every activation fits inside its stack_cost, so a stack of budget slots
  // (plus room for the entry's arguments and results) cannot overflow.
  if (ex.stack.empty())
    ex.stack.resize(limits.stack_budget_slots + 2 * (limits.max_function_params + limits.max_function_results) + 16);
  return Invocation(store).run(entry, args, results);
}

}  // namespace detwasm::internal
