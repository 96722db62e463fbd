/* SPDX-License-Identifier: BSD-3-Clause */
/* A second AVX-512 layer: one zmm register (16 floats) per vector, for the
 * row-wise kernels (softmax.c). Their 16 partial accumulators are exactly one
 * zmm, and the independent work inside a block already interleaves, so the
 * pair layer of vec.h would only add shuffling. Same names and semantics as
 * every other layer; include this instead of vec.h. */
#ifndef SG_VEC_AVX512_16_H
#define SG_VEC_AVX512_16_H

#include <immintrin.h>
#include <stddef.h>

#define SG_VL 16
typedef __m512 vf;
typedef __m512i vi;
typedef __mmask16 vm;

static inline vf v_set(float a) { return _mm512_set1_ps(a); }
static inline vf v_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void v_store(float *p, vf a) { _mm512_storeu_ps(p, a); }
static inline void v_store_stream(float *p, vf a) { _mm512_stream_ps(p, a); }
static inline void v_stream_fence(void) { _mm_sfence(); }

/* Tails (0 < k < SG_VL): masked lanes are neither read nor written (no fault). */
static inline __mmask16 v_tail_mask16(size_t k) { return (__mmask16)((1u << k) - 1); }
static inline vf v_load_n(const float *p, size_t k) { return _mm512_maskz_loadu_ps(v_tail_mask16(k), p); }
static inline void v_store_n(float *p, size_t k, vf a) { _mm512_mask_storeu_ps(p, v_tail_mask16(k), a); }
/* The first k lanes from p, the others fill. */
static inline vf v_load_n_or(const float *p, size_t k, vf fill) {
  return _mm512_mask_loadu_ps(fill, v_tail_mask16(k), p);
}

static inline vf v_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf v_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf v_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf v_div(vf a, vf b) { return _mm512_div_ps(a, b); }
static inline vf v_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }   /* a*b + c */
static inline vf v_fnma(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); } /* c - a*b */
static inline vf v_fms(vf a, vf b, vf c) { return _mm512_fmsub_ps(a, b, c); }   /* a*b - c */
static inline vf v_neg_abs(vf a) { return _mm512_or_ps(a, _mm512_set1_ps(-0.0f)); }
/* |a| with the sign of b: one ternary-logic select (0xca: mask ? a : b, per bit). */
static inline vf v_copysign(vf a, vf b) {
  return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_set1_epi32(0x7fffffff), _mm512_castps_si512(a), _mm512_castps_si512(b), 0xca));
}
static inline vf v_max(vf a, vf b) { return _mm512_max_ps(a, b); }

static inline vm v_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vm v_le(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
static inline vm v_isnan(vf a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
static inline vf v_select(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); } /* m ? a : b */
static inline int v_any(vm m) { return m != 0; } /* some lane set */
static inline vf v_mul_unless(vm m, vf a, vf b) { return _mm512_maskz_mul_ps(_knot_mask16(m), a, b); } /* m ? 0 : a*b */

static inline vi v_as_int(vf a) { return _mm512_castps_si512(a); }
static inline vf v_as_float(vi a) { return _mm512_castsi512_ps(a); }
static inline vi v_iset(int a) { return _mm512_set1_epi32(a); }
static inline vi v_iadd(vi a, vi b) { return _mm512_add_epi32(a, b); }
static inline vi v_isub(vi a, vi b) { return _mm512_sub_epi32(a, b); }
static inline vi v_isra1(vi a) { return _mm512_srai_epi32(a, 1); }
static inline vi v_isll23(vi a) { return _mm512_slli_epi32(a, 23); }

/* m * 2^n rounded once (vscalefps), as in vec.h. */
#define SG_LAYER_LDEXP2 1
typedef vf v_scale;
static inline v_scale v_scale_of(vi n, vf nf, int one_step) { (void)n, (void)one_step; return nf; }
static inline vf v_scaled(vf m, v_scale nf, int one_step) { (void)one_step; return _mm512_scalef_ps(m, nf); }
static inline int v_scale_one_step(vf t) { (void)t; return 1; }
static inline v_scale v_scale_max(v_scale nf, int lo, int one_step) { (void)one_step; return v_max(nf, v_set((float)lo)); }
static inline vf v_pow2in(vi k, vf kf) { return v_scaled(_mm512_set1_ps(1.0f), v_scale_of(k, kf, 1), 1); }

/* SG_VL doubles, lane for lane: the exact widening of a vf, for the row
 * sums the softmax keeps in double. */
typedef struct { __m512d lo, hi; } vd;
static inline vd v_dset(double a) { return (vd){_mm512_set1_pd(a), _mm512_set1_pd(a)}; }
static inline vd v_dadd_wide(vd a, vf b) { /* a + (double)b */
  __m256 bh = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(b), 1));
  return (vd){_mm512_add_pd(a.lo, _mm512_cvtps_pd(_mm512_castps512_ps256(b))), _mm512_add_pd(a.hi, _mm512_cvtps_pd(bh))};
}
/* The 16 partials of acc[0] summed by the fixed tree of sg_sm_tree_sum:
 * w = 8 (lo + hi), 4, 2, 1, the same additions in the same order. */
