/* SPDX-License-Identifier: BSD-3-Clause */
/* The softmax family, written once for every ISA: the vector twin of
 * src/softmax.c (see there for the algorithm and its error budget), lane for
 * lane. The 16 partial sums of a row are SG_SM_NV = 16 / SG_VL vectors
 * (NEON 4, AVX2 2, AVX-512 one zmm: simd/x86/avx512/vec16.h), combined by the
 * layer's v_dtree16 (the twin of sg_sm_tree_sum); the row constants are the
 * shared scalar code of src/softmax_row.h. An ISA's softmax.c includes its
 * layer, then this, then names the kernels with SG_DEFINE_SOFTMAX. */
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
/* Software-pipeline the exp pass (see v_exp_scaled64_reduce) where the
 * layer has registers for it: AVX-512's 32 zmm with one vector per step.
 * AVX2's 16 ymm spill (measured: half the speed); NEON is not measured. */
#ifndef SG_SM_PIPELINE
#define SG_SM_PIPELINE (SG_VL == 16)
#endif

/* Lanes [off, off + SG_VL) of a row of n elements; lanes past the end are fill. */
SG_INLINE vf sm_load(const float *x, size_t off, size_t n, float fill) {
  if (off + SG_VL <= n) return v_load(x + off);
  if (off >= n) return v_set(fill);
  return v_load_n_or(x + off, n - off, v_set(fill));
}

/* The first k <= SG_VL lanes to p. */
SG_INLINE void sm_store(float *p, size_t k, vf a) {
  if (k >= SG_VL) v_store(p, a);
  else v_store_n(p, k, a);
}

/* Pass 1, the row max: any order will do (see src/softmax.c), so four
 * accumulators take the max latency off the critical path (pass 2 waits for
 * this whole pass: measured, two cost 13% of a 1000-element row). */
SG_INLINE float sm_row_max(size_t cols, const float *x) {
  vf m[4];
  for (int k = 0; k < 4; k++) m[k] = v_set(-INFINITY);
  size_t i = 0;
  for (; i + 4 * SG_VL <= cols; i += 4 * SG_VL)
    for (int k = 0; k < 4; k++) m[k] = v_max(m[k], v_load(x + i + k * SG_VL));
  for (int k = 0; i < cols; i += SG_VL, k++) m[k] = v_max(m[k], sm_load(x, i, cols, -INFINITY));
  return v_hmax(v_max(v_max(m[0], m[1]), v_max(m[2], m[3])));
}

/* e^(x - M) 2^64 and its rounding error, 0 below -110: see exp64(). Two
 * stages, as v_exp_scaled64. */
typedef struct {
  v_reduced64 red;
  vm under;
} sm_reduced;
SG_INLINE sm_reduced sm_exp64_reduce(vf x, vf M) {
  sm_reduced a;
  vf t = v_sub(x, M);
  vf bb = v_sub(t, x);
  vf tl = v_sub(v_sub(x, v_sub(t, bb)), v_add(M, bb));
  a.under = v_lt(t, v_set(SG_SM_TMIN));
  a.red = v_exp_scaled64_reduce(t, tl);
  return a;
}
SG_INLINE vf sm_exp64_finish(sm_reduced a, vf *lo) { return v_exp_scaled64_finish(a.red, a.under, lo); }
SG_INLINE vf sm_exp64(vf x, vf M, vf *lo) { return sm_exp64_finish(sm_exp64_reduce(x, M), lo); }

/* (s, c) += e + lo: see row_exp_sum(). */
SG_INLINE void sm_sum_step(vd *s, vf *c, vf e, vf lo) {
  *s = v_dadd_wide(*s, e);
  *c = v_add(*c, lo);
}

/* One vector of terms: to e + at (unless e is NULL) and into the sum. */
SG_INLINE void sm_take(float *e, size_t at, vf ev, vf lo, vd *s, vf *c) {
  if (e) v_store(e + at, ev);
  sm_sum_step(s, c, ev, lo);
}

