#include <cstdio>

#include "artifact/artifact.hpp"
#include "artifact/cache.hpp"
#include "cli/commands.hpp"

namespace detwasm::cli {

// stats: entries and bytes; verify: every entry read and checked, the bad
// ones removed; clear: every entry removed.
int cache_command(const Args& args) {
  CacheConfig config;
  config.dir = args.cache_dir;
  artifact::ArtifactCache cache(config);
  const std::string& what = args.files.front();
  if (what == "stats") {
    artifact::CacheStats s = cache.stats();
    std::printf("%s: %llu entries, %llu bytes\n", cache.dir().c_str(), static_cast<unsigned long long>(s.entries),
                static_cast<unsigned long long>(s.bytes));
  } else if (what == "verify") {
    // An artifact is checked as far as it can be without the engine that
    // wrote it: whole, with its digest matching.
    uint64_t removed = cache.verify([](std::span<const uint8_t> bytes) {
      try {
        artifact::module_hash(bytes);
        return true;
      } catch (const ArtifactError&) {
        return false;
      }
    });
    std::printf("%s: %llu bad entries removed\n", cache.dir().c_str(), static_cast<unsigned long long>(removed));
  } else {
    cache.clear();
    std::printf("%s: cleared\n", cache.dir().c_str());
  }
  return kExitOk;
}

}  // namespace detwasm::cli
