// The runtime ABI of compiled code: the one place that fixes what JIT code
// may assume about the runtime and what the runtime may assume about JIT code.
//
// Contexts
//   VmContext   one per instance; compiled code addresses it by the fixed
//               offsets below, through a pinned register (x64: r15,
//               AArch64: x28).
//   ExecState   one per store (a store runs on one thread at a time): the
//               trap exit of the innermost entry and the stack budget while
//               no Wasm runs. Every context compiled code may hold in the
//               context register starts with a pointer to it.
//
// Frames (all offsets from the frame pointer, x64: rbp, AArch64: x29; 8-byte slots)
//   fp + 16 + 8*(K-1-i)   argument/result area slot i, K = max(params, results);
//                         it is the caller's operand slots, so arguments are
//                         read and results written in place, never copied
//   fp + 8                return address      (AArch64 keeps fp/lr at fp, fp+8)
//   fp + 0                caller's frame pointer
//   fp - 8                VmContext of this activation
//   fp - 16               the function's index in its module, or a marker:
//                         kHostAdapterFrame, kEntryFrame (entry.cpp, record_trap_frames, walks these)
//   fp - 24 - 8*j         declared local j (params live in the area above)
//   fp - 24 - 8*D - 8*h   operand slot h (D declared locals); the canonical
//                         home of the operand at height h when it is spilled
// A frame thus takes at most 8 * (kFrameOverheadSlots + locals + max operand
// height) native bytes: the deterministic stack budget in slots bounds the
// native stack, which is sized from it (see native_stack.hpp).
//
// Values in slots: i32/f32 in the low 4 bytes (the high 4 unspecified),
// i64/f64 in all 8, references as a pointer (0 = null). An i32 held in a
// general register always has its upper 32 bits clear (x64 32-bit ops do
// this), so it can index memory directly.
//
// Wasm-to-Wasm calls: the caller spills every register (all are caller-saved
// but the pinned ones), stores the arguments in its operand slots, points the
// stack pointer at the bottom of the K-slot area and calls (AArch64, whose sp
// moves only in steps of 16: passes that bottom in x15, puts sp at or below
// it, and the callee builds its frame from x15). The callee checks
// and charges the stack budget before building its frame (so an exhausted
// budget traps in the caller's frame, as in the interpreter), zeroes its
// declared locals, runs, writes its results into the area, refunds the
// budget and returns. Pinned registers are preserved across a
// call; a call that may cross instances (imports, call_indirect) reloads the
// context and memory base after it returns.
//
// Two entries per function: the outer one (its funcref's code, and what the
// entry trampoline calls) loads the memory base and the register params
// (below) from the area, then falls into the inner one, which direct calls
// from the same instance use with both already in place. Among the first 8
// params, the first 4 integer ones (x64: rdx, rsi, r8, r9; AArch64: x0-x3)
// and the first 4 float ones (x64: xmm0-3; AArch64: v0-v3) also travel in
// registers on a direct call; the
// callee takes them as register copies of its params (their slots are
// written too). Every callee leaves result 0 in a register as well (x64:
// rax or xmm0; AArch64: x0 or v0), which a direct caller takes instead of loading the slot.
// Neither is needed by anything else: the area stays the contract.
//
// A call through a funcref (imports, call_indirect) enters the callee with
// the JitFuncRef* in a scratch register (x64: rax; AArch64: x16) and the
// caller's context in another (x64: r11; AArch64: x17), which the host
// adapter passes on.
//
// Calls out of compiled code (a builtin, or the host adapter calling
// ExecState::host_call) use the target's C calling convention, stack
// alignment included:
//   x64      System V: rsp is 16-byte aligned at the call instruction (so
//            8 mod 16 at the callee's first instruction); the caller aligns
//            it down from its operand slots just before the call.
//   AArch64  AAPCS64: sp is 16-byte aligned at all times, not only at calls,
//            so compiled code moves it only in steps of 16 and keeps finer
//            stack positions in another register.
// Neither a builtin nor a host call ever throws into compiled code: its
// frames have no unwind information, so an exception could not pass them.
// Every failure is a return value: a status of 0 or encode_trap(kind), or
// for memory.grow and table.grow the failed growth (0xFFFFFFFF). The runtime
// catches whatever its own code throws at that boundary, the host's
// allocator failing included (runtime/call_out.hpp).
//
// Pinned registers (x64): r15 context, r14 memory 0 base, r13 remaining stack
// budget in slots, r12 remaining gas; AArch64: x28, x27, x26, x25, all
// callee-saved in C. The entry trampoline loads budget and
// gas from the ExecState and stores the gas back when it returns or traps.
//
// Gas: metered code charges each straight-line segment where the body
// decoder says it starts: it subtracts the cost and, on a borrow, jumps to
// a thunk at the function's end (one per distinct cost) that adds the cost
// back and traps out_of_gas. Dynamic costs
// (memory.grow, bulk operators) are compared, trapped on and subtracted
// inline before calling the builtin, from the module's schedule, so
// builtins never touch gas.
#pragma once

