/* The softmax family, written once for every ISA: the vector twin of
 * src/softmax.c (see there for the algorithm and its error budget), lane for
 * lane. The 16 partial accumulators of a row are SG_SM_NV = 16 / SG_VL
 * vectors (NEON 4, AVX2 2, AVX-512 one zmm: simd/x86/avx512/vec16.h); the
 * per-row combination is the shared scalar code of src/softmax_row.h. An
 * ISA's softmax.c includes its layer, then this, then names the kernels with
 * SG_DEFINE_SOFTMAX. */
#ifndef SG_SOFTMAX_BODY_H
#define SG_SOFTMAX_BODY_H

#include <float.h>
#include <math.h>

#include "vmath.h"
#include "softmax_row.h"

#if SG_VL != 4 && SG_VL != 8 && SG_VL != 16
#error "softmax.h needs a layer of 4, 8 or 16 lanes"
#endif
#define SG_SM_NV (SG_SM_PARTS / SG_VL)

/* Lanes [off, off + SG_VL) of a row of n elements; lanes past the end are fill. */
SG_INLINE vf sm_load(const float *x, size_t off, size_t n, float fill) {
  if (off + SG_VL <= n) return v_load(x + off);
  if (off >= n) return v_set(fill);
  return v_load_n_or(x + off, n - off, v_set(fill));
}

/* e^(a - b) for a <= b as fh + fl (0 when a - b < -80): see factor(). */
SG_INLINE void sm_factor(vf a, vf b, vf *fh, vf *fl) {
  vf t = v_sub(a, b);
  vf bb = v_sub(t, a);
  vf tl = v_sub(v_sub(a, v_sub(t, bb)), v_add(b, bb));
  vm under = v_lt(t, v_set(SG_SM_TSUM_MIN));
  t = v_select(under, v_set(SG_SM_TSUM_MIN), t);
  vf hi, lo;
  vi n;
  v_exp_parts2(t, tl, &hi, &lo, &n);
  vf sc = v_pow2i(n), zero = v_set(0.0f);
  *fh = v_select(under, zero, v_mul(hi, sc));
  *fl = v_select(under, zero, v_mul(lo, sc));
}

/* One block of one vector of partials: see block(). */
SG_INLINE void sm_block(vf *m, vf *s, vf *c, const vf *xs, int K, int first) {
  vf bm = *m, fh, fl;
  for (int k = 0; k < K; k++) bm = v_select(v_lt(bm, xs[k]), xs[k], bm);
  if (!first) {
    sm_factor(*m, bm, &fh, &fl);
    vf p = v_mul(*s, fh);
    vf pe = v_fms(*s, fh, p);
    vf cc = v_fma(*c, fh, pe);
    *c = v_fma(*s, fl, cc);
    *s = p;
  }
  *m = bm;
  for (int k = 0; k < K; k++) {
    sm_factor(xs[k], bm, &fh, &fl);
    vf q = v_add(*s, fh);
    vf z = v_sub(q, *s);
    vf qe = v_add(v_sub(*s, v_sub(q, z)), v_sub(fh, z));
    *c = v_add(*c, fl);
    *c = v_add(*c, qe);
    *s = q;
  }
}

/* The row's max M and sum S = sum e^(x - M) (double): see row_sum(). */
SG_INLINE double sm_row_sum(size_t cols, const float *x, float *M) {
  vf m[SG_SM_NV], s[SG_SM_NV], c[SG_SM_NV];
  for (int v = 0; v < SG_SM_NV; v++) m[v] = v_set(-FLT_MAX), s[v] = c[v] = v_set(0.0f);
  const size_t step = SG_SM_PARTS;
  size_t nsteps = (cols + step - 1) / step, k0 = 0;
  int first = 1;
  for (; (k0 + SG_SM_BLOCK) * step <= cols; k0 += SG_SM_BLOCK, first = 0) {
    const float *xb = x + k0 * step;
    for (int v = 0; v < SG_SM_NV; v++) {
      vf xs[SG_SM_BLOCK];
      for (int k = 0; k < SG_SM_BLOCK; k++) xs[k] = v_load(xb + k * step + v * SG_VL);
      sm_block(&m[v], &s[v], &c[v], xs, SG_SM_BLOCK, first);
    }
  }
  if (k0 < nsteps) {
    int K = (int)(nsteps - k0);
    for (int v = 0; v < SG_SM_NV; v++) {
      vf xs[SG_SM_BLOCK];
      for (int k = 0; k < K; k++) xs[k] = sm_load(x, (k0 + (size_t)k) * step + (size_t)v * SG_VL, cols, -INFINITY);
      sm_block(&m[v], &s[v], &c[v], xs, K, first);
    }
  }
  float mm[SG_SM_PARTS], ss[SG_SM_PARTS], cc[SG_SM_PARTS], fh[SG_SM_PARTS], fl[SG_SM_PARTS];
  for (int v = 0; v < SG_SM_NV; v++)
    v_store(mm + v * SG_VL, m[v]), v_store(ss + v * SG_VL, s[v]), v_store(cc + v * SG_VL, c[v]);
  *M = sg_sm_tree_max(mm);
  vf Mv = v_set(*M);
  for (int v = 0; v < SG_SM_NV; v++) {
    vf h, l;
    sm_factor(m[v], Mv, &h, &l);
    v_store(fh + v * SG_VL, h), v_store(fl + v * SG_VL, l);
  }
  return sg_sm_tree_sum(ss, cc, fh, fl);
}