/* S' from the partial pairs: s + c per partial in double, then the tree. */
SG_INLINE double sm_sum_total(const vd *s, const vf *c) {
  vd part[SG_SM_NV];
  for (int v = 0; v < SG_SM_NV; v++) part[v] = v_dadd_wide(s[v], c[v]);
  return v_dtree16(part);
}

/* Pass 2: S' = sum e^(x - M) 2^64 by the 16 partial sums in double (lane
 * order is partial order), the terms to e unless NULL: see row_exp_sum(). */
SG_INLINE double sm_row_exp_sum(size_t cols, const float *x, float M, float *e) {
  vf c[SG_SM_NV], Mv = v_set(M), lo;
  vd s[SG_SM_NV];
  for (int v = 0; v < SG_SM_NV; v++) s[v] = v_dset(0.0), c[v] = v_set(0.0f);
  size_t i = 0;
#if SG_SM_PIPELINE
  if (cols >= SG_SM_PARTS) {
    sm_reduced red[SG_SM_NV], nxt[SG_SM_NV];
    for (int v = 0; v < SG_SM_NV; v++) red[v] = sm_exp64_reduce(v_load(x + v * SG_VL), Mv);
    i = SG_SM_PARTS;
    for (; i + 2 * SG_SM_PARTS <= cols; i += 2 * SG_SM_PARTS)
      for (int v = 0; v < SG_SM_NV; v++) {
        sm_reduced n0 = sm_exp64_reduce(v_load(x + i + v * SG_VL), Mv);
        sm_reduced n1 = sm_exp64_reduce(v_load(x + i + SG_SM_PARTS + v * SG_VL), Mv);
        vf lo1, e0 = sm_exp64_finish(red[v], &lo), e1 = sm_exp64_finish(n0, &lo1);
        sm_take(e, i - SG_SM_PARTS + v * SG_VL, e0, lo, &s[v], &c[v]);
        sm_take(e, i + v * SG_VL, e1, lo1, &s[v], &c[v]);
        red[v] = n1;
      }
    for (; i + SG_SM_PARTS <= cols; i += SG_SM_PARTS)
      for (int v = 0; v < SG_SM_NV; v++) {
        nxt[v] = sm_exp64_reduce(v_load(x + i + v * SG_VL), Mv);
        vf ev = sm_exp64_finish(red[v], &lo);
        sm_take(e, i - SG_SM_PARTS + v * SG_VL, ev, lo, &s[v], &c[v]);
        red[v] = nxt[v];
      }
    for (int v = 0; v < SG_SM_NV; v++) {
      vf ev = sm_exp64_finish(red[v], &lo);
      sm_take(e, i - SG_SM_PARTS + v * SG_VL, ev, lo, &s[v], &c[v]);
    }
  }
#else
  for (; i + SG_SM_PARTS <= cols; i += SG_SM_PARTS)
    for (int v = 0; v < SG_SM_NV; v++) {
      vf ev = sm_exp64(v_load(x + i + v * SG_VL), Mv, &lo);
      sm_take(e, i + v * SG_VL, ev, lo, &s[v], &c[v]);
    }
#endif
  for (int v = 0; i < cols; v++, i += SG_VL) { /* lanes past the end add 0 */
    vf ev = sm_exp64(sm_load(x, i, cols, -INFINITY), Mv, &lo);
    if (e) sm_store(e + i, cols - i, ev);
    sm_sum_step(&s[v], &c[v], ev, lo);
  }
  return sm_sum_total(s, c);
}

/* e / S' with 2^64 / S' = Ih + Il: see scale(). */
SG_INLINE vf sm_scale(vf e, vf Ih, vf Il) { return v_mul(v_fma(e, Ih, v_mul(e, Il)), v_set(SG_SM_OUT_SCALE)); }

SG_INLINE vf sm_log_softmax1(vf x, vf M, vf Lh, vf Ll) {
  vf d = v_sub(x, M);
  vf w = v_sub(d, Lh);
  vf b2 = v_sub(w, d);
  vf we = v_sub(v_sub(d, v_sub(w, b2)), v_add(Lh, b2));
  vf y = v_add(w, v_sub(we, Ll));
  return v_select(v_lt(w, v_set(-FLT_MAX)), w, y);
}

