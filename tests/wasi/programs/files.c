// Files in the preopen /sandbox: write, seek, read, stat, rename, unlink,
// truncate, pread/pwrite, and a directory listing (sorted by the engine).
// File times are virtual: a write or a truncation moves mtime to the virtual
// now, which a clock reading advances by a fixed step.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long mtime_ns(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

static void tick(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void check(int ok, const char* what) {
  if (!ok) {
    printf("FAILED: %s (errno %d)\n", what, errno);
    exit(1);
  }
}

int main(void) {
  check(mkdir("/sandbox/dir", 0755) == 0, "mkdir");
  const char* names[] = {"zeta.txt", "alpha.txt", "mid.txt", "Beta.txt"};
  for (int i = 0; i < 4; ++i) {
    char path[64];
    snprintf(path, sizeof path, "/sandbox/dir/%s", names[i]);
    FILE* f = fopen(path, "w");
    check(f != NULL, "fopen w");
    fprintf(f, "file %s\n", names[i]);
    fclose(f);
  }
  DIR* d = opendir("/sandbox/dir");
  check(d != NULL, "opendir");
  struct dirent* e;
  while ((e = readdir(d))) printf("entry %s type %d\n", e->d_name, e->d_type);
  closedir(d);

  int fd = open("/sandbox/data.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(fd >= 0, "open data");
  long long created = mtime_ns(fd);
  tick();
  check(write(fd, "0123456789", 10) == 10, "write");
  long long written = mtime_ns(fd);
  printf("a write moves mtime by %lld ns\n", written - created);
  check(lseek(fd, 3, SEEK_SET) == 3, "lseek set");
  char buf[16] = {0};
  check(read(fd, buf, 4) == 4, "read");
  printf("read at 3: %s\n", buf);
  check(lseek(fd, -2, SEEK_END) == 8, "lseek end");
  check(pwrite(fd, "AB", 2, 0) == 2, "pwrite");
  memset(buf, 0, sizeof buf);
  check(pread(fd, buf, 10, 0) == 10, "pread");
  printf("pread: %s\n", buf);
  struct stat st;
  check(fstat(fd, &st) == 0, "fstat");
  printf("size %lld regular %d mtime %lld\n", (long long)st.st_size, S_ISREG(st.st_mode), (long long)st.st_mtime);
  tick();
  check(ftruncate(fd, 4) == 0, "ftruncate");
  printf("a truncation moves mtime by %lld ns\n", mtime_ns(fd) - written);
  check(fstat(fd, &st) == 0 && st.st_size == 4, "size after truncate");
  check(close(fd) == 0, "close");

  check(rename("/sandbox/data.bin", "/sandbox/dir/moved.bin") == 0, "rename");
  check(stat("/sandbox/dir/moved.bin", &st) == 0, "stat moved");
  printf("moved size %lld\n", (long long)st.st_size);
  check(access("/sandbox/data.bin", F_OK) != 0 && errno == ENOENT, "old name gone");
  check(unlink("/sandbox/dir/moved.bin") == 0, "unlink");
  check(symlink("alpha.txt", "/sandbox/dir/link") == 0, "symlink");
  char target[64] = {0};
  check(readlink("/sandbox/dir/link", target, sizeof target - 1) == 9, "readlink");
  printf("link -> %s\n", target);
  FILE* f = fopen("/sandbox/dir/link", "r");
  check(f != NULL, "open through link");
  check(fgets(buf, sizeof buf, f) != NULL, "read through link");
  fclose(f);
  printf("through link: %s", buf);
  for (int i = 0; i < 4; ++i) {
    char path[64];
    snprintf(path, sizeof path, "/sandbox/dir/%s", names[i]);
    check(unlink(path) == 0, "unlink entry");
  }
  check(unlink("/sandbox/dir/link") == 0, "unlink link");
  check(rmdir("/sandbox/dir") == 0, "rmdir");
  check(rmdir("/sandbox/dir") != 0 && errno == ENOENT, "rmdir again");
  printf("done\n");
  return 0;
}