static inline double v_dtree16(const vd *acc) {
  __m512d s8 = _mm512_add_pd(acc[0].lo, acc[0].hi);
  __m256d s4 = _mm256_add_pd(_mm512_castpd512_pd256(s8), _mm512_extractf64x4_pd(s8, 1));
  __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
}
/* The max of the lanes, in any order (callers need no NaN or zero sign). */
static inline float v_hmax(vf a) { return _mm512_reduce_max_ps(a); }

/* r[0..15] as a 16 x 16 block of rows becomes its columns: after it, lane k
 * of r[c] is what lane c of r[k] was. Unpack pairs, then pairs of pairs, then
 * 128-bit lanes in two shuffles: 64 shuffles. */
/* r[0..3]: inside each 128-bit lane, a 4 x 4 block of rows becomes its
 * columns (unpack pairs, then pairs of pairs: 8 shuffles). */
static inline __attribute__((always_inline)) void v_transpose_lanes4(vf r[4]) {
  __m512d a = _mm512_castps_pd(_mm512_unpacklo_ps(r[0], r[1])), b = _mm512_castps_pd(_mm512_unpackhi_ps(r[0], r[1]));
  __m512d c = _mm512_castps_pd(_mm512_unpacklo_ps(r[2], r[3])), d = _mm512_castps_pd(_mm512_unpackhi_ps(r[2], r[3]));
  r[0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c)), r[1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
  r[2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d)), r[3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
}

static inline __attribute__((always_inline)) void v_transpose(vf r[16]) {
  __m512 t[16];
#pragma GCC unroll 4
  for (int k = 0; k < 16; k += 4) v_transpose_lanes4(r + k);
  /* r[4g + j], 128-bit lane l: column 4l + j of rows 4g..4g+3 */
#pragma GCC unroll 16
  for (int j = 0; j < 4; j++) {
    __m512 p = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x44), q = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xee);
    __m512 s = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x44), u = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xee);
    t[j] = _mm512_shuffle_f32x4(p, s, 0x88), t[4 + j] = _mm512_shuffle_f32x4(p, s, 0xdd);
    t[8 + j] = _mm512_shuffle_f32x4(q, u, 0x88), t[12 + j] = _mm512_shuffle_f32x4(q, u, 0xdd);
  }
#pragma GCC unroll 16
  for (int k = 0; k < 16; k++) r[k] = t[k];
}


/* Columns 4q..4q+3 of the 16 x 16 block at p (rows ld floats apart) loaded
 * transposed: t[c] lane r = p[r * ld + 4q + c]. Cheaper than 16 loads and
 * v_transpose, whose 64 shuffles all run on port 5: each vector is built from
 * four 128-bit row pieces (a load and three inserts from memory, which also
 * run on port 0), leaving one in-lane 4 x 4 transpose (8 shuffles). Vector j,
 * before it, holds the four columns of rows j, 4 + j, 8 + j, 12 + j. */
static inline __attribute__((always_inline)) void v_load_t4(vf t[4], const float *p, size_t ld, int q) {
  const size_t l4 = 4 * ld * sizeof(float), l12 = 3 * l4; /* bytes: base + index addressing */
#pragma GCC unroll 4
  for (int j = 0; j < 4; j++) {
    const char *r = (const char *)(p + (size_t)j * ld) + 16 * q;
    __m512 v = _mm512_castps128_ps512(_mm_loadu_ps((const float *)r));
    v = _mm512_insertf32x4(v, _mm_loadu_ps((const float *)(r + l4)), 1);
    v = _mm512_insertf32x4(v, _mm_loadu_ps((const float *)(r + 2 * l4)), 2);
    t[j] = _mm512_insertf32x4(v, _mm_loadu_ps((const float *)(r + l12)), 3);
  }
  v_transpose_lanes4(t);
}

/* The whole 16 x 16 block at p loaded transposed: t[c] lane r = p[r * ld + c]. */
static inline __attribute__((always_inline)) void v_load_t(vf t[16], const float *p, size_t ld) {
#pragma GCC unroll 4
  for (int q = 0; q < 4; q++) v_load_t4(t + 4 * q, p, ld, q);
}
#endif
