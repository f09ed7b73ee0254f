#include "artifact/cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

#include <detwasm/detwasm.hpp>

#include "artifact/byte_stream.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::artifact {

namespace {

constexpr uint8_t kErrorMagic[8] = {0x00, 'd', 'e', 't', 'w', 'e', 'r', 'r'};
constexpr const char* kEntrySuffix = ".entry";

// mkdir that leaves an existing directory alone; new ones are private.
bool make_dir(const std::string& path) { return ::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST; }

bool make_dirs(const std::string& path) {
  for (size_t at = 1; at <= path.size(); ++at) {
    if (at == path.size() || path[at] == '/') {
      if (!make_dir(path.substr(0, at))) return false;
    }
  }
  return true;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A name no other writer, in this process or another, uses at the same time.
std::string temporary_name() {
  static std::atomic<uint64_t> counter{0};
  return ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1)) + "." +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
}

// A temporary file that no writer has touched for ten minutes was left by
// one that died.
bool abandoned(int64_t mtime_ns) {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec - mtime_ns > int64_t{600} * 1'000'000'000;
}

bool write_all(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::optional<ModuleError> read_error_record(std::span<const uint8_t> bytes) {
  if (bytes.size() < sizeof kErrorMagic + 32 || std::memcmp(bytes.data(), kErrorMagic, sizeof kErrorMagic) != 0)
    return std::nullopt;
  std::span<const uint8_t> body = bytes.first(bytes.size() - 32);
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, body.data(), body.size(), nullptr, 0);
  if (sodium_memcmp(digest, bytes.data() + body.size(), 32) != 0) return std::nullopt;
  try {
    ByteReader r(body);
    r.bytes(sizeof kErrorMagic);
    uint8_t kind = r.u8();
    if (kind > static_cast<uint8_t>(ModuleError::Kind::LimitExceeded)) return std::nullopt;
    uint64_t offset = r.u64();
    std::string message = r.string();
    if (r.left() != 0) return std::nullopt;
    return ModuleError(static_cast<ModuleError::Kind>(kind), offset, message);
  } catch (const ArtifactError&) {
    return std::nullopt;
  }
}

ArtifactCache::ArtifactCache(CacheConfig config) : config_(std::move(config)) {
  while (config_.dir.size() > 1 && config_.dir.back() == '/') config_.dir.pop_back();
}

CacheKey ArtifactCache::key(std::span<const uint8_t, 32> module_hash, const EngineConfig& config) {
  CacheKey out;
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out.size());
  const char tag[] = "detwasm-cache-v1 " DETWASM_VERSION;
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(tag), sizeof tag);
  crypto_generichash_update(&st, module_hash.data(), module_hash.size());
  auto identity = config_identity(config);  // target and tier included
  crypto_generichash_update(&st, identity.data(), identity.size());
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

std::string ArtifactCache::path_of(const CacheKey& key) const {
  std::string h = to_hex(key);  // a key is a 32-byte hash, as a module's is
  return config_.dir + "/" + h.substr(0, 2) + "/" + h.substr(2) + kEntrySuffix;
}

std::optional<CacheEntry> ArtifactCache::get(const CacheKey& key) {
  std::string path = path_of(key);
  // Which kind of entry: its magic says. An artifact is left to the loader,
  // which maps it; an error record is small and read here.
  uint8_t magic[sizeof kErrorMagic] = {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  CacheEntry entry;
  if (n == static_cast<ssize_t>(sizeof magic) && std::memcmp(magic, kErrorMagic, sizeof magic) == 0) {
    std::optional<ModuleError> error;
    try {
      error = read_error_record(util::read_bounded(path, 1 << 20, "the error record size limit"));
    } catch (const util::InputError&) {
    }
    if (!error) {
      remove(key);  // a damaged record
      return std::nullopt;
    }
    entry.error = std::move(error);
  } else {
    entry.artifact_path = path;
  }
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // most recently used now
  return entry;
}

void ArtifactCache::put_artifact(const CacheKey& key, std::span<const uint8_t> artifact) { publish(key, artifact); }

void ArtifactCache::put_error(const CacheKey& key, const ModuleError& error) {
  ByteWriter w;
  w.bytes(kErrorMagic);
  w.u8(static_cast<uint8_t>(error.kind()));
  w.u64(error.offset());
  w.string(error.message());
  std::vector<uint8_t>& out = w.buffer();
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, out.data(), out.size(), nullptr, 0);
  out.insert(out.end(), digest, digest + sizeof digest);
  publish(key, out);
}

