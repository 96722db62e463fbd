/* See idx.h. The header is 4 magic bytes (0, 0, type 0x08 = unsigned byte,
 * rank) and one big-endian u32 per dimension; the data follows, row-major.
 * gzread reads a gzip stream and passes a plain file through, so both forms
 * load; a corrupt stream shows as a gzread error, a short one as too few
 * bytes. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idx.h"

#ifdef SG_HAVE_ZLIB
#include <zlib.h>

static int fail(char *err, size_t len, const char *path, const char *fmt, ...) {
  va_list ap;
  int n = snprintf(err, len, "%s: ", path);
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < len) vsnprintf(err + n, len - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

/* Reads exactly n bytes: 0, or -1 with the reason in err. */
static int read_exact(gzFile f, void *buf, size_t n, const char *path, const char *what, char *err,
                      size_t len) {
  size_t got = 0;
  while (got < n) {
    unsigned chunk = n - got > (1u << 30) ? 1u << 30 : (unsigned)(n - got);
    int r = gzread(f, (char *)buf + got, chunk);
    if (r < 0) {
      int code;
      const char *msg = gzerror(f, &code);
      return fail(err, len, path, "not a valid gzip or IDX file (%s)", code == Z_ERRNO ? strerror(errno) : msg);
    }
    if (r == 0) return fail(err, len, path, "truncated: %s ends after %zu of %zu bytes", what, got, n);
    got += (size_t)r;
  }
  return 0;
}

int idx_load(const char *path, int ndims, struct idx *out, char *err, size_t len) {
  memset(out, 0, sizeof *out);
  gzFile f = gzopen(path, "rb");
  if (!f) return fail(err, len, path, "cannot open: %s", errno ? strerror(errno) : "out of memory");
  unsigned char head[4 + 4 * 3];
  int rc = -1;
  if (read_exact(f, head, 4, path, "the header", err, len)) goto done;
  if (head[0] != 0 || head[1] != 0 || head[2] != 0x08) {
    fail(err, len, path, "not an IDX file of unsigned bytes (magic %02x %02x %02x %02x)", head[0], head[1],
         head[2], head[3]);
    goto done;
  }
  if (head[3] != ndims) {
    fail(err, len, path, "has %d dimensions, want %d", head[3], ndims);
    goto done;
  }
  if (read_exact(f, head + 4, 4 * (size_t)ndims, path, "the header", err, len)) goto done;
  size_t total = 1, item = 1;
  for (int d = 0; d < ndims; d++) {
    const unsigned char *b = head + 4 + 4 * d;
    uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    /* 2^24 items or 2^16 per side is far past any such dataset: a bigger
     * value is a corrupt header, not a request for gigabytes. */
    if (v == 0 || v > (d ? 1u << 16 : 1u << 24)) {
      fail(err, len, path, "dimension %d is %u (corrupt header?)", d, v);
      goto done;
    }
    out->dims[d] = v;
    total *= v;
    if (d) item *= v;
  }
  out->ndims = ndims;
  out->item_size = item;
  out->data = malloc(total);
  if (!out->data) {
    fail(err, len, path, "out of memory for %zu bytes", total);
    goto done;
  }
  if (read_exact(f, out->data, total, path, "the data", err, len)) goto done;
  unsigned char extra;
  int r = gzread(f, &extra, 1);
  if (r != 0) {
    fail(err, len, path, r > 0 ? "has data after the %zu bytes its header announces" : "corrupt after its data",
         total);
    goto done;
  }
  rc = 0;
done:
  gzclose(f);
  if (rc) idx_free(out);
  return rc;
}
#else
int idx_load(const char *path, int ndims, struct idx *out, char *err, size_t len) {
  (void)ndims;
  memset(out, 0, sizeof *out);
  snprintf(err, len, "%s: this simdgrad was built without zlib, so it cannot read IDX files", path);
  return -1;
}
#endif

void idx_free(struct idx *x) {
  free(x->data);
  memset(x, 0, sizeof *x);
}
