#include "wasi/wasi_context.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace detwasm::internal {

using namespace wasi_abi;

static_assert(std::endian::native == std::endian::little, "guest structures are copied as host words");

Errno errno_from_host(int e) {
  switch (e) {
    case 0: return kSuccess;
    case E2BIG: return k2Big;
    case EACCES: return kAcces;
    case EADDRINUSE: return kAddrInUse;
    case EADDRNOTAVAIL: return kAddrNotAvail;
    case EAFNOSUPPORT: return kAfNoSupport;
    case EAGAIN: return kAgain;
    case EALREADY: return kAlready;
    case EBADF: return kBadf;
    case EBUSY: return kBusy;
    case ECHILD: return kChild;
    case EDEADLK: return kDeadlk;
    case EDOM: return kDom;
    case EDQUOT: return kDquot;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EILSEQ: return kIlseq;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISDIR: return kIsDir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case ENAMETOOLONG: return kNameTooLong;
    case ENFILE: return kNfile;
    case ENODEV: return kNoDev;
    case ENOENT: return kNoEnt;
    case ENOEXEC: return kNoExec;
    case ENOLCK: return kNoLck;
    case ENOMEM: return kNoMem;
    case ENOSPC: return kNoSpc;
    case ENOSYS: return kNoSys;
    case ENOTDIR: return kNotDir;
    case ENOTEMPTY: return kNotEmpty;
    case ENOTSUP: return kNotSup;
    case ENOTTY: return kNotTy;
    case ENXIO: return kNxio;
    case EOVERFLOW: return kOverflow;
    case EPERM: return kPerm;
    case EPIPE: return kPipe;
    case ERANGE: return kRange;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case ETXTBSY: return kTxtBsy;
    case EXDEV: return kXdev;
    default: return kIo;
  }
}

void throw_host_errno() { throw WasiError{errno_from_host(errno)}; }

std::vector<std::span<uint8_t>> guest_iovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count) {
  mem.bytes(iovs, static_cast<uint64_t>(count) * kIovecSize);
  if (count > 1024) throw WasiError{kInval};  // IOV_MAX
  std::vector<std::span<uint8_t>> out;
  out.reserve(count);
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = mem.load<uint32_t>(iovs + i * kIovecSize);
    uint32_t len = mem.load<uint32_t>(iovs + i * kIovecSize + 4);
    out.push_back(mem.bytes(buf, len));
    total += len;
  }
  if (total > UINT32_MAX) throw WasiError{kInval};  // the count returned is a u32
  return out;
}

FdEntry::~FdEntry() {
  if (kind != Kind::Stdio && host_fd >= 0) ::close(host_fd);
}

namespace {

StdioStream open_stream(const WasiStdio& s, int which) {
  StdioStream out;
  out.kind = s.kind;
  switch (s.kind) {
    case WasiStdio::Kind::Inherit: out.host_fd = which; break;
    case WasiStdio::Kind::File: {
      int flags = which == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
      out.host_fd = ::open(s.path.c_str(), flags | O_CLOEXEC, 0644);
      if (out.host_fd < 0)
        throw Error("cannot open '" + s.path + "' for the program's " + (which == 0 ? "stdin" : which == 1 ? "stdout" : "stderr") +
                    ": " + std::strerror(errno));
      out.owned = true;
      break;
    }
    case WasiStdio::Kind::Buffer: out.input = which == 0 ? s.input : std::string(); break;
    case WasiStdio::Kind::Null: break;
  }
  return out;
}

}  // namespace

