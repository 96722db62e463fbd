/* SPDX-License-Identifier: BSD-3-Clause */
/* AVX2+FMA peers and probes, compiled with AVX2_CFLAGS and called only when
 * the CPU runs AVX2: the SLEEF sigmoid and tanh loops and a vdivps ymm throughput probe.
 * sleef.h declares its __m256 functions only under __AVX__. */
#include <config.h>

#include <immintrin.h>

#include "bench.h"

#ifdef SG_BENCH_SLEEF
#include <sleef.h>

static inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = Sleef_expf8_u10avx2(_mm256_xor_ps(x, _mm256_set1_ps(-0.0f)));
  return _mm256_div_ps(one, _mm256_add_ps(one, e));
}

/* void NAME(n, x, y): y = F(x) over the array, 8 floats at a time, the tail
 * masked. */
#define YMM_LOOP(NAME, F)                                                          \
  void NAME(size_t n, const float *x, float *y) {                                  \
    size_t i = 0;                                                                  \
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i))); \
    if (i < n) {                                                                   \
      __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                    \
      __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lane);       \
      _mm256_maskstore_ps(y + i, m, F(_mm256_maskload_ps(x + i, m)));              \
    }                                                                              \
  }

/* The same job as sg_sigmoid: y = 1/(1+exp(-x)) with SLEEF's 1-ULP expf and
 * one true division, as a user of SLEEF would write it. */
YMM_LOOP(bench_sleef_expf8_sigmoid, sigmoid8)
/* SLEEF's 1-ULP tanhf over an array, the peer of sg_tanh. */
YMM_LOOP(bench_sleef_tanhf8, Sleef_tanhf8_u10avx2)
#endif

/* See x86_avx512.c: 12 independent chains a <- 1.5 / a. */
#define DIV12(op, b, a)                                                          \
  a[0] = op(b, a[0]), a[1] = op(b, a[1]), a[2] = op(b, a[2]), a[3] = op(b, a[3]), \
  a[4] = op(b, a[4]), a[5] = op(b, a[5]), a[6] = op(b, a[6]), a[7] = op(b, a[7]), \
  a[8] = op(b, a[8]), a[9] = op(b, a[9]), a[10] = op(b, a[10]), a[11] = op(b, a[11])

float bench_divps_ymm(uint64_t reps) {
  const __m256 b = _mm256_set1_ps(1.5f);
  __m256 a[BENCH_DIVS_PER_REP], s = _mm256_setzero_ps();
  for (int k = 0; k < BENCH_DIVS_PER_REP; k++) a[k] = _mm256_set1_ps(1.0f + (float)k / 64.0f);
  for (uint64_t r = 0; r < reps; r++) DIV12(_mm256_div_ps, b, a);
  for (int k = 0; k < BENCH_DIVS_PER_REP; k++) s = _mm256_add_ps(s, a[k]);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

/* The core's FMA peak with ymm: BENCH_FMA_YMM_CHAINS (12) independent
 * accumulators ymm0..ymm11, one vfmadd231ps ymm each per rep; the two
 * operands sit in ymm12..ymm15 (the only vector registers left). See
 * x86_avx512.c. 16 flops per instruction. */
#define FMA_YMM(k) "vfmadd231ps %[b], %[c], %%ymm" #k "\n\t"

void bench_fma_ymm(uint64_t reps) {
  if (!reps) return;
  __m256 b = _mm256_set1_ps(0x1p-10f), c = _mm256_set1_ps(0x1p-10f);
  __asm__ volatile("vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
                   "vmovaps %%ymm0, %%ymm1\n\tvmovaps %%ymm0, %%ymm2\n\tvmovaps %%ymm0, %%ymm3\n\t"
                   "vmovaps %%ymm0, %%ymm4\n\tvmovaps %%ymm0, %%ymm5\n\tvmovaps %%ymm0, %%ymm6\n\t"
                   "vmovaps %%ymm0, %%ymm7\n\tvmovaps %%ymm0, %%ymm8\n\tvmovaps %%ymm0, %%ymm9\n\t"
                   "vmovaps %%ymm0, %%ymm10\n\tvmovaps %%ymm0, %%ymm11\n\t"
                   ".p2align 5\n"
                   "1:\n\t"
                   FMA_YMM(0) FMA_YMM(1) FMA_YMM(2) FMA_YMM(3) FMA_YMM(4) FMA_YMM(5)
                   FMA_YMM(6) FMA_YMM(7) FMA_YMM(8) FMA_YMM(9) FMA_YMM(10) FMA_YMM(11)
                   "dec %[r]\n\t"
                   "jnz 1b"
                   : [r] "+r"(reps)
                   : [b] "x"(b), [c] "x"(c)
                   : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                     "xmm11", "cc", "memory");
}
