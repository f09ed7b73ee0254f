// The fd_* calls of wasi_snapshot_preview1.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/wasi_calls.hpp"

namespace detwasm::internal {

using namespace wasi_abi;

uint8_t filetype_of(mode_t mode) {
  if (S_ISREG(mode)) return kFiletypeRegularFile;
  if (S_ISDIR(mode)) return kFiletypeDirectory;
  if (S_ISLNK(mode)) return kFiletypeSymbolicLink;
  if (S_ISCHR(mode)) return kFiletypeCharacterDevice;
  if (S_ISBLK(mode)) return kFiletypeBlockDevice;
  if (S_ISSOCK(mode)) return kFiletypeSocketStream;
  return kFiletypeUnknown;
}

void store_filestat(WasiCall& call, uint32_t ptr, const struct stat& st) {
  call.mem.bytes(ptr, kFilestatSize);
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(t.tv_nsec);
  };
  // Host times only when the host opted in: they differ from run to run.
  bool host = call.ctx.config.wall_clock;
  const VirtualTimes& vt = call.ctx.virtual_times(st.st_dev, st.st_ino);
  call.mem.store<uint64_t>(ptr + 0, 0);  // one virtual device
  call.mem.store<uint64_t>(ptr + 8, call.ctx.virtual_inode(st.st_dev, st.st_ino));
  call.mem.store<uint64_t>(ptr + 16, 0);
  call.mem.store<uint8_t>(ptr + 16, filetype_of(st.st_mode));
  call.mem.store<uint64_t>(ptr + 24, static_cast<uint64_t>(st.st_nlink));
  call.mem.store<uint64_t>(ptr + 32, static_cast<uint64_t>(st.st_size));
  call.mem.store<uint64_t>(ptr + 40, host ? ns(st.st_atim) : vt.atim);
  call.mem.store<uint64_t>(ptr + 48, host ? ns(st.st_mtim) : vt.mtim);
  call.mem.store<uint64_t>(ptr + 56, host ? ns(st.st_ctim) : vt.ctim);
}

void set_virtual_times(WasiCall& call, const struct stat& st, uint64_t atim, uint64_t mtim, uint16_t flags) {
  VirtualTimes& vt = call.ctx.virtual_times(st.st_dev, st.st_ino);
  uint64_t now = call.ctx.virtual_realtime();
  if (flags & kFstAtim) vt.atim = atim;
  if (flags & kFstAtimNow) vt.atim = now;
  if (flags & kFstMtim) vt.mtim = mtim;
  if (flags & kFstMtimNow) vt.mtim = now;
  if (flags) vt.ctim = now;
}

// A write or a size change sets the file's virtual mtime and ctime to the
// virtual now, as the host's would move (without wall_clock, the guest never
// sees the host's).
static void mark_modified(WasiCall& call, FdEntry& e) {
  if (call.ctx.config.wall_clock || e.kind != FdEntry::Kind::File) return;
  struct stat st {};
  if (::fstat(e.host_fd, &st) == 0) call.ctx.mark_modified(st.st_dev, st.st_ino);
}

