/* Scalar reference kernels for the softmax family: the definition every ISA
 * must match bit for bit (simd/<arch>/<isa>/softmax.c via
 * simd/common/softmax.h, operation for operation).
 *
 * Row sum, one pass (the online normaliser of Milakov & Gimelshein 2018,
 * blocked): element i of a row belongs to partial j = i % 16. The row is cut
 * in steps of 16 elements (lanes past the row end read as -inf) and steps in
 * blocks of up to 4. Each partial keeps a running max m (starting at
 * -FLT_MAX, so an all -inf partial is simply empty) and a sum s + c of
 * e^(x - m) carried as an unevaluated float pair (TwoSum for the additions,
 * FMA for the rescaling products), so the sum is exact to about 2^-40 and the
 * outputs round once. Per block and partial: bm = max(m, block elements);
 * (s, c) *= e^(m - bm) (skipped in the first block, where s = c = 0); then
 * (s, c) += e^(x - bm) for the block's elements in increasing i. Every
 * difference a - b fed to exp is carried with its rounding error (TwoSum):
 * rounding t = x - M alone would cost up to |t| * 2^-24 relative (8 ULP at
 * |t| = 16). Terms below e^-80 count as 0.
 *
 * Per row: M = max of the 16 m by a fixed tree, S = sum of
 * (s + c) * e^(m - M) in double by a fixed tree (src/softmax_row.h, shared
 * code). The row is NaN (0x7fc00000 in every output) when it holds a NaN or
 * +inf (S is then NaN) or is all -inf (S = 0), as in the common frameworks.
 *
 * Outputs, second pass: softmax y = e^(x - M) / S with e^(x - M) = (hi + lo)
 * 2^n, the quotient by 1/S_hi refined with its exact FMA residual (one true
 * division per row, none per element), scaled by 2^n last so a subnormal
 * result rounds once. log_softmax y = (x - M) - log S with log S in double,
 * the subtraction carried by TwoSum. */
#include <config.h>

#include "internal.h"
#include "scalar_math.h"
#include "softmax_row.h"

static float nan_out(void) { return sg_from_bits(SG_DEFAULT_NAN); }

/* e^(a - b) for a <= b as fh + fl (0 when a - b < -80). */
static void factor(float a, float b, float *fh, float *fl) {
  float t = a - b;
  float bb = t - a;
  float tl = (a - (t - bb)) - (b + bb);
  int under = t < SG_SM_TSUM_MIN;
  t = under ? SG_SM_TSUM_MIN : t;
  struct sg_exp_parts e = sg_exp_parts2(t, tl);
  float sc = sg_pow2i(e.n);
  float h = e.hi * sc, l = e.lo * sc;
  *fh = under ? 0.0f : h;
  *fl = under ? 0.0f : l;
}

/* One block of one partial: xs are its K elements in increasing i. */
static void block(float *m, float *s, float *c, const float *xs, int K, int first) {
  float bm = *m, fh, fl;
  for (int k = 0; k < K; k++) bm = bm < xs[k] ? xs[k] : bm;
  if (!first) {
    factor(*m, bm, &fh, &fl);
    float p = *s * fh;
    float pe = fmaf(*s, fh, -p);
    float cc = fmaf(*c, fh, pe);
    *c = fmaf(*s, fl, cc);
    *s = p;
  }
  *m = bm;
  for (int k = 0; k < K; k++) {
    factor(xs[k], bm, &fh, &fl);
    float q = *s + fh;
    float z = q - *s;
    float qe = (*s - (q - z)) + (fh - z);
    *c = *c + fl;
    *c = *c + qe;
    *s = q;
  }
}

/* The row's max M and sum S = sum e^(x - M) (double). */
static double row_sum(size_t cols, const float *x, float *M) {
  float m[SG_SM_PARTS], s[SG_SM_PARTS], c[SG_SM_PARTS], fh[SG_SM_PARTS], fl[SG_SM_PARTS];
  for (int j = 0; j < SG_SM_PARTS; j++) m[j] = -FLT_MAX, s[j] = 0.0f, c[j] = 0.0f;
  size_t nsteps = (cols + SG_SM_PARTS - 1) / SG_SM_PARTS;
  for (size_t k0 = 0; k0 < nsteps; k0 += SG_SM_BLOCK) {
    int K = nsteps - k0 < SG_SM_BLOCK ? (int)(nsteps - k0) : SG_SM_BLOCK;
    for (int j = 0; j < SG_SM_PARTS; j++) {
      float xs[SG_SM_BLOCK];
      for (int k = 0; k < K; k++) {
        size_t i = (k0 + (size_t)k) * SG_SM_PARTS + (size_t)j;
        xs[k] = i < cols ? x[i] : -INFINITY;
      }
      block(&m[j], &s[j], &c[j], xs, K, k0 == 0);
    }
  }
  *M = sg_sm_tree_max(m);
  for (int j = 0; j < SG_SM_PARTS; j++) factor(m[j], *M, &fh[j], &fl[j]);
  return sg_sm_tree_sum(s, c, fh, fl);
}

