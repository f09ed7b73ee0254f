#include "spec/spec_runner.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include <detwasm/detwasm.hpp>

#include "spec/spec_values.hpp"
#include "spec/spectest_host.hpp"
#include "spec/wast_script.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::spec {

namespace fs = std::filesystem;
using nlohmann::json;

std::string describe_module_error(const ModuleError& e) {
  char offset[24];
  std::snprintf(offset, sizeof offset, "0x%llx", static_cast<unsigned long long>(e.offset()));
  return std::string(to_string(e.kind())) + " module at offset " + offset + ": " + e.message();
}

std::string Counts::to_string() const {
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " + std::to_string(skipped) +
         " skipped";
}

namespace {

using spec::describe;  // of a Value; the overloads below would hide it

enum class Status : uint8_t { Passed, Failed, Skipped };

struct Outcome {
  Status status = Status::Passed;
  std::string message;
  std::string note;  // worth showing even when the command passed
};

Outcome passed() { return {Status::Passed, {}, {}}; }
Outcome failed(std::string message) { return {Status::Failed, std::move(message), {}}; }
Outcome skipped(std::string message) { return {Status::Skipped, std::move(message), {}}; }

std::string json_quoted(const std::string& s) { return json(s).dump(); }

std::string describe(const Trap& trap) {
  return std::string("trap ") + trap_kind_name(trap.kind) + " (" + trap.message + ")";
}

std::string describe(const std::vector<Value>& values, const Store& store) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + describe(values[i], store);
  return s + ")";
}

