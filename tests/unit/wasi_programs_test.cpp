// The C programs of tests/wasi/programs, compiled at test time against
// wasi-libc, run through the API and through `detwasm run`, in every tier,
// metered and not: the same output and the same gas every time.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <detwasm/wasi.hpp>

#include "support/run_process.hpp"
#include "unit/test_util.hpp"
#include "unit/wasi_test_util.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* kBasicsOut =
    "argc=4\n"
    "argv[1]=7\n"
    "argv[2]=two words\n"
    "argv[3]=--flag\n"
    "environ=2\n"
    "GREETING=hi\n"
    "stdin: line one\n"
    "stdin: line two\n";

TEST(WasiPrograms, ArgumentsEnvironmentStreamsAndExitCode) {
  DETWASM_WASI_PROGRAM(bytes, "basics");
  for (Tier tier : wasi_tiers()) {
    for (bool metered : {false, true}) {
      SCOPED_TRACE(std::string(tier_name(tier)) + (metered ? " metered" : ""));
      WasiConfig c;
      c.args = {"basics", "7", "two words", "--flag"};
      c.env = {"GREETING=hi", "OTHER=x"};
      c.stdin_stream = WasiStdio::buffer("line one\nline two\n");
      WasiRun run = run_wasi(bytes, tier, metered, c);
      ASSERT_FALSE(run.trap) << run.trap->to_string();
      ASSERT_TRUE(run.exit_code);
      EXPECT_EQ(*run.exit_code, 7u);
      EXPECT_EQ(run.out, kBasicsOut);
      EXPECT_EQ(run.err, "to stderr\n");
    }
  }
}

TEST(WasiPrograms, NothingOfTheHostLeaksByDefault) {
  DETWASM_WASI_PROGRAM(bytes, "basics");
  ::setenv("GREETING", "from the host", 1);
  WasiConfig c;
  c.args = {"basics"};
  WasiRun run = run_wasi(bytes, Tier::Interpreter, false, c);
  EXPECT_NE(run.out.find("environ=0\nGREETING=(unset)\n"), std::string::npos) << run.out;
  c.inherit_env = true;
  run = run_wasi(bytes, Tier::Interpreter, false, c);
  EXPECT_NE(run.out.find("GREETING=from the host\n"), std::string::npos) << run.out;
  ::unsetenv("GREETING");
}

const char* kFilesOut =
    "entry . type 3\n"
    "entry .. type 3\n"
    "entry Beta.txt type 4\n"
    "entry alpha.txt type 4\n"
    "entry mid.txt type 4\n"
    "entry zeta.txt type 4\n"
    "a write moves mtime by 1000000 ns\n"
    "read at 3: 3456\n"
    "pread: AB23456789\n"
    "size 10 regular 1 mtime 1577836800\n"
    "a truncation moves mtime by 1000000 ns\n"
    "moved size 4\n"
    "link -> alpha.txt\n"
    "through link: file alpha.txt\n"
    "done\n";

TEST(WasiPrograms, FilesInAPreopenedDirectory) {
  DETWASM_WASI_PROGRAM(bytes, "files");
  std::string first_out;
  std::optional<uint64_t> metered_gas;
  for (Tier tier : wasi_tiers()) {
    for (bool metered : {false, true}) {
      SCOPED_TRACE(std::string(tier_name(tier)) + (metered ? " metered" : ""));
      TempDir dir;
      WasiConfig c;
      c.args = {"files"};
      c.preopens.push_back({dir.path().string(), "/sandbox", false});
      WasiRun run = run_wasi(bytes, tier, metered, c);
      ASSERT_FALSE(run.trap) << run.trap->to_string();
      EXPECT_EQ(run.exit_code, 0u);
      EXPECT_EQ(run.out, kFilesOut);
      EXPECT_TRUE(fs::is_empty(dir.path()));
      if (metered) {
        if (metered_gas) {
          EXPECT_EQ(run.gas, *metered_gas) << "every tier uses the same gas";
        }
        metered_gas = run.gas;
      }
    }
  }
}