#include <cstddef>
#include <cstdint>

#include <detwasm/config.hpp>
#include <detwasm/trap.hpp>

namespace detwasm::jit {

struct ExecState;
struct VmContext;

// Status returned by the entry trampoline: 0 for a normal return, else the
// trap kind + 1.
constexpr uint32_t encode_trap(TrapKind kind) { return static_cast<uint32_t>(kind) + 1; }

// Called by the host adapter for a call to a host function. `area_top`
// points at area slot 0 (slot i is at area_top[-i]); the callee writes
// results the same way. `caller` is the calling instance's context. The
// stack budget and gas are published in `exec` for the call (the host may
// charge gas or re-enter). Returns 0 or encode_trap(kind); never throws.
using HostCallFn = uint32_t (*)(ExecState* exec, const struct JitFuncRef* callee, uint64_t* area_top,
                                struct VmContext* caller) noexcept;

// The Wasm frames a trap unwound, innermost first: filled by the trap path
// (entry.cpp, record_trap_frames) when the ExecState has a buffer. A frame's
// pc is an address inside the instruction that trapped (the innermost frame)
// or inside the call it made (the others): the module's source map
// (source_map.hpp) turns it into a module offset.
struct TrapFrameRecord {
  VmContext* context;
  uint32_t func_index;  // in the module's function index space
  uintptr_t pc;
};
struct TrapFrameBuffer {
  TrapFrameRecord* records = nullptr;
  uint32_t capacity = 0;
  uint32_t count = 0;   // records filled (at most capacity)
  uint64_t total = 0;   // frames unwound (may exceed capacity)
};

// Walks the frame chain from `fp` into exec->trap_frames; `pc` is inside the
// instruction that trapped in that frame (0 when `fp` is not a Wasm frame's).
using RecordFramesFn = void (*)(ExecState* exec, uintptr_t fp, uintptr_t pc);

struct ExecState {
  uint64_t exit_sp = 0;        // stack pointer the trap exit resumes with; 0 = no Wasm running
  uint64_t exit_pc = 0;        // the entry trampoline's trap exit
  uint64_t stack_budget = 0;   // remaining slots, published whenever Wasm calls out
  uint64_t gas = 0;            // remaining gas, published whenever Wasm calls out
  HostCallFn host_call = nullptr;
  RecordFramesFn record_frames = nullptr;  // set by call_compiled
  TrapFrameBuffer* trap_frames = nullptr;  // where a trap records its frames, if anywhere
  void* embedder = nullptr;    // the runtime's own per-store state
};

// What compiled code needs to call a function: a funcref (table element or
// import) points to one of these.
struct JitFuncRef {
  const void* code = nullptr;   // entry: a compiled function or the host adapter
  void* context = nullptr;      // VmContext of the callee's instance; for a host
                                // function, any context whose first word is the ExecState*
  uint32_t type_id = 0;         // engine-wide canonical id of its type
  uint32_t num_params = 0;      // for the host adapter
  uint32_t num_results = 0;
  uint32_t reserved = 0;
  void* host = nullptr;         // the runtime's host function, for host_call
};

// Views owned by the runtime and kept current by it; contexts point at them,
// so every importer of a memory or table sees growth at once.
struct MemoryView {
  uint8_t* base = nullptr;      // never moves: the reservation covers the 33-bit address space
  uint64_t size = 0;            // bytes
};

struct TableView {
  JitFuncRef** elements = nullptr;  // funcref: JitFuncRef* or null; externref: opaque word
  uint64_t size = 0;
};

// Runtime helpers callable from compiled code, by index into
// VmContext::builtins (runtime/builtins.cpp); C calling convention, the
// caller's VmContext first. Immediates of the operator come next, then its
// operands in stack order. "status" is 0 or encode_trap(kind). None throws.
enum class Builtin : uint32_t {
  MemoryGrow,  // uint32_t (VmContext*, uint32_t delta) -> old pages or 0xFFFFFFFF
  MemoryFill,  // status (VmContext*, uint32_t dst, uint32_t value, uint32_t n)
  MemoryCopy,  // status (VmContext*, uint32_t dst, uint32_t src, uint32_t n)
  MemoryInit,  // status (VmContext*, uint32_t segment, uint32_t dst, uint32_t src, uint32_t n)
  DataDrop,    // uint32_t (VmContext*, uint32_t segment), result unused
  TableGrow,   // uint32_t (VmContext*, uint32_t table, uint64_t init, uint32_t delta) -> old size or 0xFFFFFFFF
  TableFill,   // status (VmContext*, uint32_t table, uint32_t dst, uint64_t value, uint32_t n)
  TableCopy,   // status (VmContext*, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src, uint32_t n)
  TableInit,   // status (VmContext*, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src, uint32_t n)
  ElemDrop,    // uint32_t (VmContext*, uint32_t segment), result unused
  Count,
};

struct VmContext {
  ExecState* exec = nullptr;                 // must stay the first member
  MemoryView* memory0 = nullptr;             // null when the instance has no memory
  MemoryView* const* memories = nullptr;     // every memory, imported first
  uint64_t* const* globals = nullptr;        // every global: a pointer to its cell
  TableView* const* tables = nullptr;        // every table, imported first
  const JitFuncRef* const* funcs = nullptr;  // every function, imported first
  const uint32_t* type_ids = nullptr;        // canonical id of each module type index
  const void* const* builtins = nullptr;     // indexed by Builtin
  void* instance = nullptr;                  // the runtime's instance, for builtins
};

// Offsets compiled code uses; static_asserts keep them in step with the structs.
namespace off {
constexpr int32_t kCtxExec = 0;
constexpr int32_t kCtxMemory0 = 8;
constexpr int32_t kCtxMemories = 16;
constexpr int32_t kCtxGlobals = 24;
constexpr int32_t kCtxTables = 32;
constexpr int32_t kCtxFuncs = 40;
constexpr int32_t kCtxTypeIds = 48;
constexpr int32_t kCtxBuiltins = 56;

constexpr int32_t kExecExitSp = 0;
constexpr int32_t kExecExitPc = 8;
constexpr int32_t kExecStackBudget = 16;
constexpr int32_t kExecGas = 24;
constexpr int32_t kExecHostCall = 32;
constexpr int32_t kExecRecordFrames = 40;

constexpr int32_t kFuncRefCode = 0;
constexpr int32_t kFuncRefContext = 8;
constexpr int32_t kFuncRefTypeId = 16;
constexpr int32_t kFuncRefNumParams = 20;
constexpr int32_t kFuncRefNumResults = 24;

constexpr int32_t kMemoryBase = 0;
constexpr int32_t kMemorySize = 8;

constexpr int32_t kTableElements = 0;
constexpr int32_t kTableSize = 8;
}  // namespace off

static_assert(offsetof(VmContext, exec) == off::kCtxExec);
static_assert(offsetof(VmContext, memory0) == off::kCtxMemory0);
static_assert(offsetof(VmContext, memories) == off::kCtxMemories);
static_assert(offsetof(VmContext, globals) == off::kCtxGlobals);
static_assert(offsetof(VmContext, tables) == off::kCtxTables);
static_assert(offsetof(VmContext, funcs) == off::kCtxFuncs);
static_assert(offsetof(VmContext, type_ids) == off::kCtxTypeIds);
static_assert(offsetof(VmContext, builtins) == off::kCtxBuiltins);
static_assert(offsetof(ExecState, exit_sp) == off::kExecExitSp);
static_assert(offsetof(ExecState, exit_pc) == off::kExecExitPc);
static_assert(offsetof(ExecState, stack_budget) == off::kExecStackBudget);
static_assert(offsetof(ExecState, gas) == off::kExecGas);
static_assert(offsetof(ExecState, host_call) == off::kExecHostCall);
static_assert(offsetof(ExecState, record_frames) == off::kExecRecordFrames);
static_assert(offsetof(JitFuncRef, code) == off::kFuncRefCode);
static_assert(offsetof(JitFuncRef, context) == off::kFuncRefContext);
static_assert(offsetof(JitFuncRef, type_id) == off::kFuncRefTypeId);
static_assert(offsetof(JitFuncRef, num_params) == off::kFuncRefNumParams);
static_assert(offsetof(JitFuncRef, num_results) == off::kFuncRefNumResults);
static_assert(offsetof(MemoryView, base) == off::kMemoryBase);
static_assert(offsetof(MemoryView, size) == off::kMemorySize);
static_assert(offsetof(TableView, elements) == off::kTableElements);
static_assert(offsetof(TableView, size) == off::kTableSize);

// Frame layout (see the top of this file).
namespace frame {
constexpr int32_t kSlotSize = 8;
constexpr int32_t kReturnAddressOffset = 8;  // x64 pushes it there, AArch64 stores x30 there
constexpr int32_t kContextOffset = -8;
constexpr int32_t kFuncIndexOffset = -16;
constexpr int64_t kHostAdapterFrame = -1;  // at kFuncIndexOffset: not a Wasm function
constexpr int64_t kEntryFrame = -2;        // the entry trampoline: the walk ends
constexpr int32_t kFirstLocalOffset = -24;
// Native bytes below the frame pointer that are not locals or operands.
constexpr int32_t kFixedBytesBelowFp = 16;
static_assert(kFrameOverheadSlots * kSlotSize == 16 + kFixedBytesBelowFp,
              "return address + saved fp + fixed slots must equal the budget's frame overhead");

// Offset of area slot i in a function whose area has k slots.
constexpr int32_t area_slot(uint32_t k, uint32_t i) { return 16 + kSlotSize * static_cast<int32_t>(k - 1 - i); }
constexpr int32_t declared_local(uint32_t j) { return kFirstLocalOffset - kSlotSize * static_cast<int32_t>(j); }
constexpr int32_t operand_slot(uint32_t declared_locals, uint32_t h) {
  return kFirstLocalOffset - kSlotSize * static_cast<int32_t>(declared_locals + h);
}
}  // namespace frame

// Signature of the entry trampoline (see entry.hpp for the C++ side).
//   context    VmContext of the callee (or a host context)
//   code       the callee's entry
//   values     args in, results out, one uint64 each (the slot encoding above)
//   stack_top  top of a fresh native stack to switch to, or null to stay on
//              the current one (re-entry from a host function)
// Returns 0 or encode_trap(kind).
using EntryTrampoline = uint32_t (*)(void* context, const void* code, uint64_t* values, uint64_t num_params,
                                     uint64_t num_results, uint8_t* stack_top);

}  // namespace detwasm::jit
