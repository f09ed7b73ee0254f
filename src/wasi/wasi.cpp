// The Wasi object: defining wasi_snapshot_preview1 into a Linker, and
// running a command.
#include <detwasm/gas.hpp>
#include <detwasm/wasi.hpp>

#include <new>

#include "wasi/wasi_context.hpp"

namespace detwasm {

using internal::WasiCall;
using internal::WasiContext;
using internal::WasiError;
using internal::WasiFunctionDef;
using internal::WasiTrap;

namespace {

constexpr const char* kModuleName = "wasi_snapshot_preview1";

FuncType type_of(const WasiFunctionDef& def) {
  FuncType t;
  for (const char* p = def.params; *p; ++p) t.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  if (std::string_view(def.name) != "proc_exit") t.results.push_back(ValType::I32);
  return t;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* kind_name(WasiStdio::Kind k) {
  switch (k) {
    case WasiStdio::Kind::Inherit: return "inherit";
    case WasiStdio::Kind::File: return "file";
    case WasiStdio::Kind::Buffer: return "buffer";
    case WasiStdio::Kind::Null: return "null";
  }
  return "?";
}

}  // namespace

std::string WasiConfig::identity() const {
  std::string s = "wasi-preview1-v1 args=[";
  for (const std::string& a : args) s += quoted(a) + ",";
  s += "] env=[";
  for (const std::string& e : env) s += quoted(e) + ",";
  s += "] inherit_env=" + std::to_string(inherit_env) + " preopens=[";
  for (const WasiPreopen& p : preopens)
    s += quoted(p.guest_path) + (p.read_only ? ":ro" : ":rw") + "=" + quoted(p.host_path) + ",";
  s += "] stdin=" + std::string(kind_name(stdin_stream.kind)) + " stdout=" + kind_name(stdout_stream.kind) +
       " stderr=" + kind_name(stderr_stream.kind);
  s += " clock_start_ns=" + std::to_string(clock_start_ns) + " clock_step_ns=" + std::to_string(clock_step_ns);
  s += " seed=" + std::to_string(random_seed) + " wall_clock=" + std::to_string(wall_clock) +
       " os_random=" + std::to_string(os_random);
  return s;
}

Wasi::Wasi(WasiConfig config) : ctx_(std::make_shared<WasiContext>(std::move(config))) {}
Wasi::~Wasi() = default;

const WasiConfig& Wasi::config() const { return ctx_->config; }

const std::string& Wasi::output(int fd) const {
  if (fd != 1 && fd != 2) throw UsageError("Wasi::output takes 1 (stdout) or 2 (stderr)");
  return ctx_->streams[fd].output;
}

void Wasi::define(Linker& linker, Store& store) {
  const GasSchedule& schedule = store.engine().config().gas_schedule;
  const uint64_t per_byte = schedule.wasi_per_byte;
  for (const WasiFunctionDef* table :
       {internal::kWasiFdFunctions, internal::kWasiPathFunctions, internal::kWasiProcFunctions}) {
    for (const WasiFunctionDef* def = table; def->name; ++def) {
      std::shared_ptr<WasiContext> ctx = ctx_;
      internal::WasiHandler handler = def->handler;
      HostFunction fn = [ctx, handler, per_byte](Caller& caller, std::span<const Value> args,
                                                 std::span<Value> results) -> std::optional<Trap> {
        std::optional<Memory> memory = caller.memory();
        internal::GuestMemory mem = memory ? internal::GuestMemory(memory->data(), memory->data_size())
                                           : internal::GuestMemory(nullptr, 0);
        WasiCall call{*ctx, caller, mem, per_byte};
        internal::Errno result;
        try {
          result = handler(call, args);
        } catch (const WasiError& e) {
          result = e.code;
        } catch (WasiTrap& t) {
          return std::move(t.trap);
        } catch (const std::bad_alloc&) {
          result = wasi_abi::kNoMem;
        }
        if (!results.empty()) results[0] = Value::i32(result);
        return std::nullopt;
      };
      linker.define(kModuleName, def->name,
                    store.new_host_func(type_of(*def), std::move(fn), std::string(kModuleName) + "." + def->name,
                                        schedule.wasi_call));
    }
  }
}

CommandOutcome run_command(Store& store, const Instance& instance) {
  std::optional<Func> start = instance.get_func("_start");
  if (!start) throw UsageError("the module exports no function _start");
  if (!start->type().params.empty() || !start->type().results.empty())
    throw UsageError("_start has type " + to_string(start->type()) + ", not () -> ()");
  CallResult r = start->call(store, {});
  CommandOutcome out;
  if (r.trap && r.trap->is_exit())
    out.exit_code = r.trap->exit_status;
  else if (r.trap)
    out.trap = std::move(r.trap);
  else
    out.exit_code = 0;
  return out;
}

bool is_wasi_command(const Module& module) {
  for (const ImportType& i : module.imports())
    if (i.module == kModuleName) return true;
  for (const ExportType& e : module.exports())
    if (e.name == "_start" && e.kind == ExternKind::Func && e.func == FuncType{}) return true;
  return false;
}

}  // namespace detwasm
