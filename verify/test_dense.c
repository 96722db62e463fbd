/* SPDX-License-Identifier: BSD-3-Clause */
/* The dense layer and the outer product (sg_dense_forward, sg_dense_backward,
 * sg_outer) on every supported ISA:
 *  - bit for bit against the scalar reference on every (batch, in, out) in
 *    1..33 (each of the three products reduces over a different one of them,
 *    so every m, n, k in 1..33 of every product), on the MLP shapes, with
 *    bias NULL, NULL outputs, lda > n, canaries around every output;
 *  - accuracy against double: an FMA chain of k steps over terms a_i b_i
 *    (starting from s0) is within gamma_k (|s0| + sum |a_i b_i|) of the exact
 *    value, gamma_k = k u / (1 - k u), u = 2^-24 (Higham, Accuracy and
 *    Stability of Numerical Algorithms, 2nd ed., sec. 3.1); reported as the
 *    largest fraction of that bound used;
 *  - against OpenBLAS (cblas_sgemm, cblas_sger) when configure found it: both
 *    are within the same bound of the exact value, so within twice it of each other;
 *  - a digest of the MLP-shape outputs against verify/golden.h, so the aarch64
 *    build under qemu proves NEON returns the x86 bits;
 *  - NaN outputs: 0x7fc00000 on every ISA, whether the NaNs come from
 *    NaN inputs (payloads and signs of their own in each operand, one
 *    operand or all at once) or are made by inf*0 or inf - inf, on shapes
 *    that take every path (GEMV, GEMM tails, several K blocks, outer's
 *    cache-resident and streaming loops);
 *  - empty shapes, alpha == 0, and arrays flush against inaccessible pages.
 * Run time: about 6 s natively, 65 s under qemu-aarch64. */
#include <float.h>
#include <unistd.h>

#include <config.h>

#include "check.h"
#include "golden.h"

#if SG_HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int);
#endif

#define U 0x1p-24
#define MAXD 33
#define CANARY 0x7fc0beef
#define CANON_NAN 0x7fc00000u /* the header's NaN rule */
#define GUARD 16

static double gamma_k(size_t k) { return k * U / (1 - k * U); }

struct acc_stats {
  double worst; /* largest |err| / bound */
  double worst_u; /* largest |err| / (u * sum |terms|) */
};
static struct acc_stats acc_fwd, acc_dw, acc_db, acc_dx, acc_ger;
#if SG_HAVE_OPENBLAS
static struct acc_stats blas_stats;
/* SIMDGRAD_TEST_NO_OPENBLAS=1 turns the comparison off: CI sets it where the
 * tests run on an emulated older CPU that OpenBLAS's kernels do not run on. */
static int blas_on;
#endif

static void acc_note(struct acc_stats *s, float got, double exact, double mag, size_t k, const char *what,
                     size_t i) {
  double err = fabs((double)got - exact), bound = gamma_k(k) * mag;
  if (mag > 0 && err / (U * mag) > s->worst_u) s->worst_u = err / (U * mag);
  if (bound > 0 && err / bound > s->worst) s->worst = err / bound;
  CHECK(err <= bound, "%s[%zu] = %a, exact %a: error %g > gamma_%zu * %g", what, i, got, exact, err, k, mag);
}

/* A buffer of n floats with GUARD canaries on each side; returns the interior. */
static float *guarded(size_t n) {
  float *p = xmalloc((n + 2 * GUARD) * sizeof *p);
  for (size_t i = 0; i < n + 2 * GUARD; i++) p[i] = u2f(CANARY);
  return p + GUARD;
}
static void guarded_reset(float *p, size_t n) {
  for (ptrdiff_t i = -GUARD; i < (ptrdiff_t)(n + GUARD); i++) p[i] = u2f(CANARY);
}
static int guards_intact(const float *p, size_t n) {
  for (size_t i = 0; i < GUARD; i++)
    if (f2u(p[-1 - (ptrdiff_t)i]) != CANARY || f2u(p[n + i]) != CANARY) return 0;
  return 1;
}
static void guarded_free(float *p) { free(p - GUARD); }

static void fill(uint64_t *seed, float *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = rng_uniform(seed, -1.0f, 1.0f);
}

/* Same bits, n floats. Returns the number of differences (prints the first). */
static size_t bits_differ(const float *a, const float *ref, size_t n, const char *what, sg_isa isa,
                          size_t batch, size_t in, size_t out) {
  size_t bad = 0;
  for (size_t i = 0; i < n; i++)
    if (f2u(a[i]) != f2u(ref[i]) && bad++ == 0)
      fprintf(stderr, "%s %s (batch %zu, in %zu, out %zu) [%zu] = %a (%08x), scalar %a (%08x)\n",
              sg_isa_name(isa), what, batch, in, out, i, a[i], (unsigned)f2u(a[i]), ref[i],
              (unsigned)f2u(ref[i]));
  return bad;
}