timespec host_time(uint64_t value, uint16_t flags, uint16_t set, uint16_t now) {
  timespec t{};
  if (flags & now) {
    t.tv_nsec = UTIME_NOW;
  } else if (flags & set) {
    t.tv_sec = static_cast<time_t>(value / 1'000'000'000ULL);
    t.tv_nsec = static_cast<long>(value % 1'000'000'000ULL);
  } else {
    t.tv_nsec = UTIME_OMIT;
  }
  return t;
}

void check_fst_flags(uint16_t flags) {
  if (flags & ~(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) throw WasiError{kInval};
  if ((flags & kFstAtim) && (flags & kFstAtimNow)) throw WasiError{kInval};
  if ((flags & kFstMtim) && (flags & kFstMtimNow)) throw WasiError{kInval};
}

namespace {

size_t total_length(const std::vector<std::span<uint8_t>>& iovs) {
  size_t n = 0;
  for (auto& v : iovs) n += v.size();
  return n;
}

std::vector<iovec> host_iovecs(const std::vector<std::span<uint8_t>>& iovs) {
  std::vector<iovec> out;
  for (auto& v : iovs)
    if (!v.empty()) out.push_back({v.data(), v.size()});
  return out;
}

// Reads from a standard stream into the iovecs.
size_t read_stream(StdioStream& s, const std::vector<std::span<uint8_t>>& iovs) {
  switch (s.kind) {
    case WasiStdio::Kind::Null: return 0;
    case WasiStdio::Kind::Buffer: {
      size_t n = 0;
      for (auto& v : iovs) {
        size_t take = std::min(v.size(), s.input.size() - s.input_pos);
        std::copy_n(s.input.data() + s.input_pos, take, v.data());
        s.input_pos += take;
        n += take;
      }
      return n;
    }
    case WasiStdio::Kind::Inherit:
    case WasiStdio::Kind::File: {
      std::vector<iovec> h = host_iovecs(iovs);
      if (h.empty()) return 0;
      ssize_t r;
      do r = ::readv(s.host_fd, h.data(), static_cast<int>(h.size()));
      while (r < 0 && errno == EINTR);
      if (r < 0) throw_host_errno();
      return static_cast<size_t>(r);
    }
  }
  return 0;
}

// Writes every byte to a standard stream (a short write would lose output
// the program believes written).
size_t write_stream(StdioStream& s, const std::vector<std::span<uint8_t>>& iovs) {
  size_t total = total_length(iovs);
  switch (s.kind) {
    case WasiStdio::Kind::Null: break;
    case WasiStdio::Kind::Buffer:
      for (auto& v : iovs) s.output.append(reinterpret_cast<const char*>(v.data()), v.size());
      break;
    case WasiStdio::Kind::Inherit:
    case WasiStdio::Kind::File:
      for (auto& v : iovs) {
        size_t done = 0;
        while (done < v.size()) {
          ssize_t r = ::write(s.host_fd, v.data() + done, v.size() - done);
          if (r < 0 && errno == EINTR) continue;
          if (r < 0) throw_host_errno();
          done += static_cast<size_t>(r);
        }
      }
      break;
  }
  return total;
}

FdEntry& file_entry(WasiCall& call, uint32_t fd, uint64_t rights) {
  FdEntry& e = call.ctx.entry(fd, rights);
  if (e.kind == FdEntry::Kind::Stdio) throw WasiError{kSpipe};
  if (e.kind == FdEntry::Kind::Directory) throw WasiError{kIsDir};
  return e;
}

Errno fd_read(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (e.kind == FdEntry::Kind::Directory) throw WasiError{kIsDir};
  call.ctx.entry(arg_u32(a, 0), kRightFdRead);
  auto iovs = guest_iovecs(call.mem, arg_u32(a, 1), arg_u32(a, 2));
  call.mem.bytes(arg_u32(a, 3), 4);
  size_t n;
  if (e.kind == FdEntry::Kind::Stdio) {
    n = read_stream(*e.stream, iovs);
  } else {
    std::vector<iovec> h = host_iovecs(iovs);
    ssize_t r = h.empty() ? 0 : ::readv(e.host_fd, h.data(), static_cast<int>(h.size()));
    if (r < 0) throw_host_errno();
    n = static_cast<size_t>(r);
  }
  call.charge_bytes(n);
  call.mem.store<uint32_t>(arg_u32(a, 3), static_cast<uint32_t>(n));
  return kSuccess;
}

Errno fd_write(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (e.kind == FdEntry::Kind::Directory) throw WasiError{kIsDir};
  call.ctx.entry(arg_u32(a, 0), kRightFdWrite);
  auto iovs = guest_iovecs(call.mem, arg_u32(a, 1), arg_u32(a, 2));
  call.mem.bytes(arg_u32(a, 3), 4);
  call.charge_bytes(total_length(iovs));  // before the bytes leave: output cannot be taken back
  size_t n;
  if (e.kind == FdEntry::Kind::Stdio) {
    n = write_stream(*e.stream, iovs);
  } else {
    std::vector<iovec> h = host_iovecs(iovs);
    ssize_t r = h.empty() ? 0 : ::writev(e.host_fd, h.data(), static_cast<int>(h.size()));
    if (r < 0) throw_host_errno();
    n = static_cast<size_t>(r);
    if (n > 0) mark_modified(call, e);
  }
  call.mem.store<uint32_t>(arg_u32(a, 3), static_cast<uint32_t>(n));
  return kSuccess;
}

Errno fd_pread(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = file_entry(call, arg_u32(a, 0), kRightFdRead | kRightFdSeek);
  auto iovs = guest_iovecs(call.mem, arg_u32(a, 1), arg_u32(a, 2));
  uint64_t offset = arg_u64(a, 3);
  call.mem.bytes(arg_u32(a, 4), 4);
  if (offset > static_cast<uint64_t>(INT64_MAX)) throw WasiError{kInval};
  std::vector<iovec> h = host_iovecs(iovs);
  ssize_t r = h.empty() ? 0 : ::preadv(e.host_fd, h.data(), static_cast<int>(h.size()), static_cast<off_t>(offset));
  if (r < 0) throw_host_errno();
  call.charge_bytes(static_cast<uint64_t>(r));
  call.mem.store<uint32_t>(arg_u32(a, 4), static_cast<uint32_t>(r));
  return kSuccess;
}

Errno fd_pwrite(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = file_entry(call, arg_u32(a, 0), kRightFdWrite | kRightFdSeek);
  auto iovs = guest_iovecs(call.mem, arg_u32(a, 1), arg_u32(a, 2));
  uint64_t offset = arg_u64(a, 3);
  call.mem.bytes(arg_u32(a, 4), 4);
  if (offset > static_cast<uint64_t>(INT64_MAX)) throw WasiError{kInval};
  call.charge_bytes(total_length(iovs));
  std::vector<iovec> h = host_iovecs(iovs);
  ssize_t r = h.empty() ? 0 : ::pwritev(e.host_fd, h.data(), static_cast<int>(h.size()), static_cast<off_t>(offset));
  if (r < 0) throw_host_errno();
  if (r > 0) mark_modified(call, e);
  call.mem.store<uint32_t>(arg_u32(a, 4), static_cast<uint32_t>(r));
  return kSuccess;
}

Errno fd_seek(WasiCall& call, std::span<const Value> a) {
  auto offset = static_cast<int64_t>(arg_u64(a, 1));
  uint32_t whence = arg_u32(a, 2) & 0xff;
  // Asking where one is needs only fd_tell.
  uint64_t rights = (offset == 0 && whence == kWhenceCur) ? kRightFdTell : kRightFdSeek;
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (e.kind == FdEntry::Kind::Stdio) throw WasiError{kSpipe};
  call.ctx.entry(arg_u32(a, 0), rights);
  call.mem.bytes(arg_u32(a, 3), 8);
  int how = whence == kWhenceSet ? SEEK_SET : whence == kWhenceCur ? SEEK_CUR : whence == kWhenceEnd ? SEEK_END : -1;
  if (how < 0 || arg_u32(a, 2) > 0xff) throw WasiError{kInval};
  off_t r = ::lseek(e.host_fd, static_cast<off_t>(offset), how);
  if (r < 0) throw_host_errno();
  call.mem.store<uint64_t>(arg_u32(a, 3), static_cast<uint64_t>(r));
  return kSuccess;
}

Errno fd_tell(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (e.kind == FdEntry::Kind::Stdio) throw WasiError{kSpipe};
  call.ctx.entry(arg_u32(a, 0), kRightFdTell);
  call.mem.bytes(arg_u32(a, 1), 8);
  off_t r = ::lseek(e.host_fd, 0, SEEK_CUR);
  if (r < 0) throw_host_errno();
  call.mem.store<uint64_t>(arg_u32(a, 1), static_cast<uint64_t>(r));
  return kSuccess;
}

Errno fd_close(WasiCall& call, std::span<const Value> a) {
  call.ctx.entry(arg_u32(a, 0));
  call.ctx.fds.erase(arg_u32(a, 0));
  return kSuccess;
}

Errno fd_renumber(WasiCall& call, std::span<const Value> a) {
  uint32_t from = arg_u32(a, 0), to = arg_u32(a, 1);
  call.ctx.entry(from);
  call.ctx.entry(to);
  if (from == to) return kSuccess;
  call.ctx.fds[to] = std::move(call.ctx.fds[from]);
  call.ctx.fds.erase(from);
  return kSuccess;
}

Errno fd_fdstat_get(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  uint32_t p = arg_u32(a, 1);
  call.mem.bytes(p, kFdstatSize);
  call.mem.store<uint64_t>(p, 0);
  call.mem.store<uint8_t>(p, e.filetype);
  call.mem.store<uint16_t>(p + 2, e.fdflags);
  call.mem.store<uint64_t>(p + 8, e.rights_base);
  call.mem.store<uint64_t>(p + 16, e.rights_inheriting);
  return kSuccess;
}

Errno fd_fdstat_set_flags(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0), kRightFdFdstatSetFlags);
  uint32_t flags = arg_u32(a, 1);
  if (flags & ~uint32_t{kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync})
    throw WasiError{kInval};
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) throw WasiError{kNotSup};  // fixed at open
  // A standard stream keeps the flags as a record only: the host's own streams are not changed.
  if (e.kind != FdEntry::Kind::Stdio) {
    int host = ::fcntl(e.host_fd, F_GETFL);
    if (host < 0) throw_host_errno();
    host &= ~(O_APPEND | O_NONBLOCK);
    if (flags & kFdflagAppend) host |= O_APPEND;
    if (flags & kFdflagNonblock) host |= O_NONBLOCK;
    if (::fcntl(e.host_fd, F_SETFL, host) < 0) throw_host_errno();
  }
  e.fdflags = static_cast<uint16_t>(flags);
  return kSuccess;
}

Errno fd_fdstat_set_rights(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  uint64_t base = arg_u64(a, 1), inheriting = arg_u64(a, 2);
  // Rights only shrink.
  if ((base & ~e.rights_base) || (inheriting & ~e.rights_inheriting)) throw WasiError{kNotCapable};
  e.rights_base = base;
  e.rights_inheriting = inheriting;
  return kSuccess;
}

Errno fd_filestat_get(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0), kRightFdFilestatGet);
  uint32_t p = arg_u32(a, 1);
  call.mem.bytes(p, kFilestatSize);
  if (e.kind == FdEntry::Kind::Stdio) {
    std::fill_n(call.mem.bytes(p, kFilestatSize).data(), kFilestatSize, 0);
    call.mem.store<uint8_t>(p + 16, kFiletypeCharacterDevice);
    call.mem.store<uint64_t>(p + 24, 1);
    return kSuccess;
  }
  struct stat st {};
  if (::fstat(e.host_fd, &st) != 0) throw_host_errno();
  store_filestat(call, p, st);
  return kSuccess;
}