SG_INLINE vf sm_nan(void) { return v_as_float(v_iset(SG_DEFAULT_NAN)); }

SG_INLINE void sm_fill_nan(float *y, size_t n) {
  size_t i = 0;
  for (; i + SG_VL <= n; i += SG_VL) v_store(y + i, sm_nan());
  if (i < n) v_store_n(y + i, n - i, sm_nan());
}

/* Rows of at most 16 elements (a 10-class head), SG_SM_GROUP at a time, held
 * in registers from load to store: the same operations as the row-by-row
 * code (a partial past the row end adds 0 there too), but one row's long
 * chain (max, exp, sum, 1/S, scale) no longer waits for the previous row's,
 * which the core's scheduler alone overlaps poorly (measured: 8 rows at a
 * time, 1.7x the row-by-row speed at 256x10). This is passes 1 and 2 for a
 * group: its terms e, maxima M and sums S. */
#define SG_SM_GROUP 8
SG_INLINE void sm_short_front(size_t cols, const float *x, vf e[SG_SM_GROUP][SG_SM_NV], float *M, double *S) {
  vf xs[SG_SM_GROUP][SG_SM_NV];
  _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++)
    for (int v = 0; v < SG_SM_NV; v++) xs[g][v] = sm_load(x + g * cols, (size_t)v * SG_VL, cols, -INFINITY);
  _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) {
    vf m = xs[g][0];
    for (int v = 1; v < SG_SM_NV; v++) m = v_max(m, xs[g][v]);
    M[g] = v_hmax(m);
  }
  _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) {
    vf Mv = v_set(M[g]), lo, c[SG_SM_NV];
    vd s[SG_SM_NV];
    for (int v = 0; v < SG_SM_NV; v++) {
      s[v] = v_dset(0.0), c[v] = v_set(0.0f);
      e[g][v] = sm_exp64(xs[g][v], Mv, &lo);
      sm_sum_step(&s[v], &c[v], e[g][v], lo);
    }
    S[g] = sm_sum_total(s, c);
  }
}

/* Pass 3 of softmax for one row, its terms in e (in place), or NaN. */
SG_INLINE void sm_softmax_out(size_t cols, float *e, float M, double S) {
  float Ih, Il;
  if (sg_sm_row_bad(S, M)) {
    sm_fill_nan(e, cols);
    return;
  }
  sg_sm_inverse(S, 1.0, &Ih, &Il);
  vf Ihv = v_set(Ih), Ilv = v_set(Il);
  size_t i = 0;
  for (; i + SG_VL <= cols; i += SG_VL) v_store(e + i, sm_scale(v_load(e + i), Ihv, Ilv));
  if (i < cols) v_store_n(e + i, cols - i, sm_scale(v_load_n(e + i, cols - i), Ihv, Ilv));
}

/* log_softmax output for one row, L = sg_sm_log_sum(S), or NaN. */
SG_INLINE void sm_log_softmax_out(size_t cols, const float *x, float *y, float M, double S, double L) {
  float Lh, Ll;
  if (sg_sm_row_bad(S, M)) {
    sm_fill_nan(y, cols);
    return;
  }
  sg_split_d(L, &Lh, &Ll);
  vf Mv = v_set(M), Lhv = v_set(Lh), Llv = v_set(Ll);
  size_t i = 0;
  for (; i + SG_VL <= cols; i += SG_VL) v_store(y + i, sm_log_softmax1(v_load(x + i), Mv, Lhv, Llv));
  if (i < cols) v_store_n(y + i, cols - i, sm_log_softmax1(v_load_n(x + i, cols - i), Mv, Lhv, Llv));
}

/* softmax (log = 0) or log_softmax of the leading rows in groups when they
 * are short; returns how many rows it did. In place is fine: a row's output
 * reads only that row's input, which it has already loaded or reads first. */
