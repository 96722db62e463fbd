/* SPDX-License-Identifier: BSD-3-Clause */
/* Scalar reference kernels for the softmax family: the definition every ISA
 * must match bit for bit (simd/<arch>/<isa>/softmax.c via
 * simd/common/softmax.h, operation for operation).
 *
 * Three passes per row, one exp per element:
 * 1. M = max of the row. A max of non-NaN floats is exact in any order, so
 *    every ISA reduces in its own order (only the sign of a zero M can
 *    differ, and no output depends on it; a NaN anywhere poisons S below).
 * 2. e_i = e^(x_i - M) 2^64 (exp64), stored in the output, and S' = the sum
 *    of e_i and of their rounding errors lo_i: element i goes to partial
 *    i % 16, each partial adds its e_i in double and its lo_i (2^-24 of e_i)
 *    in float, in increasing i, then the 16 partials are combined in double
 *    by a fixed tree. Every small term keeps its own relative accuracy, so
 *    log S stays accurate near S = 1 (a near-certain class); a float pair
 *    with a biased Fast2Sum, tried, lost that to ~2^-19.
 *    The 2^64 keeps every e_i >= 2^-95 normal, so e_i is exact after the one
 *    rounding of its significand; e_i + lo_i is e^(x_i - M) 2^64 to the
 *    rounding of e^r - 1 (2^-26) and the polynomial (2^-30).
 * 3. y_i = e_i / S' as e_i (Ih + Il), 1/S' in double split in two floats
 *    (and 2^64 above the output, see sg_sm_inverse): one rounding per output.
 * Error of y_i in its ULPs (a relative error eps is at most eps 2^24 ULP):
 * e_i's rounding <= 1, e^r - 1 and polynomial 0.27, S' (the same per-term
 * errors, averaged) <= 0.27, the last rounding 0.5: about 2 at worst; the
 * measured maximum is in README. Keeping e_i's second part through pass 3
 * would need a second store per element or a second exp (the design before
 * this one: 1.03 ULP, 0.6x the speed).
 *
 * The row is NaN (0x7fc00000 in every output) when it holds a NaN or +inf (S'
 * is then NaN) or is all -inf (S' NaN: -inf - -inf), as in the common
 * frameworks. log_softmax y = (x - M) - log S, log S in double and split in
 * two floats, the subtraction of its leading part carried by TwoSum; x - M
 * rounds once, which costs at most 0.5 ULP of y since log S >= 0 makes
 * |y| >= |x - M|, and nothing where y is tiny (x near M: then x - M is exact).
 * It stores nothing in pass 2. Rows may be
 * computed in place (y == x); xent's probs and delta may alias x or each
 * other exactly. */
#include <config.h>

#include "internal.h"
#include "scalar_math.h"
#include "softmax_row.h"

static float nan_out(void) { return sg_from_bits(SG_DEFAULT_NAN); }

static void fill_nan(float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = nan_out();
}

/* e^(x - M) 2^64, 0 for x - M < -110. The difference is carried with its
 * rounding error (TwoSum): rounding t = x - M alone would cost up to
 * |t| 2^-24 relative (8 ULP at |t| = 16). */
static float exp64(float x, float M, float *lo) {
  float t = x - M;
  float bb = t - x;
  float tl = (x - (t - bb)) - (M + bb);
  if (t < SG_SM_TMIN) { /* the vector code computes and discards these lanes */
    *lo = 0.0f;
    return 0.0f;
  }
  return sg_exp_scaled64(t, tl, lo);
}

/* e / S' with 2^64 / S' = Ih + Il (sg_sm_inverse): one rounding. */
static float scale(float e, float Ih, float Il) { return fmaf(e, Ih, e * Il) * SG_SM_OUT_SCALE; }

static float row_max(size_t cols, const float *x) {
  float m = -INFINITY;
  for (size_t i = 0; i < cols; i++) m = m < x[i] ? x[i] : m;
  return m;
}

/* Pass 2: S' = sum e^(x_i - M) 2^64; the terms go to e when it is not NULL. */
static double row_exp_sum(size_t cols, const float *x, float M, float *e) {
  double part[SG_SM_PARTS];
  float c[SG_SM_PARTS];
  for (int j = 0; j < SG_SM_PARTS; j++) part[j] = 0.0, c[j] = 0.0f;
  for (size_t i = 0; i < cols; i++) {
    size_t j = i % SG_SM_PARTS;
    float lo, v = exp64(x[i], M, &lo);
    if (e) e[i] = v;
    part[j] += (double)v;
    c[j] += lo;
  }
  for (int j = 0; j < SG_SM_PARTS; j++) part[j] += (double)c[j];
  return sg_sm_tree_sum(part);
}

void sg_softmax_scalar(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M = row_max(cols, x), Ih, Il;
    double S = row_exp_sum(cols, x, M, y);
    if (sg_sm_row_bad(S, M)) {
      fill_nan(y, cols);
      continue;
    }
    sg_sm_inverse(S, 1.0, &Ih, &Il);
    for (size_t i = 0; i < cols; i++) y[i] = scale(y[i], Ih, Il);
  }
}