Errno fd_filestat_set_size(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = file_entry(call, arg_u32(a, 0), kRightFdFilestatSetSize);
  uint64_t size = arg_u64(a, 1);
  if (size > static_cast<uint64_t>(INT64_MAX)) throw WasiError{kInval};
  if (::ftruncate(e.host_fd, static_cast<off_t>(size)) != 0) throw_host_errno();
  mark_modified(call, e);
  return kSuccess;
}

Errno fd_filestat_set_times(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0), kRightFdFilestatSetTimes);
  auto flags = static_cast<uint16_t>(arg_u32(a, 3));
  check_fst_flags(flags);
  if (e.kind == FdEntry::Kind::Stdio) throw WasiError{kBadf};
  if (call.ctx.config.wall_clock) {
    timespec ts[2] = {host_time(arg_u64(a, 1), flags, kFstAtim, kFstAtimNow),
                      host_time(arg_u64(a, 2), flags, kFstMtim, kFstMtimNow)};
    if (::futimens(e.host_fd, ts) != 0) throw_host_errno();
    return kSuccess;
  }
  struct stat st {};
  if (::fstat(e.host_fd, &st) != 0) throw_host_errno();
  set_virtual_times(call, st, arg_u64(a, 1), arg_u64(a, 2), flags);
  return kSuccess;
}