SG_INLINE size_t sm_short_rows(int log, size_t rows, size_t cols, const float *x, float *y) {
  size_t r = 0;
  if (cols > SG_SM_PARTS) return 0;
  for (; r + SG_SM_GROUP <= rows; r += SG_SM_GROUP) {
    vf e[SG_SM_GROUP][SG_SM_NV];
    float M[SG_SM_GROUP];
    double S[SG_SM_GROUP];
    double L[SG_SM_GROUP];
    sm_short_front(cols, x + r * cols, e, M, S);
    /* the group's logs side by side: one vector loop in double, not eight
     * scalar chains (softmax_row.h writes them to vectorise) */
    if (log) _Pragma("omp simd") for (int g = 0; g < SG_SM_GROUP; g++) L[g] = sg_sm_log_sum(S[g]);
    _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) {
      const float *xr = x + (r + g) * cols;
      float *yr = y + (r + g) * cols, Ih, Il;
      if (log) {
        sm_log_softmax_out(cols, xr, yr, M[g], S[g], L[g]);
      } else if (sg_sm_row_bad(S[g], M[g])) {
        sm_fill_nan(yr, cols);
      } else { /* pass 3 from the registers */
        sg_sm_inverse(S[g], 1.0, &Ih, &Il);
        vf Ihv = v_set(Ih), Ilv = v_set(Il);
        for (int v = 0; v < SG_SM_NV && (size_t)v * SG_VL < cols; v++)
          sm_store(yr + v * SG_VL, cols - (size_t)v * SG_VL, sm_scale(e[g][v], Ihv, Ilv));
      }
    }
  }
  return r;
}

/* Pass 3 of one row fused with pass 1 of the next (xn), whose max it
 * returns: two independent streams in one loop, and no row boundary where
 * the core waits for a reduction. */
SG_INLINE float sm_softmax_out_max(size_t cols, float *e, float M, double S, const float *xn) {
  float Ih, Il;
  if (sg_sm_row_bad(S, M)) {
    sm_fill_nan(e, cols);
    return sm_row_max(cols, xn);
  }
  sg_sm_inverse(S, 1.0, &Ih, &Il);
  vf Ihv = v_set(Ih), Ilv = v_set(Il), m0 = v_set(-INFINITY), m1 = m0;
  size_t i = 0;
  for (; i + 2 * SG_VL <= cols; i += 2 * SG_VL) {
    v_store(e + i, sm_scale(v_load(e + i), Ihv, Ilv));
    v_store(e + i + SG_VL, sm_scale(v_load(e + i + SG_VL), Ihv, Ilv));
    m0 = v_max(m0, v_load(xn + i)), m1 = v_max(m1, v_load(xn + i + SG_VL));
  }
  for (; i < cols; i += SG_VL) {
    sm_store(e + i, cols - i, sm_scale(cols - i >= SG_VL ? v_load(e + i) : v_load_n(e + i, cols - i), Ihv, Ilv));
    m0 = v_max(m0, sm_load(xn, i, cols, -INFINITY));
  }
  return v_hmax(v_max(m0, m1));
}

SG_INLINE void sm_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
  size_t r = sm_short_rows(0, rows, cols, x, y);
  if (r == rows) return;
  float M = sm_row_max(cols, x + r * cols);
  for (; r + 1 < rows; r++)
    M = sm_softmax_out_max(cols, y + r * cols, M, sm_row_exp_sum(cols, x + r * cols, M, y + r * cols), x + (r + 1) * cols);
  sm_softmax_out(cols, y + r * cols, M, sm_row_exp_sum(cols, x + r * cols, M, y + r * cols));
}

SG_INLINE void sm_log_softmax_rows(size_t rows, size_t cols, const float *x, float *y) {
  for (size_t r = sm_short_rows(1, rows, cols, x, y); r < rows; r++) {
    const float *xr = x + r * cols;
    float M = sm_row_max(cols, xr);
    double S = sm_row_exp_sum(cols, xr, M, NULL);
    sm_log_softmax_out(cols, xr, y + r * cols, M, S, sg_sm_log_sum(S));
  }
}

