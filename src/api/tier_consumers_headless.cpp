// A build without the compiler (DETWASM_HEADLESS) prepares no bodies: it runs
// modules from artifacts, and from an engine cache that holds them.
#include <detwasm/errors.hpp>

#include "api/body_consumers.hpp"

namespace detwasm::internal {

std::unique_ptr<BodyConsumer> make_tier_consumer(const EngineConfig& config, util::WorkerPool* pool) {
  throw UsageError(
      "this build of detwasm has no compiler: it runs compiled artifacts (Module::deserialize) and modules "
      "already in its engine's cache");
}

}  // namespace detwasm::internal
