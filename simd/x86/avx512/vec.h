/* SPDX-License-Identifier: BSD-3-Clause */
/* The thin AVX-512 (F/VL/DQ/BW) layer the shared algorithms in simd/common/
 * are written over. One "vector" here is a pair of zmm registers (32 floats):
 * every operation is issued for both halves back to back, so two independent
 * dependency chains interleave. Measured on the Zen 5 class machine of the
 * README: the sigmoid goes from 25 to 21 cycles per 16 floats, because its
 * 50-operation chain, not any one port, is what the core waits on. */
#ifndef SG_VEC_AVX512_H
#define SG_VEC_AVX512_H

#include <immintrin.h>
#include <stddef.h>

#define SG_VL 32
typedef struct { __m512 lo, hi; } vf;
typedef struct { __m512i lo, hi; } vi;
typedef struct { __mmask16 lo, hi; } vm;

/* Apply one zmm expression to both halves: PAIRn(type, name, expr over a, b, c). */
#define SG_PAIR1(T, A, name, expr)                                        \
  static inline T name(A x) {                                             \
    T r;                                                                  \
    { __typeof__(x.lo) a = x.lo; r.lo = (expr); }                         \
    { __typeof__(x.hi) a = x.hi; r.hi = (expr); }                         \
    return r;                                                             \
  }
#define SG_PAIR2(T, A, name, expr)                                        \
  static inline T name(A x, A y) {                                        \
    T r;                                                                  \
    { __typeof__(x.lo) a = x.lo, b = y.lo; r.lo = (expr); }               \
    { __typeof__(x.hi) a = x.hi, b = y.hi; r.hi = (expr); }               \
    return r;                                                             \
  }
#define SG_PAIR3(name, expr)                                              \
  static inline vf name(vf x, vf y, vf z) {                               \
    vf r;                                                                 \
    { __m512 a = x.lo, b = y.lo, c = z.lo; r.lo = (expr); }               \
    { __m512 a = x.hi, b = y.hi, c = z.hi; r.hi = (expr); }               \
    return r;                                                             \
  }

static inline vf v_set(float a) { return (vf){_mm512_set1_ps(a), _mm512_set1_ps(a)}; }
static inline vi v_iset(int a) { return (vi){_mm512_set1_epi32(a), _mm512_set1_epi32(a)}; }
static inline vf v_load(const float *p) { return (vf){_mm512_loadu_ps(p), _mm512_loadu_ps(p + 16)}; }
static inline void v_store(float *p, vf a) { _mm512_storeu_ps(p, a.lo), _mm512_storeu_ps(p + 16, a.hi); }
/* Streaming store: p must be 64-byte aligned. */
static inline void v_store_stream(float *p, vf a) { _mm512_stream_ps(p, a.lo), _mm512_stream_ps(p + 16, a.hi); }
static inline void v_stream_fence(void) { _mm_sfence(); }

/* Tails (0 < k < SG_VL): masked lanes are neither read nor written (no fault). */
static inline __mmask16 v_half_mask(size_t k) { return k >= 16 ? 0xffff : (__mmask16)((1u << k) - 1); }
static inline vf v_load_n(const float *p, size_t k) {
  return (vf){_mm512_maskz_loadu_ps(v_half_mask(k), p),
              _mm512_maskz_loadu_ps(v_half_mask(k > 16 ? k - 16 : 0), p + 16)};
}
static inline void v_store_n(float *p, size_t k, vf a) {
  _mm512_mask_storeu_ps(p, v_half_mask(k), a.lo);
  _mm512_mask_storeu_ps(p + 16, v_half_mask(k > 16 ? k - 16 : 0), a.hi);
}

SG_PAIR2(vf, vf, v_add, _mm512_add_ps(a, b))
SG_PAIR2(vf, vf, v_sub, _mm512_sub_ps(a, b))
SG_PAIR2(vf, vf, v_mul, _mm512_mul_ps(a, b))
SG_PAIR2(vf, vf, v_div, _mm512_div_ps(a, b))
SG_PAIR3(v_fma, _mm512_fmadd_ps(a, b, c))   /* a*b + c */
SG_PAIR3(v_fnma, _mm512_fnmadd_ps(a, b, c)) /* c - a*b */
SG_PAIR3(v_fms, _mm512_fmsub_ps(a, b, c))   /* a*b - c */
SG_PAIR1(vf, vf, v_neg_abs, _mm512_or_ps(a, _mm512_set1_ps(-0.0f))) /* -|a| */
SG_PAIR2(vf, vf, v_copysign, _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_set1_epi32(0x7fffffff), _mm512_castps_si512(a), _mm512_castps_si512(b), 0xca))) /* |a|, sign of b */
/* max for non-NaN a (a NaN a gives b; callers mend NaN lanes themselves). */
SG_PAIR2(vf, vf, v_max, _mm512_max_ps(a, b))
SG_PAIR2(vf, vf, v_min, _mm512_min_ps(a, b))

