#include <detwasm/config.hpp>
#include <detwasm/errors.hpp>
#include <detwasm/gas.hpp>

#include <sodium.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace detwasm {

// gas/schedule-v1.json, embedded by the build (gas_schedule_v1_json.cpp).
extern const char* const kGasScheduleV1Json;

std::string_view gas_class_name(GasClass c) {
  switch (c) {
    case GasClass::Free: return "free";
    case GasClass::Base: return "base";
    case GasClass::Branch: return "branch";
    case GasClass::Global: return "global";
    case GasClass::Load: return "load";
    case GasClass::Store: return "store";
    case GasClass::IntAlu: return "int_alu";
    case GasClass::IntMul: return "int_mul";
    case GasClass::IntDiv: return "int_div";
    case GasClass::FloatAlu: return "float_alu";
    case GasClass::FloatDiv: return "float_div";
    case GasClass::Conversion: return "conversion";
    case GasClass::Call: return "call";
    case GasClass::CallIndirect: return "call_indirect";
    case GasClass::MemorySize: return "memory_size";
    case GasClass::MemoryGrow: return "memory_grow";
    case GasClass::Table: return "table";
    case GasClass::TableGrow: return "table_grow";
    case GasClass::Bulk: return "bulk";
    case GasClass::Count_: break;
  }
  return "?";
}

GasSchedule GasSchedule::from_json(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("gas schedule is not valid JSON: ") + e.what());
  }
  auto number = [&](const nlohmann::json& obj, const std::string& key) -> uint64_t {
    if (!obj.contains(key) || !obj[key].is_number_unsigned())
      throw Error("gas schedule: \"" + key + "\" must be a non-negative integer");
    return obj[key].get<uint64_t>();
  };
  GasSchedule s;
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) throw Error("gas schedule: \"id\" is missing");
  s.id = j["id"].get<std::string>();
  if (!j.contains("op_class_cost") || !j["op_class_cost"].is_object())
    throw Error("gas schedule: \"op_class_cost\" is missing");
  const auto& costs = j["op_class_cost"];
  for (size_t i = 0; i < kGasClassCount; ++i)
    s.op_class_cost[i] = number(costs, std::string(gas_class_name(static_cast<GasClass>(i))));
  if (costs.size() != kGasClassCount) throw Error("gas schedule: unknown operator class in \"op_class_cost\"");
  s.per_local_initialised = number(j, "per_local_initialised");
  s.per_memory_page_grown = number(j, "per_memory_page_grown");
  s.per_bulk_memory_8_bytes = number(j, "per_bulk_memory_8_bytes");
  s.per_table_element = number(j, "per_table_element");
  s.host_call_default = number(j, "host_call_default");
  // The WASI entries came later: a schedule without them gets the values of v1.
  if (j.contains("wasi_call")) s.wasi_call = number(j, "wasi_call");
  if (j.contains("wasi_per_byte")) s.wasi_per_byte = number(j, "wasi_per_byte");
  // Costs stay far below 2^32 so that a block's total fits an immediate.
  for (uint64_t c : s.op_class_cost)
    if (c > 1'000'000) throw Error("gas schedule: an operator class costs more than 1,000,000");
  if (s.per_local_initialised > 1'000'000) throw Error("gas schedule: per_local_initialised above 1,000,000");
  return s;
}

const GasSchedule& GasSchedule::v1() {
  static const GasSchedule schedule = from_json(kGasScheduleV1Json);
  return schedule;
}

std::array<uint8_t, 32> GasSchedule::digest() const {
  std::array<uint8_t, 32> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(id.data()), id.size());
  auto put = [&](uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    crypto_generichash_update(&st, b, 8);
  };
  for (uint64_t c : op_class_cost) put(c);
  put(per_local_initialised);
  put(per_memory_page_grown);
  put(per_bulk_memory_8_bytes);
  put(per_table_element);
  put(host_call_default);
  put(wasi_call);
  put(wasi_per_byte);
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::array<uint8_t, 32> config_identity(const EngineConfig& c) {
  std::array<uint8_t, 32> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  auto put = [&](uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    crypto_generichash_update(&st, b, 8);
  };
  const char tag[] = "detwasm-config-v1";
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(tag), sizeof tag);
  const ResourceLimits& l = c.limits;
  for (uint64_t v : {l.max_module_size, uint64_t{l.max_types}, uint64_t{l.max_functions}, uint64_t{l.max_imports},
                     uint64_t{l.max_exports}, uint64_t{l.max_globals}, uint64_t{l.max_tables},
                     uint64_t{l.max_table_elements}, uint64_t{l.max_memory_pages}, uint64_t{l.max_data_segments},
                     uint64_t{l.max_elem_segments}, uint64_t{l.max_function_params}, uint64_t{l.max_function_results},
                     uint64_t{l.max_locals_per_function}, uint64_t{l.max_function_body_size},
                     uint64_t{l.max_br_table_size}, uint64_t{l.max_nesting_depth}, uint64_t{l.max_operand_stack},
                     l.stack_budget_slots})
    put(v);
  put(static_cast<uint64_t>(c.tier));
  put(static_cast<uint64_t>(c.target.arch));
  put(c.target.features);
  put(c.metering ? 1 : 0);
  // Unmetered code charges nothing, so the schedule changes it in nothing.
  if (c.metering) {
    auto d = c.gas_schedule.digest();
    crypto_generichash_update(&st, d.data(), d.size());
  }
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

}  // namespace detwasm
