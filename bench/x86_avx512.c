/* SPDX-License-Identifier: BSD-3-Clause */
/* AVX-512 peers and probes, compiled with AVX512_CFLAGS and called only when
 * the CPU runs AVX-512: the SLEEF sigmoid and tanh loops and a vdivps zmm throughput
 * probe. sleef.h declares its __m512 functions only under __AVX512F__. */
#include <config.h>

#include <immintrin.h>

#include "bench.h"

#ifdef SG_BENCH_SLEEF
#include <sleef.h>

static inline __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 e = Sleef_expf16_u10avx512f(_mm512_xor_ps(x, _mm512_set1_ps(-0.0f)));
  return _mm512_div_ps(one, _mm512_add_ps(one, e));
}

/* void NAME(n, x, y): y = F(x) over the array, 16 floats at a time, the tail
 * masked. */
#define ZMM_LOOP(NAME, F)                                                          \
  void NAME(size_t n, const float *x, float *y) {                                  \
    size_t i = 0;                                                                  \
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i))); \
    if (i < n) {                                                                   \
      __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                              \
      _mm512_mask_storeu_ps(y + i, m, F(_mm512_maskz_loadu_ps(m, x + i)));         \
    }                                                                              \
  }

/* The same job as sg_sigmoid: y = 1/(1+exp(-x)) with SLEEF's 1-ULP expf and
 * one true division, as a user of SLEEF would write it. */
ZMM_LOOP(bench_sleef_expf16_sigmoid, sigmoid16)
/* SLEEF's 1-ULP tanhf over an array, the peer of sg_tanh. */
ZMM_LOOP(bench_sleef_tanhf16, Sleef_tanhf16_u10avx512f)
#endif

/* A copy with streaming (non-temporal) stores, as sg_sigmoid writes large
 * outputs: the bandwidth roof of a kernel that skips the read-for-ownership
 * of its output, which memcpy may not do at every size (glibc picks
 * non-temporal stores only above a threshold scaled by the L3 size). */
void bench_stream_copy_zmm(size_t n, const float *x, float *y) {
  size_t i = 0;
  for (; i < n && ((uintptr_t)(y + i) & 63); i++) y[i] = x[i];
  for (; i + 16 <= n; i += 16) _mm512_stream_ps(y + i, _mm512_loadu_ps(x + i));
  _mm_sfence();
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, _mm512_maskz_loadu_ps(m, x + i));
  }
}

/* 12 independent chains a <- 1.5 / a (each value alternates between a and
 * 1.5/a, so nothing overflows or goes subnormal): with more chains in
 * flight than the divider's latency / throughput, the loop runs at its
 * throughput. 12 chains + the dividend fit in the 16 ymm registers too. */
#define DIV12(op, b, a)                                                          \
  a[0] = op(b, a[0]), a[1] = op(b, a[1]), a[2] = op(b, a[2]), a[3] = op(b, a[3]), \
  a[4] = op(b, a[4]), a[5] = op(b, a[5]), a[6] = op(b, a[6]), a[7] = op(b, a[7]), \
  a[8] = op(b, a[8]), a[9] = op(b, a[9]), a[10] = op(b, a[10]), a[11] = op(b, a[11])

float bench_divps_zmm(uint64_t reps) {
  const __m512 b = _mm512_set1_ps(1.5f);
  __m512 a[BENCH_DIVS_PER_REP], s = _mm512_setzero_ps();
  for (int k = 0; k < BENCH_DIVS_PER_REP; k++) a[k] = _mm512_set1_ps(1.0f + (float)k / 64.0f);
  for (uint64_t r = 0; r < reps; r++) DIV12(_mm512_div_ps, b, a);
  for (int k = 0; k < BENCH_DIVS_PER_REP; k++) s = _mm512_add_ps(s, a[k]);
  return _mm512_reduce_add_ps(s);
}

/* The core's FMA peak: BENCH_FMA_ZMM_CHAINS (16) independent accumulators
 * zmm0..zmm15, each taking one vfmadd231ps zmm per rep with the same two
 * operands (in zmm16..zmm31, as the compiler picks). Written in asm so the
 * compiler can neither shorten nor reorder the chains; 16 chains cover the
 * FMA latency x pipes of any current core. 32 flops per instruction. The
 * accumulators start at 0 and grow by 2^-20 per rep until rounding stops
 * them (at 16): never an overflow or a subnormal, whatever the rep count. */
#define FMA_ZMM(k) "vfmadd231ps %[b], %[c], %%zmm" #k "\n\t"

void bench_fma_zmm(uint64_t reps) {
  if (!reps) return;
  __m512 b = _mm512_set1_ps(0x1p-10f), c = _mm512_set1_ps(0x1p-10f);
  __asm__ volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
                   "vmovaps %%zmm0, %%zmm1\n\tvmovaps %%zmm0, %%zmm2\n\tvmovaps %%zmm0, %%zmm3\n\t"
                   "vmovaps %%zmm0, %%zmm4\n\tvmovaps %%zmm0, %%zmm5\n\tvmovaps %%zmm0, %%zmm6\n\t"
                   "vmovaps %%zmm0, %%zmm7\n\tvmovaps %%zmm0, %%zmm8\n\tvmovaps %%zmm0, %%zmm9\n\t"
                   "vmovaps %%zmm0, %%zmm10\n\tvmovaps %%zmm0, %%zmm11\n\tvmovaps %%zmm0, %%zmm12\n\t"
                   "vmovaps %%zmm0, %%zmm13\n\tvmovaps %%zmm0, %%zmm14\n\tvmovaps %%zmm0, %%zmm15\n\t"
                   ".p2align 5\n"
                   "1:\n\t"
                   FMA_ZMM(0) FMA_ZMM(1) FMA_ZMM(2) FMA_ZMM(3) FMA_ZMM(4) FMA_ZMM(5) FMA_ZMM(6) FMA_ZMM(7)
                   FMA_ZMM(8) FMA_ZMM(9) FMA_ZMM(10) FMA_ZMM(11) FMA_ZMM(12) FMA_ZMM(13) FMA_ZMM(14) FMA_ZMM(15)
                   "dec %[r]\n\t"
                   "jnz 1b"
                   : [r] "+r"(reps)
                   : [b] "v"(b), [c] "v"(c)
                   : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                     "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
}
