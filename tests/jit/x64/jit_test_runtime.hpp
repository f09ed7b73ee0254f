// The context that hand-assembled functions run in, for the MacroAssembler's
// own tests (masm_test.cpp): a jit::ExecState, one VmContext, a native
// stack and optionally a guarded linear memory. Modules never run here: the
// JIT's tests run them through the store (tests/support/jit_test_instance.hpp).
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "jit/abi.hpp"
#include "jit/code_memory.hpp"
#include "jit/entry.hpp"
#include "jit/loaded_code.hpp"
#include "jit/native_stack.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit::testing {

// Linear memory reserved as the JIT expects it: 8 GiB + a page of address
// space, of which `pages` Wasm pages are accessible.
class GuardedMemory {
 public:
  static constexpr uint64_t kReservation = (8ull << 30) + 65536;
  explicit GuardedMemory(uint32_t pages) {
    void* p = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    view.base = static_cast<uint8_t*>(p);
    grow(pages);
  }
  ~GuardedMemory() { munmap(view.base, kReservation); }
  void grow(uint32_t pages) {
    uint64_t size = view.size + uint64_t{pages} * 65536;
    if (size && mprotect(view.base, size, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
    view.size = size;
  }
  MemoryView view;
};

struct TestRuntime {
  ExecState exec;
  VmContext ctx;
  NativeStack stack;
  std::vector<const void*> builtins = std::vector<const void*>(static_cast<size_t>(Builtin::Count));
  std::unique_ptr<GuardedMemory> memory;
  std::vector<MemoryView*> memories;
  static constexpr uint32_t kFrameCapacity = 4096;
  std::vector<TrapFrameRecord> frame_records = std::vector<TrapFrameRecord>(kFrameCapacity);
  TrapFrameBuffer frames{frame_records.data(), kFrameCapacity, 0, 0};

  // The native stack is sized from the budget, as the engine does.
  explicit TestRuntime(uint64_t stack_budget = 100000) : stack(native_stack_size(limits_for(stack_budget))) {
    exec.stack_budget = stack_budget;
    exec.trap_frames = &frames;
    ctx.exec = &exec;
    ctx.builtins = builtins.data();
  }
  void add_memory(uint32_t pages) {
    memory = std::make_unique<GuardedMemory>(pages);
    memories = {&memory->view};
    ctx.memory0 = &memory->view;
    ctx.memories = memories.data();
  }

  static ResourceLimits limits_for(uint64_t stack_budget) {
    ResourceLimits l;
    l.stack_budget_slots = stack_budget;
    return l;
  }

  // Runs `code` with `args`; returns the results or the trap.
  struct Outcome {
    std::vector<uint64_t> results;
    std::optional<TrapKind> trap;
    std::vector<uint32_t> frames;  // function indices of a trap's frames, innermost first
    uint64_t frame_total = 0;      // frames unwound, beyond the capacity too
  };
  Outcome run(const void* code, std::vector<uint64_t> args, uint32_t num_results) {
    uint32_t num_params = static_cast<uint32_t>(args.size());
    args.resize(std::max<size_t>(args.size(), num_results));
    Outcome out;
    out.trap = call_compiled(stack, &ctx, code, args, num_params, num_results);
    if (!out.trap) out.results.assign(args.begin(), args.begin() + num_results);
    if (out.trap) {
      for (uint32_t i = 0; i < frames.count; ++i) out.frames.push_back(frames.records[i].func_index);
      out.frame_total = frames.total;
    }
    return out;
  }
};

}  // namespace detwasm::jit::testing
