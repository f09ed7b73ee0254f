// The two index spaces of a module's functions. A FuncIdx counts imported
// functions first, then the defined ones: it is what calls, exports,
// ref.func, the start function and trap frames name. A DefinedFuncIdx counts
// defined functions only: it indexes a module's bodies, their code and their
// entries. They are distinct types so that one cannot stand for the other;
// ModuleDecls converts between them, since it knows the import count.
#pragma once

#include <compare>
#include <cstdint>

namespace detwasm::internal {

struct FuncIdx {
  uint32_t value = 0;
  auto operator<=>(const FuncIdx&) const = default;
};

struct DefinedFuncIdx {
  uint32_t value = 0;
  auto operator<=>(const DefinedFuncIdx&) const = default;
};

}  // namespace detwasm::internal