/* (s, c) += y * dy per partial: see sg_softmax_backward_scalar. */
SG_INLINE void sm_dot_step(vf *s, vf *c, vf a, vf b) {
  vf p = v_mul(b, a);
  vf pe = v_fms(b, a, p);
  vf q = v_add(*s, p);
  vf z = v_sub(q, *s);
  vf qe = v_add(v_sub(*s, v_sub(q, z)), v_sub(p, z));
  *c = v_add(*c, v_add(pe, qe));
  *s = q;
}

SG_INLINE vf sm_backward1(vf a, vf b, vf Dh, vf Dl) {
  vf w = v_sub(b, Dh);
  vf b2 = v_sub(w, b);
  vf we = v_sub(v_sub(b, v_sub(w, b2)), v_add(Dh, b2));
  vf v = v_mul(a, v_add(w, v_sub(we, Dl)));
  return v_select(v_isnan(v), sm_nan(), v);
}

/* <dy, y> of a row from its partial pairs, split in floats. */
SG_INLINE void sm_dot_total(const vf *s, const vf *c, float *Dh, float *Dl) {
  vd part[SG_SM_NV];
  for (int v = 0; v < SG_SM_NV; v++) part[v] = v_dadd_wide(v_dadd_wide(v_dset(0.0), s[v]), c[v]);
  sg_split_d(v_dtree16(part), Dh, Dl);
}

/* Rows of at most 16 elements, SG_SM_GROUP at a time, held in registers
 * from load to store (as sm_short_rows): each row's operations are those of
 * the row-by-row loop below, but one row's chain (dot, tree, output) no
 * longer waits for the previous row's. Every row of the group is loaded
 * before any is stored, so dx may be y or dy. Returns the rows it did. */
SG_INLINE size_t sm_backward_short_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  size_t r = 0;
  if (cols > SG_SM_PARTS) return 0;
  for (; r + SG_SM_GROUP <= rows; r += SG_SM_GROUP) {
    vf a[SG_SM_GROUP][SG_SM_NV], b[SG_SM_GROUP][SG_SM_NV];
    float Dh[SG_SM_GROUP], Dl[SG_SM_GROUP];
    _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++)
      for (int v = 0; v < SG_SM_NV; v++) {
        a[g][v] = sm_load(y + (r + g) * cols, (size_t)v * SG_VL, cols, 0.0f);
        b[g][v] = sm_load(dy + (r + g) * cols, (size_t)v * SG_VL, cols, 0.0f);
      }
    _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) {
      vf s[SG_SM_NV], c[SG_SM_NV];
      for (int v = 0; v < SG_SM_NV; v++) {
        s[v] = c[v] = v_set(0.0f);
        sm_dot_step(&s[v], &c[v], a[g][v], b[g][v]);
      }
      sm_dot_total(s, c, &Dh[g], &Dl[g]);
    }
    _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) {
      vf Dhv = v_set(Dh[g]), Dlv = v_set(Dl[g]);
      for (int v = 0; v < SG_SM_NV && (size_t)v * SG_VL < cols; v++)
        sm_store(dx + (r + g) * cols + (size_t)v * SG_VL, cols - (size_t)v * SG_VL,
                 sm_backward1(a[g][v], b[g][v], Dhv, Dlv));
    }
  }
  return r;
}

SG_INLINE void sm_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  const size_t step = SG_SM_PARTS;
  size_t r = sm_backward_short_rows(rows, cols, y, dy, dx);
  y += r * cols, dy += r * cols, dx += r * cols;
  for (; r < rows; r++, y += cols, dy += cols, dx += cols) {
    vf s[SG_SM_NV], c[SG_SM_NV];
    for (int v = 0; v < SG_SM_NV; v++) s[v] = c[v] = v_set(0.0f);
    size_t i = 0;
    for (; i + step <= cols; i += step)
      for (int v = 0; v < SG_SM_NV; v++)
        sm_dot_step(&s[v], &c[v], v_load(y + i + v * SG_VL), v_load(dy + i + v * SG_VL));
    if (i < cols)
      for (int v = 0; v < SG_SM_NV; v++)
        sm_dot_step(&s[v], &c[v], sm_load(y, i + v * SG_VL, cols, 0.0f), sm_load(dy, i + v * SG_VL, cols, 0.0f));
    float Dh, Dl;
    sm_dot_total(s, c, &Dh, &Dl);
    vf Dhv = v_set(Dh), Dlv = v_set(Dl);
    for (i = 0; i + SG_VL <= cols; i += SG_VL)
      v_store(dx + i, sm_backward1(v_load(y + i), v_load(dy + i), Dhv, Dlv));
    if (i < cols)
      v_store_n(dx + i, cols - i, sm_backward1(v_load_n(y + i, cols - i), v_load_n(dy + i, cols - i), Dhv, Dlv));
  }
}

