// The `detwasm` tool as a user meets it: the built binary run as a process,
// on modules assembled from the wat source below with wabt's wat2wasm.
#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <detwasm/config.hpp>
#include <detwasm/target.hpp>

#include "artifact/artifact.hpp"
#include "support/run_process.hpp"
#include "unit/test_util.hpp"

namespace detwasm::test {
namespace {

// The --tier names of the tiers this machine runs.
std::vector<std::string> tier_names_here() {
  std::vector<std::string> out;
  for (Tier t : tiers_here()) out.push_back(t == Tier::Jit ? "jit" : "interp");
  return out;
}

constexpr const char* kFunctionsWat = R"(
(module
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sub64") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "idf32") (param f32) (result f32) (local.get 0))
  (func (export "idf64") (param f64) (result f64) (local.get 0))
  (func (export "mulf64") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1)))
  (func (export "nanf32") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "oob") (result i32) (i32.load (i32.const 65536)))
  (func (export "pair") (result i32 i64) (i32.const 7) (i64.const -8))
  (func (export "nothing"))
  (func (export "store-load") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.load (local.get 0)))
  (func (export "id-extern") (param externref) (result externref) (local.get 0))
  (func (export "null-func") (result funcref) (ref.null func))
)
)";

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    // The compile cache `run` keeps by default: here, not the user's.
    ::setenv("XDG_CACHE_HOME", (dir_->path() / "cache").c_str(), 1);
    functions_ = new std::string(assemble("functions", kFunctionsWat));
  }
  static void TearDownTestSuite() {
    delete functions_;
    delete dir_;
  }

  // Assembles wat text into DIR/name.wasm; `check` false lets an invalid
  // module through.
  static std::string assemble(const std::string& name, const std::string& wat, bool check = true) {
    std::filesystem::path wat_path = dir_->path() / (name + ".wat");
    std::filesystem::path wasm_path = dir_->path() / (name + ".wasm");
    std::ofstream(wat_path) << wat;
    std::vector<std::string> argv = {DETWASM_WAT2WASM, wat_path.string(), "-o", wasm_path.string()};
    if (!check) argv.push_back("--no-check");
    ProcessResult r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return wasm_path.string();
  }

  static std::string write_bytes(const std::string& name, const std::string& bytes) {
    std::filesystem::path path = dir_->path() / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  // The JSON output without what varies from run to run: the cache outcome
  // and the timings.
  static std::string stable_json(const std::string& out) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out);
    EXPECT_TRUE(doc.contains("cache")) << out;
    EXPECT_TRUE(doc.contains("timings")) << out;
    doc.erase("cache");
    doc.erase("timings");
    return doc.dump() + "\n";
  }

  static ProcessResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), DETWASM_CLI_PATH);
    return run_process(args);
  }

  // `run` on the test module; returns stdout, expecting success.
  static std::string run_ok(const std::string& func, const std::vector<std::string>& values) {
    std::vector<std::string> args = {"run", *functions_, "--invoke", func};
    args.insert(args.end(), values.begin(), values.end());
    ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }

  // Expects exit status 2 and exactly one line on stderr, which it returns.
  static std::string usage_or_load_error(const std::vector<std::string>& args) {
    ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("error: ")) << r.err;
    return r.err;
  }

  static std::string run_error(const std::string& func, const std::vector<std::string>& values) {
    std::vector<std::string> args = {"run", *functions_, "--invoke", func};
    args.insert(args.end(), values.begin(), values.end());
    return usage_or_load_error(args);
  }

  static TempDir* dir_;
  static std::string* functions_;
};

// Is `err` exactly "error: KIND module at offset 0x<hex>: <message>\n"?
bool is_module_error_line(const std::string& err, const std::string& kind) {
  std::string prefix = "error: " + kind + " module at offset 0x";
  if (!err.starts_with(prefix) || !err.ends_with("\n")) return false;
  size_t hex_end = err.find_first_not_of("0123456789abcdef", prefix.size());
  return hex_end != std::string::npos && hex_end > prefix.size() && err.compare(hex_end, 2, ": ") == 0 &&
         err.size() > hex_end + 3;
}

TempDir* CliTest::dir_ = nullptr;
std::string* CliTest::functions_ = nullptr;

TEST_F(CliTest, PrintsResultsAsTypeColonValue) {
  EXPECT_EQ(run_ok("add", {"1", "2"}), "i32:3\n");
  EXPECT_EQ(run_ok("sub64", {"0", "1"}), "i64:-1\n");
  EXPECT_EQ(run_ok("mulf64", {"1.25", "2"}), "f64:2.5\n");
  EXPECT_EQ(run_ok("pair", {}), "i32:7\ni64:-8\n");
  EXPECT_EQ(run_ok("nothing", {}), "");
  EXPECT_EQ(run_ok("null-func", {}), "funcref:null\n");
}

