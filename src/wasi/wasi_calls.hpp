// Helpers shared by the families of WASI calls (fd_calls.cpp, path_calls.cpp,
// proc_calls.cpp).
#pragma once

#include <sys/stat.h>
#include <time.h>

#include "wasi/wasi_context.hpp"

namespace detwasm::internal {

uint8_t filetype_of(mode_t mode);
// Writes a filestat: a virtual device and inode, and times only under wall_clock.
void store_filestat(WasiCall& call, uint32_t ptr, const struct stat& st);
// One of a filestat_set_times pair: a time, now, or left alone.
// Sets the virtual times of a file as fd/path_filestat_set_times ask.
void set_virtual_times(WasiCall& call, const struct stat& st, uint64_t atim, uint64_t mtim, uint16_t flags);
timespec host_time(uint64_t value, uint16_t flags, uint16_t set, uint16_t now);
void check_fst_flags(uint16_t flags);  // EINVAL for a contradiction or an unknown flag

}  // namespace detwasm::internal
