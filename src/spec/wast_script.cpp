#include "spec/wast_script.hpp"

#include <detwasm/text.hpp>

#include "text/lexer.hpp"
#include "text/numbers.hpp"
#include "text/wast.hpp"
#include "text/wat_parser.hpp"

namespace detwasm::spec {

namespace {

using nlohmann::json;
using text::Token;
using text::TokenKind;

class ScriptReader {
 public:
  ScriptReader(std::string_view source, const ResourceLimits& limits)
      : t_(text::tokenize(source)), limits_(limits) {}

  WastScript read() {
    WastScript script;
    script.doc = {{"commands", json::array()}};
    json& commands = script.doc["commands"];
    // A script that is one module's fields alone is that module.
    if (!is_command(0)) {
      ScriptModule m;
      try {
        m.bytes = whole_script_module();
      } catch (const TextError& e) {
        m.text_error = e.what();
      }
      script.modules.push_back(std::move(m));
      commands.push_back({{"type", "module"}, {"line", 1}, {"module_index", 0}});
      return script;
    }
    for (size_t i = 0; t_[i].kind != TokenKind::Eof; i = t_[i].match + 1) {
      if (t_[i].kind != TokenKind::LParen) text::fail_expected(t_[i], "a command");
      commands.push_back(command(i, script.modules));
    }
    return script;
  }

 private:
  bool is_command(size_t i) const {
    if (t_[i].kind == TokenKind::Eof) return true;
    if (t_[i].kind != TokenKind::LParen || t_[i + 1].kind != TokenKind::Keyword) return false;
    std::string_view k = t_[i + 1].text;
    return k == "module" || k == "register" || k == "invoke" || k == "get" || k.starts_with("assert_");
  }

  // The whole script as one module's fields.
  std::vector<uint8_t> whole_script_module() {
    return text::write_binary(text::parse_module(t_, 0, t_.size() - 1, limits_));
  }

  // The module at t_[at], parsed now: a malformed one is kept as its error.
  json module_fields(size_t at, std::vector<ScriptModule>& modules, json cmd) {
    text::WastModule m = text::read_wast_module(t_, at);
    ScriptModule sm;
    try {
      sm.bytes = text::wast_module_bytes(t_, m, limits_);
    } catch (const TextError& e) {
      sm.text_error = e.what();
    }
    if (m.name) cmd["name"] = "$" + *m.name;
    cmd["module_index"] = modules.size();
    cmd["module_type"] = m.kind == text::WastModule::Kind::Binary ? "binary" : "text";
    modules.push_back(std::move(sm));
    return cmd;
  }

  std::string string_at(size_t i) const {
    if (t_[i].kind != TokenKind::String) text::fail_expected(t_[i], "a string");
    return text::string_value(t_[i]);
  }

  // A constant as wast2json writes it: the type, and its bits in unsigned
  // decimal (or nan:canonical, nan:arithmetic, null, a host number).
  json value(size_t at) const {
    if (t_[at].kind != TokenKind::LParen || t_[at + 1].kind != TokenKind::Keyword) {
      text::fail_expected(t_[at], "a constant");
    }
    std::string_view op = t_[at + 1].text;
    const Token& arg = t_[at + 2];
    bool has_arg = arg.kind != TokenKind::RParen;
    auto number = [&](std::string_view type) -> json {
      if (!has_arg) text::fail_expected(arg, "a number");
      if ((type == "f32" || type == "f64") && (arg.text == "nan:canonical" || arg.text == "nan:arithmetic")) {
        return {{"type", type}, {"value", std::string(arg.text)}};
      }
      try {
        uint64_t bits = type == "i32"   ? text::parse_int_bits(arg.text, 32)
                        : type == "i64" ? text::parse_int_bits(arg.text, 64)
                        : type == "f32" ? text::parse_f32_bits(arg.text)
                                        : text::parse_f64_bits(arg.text);
        return {{"type", type}, {"value", std::to_string(bits)}};
      } catch (const text::NumberError& e) {
        text::fail_at(arg, e.what());
      }
    };
    if (op == "i32.const") return number("i32");
    if (op == "i64.const") return number("i64");
    if (op == "f32.const") return number("f32");
    if (op == "f64.const") return number("f64");
    if (op == "ref.null") {
      std::string_view heap = has_arg ? arg.text : "";
      if (heap != "func" && heap != "extern") text::fail_expected(arg, "func or extern");
      return {{"type", heap == "func" ? "funcref" : "externref"}, {"value", "null"}};
    }
    if (op == "ref.extern") {
      if (!has_arg) return {{"type", "externref"}};
      return {{"type", "externref"}, {"value", std::to_string(text::parse_count(arg.text, UINT64_MAX))}};
    }
    if (op == "ref.func") return {{"type", "funcref"}};
    text::fail_expected(t_[at + 1], "a constant (i32.const, ..., ref.null, ref.extern, ref.func)");
  }

