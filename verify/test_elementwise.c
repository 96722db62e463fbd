/* SPDX-License-Identifier: BSD-3-Clause */
/* Every element-wise kernel of the registry (src/kernels.h; the list, the
 * oracles and the digests are verify/oracle.h's) against a double-precision
 * oracle within its stated bound (a select: its definition, bit for bit),
 * and every supported ISA against the scalar reference bit for bit.
 *
 * Inputs of a one-input kernel (about 2^24.3): every 251st of the 2^32 bit
 * patterns (so every class: zeros, subnormals, normals, infinities, NaNs of
 * both signs), 2^22 random floats over the range where the rounding is
 * busiest, and its boundaries. A two-input kernel (a backward pass) gets
 * 2^24 random pairs: its first input over the range its bound is stated for
 * (y in [0, 1] or [-1, 1] for a function's output, any float otherwise), dy
 * of any finite magnitude, and the specials crossed. The output digest of the
 * fixed sets is compared with the golden one, so an aarch64 build under qemu
 * proves the same bits as x86. The full 2^32 sweep is `make
 * check-exhaustive` (verify/exhaustive.c). */
#include <config.h>

#include "check.h"
#include "oracle.h"

#define STRIDE 251u
#define CHUNK (1u << 20)
/* Thinned (test_emulated): every 16381st pattern, a sixteenth of the random
 * inputs, no digest (it is of the whole strided set). */
#define THIN_STRIDE 16381u

struct stats {
  double max_ulp;
  float worst;
  uint64_t digest;
  unsigned long mismatches, count;
};

/* Run one ISA over n inputs: oracle error (finite inputs) and bits vs ref. */
static void forward_chunk(const struct sg_map_kernel *k, sg_isa isa, const float *x, float *y,
                          const float *ref, size_t n, struct stats *st) {
  sg_map_unary(sg_table_for(isa), k)(n, x, y);
  for (size_t i = 0; i < n; i++) {
    if (ref && f2u(y[i]) != f2u(ref[i])) {
      if (st->mismatches++ < 5)
        fprintf(stderr, "%s: %s(%a) = %a, scalar %a\n", sg_isa_name(isa), k->name, x[i], y[i], ref[i]);
    }
    double e = k->data.definition ? (f2u(y[i]) == f2u(k->data.definition(x[i], 0.0f)) ? 0 : INFINITY)
               : isfinite(x[i])  ? sg_map_error(k, y[i], k->exact(x[i], 0.0), x[i], 0.0)
                                 : 0;
    if (e > st->max_ulp) st->max_ulp = e, st->worst = x[i];
  }
  st->count += n;
}

static void test_forward(const struct sg_map_kernel *k, const sg_isa *isas, int nisa) {
  struct stats st[SG_ISA_COUNT];
  memset(st, 0, sizeof st);
  float *x = xmalloc(CHUNK * sizeof *x), *ref = xmalloc(CHUNK * sizeof *ref),
        *y = xmalloc(CHUNK * sizeof *y);

  /* The strided sweep, digested. */
  int thin = test_emulated();
  uint64_t stride = thin ? THIN_STRIDE : STRIDE, total = (0x100000000ull + stride - 1) / stride;
  size_t chunk = thin ? CHUNK / 16 : CHUNK;
  for (uint64_t start = 0; start < total; start += CHUNK) {
    size_t n = (size_t)(total - start < CHUNK ? total - start : CHUNK);
    for (size_t i = 0; i < n; i++) x[i] = u2f((uint32_t)((start + i) * stride));
    for (int j = 0; j < nisa; j++) {
      forward_chunk(k, isas[j], x, j ? y : ref, j ? ref : NULL, n, &st[j]);
      st[j].digest = digest_floats(start ? st[j].digest : DIGEST_INIT, j ? y : ref, n);
    }
  }
  /* Random inputs where it matters, and the boundaries. */
  uint64_t seed = 42;
  for (int round = 0; round < (thin ? 1 : 4); round++) {
    for (size_t i = 0; i < chunk; i++) x[i] = rng_uniform(&seed, -k->data.random_range, k->data.random_range);
    if (round == 0 && k->data.nboundaries) memcpy(x, k->data.boundaries, k->data.nboundaries * sizeof *x);
    for (int j = 0; j < nisa; j++)
      forward_chunk(k, isas[j], x, j ? y : ref, j ? ref : NULL, chunk, &st[j]);
  }

  for (int j = 0; j < nisa; j++) {
    const char *isa = sg_isa_name(isas[j]);
    printf("%s %-7s %lu inputs: max %.3f ULP at x = %a (%.9g); %lu differ from scalar; digest %016llx\n",
           k->name, isa, st[j].count, st[j].max_ulp, st[j].worst, st[j].worst, st[j].mismatches,
           (unsigned long long)st[j].digest);
    CHECK(st[j].max_ulp <= k->bound, "%s %s: %.3f ULP at %a", k->name, isa, st[j].max_ulp, st[j].worst);
    CHECK(st[j].mismatches == 0, "%s %s differs from scalar in %lu outputs", k->name, isa,
          st[j].mismatches);
    CHECK(thin || st[j].digest == k->data.golden, "%s %s digest %016llx, golden %016llx", k->name, isa,
          (unsigned long long)st[j].digest, (unsigned long long)k->data.golden);
  }
  free(x), free(ref), free(y);
}

