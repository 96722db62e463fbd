/* SPDX-License-Identifier: BSD-3-Clause */
/* The thread count changes no bit: every kernel, on every ISA, at sizes
 * that split among threads (src/dispatch.c, simd/common/dense.h), and a
 * few steps of an MLP's training, give the same outputs with 2, 3 and 7
 * threads as with 1 (7 on a 2-core machine: more threads than cores, and
 * uneven bands). make check also runs this under TSan, which reports any
 * race between the bands. Also sg_set_threads and SIMDGRAD_THREADS: the
 * count they take, and what they refuse. */
#include <config.h>

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "oracle.h"

static const size_t counts[] = {1, 2, 3, 7};
#define NCOUNTS (sizeof counts / sizeof *counts)

static void fill(float *x, size_t n, uint64_t seed, float lo, float hi) {
  for (size_t i = 0; i < n; i++) x[i] = rng_uniform(&seed, lo, hi);
}

/* The element-wise kernels of the registry at n = 1e6 + 3 (seven bands of
 * at least 2^16 elements, the last one short). */
static uint64_t elementwise(void) {
  const size_t n = 1000003;
  float *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b), *out = xmalloc(n * sizeof *out);
  fill(a, n, 1, -20.0f, 20.0f);
  fill(b, n, 2, 0.0f, 1.0f);
  a[5] = NAN, a[n - 1] = INFINITY, b[7] = -INFINITY;
  uint64_t h = DIGEST_INIT;
  for (size_t k = 0; k < SG_NMAP_KERNELS; k++) {
    const struct sg_map_kernel *e = &sg_map_kernels[k];
    if (e->binary) e->api_binary(n, isinf(e->hi) ? a : b, a, out);
    else e->api_unary(n, a, out);
    h = digest_floats(h, out, n);
  }
  free(a), free(b), free(out);
  return h;
}

/* The row-wise kernels: many short rows and fewer long ones. */
static uint64_t rowwise(void) {
  static const size_t shapes[][2] = {{20011, 10}, {701, 1000}};
  uint64_t h = DIGEST_INIT;
  for (size_t s = 0; s < 2; s++) {
    size_t rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
    float *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), *dy = xmalloc(n * sizeof *dy),
          *dx = xmalloc(n * sizeof *dx), *p = xmalloc(n * sizeof *p);
    uint32_t *labels = xmalloc(rows * sizeof *labels);
    fill(x, n, 3 + s, -30.0f, 30.0f);
    fill(dy, n, 5 + s, -1.0f, 1.0f);
    uint64_t seed = 9;
    for (size_t r = 0; r < rows; r++) labels[r] = (uint32_t)(rng_next(&seed) % cols);
    x[17] = NAN;
    sg_softmax(rows, cols, x, y);
    h = digest_floats(h, y, n);
    sg_softmax_backward(rows, cols, y, dy, dx);
    h = digest_floats(h, dx, n);
    sg_log_softmax(rows, cols, x, y);
    h = digest_floats(h, y, n);
    sg_log_softmax_backward(rows, cols, y, dy, dx);
    h = digest_floats(h, dx, n);
    float loss = sg_softmax_xent(rows, cols, x, labels, p, dx);
    h = digest_floats(digest_floats(h, &loss, 1), p, n);
    h = digest_floats(h, dx, n);
    loss = sg_softmax_xent(rows - 1, cols, x + cols, labels + 1, NULL, dx); /* without the NaN row */
    h = digest_floats(digest_floats(h, &loss, 1), dx, (rows - 1) * cols);
    free(x), free(y), free(dy), free(dx), free(p), free(labels);
  }
  return h;
}

/* The dense layer: batch 1 (the vector products), bands of rows and of
 * columns, and the outer product. */
static uint64_t dense(void) {
  static const size_t shapes[][3] = {{1, 4096, 1024}, {32, 784, 100}, {256, 784, 100}, {8, 300, 1500},
                                     {64, 500, 600}, {1, 1000, 4096}};
  uint64_t h = DIGEST_INIT;
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    size_t batch = shapes[s][0], in = shapes[s][1], out = shapes[s][2];
    float *X = xmalloc(batch * in * sizeof *X), *W = xmalloc(in * out * sizeof *W), *b = xmalloc(out * sizeof *b),
          *Y = xmalloc(batch * out * sizeof *Y), *dW = xmalloc(in * out * sizeof *dW), *db = xmalloc(out * sizeof *db),
          *dX = xmalloc(batch * in * sizeof *dX);
    fill(X, batch * in, 11 + s, -1.0f, 1.0f);
    fill(W, in * out, 13 + s, -0.1f, 0.1f);
    fill(b, out, 17 + s, -1.0f, 1.0f);
    W[3] = NAN;
    sg_dense_forward(batch, in, out, X, W, b, Y);
    h = digest_floats(h, Y, batch * out);
    sg_dense_backward(batch, in, out, X, W, Y, dW, db, dX);
    h = digest_floats(digest_floats(digest_floats(h, dW, in * out), db, out), dX, batch * in);
    sg_outer(in, out, 0.25f, X, b, dW, out);
    h = digest_floats(h, dW, in * out);
    free(X), free(W), free(b), free(Y), free(dW), free(db), free(dX);
  }
  return h;
}

