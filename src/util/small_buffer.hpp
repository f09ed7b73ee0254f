// A run of values for one call, on the stack for the common arities (up
// to 8) and on the heap past them: argument and result slots on the call
// paths, where a heap allocation per call would be most of the cost.
//
// The inline slots are left uninitialised (the types are trivially
// copyable, and every slot used is written before it is read), so that
// making one costs nothing even for types with default member values.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace detwasm::util {

template <typename T>
class SmallBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit SmallBuffer(size_t n) : n_(n) {
    if (n > kInline) heap_ = std::make_unique<T[]>(n);
  }
  T* data() { return n_ > kInline ? heap_.get() : std::launder(reinterpret_cast<T*>(inline_)); }
  size_t size() const { return n_; }

 private:
  static constexpr size_t kInline = 8;
  size_t n_;
  alignas(T) std::byte inline_[kInline * sizeof(T)];
  std::unique_ptr<T[]> heap_;
};

}  // namespace detwasm::util