/* Double reference of the dense layer, element by element (a stride samples
 * the big shapes). */
static void accuracy_dense(size_t batch, size_t in, size_t out, const float *X, const float *W,
                           const float *bias, const float *dY, const float *Y, const float *dW,
                           const float *db, const float *dX, size_t stride) {
  for (size_t e = 0; e < batch * out; e += stride) {
    size_t b = e / out, o = e % out;
    double s = bias ? bias[o] : 0, mag = bias ? fabs(bias[o]) : 0;
    for (size_t i = 0; i < in; i++) {
      double t = (double)X[b * in + i] * W[i * out + o];
      s += t, mag += fabs(t);
    }
    acc_note(&acc_fwd, Y[e], s, mag, in, "Y", e);
  }
  for (size_t e = 0; e < in * out; e += stride) {
    size_t i = e / out, o = e % out;
    double s = 0, mag = 0;
    for (size_t b = 0; b < batch; b++) {
      double t = (double)X[b * in + i] * dY[b * out + o];
      s += t, mag += fabs(t);
    }
    acc_note(&acc_dw, dW[e], s, mag, batch, "dW", e);
  }
  for (size_t o = 0; o < out; o++) {
    double s = 0, mag = 0;
    for (size_t b = 0; b < batch; b++) s += dY[b * out + o], mag += fabs(dY[b * out + o]);
    acc_note(&acc_db, db[o], s, mag, batch, "db", o);
  }
  for (size_t e = 0; e < batch * in; e += stride) {
    size_t b = e / in, i = e % in;
    double s = 0, mag = 0;
    for (size_t o = 0; o < out; o++) {
      double t = (double)dY[b * out + o] * W[i * out + o];
      s += t, mag += fabs(t);
    }
    acc_note(&acc_dx, dX[e], s, mag, out, "dX", e);
  }
}

#if SG_HAVE_OPENBLAS
/* |ours - blas| <= 2 gamma_(k+1) (|s0| + sum |terms|): both are within one
 * bound of the exact value (BLAS adds the bias, beta = 1, after its sum). */
static void blas_note(float ours, float blas, double mag, size_t k, const char *what, size_t i) {
  double d = fabs((double)ours - blas), bound = 2 * gamma_k(k + 1) * mag;
  if (bound > 0 && d / bound > blas_stats.worst) blas_stats.worst = d / bound;
  CHECK(d <= bound, "%s[%zu]: ours %a, OpenBLAS %a", what, i, ours, blas);
}

static void compare_blas(size_t batch, size_t in, size_t out, const float *X, const float *W,
                         const float *bias, const float *dY, const float *Y, const float *dW,
                         const float *dX) {
  float *t = xmalloc((batch * out + in * out + batch * in) * sizeof *t);
  float *bY = t, *bdW = t + batch * out, *bdX = bdW + in * out;
  for (size_t b = 0; b < batch; b++)
    for (size_t o = 0; o < out; o++) bY[b * out + o] = bias ? bias[o] : 0.0f;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, (int)out, (int)in, 1.0f, X,
              (int)in, W, (int)out, 1.0f, bY, (int)out);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out, (int)batch, 1.0f, X,
              (int)in, dY, (int)out, 0.0f, bdW, (int)out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)in, (int)out, 1.0f, dY,
              (int)out, W, (int)out, 0.0f, bdX, (int)in);
  for (size_t e = 0; e < batch * out; e++) {
    size_t b = e / out, o = e % out;
    double mag = bias ? fabs(bias[o]) : 0;
    for (size_t i = 0; i < in; i++) mag += fabs((double)X[b * in + i] * W[i * out + o]);
    blas_note(Y[e], bY[e], mag, in, "Y vs sgemm", e);
  }
  for (size_t e = 0; e < in * out; e++) {
    size_t i = e / out, o = e % out;
    double mag = 0;
    for (size_t b = 0; b < batch; b++) mag += fabs((double)X[b * in + i] * dY[b * out + o]);
    blas_note(dW[e], bdW[e], mag, batch, "dW vs sgemm", e);
  }
  for (size_t e = 0; e < batch * in; e++) {
    size_t b = e / in, i = e % in;
    double mag = 0;
    for (size_t o = 0; o < out; o++) mag += fabs((double)dY[b * out + o] * W[i * out + o]);
    blas_note(dX[e], bdX[e], mag, out, "dX vs sgemm", e);
  }
  free(t);
}
#endif

