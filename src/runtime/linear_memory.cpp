#include "runtime/linear_memory.hpp"

#include <sys/mman.h>

#include <utility>

namespace detwasm::internal {

std::optional<LinearMemory> LinearMemory::create(uint32_t initial_pages, uint32_t max_pages) {
  if (initial_pages > max_pages) return std::nullopt;
  void* p = mmap(nullptr, kReservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return std::nullopt;
  LinearMemory m;
  m.base_ = static_cast<uint8_t*>(p);
  m.max_pages_ = max_pages;
  if (!m.grow(initial_pages)) return std::nullopt;  // the destructor unmaps
  return m;
}

LinearMemory::LinearMemory(LinearMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_bytes_(std::exchange(other.size_bytes_, 0)),
      max_pages_(other.max_pages_) {}

LinearMemory& LinearMemory::operator=(LinearMemory&& other) noexcept {
  if (this != &other) {
    if (base_) munmap(base_, kReservationBytes);
    base_ = std::exchange(other.base_, nullptr);
    size_bytes_ = std::exchange(other.size_bytes_, 0);
    max_pages_ = other.max_pages_;
  }
  return *this;
}

LinearMemory::~LinearMemory() {
  if (base_) munmap(base_, kReservationBytes);
}

std::optional<uint32_t> LinearMemory::grow(uint32_t delta) {
  uint32_t old_pages = pages();
  uint64_t new_pages = static_cast<uint64_t>(old_pages) + delta;
  if (new_pages > max_pages_) return std::nullopt;
  if (delta == 0) return old_pages;
  uint64_t new_size = new_pages << 16;
  // Fresh anonymous pages read as zero; only the newly reachable part changes.
  if (mprotect(base_ + size_bytes_, new_size - size_bytes_, PROT_READ | PROT_WRITE) != 0) return std::nullopt;
  size_bytes_ = new_size;
  return old_pages;
}

}  // namespace detwasm::internal
