// A zstd program for bench/real: libzstd (single-threaded) compressing and
// decompressing an input generated in memory by zstd's own data generator
// (programs/datagen.c, seeded, so the same bytes everywhere).
//
//   zstd [MEGABYTES]   (default 8)
//
// For each level it compresses the whole input in one call and decompresses
// it back, checks the round trip, and prints the compressed size and a hash
// of the frame. A streaming pass (ZSTD_compressStream2 in 64 KB pieces) and a
// decompression of it follow. The output depends on nothing but the input.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen.h"
#define XXH_STATIC_LINKING_ONLY
#include "xxhash.h"
#include "zstd.h"

static void* checked_malloc(size_t size) {
  void* p = malloc(size);
  if (!p) {
    printf("out of memory (%zu bytes)\n", size);
    exit(1);
  }
  return p;
}

static int check(size_t result, const char* what) {
  if (ZSTD_isError(result)) {
    printf("%s: %s\n", what, ZSTD_getErrorName(result));
    return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  size_t megabytes = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 8;
  size_t size = megabytes << 20;
  unsigned char* input = checked_malloc(size);
  // Half the input text-like (matches and a skewed literal alphabet), half
  // harder to compress.
  RDG_genBuffer(input, size / 2, 0.50, 0.20, 1);
  RDG_genBuffer(input + size / 2, size - size / 2, 0.15, 0.70, 2);
  printf("input %zu bytes xxh64 %016llx\n", size, (unsigned long long)XXH64(input, size, 0));

  size_t bound = ZSTD_compressBound(size);
  unsigned char* frame = checked_malloc(bound);
  unsigned char* output = checked_malloc(size);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  static const int levels[] = {1, 3, 6, 12};
  int ok = 1;
  for (size_t i = 0; ok && i < sizeof levels / sizeof levels[0]; ++i) {
    size_t n = ZSTD_compressCCtx(cctx, frame, bound, input, size, levels[i]);
    if (!(ok = check(n, "compress"))) break;
    size_t back = ZSTD_decompressDCtx(dctx, output, size, frame, n);
    if (!(ok = check(back, "decompress"))) break;
    ok = back == size && memcmp(input, output, size) == 0;
    printf("level %2d: %zu bytes (%.3f%%) xxh64 %016llx round trip %s\n", levels[i], n, 100.0 * n / size,
           (unsigned long long)XXH64(frame, n, 0), ok ? "ok" : "DIFFERENT");
  }

  // Streaming, with a checksum in the frame, in 64 KB pieces.
  if (ok) {
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 4);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_outBuffer out = {frame, bound, 0};
    size_t piece = 64 << 10;
    for (size_t pos = 0; ok && pos < size; pos += piece) {
      size_t end = pos + piece < size ? pos + piece : size;
      ZSTD_inBuffer in = {input + pos, end - pos, 0};
      ZSTD_EndDirective mode = end == size ? ZSTD_e_end : ZSTD_e_continue;
      size_t left;
      do {
        left = ZSTD_compressStream2(cctx, &out, &in, mode);
        ok = check(left, "compressStream2");
      } while (ok && (mode == ZSTD_e_end ? left != 0 : in.pos < in.size));
    }
    if (ok) {
      ZSTD_inBuffer in = {frame, out.pos, 0};
      ZSTD_outBuffer back = {output, size, 0};
      size_t left = ZSTD_decompressStream(dctx, &back, &in);
      ok = check(left, "decompressStream") && left == 0 && back.pos == size && memcmp(input, output, size) == 0;
      printf("stream level 4: %zu bytes xxh64 %016llx round trip %s\n", out.pos,
             (unsigned long long)XXH64(frame, out.pos, 0), ok ? "ok" : "DIFFERENT");
    }
  }

  ZSTD_freeCCtx(cctx);
  ZSTD_freeDCtx(dctx);
  free(input);
  free(frame);
  free(output);
  return ok ? 0 : 1;
}
