#include <detwasm/config.hpp>

namespace detwasm {

// The reasoning behind each figure, and the worst case it allows, is in
// gas/LIMITS.md; change both together.
ResourceLimits ResourceLimits::for_contracts() {
  ResourceLimits l;
  l.max_module_size = 4u << 20;
  l.max_types = 1'000;
  l.max_functions = 10'000;
  l.max_imports = 1'000;
  l.max_exports = 1'000;
  l.max_globals = 1'000;
  l.max_tables = 16;
  l.max_table_elements = 4'096;
  l.max_memory_pages = 512;  // 32 MiB
  l.max_data_segments = 1'000;
  l.max_elem_segments = 1'000;
  l.max_function_params = 128;
  l.max_function_results = 128;
  l.max_locals_per_function = 10'000;
  l.max_function_body_size = 1u << 20;
  l.max_nesting_depth = 1'024;
  l.max_operand_stack = 10'000;
  return l;
}

}  // namespace detwasm
