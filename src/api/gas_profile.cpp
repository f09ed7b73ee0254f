// Gas profiles: the store's profiler (runtime/gas_profiler.hpp) turned into
// named call stacks, and the views a report needs.
#include <algorithm>
#include <map>
#include <set>

#include <detwasm/detwasm.hpp>

#include "runtime/objects.hpp"

namespace detwasm {

namespace {

std::string profile_name(const internal::FuncInst* f) {
  if (!f->instance) return f->debug_name.empty() ? "host" : f->debug_name;
  const internal::ModuleData& m = *f->instance->module;
  std::string name = m.func_name(f->func_index);
  if (name.empty()) name = "func[" + std::to_string(f->func_index.value) + "]";
  return m.module_name.empty() ? name : m.module_name + "!" + name;
}

}  // namespace

void Store::set_gas_profiling(bool on) {
  if (!on) {
    impl_->gas_profiler.reset();
    return;
  }
  if (engine().config().tier != Tier::Interpreter)
    throw UsageError("gas profiles come from the interpreter: use an engine of the interpreter tier");
  impl_->gas_profiler = std::make_unique<internal::GasProfiler>();
}

GasProfile Store::gas_profile() const {
  GasProfile out;
  const internal::GasProfiler* p = impl_->gas_profiler.get();
  if (!p) return out;
  // Each node's stack, from its parent's: nodes come after their parents.
  std::vector<std::vector<std::string>> stacks(p->nodes.size());
  for (size_t i = 1; i < p->nodes.size(); ++i) {
    const internal::GasProfiler::Node& n = p->nodes[i];
    stacks[i] = stacks[n.parent];
    stacks[i].push_back(profile_name(n.func));
  }
  // Paths that print the same (two host functions of one name) are one entry.
  std::map<std::vector<std::string>, GasProfileEntry> merged;
  for (size_t i = 0; i < p->nodes.size(); ++i) {
    const internal::GasProfiler::Node& n = p->nodes[i];
    if (i == 0 && n.self_gas == 0) continue;  // the host's own: nothing, normally
    GasProfileEntry& e = merged[stacks[i]];
    e.stack = stacks[i];
    e.self_gas += n.self_gas;
    e.calls += n.calls;
  }
  for (auto& [stack, entry] : merged) out.entries.push_back(std::move(entry));
  return out;
}

uint64_t GasProfile::total_gas() const {
  uint64_t total = 0;
  for (const GasProfileEntry& e : entries) total += e.self_gas;
  return total;
}

std::string GasProfile::folded() const {
  std::string out;
  for (const GasProfileEntry& e : entries) {
    if (e.self_gas == 0) continue;
    for (size_t i = 0; i < e.stack.size(); ++i) out += (i ? ";" : "") + e.stack[i];
    if (e.stack.empty()) out += "host";
    out += " " + std::to_string(e.self_gas) + "\n";
  }
  return out;
}

std::vector<GasProfile::FunctionTotal> GasProfile::by_function() const {
  std::map<std::string, FunctionTotal> totals;
  for (const GasProfileEntry& e : entries) {
    if (e.stack.empty()) continue;
    FunctionTotal& self = totals[e.stack.back()];
    self.self_gas += e.self_gas;
    self.calls += e.calls;
    std::set<std::string_view> seen;  // recursion: once per path
    for (const std::string& f : e.stack)
      if (seen.insert(f).second) totals[f].inclusive_gas += e.self_gas;
  }
  std::vector<FunctionTotal> out;
  for (auto& [name, t] : totals) {
    t.name = name;
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FunctionTotal& a, const FunctionTotal& b) { return a.self_gas > b.self_gas; });
  return out;
}

}  // namespace detwasm
