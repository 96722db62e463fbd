/* SPDX-License-Identifier: BSD-3-Clause */
/* The thin NEON (aarch64 Advanced SIMD) layer the shared algorithms in
 * simd/common/ are written over: 4 float lanes, masks as all-ones lanes. */
#ifndef SG_VEC_NEON_H
#define SG_VEC_NEON_H

#include <arm_neon.h>
#include <stddef.h>
#include <string.h>

#define SG_VL 4
typedef float32x4_t vf;
typedef int32x4_t vi;
typedef uint32x4_t vm;

static inline vf v_set(float a) { return vdupq_n_f32(a); }
static inline vf v_load(const float *p) { return vld1q_f32(p); }
static inline void v_store(float *p, vf a) { vst1q_f32(p, a); }
/* No streaming store is used on NEON: plain stores. */
static inline void v_store_stream(float *p, vf a) { vst1q_f32(p, a); }
static inline void v_stream_fence(void) {}

/* Tails (0 < k < SG_VL): NEON has no masked access, so go through a stack
 * lane buffer; only k floats of the array are read or written. */
static inline vf v_load_n(const float *p, size_t k) {
  float buf[SG_VL] = {0};
  memcpy(buf, p, k * sizeof *p);
  return vld1q_f32(buf);
}
static inline void v_store_n(float *p, size_t k, vf a) {
  float buf[SG_VL];
  vst1q_f32(buf, a);
  memcpy(p, buf, k * sizeof *p);
}
/* The first k lanes from p, the others fill (0 < k < SG_VL). */
static inline vf v_load_n_or(const float *p, size_t k, vf fill) {
  float buf[SG_VL];
  vst1q_f32(buf, fill);
  memcpy(buf, p, k * sizeof *p);
  return vld1q_f32(buf);
}

static inline vf v_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf v_sub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf v_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf v_div(vf a, vf b) { return vdivq_f32(a, b); }
static inline vf v_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }  /* a*b + c */
static inline vf v_fnma(vf a, vf b, vf c) { return vfmsq_f32(c, a, b); } /* c - a*b */
static inline vf v_fms(vf a, vf b, vf c) { return vfmaq_f32(vnegq_f32(c), a, b); } /* a*b - c */
static inline vf v_neg_abs(vf a) { return vnegq_f32(vabsq_f32(a)); }
/* |a| with the sign of b. */
static inline vf v_copysign(vf a, vf b) { return vbslq_f32(vdupq_n_u32(0x7fffffffu), a, b); }
static inline vf v_max(vf a, vf b) { return vmaxq_f32(a, b); }
static inline vf v_min(vf a, vf b) { return vminq_f32(a, b); }

static inline vm v_lt(vf a, vf b) { return vcltq_f32(a, b); }
static inline vm v_le(vf a, vf b) { return vcleq_f32(a, b); }
static inline vm v_isnan(vf a) { return vmvnq_u32(vceqq_f32(a, a)); }
static inline vf v_select(vm m, vf a, vf b) { return vbslq_f32(m, a, b); } /* m ? a : b */
static inline int v_any(vm m) { return vmaxvq_u32(m) != 0; } /* some lane set */
static inline vf v_mul_unless(vm m, vf a, vf b) { /* m ? 0 : a*b */
  return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(vmulq_f32(a, b)), m));
}

static inline vi v_as_int(vf a) { return vreinterpretq_s32_f32(a); }
static inline vf v_as_float(vi a) { return vreinterpretq_f32_s32(a); }
static inline vi v_iset(int a) { return vdupq_n_s32(a); }
static inline vi v_iadd(vi a, vi b) { return vaddq_s32(a, b); }
static inline vi v_isub(vi a, vi b) { return vsubq_s32(a, b); }
static inline vi v_isra1(vi a) { return vshrq_n_s32(a, 1); }
static inline vi v_isll23(vi a) { return vshlq_n_s32(a, 23); }

/* SG_VL doubles, lane for lane: the exact widening of a vf, for the row
 * sums the softmax keeps in double. */
typedef struct { float64x2_t lo, hi; } vd;
static inline vd v_dset(double a) { return (vd){vdupq_n_f64(a), vdupq_n_f64(a)}; }
static inline vd v_dadd_wide(vd a, vf b) { /* a + (double)b */
  return (vd){vaddq_f64(a.lo, vcvt_f64_f32(vget_low_f32(b))), vaddq_f64(a.hi, vcvt_high_f64_f32(b))};
}
/* The 16 partials of acc[0..3] (acc[k] holds 4k..4k+3) summed by the fixed
 * tree of sg_sm_tree_sum: w = 8, 4, 2, 1, the same additions in the same
 * order. */
static inline double v_dtree16(const vd *acc) {
  float64x2_t a0 = vaddq_f64(acc[0].lo, acc[2].lo), a1 = vaddq_f64(acc[0].hi, acc[2].hi);
  float64x2_t b0 = vaddq_f64(acc[1].lo, acc[3].lo), b1 = vaddq_f64(acc[1].hi, acc[3].hi);
  float64x2_t c = vaddq_f64(vaddq_f64(a0, b0), vaddq_f64(a1, b1));
  return vgetq_lane_f64(c, 0) + vgetq_lane_f64(c, 1);
}
/* The max of the lanes, in any order (callers need no NaN or zero sign). */
static inline float v_hmax(vf a) { return vmaxvq_f32(a); }

/* r[0..3] as a 4 x 4 block of rows becomes its columns (lane k of r[c] is
 * what lane c of r[k] was). */
static inline __attribute__((always_inline)) void v_transpose(vf r[4]) {
  float32x4x2_t a = vtrnq_f32(r[0], r[1]), b = vtrnq_f32(r[2], r[3]);
  r[0] = vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0]));
  r[1] = vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1]));
  r[2] = vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0]));
  r[3] = vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1]));
}

/* Columns 4q..4q+3 (q = 0: the whole 4 x 4 block) at p (rows ld floats
 * apart) loaded transposed: t[c] lane r = p[r * ld + 4q + c]. */
static inline __attribute__((always_inline)) void v_load_t4(vf t[4], const float *p, size_t ld, int q) {
  for (int r = 0; r < 4; r++) t[r] = vld1q_f32(p + (size_t)r * ld + 4 * q);
  v_transpose(t);
}

static inline __attribute__((always_inline)) void v_load_t(vf t[4], const float *p, size_t ld) {
  v_load_t4(t, p, ld, 0);
}
#endif