void ArtifactCache::remove(const CacheKey& key) { ::unlink(path_of(key).c_str()); }

void ArtifactCache::publish(const CacheKey& key, std::span<const uint8_t> bytes) {
  {
    std::lock_guard lock(mutex_);
    if (!writable_) return;
  }
  if (bytes.size() > config_.max_bytes) return;  // it would evict everything, itself included
  std::string path = path_of(key);
  std::string dir = path.substr(0, path.rfind('/'));
  if (!make_dirs(dir)) return warn("cannot create " + dir + ": " + std::strerror(errno));
  std::string tmp = dir + "/" + temporary_name();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return warn("cannot write in " + dir + ": " + std::strerror(errno));
  bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    return warn("cannot write " + path + ": " + std::strerror(saved));
  }
  fsync_dir(dir);
  evict_beyond_bound();
}

void ArtifactCache::warn(const std::string& what) {
  std::lock_guard lock(mutex_);
  writable_ = false;
  if (!warning_) warning_ = "the compile cache is not used: " + what;
}

std::optional<std::string> ArtifactCache::warning() const {
  std::lock_guard lock(mutex_);
  return warning_;
}

std::vector<ArtifactCache::File> ArtifactCache::entry_files() const {
  std::vector<File> files;
  DIR* top = ::opendir(config_.dir.c_str());
  if (!top) return files;
  while (dirent* d = ::readdir(top)) {
    std::string name = d->d_name;
    if (name.size() != 2 || name.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
    std::string sub = config_.dir + "/" + name;
    DIR* inner = ::opendir(sub.c_str());
    if (!inner) continue;
    while (dirent* e = ::readdir(inner)) {
      std::string file = e->d_name;
      if (file == "." || file == "..") continue;
      struct stat st {};
      std::string path = sub + "/" + file;
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
      bool temporary = file.starts_with(".tmp.");
      files.push_back({path, static_cast<uint64_t>(st.st_size), mtime_ns, file.ends_with(kEntrySuffix),
                       temporary && !abandoned(mtime_ns)});
    }
    ::closedir(inner);
  }
  ::closedir(top);
  return files;
}

void ArtifactCache::evict_beyond_bound() {
  std::vector<File> files = entry_files();
  uint64_t total = 0;
  for (const File& f : files) total += f.size;
  if (total <= config_.max_bytes) return;
  // Oldest first, down to 90% of the bound so that the next few writes do
  // not each scan the directory again.
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.mtime_ns < b.mtime_ns; });
  uint64_t target = config_.max_bytes / 10 * 9;
  for (const File& f : files) {
    if (total <= target) break;
    if (f.in_flight) continue;
    if (::unlink(f.path.c_str()) == 0) total -= f.size;
  }
}

CacheStats ArtifactCache::stats() {
  CacheStats s;
  s.max_bytes = config_.max_bytes;
  for (const File& f : entry_files()) {
    if (!f.entry) continue;
    ++s.entries;
    s.bytes += f.size;
  }
  return s;
}

uint64_t ArtifactCache::verify(const std::function<bool(std::span<const uint8_t>)>& valid_artifact) {
  uint64_t removed = 0;
  for (const File& f : entry_files()) {
    bool good = f.in_flight;
    if (f.entry) {
      try {
        std::vector<uint8_t> bytes = util::read_bounded(f.path, std::max<uint64_t>(config_.max_bytes, 1), "");
        good = read_error_record(bytes).has_value() || valid_artifact(bytes);
      } catch (const util::InputError&) {
      }
    }
    if (!good && ::unlink(f.path.c_str()) == 0) ++removed;
  }
  return removed;
}

void ArtifactCache::clear() {
  for (const File& f : entry_files())
    if (!f.in_flight) ::unlink(f.path.c_str());
}

}  // namespace detwasm::artifact