/* One shape on every ISA; isa_digest[j] (if given) folds in the outputs of isas[j]. */
static void one_shape(const sg_isa *isas, int nisa, size_t batch, size_t in, size_t out,
                          uint64_t *seed, int with_bias, size_t acc_stride, int blas, uint64_t *isa_digest) {
  float *X = xmalloc(batch * in * sizeof *X), *W = xmalloc(in * out * sizeof *W),
        *dY = xmalloc(batch * out * sizeof *dY), *bias = xmalloc(out * sizeof *bias);
  fill(seed, X, batch * in), fill(seed, W, in * out), fill(seed, dY, batch * out), fill(seed, bias, out);
  const float *bp = with_bias ? bias : NULL;
  float *rY = xmalloc(batch * out * 4), *rdW = xmalloc(in * out * 4), *rdb = xmalloc(out * 4),
        *rdX = xmalloc(batch * in * 4);
  sg_set_isa(SG_ISA_SCALAR);
  sg_dense_forward(batch, in, out, X, W, bp, rY);
  sg_dense_backward(batch, in, out, X, W, dY, rdW, rdb, rdX);
  if (acc_stride) accuracy_dense(batch, in, out, X, W, bp, dY, rY, rdW, rdb, rdX, acc_stride);
#if SG_HAVE_OPENBLAS
  if (blas && blas_on) compare_blas(batch, in, out, X, W, bp, dY, rY, rdW, rdX);
#else
  (void)blas;
#endif
  if (isa_digest) {
    uint64_t h = digest_floats(isa_digest[0], rY, batch * out);
    h = digest_floats(h, rdW, in * out), h = digest_floats(h, rdb, out);
    isa_digest[0] = digest_floats(h, rdX, batch * in);
  }

  float *Y = guarded(batch * out), *dW = guarded(in * out), *db = guarded(out), *dX = guarded(batch * in);
  for (int j = 1; j < nisa; j++) {
    sg_isa isa = isas[j];
    sg_set_isa(isa);
    guarded_reset(Y, batch * out), guarded_reset(dW, in * out), guarded_reset(db, out),
        guarded_reset(dX, batch * in);
    sg_dense_forward(batch, in, out, X, W, bp, Y);
    sg_dense_backward(batch, in, out, X, W, dY, dW, db, dX);
    size_t bad = bits_differ(Y, rY, batch * out, "Y", isa, batch, in, out) +
                 bits_differ(dW, rdW, in * out, "dW", isa, batch, in, out) +
                 bits_differ(db, rdb, out, "db", isa, batch, in, out) +
                 bits_differ(dX, rdX, batch * in, "dX", isa, batch, in, out);
    CHECK(bad == 0, "%s: %zu outputs differ from scalar (batch %zu, in %zu, out %zu)",
          sg_isa_name(isa), bad, batch, in, out);
    CHECK(guards_intact(Y, batch * out) && guards_intact(dW, in * out) && guards_intact(db, out) &&
              guards_intact(dX, batch * in),
          "%s wrote outside an output (batch %zu, in %zu, out %zu)", sg_isa_name(isa), batch, in, out);
    if (isa_digest) {
      uint64_t g = digest_floats(isa_digest[j], Y, batch * out);
      g = digest_floats(g, dW, in * out), g = digest_floats(g, db, out);
      isa_digest[j] = digest_floats(g, dX, batch * in);
    }
    /* NULL outputs, one pattern per shape: the skipped ones stay untouched,
     * X or W may then be NULL. */
    int pat = (int)((batch + in + out) % 3);
    guarded_reset(dW, in * out), guarded_reset(db, out), guarded_reset(dX, batch * in);
    if (pat == 0) sg_dense_backward(batch, in, out, X, NULL, dY, dW, NULL, NULL);
    if (pat == 1) sg_dense_backward(batch, in, out, NULL, W, dY, NULL, db, NULL);
    if (pat == 2) sg_dense_backward(batch, in, out, NULL, W, dY, NULL, NULL, dX);
    CHECK(pat != 0 || (bits_differ(dW, rdW, in * out, "dW only", isa, batch, in, out) == 0 &&
                       f2u(db[0]) == CANARY && f2u(dX[0]) == CANARY),
          "%s dW-only backward", sg_isa_name(isa));
    CHECK(pat != 1 || (bits_differ(db, rdb, out, "db only", isa, batch, in, out) == 0 &&
                       f2u(dW[0]) == CANARY && f2u(dX[0]) == CANARY),
          "%s db-only backward", sg_isa_name(isa));
    CHECK(pat != 2 || (bits_differ(dX, rdX, batch * in, "dX only", isa, batch, in, out) == 0 &&
                       f2u(dW[0]) == CANARY && f2u(db[0]) == CANARY),
          "%s dX-only backward", sg_isa_name(isa));
  }
  guarded_free(Y), guarded_free(dW), guarded_free(db), guarded_free(dX);
  free(X), free(W), free(dY), free(bias), free(rY), free(rdW), free(rdb), free(rdX);
}

