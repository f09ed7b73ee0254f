// Gas attributed to call stacks, as the interpreter runs (Store's gas
// profiling). A node is one call path; the gas used between two moments of
// attribution goes to the path running then, so the nodes' gas adds up to
// exactly the gas used, out-of-gas and other traps included.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace detwasm::internal {

struct FuncInst;

struct GasProfiler {
  struct Node {
    uint32_t parent = 0;
    const FuncInst* func = nullptr;  // null for the root: the host
    uint64_t self_gas = 0;
    uint64_t calls = 0;
    std::map<const FuncInst*, uint32_t> children;
  };
  std::vector<Node> nodes{Node{}};
  uint32_t current = 0;
  uint64_t last_gas_left = 0;  // gas left when gas was last attributed

  // Gas used since the last attribution goes to the running path. A gas
  // left above the last (the host set a new limit) starts afresh.
  void attribute(uint64_t gas_left) {
    if (gas_left <= last_gas_left) nodes[current].self_gas += last_gas_left - gas_left;
    last_gas_left = gas_left;
  }
  void enter(const FuncInst* f, uint64_t gas_left) {
    attribute(gas_left);
    auto [it, added] = nodes[current].children.try_emplace(f, static_cast<uint32_t>(nodes.size()));
    if (added) nodes.push_back(Node{current, f, 0, 0, {}});
    current = it->second;
    ++nodes[current].calls;
  }
  void leave(uint64_t gas_left) {
    attribute(gas_left);
    current = nodes[current].parent;
  }
  // A trap unwinds to the path that made the call.
  void unwind_to(uint32_t node, uint64_t gas_left) {
    attribute(gas_left);
    current = node;
  }
};

}  // namespace detwasm::internal