/* log p[lab] = (x[lab] - M) - log S for xent (a bad row or a label past the
 * row gives a value no one reads). */
SG_INLINE double sm_xent_z(float xl, float M, double S) { return ((double)xl - (double)M) - sg_sm_log_sum(S); }

/* dx = dy - e^y S per row: the float form of softmax_row.h lane for lane.
 * Each output reads only its own y and dy, after S (or a short-row group's
 * S) has read all of dy, so dx may be y or dy. */

/* sg_lsm_sum over vectors: the same partials (lane order is partial order;
 * the lanes past the row add +0, which leaves a partial as it is, since a
 * partial is never -0) and the same tree. */
SG_INLINE double sm_lsm_sum(size_t cols, const float *dy) {
  vd part[SG_SM_NV];
  for (int v = 0; v < SG_SM_NV; v++) part[v] = v_dset(0.0);
  for (size_t i = 0; i < cols; i += SG_SM_PARTS)
    for (int v = 0; v < SG_SM_NV; v++) part[v] = v_dadd_wide(part[v], sm_load(dy, i + (size_t)v * SG_VL, cols, 0.0f));
  return v_dtree16(part);
}

/* sg_lsm_back's float form, lane for lane; *far flags the lanes it cannot
 * take (|k| > SG_LSM_KMAX), whose results the caller recomputes, and *kf
 * holds k for that. */
SG_INLINE vf sm_lsm_back(vf y, vf dy, vf jf, vf sh, vf sl, vm *far, vf *kfp) {
  vi n;
  vf nf, mh, ml, magic = v_set(SG_ROUND_MAGIC);
  v_exp_tail(y, &mh, &ml, &n, &nf, 0);
  vf kf = *kfp = v_add(nf, jf);
  *far = v_lt(v_neg_abs(kf), v_set(-SG_LSM_KMAX));
  vf P = v_pow2in(v_isub(v_as_int(v_add(kf, magic)), v_as_int(magic)), kf);
  vf c = v_fma(mh, sh, v_fma(ml, sh, v_fma(sl, mh, sl)));
  return v_mend_nan2(v_fnma(c, P, v_sub(dy, v_mul(P, sh))), y, dy);
}

/* One row's outputs from its sum S and constants c. */
SG_INLINE void sm_lsm_row(size_t cols, const float *y, const float *dy, float *dx, double S, sg_lsm_row c) {
  if (!c.fast) { /* a sum of inf or NaN: sg_lsm_back1 for every element */
    _Pragma("omp simd") for (size_t i = 0; i < cols; i++) dx[i] = sg_lsm_back1(y[i], dy[i], S);
    return;
  }
  vf jf = v_set(c.jf), sh = v_set(c.sh), sl = v_set(c.sl);
  for (size_t i = 0; i < cols; i += SG_VL) {
    size_t k = cols - i;
    vf yv = k >= SG_VL ? v_load(y + i) : v_load_n(y + i, k);
    vf dyv = k >= SG_VL ? v_load(dy + i) : v_load_n(dy + i, k);
    vm far;
    vf kf, out = sm_lsm_back(yv, dyv, jf, sh, sl, &far, &kf);
    if (v_any(far)) {
      /* all tiny (y = -inf, say): sg_lsm_tiny there; else (rare) the vector
       * by the scalar twin */
      vm tiny = v_lt(kf, v_set(SG_LSM_KTINY));
      if (!v_any(v_lt(v_neg_abs(v_select(tiny, v_set(0.0f), kf)), v_set(-SG_LSM_KMAX)))) {
        out = v_select(tiny, v_fnma(v_set(SG_LSM_TINY), v_set(c.sh * 0x1p-40f), dyv), out);
      } else {
        float ty[SG_VL], tdy[SG_VL], to[SG_VL];
        v_store(ty, yv), v_store(tdy, dyv);
        for (int l = 0; l < SG_VL; l++) to[l] = sg_lsm_back(ty[l], tdy[l], S, c);
        out = v_load(to);
      }
    }
    sm_store(dx + i, k, out);
  }
}

