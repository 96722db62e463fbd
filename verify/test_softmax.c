/* SPDX-License-Identifier: BSD-3-Clause */
/* The softmax family (softmax, log_softmax, softmax_backward,
 * log_softmax_backward, softmax_xent):
 * every supported ISA against the scalar reference bit for bit, everything
 * against a double-precision oracle, the special rows src/simdgrad.h states,
 * tails at every misalignment, in place, and fenced pages (no access outside
 * the rows, whatever the labels).
 *
 * Random rows: cols 1..67 (every tail of every width), 100, 1000 and 32768,
 * each at three scales (N(0,1), N(0,10), uniform [-80, 80]), plus the
 * adversarial rows of adversarial(). The digests of the scalar outputs over
 * all of them are compared with verify/golden.h, so an aarch64 build under
 * qemu proves NEON returns the x86 bits. */
#include <float.h>
#include <unistd.h>

#include <config.h>

#include "check.h"
#include "golden.h"
#include "oracle.h"

/* The promises (README); measured figures are printed. */
/* The bounds, the registry's (src/kernels.h) */
#define SOFTMAX_MAX_ULP sg_bound[SG_ENTRY_softmax]     /* cols <= 1000 */
#define SOFTMAX_MAX_ULP_BIG sg_bound[SG_ENTRY_softmax] /* cols 32768 */
#define LOG_SOFTMAX_MAX_ULP sg_bound[SG_ENTRY_log_softmax] /* x - M: 0.5 ULP of y (|y| >= |x - M|), up to 1 across a binade; the end 0.5 */
#define XENT_LOSS_MAX_ULP sg_bound[SG_ENTRY_softmax_xent]
#define XENT_DELTA_MAX_ULP sg_bound[SG_ENTRY_softmax_xent]
#define BACKWARD_MAX_ULP sg_bound[SG_ENTRY_softmax_backward]
#define LOG_BACKWARD_MAX_ULP sg_bound[SG_ENTRY_log_softmax_backward] /* on the grid of max(|dx|, |e^y sum(dy)|) */

#define NCLASS 5
static const char *const class_name[NCLASS] = {"cols=10", "cols 1..67", "cols=100", "cols=1000", "cols=32768"};

enum { F_SOFTMAX, F_LOG, F_XLOSS, F_XDELTA, F_BACK, F_LOGBACK, NF };
static const char *const fn_name[NF] = {"softmax", "log_softmax", "xent loss", "xent delta", "softmax_backward",
                                        "log_softmax_back"};

/* Every row length the random sets take: 1..67, then 100, 1000, 32768. */
#define NLEN 70
static size_t len_at(int k) { return k < 67 ? (size_t)k + 1 : k == 67 ? 100 : k == 68 ? 1000 : 32768; }
static int len_index(size_t cols) {
  return cols <= 67 ? (int)cols - 1 : cols == 100 ? 67 : cols == 1000 ? 68 : cols == 32768 ? 69 : -1;
}

struct acc {
  double max_ulp[NF][NCLASS];
  double max_by_len[NF][NLEN]; /* -1: not measured */
  unsigned long mismatches[NF];
  uint64_t digest[NF];
};

static struct acc st[SG_ISA_COUNT];
static sg_isa isas[SG_ISA_COUNT];
static int nisa;