Errno fd_advise(WasiCall& call, std::span<const Value> a) {
  file_entry(call, arg_u32(a, 0), kRightFdAdvise);
  if (arg_u32(a, 3) > 5) throw WasiError{kInval};
  return kSuccess;  // advice only: nothing the program can observe
}

Errno fd_allocate(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = file_entry(call, arg_u32(a, 0), kRightFdAllocate);
  uint64_t offset = arg_u64(a, 1), len = arg_u64(a, 2);
  if (len == 0 || offset > static_cast<uint64_t>(INT64_MAX) - len) throw WasiError{kInval};
  struct stat st {};
  if (::fstat(e.host_fd, &st) != 0) throw_host_errno();
  // Only the size is observable, so extending it is the portable allocation.
  if (static_cast<uint64_t>(st.st_size) < offset + len) {
    if (::ftruncate(e.host_fd, static_cast<off_t>(offset + len)) != 0) throw_host_errno();
    mark_modified(call, e);
  }
  return kSuccess;
}

Errno fd_datasync(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = file_entry(call, arg_u32(a, 0), kRightFdDatasync);
#ifdef __APPLE__
  if (::fsync(e.host_fd) != 0) throw_host_errno();
#else
  if (::fdatasync(e.host_fd) != 0) throw_host_errno();
#endif
  return kSuccess;
}

Errno fd_sync(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0), kRightFdSync);
  if (e.kind == FdEntry::Kind::Stdio) return kSuccess;
  if (::fsync(e.host_fd) != 0 && e.kind != FdEntry::Kind::Directory) throw_host_errno();
  return kSuccess;
}

