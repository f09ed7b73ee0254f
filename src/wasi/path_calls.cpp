// The path_* calls of wasi_snapshot_preview1. Every path is resolved inside
// the directory descriptor it is relative to (path_resolution.hpp); the
// final operation is an *at call on the resolved parent with the last
// component, which never follows a symlink itself.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/path_resolution.hpp"
#include "wasi/wasi_calls.hpp"

namespace detwasm::internal {

using namespace wasi_abi;

namespace {

// A directory descriptor with `rights`; ENOTDIR for anything else.
FdEntry& dir_entry(WasiCall& call, uint32_t fd, uint64_t rights) {
  FdEntry& e = call.ctx.entry(fd);
  if (e.kind != FdEntry::Kind::Directory) throw WasiError{kNotDir};
  return call.ctx.entry(fd, rights);
}

ResolvedPath resolve(WasiCall& call, FdEntry& dir, uint32_t ptr, uint32_t len, bool follow) {
  std::string_view path = call.mem.string(ptr, len);
  call.charge_bytes(path.size());
  return resolve_path(dir.host_fd, path, follow);
}

Errno path_open(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathOpen);
  uint32_t dirflags = arg_u32(a, 1);
  uint32_t oflags = arg_u32(a, 4);
  uint64_t base = arg_u64(a, 5), inheriting = arg_u64(a, 6);
  uint32_t fdflags = arg_u32(a, 7);
  uint32_t out_ptr = arg_u32(a, 8);
  call.mem.bytes(out_ptr, 4);
  if (oflags & ~uint32_t{kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc}) throw WasiError{kInval};
  if (fdflags & ~uint32_t{kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync})
    throw WasiError{kInval};
  // What the open itself changes needs the directory's rights; a right to
  // change the file needs the directory to pass it on (a read-only preopen does not).
  uint64_t needed = 0;
  if (oflags & kOflagCreat) needed |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) needed |= kRightPathFilestatSetSize;
  if ((dir.rights_base & needed) != needed) throw WasiError{kNotCapable};
  if ((base | inheriting) & kRightsChanging & ~dir.rights_inheriting) throw WasiError{kNotCapable};
  base &= dir.rights_inheriting;
  inheriting &= dir.rights_inheriting;

  ResolvedPath rp = resolve(call, dir, arg_u32(a, 2), arg_u32(a, 3), dirflags & kLookupSymlinkFollow);
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if ((oflags & kOflagDirectory) || rp.must_be_dir) flags |= O_DIRECTORY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  bool write = base & (kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize);
  bool read = base & (kRightFdRead | kRightFdReaddir);
  flags |= write && read ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  // A directory asked for with a right to write is EISDIR, from the host.
  int fd = ::openat(rp.parent_fd, rp.name.c_str(), flags, 0666);
  if (fd < 0) throw_host_errno();
  auto e = std::make_unique<FdEntry>();
  e->host_fd = fd;
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_host_errno();  // closes fd through e
  e->filetype = filetype_of(st.st_mode);
  e->fdflags = static_cast<uint16_t>(fdflags);
  if ((oflags & kOflagTrunc) && S_ISREG(st.st_mode)) call.ctx.mark_modified(st.st_dev, st.st_ino);
  if (S_ISDIR(st.st_mode)) {
    e->kind = FdEntry::Kind::Directory;
    e->rights_base = base & kRightsDirectory;
  } else {
    e->kind = FdEntry::Kind::File;
    e->rights_base = base & kRightsFile;
    int host = ::fcntl(fd, F_GETFL);
    int mode = host & O_ACCMODE;
    if (mode == O_RDONLY) e->rights_base &= ~(kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize | kRightFdDatasync);
    if (mode == O_WRONLY) e->rights_base &= ~kRightFdRead;
    if (!S_ISREG(st.st_mode)) e->rights_base &= ~(kRightFdSeek | kRightFdTell);
  }
  e->rights_inheriting = inheriting;
  uint32_t n = call.ctx.insert(std::move(e));
  call.mem.store<uint32_t>(out_ptr, n);
  return kSuccess;
}

Errno path_create_directory(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathCreateDirectory);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 1), arg_u32(a, 2), false);
  if (::mkdirat(rp.parent_fd, rp.name.c_str(), 0777) != 0) throw_host_errno();
  return kSuccess;
}