void sg_log_softmax_scalar(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M = row_max(cols, x), Lh, Ll;
    double S = row_exp_sum(cols, x, M, NULL);
    if (sg_sm_row_bad(S, M)) {
      fill_nan(y, cols);
      continue;
    }
    sg_split_d(sg_sm_log_sum(S), &Lh, &Ll);
    for (size_t i = 0; i < cols; i++) {
      float xi = x[i];
      float d = xi - M;
      float w = d - Lh;
      float b2 = w - d;
      float we = (d - (w - b2)) - (Lh + b2);
      float v = w + (we - Ll);
      y[i] = w < -FLT_MAX ? w : v; /* x = -inf, or x - M beyond -FLT_MAX */
    }
  }
}

/* dx = y * (dy - <dy, y>): the dot product by the 16 partials (float pairs,
 * lanes past the row end are y = dy = 0), combined in double by the tree. */
void sg_softmax_backward_scalar(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  size_t nsteps = (cols + SG_SM_PARTS - 1) / SG_SM_PARTS;
  for (size_t r = 0; r < rows; r++, y += cols, dy += cols, dx += cols) {
    float s[SG_SM_PARTS] = {0}, c[SG_SM_PARTS] = {0}, Dh, Dl;
    for (size_t i = 0; i < nsteps * SG_SM_PARTS; i++) {
      size_t j = i % SG_SM_PARTS;
      float a = i < cols ? y[i] : 0.0f, b = i < cols ? dy[i] : 0.0f;
      float p = b * a;
      float pe = fmaf(b, a, -p);
      float q = s[j] + p;
      float z = q - s[j];
      float qe = (s[j] - (q - z)) + (p - z);
      c[j] = c[j] + (pe + qe); /* one add on c's chain, as on s's */
      s[j] = q;
    }
    double part[SG_SM_PARTS];
    for (int j = 0; j < SG_SM_PARTS; j++) part[j] = (0.0 + (double)s[j]) + (double)c[j];
    sg_split_d(sg_sm_tree_sum(part), &Dh, &Dl);
    for (size_t i = 0; i < cols; i++) {
      float b = dy[i];
      float w = b - Dh;
      float b2 = w - b;
      float we = (b - (w - b2)) - (Dh + b2);
      float v = y[i] * (w + (we - Dl));
      dx[i] = isnan(v) ? nan_out() : v;
    }
  }
}

/* dx = dy - e^y S per row: see sg_lsm_sum and sg_lsm_back (softmax_row.h),
 * which the kernels of every ISA run lane for lane. */
void sg_log_softmax_backward_scalar(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  for (size_t r = 0; r < rows; r++, y += cols, dy += cols, dx += cols) {
    double S = sg_lsm_sum(cols, dy); /* all of dy before any dx: dx may be dy */
    sg_lsm_row c = sg_lsm_row_of(S);
    for (size_t i = 0; i < cols; i++) dx[i] = sg_lsm_back(y[i], dy[i], S, c);
  }
}

/* Each row's -log p[label] = log S - (x[label] - M), in double, into
 * row_loss[r] (src/dispatch.c sums them, row after row). delta = (p -
 * onehot) / rows, rows those of the whole call (inv_rows = 1/rows): e_i
 * (1/rows) / S' off the label
 * (one rounding, like p), and e^z - 1 with z = log p[label] (in double) at the
 * label, so no cancellation in p - 1. Pass 2 keeps e_i in probs, else in
 * delta. A label >= cols is never read: the row's loss is NaN, its delta row
 * NaN, its probs still written. */
void sg_softmax_xent_scalar(size_t rows, size_t cols, const float *x, const uint32_t *labels,
                            float *probs, float *delta, double inv_rows, double *row_loss) {
  for (size_t r = 0; r < rows; r++, x += cols) {
    float *pr = probs ? probs + r * cols : NULL, *de = delta ? delta + r * cols : NULL;
    float *e = pr ? pr : de;
    size_t lab = labels[r];
    float xl = lab < cols ? x[lab] : 0.0f; /* before pass 2 may overwrite x */
    float M = row_max(cols, x), Ih, Il, Jh, Jl;
    double S = row_exp_sum(cols, x, M, e);
    if (sg_sm_row_bad(S, M)) {
      if (pr) fill_nan(pr, cols);
      if (de) fill_nan(de, cols);
      row_loss[r] = (double)NAN;
      continue;
    }
    double z = 0.0;
    if (lab < cols) {
      z = ((double)xl - (double)M) - sg_sm_log_sum(S);
      row_loss[r] = -z;
    } else {
      row_loss[r] = (double)NAN;
    }
    sg_sm_inverse(S, 1.0, &Ih, &Il);
    sg_sm_inverse(S, inv_rows, &Jh, &Jl);
    for (size_t i = 0; e && i < cols; i++) {
      float v = e[i];
      if (pr) pr[i] = scale(v, Ih, Il);
      if (de) de[i] = scale(v, Jh, Jl);
    }
    if (de) {
      if (lab < cols)
        de[lab] = (float)(sg_expm1_d(z) * inv_rows);
      else
        fill_nan(de, cols);
    }
  }
}
