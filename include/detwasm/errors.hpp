// Typed errors for loading and linking; traps are values (see trap.hpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace detwasm {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A module that cannot be loaded. `offset` is the byte offset in the module
// where the problem was found.
class ModuleError : public Error {
 public:
  enum class Kind {
    Malformed,      // not a well-formed binary (spec: assert_malformed)
    Invalid,        // well-formed but fails validation (spec: assert_invalid)
    Unsupported,    // uses a feature detwasm rejects (SIMD, threads, ...)
    LimitExceeded,  // exceeds a configured resource limit
  };
  ModuleError(Kind kind, uint64_t offset, const std::string& message);
  Kind kind() const { return kind_; }
  uint64_t offset() const { return offset_; }
  const std::string& message() const { return message_; }

 private:
  Kind kind_;
  uint64_t offset_;
  std::string message_;
};

const char* to_string(ModuleError::Kind kind);

// Imports that do not match what the module needs (spec: assert_unlinkable).
class LinkError : public Error {
 public:
  using Error::Error;
};

// A compiled artifact (Module::serialize) that cannot be loaded, and why.
// Loading never runs code from an artifact it refused.
class ArtifactError : public Error {
 public:
  enum class Reason {
    NotAnArtifact,   // no artifact magic: some other file
    Damaged,         // the digest over the artifact does not match: bits changed or cut
    FormatVersion,   // written in another version of the artifact format
    EngineVersion,   // written by another engine version
    Target,          // compiled for another architecture or CPU features
    Configuration,   // compiled under another configuration (limits, metering, gas schedule, tier)
    Malformed,       // its digest holds but its contents do not parse
    Untrusted,       // unsigned, or signed by a key the engine does not trust, or a bad signature
  };
  ArtifactError(Reason reason, const std::string& detail);
  Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

const char* to_string(ArtifactError::Reason reason);

// Misuse of the embedding API: wrong argument count or types, foreign store, ...
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace detwasm