/* Short rows a group at a time, each step for the whole group before the
 * next (sums, constants, outputs), as sm_short_front does: measured at
 * 256x10, 1 row at a time 4.4 us, 4 rows 4.1, 8 rows 3.8 (oneDNN 3.9-4.1). */
SG_INLINE void sm_log_backward_rows(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  size_t r = 0;
  if (cols <= SG_SM_PARTS)
    for (; r + SG_SM_GROUP <= rows; r += SG_SM_GROUP) {
      double S[SG_SM_GROUP];
      sg_lsm_row c[SG_SM_GROUP];
      size_t at = r * cols;
      for (int g = 0; g < SG_SM_GROUP; g++) S[g] = sm_lsm_sum(cols, dy + at + g * cols);
      _Pragma("omp simd") for (int g = 0; g < SG_SM_GROUP; g++) c[g] = sg_lsm_row_of(S[g]);
      for (int g = 0; g < SG_SM_GROUP; g++)
        sm_lsm_row(cols, y + at + g * cols, dy + at + g * cols, dx + at + g * cols, S[g], c[g]);
    }
  for (; r < rows; r++) {
    double S = sm_lsm_sum(cols, dy + r * cols);
    sm_lsm_row(cols, y + r * cols, dy + r * cols, dx + r * cols, S, sg_lsm_row_of(S));
  }
}

/* xent's constants of a row: 2^64/S split in floats for probs (I) and,
 * divided by rows, for delta (J), as sg_sm_inverse gives them; z =
 * sm_xent_z(x[lab], M, S) and em1 = e^z - 1. */
typedef struct {
  float ih, il, jh, jl;
  double z, em1;
} sm_xent_row;
SG_INLINE sm_xent_row sm_xent_row_of(double inv_rows, float xl, float M, double S) {
  sm_xent_row c;
  sg_sm_inverse(S, 1.0, &c.ih, &c.il);
  sg_sm_inverse(S, inv_rows, &c.jh, &c.jl);
  c.z = sm_xent_z(xl, M, S);
  c.em1 = sg_expm1_d(c.z);
  return c;
}

/* Sets the row's -log p[lab] (or NaN, for a label past the row); or, for a
 * bad row, fills it with NaN, sets NaN, and returns 0. */
SG_INLINE int sm_xent_total(size_t cols, size_t lab, float M, double S, double z, float *pr, float *de,
                            double *row_loss) {
  if (sg_sm_row_bad(S, M)) {
    if (pr) sm_fill_nan(pr, cols);
    if (de) sm_fill_nan(de, cols);
    *row_loss = (double)NAN;
    return 0;
  }
  *row_loss = lab < cols ? -z : (double)NAN;
  return 1;
}

/* delta at the label: e^z - 1 = p[lab] - 1 without cancellation, or a NaN
 * row for a label past the row. */
SG_INLINE void sm_xent_label(size_t cols, double inv_rows, size_t lab, double em1, float *de) {
  if (!de) return;
  if (lab < cols)
    de[lab] = (float)(em1 * inv_rows);
  else
    sm_fill_nan(de, cols);
}

/* xent pass 3 for one row whose terms are in probs (or delta, if probs is
 * NULL): see sg_softmax_xent_scalar. */
