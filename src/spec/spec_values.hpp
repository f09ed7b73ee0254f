// Values as wast2json writes them: {"type": "i32", "value": "4294967295"}.
// Numbers are the unsigned decimal bit pattern; expected floats may instead
// be "nan:canonical" or "nan:arithmetic"; references are "null" or, for
// externref, a host number N. An argument's N becomes an externref of the
// runner's store whose host object is N (a uint64_t); a result matches an
// expected N when its host object is N.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <detwasm/detwasm.hpp>

namespace detwasm::spec {

// A command the runner cannot carry out (unknown module or export, a value
// it cannot represent, ...). It fails that command only.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An argument of an action; an externref lives in `store`. Throws CommandError.
Value parse_arg(const nlohmann::json& v, Store& store);

// One expected result of assert_return.
struct Expected {
  enum class Match : uint8_t {
    Exact,          // same type and bits
    CanonicalNan,   // any canonical NaN, either sign
    ArithmeticNan,  // any NaN with the quiet bit set
    NonNullRef,     // any non-null reference of the type
  };
  ValType type = ValType::I32;
  Match match = Match::Exact;
  uint64_t bits = 0;                     // a number's bits
  std::optional<uint64_t> host_number;   // a non-null externref's N

  // `store` holds the externrefs of `v`.
  bool matches(const Value& v, const Store& store) const;
  std::string to_string() const;
};

// Throws CommandError.
Expected parse_expected(const nlohmann::json& v);

// How the runner shows a value in messages: like the CLI, but externref as
// the test's own host number (its host object in `store`).
std::string describe(const Value& v, const Store& store);

// The trap kind a spec test means by its message ("integer overflow"), or
// nullopt for a message the runner does not know.
std::optional<TrapKind> trap_kind_for_text(std::string_view text);

}  // namespace detwasm::spec
