// Reading untrusted input: never more than the limit plus one byte, for
// files of every size around the limit, devices and the empty file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "util/bounded_read.hpp"

namespace detwasm::util {
namespace {

class BoundedRead : public ::testing::Test {
 protected:
  BoundedRead() : dir_(std::filesystem::temp_directory_path() / ("detwasm-bounded-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~BoundedRead() override { std::filesystem::remove_all(dir_); }
  std::string file_of(size_t n) {
    std::filesystem::path p = dir_ / ("f" + std::to_string(n));
    std::ofstream(p, std::ios::binary) << std::string(n, 'x');
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(BoundedRead, AnEmptyFileIsNoBytes) { EXPECT_TRUE(read_bounded(file_of(0), 10, "the limit").empty()); }

TEST_F(BoundedRead, UpToTheLimitIsRead) {
  EXPECT_EQ(read_bounded(file_of(9), 10, "the limit").size(), 9u);
  EXPECT_EQ(read_bounded(file_of(10), 10, "the limit").size(), 10u);
  // More than one internal chunk.
  EXPECT_EQ(read_bounded(file_of((1u << 20) + 3), 2u << 20, "the limit").size(), (1u << 20) + 3);
}

TEST_F(BoundedRead, OneBytePastTheLimitIsRefusedNamingIt) {
  try {
    read_bounded(file_of(11), 10, "the module size limit");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the module size limit of 10 bytes"), std::string::npos) << e.what();
  }
}

TEST_F(BoundedRead, AnEndlessDeviceIsRefusedAtTheLimit) {
  EXPECT_THROW(read_bounded("/dev/zero", 1000, "the limit"), InputError);
}

TEST_F(BoundedRead, DirectoriesAndMissingFilesAreErrors) {
  EXPECT_THROW(read_bounded(dir_.string(), 10, "the limit"), InputError);
  EXPECT_THROW(read_bounded((dir_ / "missing").string(), 10, "the limit"), InputError);
}

}  // namespace
}  // namespace detwasm::util
