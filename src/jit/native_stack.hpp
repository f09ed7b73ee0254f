// The native stack compiled code runs on. Its size follows from the
// deterministic stack budget: a Wasm activation takes at most 8 bytes per
// budget slot (abi.hpp), so the budget always runs out before the stack does;
// the margin covers the entry trampoline, runtime helpers and host functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include <detwasm/config.hpp>

namespace detwasm::jit {

// Native bytes room for calls out of Wasm (runtime helpers, host functions).
constexpr size_t kNativeStackMargin = 1u << 20;

size_t native_stack_size(const ResourceLimits& limits);

class NativeStack {
 public:
  // Maps `size` usable bytes (rounded up to pages) above an inaccessible
  // guard page. Throws std::bad_alloc.
  explicit NativeStack(size_t size);
  ~NativeStack();
  NativeStack(const NativeStack&) = delete;
  NativeStack& operator=(const NativeStack&) = delete;

  uint8_t* top() const { return base_ + mapped_; }     // the stack grows down from here
  uint8_t* limit() const { return base_ + guard_; }    // lowest usable byte
  size_t usable_size() const { return mapped_ - guard_; }

 private:
  uint8_t* base_ = nullptr;  // start of the mapping, the guard page
  size_t mapped_ = 0;
  size_t guard_ = 0;
};

}  // namespace detwasm::jit