/* Emulated (test_emulated), only the sizes next to the vector widths and
 * tile edges: 14^3 shapes instead of 33^3. */
static int cube_size(size_t d) {
  static const unsigned char thin[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33};
  if (!test_emulated()) return 1;
  for (size_t k = 0; k < sizeof thin; k++)
    if (thin[k] == d) return 1;
  return 0;
}

static void test_cube(const sg_isa *isas, int nisa) {
  uint64_t seed = 1;
  size_t shapes = 0;
  for (size_t batch = 1; batch <= MAXD; batch++)
    for (size_t in = 1; in <= MAXD; in++)
      for (size_t out = 1; out <= MAXD; out++) {
        if (!cube_size(batch) || !cube_size(in) || !cube_size(out)) continue;
        one_shape(isas, nisa, batch, in, out, &seed, (batch + in + out) % 4 != 0, 1,
                  (batch * 7 + in * 3 + out) % 5 == 0, NULL);
        shapes++;
      }
  printf("dense: %zu shapes (batch, in, out) in 1..%d: every ISA = scalar bits\n", shapes, MAXD);
}

/* The MLP shapes; their scalar outputs' digest is the golden one.
 * Emulated, 1000 -> 1000 is left out, and with it the digest. */
static void test_mlp(const sg_isa *isas, int nisa) {
  static const size_t layers[][2] = {{784, 100}, {100, 10}, {1000, 1000}};
  static const size_t batches[] = {1, 32, 256};
  uint64_t seed = 2024, dig[SG_ISA_COUNT];
  int thin = test_emulated();
  for (int j = 0; j < SG_ISA_COUNT; j++) dig[j] = DIGEST_INIT;
  for (size_t l = 0; l < (thin ? 2 : 3); l++)
    for (size_t bi = 0; bi < 3; bi++) {
      size_t batch = batches[bi], in = layers[l][0], out = layers[l][1];
      size_t work = batch * in * out;
      /* the biggest are checked against double on a sample of outputs */
      one_shape(isas, nisa, batch, in, out, &seed, bi != 1, work > 4000000 ? 101 : 1,
                work <= 30000000, dig);
    }
  for (int j = 0; j < nisa; j++) {
    printf("dense MLP shapes (batch 1, 32, 256 x 784->100, 100->10, 1000->1000): %-7s digest %016llx\n",
           sg_isa_name(isas[j]), (unsigned long long)dig[j]);
    CHECK(thin || dig[j] == GOLDEN_DENSE_DIGEST, "%s dense digest %016llx, golden %016llx",
          sg_isa_name(isas[j]), (unsigned long long)dig[j], (unsigned long long)GOLDEN_DENSE_DIGEST);
  }
}

/* Every ISA's sg_outer on a copy of A0 must give ref, the scalar result,
 * padding between the rows included; what names the case in messages. */
static void outer_matches_scalar(const sg_isa *isas, int nisa, size_t m, size_t n, size_t lda, float alpha,
                                 const float *x, const float *y, const float *A0, const float *ref,
                                 const char *what) {
  float *A = xmalloc(m * lda * 4);
  for (int j = 1; j < nisa; j++) {
    memcpy(A, A0, m * lda * 4);
    sg_set_isa(isas[j]);
    sg_outer(m, n, alpha, x, y, A, lda);
    size_t bad = 0;
    for (size_t i = 0; i < m * lda; i++)
      if (f2u(A[i]) != f2u(ref[i]) && bad++ == 0)
        fprintf(stderr, "%s outer %zux%zu lda %zu [%zu] = %a (%08x), scalar %a (%08x); %s\n",
                sg_isa_name(isas[j]), m, n, lda, i, A[i], (unsigned)f2u(A[i]), ref[i], (unsigned)f2u(ref[i]),
                what);
    CHECK(bad == 0, "%s outer %zux%zu lda %zu: %zu differ (%s)", sg_isa_name(isas[j]), m, n, lda, bad, what);
  }
  free(A);
}

/* sg_outer: every m, n in 1..33 with lda = n, n + 3, n + 17, several alpha;
 * the padding between rows must stay untouched. */