TEST(WasiPrograms, ClocksAndRandomAreTheSameOnEveryRun) {
  DETWASM_WASI_PROGRAM(bytes, "clocks_random");
  std::optional<WasiRun> first;
  for (Tier tier : wasi_tiers()) {
    for (int repeat = 0; repeat < 2; ++repeat) {
      SCOPED_TRACE(std::string(tier_name(tier)) + " run " + std::to_string(repeat));
      WasiConfig c;
      c.args = {"clocks_random"};
      c.random_seed = 42;
      WasiRun run = run_wasi(bytes, tier, true, c);
      ASSERT_EQ(run.exit_code, 0u);
      EXPECT_NE(run.out.find("realtime 1577836800.0"), std::string::npos) << run.out;
      EXPECT_NE(run.out.find("resolution 1000000 ns\n"), std::string::npos) << run.out;
      EXPECT_NE(run.out.find("slept at least 250 ms: 1\n"), std::string::npos) << run.out;
      if (first) {
        EXPECT_EQ(run.out, first->out);
        EXPECT_EQ(run.gas, first->gas);
      } else {
        first = run;
      }
    }
  }
  WasiConfig other;
  other.args = {"clocks_random"};
  other.random_seed = 43;
  WasiRun run = run_wasi(bytes, Tier::Interpreter, true, other);
  auto random_line = [](const std::string& out) { return out.substr(out.find("random ")); };
  EXPECT_NE(random_line(run.out), random_line(first->out));
  // The opt-ins: real time is far past the virtual start.
  other.wall_clock = true;
  other.os_random = true;
  run = run_wasi(bytes, Tier::Interpreter, false, other);
  EXPECT_EQ(run.out.find("realtime 1577836800."), std::string::npos) << run.out;
}

// The host side of the escape program (tests/wasi/programs/escape.c).
struct EscapeTree {
  TempDir root;
  fs::path sandbox = root.path() / "sandbox", ro = root.path() / "ro", outside = root.path() / "outside";
  EscapeTree() {
    fs::create_directories(sandbox / "sub");
    fs::create_directories(ro);
    fs::create_directories(outside);
    write_text(sandbox / "sub" / "file.txt", "inside\n");
    write_text(outside / "secret.txt", "secret\n");
    write_text(ro / "existing.txt", "read only\n");
    fs::create_directory_symlink("../outside", sandbox / "link_out");
    fs::create_directory_symlink("/etc", sandbox / "abs_link");
    fs::create_symlink("sub/file.txt", sandbox / "inner_link");
    fs::create_symlink("loop_b", sandbox / "loop_a");
    fs::create_symlink("loop_a", sandbox / "loop_b");
  }
  void check_untouched() const {
    EXPECT_EQ(read_text(outside / "secret.txt"), "secret\n");
    EXPECT_EQ(read_text(ro / "existing.txt"), "read only\n");
    size_t ro_entries = 0;
    for (auto it = fs::directory_iterator(ro); it != fs::directory_iterator(); ++it) ++ro_entries;
    EXPECT_EQ(ro_entries, 1u);
    EXPECT_FALSE(fs::exists(sandbox / "taken.txt"));
    EXPECT_FALSE(fs::is_symlink(sandbox / "abs2"));
  }
};

// What each attempt must give: 0, or the WASI errno.
// wasi-libc passes the engine's errno on, except where noted.
const std::map<std::string, int> kEscapeExpected = {
    {"dotdot_root", 76}, {"dotdot_deep", 76}, {"absolute", 76}, {"inside_dotdot", 0},
    {"libc_dotdot", 76}, {"symlink_out", 76}, {"symlink_absolute", 76}, {"symlink_inside", 0},
    {"symlink_loop", 32}, {"nofollow", 32}, {"file_as_dir", 54}, {"guest_symlink_create", 0},
    {"guest_symlink_follow", 76}, {"guest_symlink_absolute", 76}, {"ro_create", 76}, {"ro_truncate", 76},
    {"ro_write", 8},  // wasi-libc reports ENOTCAPABLE from fd_write as POSIX's EBADF
    {"ro_unlink", 76}, {"ro_mkdir", 76}, {"ro_rename", 76}, {"ro_symlink", 76},
    {"ro_read", 0}, {"ro_raw_write", 76}, {"ro_raw_write_rights", 76}, {"fault_iovs", 21}, {"fault_iov_buffer", 21},
    {"fault_read_buffer", 21}, {"fault_result", 21}, {"fault_random", 21}, {"fault_args", 21},
    {"fault_clock", 21}, {"fault_readdir", 21}, {"fault_readdir_out", 21}, {"fault_path", 21},
    {"fault_path_length", 21}, {"bad_fd", 8}, {"bad_clock", 28}, {"rights_grow", 76},
};