static double gauss(uint64_t *s) {
  double u1 = ((rng_next(s) >> 11) + 1) * 0x1p-53, u2 = (rng_next(s) >> 11) * 0x1p-53;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---- the double oracle ------------------------------------------------------ */

/* 0 if the row is NaN by the contract (NaN, +inf, all -inf), else 1; M, S. */
static int ref_row(size_t cols, const float *x, double *M, double *S) {
  double m = -INFINITY;
  for (size_t i = 0; i < cols; i++) {
    if (isnan(x[i]) || x[i] == INFINITY) return 0;
    if (x[i] > m) m = x[i];
  }
  if (m == -INFINITY) return 0;
  double s = 0;
  for (size_t i = 0; i < cols; i++) s += exp((double)x[i] - m);
  *M = m, *S = s;
  return 1;
}

#define LS_FLOOR 0x1p-26 /* log_softmax: relative above, absolute below */
static double ulp_err_ls(float y, double ref) {
  if ((float)ref == -INFINITY) return y == -INFINITY ? 0 : INFINITY; /* beyond -FLT_MAX */
  return ulp_error_floor(y, ref, LS_FLOOR);
}

static int class_of(size_t cols) {
  return cols == 100 ? 2 : cols == 1000 ? 3 : cols == 32768 ? 4 : 1;
}

static void note(struct acc *a, int f, size_t cols, double e) {
  int c = class_of(cols), k = len_index(cols);
  if (k >= 0 && e > a->max_by_len[f][k]) a->max_by_len[f][k] = e;
  if (e > a->max_ulp[f][c]) a->max_ulp[f][c] = e;
  if (cols == 10 && e > a->max_ulp[f][0]) a->max_ulp[f][0] = e;
}

static int all_nan_bits(const float *y, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (f2u(y[i]) != 0x7fc00000u) return 0;
  return 1;
}

/* ---- one set of rows through every ISA ---------------------------------------- */

/* ISA j's outputs y of function f: against the scalar's (j > 0), then into
 * the digest. */
static void compare(int j, int f, const float *y, const float *ref, size_t n, size_t cols) {
  for (size_t i = 0; j && i < n; i++)
    if (f2u(y[i]) != f2u(ref[i]) && st[j].mismatches[f]++ < 5)
      fprintf(stderr, "%s %s cols=%zu: element %zu (row %zu) = %a, scalar %a\n", sg_isa_name(isas[j]),
              fn_name[f], cols, i, i / cols, y[i], ref[i]);
  st[j].digest[f] = digest_floats(st[j].digest[f], y, n);
}

static void run_set(size_t rows, size_t cols, const float *x, const uint32_t *labels, const float *dy) {
  size_t n = rows * cols;
  float *ref[NF], *out = xmalloc(n * sizeof *out), *out2 = xmalloc(n * sizeof *out2);
  for (int f = 0; f < NF; f++) ref[f] = xmalloc(n * sizeof(float));
  float ref_loss = 0;
  for (int j = 0; j < nisa; j++) {
    sg_set_isa(isas[j]);
    float *y = j ? out : ref[F_SOFTMAX];
    sg_softmax(rows, cols, x, y);
    compare(j, F_SOFTMAX, y, ref[F_SOFTMAX], n, cols);
    for (size_t r = 0; r < rows; r++) {
      double M, S;
      const float *xr = x + r * cols, *yr = y + r * cols;
      if (!ref_row(cols, xr, &M, &S)) {
        CHECK(all_nan_bits(yr, cols), "%s softmax cols=%zu row %zu: want the NaN row", sg_isa_name(isas[j]), cols, r);
        continue;
      }
      for (size_t i = 0; i < cols; i++) note(&st[j], F_SOFTMAX, cols, ulp_error(yr[i], exp((double)xr[i] - M) / S));
    }

    y = j ? out : ref[F_LOG];
    sg_log_softmax(rows, cols, x, y);
    compare(j, F_LOG, y, ref[F_LOG], n, cols);
    for (size_t r = 0; r < rows; r++) {
      double M, S;
      const float *xr = x + r * cols, *yr = y + r * cols;
      if (!ref_row(cols, xr, &M, &S)) {
        CHECK(all_nan_bits(yr, cols), "%s log_softmax cols=%zu row %zu: want the NaN row", sg_isa_name(isas[j]), cols, r);
        continue;
      }
      for (size_t i = 0; i < cols; i++) note(&st[j], F_LOG, cols, ulp_err_ls(yr[i], ((double)xr[i] - M) - log(S)));
    }

    /* xent: loss, probs (must equal softmax), delta */
    float *pr = out2, *de = j ? out : ref[F_XDELTA];
    float loss = sg_softmax_xent(rows, cols, x, labels, pr, de);
    CHECK(memcmp(pr, ref[F_SOFTMAX], n * sizeof *pr) == 0, "%s xent probs != softmax (cols=%zu)", sg_isa_name(isas[j]), cols);
    compare(j, F_XDELTA, de, ref[F_XDELTA], n, cols);
    if (!j) ref_loss = loss;
    compare(j, F_XLOSS, &loss, &ref_loss, 1, 1);
    double total = 0;
    int any_nan = 0;
    for (size_t r = 0; r < rows; r++) {
      double M, S;
      const float *xr = x + r * cols, *dr = de + r * cols;
      size_t lab = labels[r];
      if (!ref_row(cols, xr, &M, &S) || lab >= cols) {
        any_nan = 1;
        CHECK(all_nan_bits(dr, cols), "%s xent delta cols=%zu row %zu: want the NaN row", sg_isa_name(isas[j]), cols, r);
        continue;
      }
      total += log(S) - ((double)xr[lab] - M);
      double others = 0;
      for (size_t i = 0; i < cols; i++) {
        double e = exp((double)xr[i] - M);
        if (i != lab) others += e, note(&st[j], F_XDELTA, cols, ulp_error(dr[i], e / S / (double)rows));
      }
      note(&st[j], F_XDELTA, cols, ulp_error_floor(dr[lab], -others / S / (double)rows, LS_FLOOR / (double)rows));
    }
    if (any_nan)
      CHECK(f2u(loss) == 0x7fc00000u, "%s xent loss %a, want NaN", sg_isa_name(isas[j]), loss);
    else
      note(&st[j], F_XLOSS, cols, ulp_error(loss, total / (double)rows));

    /* backward at y = softmax(x) */
    y = j ? out : ref[F_BACK];
    sg_softmax_backward(rows, cols, ref[F_SOFTMAX], dy, y);
    compare(j, F_BACK, y, ref[F_BACK], n, cols);
    for (size_t r = 0; r < rows; r++) {
      const float *yr = ref[F_SOFTMAX] + r * cols, *dr = dy + r * cols, *o = y + r * cols;
      double s = 0, c = 0; /* Neumaier sum of the exact products */
      int finite = 1;
      double sabs = 0;
      for (size_t i = 0; i < cols; i++) {
        double p = (double)yr[i] * dr[i], t = s + p;
        finite &= isfinite(yr[i]) && isfinite(dr[i]);
        sabs += fabs(p);
        c += fabs(s) >= fabs(p) ? (s - t) + p : (p - t) + s;
        s = t;
      }
      if (!finite) continue;
      for (size_t i = 0; i < cols; i++) {
        /* floor: the rounding of the dot's terms, y (|dy| + sum |y dy|) 2^-24 */
        double e = ulp_error_floor(o[i], (double)yr[i] * (((double)dr[i] - s) - c),
                                   fabs((double)yr[i]) * (fabs((double)dr[i]) + sabs));
        note(&st[j], F_BACK, cols, e);
      }
    }

    /* log_softmax backward at y = log_softmax(x): dx = dy - e^y sum(dy) */
    y = j ? out : ref[F_LOGBACK];
    sg_log_softmax_backward(rows, cols, ref[F_LOG], dy, y);
    compare(j, F_LOGBACK, y, ref[F_LOGBACK], n, cols);
    for (size_t r = 0; r < rows; r++) {
      const float *lr = ref[F_LOG] + r * cols, *dr = dy + r * cols, *o = y + r * cols;
      long double sum = 0;
      int finite = 1;
      for (size_t i = 0; i < cols; i++) sum += dr[i], finite &= isfinite(lr[i]);
      if (!finite) continue;
      for (size_t i = 0; i < cols; i++) {
        long double p = expl((long double)lr[i]);
        /* floor: |e^y sum|, whose float roundings cancel with dy (simdgrad.h) */
        note(&st[j], F_LOGBACK, cols, ulp_error_floor(o[i], (double)(dr[i] - p * sum), (double)fabsl(p * sum)));
      }
    }
  }
  for (int f = 0; f < NF; f++) free(ref[f]);
  free(out), free(out2);
}

/* ---- the inputs ---------------------------------------------------------------- */

static void random_sets(void) {
  static const size_t big[] = {100, 1000, 32768};
  uint64_t seed = 2024;
  for (int kind = 0; kind < 3; kind++) {
    for (size_t ci = 0; ci < 67 + 3; ci++) {
      size_t cols = ci < 67 ? ci + 1 : big[ci - 67];
      /* 27 rows: the kernels take short rows 8 at a time, so 3 are left over;
       * more at the row lengths whose max error README states */
      size_t rows = cols == 10 ? 2001 : cols <= 67 ? 27 : cols == 100 ? 256 : cols == 1000 ? 64 : 4;
      /* emulated: one block of 8 short rows and one left over; two long rows,
       * one fused with the next */
      if (test_emulated()) rows = cols == 10 ? 251 : cols <= 67 ? 9 : 2;
      size_t n = rows * cols, off = cols % 7; /* misaligned starts */
      float *buf = xmalloc((n + off) * sizeof *buf), *x = buf + off, *dy = xmalloc(n * sizeof *dy);
      uint32_t *lab = xmalloc(rows * sizeof *lab);
      for (size_t i = 0; i < n; i++) {
        x[i] = kind == 0 ? (float)gauss(&seed) : kind == 1 ? (float)(10 * gauss(&seed)) : rng_uniform(&seed, -80, 80);
        dy[i] = (float)gauss(&seed);
      }
      for (size_t r = 0; r < rows; r++) lab[r] = (uint32_t)(rng_next(&seed) % cols);
      run_set(rows, cols, x, lab, dy);
      free(buf), free(dy), free(lab);
    }
  }
}

/* Rows that stress the numerics or the special values, at C columns (37,
 * and 10 for the short-row path); 19 rows, so that path also leaves 3 over. */
static void adversarial_rows(int C) {
  enum { R = 19 };
  float *x = xmalloc(R * C * sizeof *x), *dy = xmalloc(R * C * sizeof *dy);
  uint32_t lab[R];
  uint64_t seed = 99;
  for (int i = 0; i < R * C; i++) x[i] = (float)gauss(&seed), dy[i] = (float)gauss(&seed);
  for (int r = 0; r < R; r++) lab[r] = (uint32_t)(r * 5 % C);
  float *row;
  row = x + 0 * C; for (int i = 0; i < C; i++) row[i] = 3.25f;                 /* all equal */
  row = x + 1 * C; row[7] = 1e30f;                                             /* one huge value */
  row = x + 2 * C; for (int i = 0; i < C; i++) row[i] = i % 3 ? -FLT_MAX : FLT_MAX; /* float limits */
  row = x + 3 * C; for (int i = 0; i < C; i++) row[i] = FLT_MAX * (1.0f - (float)i * 1e-7f);
  row = x + 4 * C; row[3] = -INFINITY, row[20 % C] = -INFINITY, row[C - 1] = -INFINITY; /* -inf entries */
  row = x + 5 * C; row[11 % C] = INFINITY;                                     /* +inf: NaN row */
  row = x + 6 * C; for (int i = 0; i < C; i++) row[i] = -INFINITY;             /* all -inf: NaN row */
  row = x + 7 * C; row[30 % C] = NAN;                                          /* NaN: NaN row */
  row = x + 8 * C; for (int i = 0; i < C; i++) row[i] = (float)i * 0.5f;        /* ascending: rescales */
  row = x + 9 * C; for (int i = 0; i < C; i++) row[i] = 1000.0f + (float)i * 0x1p-14f; /* close values */
  row = x + 10 * C; for (int i = 0; i < C; i++) row[i] = rng_uniform(&seed, -1e4f, 1e4f); /* wide */
  row = x + 11 * C; for (int i = 0; i < C; i++) row[i] = i == 5 ? 0.0f : -103.0f - (float)i * 0.1f; /* subnormal outputs */
  row = x + 12 * C; for (int i = 0; i < C; i++) row[i] = -FLT_MAX;
  row = x + 13 * C; for (int i = 0; i < C; i++) row[i] = i ? -INFINITY : -5.0f; /* one finite */
  row = x + 14 * C; for (int i = 0; i < C; i++) row[i] = (float)(C - i) * 2.0f; /* descending */
  row = x + 15 * C; row[0] = NAN, row[1] = INFINITY, row[2] = -INFINITY;
  lab[9] = (uint32_t)C; /* label out of range: NaN loss and delta row */
  run_set(R, (size_t)C, x, lab, dy);
  free(x), free(dy);
}

static void adversarial(void) {
  adversarial_rows(37);
  adversarial_rows(10);
  uint64_t seed = 7;
  /* Long ascending and rows of many equal values, where the sum is busiest;
   * then near-certain rows (one logit 20-25 above the rest), where log S ~ S - 1
   * needs every small term of S to its own relative accuracy. */
  for (size_t cols = 1000; cols <= 32768; cols *= 32) {
    float *y = xmalloc(6 * cols * sizeof *y), *d = xmalloc(6 * cols * sizeof *d);
    uint32_t lab2[6] = {(uint32_t)cols - 1, 0, 500, 3, 7, 8};
    for (size_t i = 0; i < cols; i++) {
      y[i] = (float)i * 0.01f, y[cols + i] = 0.0f, y[2 * cols + i] = (float)(i % 2) * -0.5f;
      y[3 * cols + i] = (float)(cols - i) * 1e-3f;
      y[4 * cols + i] = i == 7 ? 20.0f : (float)gauss(&seed);
      y[5 * cols + i] = i == 7 ? 25.0f : (float)gauss(&seed);
      for (int r = 0; r < 6; r++) d[r * cols + i] = (float)gauss(&seed);
    }
    run_set(6, cols, y, lab2, d);
    free(y), free(d);
  }
}

/* ---- edges: special values, in place, fences ------------------------------------ */

static void specials(sg_isa isa) {
  const char *s = sg_isa_name(isa);
  sg_set_isa(isa);
  float y[4], x[4];
  x[0] = 1.0f; sg_softmax(1, 1, x, y);
  CHECK(y[0] == 1.0f, "%s softmax of one element = %a", s, y[0]);
  sg_log_softmax(1, 1, x, y);
  CHECK(y[0] == 0.0f, "%s log_softmax of one element = %a", s, y[0]);
  x[0] = INFINITY, x[1] = 0.0f; sg_softmax(1, 2, x, y);
  CHECK(all_nan_bits(y, 2), "%s softmax([inf, 0]) not NaN", s);
  x[0] = -INFINITY, x[1] = 0.0f; sg_softmax(1, 2, x, y);
  CHECK(f2u(y[0]) == 0 && y[1] == 1.0f, "%s softmax([-inf, 0]) = %a %a", s, y[0], y[1]);
  sg_log_softmax(1, 2, x, y);
  CHECK(y[0] == -INFINITY && y[1] == 0.0f, "%s log_softmax([-inf, 0]) = %a %a", s, y[0], y[1]);
  x[0] = 0.0f, x[1] = 0.0f; sg_softmax(1, 2, x, y);
  CHECK(y[0] == 0.5f && y[1] == 0.5f, "%s softmax([0, 0])", s);
  /* rows == 0 / cols == 0 touch nothing */
  sg_softmax(0, 5, NULL, NULL), sg_softmax(5, 0, NULL, NULL), sg_log_softmax(0, 0, NULL, NULL);
  sg_softmax_backward(0, 3, NULL, NULL, NULL), sg_log_softmax_backward(3, 0, NULL, NULL, NULL);
  CHECK(sg_softmax_xent(0, 10, NULL, NULL, NULL, NULL) == 0.0f, "%s xent rows == 0", s);
  CHECK(isnan(sg_softmax_xent(3, 0, NULL, NULL, NULL, NULL)), "%s xent cols == 0", s);
  /* xent: probs and delta may be NULL */
  uint32_t l[1] = {1};
  x[0] = 0.0f, x[1] = 0.0f;
  float loss = sg_softmax_xent(1, 2, x, l, NULL, NULL);
  CHECK(fabs(loss - 0.6931472f) <= 1e-7f, "%s xent([0,0], 1) = %a", s, loss);
  sg_softmax_xent(1, 2, x, l, NULL, y);
  CHECK(y[0] == 0.5f && y[1] == -0.5f, "%s xent delta = %a %a", s, y[0], y[1]);
  /* log_softmax_backward at masked entries (y = -inf, e^y = 0): dx = dy
   * bit for bit, and a zero dy gives the zero of -sum(dy)'s sign, the
   * rounding of the exact -0 * sum. Rows of 20, so that a vector holds
   * masked and ordinary lanes, with sums of either sign and zero. */
  enum { C = 20 };
  float ly[3][C], ldy[3][C], ldx[3][C];
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < C; i++) {
      ly[r][i] = i % 3 == 0 ? -INFINITY : -2.0f - 0.25f * (float)i;
      ldy[r][i] = i % 3 != 0 ? (r == 2 ? 0.0f : r == 0 ? 0.5f : -0.5f) /* sum > 0, < 0, = 0 */
                  : i % 4 == 0 ? 0.0f : i % 4 == 1 ? -0.0f : r == 2 ? 0.0f : i % 4 == 2 ? 0x1p-149f : -3.0f;
    }
  sg_log_softmax_backward(3, C, &ly[0][0], &ldy[0][0], &ldx[0][0]);
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < C; i += 3) {
      float d = ldy[r][i], want = d != 0.0f || r == 2 ? d : r == 0 ? -0.0f : 0.0f;
      CHECK(f2u(ldx[r][i]) == f2u(want), "%s log_softmax_backward row %d masked entry %d, dy %a: %a, want %a", s, r, i,
            d, ldx[r][i], want);
    }
}