SG_INLINE void sm_xent_out(size_t cols, double inv_rows, size_t lab, float M, double S, sm_xent_row c, float *pr,
                           float *de, double *row_loss) {
  float *e = pr ? pr : de;
  if (!sm_xent_total(cols, lab, M, S, c.z, pr, de, row_loss)) return;
  vf Ih = v_set(c.ih), Il = v_set(c.il), Jh = v_set(c.jh), Jl = v_set(c.jl);
  for (size_t i = 0; e && i < cols; i += SG_VL) {
    size_t k = cols - i;
    vf ev = k >= SG_VL ? v_load(e + i) : v_load_n(e + i, k);
    if (pr) sm_store(pr + i, k, sm_scale(ev, Ih, Il));
    if (de) sm_store(de + i, k, sm_scale(ev, Jh, Jl));
  }
  sm_xent_label(cols, inv_rows, lab, c.em1, de);
}

SG_INLINE void sm_xent_rows(size_t rows, size_t cols, const float *x, const uint32_t *labels,
                            float *probs, float *delta, double inv_rows, double *row_loss) {
  size_t r = 0;
  if (cols <= SG_SM_PARTS)
    for (; r + SG_SM_GROUP <= rows; r += SG_SM_GROUP) {
      vf e[SG_SM_GROUP][SG_SM_NV];
      float M[SG_SM_GROUP], xl[SG_SM_GROUP];
      double S[SG_SM_GROUP];
      sm_xent_row c[SG_SM_GROUP];
      const float *xg = x + r * cols;
      for (int g = 0; g < SG_SM_GROUP; g++) xl[g] = labels[r + g] < cols ? xg[g * cols + labels[r + g]] : 0.0f;
      sm_short_front(cols, xg, e, M, S);
      /* the group's row constants side by side: one vector loop in double,
       * not eight scalar chains (softmax_row.h writes them to vectorise) */
      _Pragma("omp simd") for (int g = 0; g < SG_SM_GROUP; g++) c[g] = sm_xent_row_of(inv_rows, xl[g], M[g], S[g]);
      _Pragma("GCC unroll 8") for (int g = 0; g < SG_SM_GROUP; g++) { /* pass 3 from the registers */
        float *pr = probs ? probs + (r + g) * cols : NULL, *de = delta ? delta + (r + g) * cols : NULL;
        if (!sm_xent_total(cols, labels[r + g], M[g], S[g], c[g].z, pr, de, row_loss + r + g)) continue;
        vf Ih = v_set(c[g].ih), Il = v_set(c[g].il), Jh = v_set(c[g].jh), Jl = v_set(c[g].jl);
        for (int v = 0; v < SG_SM_NV && (size_t)v * SG_VL < cols; v++) {
          size_t at = (size_t)v * SG_VL;
          if (pr) sm_store(pr + at, cols - at, sm_scale(e[g][v], Ih, Il));
          if (de) sm_store(de + at, cols - at, sm_scale(e[g][v], Jh, Jl));
        }
        sm_xent_label(cols, inv_rows, labels[r + g], c[g].em1, de);
      }
    }
  for (; r < rows; r++) {
    const float *xr = x + r * cols;
    float *pr = probs ? probs + r * cols : NULL, *de = delta ? delta + r * cols : NULL;
    size_t lab = labels[r];
    float xl = lab < cols ? xr[lab] : 0.0f;
    float M = sm_row_max(cols, xr);
    double S = sm_row_exp_sum(cols, xr, M, pr ? pr : de);
    sm_xent_out(cols, inv_rows, lab, M, S, sm_xent_row_of(inv_rows, xl, M, S), pr, de, row_loss + r);
  }
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
  void sg_log_softmax_backward_##isa(size_t rows, size_t cols, const float *y, const float *dy, \
                                     float *dx) {                                           \
    sm_log_backward_rows(rows, cols, y, dy, dx);                                            \
  }                                                                                         \
  void sg_softmax_xent_##isa(size_t rows, size_t cols, const float *x, const uint32_t *labels, \
                             float *probs, float *delta, double inv_rows, double *row_loss) { \
    sm_xent_rows(rows, cols, x, labels, probs, delta, inv_rows, row_loss);                  \
  }

#endif
