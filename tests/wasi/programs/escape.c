// Tries to leave the sandbox and to break its rules; prints one line per
// attempt, "label errno", 0 for success. The host sets up (see the test):
//   /sandbox (fd 3, read-write): sub/file.txt, link_out -> ../outside,
//     abs_link -> /etc, inner_link -> sub/file.txt, loop_a <-> loop_b
//   /ro (fd 4, read-only): existing.txt
//   ../outside/secret.txt beside the sandbox
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
WASI_IMPORT("path_open")
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t out);
WASI_IMPORT("fd_write") int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t out);
WASI_IMPORT("fd_read") int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t out);
WASI_IMPORT("random_get") int32_t raw_random_get(int32_t buf, int32_t len);
WASI_IMPORT("args_sizes_get") int32_t raw_args_sizes_get(int32_t argc, int32_t size);
WASI_IMPORT("fd_readdir") int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out);
WASI_IMPORT("clock_time_get") int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out);
WASI_IMPORT("fd_close") int32_t raw_fd_close(int32_t fd);

static const int32_t kBad = (int32_t)0xfffffff0u;

static void report(const char* label, int ok) { printf("%s %d\n", label, ok ? 0 : errno); }

// path_open relative to `fd`, closing what it opens; the WASI errno.
static int raw_open(int fd, const char* path, int oflags, uint64_t rights) {
  int32_t out = -1;
  int32_t r = raw_path_open(fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, (int32_t)(intptr_t)path, (int32_t)strlen(path),
                            oflags, (int64_t)rights, 0, 0, (int32_t)(intptr_t)&out);
  if (r == 0) raw_fd_close(out);
  return r;
}

static void try_open(const char* label, const char* path, int flags) {
  errno = 0;
  int fd = open(path, flags, 0644);
  if (fd >= 0) close(fd);
  report(label, fd >= 0);
}

int main(void) {
  const uint64_t read = __WASI_RIGHTS_FD_READ;
  printf("dotdot_root %d\n", raw_open(3, "..", 0, read));
  printf("dotdot_deep %d\n", raw_open(3, "sub/../../outside/secret.txt", 0, read));
  printf("absolute %d\n", raw_open(3, "/etc/passwd", 0, read));
  printf("inside_dotdot %d\n", raw_open(3, "sub/../sub/file.txt", 0, read));
  try_open("libc_dotdot", "/sandbox/../outside/secret.txt", O_RDONLY);
  try_open("symlink_out", "/sandbox/link_out/secret.txt", O_RDONLY);
  try_open("symlink_absolute", "/sandbox/abs_link/passwd", O_RDONLY);
  try_open("symlink_inside", "/sandbox/inner_link", O_RDONLY);
  try_open("symlink_loop", "/sandbox/loop_a", O_RDONLY);
  try_open("nofollow", "/sandbox/inner_link", O_RDONLY | O_NOFOLLOW);
  try_open("file_as_dir", "/sandbox/sub/file.txt/", O_RDONLY);
  errno = 0;
  report("guest_symlink_create", symlink("../outside", "/sandbox/mylink") == 0);
  try_open("guest_symlink_follow", "/sandbox/mylink/secret.txt", O_RDONLY);
  errno = 0;
  report("guest_symlink_absolute", symlink("/etc/passwd", "/sandbox/abs2") == 0);

  try_open("ro_create", "/ro/new.txt", O_WRONLY | O_CREAT);
  try_open("ro_truncate", "/ro/existing.txt", O_RDONLY | O_TRUNC);
  errno = 0;
  int fd = open("/ro/existing.txt", O_WRONLY);
  int wrote = fd >= 0 && write(fd, "x", 1) == 1;
  if (fd >= 0) close(fd);
  report("ro_write", wrote);
  errno = 0;
  report("ro_unlink", unlink("/ro/existing.txt") == 0);
  errno = 0;
  report("ro_mkdir", mkdir("/ro/d", 0755) == 0);
  errno = 0;
  report("ro_rename", rename("/ro/existing.txt", "/sandbox/taken.txt") == 0);
  errno = 0;
  report("ro_symlink", symlink("existing.txt", "/ro/l") == 0);
  try_open("ro_read", "/ro/existing.txt", O_RDONLY);
  printf("ro_raw_write_rights %d\n", raw_open(4, "existing.txt", 0, __WASI_RIGHTS_FD_WRITE));

  int32_t n = 0;
  printf("fault_iovs %d\n", raw_fd_write(1, kBad, 1, (int32_t)(intptr_t)&n));
  int32_t iov[2] = {(int32_t)0xffff0000u, 100};
  printf("fault_iov_buffer %d\n", raw_fd_write(1, (int32_t)(intptr_t)iov, 1, (int32_t)(intptr_t)&n));
  printf("fault_read_buffer %d\n", raw_fd_read(0, (int32_t)(intptr_t)iov, 1, (int32_t)(intptr_t)&n));
  printf("fault_result %d\n", raw_fd_write(1, (int32_t)(intptr_t)iov, 0, kBad));
  printf("fault_random %d\n", raw_random_get(kBad, 32));
  printf("fault_args %d\n", raw_args_sizes_get(kBad, kBad));
  printf("fault_clock %d\n", raw_clock_time_get(0, 0, kBad));
  char buf[64];
  printf("fault_readdir %d\n", raw_fd_readdir(3, kBad, 64, 0, (int32_t)(intptr_t)&n));
  printf("fault_readdir_out %d\n", raw_fd_readdir(3, (int32_t)(intptr_t)buf, 64, 0, kBad));
  int32_t out = 0;
  printf("fault_path %d\n", raw_path_open(3, 0, kBad, 100, 0, (int64_t)read, 0, 0, (int32_t)(intptr_t)&out));
  printf("fault_path_length %d\n",
         raw_path_open(3, 0, (int32_t)(intptr_t)buf, 0x7fffffff, 0, (int64_t)read, 0, 0, (int32_t)(intptr_t)&out));
  fd = open("/ro/existing.txt", O_RDONLY);
  int32_t one[2] = {(int32_t)(intptr_t) "x", 1};
  printf("ro_raw_write %d\n", fd >= 0 ? raw_fd_write(fd, (int32_t)(intptr_t)one, 1, (int32_t)(intptr_t)&n) : -1);
  if (fd >= 0) close(fd);
  printf("bad_fd %d\n", raw_fd_close(99));
  printf("bad_clock %d\n", raw_clock_time_get(17, 0, (int32_t)(intptr_t)&n));
  printf("rights_grow %d\n", __wasi_fd_fdstat_set_rights(4, __WASI_RIGHTS_FD_WRITE, 0));
  printf("done\n");
  return 0;
}