/* Every cols 1..67, 11 rows (one group of the short-row path and 3 over),
 * out of place and in place, at every offset. */
static void tails(sg_isa isa) {
  enum { MAXC = 67, R = 11, OFFS = 16 };
  float buf[R * MAXC + OFFS], ref[R * MAXC], out[R * MAXC + OFFS], ip[R * MAXC + OFFS], dy[R * MAXC];
  uint32_t lab[R] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  uint64_t seed = 5;
  for (size_t cols = 1; cols <= MAXC; cols++) {
    for (size_t off = 0; off < OFFS; off += (cols < 20 ? 1 : 5)) {
      float *x = buf + off, *o = out + (OFFS - 1 - off), *p = ip + off;
      size_t n = R * cols;
      for (size_t i = 0; i < n; i++) x[i] = (float)(4 * gauss(&seed)), dy[i] = (float)gauss(&seed);
      for (int f = 0; f < 5; f++) {
        sg_set_isa(SG_ISA_SCALAR);
        if (f == 0) sg_softmax(R, cols, x, ref);
        if (f == 1) sg_log_softmax(R, cols, x, ref);
        if (f == 2) sg_softmax_backward(R, cols, x, dy, ref);
        if (f == 3) sg_softmax_xent(R, cols, x, lab, NULL, ref);
        if (f == 4) sg_log_softmax_backward(R, cols, x, dy, ref);
        sg_set_isa(isa);
        memcpy(p, x, n * sizeof *x);
        if (f == 0) sg_softmax(R, cols, x, o), sg_softmax(R, cols, p, p);
        if (f == 1) sg_log_softmax(R, cols, x, o), sg_log_softmax(R, cols, p, p);
        if (f == 2) sg_softmax_backward(R, cols, x, dy, o), sg_softmax_backward(R, cols, p, dy, p);
        if (f == 3) sg_softmax_xent(R, cols, x, lab, NULL, o), sg_softmax_xent(R, cols, p, lab, p, p);
        if (f == 4) sg_log_softmax_backward(R, cols, x, dy, o), sg_log_softmax_backward(R, cols, p, dy, p);
        CHECK(memcmp(o, ref, n * sizeof *o) == 0, "%s tails f=%d cols=%zu off=%zu", sg_isa_name(isa), f, cols, off);
        /* xent in place writes probs then delta over the logits: delta wins */
        CHECK(memcmp(p, ref, n * sizeof *p) == 0, "%s in place f=%d cols=%zu off=%zu", sg_isa_name(isa), f, cols, off);
      }
    }
  }
}