TEST_F(CliTest, ReadsIntegersSignedUnsignedAndHex) {
  EXPECT_EQ(run_ok("id32", {"4294967295"}), "i32:-1\n");
  EXPECT_EQ(run_ok("id32", {"-2147483648"}), "i32:-2147483648\n");
  EXPECT_EQ(run_ok("id32", {"0x80000000"}), "i32:-2147483648\n");
  EXPECT_EQ(run_ok("id64", {"18446744073709551615"}), "i64:-1\n");
  EXPECT_EQ(run_ok("id64", {"-9223372036854775808"}), "i64:-9223372036854775808\n");
  EXPECT_EQ(run_ok("id64", {"0x7fffffffffffffff"}), "i64:9223372036854775807\n");
}

TEST_F(CliTest, ReadsAndPrintsFloatsLosslessly) {
  EXPECT_EQ(run_ok("idf32", {"0.1"}), "f32:0.1\n");
  EXPECT_EQ(run_ok("idf64", {"0.1"}), "f64:0.1\n");
  EXPECT_EQ(run_ok("idf64", {"-0"}), "f64:-0\n");
  EXPECT_EQ(run_ok("idf32", {"inf"}), "f32:inf\n");
  EXPECT_EQ(run_ok("idf64", {"-inf"}), "f64:-inf\n");
  EXPECT_EQ(run_ok("idf32", {"nan"}), "f32:nan\n");
  EXPECT_EQ(run_ok("idf32", {"-nan"}), "f32:nan:0xffc00000\n");
  EXPECT_EQ(run_ok("idf32", {"0x7fa00000"}), "f32:nan:0x7fa00000\n");
  EXPECT_EQ(run_ok("idf32", {"nan:0x7fa00000"}), "f32:nan:0x7fa00000\n");
  EXPECT_EQ(run_ok("idf32", {"0x3fc00000"}), "f32:1.5\n");
  EXPECT_EQ(run_ok("idf64", {"0x400921fb54442d18"}), "f64:3.141592653589793\n");
  EXPECT_EQ(run_ok("idf64", {"1e300"}), "f64:1e+300\n");
  EXPECT_EQ(run_ok("nanf32", {}), "f32:nan\n");
}

TEST_F(CliTest, ReadsReferences) {
  EXPECT_EQ(run_ok("id-extern", {"null"}), "externref:null\n");
  EXPECT_EQ(run_ok("id-extern", {"5"}), "externref:5\n");
}

TEST_F(CliTest, UsesMemory) { EXPECT_EQ(run_ok("store-load", {"8", "123456"}), "i32:123456\n"); }

