// Sandboxed path resolution: a guest path is walked one component at a time
// from a directory descriptor, never handed to the OS as a string. Each
// directory on the way is opened with openat(O_NOFOLLOW | O_DIRECTORY), so
// a component swapped for a symlink between check and use fails rather
// than escapes; symlinks are followed by reading them and resolving their
// target the same way (at most kMaxSymlinks of them). `..` may not climb
// above the starting directory, and absolute paths (in the guest path or a
// symlink's target) are refused: both ENOTCAPABLE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wasi/wasi_abi.hpp"

namespace detwasm::internal {

constexpr int kMaxSymlinks = 40;

// The directory that holds a path's last component, and that component.
// `parent_fd` is owned (closed by the destructor) unless it is the start.
class ResolvedPath {
 public:
  ResolvedPath() = default;
  ResolvedPath(ResolvedPath&& other) noexcept;
  ResolvedPath& operator=(ResolvedPath&&) = delete;
  ~ResolvedPath();

  int parent_fd = -1;
  std::string name;          // "." when the path names the directory itself
  bool must_be_dir = false;  // the path ended in '/'
  bool owned = false;
};

// Resolves `path` from `dir_fd`. With `follow_last`, a symlink in the last
// position is followed too. Throws WasiError (ENOENT, ENOTDIR, ELOOP,
// ENOTCAPABLE, EINVAL for a NUL byte, ...).
ResolvedPath resolve_path(int dir_fd, std::string_view path, bool follow_last);

}  // namespace detwasm::internal
