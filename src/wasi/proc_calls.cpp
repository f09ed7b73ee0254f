// Arguments, environment, clocks, random, poll_oneoff, the process calls
// and the socket calls of wasi_snapshot_preview1.
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <time.h>

#include <algorithm>
#include <cerrno>

#include "wasi/wasi_calls.hpp"

namespace detwasm::internal {

using namespace wasi_abi;

namespace {

Errno sizes_get(WasiCall& call, std::span<const Value> a, const std::vector<std::string>& list) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  call.mem.bytes(arg_u32(a, 0), 4);
  call.mem.bytes(arg_u32(a, 1), 4);
  call.mem.store<uint32_t>(arg_u32(a, 0), static_cast<uint32_t>(list.size()));
  call.mem.store<uint32_t>(arg_u32(a, 1), static_cast<uint32_t>(bytes));
  return kSuccess;
}

// Writes the pointer array at a[0] and the NUL-terminated strings at a[1].
Errno strings_get(WasiCall& call, std::span<const Value> a, const std::vector<std::string>& list) {
  uint32_t ptrs = arg_u32(a, 0), buf = arg_u32(a, 1);
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  call.mem.bytes(ptrs, static_cast<uint64_t>(list.size()) * 4);
  call.mem.bytes(buf, bytes);
  call.charge_bytes(bytes);
  for (const std::string& s : list) {
    call.mem.store<uint32_t>(ptrs, buf);
    auto out = call.mem.bytes(buf, s.size() + 1);
    std::copy(s.begin(), s.end(), out.begin());
    out[s.size()] = 0;
    ptrs += 4;
    buf += static_cast<uint32_t>(s.size() + 1);
  }
  return kSuccess;
}

Errno args_sizes_get(WasiCall& call, std::span<const Value> a) { return sizes_get(call, a, call.ctx.config.args); }
Errno args_get(WasiCall& call, std::span<const Value> a) { return strings_get(call, a, call.ctx.config.args); }
Errno environ_sizes_get(WasiCall& call, std::span<const Value> a) { return sizes_get(call, a, call.ctx.env); }
Errno environ_get(WasiCall& call, std::span<const Value> a) { return strings_get(call, a, call.ctx.env); }

Errno clock_res_get(WasiCall& call, std::span<const Value> a) {
  uint32_t id = arg_u32(a, 0);
  if (id > kClockThreadCputime) throw WasiError{kInval};
  call.mem.bytes(arg_u32(a, 1), 8);
  uint64_t res = std::max<uint64_t>(call.ctx.config.clock_step_ns, 1);
  if (call.ctx.config.wall_clock) {
    timespec ts{};
    clockid_t host = id == kClockRealtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    if (::clock_getres(host, &ts) != 0) throw_host_errno();
    res = static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
  }
  call.mem.store<uint64_t>(arg_u32(a, 1), res);
  return kSuccess;
}

Errno clock_time_get(WasiCall& call, std::span<const Value> a) {
  call.mem.bytes(arg_u32(a, 2), 8);
  call.mem.store<uint64_t>(arg_u32(a, 2), call.ctx.clock_now(arg_u32(a, 0)));
  return kSuccess;
}

Errno random_get(WasiCall& call, std::span<const Value> a) {
  auto out = call.mem.bytes(arg_u32(a, 0), arg_u32(a, 1));
  call.charge_bytes(out.size());
  call.ctx.random_fill(out);
  return kSuccess;
}

// Clock subscriptions wait by advancing the virtual clock to the earliest
// deadline (under wall_clock, by sleeping). Subscriptions on descriptors are
// ready at once, except a read from a standard stream the host handed in
// (inherited, or a file that may be a pipe or a terminal): the host is asked
// with poll(2), waiting at most until the first clock deadline. Such a
// stream is outside determinism anyway; buffers and preopened files never
// block.
Errno poll_oneoff(WasiCall& call, std::span<const Value> a) {
  uint32_t in = arg_u32(a, 0), out = arg_u32(a, 1), n = arg_u32(a, 2), nevents_ptr = arg_u32(a, 3);
  if (n == 0) throw WasiError{kInval};
  call.mem.bytes(in, static_cast<uint64_t>(n) * kSubscriptionSize);
  call.mem.bytes(out, static_cast<uint64_t>(n) * kEventSize);
  call.mem.bytes(nevents_ptr, 4);
  struct Event {
    uint64_t userdata;
    Errno error;
    uint8_t type;
    uint64_t nbytes;
    uint16_t flags = 0;
  };
  std::vector<Event> ready;
  struct HostRead {
    uint64_t userdata;
    int host_fd;
  };
  std::vector<HostRead> host_reads;
  struct Timer {
    uint64_t userdata;
    uint64_t wait_ns;
  };
  std::vector<Timer> timers;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t s = in + i * kSubscriptionSize;
    uint64_t userdata = call.mem.load<uint64_t>(s);
    uint8_t tag = call.mem.load<uint8_t>(s + 8);
    if (tag == kEventClock) {
      uint32_t id = call.mem.load<uint32_t>(s + 16);
      uint64_t timeout = call.mem.load<uint64_t>(s + 24);
      uint16_t flags = call.mem.load<uint16_t>(s + 40);
      if (id > kClockThreadCputime) {
        ready.push_back({userdata, kInval, kEventClock, 0});
        continue;
      }
      uint64_t wait = timeout;
      if (flags & kSubclockAbstime) {
        uint64_t now = call.ctx.config.wall_clock ? call.ctx.clock_now(id)
                       : id == kClockRealtime      ? call.ctx.virtual_realtime()
                                                   : call.ctx.virtual_ns;
        wait = timeout > now ? timeout - now : 0;
      }
      timers.push_back({userdata, wait});
    } else if (tag == kEventFdRead || tag == kEventFdWrite) {
      uint32_t fd = call.mem.load<uint32_t>(s + 16);
      auto it = call.ctx.fds.find(fd);
      if (it == call.ctx.fds.end()) {
        ready.push_back({userdata, kBadf, tag, 0});
        continue;
      }
      FdEntry& e = *it->second;
      if (!(e.rights_base & kRightPollFdReadwrite) || e.kind == FdEntry::Kind::Directory) {
        ready.push_back({userdata, e.kind == FdEntry::Kind::Directory ? kBadf : kNotCapable, tag, 0});
        continue;
      }
      uint64_t nbytes = 0;
      if (tag == kEventFdRead && e.kind == FdEntry::Kind::Stdio) {
        if (e.stream->kind == WasiStdio::Kind::Buffer) {
          nbytes = e.stream->input.size() - e.stream->input_pos;
        } else if (e.stream->host_fd >= 0) {
          host_reads.push_back({userdata, e.stream->host_fd});
          continue;
        }
      }
      ready.push_back({userdata, kSuccess, tag, nbytes});
    } else {
      throw WasiError{kInval};
    }
  }
  uint64_t wait = UINT64_MAX;
  for (const Timer& t : timers) wait = std::min(wait, t.wait_ns);
  bool waited = false;  // the host poll took the wait (wall_clock)
  if (!host_reads.empty()) {
    // Which host streams have input: asked without waiting when something
    // is ready already, else waiting until the first deadline (or for
    // input, with none). Without wall_clock the host's wait is not virtual
    // time: the deadline then passes in virtual time below, as though no
    // input came.
    int timeout_ms = !ready.empty() ? 0
                     : wait == UINT64_MAX ? -1
                                          : static_cast<int>(std::min<uint64_t>((wait + 999'999) / 1'000'000, INT32_MAX));
    std::vector<pollfd> pfds;
    for (const HostRead& h : host_reads) pfds.push_back({h.host_fd, POLLIN, 0});
    int r;
    while ((r = ::poll(pfds.data(), pfds.size(), timeout_ms)) < 0 && errno == EINTR) {
    }
    for (size_t i = 0; r > 0 && i < pfds.size(); ++i) {
      short ev = pfds[i].revents;
      if (ev & POLLNVAL) {
        ready.push_back({host_reads[i].userdata, kBadf, kEventFdRead, 0});
      } else if (ev & (POLLIN | POLLHUP | POLLERR)) {
        int avail = 0;
        if (::ioctl(pfds[i].fd, FIONREAD, &avail) != 0 || avail < 0) avail = 0;
        ready.push_back({host_reads[i].userdata, kSuccess, kEventFdRead, static_cast<uint64_t>(avail),
                         static_cast<uint16_t>((ev & POLLHUP) ? kEventFdReadwriteHangup : 0)});
      }
    }
    waited = ready.empty() && call.ctx.config.wall_clock;
  }
  if (ready.empty()) {
    if (waited) {
      // poll(2) already slept until the deadline.
    } else if (call.ctx.config.wall_clock) {
      timespec ts{static_cast<time_t>(wait / 1'000'000'000ULL), static_cast<long>(wait % 1'000'000'000ULL)};
      while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    } else {
      call.ctx.advance_clock(wait);
    }
    for (const Timer& t : timers)
      if (t.wait_ns == wait) ready.push_back({t.userdata, kSuccess, kEventClock, 0});
  } else {
    // Timers already due are ready with the descriptors.
    for (const Timer& t : timers)
      if (t.wait_ns == 0) ready.push_back({t.userdata, kSuccess, kEventClock, 0});
  }
  for (size_t i = 0; i < ready.size(); ++i) {
    uint32_t e = out + static_cast<uint32_t>(i) * kEventSize;
    std::fill_n(call.mem.bytes(e, kEventSize).data(), kEventSize, 0);
    call.mem.store<uint64_t>(e, ready[i].userdata);
    call.mem.store<uint16_t>(e + 8, ready[i].error);
    call.mem.store<uint8_t>(e + 10, ready[i].type);
    call.mem.store<uint64_t>(e + 16, ready[i].nbytes);
    call.mem.store<uint16_t>(e + 24, ready[i].flags);
  }
  call.mem.store<uint32_t>(nevents_ptr, static_cast<uint32_t>(ready.size()));
  return kSuccess;
}

Errno proc_exit(WasiCall&, std::span<const Value> a) { throw WasiTrap{Trap::exit(arg_u32(a, 0))}; }

// Signals are not part of the sandbox.
Errno proc_raise(WasiCall&, std::span<const Value>) { return kNoSys; }

Errno sched_yield(WasiCall&, std::span<const Value>) { return kSuccess; }

// No socket is ever handed in: every open descriptor is not a socket.
Errno sock_call(WasiCall& call, std::span<const Value> a) {
  call.ctx.entry(arg_u32(a, 0));
  return kNotSock;
}

}  // namespace

const WasiFunctionDef kWasiProcFunctions[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"random_get", "ii", random_get},
    {"poll_oneoff", "iiii", poll_oneoff},
    {"proc_exit", "i", proc_exit},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield},
    {"sock_accept", "iii", sock_call},
    {"sock_recv", "iiiiii", sock_call},
    {"sock_send", "iiiii", sock_call},
    {"sock_shutdown", "ii", sock_call},
    {nullptr, nullptr, nullptr},
};

}  // namespace detwasm::internal