TEST_F(CliTest, RejectsBadArguments) {
  EXPECT_NE(run_error("id32", {"4294967296"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("id32", {"-2147483649"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("id64", {"18446744073709551616"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("id64", {"-9223372036854775809"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("idf32", {"1e39"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("id32", {"0x100000000"}).find("out of range"), std::string::npos);
  EXPECT_NE(run_error("id32", {"twelve"}).find("argument 1"), std::string::npos);
  EXPECT_NE(run_error("idf64", {"1.5x"}).find("argument 1"), std::string::npos);
  EXPECT_NE(run_error("idf32", {"nan:0x3f800000"}).find("NaN"), std::string::npos);
  EXPECT_NE(run_error("id-extern", {"0"}).find("argument 1"), std::string::npos);
  EXPECT_NE(run_error("add", {"1"}).find("takes 2 argument"), std::string::npos);
  EXPECT_NE(run_error("add", {"1", "2", "3"}).find("takes 2 argument"), std::string::npos);
}

// One number grammar (text/numbers.hpp) for gas, limits and arguments:
// signs accepted alike, white space nowhere, floats rounded to nearest.
TEST_F(CliTest, ReadsEveryNumberInOneGrammar) {
  struct Row {
    const char* text;
    bool accepted;
  };
  const Row counts[] = {{"5", true},   {"+5", true},  {"-0", true},   {"1_0", true},  {"0x10", true},
                        {" 5", false}, {"5 ", false}, {"-5", false},  {"5.0", false}, {"", false},
                        {"1__0", false}};
  for (const Row& row : counts) {
    ProcessResult gas = cli({"run", *functions_, "--gas", row.text, "--invoke", "nothing"});
    EXPECT_EQ(gas.exit_code, row.accepted ? 0 : 2) << "--gas '" << row.text << "': " << gas.err;
    ProcessResult pages = cli({"validate", *functions_, "--max-memory-pages", row.text});
    EXPECT_EQ(pages.exit_code, row.accepted && std::string(row.text) != "-0" ? 0 : 2)
        << "--max-memory-pages '" << row.text << "': " << pages.err;
  }
  EXPECT_EQ(run_ok("id32", {"+7"}), "i32:7\n");
  EXPECT_EQ(run_ok("id32", {"1_000"}), "i32:1000\n");
  EXPECT_EQ(run_ok("id32", {"-0x10"}), "i32:-16\n");
  EXPECT_EQ(run_ok("id64", {"-0"}), "i64:0\n");
  EXPECT_EQ(run_ok("idf32", {"1e-50"}), "f32:0\n");
  EXPECT_EQ(run_ok("idf32", {"-1e-50"}), "f32:-0\n");
  EXPECT_EQ(run_ok("idf32", {"16777217"}), "f32:16777216\n");
  EXPECT_EQ(run_ok("idf64", {"0x1.8p1"}), "f64:3\n");
  EXPECT_EQ(run_ok("idf32", {"nan:0x200000"}), "f32:nan:0x7fa00000\n");
  for (const char* bad : {" 1", "1 ", "++1", "1e", ".5"}) {
    EXPECT_NE(run_error("id32", {bad}).find("argument 1"), std::string::npos) << bad;
    EXPECT_NE(run_error("idf64", {bad}).find("argument 1"), std::string::npos) << bad;
  }
}

TEST_F(CliTest, ReadsNoMoreThanTheModuleSizeLimit) {
  // An endless device and a sparse 1 GiB file are refused by the limit, not
  // read into memory; the error names the limit.
  for (std::string path : {std::string("/dev/zero"), write_bytes("sparse.wasm", "")}) {
    if (path != "/dev/zero") std::filesystem::resize_file(path, uint64_t{1} << 30);
    std::string err = usage_or_load_error({"validate", path});
    EXPECT_NE(err.find("larger than the module size limit (--max-module-size) of 67108864 bytes"), std::string::npos)
        << err;
  }
  std::string err = usage_or_load_error({"run", *functions_, "--max-module-size", "16", "--invoke", "nothing"});
  EXPECT_NE(err.find("of 16 bytes"), std::string::npos) << err;
  EXPECT_NE(usage_or_load_error({"compile", "/dev/zero", "--max-module-size=1000"}).find("of 1000 bytes"),
            std::string::npos);
  EXPECT_NE(usage_or_load_error({"validate", dir_->path().string()}).find("directory"), std::string::npos);
}

TEST_F(CliTest, MemoryAndTableLimits) {
  std::string big = assemble("big-memory", R"((module
    (memory 65536)
    (func (export "fill") (memory.fill (i32.const 0) (i32.const 1) (i32.const -1)))))");
  for (const std::vector<std::string>& limits :
       {std::vector<std::string>{"--limits", "contract"}, std::vector<std::string>{"--max-memory-pages", "512"}}) {
    std::vector<std::string> args = {"run", big, "--invoke", "fill"};
    args.insert(args.end(), limits.begin(), limits.end());
    EXPECT_NE(usage_or_load_error(args).find("memory larger than the configured maximum"), std::string::npos);
  }
  std::string grow = assemble("grow", R"((module
    (memory 1) (table 1 funcref)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "grow_table") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))))");
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), grow);
    args.insert(args.begin(), "run");
    ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  EXPECT_EQ(run({"--max-memory-pages", "8", "--invoke", "grow", "7"}), "i32:1\n");
  EXPECT_EQ(run({"--max-memory-pages", "8", "--invoke", "grow", "8"}), "i32:-1\n");
  EXPECT_EQ(run({"--limits", "contract", "--invoke", "grow", "512"}), "i32:-1\n");
  EXPECT_EQ(run({"--limits", "contract", "--invoke", "grow", "511"}), "i32:1\n");
  // A single limit applies over the profile, before or after it.
  EXPECT_EQ(run({"--max-memory-pages", "1000", "--limits", "contract", "--invoke", "grow", "511"}), "i32:1\n");
  EXPECT_EQ(run({"--max-memory-pages", "4", "--limits", "contract", "--invoke", "grow", "4"}), "i32:-1\n");
  EXPECT_EQ(run({"--max-table-elements", "3", "--invoke", "grow_table", "2"}), "i32:1\n");
  EXPECT_EQ(run({"--max-table-elements", "3", "--invoke", "grow_table", "3"}), "i32:-1\n");
  usage_or_load_error({"run", grow, "--limits", "tiny", "--invoke", "grow", "1"});
  usage_or_load_error({"run", grow, "--max-memory-pages", "65537", "--invoke", "grow", "1"});
}

TEST_F(CliTest, RejectsMissingOrNonFunctionExport) {
  EXPECT_NE(run_error("no-such", {}).find("no exported function 'no-such'"), std::string::npos);
  EXPECT_NE(run_error("mem", {}).find("not a function"), std::string::npos);
}

TEST_F(CliTest, TrapExitsWithOne) {
  ProcessResult r = cli({"run", *functions_, "--invoke", "div", "1", "0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("trap: integer divide by zero\nwasm backtrace:\n")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
}

// The backtrace as wasmtime prints it, with module offsets; the JSON output
// lists the same frames.
TEST_F(CliTest, TrapPrintsAWasmBacktraceWithOffsets) {
  std::string path = assemble("backtrace", R"((module
    (func $leaf (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
    (func (export "f") (result i32) (call $leaf))))");
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto find = [&](std::vector<uint8_t> pattern) {
    auto it = std::search(wasm.begin(), wasm.end(), pattern.begin(), pattern.end());
    EXPECT_NE(it, wasm.end());
    return static_cast<unsigned long long>(it - wasm.begin());
  };
  unsigned long long div = find({0x41, 0x01, 0x41, 0x00, 0x6d}) + 4, call = find({0x10, 0x00, 0x0b});
  for (std::string tier : tier_names_here()) {
    ProcessResult r = cli({"run", path, "--tier", tier, "--invoke", "f"});
    EXPECT_EQ(r.exit_code, 1);
    char want[200];
    std::snprintf(want, sizeof want,
                  "trap: integer divide by zero\nwasm backtrace:\n    0: %#6llx - <unknown>!<wasm function 0>\n"
                  "    1: %#6llx - <unknown>!<wasm function 1>\n",
                  div, call);
    EXPECT_EQ(r.err, want) << tier;
    r = cli({"run", path, "--tier", tier, "--json", "--invoke", "f"});
    nlohmann::json frames = nlohmann::json::parse(r.out)["trap"]["frames"];
    ASSERT_EQ(frames.size(), 2u) << r.out;
    EXPECT_EQ(frames[0]["func_index"], 0);
    EXPECT_EQ(frames[0]["module_offset"], div);
    EXPECT_EQ(frames[1]["func_index"], 1);
    EXPECT_EQ(frames[1]["module_offset"], call);
    EXPECT_TRUE(frames[1]["func_name"].is_null());
  }
}

TEST_F(CliTest, JsonResults) {
  ProcessResult r = cli({"run", *functions_, "--json", "--invoke", "add", "1", "2"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(stable_json(r.out), R"({"results":[{"type":"i32","value":"3"}],"trap":null})" "\n");

  r = cli({"run", *functions_, "--invoke", "pair", "--json"});
  EXPECT_EQ(stable_json(r.out), R"({"results":[{"type":"i32","value":"7"},{"type":"i64","value":"-8"}],"trap":null})" "\n");

  // Floats as their bit pattern, so that NaN payloads and -0 survive.
  r = cli({"run", *functions_, "--json", "--invoke", "idf32", "-0"});
  EXPECT_EQ(stable_json(r.out), R"({"results":[{"type":"f32","value":"0x80000000"}],"trap":null})" "\n");
  r = cli({"run", *functions_, "--json", "--invoke", "idf64", "nan:0x7ff0000000000001"});
  EXPECT_EQ(stable_json(r.out), R"({"results":[{"type":"f64","value":"0x7ff0000000000001"}],"trap":null})" "\n");
}

// compile -o writes an artifact that run loads as it loads a module; hash
// names the module either way; a damaged or foreign artifact is a clear
// error, never a run.
// run keeps compiled modules in the cache: the first run compiles, the next
// loads; --no-cache and another configuration miss; cache stats, verify and
// clear manage it, and a damaged entry is replaced, never run.
TEST_F(CliTest, RunUsesTheCompileCache) {
  std::string dir = (dir_->path() / "own-cache").string();
  std::string path = assemble("cached", "(module (func (export \"f\") (result i32) (i32.const 42)))");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"run", path, "--invoke", "f", "--json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessResult r = cli(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["results"][0]["value"], "42");
    for (const char* t : {"load_us", "instantiate_us", "run_us"}) EXPECT_TRUE(doc["timings"][t].is_number()) << r.out;
    return doc["cache"].get<std::string>();
  };
  // The default tier, then the other (the JIT's configuration where the
  // interpreter is the default and the JIT does not run: a third run).
  std::vector<std::string> other = jit_here() ? std::vector<std::string>{"--tier", "interp"}
                                              : std::vector<std::string>{"--max-memory-pages", "100"};
  other.insert(other.begin(), {"--cache-dir", dir});
  EXPECT_EQ(run({"--cache-dir", dir}), "miss");
  EXPECT_EQ(run({"--cache-dir", dir}), "hit");
  EXPECT_EQ(run(other), "miss");
  EXPECT_EQ(run(other), "hit");
  EXPECT_EQ(run({"--no-cache"}), "off");
  EXPECT_EQ((std::filesystem::status(dir).permissions() & std::filesystem::perms::all), std::filesystem::perms::owner_all);
  ProcessResult stats = cli({"cache", "stats", "--cache-dir", dir});
  EXPECT_NE(stats.out.find(": 2 entries"), std::string::npos) << stats.out;
  // Damage every entry: verify removes them; a run recompiles and replaces.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x5a');
  }
  EXPECT_EQ(run({"--cache-dir", dir}), "miss");
  EXPECT_EQ(run({"--cache-dir", dir}), "hit");
  ProcessResult verify = cli({"cache", "verify", "--cache-dir", dir});
  EXPECT_NE(verify.out.find(": 1 bad entries removed"), std::string::npos) << verify.out;
  EXPECT_NE(cli({"cache", "stats", "--cache-dir", dir}).out.find(": 1 entries"), std::string::npos);
  cli({"cache", "clear", "--cache-dir", dir});
  EXPECT_NE(cli({"cache", "stats", "--cache-dir", dir}).out.find(": 0 entries"), std::string::npos);
  // A module that does not validate is remembered as such.
  std::string bad = assemble("cached-bad", "(module (func (export \"f\") (result i32)))", false);
  for (int i = 0; i < 2; ++i) {
    ProcessResult r = cli({"run", bad, "--cache-dir", dir, "--invoke", "f"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("invalid module"), std::string::npos) << r.err;
  }
  EXPECT_NE(cli({"cache", "stats", "--cache-dir", dir}).out.find(": 1 entries"), std::string::npos);
}

// keygen, compile --sign and run --trust: a signed artifact runs for an
// engine that trusts its key, and nothing else does.
TEST_F(CliTest, SignedArtifactsRunOnlyWhereTheirKeyIsTrusted) {
  std::string key = (dir_->path() / "node.key").string(), other = (dir_->path() / "other.key").string();
  ASSERT_EQ(cli({"keygen", key}).exit_code, 0);
  ASSERT_EQ(cli({"keygen", other}).exit_code, 0);
  EXPECT_EQ(cli({"keygen", key}).exit_code, 2);  // never over an existing key
  EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string signed_art = (dir_->path() / "signed.art").string(), plain_art = (dir_->path() / "plain.art").string();
  ASSERT_EQ(cli({"compile", *functions_, "-o", signed_art, "--sign", key}).exit_code, 0);
  ASSERT_EQ(cli({"compile", *functions_, "-o", plain_art}).exit_code, 0);
  auto run = [&](const std::string& art, std::vector<std::string> trust) {
    std::vector<std::string> argv = {"run", art, "--invoke", "add", "1", "2"};
    for (const std::string& t : trust) argv.insert(argv.end(), {"--trust", t + ".pub"});
    return cli(argv);
  };
  EXPECT_EQ(run(signed_art, {key}).out, "i32:3\n");
  EXPECT_EQ(run(signed_art, {other, key}).out, "i32:3\n");
  EXPECT_EQ(run(signed_art, {}).out, "i32:3\n");
  ProcessResult r = run(signed_art, {other});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("untrusted"), std::string::npos) << r.err;
  r = run(plain_art, {key});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unsigned"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"compile", *functions_, "--sign", key}).exit_code, 2);  // nothing to sign without -o
  EXPECT_EQ(cli({"run", signed_art, "--trust", *functions_, "--invoke", "add", "1", "2"}).exit_code, 2);  // not a key
}

TEST_F(CliTest, ArtifactsRunAsTheirModules) {
  for (std::string tier : tier_names_here()) {
    std::string artifact = (dir_->path() / ("functions-" + tier + ".art")).string();
    ProcessResult c = cli({"compile", *functions_, "--tier", tier, "-o", artifact, "--json"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(nlohmann::json::parse(c.out)["artifact_bytes"].get<uint64_t>(), std::filesystem::file_size(artifact));
    ProcessResult r = cli({"run", artifact, "--tier", tier, "--invoke", "add", "40", "2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "i32:42\n");
    r = cli({"run", artifact, "--tier", tier, "--invoke", "div", "1", "0"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.err.starts_with("trap: integer divide by zero\nwasm backtrace:")) << r.err;
    EXPECT_EQ(cli({"hash", artifact}).out, cli({"hash", *functions_}).out);
    // Another configuration: refused, naming why.
    r = cli({"run", artifact, "--tier", tier, "--gas", "100", "--invoke", "add", "1", "2"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("another configuration"), std::string::npos) << r.err;
    // One flipped byte: refused as damaged.
    std::ifstream in(artifact, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes[bytes.size() / 2] ^= 0x10;
    r = cli({"run", write_bytes("damaged-" + tier + ".art", bytes), "--tier", tier, "--invoke", "add", "1", "2"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  ProcessResult h = cli({"hash", *functions_});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_EQ(h.out.size(), 65u) << h.out;
  nlohmann::json doc = nlohmann::json::parse(cli({"compile", *functions_, "--json"}).out);
  EXPECT_EQ(h.out, doc["hash"].get<std::string>() + "\n");
}

TEST_F(CliTest, CompileReportsTimeAndCodeSizeInEachTier) {
  for (const std::string& tier : tier_names_here()) {
    ProcessResult r = cli({"compile", *functions_, "--json", "--tier", tier});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["tier"], tier);
    EXPECT_EQ(doc["functions"], 15);
    EXPECT_GT(doc["code_bytes"].get<uint64_t>(), 0u);
    EXPECT_GT(doc["body_bytes"].get<uint64_t>(), 0u);
    EXPECT_GE(doc["compile_ms"].get<double>(), 0.0);
    EXPECT_EQ(doc["hash"].get<std::string>().size(), 64u);
  }
  ProcessResult text = cli({"compile", *functions_});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("15 functions"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("code: "), std::string::npos) << text.out;
  // Compiling is deterministic: the same module gives the same code size.
  nlohmann::json a = nlohmann::json::parse(cli({"compile", *functions_, "--json"}).out);
  nlohmann::json b = nlohmann::json::parse(cli({"compile", *functions_, "--json"}).out);
  EXPECT_EQ(a["code_bytes"], b["code_bytes"]);
  ProcessResult bad = cli({"compile", write_bytes("bad.wasm", std::string("\0asm\x02\0\0\0", 8))});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("offset"), std::string::npos) << bad.err;
}

// add costs 3 under detwasm-gas-v1 (two local.get and an i32.add).
TEST_F(CliTest, GasMetersTheRunAndReportsGasUsed) {
  ProcessResult r = cli({"run", *functions_, "--json", "--gas", "3", "--invoke", "add", "1", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stable_json(r.out), R"({"results":[{"type":"i32","value":"3"}],"trap":null,"gas_used":3})" "\n");

  r = cli({"run", *functions_, "--json", "--gas=2", "--invoke", "add", "1", "2"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["trap"]["kind"], "out_of_gas");
  EXPECT_EQ(doc["gas_used"], 0);

  r = cli({"run", *functions_, "--gas", "100", "--invoke", "add", "1", "2"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "i32:3\n");
  EXPECT_EQ(r.err, "gas used: 3\n");

  for (const char* bad : {"-1", "x", "1.5", ""}) {
    r = cli({"run", *functions_, "--gas", bad, "--invoke", "add", "1", "2"});
    EXPECT_EQ(r.exit_code, 2) << bad;
  }
}

TEST_F(CliTest, JsonTrap) {
  ProcessResult r = cli({"run", *functions_, "--json", "--invoke", "oob"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["results"], nlohmann::json::array());
  EXPECT_EQ(doc["trap"]["kind"], "memory_out_of_bounds");
  EXPECT_TRUE(doc["trap"]["message"].is_string());
  EXPECT_FALSE(doc["trap"]["message"].get<std::string>().empty());

  r = cli({"run", *functions_, "--json", "--invoke", "div", "1", "0"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["trap"]["kind"], "integer_divide_by_zero");
}

TEST_F(CliTest, StartFunctionTrapExitsWithOne) {
  std::string path = assemble("start-trap", "(module (func $s unreachable) (start $s) (func (export \"f\")))");
  ProcessResult r = cli({"run", path, "--invoke", "f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("trap: ")) << r.err;
  r = cli({"run", path, "--invoke", "f", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["trap"]["kind"], "unreachable");
}

TEST_F(CliTest, MissingImportIsALinkError) {
  std::string path = assemble("imports", R"((module (import "env" "f" (func)) (func (export "g"))))");
  EXPECT_TRUE(usage_or_load_error({"run", path, "--invoke", "g"}).starts_with("error: link error"));
}

TEST_F(CliTest, MalformedModuleNamesTheOffset) {
  // A type section that claims 5 bytes but ends after 2.
  std::string path = write_bytes("truncated.wasm", std::string("\0asm\1\0\0\0\1\5\1\x60", 12));
  EXPECT_TRUE(is_module_error_line(usage_or_load_error({"validate", path}), "malformed"));
  EXPECT_TRUE(is_module_error_line(usage_or_load_error({"run", path, "--invoke", "f"}), "malformed"));

  // Bytes that start with a NUL are a binary module, however broken.
  std::string not_wasm = write_bytes("not-wasm.wasm", std::string("\0hello", 6));
  EXPECT_TRUE(is_module_error_line(usage_or_load_error({"validate", not_wasm}), "malformed"));
}

// Anything else is the text format, read wherever a module is.
TEST_F(CliTest, TextIsReadWhereverAModuleIs) {
  std::string text = write_bytes("add.wat", R"((module (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))))");
  ProcessResult r = cli({"run", text, "--invoke", "add", "2", "40"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "i32:42\n");
  r = cli({"validate", text});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = cli({"compile", text});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // The text's hash is its binary form's.
  std::string wasm = (dir_->path() / "add-from-text.wasm").string();
  r = cli({"wat2wasm", text, "-o", wasm});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ProcessResult text_hash = cli({"hash", text});
  ProcessResult wasm_hash = cli({"hash", wasm});
  EXPECT_EQ(text_hash.exit_code, 0) << text_hash.err;
  EXPECT_EQ(text_hash.out, wasm_hash.out);

  // Standard input too.
  r = run_process({"/bin/sh", "-c", std::string(DETWASM_CLI_PATH) + " run - --invoke add 1 2 < " + text});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "i32:3\n");
}

TEST_F(CliTest, Wat2WasmWritesWhatWabtWrites) {
  const std::string wat = "(module (memory 1) (data (i32.const 0) \"hi\") (func (export \"f\") (result i32) (i32.const 7)))";
  std::string text = write_bytes("w2w.wat", wat);
  std::string ours = (dir_->path() / "w2w-ours.wasm").string();
  ProcessResult r = cli({"wat2wasm", text, "-o", ours});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::string theirs = assemble("w2w-wabt", wat);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  // No identifiers, so no name section: the same bytes.
  EXPECT_EQ(read(ours), read(theirs));
  usage_or_load_error({"wat2wasm", text});
  usage_or_load_error({"wat2wasm", "-o", ours});
}

TEST_F(CliTest, MalformedTextNamesLineAndColumn) {
  std::string text = write_bytes("bad.wat", "(module\n  (func (result i23)))");
  std::string expected = "error: " + text + ":2:17: expected a value type, found \"i23\"\n";
  EXPECT_EQ(usage_or_load_error({"validate", text}), expected);
  EXPECT_EQ(usage_or_load_error({"run", text, "--invoke", "f"}), expected);
  EXPECT_EQ(usage_or_load_error({"wat2wasm", text, "-o", (dir_->path() / "bad.wasm").string()}), expected);
  // Well-formed text of an invalid module is refused by validation, at an
  // offset in its binary form.
  std::string invalid = write_bytes("invalid.wat", "(module (func (result i32) (i64.const 0)))");
  EXPECT_TRUE(is_module_error_line(usage_or_load_error({"validate", invalid}), "invalid"));
}

TEST_F(CliTest, InvalidModuleNamesTheOffset) {
  std::string path = assemble("invalid", "(module (func (result i32) (i64.const 0)))", /*check=*/false);
  EXPECT_TRUE(is_module_error_line(usage_or_load_error({"validate", path}), "invalid"));
}

TEST_F(CliTest, ValidateAcceptsAValidModule) {
  ProcessResult r = cli({"validate", *functions_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, UsageErrors) {
  usage_or_load_error({});
  usage_or_load_error({"frobnicate"});
  usage_or_load_error({"run"});
  usage_or_load_error({"validate"});
  usage_or_load_error({"spec"});
  usage_or_load_error({"validate", *functions_, "--json"});
  usage_or_load_error({"run", *functions_, "--invoke"});
  usage_or_load_error({"run", *functions_, "--no-such-option"});
  usage_or_load_error({"--tier", "fast", "validate", *functions_});
  usage_or_load_error({"validate", (dir_->path() / "absent.wasm").string()});
  usage_or_load_error({"spec", (dir_->path() / "absent.json").string()});
}

// The tool runs the library's default tier, and its help says which: the
// JIT where the build has a backend for the host.
TEST_F(CliTest, DefaultTierIsTheLibrarys) {
  const std::string name = EngineConfig{}.tier == Tier::Jit ? "jit" : "interp";
  ProcessResult r = cli({"compile", *functions_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tier"], name);
  EXPECT_NE(cli({"--help"}).out.find("(default: " + name + ","), std::string::npos);
#if defined(__x86_64__)
  EXPECT_EQ(EngineConfig{}.tier, Tier::Jit);
#endif
}

TEST_F(CliTest, HelpAndVersion) {
  ProcessResult r = cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage:"), std::string::npos);
  EXPECT_EQ(cli({"run", "-h"}).exit_code, 0);

  r = cli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("detwasm ") && r.out.ends_with("\n")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '.'), 2) << r.out;  // MAJOR.MINOR.PATCH
}

// Either tier runs, chosen before or after the command, with the same
// results and traps; where the build has no JIT backend, --tier jit is
// refused as a usage error.
TEST_F(CliTest, TierOption) {
  for (const char* tier : {"interp", "jit"}) {
    SCOPED_TRACE(tier);
#if !defined(__x86_64__) && !defined(__aarch64__)
    if (std::string(tier) == "jit") {
      usage_or_load_error({"--tier=jit", "run", *functions_, "--invoke", "add", "2", "3"});
      continue;
    }
#endif
    EXPECT_EQ(run_ok("add", {"--tier", tier, "2", "3"}), "i32:5\n");
    ProcessResult r = cli({std::string("--tier=") + tier, "run", *functions_, "--invoke", "add", "2", "3"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "i32:5\n");
    EXPECT_EQ(run_ok("mulf64", {"--tier", tier, "1.25", "2"}), "f64:2.5\n");
    EXPECT_EQ(run_ok("id-extern", {"--tier", tier, "5"}), "externref:5\n");
    r = cli({"run", *functions_, "--tier", tier, "--json", "--invoke", "div", "1", "0"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(nlohmann::json::parse(r.out)["trap"]["kind"], "integer_divide_by_zero") << r.out;
  }
}

TEST_F(CliTest, OptionsEndWithDoubleDash) {
  EXPECT_EQ(run_ok("sub64", {"--", "-5", "-7"}), "i64:2\n");
}

// inspect: a module's declarations and custom sections; an artifact's
// header, signature and declarations, for any target and configuration.
TEST_F(CliTest, InspectDescribesModulesAndArtifacts) {
  // Read as text: detwasm's own binary form has a name section.
  std::string wasm = write_bytes("inspect.wat", R"((module $demo
    (import "env" "log" (func $log (param i32)))
    (import "env" "mem" (memory 1 4))
    (table 2 funcref)
    (global (mut i64) (i64.const 0))
    (func $main (export "main") (result i32) (i32.const 7))
    (start $main2)
    (func $main2)
    (export "table" (table 0))))");
  ProcessResult r = cli({"inspect", wasm, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kind"], "module");
  ProcessResult hash = cli({"hash", wasm});
  EXPECT_EQ(doc["module_hash"].get<std::string>() + "\n", hash.out);
  const auto d = doc["declarations"];
  ASSERT_EQ(d["imports"].size(), 2u);
  EXPECT_EQ(d["imports"][0]["text"], "func (i32) -> ()");
  EXPECT_EQ(d["imports"][1]["type"]["limits"]["max"], 4);
  ASSERT_EQ(d["exports"].size(), 2u);
  EXPECT_EQ(d["exports"][0]["name"], "main");
  EXPECT_EQ(d["exports"][0]["text"], "func () -> (i32)");
  EXPECT_EQ(d["exports"][1]["text"], "table funcref 2..");
  EXPECT_EQ(d["start"]["index"], 2);
  EXPECT_EQ(d["module_name"], "demo");
  EXPECT_EQ(d["memories"][0]["imported"], true);
  EXPECT_EQ(d["globals"]["defined"], 1);
  EXPECT_EQ(d["functions"]["imported"], 1);
  ASSERT_FALSE(doc["custom_sections"].empty());
  EXPECT_EQ(doc["custom_sections"][0]["name"], "name");
  r = cli({"inspect", wasm});
  EXPECT_NE(r.out.find("  env log: func (i32) -> ()\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  start        function 2 $main2\n"), std::string::npos) << r.out;

  // An artifact for the other architecture, signed, and metered.
  const std::string other = Target::host().arch == Arch::X86_64 ? "aarch64" : "x86_64";
  std::string key = (dir_->path() / "inspect.key").string();
  ASSERT_EQ(cli({"keygen", key}).exit_code, 0);
  std::string art = (dir_->path() / "inspect.art").string();
  ASSERT_EQ(cli({"compile", wasm, "-o", art, "--sign", key, "--metered", "--target", other}).exit_code, 0);
  r = cli({"inspect", art, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kind"], "artifact");
  EXPECT_EQ(doc["module_hash"].get<std::string>() + "\n", hash.out);
  EXPECT_EQ(doc["artifact"]["target"], other);
  EXPECT_EQ(doc["artifact"]["signature"]["valid"], true);
  EXPECT_EQ(doc["declarations"]["exports"], d["exports"]) << "the same declarations as the module";
  EXPECT_EQ(doc["artifact"]["loads_here"], false);
  EXPECT_NE(doc["artifact"]["why_not"].get<std::string>().find("target"), std::string::npos) << r.out;
  r = cli({"inspect", art, "--json", "--metered", "--target", other});
  EXPECT_EQ(nlohmann::json::parse(r.out)["artifact"]["loads_here"], true) << r.out;

  // A forged signature shows as invalid (the digest made to match); damage is an error.
  std::ifstream in(art, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<uint8_t> forged = bytes;
  forged[forged.size() - 16 - 1] ^= 1;  // the signature's last byte
  artifact::reseal(forged);
  r = cli({"inspect", write_bytes("forged.art", std::string(forged.begin(), forged.end()))});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("signature    INVALID"), std::string::npos) << r.out;
  std::vector<uint8_t> damaged = bytes;
  damaged[100] ^= 1;
  EXPECT_NE(usage_or_load_error({"inspect", write_bytes("damaged.art", std::string(damaged.begin(), damaged.end()))})
                .find("digest"),
            std::string::npos);
  EXPECT_NE(usage_or_load_error({"inspect", write_bytes("bad.wasm", std::string("\0asm\1\0\0\0\1", 9))}).find("malformed"),
            std::string::npos);
}

// run --gas-profile: folded stacks that add up to the gas used, a flame
// graph, and a table per function; the same gas as a run without them.
TEST_F(CliTest, GasProfileOfARun) {
  std::string wasm = write_bytes("profiled.wat", R"((module $p
    (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "sum") (param i32) (result i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (call $sq (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (local.get 0)))
      (local.get $acc))))");
  std::string folded = (dir_->path() / "gas.folded").string(), svg = (dir_->path() / "gas.svg").string();
  ProcessResult r = cli({"run", wasm, "--invoke", "sum", "20", "--json", "--gas-profile", folded, "--gas-profile-svg",
                         svg, "--gas-report"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  uint64_t gas_used = doc["gas_used"].get<uint64_t>();
  EXPECT_EQ(doc["results"][0]["value"], "2870");
  ProcessResult plain = cli({"run", wasm, "--invoke", "sum", "20", "--json", "--gas", "1000000000"});
  EXPECT_EQ(nlohmann::json::parse(plain.out)["gas_used"].get<uint64_t>(), gas_used) << "profiling changes no gas";

  std::ifstream in(folded);
  std::string line;
  uint64_t total = 0;
  std::vector<std::string> stacks;
  while (std::getline(in, line)) {
    size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    stacks.push_back(line.substr(0, space));
    total += std::stoull(line.substr(space + 1));
  }
  EXPECT_EQ(total, gas_used);
  EXPECT_EQ(stacks, (std::vector<std::string>{"p!func[1]", "p!func[1];p!sq"}));

  std::ifstream svg_in(svg);
  std::string svg_text((std::istreambuf_iterator<char>(svg_in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(svg_text.starts_with("<?xml")) << svg_text.substr(0, 100);
  EXPECT_NE(svg_text.find("<title>p!sq ("), std::string::npos);
  EXPECT_TRUE(svg_text.ends_with("</svg>\n"));
  EXPECT_NE(r.err.find(" total\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("p!sq"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace detwasm::test
