#include "jit/native_stack.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#include "jit/abi.hpp"

namespace detwasm::jit {

size_t native_stack_size(const ResourceLimits& limits) {
  return static_cast<size_t>(limits.stack_budget_slots) * frame::kSlotSize + kNativeStackMargin;
}

NativeStack::NativeStack(size_t size) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  guard_ = page;
  mapped_ = guard_ + (size + page - 1) / page * page;
  // MAP_NORESERVE: pages are only committed as deep recursion touches them.
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<uint8_t*>(p);
  if (mprotect(base_, guard_, PROT_NONE) != 0) {
    munmap(base_, mapped_);
    throw std::bad_alloc();
  }
}

NativeStack::~NativeStack() { munmap(base_, mapped_); }

}  // namespace detwasm::jit
