// Signing keys for artifacts: keygen, and reading the key files it writes.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "util/bounded_read.hpp"

namespace detwasm::cli {

namespace {

std::string to_hex_text(std::span<const uint8_t> bytes) {
  std::string s(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(s.data(), s.size(), bytes.data(), bytes.size());
  s.pop_back();
  return s + "\n";
}

// Exactly N bytes of hex (white space around it allowed).
template <size_t N>
std::array<uint8_t, N> read_hex_file(const std::string& path, const char* what) {
  std::vector<uint8_t> text;
  try {
    text = util::read_bounded(path, 4096, "the key file size limit");
  } catch (const util::InputError& e) {
    throw CommandFailure(e.what());
  }
  std::string s(text.begin(), text.end());
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  std::array<uint8_t, N> out{};
  size_t n = 0;
  if (s.size() != 2 * N || sodium_hex2bin(out.data(), N, s.data(), s.size(), nullptr, &n, nullptr) != 0 || n != N)
    throw CommandFailure(path + ": not " + what + " (" + std::to_string(2 * N) + " hex digits)");
  return out;
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw CommandFailure("cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw CommandFailure("cannot write " + path);
}

}  // namespace

int keygen_command(const Args& args) {
  const std::string& path = args.files.front();
  SigningKey key = SigningKey::generate();
  // Never over an existing key: O_EXCL.
  write_file(path, to_hex_text(key.secret), 0600);
  write_file(path + ".pub", to_hex_text(key.public_key()), 0644);
  std::printf("secret key: %s\npublic key: %s.pub\n", path.c_str(), path.c_str());
  return kExitOk;
}

SigningKey read_secret_key(const std::string& path) {
  SigningKey key;
  key.secret = read_hex_file<64>(path, "a secret key");
  // The second half of libsodium's secret key is its public key: check it.
  uint8_t seed[32], pk[32], sk[64];
  crypto_sign_ed25519_sk_to_seed(seed, key.secret.data());
  crypto_sign_seed_keypair(pk, sk, seed);
  if (sodium_memcmp(sk, key.secret.data(), sizeof sk) != 0) throw CommandFailure(path + ": not a valid secret key");
  return key;
}

std::array<uint8_t, 32> read_public_key(const std::string& path) { return read_hex_file<32>(path, "a public key"); }

}  // namespace detwasm::cli
