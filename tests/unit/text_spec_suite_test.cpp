// The text format parser over the whole spec suite, against wabt: every
// module of every core .wast (text, `module binary`, `module quote`; at top
// level and inside assertions) gives the bytes `wast2json --debug-names`
// gives, name section included (without it for a module with no
// identifier), or failing that the same sections and validity verdict;
// every `assert_malformed (module quote ...)` is rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include <detwasm/detwasm.hpp>

#include "support/spec_suite.hpp"
#include "support/run_process.hpp"
#include "support/wasm_sections.hpp"
#include "text/lexer.hpp"
#include "text/wast.hpp"
#include "text/wat_parser.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;
using text::TokenKind;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Counts {
  int modules = 0;         // compared with wast2json's
  int identical = 0;       // byte for byte, custom sections apart
  int same_verdict = 0;    // other bytes, both valid or both invalid
  int malformed_text = 0;  // assert_malformed (module quote ...)
  int rejected = 0;
};

bool valid(Engine& engine, std::span<const uint8_t> bytes) {
  try {
    Module::validate(engine, bytes);
    return true;
  } catch (const ModuleError&) {
    return false;
  }
}

// The ids of the sections, in order.
std::vector<uint8_t> section_ids(std::span<const uint8_t> module) {
  std::vector<uint8_t> ids;
  std::vector<uint8_t> rest = strip_custom_sections(module);
  for (size_t i = 8; i < rest.size();) {
    ids.push_back(rest[i++]);
    uint64_t size = 0;
    for (unsigned shift = 0; i < rest.size(); shift += 7) {
      uint8_t b = rest[i++];
      size |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    i += size;
  }
  return ids;
}

void compare(Counts& c, Engine& engine, const std::string& where, std::span<const uint8_t> mine,
             const fs::path& reference) {
  std::string ref_text = read_text(reference);
  std::vector<uint8_t> ref(ref_text.begin(), ref_text.end());
  ++c.modules;
  // wast2json --debug-names writes a name section for every module; this
  // parser only for one with identifiers.
  std::vector<uint8_t> ours(mine.begin(), mine.end());
  bool named = strip_custom_sections(ours) != ours;
  if (ours == (named ? ref : strip_custom_sections(ref))) {
    ++c.identical;
  } else if (valid(engine, mine) == valid(engine, ref) && section_ids(mine) == section_ids(ref)) {
    ++c.same_verdict;
    std::cout << where << ": other bytes than wabt's, the same sections and validity\n";
  } else {
    ADD_FAILURE() << where << ": other bytes than wabt's and another validity verdict";
  }
}

void check_file(const fs::path& wast, Counts& c, Engine& engine) {
  TempDir dir;
  fs::path json_path = dir.path() / "out.json";
  ProcessResult r =
      run_process({"/usr/bin/env", "wast2json", "--debug-names", wast.string(), "-o", json_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json json = nlohmann::json::parse(read_text(json_path));
  const auto& commands = json["commands"];
  std::string source = read_text(wast);
  std::vector<text::Token> t = text::tokenize(source);
  std::string name = wast.filename().string();

  // A script that is a module's fields alone is that module.
  if (!(t[0].kind == TokenKind::LParen && t[1].kind == TokenKind::Keyword &&
        (t[1].text == "module" || t[1].text.starts_with("assert_") || t[1].text == "register" ||
         t[1].text == "invoke" || t[1].text == "get"))) {
    ASSERT_EQ(commands.size(), 1u);
    std::vector<uint8_t> mine = text::write_binary(text::parse_module(t, 0, t.size() - 1, {}));
    compare(c, engine, name, mine, dir.path() / commands[0]["filename"].get<std::string>());
    return;
  }
  size_t k = 0;
  for (size_t i = 0; t[i].kind != TokenKind::Eof; i = t[i].match + 1, ++k) {
    ASSERT_LT(k, commands.size()) << name << ": more commands than wast2json's";
    const auto& command = commands[k];
    uint32_t line = command["line"].get<uint32_t>();
    ASSERT_TRUE(line >= t[i].line && line <= t[t[i].match].line) << name << ":" << t[i].line << ": commands out of step";
    size_t at = 0;
    if (t[i + 1].text == "module") {
      at = i;
    } else if (t[i + 2].kind == TokenKind::LParen && t[i + 3].text == "module") {
      at = i + 2;
    } else {
      continue;
    }
    std::string where = name + ":" + std::to_string(t[i].line);
    text::WastModule m = text::read_wast_module(t, at);
    if (command["type"] == "assert_malformed") {
      if (m.kind != text::WastModule::Kind::Quote) continue;
      ++c.malformed_text;
      try {
        text::wast_module_bytes(t, m);
        ADD_FAILURE() << where << ": malformed text accepted";
      } catch (const TextError&) {
        ++c.rejected;
      }
      continue;
    }
    if (!command.contains("filename")) continue;
    std::vector<uint8_t> mine;
    try {
      mine = text::wast_module_bytes(t, m);
    } catch (const TextError& e) {
      ++c.modules;
      ADD_FAILURE() << where << ": " << e.what();
      continue;
    }
    compare(c, engine, where, mine, dir.path() / command["filename"].get<std::string>());
  }
  EXPECT_EQ(k, commands.size()) << name << ": fewer commands than wast2json's";
}

TEST(TextSpecSuite, EveryModuleAsWabtAndEveryMalformedTextRejected) {
  std::vector<fs::path> files = spec_wast_files();
  ASSERT_FALSE(files.empty());
  Counts c;
  Engine engine;
  for (const fs::path& f : files) check_file(f, c, engine);
  std::cout << "text format over the spec suite: " << files.size() << " scripts, " << c.modules << " modules, "
            << c.identical << " byte-identical to wabt's (name sections included), " << c.same_verdict << " with other bytes and the same validity; "
            << c.rejected << " of " << c.malformed_text << " malformed texts rejected\n";
  EXPECT_GT(c.modules, 1000);
  // One module differs, both encodings invalid: select.wast's
  // `(select (result) ...)`, which wabt writes as the untyped select and
  // the spec (and this parser) as a typed select of no type.
  EXPECT_EQ(c.identical + c.same_verdict, c.modules);
  EXPECT_LE(c.same_verdict, 1);
  EXPECT_GT(c.malformed_text, 500);
  EXPECT_EQ(c.rejected, c.malformed_text);
}

}  // namespace
}  // namespace detwasm::test