static void ger_case(const sg_isa *isas, int nisa, size_t m, size_t n, size_t lda, float alpha,
                     uint64_t *seed, uint64_t *digest, int blas) {
  float *x = xmalloc(m * 4), *y = xmalloc(n * 4), *A0 = xmalloc(m * lda * 4), *ref = xmalloc(m * lda * 4);
  fill(seed, x, m), fill(seed, y, n);
  for (size_t i = 0; i < m * lda; i++) A0[i] = (i % lda) < n ? rng_uniform(seed, -1, 1) : u2f(CANARY);
  memcpy(ref, A0, m * lda * 4);
  sg_set_isa(SG_ISA_SCALAR);
  sg_outer(m, n, alpha, x, y, ref, lda);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double a0 = A0[i * lda + j], t = (double)alpha * x[i] * y[j], exact = a0 + t;
      double err = fabs((double)ref[i * lda + j] - exact), bound = 2 * U * (fabs(a0) + fabs(t));
      double mag = fabs(a0) + fabs(t);
      if (mag > 0 && err / (U * mag) > acc_ger.worst_u) acc_ger.worst_u = err / (U * mag);
      if (bound > 0 && err / bound > acc_ger.worst) acc_ger.worst = err / bound;
      CHECK(err <= bound, "outer %zux%zu [%zu][%zu]: %a, exact %a", m, n, i, j, ref[i * lda + j], exact);
    }
  if (digest) *digest = digest_floats(*digest, ref, m * lda);
#if SG_HAVE_OPENBLAS
  if (blas && blas_on) {
    float *bA = xmalloc(m * lda * 4);
    memcpy(bA, A0, m * lda * 4);
    cblas_sger(CblasRowMajor, (int)m, (int)n, alpha, x, 1, y, 1, bA, (int)lda);
    for (size_t i = 0; i < m * lda; i++) {
      if (i % lda >= n) continue;
      double t = fabs((double)alpha * x[i / lda] * y[i % lda]), mag = fabs(A0[i]) + t;
      double d = fabs((double)bA[i] - ref[i]);
      if (mag > 0 && d / (4 * U * mag) > blas_stats.worst) blas_stats.worst = d / (4 * U * mag);
      CHECK(d <= 4 * U * mag, "outer vs sger %zux%zu [%zu]: %a vs %a", m, n, i, ref[i], bA[i]);
    }
    free(bA);
  }
#else
  (void)blas;
#endif
  outer_matches_scalar(isas, nisa, m, n, lda, alpha, x, y, A0, ref, "padding included");
  free(x), free(y), free(A0), free(ref);
}

static void test_outer(const sg_isa *isas, int nisa) {
  uint64_t seed = 99, h = DIGEST_INIT;
  static const float alphas[] = {1.0f, -0.5f, 0.3f, 1e-3f};
  size_t cases = 0;
  for (size_t m = 1; m <= MAXD; m++)
    for (size_t n = 1; n <= MAXD; n++) {
      size_t lda = n + (size_t[]){0, 3, 17}[(m + n) % 3];
      ger_case(isas, nisa, m, n, lda, alphas[(m * n) % 4], &seed, &h, (m + n) % 7 == 0);
      cases++;
    }
  ger_case(isas, nisa, 784, 100, 100, 0.01f, &seed, &h, 1);
  ger_case(isas, nisa, 100, 784, 800, -0.25f, &seed, &h, 1);
  ger_case(isas, nisa, 257, 1000, 1003, 1.0f, &seed, &h, 1);
  printf("outer: %zu shapes m, n in 1..%d (lda = n, n+3, n+17) and 3 large: every ISA = scalar bits; digest %016llx\n",
         cases, MAXD, (unsigned long long)h);
  CHECK(h == GOLDEN_OUTER_DIGEST, "outer digest %016llx, golden %016llx", (unsigned long long)h,
        (unsigned long long)GOLDEN_OUTER_DIGEST);
}

