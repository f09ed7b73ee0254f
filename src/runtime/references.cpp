// A store's references: funcrefs are checked against the blocks of
// functions the store allocated, externrefs are handles into its table of
// host objects (objects.hpp describes both).
#include <atomic>

#include "runtime/objects.hpp"

namespace detwasm::internal {

namespace {

// Serials of stores, in creation order; 0 is skipped, so that no handle is 0
// (null). After 2^32 - 1 stores a serial comes back: a handle kept from a
// store that long gone may then name an object of a new store, but it never
// names anything outside a store's own table.
uint32_t next_store_serial() {
  static std::atomic<uint32_t> counter{0};
  uint32_t s;
  do {
    s = counter.fetch_add(1, std::memory_order_relaxed) + 1;
  } while (s == 0);
  return s;
}

constexpr uint64_t kSlotMask = 0xFFFFFFFFu;

}  // namespace

StoreImpl::StoreImpl() : serial(next_store_serial()) {}
StoreImpl::~StoreImpl() = default;

FuncInst* StoreImpl::new_funcs(size_t n) {
  if (n == 0) return nullptr;
  FuncBlock& block = func_blocks.emplace_back(FuncBlock{std::make_unique<FuncInst[]>(n), n});
  func_blocks_by_ref.emplace(funcref_bits(&block.funcs[0]), &block);
  return block.funcs.get();
}

FuncInst* StoreImpl::func_of_ref(uint64_t bits) const {
  if (bits == 0) return nullptr;
  // The block whose first funcref is the last one at or below `bits`.
  auto it = func_blocks_by_ref.upper_bound(bits);
  if (it == func_blocks_by_ref.begin()) return nullptr;
  --it;
  const FuncBlock& block = *it->second;
  uint64_t offset = bits - it->first;
  if (offset % sizeof(FuncInst) != 0 || offset / sizeof(FuncInst) >= block.count) return nullptr;
  return &block.funcs[offset / sizeof(FuncInst)];
}

uint64_t StoreImpl::new_externref(std::any object) {
  if (host_objects_.size() >= kSlotMask) throw UsageError("the store holds as many externrefs as it can");
  host_objects_.push_back(std::move(object));
  return uint64_t{serial} << 32 | host_objects_.size();  // the slot + 1
}

const std::any* StoreImpl::host_object(uint64_t bits) const {
  if (bits >> 32 != serial) return nullptr;
  uint64_t slot_plus_one = bits & kSlotMask;
  if (slot_plus_one == 0 || slot_plus_one > host_objects_.size()) return nullptr;
  return &host_objects_[slot_plus_one - 1];
}

std::any* StoreImpl::host_object(uint64_t bits) {
  return const_cast<std::any*>(static_cast<const StoreImpl*>(this)->host_object(bits));
}

bool StoreImpl::owns(ValType t, uint64_t bits) const {
  if (bits == 0 || !is_ref(t)) return true;
  if (t == ValType::FuncRef) return func_of_ref(bits) != nullptr;
  return host_object(bits) != nullptr;
}

}  // namespace detwasm::internal
