#include "spec/spec_values.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "spec/value_text.hpp"

namespace detwasm::spec {

namespace {

using nlohmann::json;

ValType type_of(const json& v) {
  std::string name = v.at("type").get<std::string>();
  auto type = val_type_from_string(name);
  if (!type) throw CommandError("unknown value type '" + name + "'");
  if (*type == ValType::V128) throw CommandError("v128 values are not supported");
  return *type;
}

uint64_t parse_bits(const std::string& text, ValType type) {
  uint64_t bits = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
  if (text.empty() || ptr != text.data() + text.size() || ec != std::errc())
    throw CommandError("bad " + std::string(to_string(type)) + " value '" + text + "'");
  return bits;
}

// A reference: "null", or for externref a host number N.
std::optional<uint64_t> parse_host_number(ValType type, const std::string& text) {
  if (text == "null") return std::nullopt;
  if (type == ValType::FuncRef) throw CommandError("a non-null funcref cannot be written as '" + text + "'");
  return parse_bits(text, type);
}

Value parse_number(ValType type, const std::string& text) {
  uint64_t bits = parse_bits(text, type);
  if ((type == ValType::I32 || type == ValType::F32) && bits > UINT32_MAX)
    throw CommandError("value '" + text + "' does not fit " + std::string(to_string(type)));
  return Value{type, bits};
}

bool is_nan_with(const Value& v, bool canonical) {
  if (v.type == ValType::F32) {
    uint32_t b = v.as_f32_bits() & 0x7FFFFFFFu;
    return canonical ? b == 0x7FC00000u : (b & 0x7FC00000u) == 0x7FC00000u;
  }
  if (v.type == ValType::F64) {
    uint64_t b = v.as_f64_bits() & 0x7FFFFFFFFFFFFFFFull;
    return canonical ? b == 0x7FF8000000000000ull : (b & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
  }
  return false;
}

}  // namespace

Value parse_arg(const json& v, Store& store) {
  ValType type = type_of(v);
  if (!v.contains("value")) throw CommandError("argument of type " + std::string(to_string(type)) + " has no value");
  std::string text = v.at("value").get<std::string>();
  if (!is_ref(type)) return parse_number(type, text);
  std::optional<uint64_t> n = parse_host_number(type, text);
  return n ? store.externref(std::any(*n)) : Value::null_ref(type);
}

Expected parse_expected(const json& v) {
  Expected e;
  e.type = type_of(v);
  if (!v.contains("value")) {
    if (!is_ref(e.type)) throw CommandError("expected " + std::string(to_string(e.type)) + " has no value");
    e.match = Expected::Match::NonNullRef;
    return e;
  }
  std::string text = v.at("value").get<std::string>();
  bool is_float = e.type == ValType::F32 || e.type == ValType::F64;
  if (is_float && text == "nan:canonical") {
    e.match = Expected::Match::CanonicalNan;
  } else if (is_float && text == "nan:arithmetic") {
    e.match = Expected::Match::ArithmeticNan;
  } else if (is_ref(e.type)) {
    e.host_number = parse_host_number(e.type, text);
  } else {
    e.bits = parse_number(e.type, text).bits;
  }
  return e;
}

namespace {

std::optional<uint64_t> host_number_of(const Value& v, const Store& store) {
  const std::any* object = store.externref_data(v);
  const uint64_t* n = object ? std::any_cast<uint64_t>(object) : nullptr;
  return n ? std::optional<uint64_t>(*n) : std::nullopt;
}

std::string describe_number(const Value& v) {
  std::string text = text::format_value(v);
  // Floats also show their bits: two NaNs or zeros can print alike.
  if (v.type == ValType::F32 || v.type == ValType::F64) text += " (" + text::format_bits(v) + ")";
  return text;
}

}  // namespace

bool Expected::matches(const Value& v, const Store& store) const {
  if (v.type != type) return false;
  switch (match) {
    case Match::Exact:
      if (type == ValType::ExternRef)
        return host_number ? !v.is_null() && host_number_of(v, store) == host_number : v.is_null();
      if (type == ValType::FuncRef) return v.is_null();  // a funcref is expected as null or as non-null
      return v.bits == bits;
    case Match::CanonicalNan: return is_nan_with(v, true);
    case Match::ArithmeticNan: return is_nan_with(v, false);
    case Match::NonNullRef: return !v.is_null();
  }
  return false;
}

std::string Expected::to_string() const {
  std::string type_name(detwasm::to_string(type));
  switch (match) {
    case Match::Exact:
      if (is_ref(type)) return type_name + ":" + (host_number ? std::to_string(*host_number) : "null");
      return describe_number(Value{type, bits});
    case Match::CanonicalNan: return type_name + ":nan:canonical";
    case Match::ArithmeticNan: return type_name + ":nan:arithmetic";
    case Match::NonNullRef: return type_name + ":non-null";
  }
  return type_name;
}

std::string describe(const Value& v, const Store& store) {
  std::string type_name(to_string(v.type));
  if (v.type == ValType::ExternRef && !v.is_null()) {
    std::optional<uint64_t> n = host_number_of(v, store);
    return type_name + ":" + (n ? std::to_string(*n) : "non-null");
  }
  if (v.type == ValType::FuncRef && !v.is_null()) return type_name + ":non-null";
  return describe_number(v);  // or a null reference
}

std::optional<TrapKind> trap_kind_for_text(std::string_view text) {
  // Wordings of the spec's reference interpreter; the first that prefixes
  // the text wins ("uninitialized element 2" is a null element).
  static constexpr std::pair<std::string_view, TrapKind> kWordings[] = {
      {"unreachable", TrapKind::Unreachable},
      {"out of bounds memory access", TrapKind::MemoryOutOfBounds},
      {"out of bounds table access", TrapKind::TableOutOfBounds},
      {"undefined element", TrapKind::TableOutOfBounds},
      {"uninitialized element", TrapKind::IndirectCallToNull},
      {"indirect call type mismatch", TrapKind::IndirectCallSignature},
      {"integer divide by zero", TrapKind::IntegerDivideByZero},
      {"integer overflow", TrapKind::IntegerOverflow},
      {"invalid conversion to integer", TrapKind::InvalidConversion},
      {"call stack exhausted", TrapKind::StackExhausted},
  };
  for (const auto& [wording, kind] : kWordings)
    if (text.starts_with(wording)) return kind;
  return std::nullopt;
}

}  // namespace detwasm::spec
