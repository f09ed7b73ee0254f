#include "interp/interpreter.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <vector>

#include "interp/numeric.hpp"
#include "runtime/float_env.hpp"
#include "runtime/instantiate.hpp"

namespace detwasm::internal {

namespace {

struct Frame {
  FuncInst* func;
  const uint32_t* pc;  // where to resume in `func`
  uint64_t* fp;
};

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

}  // namespace

std::optional<Trap> call_host(StoreImpl& store, FuncInst* f, InstanceData* caller_instance, const uint64_t* args,
                              uint64_t* results) {
  const FuncType& t = *f->type;
  std::vector<Value> in(t.params.size());
  std::vector<Value> out(t.results.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = value_from_slot(t.params[i], args[i]);
  for (size_t i = 0; i < out.size(); ++i) out[i] = Value::zero(t.results[i]);
  Caller caller(*store.owner, caller_instance);
  std::optional<Trap> trap;
  try {
    trap = f->host(caller, in, out);
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
  const uint64_t budget = limits.stack_budget_slots;

  if (!entry->def) {
    if (ex.budget_used + kFrameOverheadSlots > budget) return make_trap(TrapKind::StackExhausted);
    ex.budget_used += kFrameOverheadSlots;
    auto trap = call_host(store, entry, nullptr, args, results);
    ex.budget_used -= kFrameOverheadSlots;
    return trap;
  }
  if (ex.host_depth >= kMaxHostReentry) return make_trap(TrapKind::StackExhausted);
  // Every activation fits inside its stack_cost, so a stack of budget slots
  // (plus room for the entry's arguments and results) cannot overflow.
  if (ex.stack.empty()) ex.stack.resize(budget + 2 * (limits.max_function_params + limits.max_function_results) + 16);

  const size_t saved_top = ex.top;
  const uint64_t saved_budget = ex.budget_used;
  uint64_t* const stack_begin = ex.stack.data();
  std::vector<Frame> frames;

  FuncInst* func = entry;
  uint64_t* fp = stack_begin + ex.top;
  uint64_t* sp = fp;
  const uint32_t* pc = nullptr;
  InstanceData* inst = nullptr;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  const GasSchedule* gas = nullptr;  // the running module's schedule, if metered

  auto refresh_memory = [&] {
    gas = inst->module->binding.gas ? &*inst->module->binding.gas : nullptr;
    if (!inst->memories.empty()) {
      const LinearMemory& lm = inst->memories[0]->memory;
      mem = lm.base();
      mem_size = lm.size_bytes();
    } else {
      mem = nullptr;
      mem_size = 0;
    }
  };
  auto finish_trap = [&](Trap t) -> std::optional<Trap> {
    if (func) t.frames.push_back(frame_of(func, pc));
    for (size_t i = frames.size(); i-- > 0 && t.frames.size() < kMaxTrapFrames;)
      t.frames.push_back(frame_of(frames[i].func, frames[i].pc));
    t.frame_count = frames.size() + (func ? 1 : 0);
    ex.top = saved_top;
    ex.budget_used = saved_budget;
    return t;
  };
  // Enters Wasm function `f` whose arguments are the top values at `sp`.
  // Returns false if the stack budget is exhausted.
  auto enter = [&](FuncInst* f) -> bool {
    const FunctionDef* def = f->def;
    if (ex.budget_used + def->stack_cost > budget) return false;
    ex.budget_used += def->stack_cost;
    const uint32_t nparams = static_cast<uint32_t>(f->type->params.size());
    func = f;
    fp = sp - nparams;
    std::fill(sp, fp + def->num_locals, uint64_t{0});
    sp = fp + def->num_locals;
    pc = f->interp->code.data();
    inst = f->instance;
    refresh_memory();
    return true;
  };

  std::copy(args, args + entry->type->params.size(), sp);
  sp += entry->type->params.size();
  if (!enter(entry)) {
    func = nullptr;
    return finish_trap(make_trap(TrapKind::StackExhausted));
  }

  // A dynamic cost, charged before the operation. False when out of gas.
  auto charge = [&](uint64_t cost) -> bool {
    if (!gas) return true;
    if (ex.gas_left < cost) return false;
    ex.gas_left -= cost;
    return true;
  };
  // The per-byte or per-element part of an operation over n items.
  auto per_item = [](uint64_t n, uint64_t unit_cost) -> uint64_t {
    return n > UINT64_MAX / (unit_cost ? unit_cost : 1) ? UINT64_MAX : n * unit_cost;
  };

  auto mem_ea = [&](uint64_t addr, uint32_t offset, uint32_t size, uint64_t* ea) -> bool {
    uint64_t a = static_cast<uint64_t>(u32(addr)) + offset;
    *ea = a;
    return a + size <= mem_size;
  };

#define POP() (*--sp)
#define PUSH(v) (*sp++ = (v))
#define TOP() (sp[-1])
#define TRAP(kind) return finish_trap(make_trap(kind))
#define TRAP_MSG(kind, msg) return finish_trap(make_trap(kind, msg))

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

      case IOp::Unreachable:
        TRAP(TrapKind::Unreachable);
      case IOp::ChargeGas: {
        uint64_t cost = static_cast<uint64_t>(pc[0]) | (static_cast<uint64_t>(pc[1]) << 32);
        if (ex.gas_left < cost) TRAP(TrapKind::OutOfGas);
        ex.gas_left -= cost;
        pc += 2;
        break;
      }
      case IOp::Jump:
        pc = func->interp->code.data() + pc[0];
        break;
      case IOp::BrUnless: {
        uint32_t target = pc[0];
        if (u32(POP()) == 0) pc = func->interp->code.data() + target;
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
        pc = func->interp->code.data() + target;
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
        pc = func->interp->code.data() + target;
        break;
      }
      case IOp::ReturnN: {
        uint32_t arity = pc[0];
        std::memmove(fp, sp - arity, arity * sizeof(uint64_t));
        sp = fp + arity;
        ex.budget_used -= func->def->stack_cost;
        if (frames.empty()) {
          std::copy(fp, fp + arity, results);
          ex.top = saved_top;
          return std::nullopt;
        }
        Frame& fr = frames.back();
        func = fr.func;
        pc = fr.pc;
        fp = fr.fp;
        frames.pop_back();
        inst = func->instance;
        refresh_memory();
        break;
      }
      case IOp::Call:
      case IOp::CallIndirect: {
        FuncInst* callee;
        if (op == IOp::Call) {
          callee = inst->funcs[pc[0]];
          pc += 1;
        } else {
          uint32_t type_index = pc[0];
          TableInst* table = inst->tables[pc[1]];
          pc += 2;
          uint32_t i = u32(POP());
          if (i >= table->elems.size()) TRAP_MSG(TrapKind::TableOutOfBounds, "undefined element");
          callee = funcref_target(table->elems[i]);
          if (!callee) TRAP(TrapKind::IndirectCallToNull);
          if (callee->type_id != inst->module->binding.type_ids[type_index]) TRAP(TrapKind::IndirectCallSignature);
        }
        if (!callee->def) {
          const size_t np = callee->type->params.size(), nr = callee->type->results.size();
          if (ex.budget_used + kFrameOverheadSlots > budget) TRAP(TrapKind::StackExhausted);
          if (!charge(callee->host_gas_cost)) TRAP(TrapKind::OutOfGas);
          ex.budget_used += kFrameOverheadSlots;
          ex.top = static_cast<size_t>(sp - stack_begin);
          ++ex.host_depth;
          auto trap = call_host(store, callee, inst, sp - np, sp - np);
          --ex.host_depth;
          set_wasm_float_env();  // the host may have changed it
          ex.budget_used -= kFrameOverheadSlots;
          if (trap) return finish_trap(std::move(*trap));
          sp = sp - np + nr;
          refresh_memory();  // the host may have grown memory
          break;
        }
        frames.push_back(Frame{func, pc, fp});
        if (!enter(callee)) {
          frames.pop_back();
          TRAP(TrapKind::StackExhausted);
        }
        break;
      }
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
        PUSH(inst->globals[pc[0]]->value);
        pc += 1;
        break;
      case IOp::GlobalSet:
        inst->globals[pc[0]]->value = POP();
        pc += 1;
        break;
      case IOp::TableGet: {
        TableInst* t = inst->tables[pc[0]];
        pc += 1;
        uint32_t i = u32(TOP());
        if (i >= t->elems.size()) TRAP_MSG(TrapKind::TableOutOfBounds, "out of bounds table access");
        TOP() = t->elems[i];
        break;
      }
      case IOp::TableSet: {
        TableInst* t = inst->tables[pc[0]];
        pc += 1;
        uint64_t v = POP();
        uint32_t i = u32(POP());
        if (i >= t->elems.size()) TRAP_MSG(TrapKind::TableOutOfBounds, "out of bounds table access");
        t->elems[i] = v;
        break;
      }

#define LOAD(Name, CType, Conv)                                     \
  case IOp::Name: {                                                 \
    uint64_t ea;                                                    \
    if (!mem_ea(TOP(), pc[0], sizeof(CType), &ea)) TRAP(TrapKind::MemoryOutOfBounds); \
    CType v;                                                        \
    std::memcpy(&v, mem + ea, sizeof(CType));                       \
    TOP() = Conv;                                                   \
    pc += 1;                                                        \
    break;                                                          \
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

#define STORE(Name, CType)                                          \
  case IOp::Name: {                                                 \
    CType v = static_cast<CType>(POP());                            \
    uint64_t ea;                                                    \
    if (!mem_ea(POP(), pc[0], sizeof(CType), &ea)) TRAP(TrapKind::MemoryOutOfBounds); \
    std::memcpy(mem + ea, &v, sizeof(CType));                       \
    pc += 1;                                                        \
    break;                                                          \
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
        PUSH(mem_size >> 16);
        break;
      case IOp::MemoryGrow: {
        uint32_t delta = u32(TOP());
        if (gas && !charge(per_item(delta, gas->per_memory_page_grown))) TRAP(TrapKind::OutOfGas);
        auto old = grow_memory(*inst->memories[0], delta, store.limits());
        TOP() = old ? *old : 0xFFFFFFFFu;
        refresh_memory();
        break;
      }
      case IOp::I32Const:
        PUSH(pc[0]);
        pc += 1;
        break;
      case IOp::I64Const:
      case IOp::F64Const:
        PUSH(static_cast<uint64_t>(pc[0]) | (static_cast<uint64_t>(pc[1]) << 32));
        pc += 2;
        break;
      case IOp::F32Const:
        PUSH(pc[0]);
        pc += 1;
        break;
      case IOp::RefNull:
        PUSH(0);
        break;
      case IOp::RefIsNull:
        TOP() = TOP() == 0 ? 1 : 0;
        break;
      case IOp::RefFunc:
        PUSH(funcref_bits(inst->funcs[pc[0]]));
        pc += 1;
        break;

      case IOp::MemoryInit: {
        uint32_t seg = pc[0];
        pc += 1;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        if (gas && !charge(gas->bulk_memory_cost(n))) TRAP(TrapKind::OutOfGas);
        const DataSegment& ds = inst->module->datas[seg];
        uint64_t len = inst->data_dropped[seg] ? 0 : ds.bytes_size;
        if (s + n > len || d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
        if (n) std::memcpy(mem + d, inst->module->bytes.data() + ds.bytes_offset + s, n);
        break;
      }
      case IOp::DataDrop:
        inst->data_dropped[pc[0]] = true;
        pc += 1;
        break;
      case IOp::MemoryCopy: {
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        if (gas && !charge(gas->bulk_memory_cost(n))) TRAP(TrapKind::OutOfGas);
        if (s + n > mem_size || d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
        if (n) std::memmove(mem + d, mem + s, n);
        break;
      }
      case IOp::MemoryFill: {
        uint64_t n = u32(POP());
        uint8_t v = static_cast<uint8_t>(POP());
        uint64_t d = u32(POP());
        if (gas && !charge(gas->bulk_memory_cost(n))) TRAP(TrapKind::OutOfGas);
        if (d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
        if (n) std::memset(mem + d, v, n);
        break;
      }
      case IOp::TableInit: {
        uint32_t seg = pc[0];
        TableInst* t = inst->tables[pc[1]];
        pc += 2;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        if (gas && !charge(per_item(n, gas->per_table_element))) TRAP(TrapKind::OutOfGas);
        const std::vector<uint64_t>& items = inst->elem_segments[seg];
        if (s + n > items.size() || d + n > t->elems.size())
          TRAP_MSG(TrapKind::TableOutOfBounds, "out of bounds table access");
        std::copy(items.begin() + s, items.begin() + s + n, t->elems.begin() + d);
        break;
      }
      case IOp::ElemDrop:
        inst->elem_segments[pc[0]].clear();
        inst->elem_segments[pc[0]].shrink_to_fit();
        pc += 1;
        break;
      case IOp::TableCopy: {
        TableInst* dt = inst->tables[pc[0]];
        TableInst* st = inst->tables[pc[1]];
        pc += 2;
        uint64_t n = u32(POP()), s = u32(POP()), d = u32(POP());
        if (gas && !charge(per_item(n, gas->per_table_element))) TRAP(TrapKind::OutOfGas);
        if (s + n > st->elems.size() || d + n > dt->elems.size())
          TRAP_MSG(TrapKind::TableOutOfBounds, "out of bounds table access");
        if (n) std::memmove(dt->elems.data() + d, st->elems.data() + s, n * sizeof(uint64_t));
        break;
      }
      case IOp::TableGrow: {
        TableInst* t = inst->tables[pc[0]];
        pc += 1;
        uint32_t n = u32(POP());
        uint64_t init = POP();
        if (gas && !charge(per_item(n, gas->per_table_element))) TRAP(TrapKind::OutOfGas);
        auto old = grow_table(*t, n, init);
        PUSH(old ? *old : 0xFFFFFFFFu);
        break;
      }
      case IOp::TableSize:
        PUSH(static_cast<uint32_t>(inst->tables[pc[0]]->elems.size()));
        pc += 1;
        break;
      case IOp::TableFill: {
        TableInst* t = inst->tables[pc[0]];
        pc += 1;
        uint64_t n = u32(POP());
        uint64_t v = POP();
        uint64_t d = u32(POP());
        if (gas && !charge(per_item(n, gas->per_table_element))) TRAP(TrapKind::OutOfGas);
        if (d + n > t->elems.size()) TRAP_MSG(TrapKind::TableOutOfBounds, "out of bounds table access");
        std::fill(t->elems.begin() + d, t->elems.begin() + d + n, v);
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
}

}  // namespace detwasm::internal
