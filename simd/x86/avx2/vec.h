/* SPDX-License-Identifier: BSD-3-Clause */
/* The thin AVX2+FMA layer the shared algorithms in simd/common/ are written
 * over: 8 float lanes, masks as all-ones float lanes. */
#ifndef SG_VEC_AVX2_H
#define SG_VEC_AVX2_H

#include <immintrin.h>
#include <stddef.h>

#define SG_VL 8
typedef __m256 vf;
typedef __m256i vi;
typedef __m256 vm;

static inline vf v_set(float a) { return _mm256_set1_ps(a); }
static inline vf v_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void v_store(float *p, vf a) { _mm256_storeu_ps(p, a); }
/* Streaming store: p must be 32-byte aligned. */
static inline void v_store_stream(float *p, vf a) { _mm256_stream_ps(p, a); }
static inline void v_stream_fence(void) { _mm_sfence(); }

/* Tails (0 < k < SG_VL): masked lanes are neither read nor written, so no
 * access strays past the array, whatever its alignment. */
static inline vi v_tail_mask(size_t k) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline vf v_load_n(const float *p, size_t k) { return _mm256_maskload_ps(p, v_tail_mask(k)); }
static inline void v_store_n(float *p, size_t k, vf a) { _mm256_maskstore_ps(p, v_tail_mask(k), a); }
/* The first k lanes from p, the others fill (0 < k < SG_VL; nothing past p + k is read). */
static inline vf v_load_n_or(const float *p, size_t k, vf fill) {
  vi m = v_tail_mask(k);
  return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}

static inline vf v_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf v_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf v_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf v_div(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf v_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }   /* a*b + c */
static inline vf v_fnma(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); } /* c - a*b */
static inline vf v_fms(vf a, vf b, vf c) { return _mm256_fmsub_ps(a, b, c); }   /* a*b - c */
/* -|a|: set the sign bit. */
static inline vf v_neg_abs(vf a) { return _mm256_or_ps(a, _mm256_set1_ps(-0.0f)); }
/* |a| with the sign of b. */
static inline vf v_copysign(vf a, vf b) {
  __m256 s = _mm256_set1_ps(-0.0f);
  return _mm256_or_ps(_mm256_andnot_ps(s, a), _mm256_and_ps(s, b));
}
/* max for non-NaN a (a NaN a gives b; callers mend NaN lanes themselves). */
static inline vf v_max(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vf v_min(vf a, vf b) { return _mm256_min_ps(a, b); }

static inline vm v_lt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vm v_le(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vm v_isnan(vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
static inline vf v_select(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); } /* m ? a : b */
static inline int v_any(vm m) { return _mm256_movemask_ps(m) != 0; } /* some lane set */
static inline vf v_mul_unless(vm m, vf a, vf b) { return _mm256_andnot_ps(m, _mm256_mul_ps(a, b)); } /* m ? 0 : a*b */

static inline vi v_as_int(vf a) { return _mm256_castps_si256(a); }
static inline vf v_as_float(vi a) { return _mm256_castsi256_ps(a); }
static inline vi v_iset(int a) { return _mm256_set1_epi32(a); }
static inline vi v_iadd(vi a, vi b) { return _mm256_add_epi32(a, b); }
static inline vi v_isub(vi a, vi b) { return _mm256_sub_epi32(a, b); }
static inline vi v_isra1(vi a) { return _mm256_srai_epi32(a, 1); }
static inline vi v_isll23(vi a) { return _mm256_slli_epi32(a, 23); }

/* SG_VL doubles, lane for lane: the exact widening of a vf, for the row
 * sums the softmax keeps in double. */
typedef struct { __m256d lo, hi; } vd;
static inline vd v_dset(double a) { return (vd){_mm256_set1_pd(a), _mm256_set1_pd(a)}; }
static inline vd v_dadd_wide(vd a, vf b) { /* a + (double)b */
  return (vd){_mm256_add_pd(a.lo, _mm256_cvtps_pd(_mm256_castps256_ps128(b))),
              _mm256_add_pd(a.hi, _mm256_cvtps_pd(_mm256_extractf128_ps(b, 1)))};
}
/* The 16 partials of acc[0..1] summed by the fixed tree of sg_sm_tree_sum:
 * w = 8, 4, 2, 1, the same additions in the same order. */
static inline double v_dtree16(const vd *acc) {
  __m256d s4 = _mm256_add_pd(_mm256_add_pd(acc[0].lo, acc[1].lo), _mm256_add_pd(acc[0].hi, acc[1].hi));
  __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
}
/* The max of the lanes, in any order (callers need no NaN or zero sign). */
static inline float v_hmax(vf a) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}

/* r[0..7] as an 8 x 8 block of rows becomes its columns (lane k of r[c] is
 * what lane c of r[k] was): unpack pairs, pairs of pairs, then 128-bit halves. */
/* r[0..3]: inside each 128-bit half, a 4 x 4 block of rows becomes its
 * columns (unpack pairs, then pairs of pairs: 8 shuffles). */
static inline __attribute__((always_inline)) void v_transpose_lanes4(vf r[4]) {
  __m256d a = _mm256_castps_pd(_mm256_unpacklo_ps(r[0], r[1])), b = _mm256_castps_pd(_mm256_unpackhi_ps(r[0], r[1]));
  __m256d c = _mm256_castps_pd(_mm256_unpacklo_ps(r[2], r[3])), d = _mm256_castps_pd(_mm256_unpackhi_ps(r[2], r[3]));
  r[0] = _mm256_castpd_ps(_mm256_unpacklo_pd(a, c)), r[1] = _mm256_castpd_ps(_mm256_unpackhi_pd(a, c));
  r[2] = _mm256_castpd_ps(_mm256_unpacklo_pd(b, d)), r[3] = _mm256_castpd_ps(_mm256_unpackhi_pd(b, d));
}

static inline __attribute__((always_inline)) void v_transpose(vf r[8]) {
  __m256 t[8];
  v_transpose_lanes4(r);
  v_transpose_lanes4(r + 4);
  /* r[4g + j], half h: column 4h + j of rows 4g..4g+3 */
#pragma GCC unroll 16
  for (int j = 0; j < 4; j++)
    t[j] = _mm256_permute2f128_ps(r[j], r[4 + j], 0x20), t[4 + j] = _mm256_permute2f128_ps(r[j], r[4 + j], 0x31);
#pragma GCC unroll 16
  for (int k = 0; k < 8; k++) r[k] = t[k];
}


/* Columns 4q..4q+3 of the 8 x 8 block at p (rows ld floats apart) loaded
 * transposed: t[c] lane r = p[r * ld + 4q + c]. Each vector is built from two
 * 128-bit row pieces (a load and an insert from memory), so only an in-lane
 * 4 x 4 transpose remains (8 shuffles; v_transpose takes 24 for the block).
 * Vector j, before it, holds the four columns of rows j and 4 + j. */
static inline __attribute__((always_inline)) void v_load_t4(vf t[4], const float *p, size_t ld, int q) {
#pragma GCC unroll 4
  for (int j = 0; j < 4; j++) {
    const float *r = p + (size_t)j * ld + 4 * q;
    t[j] = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(r)), _mm_loadu_ps(r + 4 * ld), 1);
  }
  v_transpose_lanes4(t);
}

/* The whole 8 x 8 block at p loaded transposed: t[c] lane r = p[r * ld + c]. */
static inline __attribute__((always_inline)) void v_load_t(vf t[8], const float *p, size_t ld) {
  v_load_t4(t, p, ld, 0);
  v_load_t4(t + 4, p, ld, 1);
}
#endif