// Names the exception being handled; call only inside a catch block.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const ModuleError& e) {
    return describe_module_error(e);
  } catch (const LinkError& e) {
    return std::string("link error: ") + e.what();
  } catch (const UsageError& e) {
    return std::string("usage error: ") + e.what();
  } catch (const CommandError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Does `trap` satisfy an assertion written with the spec's message `text`?
// A message the runner does not know accepts any trap.
std::optional<std::string> trap_mismatch(const Trap& trap, const std::string& text) {
  auto want = trap_kind_for_text(text);
  if (!want || *want == trap.kind) return std::nullopt;
  return "expected trap " + json_quoted(text) + " (" + trap_kind_name(*want) + "), got " + describe(trap);
}

struct ActionResult {
  std::vector<Value> results;
  std::optional<Trap> trap;
};

// The state of one JSON file's run: modules see each other only through
// the linker (spectest and `register`) and the shared store.
class FileRunner {
 public:
  // `modules`: a script's modules in memory (wast_script.hpp), or null for
  // wast2json's, in files in `dir`.
  FileRunner(fs::path dir, const std::vector<ScriptModule>* modules, const RunOptions& options)
      : dir_(std::move(dir)),
        modules_(modules),
        max_module_size_(options.config.limits.max_module_size),
        via_artifact_(options.via_artifact),
        engine_(options.config),
        store_(engine_) {
    linker_.allow_shadowing(true);  // `register` may give a name to another instance
    define_spectest(store_, linker_);
  }

  Outcome run(const json& cmd) {
    const std::string type = cmd.at("type").get<std::string>();
    if (type == "module") return module(cmd);
    if (type == "register") return register_instance(cmd);
    if (type == "action") return action(cmd);
    if (type == "assert_return") return assert_return(cmd);
    if (type == "assert_trap" || type == "assert_exhaustion") return assert_trap(cmd);
    if (type == "assert_invalid") return assert_rejected(cmd, ModuleError::Kind::Invalid);
    if (type == "assert_malformed") return assert_rejected(cmd, ModuleError::Kind::Malformed);
    if (type == "assert_unlinkable") return assert_unlinkable(cmd);
    if (type == "assert_uninstantiable") return assert_uninstantiable(cmd);
    return failed("unknown command type " + json_quoted(type));
  }

 private:
  // The module in memory, or null when it is in a file.
  const ScriptModule* script_module(const json& cmd) const {
    if (!modules_ || !cmd.contains("module_index")) return nullptr;
    return &modules_->at(cmd.at("module_index").get<size_t>());
  }

  std::vector<uint8_t> read_module_file(const json& cmd) const {
    if (const ScriptModule* m = script_module(cmd)) {
      if (!m->text_error.empty()) throw CommandError("malformed text: " + m->text_error);
      return m->bytes;
    }
    fs::path path = dir_ / cmd.at("filename").get<std::string>();
    try {
      return util::read_bounded(path.string(), max_module_size_, "the module size limit");
    } catch (const util::InputError& e) {
      throw CommandError(e.what());
    }
  }

  Module compile(const json& cmd) {
    Module m = Module::compile(engine_, read_module_file(cmd));
    if (!via_artifact_) return m;
    return Module::deserialize(engine_, m.serialize());
  }

  // The instance named by `cmd[key]`, or the most recent module's.
  Instance instance_for(const json& cmd, const char* key) const {
    if (cmd.contains(key)) {
      std::string name = cmd.at(key).get<std::string>();
      auto it = named_.find(name);
      if (it == named_.end()) throw CommandError("no module named " + name);
      return it->second;
    }
    if (!current_) throw CommandError("no module has been instantiated");
    return *current_;
  }

  std::string describe_action(const json& action, const std::vector<Value>& args) const {
    std::string s = action.contains("module") ? action.at("module").get<std::string>() + "." : "";
    s += json_quoted(action.at("field").get<std::string>());
    if (action.at("type") == "invoke") s += describe(args, store_);
    return s;
  }

  // Runs an invoke or get; `description` receives a readable form of it.
  ActionResult perform(const json& action, std::string& description) {
    Instance instance = instance_for(action, "module");
    std::string field = action.at("field").get<std::string>();
    std::string type = action.at("type").get<std::string>();
    std::vector<Value> args;
    for (const json& arg : action.value("args", json::array())) args.push_back(parse_arg(arg, store_));
    description = describe_action(action, args);
    if (type == "invoke") {
      auto func = instance.get_func(field);
      if (!func) throw CommandError("no exported function " + json_quoted(field));
      CallResult r = func->call(store_, args);
      return {std::move(r.results), std::move(r.trap)};
    }
    if (type == "get") {
      auto global = instance.get_global(field);
      if (!global) throw CommandError("no exported global " + json_quoted(field));
      return {{global->get()}, std::nullopt};
    }
    throw CommandError("unknown action type " + json_quoted(type));
  }

  Outcome module(const json& cmd) {
    current_.reset();
    std::optional<std::string> name;
    if (cmd.contains("name")) {
      name = cmd.at("name").get<std::string>();
      named_.erase(*name);
    }
    Instantiation inst = linker_.instantiate(store_, compile(cmd));
    if (inst.trap) return failed("instantiation: " + describe(*inst.trap));
    current_ = inst.instance;
    if (name) named_[*name] = inst.instance;
    return passed();
  }

  Outcome register_instance(const json& cmd) {
    linker_.define_instance(cmd.at("as").get<std::string>(), instance_for(cmd, "name"));
    return passed();
  }

  Outcome action(const json& cmd) {
    std::string what;
    ActionResult r = perform(cmd.at("action"), what);
    if (r.trap) return failed(what + ": " + describe(*r.trap));
    return passed();
  }

  Outcome assert_return(const json& cmd) {
    std::vector<Expected> expected;
    for (const json& e : cmd.at("expected")) expected.push_back(parse_expected(e));
    std::string what;
    ActionResult r = perform(cmd.at("action"), what);
    if (r.trap) return failed(what + ": " + describe(*r.trap));
    bool same = r.results.size() == expected.size();
    for (size_t i = 0; same && i < expected.size(); ++i) same = expected[i].matches(r.results[i], store_);
    if (same) return passed();
    std::string want = "(";
    for (size_t i = 0; i < expected.size(); ++i) want += (i ? ", " : "") + expected[i].to_string();
    return failed(what + ": expected " + want + "), got " + describe(r.results, store_));
  }

  Outcome assert_trap(const json& cmd) {
    std::string text = cmd.value("text", "");
    std::string what;
    ActionResult r = perform(cmd.at("action"), what);
    if (!r.trap) return failed(what + ": expected trap " + json_quoted(text) + ", got " + describe(r.results, store_));
    if (auto mismatch = trap_mismatch(*r.trap, text)) return failed(what + ": " + *mismatch);
    return passed();
  }

  // Any ModuleError passes: a one-pass decoder may meet an invalid index
  // before a later malformation, and wast2json's binary form of a text
  // module can be malformed where the text was only invalid (data.drop
  // without a data count section). A different error kind is noted, unless
  // it is an engine limit, which may rightly be met first.
  Outcome assert_rejected(const json& cmd, ModuleError::Kind want) {
    if (const ScriptModule* m = script_module(cmd); m && !m->text_error.empty()) {
      if (want == ModuleError::Kind::Malformed) return passed();
      return failed("the text does not parse (" + m->text_error + "); the test expects " + to_string(want));
    }
    if (!script_module(cmd) && cmd.value("module_type", "binary") == "text") return skipped("text module");
    std::string text = cmd.value("text", "");
    try {
      Module::compile(engine_, read_module_file(cmd));
    } catch (const ModuleError& e) {
      // The kind must match: a malformed module reported as invalid (or the
      // reverse) is a decoder or validator bug.
      if (e.kind() != want)
        return failed("rejected as " + describe_module_error(e) + "; the test expects " + to_string(want) + " (" +
                      json_quoted(text) + ")");
      return passed();
    }
    return failed("module was accepted, expected " + std::string(to_string(want)) + " (" + json_quoted(text) + ")");
  }

  Outcome assert_unlinkable(const json& cmd) {
    Module module = compile(cmd);
    std::string text = cmd.value("text", "");
    Instantiation inst;
    try {
      inst = linker_.instantiate(store_, module);
    } catch (const LinkError&) {
      return passed();
    }
    if (inst.trap) return failed("expected link error " + json_quoted(text) + ", got " + describe(*inst.trap));
    return failed("module linked, expected link error " + json_quoted(text));
  }

  Outcome assert_uninstantiable(const json& cmd) {
    std::string text = cmd.value("text", "");
    Instantiation inst = linker_.instantiate(store_, compile(cmd));
    if (!inst.trap) return failed("module instantiated, expected trap " + json_quoted(text));
    if (auto mismatch = trap_mismatch(*inst.trap, text)) return failed(*mismatch);
    return passed();
  }

  fs::path dir_;
  const std::vector<ScriptModule>* modules_;
  uint64_t max_module_size_;
  bool via_artifact_;
  Engine engine_;
  Store store_;
  Linker linker_;
  std::map<std::string, Instance> named_;  // by the module's $name
  std::optional<Instance> current_;        // the most recent module
};

// wast2json's command lists are a few MiB at most; the modules are beside them.
constexpr uint64_t kMaxSpecScriptBytes = 256u << 20;

json read_json(const fs::path& path) {
  std::vector<uint8_t> text;
  try {
    text = util::read_bounded(path.string(), kMaxSpecScriptBytes, "the spec script size limit");
  } catch (const util::InputError& e) {
    throw SpecFileError(e.what());
  }
  try {
    json doc = json::parse(text);
    if (!doc.contains("commands") || !doc.at("commands").is_array())
      throw SpecFileError(path.string() + ": no \"commands\" list");
    return doc;
  } catch (const json::exception& e) {
    throw SpecFileError(path.string() + ": " + e.what());
  }
}

}  // namespace