/* Empty shapes, alpha == 0, NULL bias with in == 0. */
static void test_empty(const sg_isa *isas, int nisa) {
  float X[4] = {1, 2, 3, 4}, W[4] = {1, 2, 3, 4}, bias[2] = {0.5f, -0.25f}, out[8];
  float nanv = u2f(0x7fc00001);
  for (int j = 0; j < nisa; j++) {
    const char *name = sg_isa_name(isas[j]);
    sg_set_isa(isas[j]);
    for (int i = 0; i < 8; i++) out[i] = nanv;
    sg_dense_forward(2, 0, 2, NULL, NULL, bias, out); /* in == 0: Y = bias */
    CHECK(out[0] == 0.5f && out[1] == -0.25f && out[2] == 0.5f && out[3] == -0.25f &&
              f2u(out[4]) == 0x7fc00001, "%s forward in == 0", name);
    sg_dense_forward(2, 0, 2, NULL, NULL, NULL, out); /* no bias: +0 */
    CHECK(f2u(out[0]) == 0 && f2u(out[3]) == 0, "%s forward in == 0, no bias", name);
    for (int i = 0; i < 8; i++) out[i] = nanv;
    sg_dense_forward(0, 2, 2, NULL, W, bias, out);
    sg_dense_forward(2, 2, 0, X, W, NULL, out);
    CHECK(f2u(out[0]) == 0x7fc00001, "%s forward batch == 0 / out == 0 wrote", name);
    float dW[4], db[2], dX[4];
    for (int i = 0; i < 4; i++) dW[i] = dX[i] = nanv;
    db[0] = db[1] = nanv;
    sg_dense_backward(0, 2, 2, NULL, W, NULL, dW, db, dX); /* batch == 0: dW = db = 0 */
    CHECK(f2u(dW[0]) == 0 && f2u(dW[3]) == 0 && f2u(db[0]) == 0 && f2u(db[1]) == 0 &&
              f2u(dX[0]) == 0x7fc00001, "%s backward batch == 0", name);
    sg_dense_backward(2, 2, 0, X, NULL, NULL, dW, db, dX); /* out == 0: dX = 0 */
    CHECK(f2u(dX[0]) == 0 && f2u(dX[3]) == 0, "%s backward out == 0", name);
    for (int i = 0; i < 4; i++) dW[i] = dX[i] = nanv;
    float dY[4] = {1, 2, 3, 4};
    sg_dense_backward(2, 0, 2, NULL, NULL, dY, dW, db, dX); /* in == 0: only db */
    CHECK(db[0] == 4 && db[1] == 6 && f2u(dW[0]) == 0x7fc00001 && f2u(dX[0]) == 0x7fc00001,
          "%s backward in == 0", name);
    float A[4] = {1, 2, 3, 4}, xn[2] = {NAN, NAN};
    sg_outer(2, 2, 0.0f, xn, xn, A, 2); /* alpha == 0: quick return, NaN not read */
    sg_outer(0, 2, 1.0f, xn, xn, A, 2);
    sg_outer(2, 0, 1.0f, xn, xn, A, 2);
    CHECK(A[0] == 1 && A[1] == 2 && A[2] == 3 && A[3] == 4, "%s outer quick return", name);
  }
}

/* ---- NaN outputs ---------------------------------------------------------- */

/* In each mode, sparse specials among uniform values: NaNs in one operand
 * (X, W, bias, dY; for the outer product x, y, A, alpha), NaNs of every
 * operand at once (so chains meet NaNs of different payloads), or no NaN but
 * infinities and zeros among positive values (only inf*0 can make a NaN), or
 * infinities of both signs (inf - inf). */
enum { NM_OP0, NM_OP1, NM_OP2, NM_OP3, NM_ALL, NM_INF_ZERO, NM_INF_INF, NAN_MODES };
static const char *const nan_mode_name[NAN_MODES] = {
    "NaNs in X / x", "NaNs in W / y", "NaNs in bias / A", "NaNs in dY / alpha",
    "NaNs in every operand", "inf*0", "inf - inf"};
/* Operand k's NaNs: one quiet and one signalling, opposite signs, payloads
 * no other operand has. */
static const uint32_t nan_bits[4][2] = {{0x7fc0a001, 0xff80a002}, {0xffc0b001, 0x7f80b002},
                                        {0x7fc0c001, 0xff80c002}, {0xffc0d001, 0x7f80d002}};

static void nan_fill(uint64_t *seed, float *p, size_t n, int k, int mode) {
  int inf = mode == NM_INF_ZERO || mode == NM_INF_INF;
  for (size_t i = 0; i < n; i++) p[i] = rng_uniform(seed, mode == NM_INF_ZERO ? 0x1p-10f : -1.0f, 1.0f);
  size_t count = inf ? 1 + n / 16 : 1 + n / 512;
  for (size_t c = 0; c < count; c++) {
    size_t i = (size_t)(rng_next(seed) % n);
    int r = (int)(rng_next(seed) & 1);
    if (mode == NM_INF_ZERO) p[i] = r ? INFINITY : 0.0f;
    else if (mode == NM_INF_INF) p[i] = r ? INFINITY : -INFINITY;
    else if (mode == NM_ALL || mode == k) p[i] = u2f(nan_bits[k][r]);
  }
}

/* Counts the NaNs of v and checks each is the canonical one. */
static size_t canonical_nans(const float *v, size_t n, const char *what, int mode) {
  size_t nans = 0, bad = 0;
  for (size_t i = 0; i < n; i++)
    if (isnan(v[i])) {
      nans++;
      if (f2u(v[i]) != CANON_NAN && bad++ == 0)
        fprintf(stderr, "scalar %s [%zu] = %08x (%s)\n", what, i, (unsigned)f2u(v[i]), nan_mode_name[mode]);
    }
  CHECK(bad == 0, "scalar %s: %zu NaNs other than %08x (%s)", what, bad, CANON_NAN, nan_mode_name[mode]);
  return nans;
}