  // (invoke $M? "name" const*) or (get $M? "name")
  json action(size_t at) const {
    const Token& kw = t_[at + 1];
    if (t_[at].kind != TokenKind::LParen || kw.kind != TokenKind::Keyword || (kw.text != "invoke" && kw.text != "get")) {
      text::fail_expected(kw, "an action (invoke or get)");
    }
    json a = {{"type", std::string(kw.text)}};
    size_t i = at + 2;
    if (t_[i].kind == TokenKind::Id) a["module"] = std::string(t_[i++].text);
    a["field"] = string_at(i++);
    if (kw.text == "invoke") {
      a["args"] = json::array();
      for (; t_[i].kind == TokenKind::LParen; i = t_[i].match + 1) a["args"].push_back(value(i));
    }
    return a;
  }

  json command(size_t i, std::vector<ScriptModule>& modules) {
    std::string kind(t_[i + 1].text);
    json cmd = {{"type", kind}, {"line", t_[i].line}};
    size_t close = t_[i].match;
    // The message string after the module or action, if any.
    auto message = [&](size_t after) {
      if (t_[after].kind == TokenKind::String) cmd["text"] = text::string_value(t_[after]);
    };
    if (kind == "module") return module_fields(i, modules, cmd);
    if (kind == "register") {
      cmd["as"] = string_at(i + 2);
      if (t_[i + 3].kind == TokenKind::Id) cmd["name"] = std::string(t_[i + 3].text);
      return cmd;
    }
    if (kind == "invoke" || kind == "get") {
      cmd["type"] = "action";
      cmd["action"] = action(i);
      return cmd;
    }
    size_t inner = i + 2;
    if (t_[inner].kind != TokenKind::LParen) text::fail_expected(t_[inner], "a module or an action");
    bool has_module = t_[inner + 1].kind == TokenKind::Keyword && t_[inner + 1].text == "module";
    if (kind == "assert_return") {
      cmd["action"] = action(inner);
      cmd["expected"] = json::array();
      for (size_t j = t_[inner].match + 1; j < close; j = t_[j].match + 1) cmd["expected"].push_back(value(j));
      return cmd;
    }
    if ((kind == "assert_trap" || kind == "assert_exhaustion") && !has_module) {
      cmd["action"] = action(inner);
      message(t_[inner].match + 1);
      return cmd;
    }
    if (kind == "assert_trap" || kind == "assert_invalid" || kind == "assert_malformed" ||
        kind == "assert_unlinkable" || kind == "assert_uninstantiable") {
      if (!has_module) text::fail_expected(t_[inner + 1], "a module");
      // A module that traps when instantiated is, as wast2json says, uninstantiable.
      if (kind == "assert_trap") cmd["type"] = "assert_uninstantiable";
      message(t_[inner].match + 1);
      return module_fields(inner, modules, cmd);
    }
    text::fail_expected(t_[i + 1], "a command");
  }

  std::vector<Token> t_;
  const ResourceLimits& limits_;
};

}  // namespace

WastScript read_wast_script(std::string_view source, const ResourceLimits& limits) {
  return ScriptReader(source, limits).read();
}

}  // namespace detwasm::spec