SG_INLINE int sm_row_bad(double S, float M) { return !(S > 0.0) || M == INFINITY; }

/* e^(x - M) as parts, t clamped at -110: see out_exp(). */
SG_INLINE void sm_out_exp(vf x, vf M, vf *hi, vf *lo, vi *n) {
  vf t = v_sub(x, M);
  vf bb = v_sub(t, x);
  vf tl = v_sub(v_sub(x, v_sub(t, bb)), v_add(M, bb));
  vm under = v_lt(t, v_set(SG_SM_TOUT_MIN));
  t = v_select(under, v_set(SG_SM_TOUT_MIN), t);
  tl = v_select(under, v_set(0.0f), tl);
  v_exp_parts2(t, tl, hi, lo, n);
}

/* (hi + lo) 2^n / (Sh + Sl), inv = 1/Sh: see quot(). */
SG_INLINE vf sm_quot(vf hi, vf lo, vi n, vf Sh, vf Sl, vf inv) {
  vf q = v_mul(hi, inv);
  vf rq = v_fnma(q, Sh, hi);
  rq = v_add(rq, lo);
  rq = v_fnma(q, Sl, rq);
  return v_ldexp2(v_fma(rq, inv, q), n);
}

SG_INLINE vf sm_softmax1(vf x, vf M, vf Sh, vf Sl, vf inv) {
  vf hi, lo;
  vi n;
  sm_out_exp(x, M, &hi, &lo, &n);
  return sm_quot(hi, lo, n, Sh, Sl, inv);
}

SG_INLINE vf sm_log_softmax1(vf x, vf M, vf Lh, vf Ll) {
  vf d = v_sub(x, M);
  vf bb = v_sub(d, x);
  vf dl = v_sub(v_sub(x, v_sub(d, bb)), v_add(M, bb));
  vf w = v_sub(d, Lh);
  vf b2 = v_sub(w, d);
  vf we = v_sub(v_sub(d, v_sub(w, b2)), v_add(Lh, b2));
  vf y = v_add(w, v_sub(v_add(we, dl), Ll));
  return v_select(v_lt(w, v_set(-FLT_MAX)), w, y);
}

SG_INLINE vf sm_nan(void) { return v_as_float(v_iset(SG_DEFAULT_NAN)); }

SG_INLINE void sm_fill_nan(float *y, size_t n) {
  size_t i = 0;
  for (; i + SG_VL <= n; i += SG_VL) v_store(y + i, sm_nan());
  if (i < n) v_store_n(y + i, n - i, sm_nan());
}

SG_INLINE void sm_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M, Sh, Sl;
    double S = sm_row_sum(cols, x, &M);
    if (sm_row_bad(S, M)) {
      sm_fill_nan(y, cols);
      continue;
    }
    sg_split_d(S, &Sh, &Sl);
    vf Mv = v_set(M), Shv = v_set(Sh), Slv = v_set(Sl), inv = v_set(1.0f / Sh);
    size_t i = 0;
    for (; i + SG_VL <= cols; i += SG_VL) v_store(y + i, sm_softmax1(v_load(x + i), Mv, Shv, Slv, inv));
    if (i < cols) v_store_n(y + i, cols - i, sm_softmax1(v_load_n(x + i, cols - i), Mv, Shv, Slv, inv));
  }
}

SG_INLINE void sm_log_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
    float M, Lh, Ll;
    double S = sm_row_sum(cols, x, &M);
    if (sm_row_bad(S, M)) {
      sm_fill_nan(y, cols);
      continue;
    }
    sg_split_d(sg_log_d(S), &Lh, &Ll);
    vf Mv = v_set(M), Lhv = v_set(Lh), Llv = v_set(Ll);
    size_t i = 0;
    for (; i + SG_VL <= cols; i += SG_VL) v_store(y + i, sm_log_softmax1(v_load(x + i), Mv, Lhv, Llv));
    if (i < cols) v_store_n(y + i, cols - i, sm_log_softmax1(v_load_n(x + i, cols - i), Mv, Lhv, Llv));
  }
}

/* (s, c) += y * dy per partial: see sg_softmax_backward_scalar. */
SG_INLINE void sm_dot_step(vf *s, vf *c, vf a, vf b) {
  vf p = v_mul(b, a);
  vf pe = v_fms(b, a, p);
  vf q = v_add(*s, p);
  vf z = v_sub(q, *s);
  vf qe = v_add(v_sub(*s, v_sub(q, z)), v_sub(p, z));
  *c = v_add(*c, pe);
  *c = v_add(*c, qe);
  *s = q;
}