/* One dense shape in one mode: the scalar NaNs canonical, every ISA the
 * scalar bits. Returns the number of NaN outputs. */
static size_t nan_dense(const sg_isa *isas, int nisa, size_t batch, size_t in, size_t out, int mode,
                        uint64_t *seed) {
  size_t n[4] = {batch * out, in * out, out, batch * in};
  float *X = xmalloc(batch * in * 4), *W = xmalloc(in * out * 4), *bias = xmalloc(out * 4),
        *dY = xmalloc(batch * out * 4), *ref[4], *got[4];
  nan_fill(seed, X, batch * in, 0, mode), nan_fill(seed, W, in * out, 1, mode);
  nan_fill(seed, bias, out, 2, mode), nan_fill(seed, dY, batch * out, 3, mode);
  for (int k = 0; k < 4; k++) ref[k] = xmalloc(n[k] * 4), got[k] = xmalloc(n[k] * 4);
  sg_set_isa(SG_ISA_SCALAR);
  sg_dense_forward(batch, in, out, X, W, bias, ref[0]);
  sg_dense_backward(batch, in, out, X, W, dY, ref[1], ref[2], ref[3]);
  static const char *const names[4] = {"Y", "dW", "db", "dX"};
  size_t nans = 0;
  for (int k = 0; k < 4; k++) nans += canonical_nans(ref[k], n[k], names[k], mode);
  for (int j = 1; j < nisa; j++) {
    sg_set_isa(isas[j]);
    sg_dense_forward(batch, in, out, X, W, bias, got[0]);
    sg_dense_backward(batch, in, out, X, W, dY, got[1], got[2], got[3]);
    size_t bad = 0;
    for (int k = 0; k < 4; k++) bad += bits_differ(got[k], ref[k], n[k], names[k], isas[j], batch, in, out);
    CHECK(bad == 0, "%s: %zu outputs differ from scalar (batch %zu, in %zu, out %zu, %s)",
          sg_isa_name(isas[j]), bad, batch, in, out, nan_mode_name[mode]);
  }
  for (int k = 0; k < 4; k++) free(ref[k]), free(got[k]);
  free(X), free(W), free(bias), free(dY);
  return nans;
}

/* The same for sg_outer (lda > n: the padding, NaN canaries, must stay as it is). */
static size_t nan_outer(const sg_isa *isas, int nisa, size_t m, size_t n, size_t lda, int mode,
                        uint64_t *seed) {
  float *x = xmalloc(m * 4), *y = xmalloc(n * 4), *A0 = xmalloc(m * lda * 4), *ref = xmalloc(m * lda * 4),
        alpha;
  nan_fill(seed, x, m, 0, mode), nan_fill(seed, y, n, 1, mode), nan_fill(seed, A0, m * lda, 2, mode);
  nan_fill(seed, &alpha, 1, 3, mode);
  if (mode != NM_OP3 && mode != NM_ALL) alpha = mode == NM_INF_ZERO ? 0.75f : -0.75f;
  for (size_t i = 0; i < m * lda; i++)
    if (i % lda >= n) A0[i] = u2f(CANARY);
  memcpy(ref, A0, m * lda * 4);
  sg_set_isa(SG_ISA_SCALAR);
  sg_outer(m, n, alpha, x, y, ref, lda);
  size_t nans = 0;
  for (size_t i = 0; i < m; i++) nans += canonical_nans(ref + i * lda, n, "outer", mode);
  outer_matches_scalar(isas, nisa, m, n, lda, alpha, x, y, A0, ref, nan_mode_name[mode]);
  free(x), free(y), free(A0), free(ref);
  return nans;
}

