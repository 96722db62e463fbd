/* SPDX-License-Identifier: BSD-3-Clause */
/* See idx.h. The header is 4 magic bytes (0, 0, type 0x08 = unsigned byte,
 * rank) and one big-endian u32 per dimension; the data follows, row-major.
 * gzread reads a gzip stream and passes a plain file through, so both forms
 * load; a corrupt stream shows as a gzread error, a short one as too few
 * bytes. Every message is allocated at its full length, so no path is ever
 * cut short in it. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idx.h"

/* "PATH: " and the formatted text in *err, allocated (NULL if that fails);
 * returns -1 for the callers' convenience. */
static int fail(char **err, const char *path, const char *fmt, ...) {
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  size_t prefix = strlen(path) + 2;
  *err = n < 0 ? NULL : malloc(prefix + (size_t)n + 1);
  if (*err) {
    memcpy(*err, path, prefix - 2);
    memcpy(*err + prefix - 2, ": ", 2);
    vsnprintf(*err + prefix, (size_t)n + 1, fmt, again);
  }
  va_end(again);
  return -1;
}

#ifdef SG_HAVE_ZLIB
#include <zlib.h>

/* The most a gzip file can inflate to, per byte of it. Deflate's cheapest
 * output is a back-reference of the longest length, 258 bytes (length code
 * 285, no extra bits), at distance 1 (distance code 0, no extra bits). A
 * dynamic Huffman block whose only other symbol is end-of-block codes each of
 * the two with one bit, so two bits yield 258 bytes: 258 * 8 / 2 = 1032
 * bytes per byte of input. Anything else in the file (literals, block and
 * gzip headers, the trailer, further members) yields less per bit. */
#define GZIP_MAX_RATIO 1032u

/* Reads exactly n bytes: 0, or -1 with the reason in err. */
static int read_exact(gzFile f, void *buf, size_t n, const char *path, const char *what, char **err) {
  size_t got = 0;
  while (got < n) {
    unsigned chunk = n - got > (1u << 30) ? 1u << 30 : (unsigned)(n - got);
    int r = gzread(f, (char *)buf + got, chunk);
    if (r < 0) {
      int code;
      const char *msg = gzerror(f, &code), *after = strstr(msg, ">: ");
      if (!strncmp(msg, "<fd:", 4) && after) msg = after + 3; /* zlib's name for the descriptor */
      return fail(err, path, "not a valid gzip or IDX file (%s)", code == Z_ERRNO ? strerror(errno) : msg);
    }
    if (r == 0) return fail(err, path, "truncated: %s ends after %zu of %zu bytes", what, got, n);
    got += (size_t)r;
  }
  return 0;
}

/* "28x28": the item shape of a rank-3 file, or the item size of a rank-2 one. */
static void shape_text(char *buf, size_t len, const uint32_t *shape, int n) {
  int used = 0;
  for (int d = 0; d < n && used >= 0 && (size_t)used < len; d++)
    used += snprintf(buf + used, len - (size_t)used, d ? "x%u" : "%u", (unsigned)shape[d]);
}

