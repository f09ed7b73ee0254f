// The part of a body consumer that runs the body decoder in module order,
// on the calling thread: what validation and the interpreter's lowering share.
#pragma once

#include <algorithm>

#include "decode/body_consumer.hpp"
#include "validate/body_decoder.hpp"

namespace detwasm::internal {

// Runs the body decoder on each body with an operator consumer of type
// `Lowering`, on the calling thread, in module order.
template <typename Lowering>
class InOrderBodies : public BodyConsumer {
 public:
  explicit InOrderBodies(const ResourceLimits& limits) : limits_(limits) {}

  uint64_t finish_bodies() override { return data_use_without_count_; }

 protected:
  void decode(ModuleDecls& m, DefinedFuncIdx f, Lowering& lowering, const GasSchedule* gas, const uint8_t* begin,
              const uint8_t* end, uint64_t offset) {
    BodyDecoder<Lowering> decoder(m, limits_, lowering, gas);
    decoder.decode(f, m.function(f), begin, end, offset);
    data_use_without_count_ = std::min(data_use_without_count_, decoder.data_use_without_count());
  }

 private:
  const ResourceLimits& limits_;
  uint64_t data_use_without_count_ = UINT64_MAX;
};

}  // namespace detwasm::internal
