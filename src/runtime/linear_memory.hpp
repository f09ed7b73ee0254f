// A linear memory in a reserved address range. The reservation covers the
// whole 32-bit index space plus the largest static offset and access size, so
// compiled code needs no explicit bounds check: an access past the accessible
// size lands on PROT_NONE pages and faults.
#pragma once

#include <cstdint>
#include <optional>

namespace detwasm::internal {

class LinearMemory {
 public:
  // 4 GiB of index space + 4 GiB of offset + room for the widest access.
  static constexpr uint64_t kReservationBytes = (8ull << 30) + (64ull << 10);

  // Reserves the range and makes `initial_pages` accessible (zeroed).
  // Returns nullopt if the reservation or commit fails.
  static std::optional<LinearMemory> create(uint32_t initial_pages, uint32_t max_pages);
  LinearMemory(LinearMemory&& other) noexcept;
  LinearMemory& operator=(LinearMemory&& other) noexcept;
  LinearMemory(const LinearMemory&) = delete;
  ~LinearMemory();

  uint8_t* base() const { return base_; }
  uint64_t size_bytes() const { return size_bytes_; }
  uint32_t pages() const { return static_cast<uint32_t>(size_bytes_ >> 16); }
  uint32_t max_pages() const { return max_pages_; }

  // Grows by `delta` pages; returns the old page count, or nullopt when the
  // new size would pass max_pages or the commit fails (memory unchanged).
  std::optional<uint32_t> grow(uint32_t delta);

 private:
  LinearMemory() = default;
  uint8_t* base_ = nullptr;
  uint64_t size_bytes_ = 0;
  uint32_t max_pages_ = 0;
};

}  // namespace detwasm::internal