int idx_open(struct idx *x, const char *path, int ndims, const uint32_t *item_shape, char **err) {
  memset(x, 0, sizeof *x);
  /* O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever,
   * before the file type can be checked. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return fail(err, path, "cannot open: %s", strerror(errno));
  return idx_open_fd(x, fd, path, ndims, item_shape, err);
}

int idx_open_fd(struct idx *x, int fd, const char *path, int ndims, const uint32_t *item_shape,
                char **err) {
  memset(x, 0, sizeof *x);
  if (ndims < 1 || ndims > 3) {
    close(fd);
    return fail(err, path, "cannot read IDX files of %d dimensions", ndims);
  }
  /* The type is checked on the descriptor itself, so what is read is what
   * was checked, even if the name is replaced meanwhile. */
  struct stat st;
  if (fstat(fd, &st)) {
    int e = errno;
    close(fd);
    return fail(err, path, "cannot read: %s", strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return fail(err, path, "not a regular file");
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)) {
    int e = errno;
    close(fd);
    return fail(err, path, "cannot read: %s", strerror(e));
  }
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    close(fd);
    return fail(err, path, "out of memory");
  }
  x->stream = f;
  x->path = path;

  unsigned char head[4 + 4 * 3];
  size_t head_size = 4 + 4 * (size_t)ndims;
  if (read_exact(f, head, 4, path, "the header", err)) goto refuse;
  if (head[0] != 0 || head[1] != 0 || head[2] != 0x08) {
    fail(err, path, "not an IDX file of unsigned bytes (magic %02x %02x %02x %02x)", head[0], head[1],
         head[2], head[3]);
    goto refuse;
  }
  if (head[3] != ndims) {
    fail(err, path, "has %d dimensions, want %d", head[3], ndims);
    goto refuse;
  }
  if (read_exact(f, head + 4, head_size - 4, path, "the header", err)) goto refuse;
  for (int d = 0; d < ndims; d++) {
    const unsigned char *b = head + 4 + 4 * d;
    x->dims[d] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  }
  x->ndims = ndims;
  uint32_t count = x->dims[0];
  const char *noun = ndims == 3 ? "image" : "item", *plural = count == 1 ? "" : "s";
  if (count == 0) {
    fail(err, path, "header announces no %ss (corrupt header?)", noun);
    goto refuse;
  }
  uint64_t item = 1;
  int shape_ok = 1;
  for (int d = 1; d < ndims; d++) {
    shape_ok &= x->dims[d] == item_shape[d - 1];
    item *= item_shape[d - 1];
  }
  if (!shape_ok) {
    char got[32], want[32];
    shape_text(got, sizeof got, x->dims + 1, ndims - 1);
    shape_text(want, sizeof want, item_shape, ndims - 1);
    fail(err, path, "header announces %u %s%s of %s, want %s", (unsigned)count, noun, plural, got, want);
    goto refuse;
  }
  if (item == 0 || count > UINT64_MAX / item) {
    fail(err, path, "header announces %u %ss of %ju bytes, which no file holds", (unsigned)count, noun,
         (uintmax_t)item);
    goto refuse;
  }
  uint64_t total = count * item;
  /* The file's size bounds what it can hold; checked before the data is
   * allocated or inflated, a corrupt header costs nothing. gzdirect tells a
   * plain file (read through as it is) from a gzip stream. */
  uint64_t file_size = (uint64_t)st.st_size;
  uint64_t gzip_room = file_size > UINT64_MAX / GZIP_MAX_RATIO ? UINT64_MAX : file_size * GZIP_MAX_RATIO;
  if (gzdirect(f)) {
    if (file_size < head_size || file_size - head_size != total) {
      fail(err, path,
           "header announces %ju bytes of data, but this uncompressed file holds %jd after its %zu-byte "
           "header (corrupt header, or a cut file?)",
           (uintmax_t)total, (intmax_t)st.st_size - (intmax_t)head_size, head_size);
      goto refuse;
    }
  } else if (gzip_room < head_size || total > gzip_room - head_size) {
    fail(err, path,
         "header announces %ju bytes of data, more than a gzip file of %ju bytes can hold (corrupt header?)",
         (uintmax_t)total, (uintmax_t)file_size);
    goto refuse;
  }
#if SIZE_MAX < UINT64_MAX
  if (total > SIZE_MAX) {
    fail(err, path, "header announces %ju bytes of data, more than this machine can address",
         (uintmax_t)total);
    goto refuse;
  }
#endif
  x->item_size = (size_t)item;
  x->data_size = (size_t)total;
  return 0;
refuse:
  idx_free(x);
  return -1;
}

int idx_read(struct idx *x, char **err) {
  gzFile f = x->stream;
  int rc = -1;
  if (!f) return fail(err, x->path ? x->path : "IDX file", "not open (no idx_open before idx_read)");
  x->data = malloc(x->data_size);
  if (!x->data) {
    fail(err, x->path, "out of memory for %zu bytes", x->data_size);
    goto done;
  }
  if (read_exact(f, x->data, x->data_size, x->path, "the data", err)) goto done;
  unsigned char extra;
  int r = gzread(f, &extra, 1);
  if (r != 0) {
    fail(err, x->path,
         r > 0 ? "has data after the %zu bytes its header announces" : "corrupt after its data", x->data_size);
    goto done;
  }
  rc = 0;
done:
  gzclose(f);
  x->stream = NULL;
  if (rc) idx_free(x);
  return rc;
}

void idx_free(struct idx *x) {
  if (x->stream) gzclose(x->stream);
  free(x->data);
  memset(x, 0, sizeof *x);
}
#else
static int no_zlib(struct idx *x, const char *path, char **err) {
  memset(x, 0, sizeof *x);
  return fail(err, path, "this simdgrad was built without zlib, so it cannot read IDX files");
}

int idx_open(struct idx *x, const char *path, int ndims, const uint32_t *item_shape, char **err) {
  (void)ndims, (void)item_shape;
  return no_zlib(x, path, err);
}

int idx_open_fd(struct idx *x, int fd, const char *path, int ndims, const uint32_t *item_shape,
                char **err) {
  (void)ndims, (void)item_shape;
  close(fd);
  return no_zlib(x, path, err);
}

int idx_read(struct idx *x, char **err) { return no_zlib(x, x->path ? x->path : "IDX file", err); }

void idx_free(struct idx *x) {
  free(x->data);
  memset(x, 0, sizeof *x);
}
#endif