SG_PAIR2(vm, vf, v_lt, _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ))
SG_PAIR2(vm, vf, v_le, _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ))
SG_PAIR1(vm, vf, v_isnan, _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q))
static inline vf v_select(vm m, vf a, vf b) { /* m ? a : b */
  return (vf){_mm512_mask_blend_ps(m.lo, b.lo, a.lo), _mm512_mask_blend_ps(m.hi, b.hi, a.hi)};
}
static inline int v_any(vm m) { return (m.lo | m.hi) != 0; } /* some lane set */
static inline vf v_mul_unless(vm m, vf a, vf b) { /* m ? 0 : a*b */
  return (vf){_mm512_maskz_mul_ps(_knot_mask16(m.lo), a.lo, b.lo), _mm512_maskz_mul_ps(_knot_mask16(m.hi), a.hi, b.hi)};
}

SG_PAIR1(vi, vf, v_as_int, _mm512_castps_si512(a))
SG_PAIR1(vf, vi, v_as_float, _mm512_castsi512_ps(a))
SG_PAIR2(vi, vi, v_iadd, _mm512_add_epi32(a, b))
SG_PAIR2(vi, vi, v_isub, _mm512_sub_epi32(a, b))
SG_PAIR1(vi, vi, v_isra1, _mm512_srai_epi32(a, 1))
SG_PAIR1(vi, vi, v_isll23, _mm512_slli_epi32(a, 23))

/* m * 2^n in one instruction: vscalefps rounds once, subnormals included, so
 * it returns the bits of the generic two-step scaling (vmath.h) for the
 * n in [-252, 254] used there. The scale is n as a float. */
#define SG_LAYER_LDEXP2 1
typedef vf v_scale;
static inline v_scale v_scale_of(vi n, vf nf, int one_step) { (void)n, (void)one_step; return nf; }
static inline vf v_scaled(vf m, v_scale nf, int one_step) {
  (void)one_step;
  return (vf){_mm512_scalef_ps(m.lo, nf.lo), _mm512_scalef_ps(m.hi, nf.hi)};
}
static inline int v_scale_one_step(vf t) { (void)t; return 1; }
static inline v_scale v_scale_max(v_scale nf, int lo, int one_step) { (void)one_step; return v_max(nf, v_set((float)lo)); }
static inline vf v_pow2in(vi k, vf kf) { return v_scaled(v_set(1.0f), v_scale_of(k, kf, 1), 1); }

/* -min(|x|, c) in one vrangeps: imm 14 = the smaller magnitude (2), sign set (3 << 2). */
#define SG_LAYER_NEG_ABS_MIN 1
static inline vf v_neg_abs_min(vf x, float c) {
  __m512 m = _mm512_set1_ps(c);
  return (vf){_mm512_range_ps(x.lo, m, 14), _mm512_range_ps(x.hi, m, 14)};
}

/* The selects of vmath.h in one vfixupimmps each: it classes each lane of x
 * (QNaN, SNaN, 0, +1, -inf, +inf, < 0, > 0: nibbles 0 to 7 of the table) and
 * answers per class 0 = keep the first operand, 1 = x, 2 = x quieted, 10 = +1. */
#define SG_LAYER_FIXUP 1
#define SG_FIXUP(name, table)                                                        \
  static inline vf name(vf x, vf keep) {                                            \
    __m512i t = _mm512_set1_epi32((int)(table));                                     \
    return (vf){_mm512_fixupimm_ps(keep.lo, x.lo, t, 0), _mm512_fixupimm_ps(keep.hi, x.hi, t, 0)}; \
  }
SG_FIXUP(v_keep_nan, 0x00000021u)   /* NaN: x quieted; else keep */
SG_FIXUP(v_neg_or_one, 0xA0A0AA00u) /* < 0, -inf, NaN: keep; 0, +1, > 0, +inf: +1 */
#undef SG_FIXUP

#undef SG_PAIR1
#undef SG_PAIR2
#undef SG_PAIR3
#endif
