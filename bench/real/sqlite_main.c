// A SQLite program for wasm32-wasi: the amalgamation built with
// SQLITE_OS_OTHER, a minimal operating-system layer (no files: every database
// is ":memory:") and a main that runs a small SQL workload. The module is
// large, real code for compile benchmarks; it also runs under any WASI host.
//
//   sqlite3 [ROWS]   (default 2000: the table's rows; the workload grows with it)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static int bench_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  (void)vfs, (void)name, (void)flags, (void)out_flags;
  file->pMethods = 0;
  return SQLITE_CANTOPEN;
}
static int bench_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  (void)vfs, (void)name, (void)sync_dir;
  return SQLITE_OK;
}
static int bench_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  (void)vfs, (void)name, (void)flags;
  *result = 0;
  return SQLITE_OK;
}
static int bench_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  (void)vfs;
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
// Deterministic: the same bytes on every run.
static int bench_randomness(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs;
  unsigned x = 0x9E3779B9u;
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = (char)(x >> 24);
  }
  return n;
}
static int bench_sleep(sqlite3_vfs* vfs, int micros) {
  (void)vfs;
  return micros;
}
static int bench_current_time(sqlite3_vfs* vfs, double* julian_day) {
  (void)vfs;
  *julian_day = 2460000.5;
  return SQLITE_OK;
}
static int bench_last_error(sqlite3_vfs* vfs, int n, char* out) {
  (void)vfs, (void)n, (void)out;
  return 0;
}

static sqlite3_vfs bench_vfs = {
    1, sizeof(sqlite3_file), 512, 0, "bench", 0,
    bench_open, bench_delete, bench_access, bench_full_pathname,
    0, 0, 0, 0,
    bench_randomness, bench_sleep, bench_current_time, bench_last_error,
};

int sqlite3_os_init(void) { return sqlite3_vfs_register(&bench_vfs, 1); }
int sqlite3_os_end(void) { return SQLITE_OK; }

static int print_row(void* unused, int n, char** values, char** names) {
  (void)unused;
  for (int i = 0; i < n; ++i) printf("%s%s=%s", i ? " " : "", names[i], values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static const char* const kWorkload =
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, grp INTEGER);"
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d)"
    "  INSERT INTO t SELECT i, printf('name-%%05d', i * 7919 %% %d), (i * 31 %% 97) / 7.0, i %% 13 FROM c;"
    "CREATE INDEX t_grp ON t(grp, score);"
    "CREATE VIRTUAL TABLE docs USING fts5(body);"
    "INSERT INTO docs SELECT name || ' group ' || grp FROM t WHERE id %% 5 = 0;"
    "SELECT grp, count(*) AS n, round(avg(score), 3) AS avg, max(name) AS top FROM t GROUP BY grp ORDER BY avg DESC LIMIT 3;"
    "SELECT count(*) AS hits FROM docs WHERE docs MATCH 'group AND 7';"
    "SELECT json_object('sum', sum(score), 'groups', json_group_array(DISTINCT grp)) AS js FROM t WHERE id < 50;"
    "SELECT count(*) AS pairs, round(sum(a.score * b.score), 3) AS dot FROM t a JOIN t b ON b.id = a.id * 3 %% %d + 1;"
    "SELECT count(DISTINCT name) AS names, min(name) AS first, max(length(name)) AS longest FROM t;"
    "UPDATE t SET score = score * 1.5 WHERE grp IN (1, 4, 7);"
    "DELETE FROM t WHERE id %% 11 = 0;"
    "SELECT count(*) AS remaining, round(total(score), 3) AS total FROM t WHERE grp BETWEEN 2 AND 9;";

int main(int argc, char** argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 2000;
  if (rows < 1) rows = 1;
  sqlite3* db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    printf("open: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  char* workload = sqlite3_mprintf(kWorkload, rows, rows, rows);
  char* error = 0;
  int rc = sqlite3_exec(db, workload, print_row, 0, &error);
  sqlite3_free(workload);
  if (rc != SQLITE_OK) printf("error: %s\n", error);
  sqlite3_free(error);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : 1;
}