void check_escape_output(const std::string& out) {
  std::istringstream lines(out);
  std::map<std::string, int> got;
  std::string label;
  int code;
  while (lines >> label) {
    if (label == "done") break;
    lines >> code;
    got[label] = code;
  }
  EXPECT_EQ(label, "done") << out;
  for (const auto& [name, expected] : kEscapeExpected) {
    auto it = got.find(name);
    if (it == got.end()) {
      ADD_FAILURE() << name << " missing from the output:\n" << out;
      continue;
    }
    EXPECT_EQ(it->second, expected) << name;
  }
  EXPECT_EQ(got.size(), kEscapeExpected.size()) << out;
}

TEST(WasiPrograms, EscapesFailWithTheRightErrno) {
  DETWASM_WASI_PROGRAM(bytes, "escape");
  for (Tier tier : wasi_tiers()) {
    for (bool metered : {false, true}) {
      SCOPED_TRACE(std::string(tier_name(tier)) + (metered ? " metered" : ""));
      EscapeTree tree;
      WasiConfig c;
      c.args = {"escape"};
      c.preopens.push_back({tree.sandbox.string(), "/sandbox", false});
      c.preopens.push_back({tree.ro.string(), "/ro", true});
      WasiRun run = run_wasi(bytes, tier, metered, c);
      ASSERT_FALSE(run.trap) << run.trap->to_string();
      EXPECT_EQ(run.exit_code, 0u);
      check_escape_output(run.out);
      tree.check_untouched();
    }
  }
}

// --- the same through `detwasm run` ---

ProcessResult detwasm(std::vector<std::string> args) {
  args.insert(args.begin(), DETWASM_CLI_PATH);
  return run_process(args);
}

TEST(WasiCli, RunsACommandWithItsArgumentsAndExitCode) {
  DETWASM_WASI_PROGRAM(bytes, "basics");
  TempDir dir;
  fs::path input = dir.path() / "input.txt";
  write_text(input, "line one\nline two\n");
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    ProcessResult r = detwasm({"run", "--no-cache", "--tier", tier_name(tier), bytes_path->string(), "7",
                               "two words", "--env", "GREETING=hi", "--env=OTHER=x", "--stdin", input.string(),
                               "--", "--flag"});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(r.out, kBasicsOut);
    EXPECT_EQ(r.err, "to stderr\n");
  }
}

TEST(WasiCli, PreopensAndJsonWithGas) {
  DETWASM_WASI_PROGRAM(bytes, "escape");
  std::optional<std::string> first;
  for (Tier tier : wasi_tiers()) {
    for (int repeat = 0; repeat < 2; ++repeat) {
      SCOPED_TRACE(std::string(tier_name(tier)) + " run " + std::to_string(repeat));
      EscapeTree tree;
      ProcessResult r = detwasm({"run", "--no-cache", "--tier", tier_name(tier), "--json", "--gas", "10000000000",
                                 "--dir", tree.sandbox.string() + "::/sandbox", "--dir-ro",
                                 tree.ro.string() + "::/ro", bytes_path->string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      size_t last = r.out.rfind('\n', r.out.size() - 2);
      std::string program_out = r.out.substr(0, last + 1);
      check_escape_output(program_out);
      tree.check_untouched();
      nlohmann::json j = nlohmann::json::parse(r.out.substr(last + 1));
      EXPECT_EQ(j["exit_code"], 0);
      EXPECT_TRUE(j["trap"].is_null());
      ASSERT_TRUE(j["gas_used"].is_number_unsigned());
      std::string fingerprint = program_out + std::to_string(j["gas_used"].get<uint64_t>());
      if (first) {
        EXPECT_EQ(fingerprint, *first) << "two runs, two tiers: the same output and gas";
      }
      first = fingerprint;
    }
  }
}

TEST(WasiCli, ExitTrapAndOptionErrors) {
  DETWASM_WASI_PROGRAM(bytes, "basics");
  TempDir dir;
  // Out of gas is a trap: status 1 and the trap on stderr.
  ProcessResult r = detwasm({"run", "--no-cache", "--gas", "1000", "--stdin", "/dev/null", bytes_path->string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("out of gas"), std::string::npos) << r.err;
  // WASI options with --invoke, and a directory that is not there.
  r = detwasm({"run", "--no-cache", "--invoke", "_start", "--dir", "/tmp", bytes_path->string()});
  EXPECT_EQ(r.exit_code, 2);
  r = detwasm({"run", "--no-cache", "--dir", (dir.path() / "missing").string(), bytes_path->string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open directory"), std::string::npos) << r.err;
  r = detwasm({"run", "--no-cache", "--env", "NOVALUE", bytes_path->string()});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace detwasm::test