/* Rows flush against inaccessible pages on both sides, labels >= cols
 * included: any access outside the arrays crashes the test. */
static void fences(sg_isa isa) {
  if (!fences_wanted()) return;
  size_t page = (size_t)sysconf(_SC_PAGESIZE), per = page / sizeof(float);
  float *a = fenced_page(page), *b = fenced_page(page), *o = fenced_page(page), *o2 = fenced_page(page);
  uint32_t *lab = (uint32_t *)fenced_page(page);
  uint64_t seed = 11;
  for (size_t i = 0; i < per; i++) a[i] = (float)gauss(&seed), b[i] = 0.01f, lab[i] = (uint32_t)(i * 7919);
  sg_set_isa(isa);
  for (size_t cols = 1; cols <= 67; cols++) {
    size_t rows = 11, n = rows * cols, end = per - n; /* one group of short rows and 3 over */
    sg_softmax(rows, cols, a + end, o + end), sg_softmax(rows, cols, a, o);
    sg_log_softmax(rows, cols, a + end, o + end), sg_log_softmax(rows, cols, a, o);
    sg_softmax_backward(rows, cols, a + end, b + end, o + end), sg_softmax_backward(rows, cols, a, b, o);
    sg_log_softmax_backward(rows, cols, a + end, b + end, o + end), sg_log_softmax_backward(rows, cols, a, b, o);
    /* labels: the last `rows` of the fenced page, mostly >= cols */
    float loss = sg_softmax_xent(rows, cols, a + end, lab + per - rows, o + end, o2 + end);
    sg_softmax_xent(rows, cols, a, lab, o, o2);
    int oob = 0;
    for (size_t r = 0; r < rows; r++) oob |= lab[per - rows + r] >= cols;
    CHECK(!oob || f2u(loss) == 0x7fc00000u, "%s label >= cols: loss %a, want NaN", sg_isa_name(isa), loss);
    for (size_t r = 0; r < rows; r++)
      if (lab[per - rows + r] >= cols)
        CHECK(all_nan_bits(o2 + end + r * cols, cols), "%s label >= cols: delta row not NaN", sg_isa_name(isa));
  }
}

