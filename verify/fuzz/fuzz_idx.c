/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: the IDX reader of `simdgrad train` (src/cli/idx.c) on
 * arbitrary files. Each input is read as it is (a plain or gzip file,
 * whatever its bytes are) and gzip-compressed here (so that every header and
 * size reaches the reader behind a valid gzip stream), each time as labels
 * (rank 1) and as 28x28 images (rank 3). Nothing may crash or trip ASan or
 * UBSan; a refusal must be one line naming the file; an accepted file must
 * have the rank and item shape asked for, dimensions that multiply to the
 * bytes returned, and no more bytes than the file can hold (exactly the rest
 * of a plain file, at most 1032 per byte of gzip) -- the bytes themselves
 * when the file is plain or compressed here.
 *
 * A header is never to be trusted with an allocation: the harness runs with
 * -malloc_limit_mb=64 unless the command line says otherwise, so a reader
 * that allocates what a header announces before checking it fails here
 * ("out-of-memory (malloc(...))"), while an honest one stays far below (an
 * input of libFuzzer's sizes justifies a few MB). */
#define _GNU_SOURCE /* memfd_create */
#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "idx.h"

#ifdef SG_HAVE_ZLIB
#include <zlib.h>
#endif

#define GZIP_MAX_RATIO 1032u /* idx.c says why */
#define NAME "fuzz.idx"

static _Noreturn void fuzz_fail(const char *how, int rank, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "\nFUZZ FAILURE: the IDX reader on a %s file, read as rank %d: ", how, rank);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

static volatile unsigned data_sum; /* so that the data is read */

/* The file the reader reads: one memory file, rewritten for every input. */
static int file = -1;

static void put_file(const uint8_t *bytes, size_t n) {
  if (ftruncate(file, 0) || lseek(file, 0, SEEK_SET)) abort();
  for (size_t done = 0; done < n;) {
    ssize_t w = write(file, bytes + done, n - done);
    if (w <= 0) abort();
    done += (size_t)w;
  }
  if (lseek(file, 0, SEEK_SET)) abort();
}

/* Reads the file as rank 1 or 3 and checks the outcome. plain: the bytes of
 * the IDX file itself (NULL if unknown, as for a gzip input), plain_size of
 * them; file_size: the file's. */
static void read_as(int rank, const char *how, const uint8_t *plain, size_t plain_size, size_t file_size) {
  static const uint32_t image_shape[2] = {28, 28};
  struct idx x;
  char *err = NULL;
  if (lseek(file, 0, SEEK_SET)) abort(); /* the descriptors share their offset */
  int fd = dup(file);
  if (fd < 0) abort();
  if (idx_open_fd(&x, fd, NAME, rank, image_shape, &err) || idx_read(&x, &err)) {
    if (err && (strncmp(err, NAME ": ", strlen(NAME) + 2) || strchr(err, '\n')))
      fuzz_fail(how, rank, "the message is not one line naming the file: '%s'", err);
    if (x.data || x.stream) fuzz_fail(how, rank, "a refused file left its struct idx non-empty");
    free(err);
    return;
  }
  size_t head = 4 + 4 * (size_t)rank;
  if (x.ndims != rank) fuzz_fail(how, rank, "accepted with %d dimensions", x.ndims);
  if (rank == 3 && (x.dims[1] != 28 || x.dims[2] != 28))
    fuzz_fail(how, rank, "accepted images of %ux%u, want 28x28", x.dims[1], x.dims[2]);
  size_t item = rank == 3 ? (size_t)x.dims[1] * x.dims[2] : 1;
  if (x.dims[0] == 0 || x.item_size != item || x.data_size != x.dims[0] * item || !x.data)
    fuzz_fail(how, rank, "dims %u x item %zu do not make the %zu bytes returned", x.dims[0], x.item_size,
              x.data_size);
  if (x.data_size + head > (uint64_t)file_size * GZIP_MAX_RATIO)
    fuzz_fail(how, rank, "%zu bytes from a file of %zu", x.data_size, file_size);
  if (plain && (head + x.data_size != plain_size || memcmp(x.data, plain + head, x.data_size)))
    fuzz_fail(how, rank, "the data returned (%zu bytes) is not the file's %zu after its header", x.data_size,
              plain_size - head);
  /* Every byte returned is read, so ASan sees any that are not the data's. */
  unsigned sum = 0;
  for (size_t i = 0; i < x.data_size; i++) sum += x.data[i];
  data_sum += sum;
  idx_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (file < 0 && (file = memfd_create("fuzz-idx", MFD_CLOEXEC)) < 0) abort();
  /* As it is: a gzip file when it starts like one, a plain one otherwise. */
  int gzip_input = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  put_file(data, size);
  for (int rank = 1; rank <= 3; rank += 2)
    read_as(rank, gzip_input ? "gzip" : "plain", gzip_input ? NULL : data, size, size);
#ifdef SG_HAVE_ZLIB
  /* Compressed here: the input is the IDX file inside a valid gzip stream. */
  z_stream z = {0};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) abort();
  size_t room = deflateBound(&z, size);
  uint8_t *gz = malloc(room);
  if (!gz) abort();
  z.next_in = (uint8_t *)data, z.avail_in = (uInt)size;
  z.next_out = gz, z.avail_out = (uInt)room;
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) abort();
  size_t gz_size = room - z.avail_out;
  deflateEnd(&z);
  put_file(gz, gz_size);
  for (int rank = 1; rank <= 3; rank += 2) read_as(rank, "gzip-compressed", data, size, gz_size);
  free(gz);
#endif
  return 0;
}

/* -malloc_limit_mb=64 goes first, so that one given on the command line,
 * parsed later, wins. libFuzzer parses its flags after this returns. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  static char limit[] = "-malloc_limit_mb=64";
  char **args = malloc(((size_t)*argc + 2) * sizeof *args);
  if (!args) abort();
  args[0] = (*argv)[0];
  args[1] = limit;
  memcpy(args + 2, *argv + 1, (size_t)*argc * sizeof *args); /* with the final NULL */
  *argc += 1;
  *argv = args;
  return 0;
}
