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
static inline vf v_max(vf a, vf b) { return vmaxq_f32(a, b); }

static inline vm v_lt(vf a, vf b) { return vcltq_f32(a, b); }
static inline vm v_isnan(vf a) { return vmvnq_u32(vceqq_f32(a, a)); }
static inline vf v_select(vm m, vf a, vf b) { return vbslq_f32(m, a, b); } /* m ? a : b */

static inline vi v_as_int(vf a) { return vreinterpretq_s32_f32(a); }
static inline vf v_as_float(vi a) { return vreinterpretq_f32_s32(a); }
static inline vi v_iset(int a) { return vdupq_n_s32(a); }
static inline vi v_iadd(vi a, vi b) { return vaddq_s32(a, b); }
static inline vi v_isub(vi a, vi b) { return vsubq_s32(a, b); }
static inline vi v_isra1(vi a) { return vshrq_n_s32(a, 1); }
static inline vi v_isll23(vi a) { return vshlq_n_s32(a, 23); }

#endif
