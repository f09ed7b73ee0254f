#include "runtime/linear_memory.hpp"

#include <sys/mman.h>

#include <mutex>
#include <utility>
#include <vector>

namespace detwasm::internal {

namespace {

// Reservations of memories that are gone, ready for the next memory: reusing
// one saves creating and tearing down an 8 GiB mapping and its page tables,
// most of what instantiating a small module costs. Every reservation here is
// wholly PROT_NONE with no pages behind it, so a memory made from one starts
// zeroed, as a fresh one does.
class ReservationPool {
 public:
  static constexpr size_t kMaxIdle = 16;

  uint8_t* take() {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) return nullptr;
    uint8_t* base = idle_.back();
    idle_.pop_back();
    return base;
  }

  // Takes back a reservation whose first `used` bytes were accessible.
  void give(uint8_t* base, uint64_t used) {
    // Drop the pages (they read as zero again) and close the range; a
    // reservation that cannot be reset is not reused.
    bool reset = used == 0 || mmap(base, used, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == base;
    if (reset) {
      std::lock_guard lock(mutex_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(base);
        return;
      }
    }
    munmap(base, LinearMemory::kReservationBytes);
  }

 private:
  std::mutex mutex_;
  std::vector<uint8_t*> idle_;
};

ReservationPool& pool() {
  static ReservationPool* p = new ReservationPool;  // never destroyed: memories may outlive statics
  return *p;
}

}  // namespace

std::optional<LinearMemory> LinearMemory::create(uint32_t initial_pages, uint32_t max_pages) {
  if (initial_pages > max_pages) return std::nullopt;
  uint8_t* base = pool().take();
  if (!base) {
    void* p = mmap(nullptr, kReservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return std::nullopt;
    base = static_cast<uint8_t*>(p);
  }
  LinearMemory m;
  m.base_ = base;
  m.max_pages_ = max_pages;
  if (!m.grow(initial_pages)) return std::nullopt;  // the destructor gives the reservation back
  return m;
}

LinearMemory::LinearMemory(LinearMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_bytes_(std::exchange(other.size_bytes_, 0)),
      max_pages_(other.max_pages_) {}

LinearMemory& LinearMemory::operator=(LinearMemory&& other) noexcept {
  if (this != &other) {
    if (base_) pool().give(base_, size_bytes_);
    base_ = std::exchange(other.base_, nullptr);
    size_bytes_ = std::exchange(other.size_bytes_, 0);
    max_pages_ = other.max_pages_;
  }
  return *this;
}

LinearMemory::~LinearMemory() {
  if (base_) pool().give(base_, size_bytes_);
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