/* Three SGD steps of a 784-256-128-10 net (SiLU and sigmoid) at batch 64
 * (the large layers' products split): its parameters' digest. */
static uint64_t mlp(void) {
  const size_t widths[] = {784, 256, 128, 10}, batch = 64;
  const sg_act hidden[] = {SG_ACT_SILU, SG_ACT_SIGMOID};
  sg_mlp *m = sg_mlp_create(3, widths, hidden, SG_HEAD_XENT);
  CHECK(m && sg_mlp_init(m, SG_INIT_XAVIER, 5) == 0, "mlp create");
  if (!m) return 0;
  float *X = xmalloc(batch * 784 * sizeof *X);
  uint32_t labels[64];
  uint64_t seed = 21, h = DIGEST_INIT;
  for (int step = 0; step < 3; step++) {
    fill(X, batch * 784, 100 + (uint64_t)step, 0.0f, 1.0f);
    for (size_t r = 0; r < batch; r++) labels[r] = (uint32_t)(rng_next(&seed) % 10);
    CHECK(sg_mlp_forward(m, batch, X) == 0, "mlp forward");
    float loss = sg_mlp_backward(m, NULL, labels);
    h = digest_floats(h, &loss, 1);
    sg_mlp_sgd(m, 0.1f);
  }
  for (size_t l = 0; l < 3; l++) {
    h = digest_floats(h, sg_mlp_weights(m, l), widths[l] * widths[l + 1]);
    h = digest_floats(h, sg_mlp_bias(m, l), widths[l + 1]);
  }
  sg_mlp_free(m);
  free(X);
  return h;
}

/* SIMDGRAD_THREADS, read at the first call: in a fresh child each. */
static size_t threads_in_child(const char *value) {
  int fd[2];
  if (pipe(fd)) return 0;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    if (value) setenv("SIMDGRAD_THREADS", value, 1);
    else unsetenv("SIMDGRAD_THREADS");
    if (freopen("/dev/null", "w", stderr)) { /* the warning of a bad value */
    }
    size_t n = sg_threads();
    ssize_t w = write(fd[1], &n, sizeof n);
    _exit(w == (ssize_t)sizeof n ? 0 : 1);
  }
  close(fd[1]);
  size_t n = 0;
  if (read(fd[0], &n, sizeof n) != (ssize_t)sizeof n) n = 0;
  close(fd[0]);
  int status;
  waitpid(pid, &status, 0);
  return n;
}

static void api(void) {
  size_t all = threads_in_child(NULL);
  CHECK(all >= 1, "default thread count %zu", all);
  CHECK(threads_in_child("0") == all, "SIMDGRAD_THREADS=0 is every CPU");
  CHECK(threads_in_child("bad") == all && threads_in_child("-2") == all && threads_in_child("3x") == all,
        "a bad SIMDGRAD_THREADS is ignored");
#if SG_HAVE_THREADS
  CHECK(threads_in_child("3") == 3, "SIMDGRAD_THREADS=3");
  CHECK(threads_in_child("1025") == all, "SIMDGRAD_THREADS past the limit is ignored");
  errno = 0;
  CHECK(sg_set_threads(5) == 0 && sg_threads() == 5 && errno == 0, "sg_set_threads(5)");
#else
  CHECK(threads_in_child("3") == 1, "SIMDGRAD_THREADS=3 in a single-threaded build");
  errno = 0;
  CHECK(sg_set_threads(5) == -1 && errno == EINVAL && sg_threads() == 1, "sg_set_threads(5) single-threaded");
#endif
  errno = 0;
  CHECK(sg_set_threads((size_t)SG_MAX_THREADS + 1) == -1 && errno == EINVAL, "sg_set_threads(1025)");
  CHECK(sg_set_threads(0) == 0 && sg_threads() == all, "sg_set_threads(0) is every CPU");
}

int main(void) {
  api();
  sg_isa isas[SG_ISA_COUNT];
  int nisa = supported_isas(isas);
  /* A single-threaded build runs everything on one thread: one pass, for
   * the sizes' sake, and nothing to compare. */
#if SG_HAVE_THREADS
  const size_t ncounts = NCOUNTS;
#else
  const size_t ncounts = 1;
#endif
  for (int k = 0; k < nisa; k++) {
    sg_set_isa(isas[k]);
    uint64_t ref[4] = {0};
    for (size_t c = 0; c < ncounts; c++) {
      CHECK(sg_set_threads(counts[c]) == 0, "sg_set_threads(%zu)", counts[c]);
      uint64_t got[4] = {elementwise(), rowwise(), dense(), mlp()};
      static const char *const what[] = {"element-wise", "row-wise", "dense", "mlp"};
      for (int w = 0; w < 4; w++) {
        if (c == 0) ref[w] = got[w];
        CHECK(got[w] == ref[w], "%s %s: %zu threads give %016llx, 1 thread %016llx", sg_isa_name(isas[k]), what[w],
              sg_threads(), (unsigned long long)got[w], (unsigned long long)ref[w]);
      }
      printf("parallel %-7s %zu thread(s): element-wise %016llx row-wise %016llx dense %016llx mlp %016llx\n",
             sg_isa_name(isas[k]), sg_threads(), (unsigned long long)got[0], (unsigned long long)got[1],
             (unsigned long long)got[2], (unsigned long long)got[3]);
    }
  }
  return check_summary("test_parallel");
}
