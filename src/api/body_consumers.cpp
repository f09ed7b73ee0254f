#include "api/body_consumers.hpp"

#include "api/in_order_bodies.hpp"

namespace detwasm::internal {

namespace {

class ValidatingBodies final : public InOrderBodies<EmptyConsumer> {
 public:
  using InOrderBodies::InOrderBodies;
  void on_body(ModuleData& m, DefinedFuncIdx f, const uint8_t* begin, const uint8_t* end,
               uint64_t offset) override {
    EmptyConsumer consumer;
    decode(m, f, consumer, nullptr, begin, end, offset);
  }
};

}  // namespace

std::unique_ptr<BodyConsumer> make_validating_consumer(const ResourceLimits& limits) {
  return std::make_unique<ValidatingBodies>(limits);
}

}  // namespace detwasm::internal