Errno path_filestat_get(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathFilestatGet);
  uint32_t out = arg_u32(a, 4);
  call.mem.bytes(out, kFilestatSize);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 2), arg_u32(a, 3), arg_u32(a, 1) & kLookupSymlinkFollow);
  struct stat st {};
  if (::fstatat(rp.parent_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw_host_errno();
  if (rp.must_be_dir && !S_ISDIR(st.st_mode)) throw WasiError{kNotDir};
  store_filestat(call, out, st);
  return kSuccess;
}

Errno path_filestat_set_times(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathFilestatSetTimes);
  auto flags = static_cast<uint16_t>(arg_u32(a, 6));
  check_fst_flags(flags);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 2), arg_u32(a, 3), arg_u32(a, 1) & kLookupSymlinkFollow);
  if (call.ctx.config.wall_clock) {
    timespec ts[2] = {host_time(arg_u64(a, 4), flags, kFstAtim, kFstAtimNow),
                      host_time(arg_u64(a, 5), flags, kFstMtim, kFstMtimNow)};
    if (::utimensat(rp.parent_fd, rp.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) throw_host_errno();
    return kSuccess;
  }
  struct stat st {};
  if (::fstatat(rp.parent_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw_host_errno();
  set_virtual_times(call, st, arg_u64(a, 4), arg_u64(a, 5), flags);
  return kSuccess;
}

Errno path_link(WasiCall& call, std::span<const Value> a) {
  FdEntry& old_dir = dir_entry(call, arg_u32(a, 0), kRightPathLinkSource);
  FdEntry& new_dir = dir_entry(call, arg_u32(a, 4), kRightPathLinkTarget);
  ResolvedPath from = resolve(call, old_dir, arg_u32(a, 2), arg_u32(a, 3), arg_u32(a, 1) & kLookupSymlinkFollow);
  ResolvedPath to = resolve(call, new_dir, arg_u32(a, 5), arg_u32(a, 6), false);
  if (to.must_be_dir) throw WasiError{kNoEnt};
  if (::linkat(from.parent_fd, from.name.c_str(), to.parent_fd, to.name.c_str(), 0) != 0) throw_host_errno();
  return kSuccess;
}

Errno path_readlink(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathReadlink);
  auto buf = call.mem.bytes(arg_u32(a, 3), arg_u32(a, 4));
  call.mem.bytes(arg_u32(a, 5), 4);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 1), arg_u32(a, 2), false);
  std::string target(4096, '\0');
  ssize_t n = ::readlinkat(rp.parent_fd, rp.name.c_str(), target.data(), target.size());
  if (n < 0) throw_host_errno();
  size_t take = std::min(static_cast<size_t>(n), buf.size());  // cut to the buffer, as readlink does
  std::copy_n(target.data(), take, buf.data());
  call.charge_bytes(take);
  call.mem.store<uint32_t>(arg_u32(a, 5), static_cast<uint32_t>(take));
  return kSuccess;
}

Errno path_remove_directory(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathRemoveDirectory);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 1), arg_u32(a, 2), false);
  if (rp.name == ".") throw WasiError{kInval};
  struct stat st {};
  bool known = ::fstatat(rp.parent_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (::unlinkat(rp.parent_fd, rp.name.c_str(), AT_REMOVEDIR) != 0) {
    int err = errno;
    throw WasiError{errno_from_host(err == EEXIST ? ENOTEMPTY : err)};
  }
  if (known) call.ctx.forget_inode(st.st_dev, st.st_ino);
  return kSuccess;
}

Errno path_rename(WasiCall& call, std::span<const Value> a) {
  FdEntry& old_dir = dir_entry(call, arg_u32(a, 0), kRightPathRenameSource);
  FdEntry& new_dir = dir_entry(call, arg_u32(a, 3), kRightPathRenameTarget);
  ResolvedPath from = resolve(call, old_dir, arg_u32(a, 1), arg_u32(a, 2), false);
  ResolvedPath to = resolve(call, new_dir, arg_u32(a, 4), arg_u32(a, 5), false);
  if (from.name == "." || to.name == ".") throw WasiError{kBusy};
  if (from.must_be_dir || to.must_be_dir) {
    struct stat st {};
    if (::fstatat(from.parent_fd, from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw_host_errno();
    if (!S_ISDIR(st.st_mode)) throw WasiError{kNotDir};
  }
  struct stat replaced {};
  bool known = ::fstatat(to.parent_fd, to.name.c_str(), &replaced, AT_SYMLINK_NOFOLLOW) == 0;
  if (::renameat(from.parent_fd, from.name.c_str(), to.parent_fd, to.name.c_str()) != 0) throw_host_errno();
  if (known && replaced.st_nlink <= 1) call.ctx.forget_inode(replaced.st_dev, replaced.st_ino);
  return kSuccess;
}

Errno path_symlink(WasiCall& call, std::span<const Value> a) {
  std::string_view target = call.mem.string(arg_u32(a, 0), arg_u32(a, 1));
  FdEntry& dir = dir_entry(call, arg_u32(a, 2), kRightPathSymlink);
  if (target.find('\0') != std::string_view::npos) throw WasiError{kInval};
  // An absolute target could only ever point out of the sandbox.
  if (!target.empty() && target.front() == '/') throw WasiError{kNotCapable};
  std::string target_text(target);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 3), arg_u32(a, 4), false);
  if (rp.must_be_dir) throw WasiError{kNoEnt};
  if (::symlinkat(target_text.c_str(), rp.parent_fd, rp.name.c_str()) != 0) throw_host_errno();
  return kSuccess;
}

Errno path_unlink_file(WasiCall& call, std::span<const Value> a) {
  FdEntry& dir = dir_entry(call, arg_u32(a, 0), kRightPathUnlinkFile);
  ResolvedPath rp = resolve(call, dir, arg_u32(a, 1), arg_u32(a, 2), false);
  if (rp.name == ".") throw WasiError{kIsDir};
  if (rp.must_be_dir) {
    struct stat st {};
    if (::fstatat(rp.parent_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw_host_errno();
    throw WasiError{S_ISDIR(st.st_mode) ? kIsDir : kNotDir};
  }
  struct stat st {};
  bool known = ::fstatat(rp.parent_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (::unlinkat(rp.parent_fd, rp.name.c_str(), 0) != 0) throw_host_errno();
  if (known && st.st_nlink <= 1) call.ctx.forget_inode(st.st_dev, st.st_ino);
  return kSuccess;
}

}  // namespace

const WasiFunctionDef kWasiPathFunctions[] = {
    {"path_create_directory", "iii", path_create_directory},
    {"path_filestat_get", "iiiii", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", path_filestat_set_times},
    {"path_link", "iiiiiii", path_link},
    {"path_open", "iiiiiIIii", path_open},
    {"path_readlink", "iiiiii", path_readlink},
    {"path_remove_directory", "iii", path_remove_directory},
    {"path_rename", "iiiiii", path_rename},
    {"path_symlink", "iiiii", path_symlink},
    {"path_unlink_file", "iii", path_unlink_file},
    {nullptr, nullptr, nullptr},
};

}  // namespace detwasm::internal