static void test_nan(const sg_isa *isas, int nisa) {
  /* batch 1: the GEMV paths (forward and dX), out 300 past a full GEMV
   * block; the others the GEMM with partial tiles, and each product's
   * reduction (in, batch, out) past one K block of 256; db past 4 vectors. */
  static const size_t dense[][3] = {{1, 5, 3},   {1, 33, 37},  {1, 300, 300}, {2, 3, 5},   {7, 33, 37},
                                    {13, 300, 133}, {300, 20, 70}, {40, 17, 300}, {3, 70, 300}};
  /* the cache-resident loop (4 rows) with its tails, and the streaming one */
  static const size_t outer[][3] = {{1, 1, 1}, {3, 5, 8}, {5, 37, 37}, {13, 133, 140}, {600, 300, 301}};
  uint64_t seed = 7;
  size_t dense_nans = 0, outer_nans = 0;
  for (int mode = 0; mode < NAN_MODES; mode++) {
    size_t dn = 0, on = 0;
    for (size_t s = 0; s < sizeof dense / sizeof *dense; s++)
      dn += nan_dense(isas, nisa, dense[s][0], dense[s][1], dense[s][2], mode, &seed);
    for (size_t s = 0; s < sizeof outer / sizeof *outer; s++)
      on += nan_outer(isas, nisa, outer[s][0], outer[s][1], outer[s][2], mode, &seed);
    CHECK(dn > 0 && on > 0, "%s made no NaN (dense %zu, outer %zu)", nan_mode_name[mode], dn, on);
    dense_nans += dn, outer_nans += on;
  }
  /* in == 0: Y is the bias, a NaN there canonical too (src/dispatch.c) */
  float bias[2] = {u2f(nan_bits[2][0]), u2f(nan_bits[2][1])}, Y[4];
  for (int j = 0; j < nisa; j++) {
    sg_set_isa(isas[j]);
    sg_dense_forward(2, 0, 2, NULL, NULL, bias, Y);
    CHECK(f2u(Y[0]) == CANON_NAN && f2u(Y[1]) == CANON_NAN && f2u(Y[2]) == CANON_NAN &&
              f2u(Y[3]) == CANON_NAN, "%s forward in == 0, NaN bias", sg_isa_name(isas[j]));
  }
  printf("NaNs: %d modes x (%zu dense shapes, %zu outer): %zu dense and %zu outer NaN outputs, all "
         "%08x, every ISA = scalar bits\n", NAN_MODES, sizeof dense / sizeof *dense,
         sizeof outer / sizeof *outer, dense_nans, outer_nans, CANON_NAN);
}

/* Every input and output flush against an inaccessible page, at both ends:
 * any read or write outside the arrays crashes the test. */
static void test_fences(const sg_isa *isas, int nisa) {
  if (!fences_wanted()) return;
  size_t page = (size_t)sysconf(_SC_PAGESIZE), per = page / sizeof(float);
  float *p[6];
  for (int i = 0; i < 6; i++) p[i] = fenced_page(page);
  uint64_t seed = 5;
  static const size_t dims[] = {1, 3, 5, 13, 17, 31};
  for (int j = 0; j < nisa; j++) {
    sg_set_isa(isas[j]);
    for (size_t a = 0; a < 6; a++)
      for (size_t b = 0; b < 6; b++)
        for (size_t c = 0; c < 6; c++) {
          size_t batch = dims[a], in = dims[b], out = dims[c];
          for (int end = 0; end < 2; end++) {
            size_t sz[6] = {batch * in, in * out, out, batch * out, in * out, batch * in};
            float *q[6];
            for (int i = 0; i < 6; i++) {
              q[i] = end ? p[i] + per - sz[i] : p[i];
              fill(&seed, q[i], sz[i]);
            }
            sg_dense_forward(batch, in, out, q[0], q[1], q[2], q[3]);
            sg_dense_backward(batch, in, out, q[0], q[1], q[3], q[4], q[2], q[5]);
            sg_outer(in, out, 0.5f, q[0], q[2], q[1], out);
          }
        }
  }
  printf("fences: 216 shapes x 2 placements per ISA, no access outside the arrays\n");
}

int main(void) {
  sg_isa isas[SG_ISA_COUNT];
  int nisa = supported_isas(isas);
#if SG_HAVE_OPENBLAS
  const char *no_blas = getenv("SIMDGRAD_TEST_NO_OPENBLAS");
  blas_on = !(no_blas && *no_blas && strcmp(no_blas, "0") != 0);
  if (blas_on) openblas_set_num_threads(1);
  printf("OpenBLAS comparison: %s\n", blas_on ? "on" : "off (SIMDGRAD_TEST_NO_OPENBLAS)");
#else
  printf("OpenBLAS comparison: off (not found by configure)\n");
#endif
  test_empty(isas, nisa);
  test_nan(isas, nisa);
  test_fences(isas, nisa);
  test_outer(isas, nisa);
  test_cube(isas, nisa);
  test_mlp(isas, nisa);
  struct { const char *name; struct acc_stats *s; } rows[] = {
      {"forward Y", &acc_fwd}, {"dW", &acc_dw}, {"db", &acc_db}, {"dX", &acc_dx}, {"outer", &acc_ger}};
  for (int i = 0; i < 5; i++)
    printf("accuracy %-9s: max error %.3f u * sum|terms|, %.4f of the gamma_k bound%s\n", rows[i].name,
           rows[i].s->worst_u, rows[i].s->worst, i == 4 ? " (2u bound)" : "");
#if SG_HAVE_OPENBLAS
  printf("OpenBLAS: max |ours - blas| = %.4f of 2 gamma_(k+1) sum|terms| (sger: of 4u)\n", blas_stats.worst);
#endif
  return check_summary("test_dense");
}