WasiContext::WasiContext(WasiConfig c) : config(std::move(c)) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  if (config.inherit_env)
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const std::string& e : config.env) {
    if (e.find('=') == std::string::npos || e.front() == '=') throw Error("environment entry '" + e + "' is not NAME=VALUE");
    env.push_back(e);
  }
  for (int i = 0; i < 3; ++i) {
    const WasiStdio& s = i == 0 ? config.stdin_stream : i == 1 ? config.stdout_stream : config.stderr_stream;
    streams[i] = open_stream(s, i);
    auto e = std::make_unique<FdEntry>();
    e->kind = FdEntry::Kind::Stdio;
    e->stream = &streams[i];
    e->filetype = kFiletypeCharacterDevice;
    e->rights_base = kRightsStdio;
    fds[static_cast<uint32_t>(i)] = std::move(e);
  }
  for (const WasiPreopen& p : config.preopens) {
    if (p.guest_path.empty()) throw Error("preopen of '" + p.host_path + "' needs a guest path");
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open directory '" + p.host_path + "': " + std::strerror(errno));
    auto e = std::make_unique<FdEntry>();
    e->kind = FdEntry::Kind::Directory;
    e->host_fd = fd;
    e->filetype = kFiletypeDirectory;
    e->rights_base = kRightsDirectory;
    e->rights_inheriting = kRightsDirectory | kRightsFile;
    if (p.read_only) {
      e->rights_base &= ~kRightsChanging;
      e->rights_inheriting &= ~kRightsChanging;
    }
    e->preopen_name = p.guest_path;
    insert(std::move(e));
  }
  // The random key: BLAKE2b of a domain tag and the seed (little-endian).
  uint8_t seed[8];
  for (int i = 0; i < 8; ++i) seed[i] = static_cast<uint8_t>(config.random_seed >> (8 * i));
  const char tag[] = "detwasm-wasi-random-v1";
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, random_key.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(tag), sizeof tag - 1);
  crypto_generichash_update(&st, seed, sizeof seed);
  crypto_generichash_final(&st, random_key.data(), random_key.size());
}

WasiContext::~WasiContext() {
  fds.clear();
  for (StdioStream& s : streams)
    if (s.owned && s.host_fd >= 0) ::close(s.host_fd);
}

FdEntry& WasiContext::entry(uint32_t fd, uint64_t rights) {
  auto it = fds.find(fd);
  if (it == fds.end()) throw WasiError{kBadf};
  if ((it->second->rights_base & rights) != rights) throw WasiError{kNotCapable};
  return *it->second;
}

uint32_t WasiContext::insert(std::unique_ptr<FdEntry> e) {
  uint32_t fd = 0;
  for (const auto& [n, _] : fds) {
    if (n != fd) break;
    ++fd;
  }
  if (fds.size() >= 16384) throw WasiError{kMfile};
  fds[fd] = std::move(e);
  return fd;
}

uint64_t WasiContext::virtual_inode(uint64_t dev, uint64_t ino) {
  auto [it, added] = inodes.try_emplace({dev, ino}, next_inode);
  if (added) ++next_inode;
  return it->second;
}

VirtualTimes& WasiContext::virtual_times(uint64_t dev, uint64_t ino) {
  auto [it, added] = times.try_emplace({dev, ino});
  if (added) {
    uint64_t now = virtual_realtime();
    it->second = {now, now, now};
  }
  return it->second;
}

void WasiContext::forget_inode(uint64_t dev, uint64_t ino) {
  inodes.erase({dev, ino});
  times.erase({dev, ino});
}

uint64_t WasiContext::clock_now(uint32_t id) {
  if (id > kClockThreadCputime) throw WasiError{kInval};
  if (config.wall_clock) {
    clockid_t host = id == kClockRealtime    ? CLOCK_REALTIME
                     : id == kClockMonotonic ? CLOCK_MONOTONIC
                     : id == kClockProcessCputime ? CLOCK_PROCESS_CPUTIME_ID
                                                  : CLOCK_THREAD_CPUTIME_ID;
    timespec ts{};
    if (::clock_gettime(host, &ts) != 0) throw_host_errno();
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
  }
  uint64_t now = virtual_ns;
  advance_clock(config.clock_step_ns);
  return id == kClockRealtime ? saturating_add(config.clock_start_ns, now) : now;
}

void WasiContext::random_fill(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (config.os_random) {
    randombytes_buf(out.data(), out.size());
    return;
  }
  // The keystream from byte random_offset on, whatever sizes it is asked
  // in, made 64 KiB at a time. The IETF variant's 32-bit block counter
  // covers 256 GiB; past it the stream wraps, deterministically.
  static const uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {};
  std::vector<uint8_t> tmp;
  size_t done = 0;
  while (done < out.size()) {
    uint64_t block = random_offset / 64;
    size_t skip = static_cast<size_t>(random_offset % 64);
    size_t take = std::min<size_t>(out.size() - done, 65536);
    tmp.assign(skip + take, 0);
    crypto_stream_chacha20_ietf_xor_ic(tmp.data(), tmp.data(), tmp.size(), nonce, static_cast<uint32_t>(block),
                                       random_key.data());
    std::memcpy(out.data() + done, tmp.data() + skip, take);
    done += take;
    random_offset += take;
  }
}

}  // namespace detwasm::internal