namespace {

// Runs the commands of `doc` in order; `source` names the script in lines,
// `file` in the totals line.
RunReport run_commands(const json& doc, const std::string& source, const std::string& file, FileRunner& runner,
                       const RunOptions& options, std::ostream& out) {
  RunReport report;
  for (const json& cmd : doc.at("commands")) {
    std::string kind = cmd.is_object() ? cmd.value("type", "?") : "?";
    Outcome outcome;
    try {
      outcome = runner.run(cmd);
    } catch (...) {
      outcome = failed(describe_current_exception());
    }
    Counts& counts = report.by_kind[kind];
    std::string where = source + ":" + std::to_string(cmd.is_object() ? cmd.value("line", 0) : 0) + ": " + kind;
    if (!outcome.note.empty()) out << where << ": note: " << outcome.note << "\n";
    switch (outcome.status) {
      case Status::Passed:
        ++counts.passed;
        if (options.verbose) out << where << ": ok\n";
        break;
      case Status::Failed:
        ++counts.failed;
        out << where << ": FAILED: " << outcome.message << "\n";
        break;
      case Status::Skipped:
        ++counts.skipped;
        if (options.verbose) out << where << ": skipped: " << outcome.message << "\n";
        break;
    }
  }
  for (const auto& [kind, counts] : report.by_kind) report.total += counts;
  out << file << ": " << report.total.to_string() << "\n";
  return report;
}

}  // namespace

RunReport run_spec_file(const fs::path& json_file, const RunOptions& options, std::ostream& out) {
  json doc = read_json(json_file);
  std::string source = fs::path(doc.value("source_filename", json_file.string())).filename().string();
  FileRunner runner(json_file.parent_path(), nullptr, options);
  return run_commands(doc, source, json_file.filename().string(), runner, options, out);
}

RunReport run_wast_file(const fs::path& wast_file, const RunOptions& options, std::ostream& out) {
  std::vector<uint8_t> text;
  try {
    text = util::read_bounded(wast_file.string(), kMaxSpecScriptBytes, "the spec script size limit");
  } catch (const util::InputError& e) {
    throw SpecFileError(e.what());
  }
  WastScript script;
  try {
    script = read_wast_script(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
                              options.config.limits);
  } catch (const TextError& e) {
    throw SpecFileError(wast_file.string() + ":" + e.what());
  }
  FileRunner runner(wast_file.parent_path(), &script.modules, options);
  std::string name = wast_file.filename().string();
  return run_commands(script.doc, name, name, runner, options, out);
}

}  // namespace detwasm::spec
