#include "wasi/path_resolution.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "wasi/wasi_context.hpp"

namespace detwasm::internal {

using namespace wasi_abi;

ResolvedPath::ResolvedPath(ResolvedPath&& other) noexcept
    : parent_fd(other.parent_fd), name(std::move(other.name)), must_be_dir(other.must_be_dir), owned(other.owned) {
  other.owned = false;
  other.parent_fd = -1;
}

ResolvedPath::~ResolvedPath() {
  if (owned && parent_fd >= 0) ::close(parent_fd);
}

namespace {

// Splits on '/', dropping empty components (a//b is a/b).
void push_components(std::deque<std::string>& queue, std::string_view path) {
  std::deque<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  queue.insert(queue.begin(), parts.begin(), parts.end());
}

// The target of `name` in `dir` if it is a symlink.
std::optional<std::string> read_symlink(int dir, const std::string& name) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
    if (n < 0) return std::nullopt;
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (buf.size() >= 65536) throw WasiError{kNameTooLong};
    buf.resize(buf.size() * 2);
  }
}

// The stack of directories walked: the start (borrowed) then owned fds.
class DirStack {
 public:
  explicit DirStack(int start) { fds_.push_back(start); }
  ~DirStack() {
    for (size_t i = 1; i < fds_.size(); ++i) ::close(fds_[i]);
  }
  int top() const { return fds_.back(); }
  void push(int fd) { fds_.push_back(fd); }
  void pop() {
    if (fds_.size() == 1) throw WasiError{kNotCapable};  // `..` above the start
    ::close(fds_.back());
    fds_.pop_back();
  }
  // Hands the top over to the caller; the rest is closed.
  std::pair<int, bool> release_top() {
    int fd = fds_.back();
    bool owned = fds_.size() > 1;
    if (owned) fds_.pop_back();
    return {fd, owned};
  }

 private:
  std::vector<int> fds_;
};

}  // namespace

ResolvedPath resolve_path(int dir_fd, std::string_view path, bool follow_last) {
  if (path.find('\0') != std::string_view::npos) throw WasiError{kInval};
  if (path.empty()) throw WasiError{kNoEnt};
  if (path.front() == '/') throw WasiError{kNotCapable};
  std::deque<std::string> queue;
  push_components(queue, path);
  bool must_be_dir = path.back() == '/';
  if (queue.empty()) queue.push_back(".");
  DirStack dirs(dir_fd);
  int symlinks = 0;

  auto expand_symlink = [&](const std::string& target) {
    if (++symlinks > kMaxSymlinks) throw WasiError{kLoop};
    if (target.empty()) throw WasiError{kNoEnt};
    if (target.front() == '/') throw WasiError{kNotCapable};  // would leave the sandbox
    if (target.back() == '/' && queue.empty()) must_be_dir = true;
    push_components(queue, target);
    if (queue.empty()) queue.push_back(".");
  };

  for (;;) {
    std::string component = std::move(queue.front());
    queue.pop_front();
    bool last = queue.empty();
    if (component == ".") {
      if (last) break;
      continue;
    }
    if (component == "..") {
      dirs.pop();
      if (last) break;  // the directory itself: "."
      continue;
    }
    if (last) {
      if (follow_last) {
        if (auto target = read_symlink(dirs.top(), component)) {
          expand_symlink(*target);
          continue;
        }
      }
      queue.push_front(std::move(component));  // the final name
      break;
    }
    int fd = ::openat(dirs.top(), component.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      dirs.push(fd);
      continue;
    }
    int err = errno;
    if (err == ELOOP || err == ENOTDIR || err == EMLINK) {
      if (auto target = read_symlink(dirs.top(), component)) {
        expand_symlink(*target);
        continue;
      }
    }
    throw WasiError{errno_from_host(err == EMLINK ? ELOOP : err)};
  }

  ResolvedPath out;
  out.name = queue.empty() ? std::string(".") : std::move(queue.front());
  out.must_be_dir = must_be_dir;
  auto [fd, owned] = dirs.release_top();
  out.parent_fd = fd;
  out.owned = owned;
  return out;
}

}  // namespace detwasm::internal
