/* SPDX-License-Identifier: BSD-3-Clause */
/* The element-wise kernels with their derivatives (sigmoid, tanh), and their
 * fast tier (sigmoid_fast, tanh_fast: forward only), against a double-precision oracle, and every supported ISA against the scalar
 * reference bit for bit.
 *
 * Inputs (about 2^24.3 per kernel): every 251st of the 2^32 bit patterns (so
 * every class: zeros, subnormals, normals, infinities, NaNs of both signs),
 * 2^22 random floats over the range where the rounding is busiest, and a list
 * of boundaries. The output digest of the strided set is compared with the one
 * in verify/golden.h, so an aarch64 build under qemu proves the same bits as
 * x86. The full 2^32 sweep is `make check-exhaustive` (verify/exhaustive.c). */
#include <float.h>

#include <config.h>

#include "check.h"
#include "golden.h"

#define STRIDE 251u
#define CHUNK (1u << 20)
/* Thinned (test_emulated): every 16381st pattern, a sixteenth of the random
 * inputs, no digest (it is of the whole strided set). */
#define THIN_STRIDE 16381u

static double sigmoid_oracle(float x) { return 1.0 / (1.0 + exp(-(double)x)); }
static double sigmoid_backward_oracle(float y, float dy) { return (double)dy * y * (1.0 - y); }
static double tanh_oracle(float x) { return tanh((double)x); }
static double tanh_backward_oracle(float y, float dy) { return (double)dy * (1.0 - (double)y * y); }

static const float sigmoid_boundaries[] = {
    0.0f, -0.0f, 1e-45f, -1e-45f, 0x1p-126f, -0x1p-126f, 0x1.fffffcp-127f, -0x1.fffffcp-127f,
    FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, 1.0f, -1.0f, 0.5f, -0.5f, 0x1p-24f, -0x1p-24f,
    0x1p-25f, -0x1p-25f, 16.0f, 16.635532f, 17.0f, 17.32868f, 20.0f, -20.0f, -87.33655f,
    -87.33654f, -88.72283f, -88.72284f, -103.27893f, -103.97208f, -104.0f, -110.0f, -110.5f,
    -150.0f, 0.34657359f, -0.34657359f, 0.6931472f, -0.6931472f, 1e30f, -1e30f};

/* tanh: where n = round(-2|x|/ln2) steps (|x| = (k + 1/2) ln2/2), where the
 * result reaches 1 (|x| ~ 9.01) and the clamp of -2|x| (10), tiny and
 * subnormal x (tanh x = x), and the specials. */
static const float tanh_boundaries[] = {
    0.0f, -0.0f, 1e-45f, -1e-45f, 0x1p-126f, -0x1p-126f, 0x1.fffffcp-127f, 0x1p-12f, -0x1p-12f,
    0x1.8p-12f, 0x1p-24f, FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, 1.0f, -1.0f, 0.5f, -0.5f,
    0.17328680f, 0.17328681f, -0.17328680f, 0.51986039f, 0.51986040f, 0.8664340f, 2.0f, 4.0f,
    8.0f, 8.3177662f, 9.0f, 9.0109133f, 9.0109134f, 9.5f, 10.0f, -10.0f, 10.5f, 20.0f, 1e30f,
    -1e30f, 0x1.62e42ep-3f, 0x1.62e430p-3f};

struct elementwise {
  const char *name;
  void (*forward)(size_t n, const float *x, float *y);
  void (*backward)(size_t n, const float *y, const float *dy, float *dx);
  double (*oracle)(float x);
  double (*backward_oracle)(float y, float dy);
  double max_ulp, backward_max_ulp; /* the promises (README); measured: see there */
  uint64_t golden, backward_golden;
  const float *boundaries;
  size_t nboundaries;
  float random_range;     /* random inputs in [-random_range, random_range] */
  uint32_t y_signs;       /* backward y: 0 for [0, 1], 0x80000000 for [-1, 1] */
};

static const struct elementwise kernels[] = {
    {"sigmoid", sg_sigmoid, sg_sigmoid_backward, sigmoid_oracle, sigmoid_backward_oracle, 1.5, 1.5,
     GOLDEN_SIGMOID_DIGEST, GOLDEN_SIGMOID_BACKWARD_DIGEST, sigmoid_boundaries,
     sizeof sigmoid_boundaries / sizeof *sigmoid_boundaries, 30.0f, 0},
    {"tanh", sg_tanh, sg_tanh_backward, tanh_oracle, tanh_backward_oracle, 1.0, 1.5,
     GOLDEN_TANH_DIGEST, GOLDEN_TANH_BACKWARD_DIGEST, tanh_boundaries,
     sizeof tanh_boundaries / sizeof *tanh_boundaries, 10.0f, 0x80000000u},
    {"sigmoid_fast", sg_sigmoid_fast, NULL, sigmoid_oracle, NULL, 2.5, 0, GOLDEN_SIGMOID_FAST_DIGEST, 0,
     sigmoid_boundaries, sizeof sigmoid_boundaries / sizeof *sigmoid_boundaries, 30.0f, 0},
    {"tanh_fast", sg_tanh_fast, NULL, tanh_oracle, NULL, 2.0, 0, GOLDEN_TANH_FAST_DIGEST, 0, tanh_boundaries,
     sizeof tanh_boundaries / sizeof *tanh_boundaries, 10.0f, 0},
};