/* y anywhere in [0, 1] or [-1, 1] (subnormals, 0, 1 included), or any
 * float for a kernel whose bound holds everywhere, dy of any finite
 * magnitude and sign, plus NaN and infinities for the bit comparison. */
static void make_backward_inputs(uint64_t *seed, float lo, float hi, float *yv, float *dy, size_t n) {
  const uint32_t y_signs = lo < 0 ? 0x80000000u : 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t r = rng_next(seed);
    uint32_t y_bits = isinf(hi) ? (uint32_t)(r >> 16) ^ (uint32_t)r
                                : (uint32_t)(r % 0x3f800001u) | ((uint32_t)(r >> 20) & y_signs);
    uint32_t dy_bits = (uint32_t)(r >> 32);
    if ((dy_bits & 0x7f800000u) == 0x7f800000u) dy_bits &= 0xbfffffffu; /* finite */
    yv[i] = u2f(y_bits);
    dy[i] = u2f(dy_bits);
  }
  static const float specials[] = {0.0f, -0.0f, 1.0f, 0.5f, NAN, INFINITY, -INFINITY, 1e-45f};
  size_t ns = sizeof specials / sizeof *specials;
  for (size_t a = 0; a < ns; a++)
    for (size_t b = 0; b < ns; b++) {
      yv[a * ns + b] = specials[a], dy[a * ns + b] = specials[b] * 3.0f;
      if (y_signs) yv[ns * ns + a * ns + b] = -specials[a], dy[ns * ns + a * ns + b] = specials[b];
    }
}

static void test_backward(const struct sg_map_kernel *k, const sg_isa *isas, int nisa) {
  int thin = test_emulated();
  size_t n = thin ? CHUNK / 16 : CHUNK;
  float *yv = xmalloc(n * sizeof *yv), *dy = xmalloc(n * sizeof *dy), *ref = xmalloc(n * sizeof *ref),
        *dx = xmalloc(n * sizeof *dx);
  struct {
    double max_ulp;
    float wy, wdy;
    unsigned long mismatches, count;
    uint64_t digest;
  } st[SG_ISA_COUNT];
  memset(st, 0, sizeof st);
  uint64_t seed = 7;
  for (int round = 0; round < (thin ? 1 : 17); round++) { /* 17 * 2^20 > 2^24 pairs */
    make_backward_inputs(&seed, k->lo, k->hi, yv, dy, n);
    sg_map_binary(sg_table_for(SG_ISA_SCALAR), k)(n, yv, dy, ref);
    for (int j = 0; j < nisa; j++) {
      sg_map_binary(sg_table_for(isas[j]), k)(n, yv, dy, dx);
      for (size_t i = 0; i < n; i++) {
        if (f2u(dx[i]) != f2u(ref[i]) && st[j].mismatches++ < 5)
          fprintf(stderr, "%s: %s(%a, %a) = %a, scalar %a\n", sg_isa_name(isas[j]), k->name, yv[i], dy[i],
                  dx[i], ref[i]);
        if (!(yv[i] >= k->lo && yv[i] <= k->hi) && !isnan(yv[i])) continue; /* the bound's range */
        double e;
        if (k->data.definition) {
          e = f2u(dx[i]) == f2u(k->data.definition(yv[i], dy[i])) ? 0 : INFINITY;
        } else {
          double exact = k->exact(yv[i], dy[i]);
          if (!isfinite(exact) || fabs(exact) > FLT_MAX) continue;
          e = sg_map_error(k, dx[i], exact, yv[i], dy[i]);
        }
        if (e > st[j].max_ulp) st[j].max_ulp = e, st[j].wy = yv[i], st[j].wdy = dy[i];
      }
      st[j].digest = digest_floats(round ? st[j].digest : DIGEST_INIT, dx, n);
      st[j].count += n;
    }
  }
  for (int j = 0; j < nisa; j++) {
    const char *isa = sg_isa_name(isas[j]);
    printf("%s %-7s %lu inputs: max %.3f ULP at %s = %a, dy = %a; %lu differ from scalar; digest %016llx\n",
           k->name, isa, st[j].count, st[j].max_ulp, isinf(k->hi) ? "x" : "y", st[j].wy, st[j].wdy,
           st[j].mismatches, (unsigned long long)st[j].digest);
    CHECK(st[j].max_ulp <= k->bound, "%s %s: %.3f ULP", k->name, isa, st[j].max_ulp);
    CHECK(st[j].mismatches == 0, "%s %s differs from scalar in %lu outputs", k->name, isa, st[j].mismatches);
    CHECK(thin || st[j].digest == k->data.golden, "%s %s digest %016llx, golden %016llx", k->name, isa,
          (unsigned long long)st[j].digest, (unsigned long long)k->data.golden);
  }
  free(yv), free(dy), free(ref), free(dx);
}

int main(void) {
  sg_isa isas[SG_ISA_COUNT];
  int nisa = supported_isas(isas);
  for (size_t i = 0; i < SG_NMAP_KERNELS; i++) {
    if (sg_map_kernels[i].binary)
      test_backward(&sg_map_kernels[i], isas, nisa);
    else
      test_forward(&sg_map_kernels[i], isas, nisa);
  }
  return check_summary("test_elementwise");
}
