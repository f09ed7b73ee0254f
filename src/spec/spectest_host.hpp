// The `spectest` host module that the official spec tests import.
#pragma once

#include <detwasm/detwasm.hpp>

namespace detwasm::spec {

// Creates the spectest objects in `store` and defines them in `linker` as
// module "spectest": the print functions (which do nothing), global_i32 and
// global_i64 (666), global_f32 and global_f64 (666.6), table (10..20
// funcref) and memory (1..2 pages). Nothing else is defined, so an import
// such as spectest.unknown fails to link.
void define_spectest(Store& store, Linker& linker);

}  // namespace detwasm::spec
