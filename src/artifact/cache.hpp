// The content-addressed store of compiled modules on disk. An entry's key
// is a hash of the module's hash, the engine version, the target and the
// configuration identity, so a module compiled once under one configuration
// is found by every process with the same one, and never by another.
//
// An entry is an artifact (artifact.hpp) or the record of a compile error
// (a module that is invalid stays invalid). Publication is atomic: a
// temporary file in the entry's directory, fsync, rename, fsync of the
// directory; a reader sees a whole entry or none. Any number of processes
// and threads may read and write at once. A file that is not a valid entry
// is ignored and replaced, never trusted. Beyond the size bound, the least
// recently used entries are removed (a hit refreshes an entry's time).
//
// Trouble with the directory (a full disk, no permission) never fails a
// compile: the cache then stops writing and keeps one warning.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <detwasm/config.hpp>
#include <detwasm/errors.hpp>

namespace detwasm::artifact {

using CacheKey = std::array<uint8_t, 32>;

// What a lookup found.
struct CacheEntry {
  std::string artifact_path;             // an artifact's file (artifact::read_file maps it), or
  std::optional<ModuleError> error;      // the module's compile error
};

struct CacheStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t max_bytes = 0;
};

class ArtifactCache {
 public:
  explicit ArtifactCache(CacheConfig config);

  static CacheKey key(std::span<const uint8_t, 32> module_hash, const EngineConfig& config);

  // The entry for `key`, if there is a valid one. An entry that is damaged
  // (a record that does not parse) is removed and reported as a miss; an
  // artifact's own checks are the loader's (artifact::read).
  std::optional<CacheEntry> get(const CacheKey& key);
  void put_artifact(const CacheKey& key, std::span<const uint8_t> artifact);
  void put_error(const CacheKey& key, const ModuleError& error);
  // Removes an entry the loader refused.
  void remove(const CacheKey& key);

  CacheStats stats();
  // Reads every entry, removes those that are neither an error record nor an
  // artifact `valid_artifact` accepts (and files that are not entries), and
  // returns how many it removed.
  uint64_t verify(const std::function<bool(std::span<const uint8_t>)>& valid_artifact);
  void clear();

  // The one warning about trouble with the directory, if there was some.
  std::optional<std::string> warning() const;
  const std::string& dir() const { return config_.dir; }

 private:
  std::string path_of(const CacheKey& key) const;
  void publish(const CacheKey& key, std::span<const uint8_t> bytes);
  void evict_beyond_bound();
  void warn(const std::string& what);
  // A file in the cache's directories: an entry, another writer's
  // temporary file still being written (left alone), or neither.
  struct File {
    std::string path;
    uint64_t size;
    int64_t mtime_ns;
    bool entry;
    bool in_flight;
  };
  std::vector<File> entry_files() const;

  CacheConfig config_;
  mutable std::mutex mutex_;
  std::optional<std::string> warning_;
  bool writable_ = true;
};

// Whether `bytes` are a compile-error record, and its error.
std::optional<ModuleError> read_error_record(std::span<const uint8_t> bytes);

}  // namespace detwasm::artifact