int main(void) {
  nisa = supported_isas(isas);
  for (int j = 0; j < nisa; j++)
    for (int f = 0; f < NF; f++) {
      st[j].digest[f] = DIGEST_INIT;
      for (int k = 0; k < NLEN; k++) st[j].max_by_len[f][k] = -1;
    }
  random_sets();
  adversarial();

  static const uint64_t golden[NF] = {GOLDEN_SOFTMAX_DIGEST,    GOLDEN_LOG_SOFTMAX_DIGEST,
                                      GOLDEN_XENT_LOSS_DIGEST,  GOLDEN_XENT_DELTA_DIGEST,
                                      GOLDEN_SOFTMAX_BACKWARD_DIGEST, GOLDEN_LOG_SOFTMAX_BACKWARD_DIGEST};
  const double bound[NF] = {SOFTMAX_MAX_ULP,    LOG_SOFTMAX_MAX_ULP, XENT_LOSS_MAX_ULP,
                                   XENT_DELTA_MAX_ULP, BACKWARD_MAX_ULP,    LOG_BACKWARD_MAX_ULP};
  for (int f = 0; f < NF; f++) {
    for (int j = 0; j < nisa; j++) {
      printf("%-16s %-7s max ULP:", fn_name[f], sg_isa_name(isas[j]));
      for (int c = 0; c < NCLASS; c++) printf("  %s %.3f", class_name[c], st[j].max_ulp[f][c]);
      printf("; %lu differ from scalar; digest %016llx\n", st[j].mismatches[f], (unsigned long long)st[j].digest[f]);
      for (int c = 0; c < NCLASS; c++) {
        double b = f == F_SOFTMAX && c == 4 ? SOFTMAX_MAX_ULP_BIG : bound[f];
        CHECK(st[j].max_ulp[f][c] <= b, "%s %s %s: %.3f ULP > %.1f", fn_name[f], sg_isa_name(isas[j]), class_name[c],
              st[j].max_ulp[f][c], b);
      }
      CHECK(st[j].mismatches[f] == 0, "%s %s differs from scalar", fn_name[f], sg_isa_name(isas[j]));
      CHECK(test_emulated() || st[j].digest[f] == golden[f], "%s %s digest %016llx, golden %016llx", fn_name[f], sg_isa_name(isas[j]),
            (unsigned long long)st[j].digest[f], (unsigned long long)golden[f]);
    }
  }
  /* SIMDGRAD_SOFTMAX_ULP=FILE: the scalar reference's max error per row
   * length as a table (every ISA gives its bits, checked above), for
   * `make plots-ulp` (verify/local.mk: make softmax-ulp). */
  const char *tsv = getenv("SIMDGRAD_SOFTMAX_ULP");
  if (tsv && *tsv) {
    FILE *fp = fopen(tsv, "w");
    CHECK(fp != NULL, "cannot write %s", tsv);
    if (fp) {
      fprintf(fp, "cols");
      for (int f = 0; f < NF; f++) fprintf(fp, "\t%s", fn_name[f]);
      fprintf(fp, "\n");
      for (int k = 0; k < NLEN; k++) {
        fprintf(fp, "%zu", len_at(k));
        for (int f = 0; f < NF; f++)
          st[0].max_by_len[f][k] < 0 ? fprintf(fp, "\t-") : fprintf(fp, "\t%.4f", st[0].max_by_len[f][k]);
        fprintf(fp, "\n");
      }
      CHECK(fclose(fp) == 0, "cannot write %s", tsv);
    }
  }
  for (int j = 0; j < nisa; j++) {
    specials(isas[j]);
    tails(isas[j]);
    fences(isas[j]);
    printf("softmax edges %-7s done\n", sg_isa_name(isas[j]));
  }
  return check_summary("test_softmax");
}