SG_INLINE vf sm_backward1(vf a, vf b, vf Dh, vf Dl) {
  vf w = v_sub(b, Dh);
  vf b2 = v_sub(w, b);
  vf we = v_sub(v_sub(b, v_sub(w, b2)), v_add(Dh, b2));
  vf v = v_mul(a, v_add(w, v_sub(we, Dl)));
  return v_select(v_isnan(v), sm_nan(), v);
}

SG_INLINE void sm_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  const size_t step = SG_SM_PARTS;
  for (size_t r = 0; r < rows; r++, y += cols, dy += cols, dx += cols) {
    vf s[SG_SM_NV], c[SG_SM_NV];
    for (int v = 0; v < SG_SM_NV; v++) s[v] = c[v] = v_set(0.0f);
    size_t i = 0;
    for (; i + step <= cols; i += step)
      for (int v = 0; v < SG_SM_NV; v++)
        sm_dot_step(&s[v], &c[v], v_load(y + i + v * SG_VL), v_load(dy + i + v * SG_VL));
    if (i < cols)
      for (int v = 0; v < SG_SM_NV; v++)
        sm_dot_step(&s[v], &c[v], sm_load(y, i + v * SG_VL, cols, 0.0f), sm_load(dy, i + v * SG_VL, cols, 0.0f));
    float ss[SG_SM_PARTS], cc[SG_SM_PARTS], Dh, Dl;
    for (int v = 0; v < SG_SM_NV; v++) v_store(ss + v * SG_VL, s[v]), v_store(cc + v * SG_VL, c[v]);
    sg_split_d(sg_sm_tree_sum(ss, cc, NULL, NULL), &Dh, &Dl);
    vf Dhv = v_set(Dh), Dlv = v_set(Dl);
    for (i = 0; i + SG_VL <= cols; i += SG_VL)
      v_store(dx + i, sm_backward1(v_load(y + i), v_load(dy + i), Dhv, Dlv));
    if (i < cols)
      v_store_n(dx + i, cols - i, sm_backward1(v_load_n(y + i, cols - i), v_load_n(dy + i, cols - i), Dhv, Dlv));
  }
}

/* See sg_softmax_xent_scalar. */
SG_INLINE void sm_xent_rows(size_t rows, size_t cols, const float *x, const uint32_t *labels,
                            float *probs, float *delta, float *loss) {
  double total = 0.0;
  for (size_t r = 0; r < rows; r++, x += cols) {
    float *pr = probs ? probs + r * cols : NULL, *de = delta ? delta + r * cols : NULL;
    float M, Sh, Sl, Dh, Dl;
    double S = sm_row_sum(cols, x, &M);
    size_t lab = labels[r];
    if (sm_row_bad(S, M)) {
      if (pr) sm_fill_nan(pr, cols);
      if (de) sm_fill_nan(de, cols);
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
    if (pr || de) {
      sg_split_d(S, &Sh, &Sl);
      sg_split_d(S * (double)rows, &Dh, &Dl);
      vf Mv = v_set(M), Shv = v_set(Sh), Slv = v_set(Sl), inv = v_set(1.0f / Sh);
      vf Dhv = v_set(Dh), Dlv = v_set(Dl), dinv = v_set(1.0f / Dh);
      for (size_t i = 0; i < cols; i += SG_VL) {
        size_t k = cols - i;
        vf xv = k >= SG_VL ? v_load(x + i) : v_load_n(x + i, k), hi, lo;
        vi n;
        sm_out_exp(xv, Mv, &hi, &lo, &n);
        if (pr) {
          vf p = sm_quot(hi, lo, n, Shv, Slv, inv);
          if (k >= SG_VL) v_store(pr + i, p); else v_store_n(pr + i, k, p);
        }
        if (de) {
          vf d = sm_quot(hi, lo, n, Dhv, Dlv, dinv);
          if (k >= SG_VL) v_store(de + i, d); else v_store_n(de + i, k, d);
        }
      }
    }
    if (de) {
      if (lab < cols)
        de[lab] = (float)(sg_expm1_d(z) / (double)rows);
      else
        sm_fill_nan(de, cols);
    }
  }
  double mean = total / (double)rows;
  *loss = isnan(mean) ? sg_sm_nan_f() : (float)mean;
}

/* The kernels of one ISA: SG_DEFINE_SOFTMAX(avx2) defines sg_softmax_avx2 ... */
#define SG_DEFINE_SOFTMAX(isa)                                                              \
  void sg_softmax_##isa(size_t rows, size_t cols, const float *x, float *y) {               \
    sm_softmax_rows(rows, cols, x, y);                                                      \
  }                                                                                         \
  void sg_log_softmax_##isa(size_t rows, size_t cols, const float *x, float *y) {           \
    sm_log_softmax_rows(rows, cols, x, y);                                                  \
  }                                                                                         \
  void sg_softmax_backward_##isa(size_t rows, size_t cols, const float *y, const float *dy, \
                                 float *dx) {                                               \
    sm_backward_rows(rows, cols, y, dy, dx);                                                \
  }                                                                                         \
  void sg_softmax_xent_##isa(size_t rows, size_t cols, const float *x, const uint32_t *labels, \
                             float *probs, float *delta, float *loss) {                     \
    sm_xent_rows(rows, cols, x, labels, probs, delta, loss);                                \
  }

#endif