static int row_bad(double S, float M) { return !(S > 0.0) || M == INFINITY; }

/* e^(x - M) as parts, t clamped at -110 (where the output is 0 anyway). */
static struct sg_exp_parts out_exp(float x, float M) {
  float t = x - M;
  float bb = t - x;
  float tl = (x - (t - bb)) - (M + bb);
  int under = t < SG_SM_TOUT_MIN;
  t = under ? SG_SM_TOUT_MIN : t;
  tl = under ? 0.0f : tl;
  return sg_exp_parts2(t, tl);
}

/* (hi + lo) 2^n / (Sh + Sl), inv = 1/Sh: q refined by its exact residual. */
static float quot(struct sg_exp_parts e, float Sh, float Sl, float inv) {
  float q = e.hi * inv;
  float rq = fmaf(-q, Sh, e.hi);
  rq = rq + e.lo;
  rq = fmaf(-q, Sl, rq);
  return sg_ldexp2(fmaf(rq, inv, q), e.n);
}

static void fill_nan(float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = nan_out();
}

void sg_softmax_scalar(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M, Sh, Sl;
    double S = row_sum(cols, x, &M);
    if (row_bad(S, M)) {
      fill_nan(y, cols);
      continue;
    }
    sg_split_d(S, &Sh, &Sl);
    float inv = 1.0f / Sh;
    for (size_t i = 0; i < cols; i++) y[i] = quot(out_exp(x[i], M), Sh, Sl, inv);
  }
}

void sg_log_softmax_scalar(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M, Lh, Ll;
    double S = row_sum(cols, x, &M);
    if (row_bad(S, M)) {
      fill_nan(y, cols);
      continue;
    }
    sg_split_d(sg_log_d(S), &Lh, &Ll);
    for (size_t i = 0; i < cols; i++) {
      float xi = x[i];
      float d = xi - M;
      float bb = d - xi;
      float dl = (xi - (d - bb)) - (M + bb);
      float w = d - Lh;
      float b2 = w - d;
      float we = (d - (w - b2)) - (Lh + b2);
      float v = w + ((we + dl) - Ll);
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
      c[j] = c[j] + pe;
      c[j] = c[j] + qe;
      s[j] = q;
    }
    sg_split_d(sg_sm_tree_sum(s, c, NULL, NULL), &Dh, &Dl);
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

/* The loss sums the rows' -log p[label] = log S - (x[label] - M) in double,
 * row after row. delta = (p - onehot) / rows: the quotient by S * rows (one
 * rounding) off the label, and e^z - 1 with z = log p[label] (in double) at
 * the label, so no cancellation in p - 1. A label >= cols is never read: the
 * row's loss is NaN, its delta row NaN, its probs still written. */
void sg_softmax_xent_scalar(size_t rows, size_t cols, const float *x, const uint32_t *labels,
                            float *probs, float *delta, float *loss) {
  double total = 0.0;
  for (size_t r = 0; r < rows; r++, x += cols) {
    float *pr = probs ? probs + r * cols : NULL, *de = delta ? delta + r * cols : NULL;
    float M, Sh, Sl, Dh, Dl;
    double S = row_sum(cols, x, &M);
    size_t lab = labels[r];
    if (row_bad(S, M)) {
      if (pr) fill_nan(pr, cols);
      if (de) fill_nan(de, cols);
      total += (double)NAN;
      continue;
    }
    double z = 0.0;
    if (lab < cols) {
      z = ((double)x[lab] - (double)M) - sg_log_d(S);
      total -= z;
    } else {
      total += (double)NAN;
    }
    sg_split_d(S, &Sh, &Sl);
    sg_split_d(S * (double)rows, &Dh, &Dl);
    float inv = 1.0f / Sh, dinv = 1.0f / Dh;
    for (size_t i = 0; i < cols; i++) {
      struct sg_exp_parts e = out_exp(x[i], M);
      float p = quot(e, Sh, Sl, inv), d = quot(e, Dh, Dl, dinv);
      if (pr) pr[i] = p;
      if (de) de[i] = d;
    }
    if (de) {
      if (lab < cols)
        de[lab] = (float)(sg_expm1_d(z) / (double)rows);
      else
        fill_nan(de, cols);
    }
  }
  double mean = total / (double)rows;
  *loss = isnan(mean) ? nan_out() : (float)mean;
}