Errno fd_prestat_get(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (!e.preopen_name) throw WasiError{kBadf};
  uint32_t p = arg_u32(a, 1);
  call.mem.bytes(p, kPrestatSize);
  call.mem.store<uint32_t>(p, 0);
  call.mem.store<uint8_t>(p, kPreopentypeDir);
  call.mem.store<uint32_t>(p + 4, static_cast<uint32_t>(e.preopen_name->size()));
  return kSuccess;
}

Errno fd_prestat_dir_name(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0));
  if (!e.preopen_name) throw WasiError{kBadf};
  auto out = call.mem.bytes(arg_u32(a, 1), arg_u32(a, 2));
  if (out.size() < e.preopen_name->size()) throw WasiError{kNameTooLong};
  std::copy(e.preopen_name->begin(), e.preopen_name->end(), out.begin());
  return kSuccess;
}

// Reads the whole directory, sorted by name, so that listings do not depend
// on the host's file system order.
void read_listing(FdEntry& e) {
  int fd = ::openat(e.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_host_errno();
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    throw_host_errno();
  }
  std::vector<std::pair<std::string, uint8_t>> names;
  errno = 0;
  while (dirent* d = ::readdir(dir)) names.emplace_back(d->d_name, 0);
  int err = errno;
  ::closedir(dir);
  if (err) throw WasiError{errno_from_host(err)};
  std::sort(names.begin(), names.end());
  for (auto& [name, type] : names) {
    struct stat st {};
    type = ::fstatat(e.host_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? filetype_of(st.st_mode)
                                                                              : uint8_t{kFiletypeUnknown};
  }
  e.listing = std::move(names);
  e.listing_valid = true;
}

Errno fd_readdir(WasiCall& call, std::span<const Value> a) {
  FdEntry& e = call.ctx.entry(arg_u32(a, 0), kRightFdReaddir);
  if (e.kind != FdEntry::Kind::Directory) throw WasiError{kNotDir};
  auto buf = call.mem.bytes(arg_u32(a, 1), arg_u32(a, 2));
  uint64_t cookie = arg_u64(a, 3);
  call.mem.bytes(arg_u32(a, 4), 4);
  if (cookie == 0 || !e.listing_valid) read_listing(e);
  size_t used = 0;
  for (uint64_t i = cookie; i < e.listing.size() && used < buf.size(); ++i) {
    const auto& [name, type] = e.listing[i];
    struct stat st {};
    uint64_t ino = ::fstatat(e.host_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0
                       ? call.ctx.virtual_inode(st.st_dev, st.st_ino)
                       : 0;
    std::vector<uint8_t> rec(kDirentSize + name.size(), 0);
    uint64_t next = i + 1;
    auto namlen = static_cast<uint32_t>(name.size());
    std::memcpy(rec.data(), &next, 8);
    std::memcpy(rec.data() + 8, &ino, 8);
    std::memcpy(rec.data() + 16, &namlen, 4);
    rec[20] = type;
    std::memcpy(rec.data() + kDirentSize, name.data(), name.size());
    // The last record may be cut short: a full buffer tells the reader to ask again.
    size_t take = std::min(rec.size(), buf.size() - used);
    std::memcpy(buf.data() + used, rec.data(), take);
    used += take;
  }
  call.charge_bytes(used);
  call.mem.store<uint32_t>(arg_u32(a, 4), static_cast<uint32_t>(used));
  return kSuccess;
}

}  // namespace

const WasiFunctionDef kWasiFdFunctions[] = {
    {"fd_advise", "iIIi", fd_advise},
    {"fd_allocate", "iII", fd_allocate},
    {"fd_close", "i", fd_close},
    {"fd_datasync", "i", fd_datasync},
    {"fd_fdstat_get", "ii", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", fd_filestat_get},
    {"fd_filestat_set_size", "iI", fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", fd_filestat_set_times},
    {"fd_pread", "iiiIi", fd_pread},
    {"fd_prestat_get", "ii", fd_prestat_get},
    {"fd_prestat_dir_name", "iii", fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", fd_pwrite},
    {"fd_read", "iiii", fd_read},
    {"fd_readdir", "iiiIi", fd_readdir},
    {"fd_renumber", "ii", fd_renumber},
    {"fd_seek", "iIii", fd_seek},
    {"fd_sync", "i", fd_sync},
    {"fd_tell", "ii", fd_tell},
    {"fd_write", "iiii", fd_write},
    {nullptr, nullptr, nullptr},
};

}  // namespace detwasm::internal