struct stats {
  double max_ulp;
  float worst;
  uint64_t digest;
  unsigned long mismatches, count;
};

/* Run one ISA over n inputs: oracle error (finite inputs) and bits vs ref. */
static void forward_chunk(const struct elementwise *k, sg_isa isa, const float *x, float *y,
                          const float *ref, size_t n, struct stats *st) {
  sg_set_isa(isa);
  k->forward(n, x, y);
  for (size_t i = 0; i < n; i++) {
    if (ref && f2u(y[i]) != f2u(ref[i])) {
      if (st->mismatches++ < 5)
        fprintf(stderr, "%s: %s(%a) = %a, scalar %a\n", sg_isa_name(isa), k->name, x[i], y[i], ref[i]);
    }
    if (isfinite(x[i])) {
      double e = ulp_error(y[i], k->oracle(x[i]));
      if (e > st->max_ulp) st->max_ulp = e, st->worst = x[i];
    }
  }
  st->count += n;
}

static void test_forward(const struct elementwise *k, const sg_isa *isas, int nisa) {
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
    for (size_t i = 0; i < chunk; i++) x[i] = rng_uniform(&seed, -k->random_range, k->random_range);
    if (round == 0) memcpy(x, k->boundaries, k->nboundaries * sizeof *x);
    for (int j = 0; j < nisa; j++)
      forward_chunk(k, isas[j], x, j ? y : ref, j ? ref : NULL, chunk, &st[j]);
  }

  for (int j = 0; j < nisa; j++) {
    const char *isa = sg_isa_name(isas[j]);
    printf("%s %-7s %lu inputs: max %.3f ULP at x = %a (%.9g); %lu differ from scalar; digest %016llx\n",
           k->name, isa, st[j].count, st[j].max_ulp, st[j].worst, st[j].worst, st[j].mismatches,
           (unsigned long long)st[j].digest);
    CHECK(st[j].max_ulp <= k->max_ulp, "%s %s: %.3f ULP at %a", k->name, isa, st[j].max_ulp, st[j].worst);
    CHECK(st[j].mismatches == 0, "%s %s differs from scalar in %lu outputs", k->name, isa,
          st[j].mismatches);
    CHECK(thin || st[j].digest == k->golden, "%s %s digest %016llx, golden %016llx", k->name, isa,
          (unsigned long long)st[j].digest, (unsigned long long)k->golden);
  }
  free(x), free(ref), free(y);
}

/* y anywhere in [0, 1] (or [-1, 1]: subnormals, 0, 1 included), dy of any
 * finite magnitude and sign, plus NaN and infinities for the bit comparison. */
static void make_backward_inputs(uint64_t *seed, uint32_t y_signs, float *yv, float *dy, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t r = rng_next(seed);
    uint32_t y_bits = (uint32_t)(r % 0x3f800001u) | ((uint32_t)(r >> 20) & y_signs);
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

static void test_backward(const struct elementwise *k, const sg_isa *isas, int nisa) {
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
    make_backward_inputs(&seed, k->y_signs, yv, dy, n);
    sg_set_isa(SG_ISA_SCALAR);
    k->backward(n, yv, dy, ref);
    for (int j = 0; j < nisa; j++) {
      sg_set_isa(isas[j]);
      k->backward(n, yv, dy, dx);
      for (size_t i = 0; i < n; i++) {
        if (f2u(dx[i]) != f2u(ref[i]) && st[j].mismatches++ < 5)
          fprintf(stderr, "%s: %s_backward(%a, %a) = %a, scalar %a\n", sg_isa_name(isas[j]),
                  k->name, yv[i], dy[i], dx[i], ref[i]);
        double exact = k->backward_oracle(yv[i], dy[i]);
        if (!isfinite(exact) || fabs(exact) > FLT_MAX) continue;
        double e = ulp_error(dx[i], exact);
        if (e > st[j].max_ulp) st[j].max_ulp = e, st[j].wy = yv[i], st[j].wdy = dy[i];
      }
      st[j].digest = digest_floats(round ? st[j].digest : DIGEST_INIT, dx, n);
      st[j].count += n;
    }
  }
  for (int j = 0; j < nisa; j++) {
    const char *isa = sg_isa_name(isas[j]);
    printf("%s_backward %-7s %lu inputs: max %.3f ULP at y = %a, dy = %a; %lu differ from scalar; digest %016llx\n",
           k->name, isa, st[j].count, st[j].max_ulp, st[j].wy, st[j].wdy, st[j].mismatches,
           (unsigned long long)st[j].digest);
    CHECK(st[j].max_ulp <= k->backward_max_ulp, "%s_backward %s: %.3f ULP", k->name, isa, st[j].max_ulp);
    CHECK(st[j].mismatches == 0, "%s_backward %s differs from scalar in %lu outputs", k->name, isa,
          st[j].mismatches);
    CHECK(thin || st[j].digest == k->backward_golden, "%s_backward %s digest %016llx, golden %016llx",
          k->name, isa, (unsigned long long)st[j].digest, (unsigned long long)k->backward_golden);
  }
  free(yv), free(dy), free(ref), free(dx);
}

int main(void) {
  sg_isa isas[SG_ISA_COUNT];
  int nisa = supported_isas(isas);
  for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
    test_forward(&kernels[i], isas, nisa);
    if (kernels[i].backward) test_backward(&kernels[i], isas, nisa);
  }
  return check_summary("test_elementwise");
}
