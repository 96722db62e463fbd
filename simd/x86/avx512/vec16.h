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
static inline vf v_max(vf a, vf b) { return _mm512_max_ps(a, b); }

static inline vm v_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vm v_isnan(vf a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
static inline vf v_select(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); } /* m ? a : b */

static inline vi v_as_int(vf a) { return _mm512_castps_si512(a); }
static inline vf v_as_float(vi a) { return _mm512_castsi512_ps(a); }
static inline vi v_iset(int a) { return _mm512_set1_epi32(a); }
static inline vi v_iadd(vi a, vi b) { return _mm512_add_epi32(a, b); }
static inline vi v_isub(vi a, vi b) { return _mm512_sub_epi32(a, b); }
static inline vi v_isra1(vi a) { return _mm512_srai_epi32(a, 1); }
static inline vi v_isll23(vi a) { return _mm512_slli_epi32(a, 23); }

/* m * 2^n rounded once (vscalefps), as in vec.h. */
#define SG_LAYER_LDEXP2 1
static inline vf v_ldexp2(vf m, vi n) { return _mm512_scalef_ps(m, _mm512_cvtepi32_ps(n)); }

#endif
