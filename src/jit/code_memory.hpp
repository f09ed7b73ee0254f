// Executable memory for the code of one compiled module. The bytes are
// written while the mapping is read-write, then it becomes read-execute for
// good: a page is never writable and executable at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace detwasm::jit {

class CodeMemory {
 public:
  CodeMemory() = default;
  // Maps a copy of `code` executable. `func_offsets[i]` is the entry of the
  // module's i-th defined function, as an offset into `code`. Throws
  // std::bad_alloc when the mapping fails.
  CodeMemory(std::span<const uint8_t> code, std::vector<uint32_t> func_offsets);
  // The same, with the code written by `write` into the fresh mapping
  // (`size` bytes), which spares a copy of the whole module's code.
  CodeMemory(size_t size, const std::function<void(uint8_t*)>& write, std::vector<uint32_t> func_offsets);
  // Maps `size` bytes of code from file `fd` at `offset` (a multiple of the
  // page size) executable, without copying them. Throws std::bad_alloc when
  // the mapping fails.
  static CodeMemory map_file(int fd, uint64_t offset, size_t size, std::vector<uint32_t> func_offsets);
  ~CodeMemory();
  CodeMemory(CodeMemory&& other) noexcept;
  CodeMemory& operator=(CodeMemory&& other) noexcept;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;

  const uint8_t* base() const { return base_; }
  size_t size() const { return size_; }  // bytes of code, not of the mapping
  bool contains(const void* pc) const {
    auto p = static_cast<const uint8_t*>(pc);
    return p >= base_ && p < base_ + size_;
  }
  uint32_t num_functions() const { return static_cast<uint32_t>(func_offsets_.size()); }
  uint32_t func_offset(uint32_t defined_index) const { return func_offsets_[defined_index]; }
  const void* func_entry(uint32_t defined_index) const { return base_ + func_offsets_[defined_index]; }

 private:
  CodeMemory(uint8_t* base, size_t size, size_t mapped, std::vector<uint32_t> func_offsets)
      : base_(base), size_(size), mapped_(mapped), func_offsets_(std::move(func_offsets)) {}
  void release();

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
  std::vector<uint32_t> func_offsets_;
};

}  // namespace detwasm::jit
