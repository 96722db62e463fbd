/* SPDX-License-Identifier: BSD-3-Clause */
/* Peers compiled with the project's normal flags: the plain libm loop, and a
 * clock probe used to turn nanoseconds into cycles in the summary. */
#include <config.h>

#include <math.h>

#include "bench.h"

const char *bench_c_compiler(void) {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

/* What a user writes without a vector library: one expf call per element. */
void bench_libm_sigmoid(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void bench_libm_tanh(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

#if defined(__x86_64__)
#define ADD8 "add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\t" \
             "add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\t"
#elif defined(__aarch64__)
#define ADD8 "add %0, %0, %0\n\tadd %0, %0, %0\n\tadd %0, %0, %0\n\tadd %0, %0, %0\n\t" \
             "add %0, %0, %0\n\tadd %0, %0, %0\n\tadd %0, %0, %0\n\tadd %0, %0, %0\n\t"
#endif

int bench_add_chain(uint64_t reps, uint64_t *sink) {
#ifdef ADD8
  uint64_t v = *sink | 1;
  for (uint64_t r = 0; r < reps; r++)
    __asm__ volatile(ADD8 ADD8 ADD8 ADD8 ADD8 ADD8 ADD8 ADD8 : "+r"(v));
  *sink = v;
  return 1;
#else
  (void)reps, (void)sink;
  return 0;
#endif
}
