#include "jit/code_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <utility>

namespace detwasm::jit {

namespace {
size_t round_up_to_page(size_t n) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}
}  // namespace

CodeMemory::CodeMemory(std::span<const uint8_t> code, std::vector<uint32_t> func_offsets)
    : CodeMemory(
          code.size(), [&code](uint8_t* dst) { std::memcpy(dst, code.data(), code.size()); },
          std::move(func_offsets)) {}

CodeMemory::CodeMemory(size_t size, const std::function<void(uint8_t*)>& write, std::vector<uint32_t> func_offsets)
    : size_(size), func_offsets_(std::move(func_offsets)) {
  mapped_ = round_up_to_page(size == 0 ? 1 : size);
  // Every page is about to be written: populating them up front is cheaper
  // than a fault per page.
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<uint8_t*>(p);
  try {
    if (size != 0) write(base_);
  } catch (...) {
    release();
    throw;
  }
  // AArch64's instruction cache does not see data writes by itself: clean
  // and invalidate the range (nothing to do on x86-64).
  __builtin___clear_cache(reinterpret_cast<char*>(base_), reinterpret_cast<char*>(base_ + size));
  if (mprotect(base_, mapped_, PROT_READ | PROT_EXEC) != 0) {
    release();
    throw std::bad_alloc();
  }
}

CodeMemory CodeMemory::map_file(int fd, uint64_t offset, size_t size, std::vector<uint32_t> func_offsets) {
  size_t mapped = round_up_to_page(size == 0 ? 1 : size);
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) throw std::bad_alloc();
  return CodeMemory(static_cast<uint8_t*>(p), size, mapped, std::move(func_offsets));
}

CodeMemory::~CodeMemory() { release(); }

CodeMemory::CodeMemory(CodeMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)),
      func_offsets_(std::move(other.func_offsets_)) {}

CodeMemory& CodeMemory::operator=(CodeMemory&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
    func_offsets_ = std::move(other.func_offsets_);
  }
  return *this;
}

void CodeMemory::release() {
  if (base_) munmap(base_, mapped_);
  base_ = nullptr;
  size_ = mapped_ = 0;
}

}  // namespace detwasm::jit
