// The module decoder's body consumers, one per way of preparing a module:
// validation alone, lowering for the reference interpreter, and compiling
// with the singlepass JIT. Choosing among them is choosing the tier, which
// is the engine's business, not the decoder's.
#pragma once

#include <memory>

#include <detwasm/config.hpp>

#include "decode/body_consumer.hpp"

namespace detwasm::util {
class WorkerPool;
}

namespace detwasm::internal {

// Validates each body and keeps nothing else.
std::unique_ptr<BodyConsumer> make_validating_consumer(const ResourceLimits& limits);

// Prepares each body for `config.tier`. `pool` (may be null) compiles in
// parallel for the JIT. `config` and `pool` must outlive the consumer.
std::unique_ptr<BodyConsumer> make_tier_consumer(const EngineConfig& config, util::WorkerPool* pool);

}  // namespace detwasm::internal
