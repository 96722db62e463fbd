/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared helpers of the test programs: float bits, ULP distance to a double
 * oracle, a seeded PRNG, an output digest, a failure counter. */
#ifndef SG_CHECK_H
#define SG_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "simdgrad.h"
#include "splitmix.h"

static int check_failures;

#define CHECK(cond, ...)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      check_failures++;                                                   \
      if (check_failures <= 20) {                                         \
        fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__);                                     \
        fputc('\n', stderr);                                              \
      }                                                                   \
    }                                                                     \
  } while (0)

static inline uint32_t f2u(float x) {
  uint32_t u;
  memcpy(&u, &x, 4);
  return u;
}

static inline float u2f(uint32_t u) {
  float x;
  memcpy(&x, &u, 4);
  return x;
}

/* Error of the float y in units of the last place of the exact value ref (the
 * float grid's spacing at |ref|; subnormal spacing 2^-149 below 2^-126).
 * NaN against non-NaN, or a wrong infinity, is INFINITY. An infinite y of
 * ref's sign stands for 2^128, the grid point after FLT_MAX, which is what
 * round-to-nearest gives from FLT_MAX + 1/2 ULP up: exact values beyond 2^128
 * round to it with no error. */
static inline double ulp_error(float y, double ref) {
  if (isnan(ref) || isnan(y)) return isnan(ref) && isnan(y) ? 0 : INFINITY;
  if (isinf(y) && !isinf(ref) && !signbit(y) == !signbit(ref))
    return fabs(ref) >= 0x1p128 ? 0 : (0x1p128 - fabs(ref)) / 0x1p104;
  if (isinf(y) || isinf(ref)) return (double)y == ref ? 0 : INFINITY;
  double a = fabs(ref);
  int e;
  frexp(a, &e); /* a in [2^(e-1), 2^e) */
  double ulp = a < 0x1p-126 ? 0x1p-149 : ldexp(1.0, e - 1 - 23);
  if (a >= 0x1p128) ulp = 0x1p104; /* beyond FLT_MAX: the last binade's spacing */
  return fabs((double)y - ref) / ulp;
}

/* ULP error measured on the grid of max(|ref|, floor): for results that are
 * tiny by cancellation (log_softmax of a near-certain class, p - 1 at the
 * label, y * (dy - <dy, y>) with dy ~ <dy, y>, dy - e^y sum(dy)), where the
 * kernels promise an absolute error, not a relative one (README). */
static inline double ulp_error_floor(float y, double ref, double floor) {
  if (isnan(ref) || isnan(y) || isinf(ref) || isinf(y) || fabs(ref) >= floor) return ulp_error(y, ref);
  return ulp_error((float)(fabs((double)y - ref) + floor), floor);
}

/* The tests' random streams (src/splitmix.h). */
static inline uint64_t rng_next(uint64_t *s) { return sg_splitmix64(s); }
static inline float rng_uniform(uint64_t *s, float lo, float hi) { return sg_uniform(s, lo, hi); }

/* FNV-1a over the output bits: a digest two builds (x86, aarch64 under qemu)
 * can compare. */
static inline uint64_t digest_floats(uint64_t h, const float *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint32_t u = f2u(v[i]);
    for (int b = 0; b < 4; b++) {
      h ^= (u >> (8 * b)) & 0xff;
      h *= 0x100000001b3ull;
    }
  }
  return h;
}
#define DIGEST_INIT 0xcbf29ce484222325ull

/* Every ISA this build and CPU can run, scalar first. */
static inline int supported_isas(sg_isa out[SG_ISA_COUNT]) {
  int k = 0;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported((sg_isa)i)) out[k++] = (sg_isa)i;
  return k;
}

static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
    exit(99);
  }
  return p;
}

/* SIMDGRAD_TEST_EMULATED=1: the tests run under qemu-x86_64 on an emulated
 * older CPU (CI's Haswell and qemu64 passes). There the point is that the
 * CPU's own kernels are chosen and run without a fault, with the scalar
 * bits; emulated, they run one to two hundred times slower, so the largest
 * sweeps are thinned (the native run keeps them whole, and the aarch64 run
 * under qemu-aarch64 keeps them with the golden digests). */
static inline int test_emulated(void) {
  const char *e = getenv("SIMDGRAD_TEST_EMULATED");
  return e && *e && strcmp(e, "0") != 0;
}

/* The fence tests need masked vector loads to skip their masked-out lanes, as
 * the hardware does; qemu-x86_64 7.2 faults on them instead, so they do not
 * run emulated. */
static inline int fences_wanted(void) { return !test_emulated(); }

/* One page of memory between two inaccessible pages: an array placed flush
 * against either end makes any access outside it crash the test. */
static inline float *fenced_page(size_t page) {
  char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED || mprotect(p, page, PROT_NONE) || mprotect(p + 2 * page, page, PROT_NONE)) {
    perror("mmap");
    exit(99);
  }
  return (float *)(p + page);
}

static inline int check_summary(const char *name) {
  if (check_failures) fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
  return check_failures ? 1 : 0;
}

#endif
