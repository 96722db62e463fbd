/* SPDX-License-Identifier: BSD-3-Clause */
/* Edge cases of the element-wise kernels (every one of the registry:
 * verify/oracle.h) on every supported ISA: every length
 * 0..67 (all tails of every vector width) at every misalignment of input and
 * output, guard zones that must stay untouched, in place, the streaming-store
 * path of large arrays, and the special values src/simdgrad.h states. The
 * ReLU, exact, is also checked against its definition over 17.1 M bit
 * patterns. */
#include <float.h>
#include <unistd.h>

#include <config.h>

#include "check.h"
#include "oracle.h"

#define MAXN 67
#define MAXOFF 16 /* one AVX-512 vector of floats: every misalignment */
#define GUARD 32
#define CANARY 0x7fc0dead /* a NaN payload no kernel produces from these inputs */

static const float mixed[] = {0.0f, -0.0f, 1.5f, -2.25f, 30.0f, -30.0f, 1e-40f, -1e-40f, 88.7f,
                              -88.7f, -100.0f, INFINITY, -INFINITY, NAN, 0.125f, -7.0f, 17.5f};
#define NMIXED (sizeof mixed / sizeof *mixed)

typedef void (*unary_fn)(size_t, const float *, float *);
typedef void (*binary_fn)(size_t, const float *, const float *, float *);

/* y in [0, 1] for the backward kernels, dy anything. */
static float second_input(size_t i) { return (float)((i * 37) % 101) / 100.0f; }

static void check_guards(const float *buf, size_t off, size_t n, const char *what, sg_isa isa) {
  for (size_t i = 0; i < GUARD + off; i++)
    CHECK(f2u(buf[i]) == CANARY, "%s %s n=%zu: wrote before the output", what, sg_isa_name(isa), n);
  for (size_t i = GUARD + off + n; i < GUARD + MAXOFF + MAXN + GUARD; i++)
    CHECK(f2u(buf[i]) == CANARY, "%s %s n=%zu: wrote past the output", what, sg_isa_name(isa), n);
}

static void fill_canary(float *buf, size_t len) {
  for (size_t i = 0; i < len; i++) buf[i] = u2f(CANARY);
}

/* One kernel, one ISA: every n and both offsets against the scalar reference.
 * A binary kernel's first input is y in [0, 1] (the sigmoid's backward) unless
 * mixed_first says it takes any x (the ReLU's). */
static void tails(sg_isa isa, const char *what, unary_fn f1, binary_fn f2, int mixed_first) {
  enum { LEN = GUARD + MAXOFF + MAXN + GUARD };
  float a[LEN], b[LEN], out[LEN], ref[MAXN], inplace[MAXN];
  for (size_t n = 0; n <= MAXN; n++) {
    for (size_t ia = 0; ia < MAXOFF; ia += (n < 20 ? 1 : 5)) {
      for (size_t io = 0; io < MAXOFF; io += (n < 20 ? 1 : 3)) {
        float *pa = a + GUARD + ia, *pb = b + GUARD + ia, *po = out + GUARD + io;
        for (size_t i = 0; i < n; i++)
          pa[i] = f2 && !mixed_first ? second_input(i + ia) : mixed[(i + ia) % NMIXED], pb[i] = mixed[(i + io) % NMIXED];
        fill_canary(out, LEN);
        sg_set_isa(SG_ISA_SCALAR);
        if (f1) f1(n, pa, ref); else f2(n, pa, pb, ref);
        sg_set_isa(isa);
        if (f1) f1(n, pa, po); else f2(n, pa, pb, po);
        for (size_t i = 0; i < n; i++)
          CHECK(f2u(po[i]) == f2u(ref[i]), "%s %s n=%zu off=%zu/%zu i=%zu: %a vs scalar %a", what,
                sg_isa_name(isa), n, ia, io, i, po[i], ref[i]);
        check_guards(out, io, n, what, isa);
        /* In place: the output overwrites the (first) input. */
        memcpy(inplace, pa, n * sizeof *pa);
        if (f1) f1(n, inplace, inplace); else f2(n, inplace, pb, inplace);
        for (size_t i = 0; i < n; i++)
          CHECK(f2u(inplace[i]) == f2u(ref[i]), "%s %s in place n=%zu i=%zu", what,
                sg_isa_name(isa), n, i);
      }
    }
  }
}

/* Arrays flush against an inaccessible page, before and after: a kernel that
 * reads or writes even one float outside [0, n) crashes the test. */
static void fences(sg_isa isa) {
  if (!fences_wanted()) return;
  size_t page = (size_t)sysconf(_SC_PAGESIZE), per_page = page / sizeof(float);
  float *a = fenced_page(page), *b = fenced_page(page), *out = fenced_page(page);
  for (size_t i = 0; i < per_page; i++) a[i] = mixed[i % NMIXED], b[i] = second_input(i);
  sg_set_isa(isa);
  for (size_t n = 1; n <= MAXN; n++) {
    size_t end = per_page - n; /* the last element touches the upper fence */
    for (size_t k = 0; k < SG_NMAP_KERNELS; k++) {
      const struct sg_map_kernel *e = &sg_map_kernels[k];
      if (e->binary) {
        e->api_binary(n, b + end, a + end, out + end);
        e->api_binary(n, b, a, out);
      } else {
        e->api_unary(n, a + end, out + end);
        e->api_unary(n, a, out);
      }
    }
  }
}

/* Arrays big enough for the streaming-store path, at an odd offset, and in place. */
static void large(sg_isa isa, const char *what, unary_fn f) {
  size_t n = (size_t)3 << 20; /* 12 MiB of output */
  float *x = xmalloc((n + 1) * sizeof *x), *y = xmalloc((n + 1) * sizeof *y),
        *ref = xmalloc(n * sizeof *ref);
  uint64_t seed = 3;
  for (size_t i = 0; i < n + 1; i++) x[i] = rng_uniform(&seed, -40.0f, 40.0f);
  sg_set_isa(SG_ISA_SCALAR);
  f(n, x + 1, ref);
  sg_set_isa(isa);
  y[0] = u2f(CANARY);
  f(n, x + 1, y + 1);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += f2u(y[i + 1]) != f2u(ref[i]);
  CHECK(bad == 0 && f2u(y[0]) == CANARY, "%s %s large out of place: %zu differ", what,
        sg_isa_name(isa), bad);
  f(n, x + 1, x + 1);
  bad = 0;
  for (size_t i = 0; i < n; i++) bad += f2u(x[i + 1]) != f2u(ref[i]);
  CHECK(bad == 0, "%s %s large in place: %zu differ", what, sg_isa_name(isa), bad);
  free(x), free(y), free(ref);
}

/* One element through a kernel. */
static float apply1(unary_fn f, float x) {
  float y;
  f(1, &x, &y);
  return y;
}
static float apply2(binary_fn f, float a, float b) {
  float y;
  f(1, &a, &b, &y);
  return y;
}
#define sig1(x) apply1(sg_sigmoid, x)
#define dsig1(y, dy) apply2(sg_sigmoid_backward, y, dy)
#define dtanh1(y, dy) apply2(sg_tanh_backward, y, dy)

/* What both tiers of tanh promise (src/simdgrad.h); below < 1 <= at: where
 * the result reaches 1. */
static void tanh_forward_specials(const char *s, const char *name, unary_fn f, float below, float at) {
  CHECK(apply1(f, INFINITY) == 1.0f && apply1(f, -INFINITY) == -1.0f, "%s %s(+-inf)", s, name);
  CHECK(apply1(f, FLT_MAX) == 1.0f && apply1(f, -FLT_MAX) == -1.0f, "%s %s(+-FLT_MAX)", s, name);
  CHECK(f2u(apply1(f, u2f(0x7fa00001))) == 0x7fe00001 && f2u(apply1(f, u2f(0xffa00001))) == 0xffe00001,
        "%s %s(sNaN) = %08x, want the quieted payload", s, name, f2u(apply1(f, u2f(0x7fa00001))));
  CHECK(f2u(apply1(f, 0.0f)) == 0 && f2u(apply1(f, -0.0f)) == 0x80000000u, "%s %s(+-0) keeps the sign", s, name);
  /* tanh x = x - x^3/3 rounds to x for |x| < 2^-12: subnormals are kept, not flushed. */
  CHECK(apply1(f, 1e-45f) == 1e-45f && apply1(f, -1e-45f) == -1e-45f, "%s %s(+-subnormal)", s, name);
  CHECK(apply1(f, 0x1p-20f) == 0x1p-20f && apply1(f, -0x1.234p-13f) == -0x1.234p-13f, "%s %s(tiny) != x", s, name);
  CHECK(apply1(f, at) == 1.0f && apply1(f, below) < 1.0f && apply1(f, -below) > -1.0f,
        "%s %s reaches 1 at the wrong place", s, name);
  /* Odd: the sign is copied, never recomputed. */
  uint64_t seed = 11;
  int odd = 1;
  for (int i = 0; i < 1000; i++) {
    float x = rng_uniform(&seed, 0.0f, 12.0f);
    odd &= f2u(apply1(f, -x)) == (f2u(apply1(f, x)) ^ 0x80000000u);
  }
  CHECK(odd, "%s %s(-x) != -%s(x)", s, name, name);
}

static void tanh_specials(sg_isa isa) {
  const char *s = sg_isa_name(isa);
  sg_set_isa(isa);
  /* 1 - tanh x = 2e^-2x / (1 + e^-2x) falls below half an ULP of 1 at x =
   * 9.01; the fast tier's rounded e^-2x +- 1 lose it from 8.49 (0.7 ULP). */
  tanh_forward_specials(s, "tanh", sg_tanh, 8.8f, 9.2f);
  tanh_forward_specials(s, "tanh_fast", sg_tanh_fast, 8.45f, 8.55f);

  CHECK(dtanh1(0.0f, 1.0f) == 1.0f && dtanh1(-0.0f, -3.0f) == -3.0f, "%s tanh'(0) != 1", s);
  CHECK(dtanh1(1.0f, 5.0f) == 0.0f && dtanh1(-1.0f, 5.0f) == 0.0f, "%s tanh' at saturation", s);
  CHECK(dtanh1(0.5f, 2.0f) == 1.5f && dtanh1(-0.5f, -2.0f) == -1.5f, "%s dy*(1-y*y) sign/scale", s);
  CHECK(isnan(dtanh1(NAN, 1.0f)) && isnan(dtanh1(0.5f, NAN)), "%s tanh_backward NaN", s);
  /* y = 1 - 2^-23: 1 - y^2 = 2^-22 - 2^-46 exactly, from the exact y^2 of an FMA;
   * a rounded y^2 (1 - 2^-22) would give 2^-22. */
  CHECK(dtanh1(0x1.fffffcp-1f, 1.0f) == 0x1.fffffep-23f, "%s tanh' near 1 loses the low part: %a", s,
        dtanh1(0x1.fffffcp-1f, 1.0f));
}

/* What both tiers of the sigmoid promise; tiny_ulp: the bound in the
 * subnormal range (the result is e^x rounded once, then divided by 1). */
static void sigmoid_forward_specials(const char *s, const char *name, unary_fn f, double tiny_ulp) {
  CHECK(apply1(f, INFINITY) == 1.0f, "%s %s(+inf) = %a", s, name, apply1(f, INFINITY));
  CHECK(f2u(apply1(f, -INFINITY)) == 0, "%s %s(-inf) = %a, want +0", s, name, apply1(f, -INFINITY));
  CHECK(isnan(apply1(f, NAN)) && isnan(apply1(f, -NAN)), "%s %s(NaN) not NaN", s, name);
  CHECK(f2u(apply1(f, u2f(0x7fa00001))) == 0x7fe00001 && f2u(apply1(f, u2f(0xffa00001))) == 0xffe00001,
        "%s %s(sNaN) = %08x, want the quieted payload", s, name, f2u(apply1(f, u2f(0x7fa00001))));
  CHECK(apply1(f, 0.0f) == 0.5f && apply1(f, -0.0f) == 0.5f, "%s %s(+-0) != 1/2", s, name);
  CHECK(apply1(f, 1e-45f) == 0.5f && apply1(f, -1e-45f) == 0.5f, "%s %s(+-subnormal) != 1/2", s, name);
  CHECK(apply1(f, FLT_MAX) == 1.0f && f2u(apply1(f, -FLT_MAX)) == 0, "%s %s(+-FLT_MAX)", s, name);
  /* Subnormal results are rounded, not flushed: sigmoid(-100) = e^-100 / (1 + e^-100). */
  float y = apply1(f, -100.0f);
  CHECK(y > 0 && y < FLT_MIN && ulp_error(y, exp(-100.0)) <= tiny_ulp, "%s %s(-100) = %a", s, name, y);
  CHECK(apply1(f, -103.0f) > 0 && f2u(apply1(f, -104.0f)) == 0, "%s %s at the underflow edge", s, name);
}

static void specials(sg_isa isa) {
  const char *s = sg_isa_name(isa);
  sg_set_isa(isa);
  sigmoid_forward_specials(s, "sigmoid", sg_sigmoid, 0.5);
  sigmoid_forward_specials(s, "sigmoid_fast", sg_sigmoid_fast, 1.0);
  /* 1 - e^-x rounds up to 1 once e^-x < 2^-25, at x > 17.33; the fast tier
   * rounds 1 + e^-x to 1 first, from x = 16.64 (within 1 ULP of the truth). */
  CHECK(sig1(17.5f) == 1.0f && sig1(17.25f) < 1.0f, "%s sigmoid rounds to 1 at the wrong place", s);
  CHECK(apply1(sg_sigmoid_fast, 16.7f) == 1.0f && apply1(sg_sigmoid_fast, 16.6f) < 1.0f,
        "%s sigmoid_fast rounds to 1 at the wrong place", s);

  CHECK(dsig1(0.5f, 1.0f) == 0.25f, "%s sigmoid'(0) != 1/4", s);
  CHECK(dsig1(0.0f, 1.0f) == 0.0f && dsig1(1.0f, 1.0f) == 0.0f, "%s sigmoid' at saturation", s);
  CHECK(dsig1(0.25f, -2.0f) == -0.375f, "%s dy*y*(1-y) sign/scale", s);
  CHECK(isnan(dsig1(NAN, 1.0f)) && isnan(dsig1(0.5f, NAN)), "%s sigmoid_backward NaN", s);
  CHECK(dsig1(1e-45f, 1.0f) == 1e-45f, "%s sigmoid_backward flushes a subnormal y", s);
  /* Outside the sigmoid's range y(1 - y) is -inf at y = +-inf (as 1 - y^2 is
   * for tanh_backward), not the inf - inf of y - y*y; 0 * inf stays NaN. */
  CHECK(dsig1(INFINITY, 1.0f) == -INFINITY && dsig1(-INFINITY, 1.0f) == -INFINITY &&
            dsig1(INFINITY, -2.0f) == INFINITY,
        "%s sigmoid'(+-inf) = %a, %a, want -inf", s, dsig1(INFINITY, 1.0f), dsig1(-INFINITY, 1.0f));
  CHECK(f2u(dsig1(INFINITY, 0.0f)) == 0x7fc00000u, "%s sigmoid'(inf) * 0 = %08x", s,
        f2u(dsig1(INFINITY, 0.0f)));
  CHECK(dtanh1(INFINITY, 1.0f) == -INFINITY && dtanh1(-INFINITY, 1.0f) == -INFINITY,
        "%s tanh'(+-inf) != -inf", s);
}

/* The ReLU is exact, so its definition is the oracle: every 251st bit pattern
 * (17.1 M, every class of float; emulated, every 16381st) and the boundary
 * patterns through both kernels, dy a second pattern. */
static void relu_sweep(sg_isa isa) {
  enum { CHUNK = 1 << 16 };
  static const uint32_t edge[] = {0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
                                  0x00800000, 0x80800000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff,
                                  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00001, 0xffa00001};
  static float x[CHUNK], dy[CHUNK], y[CHUNK], dx[CHUNK];
  size_t bad = 0;
  sg_set_isa(isa);
  const uint64_t stride = test_emulated() ? 16381 : 251;
  for (uint64_t u0 = 0; u0 < ((uint64_t)1 << 32); u0 += (uint64_t)(CHUNK - 32) * stride) {
    size_t n = 0;
    if (u0 == 0)
      for (size_t k = 0; k < sizeof edge / sizeof *edge; k++, n++) x[n] = u2f(edge[k]), dy[n] = u2f(edge[k] ^ 0x40000000u);
    for (uint64_t u = u0; u < u0 + (uint64_t)(CHUNK - 32) * stride && u < ((uint64_t)1 << 32); u += stride, n++)
      x[n] = u2f((uint32_t)u), dy[n] = u2f((uint32_t)(u * 2654435761u));
    sg_relu(n, x, y);
    sg_relu_backward(n, x, dy, dx);
    for (size_t i = 0; i < n; i++) {
      uint32_t want = x[i] > 0.0f || isnan(x[i]) ? f2u(x[i]) : 0u;
      uint32_t dwant = x[i] > 0.0f ? f2u(dy[i]) : 0u;
      if (f2u(y[i]) != want || f2u(dx[i]) != dwant) {
        if (bad++ < 5)
          fprintf(stderr, "%s relu(%08x) = %08x (want %08x), relu' dy %08x -> %08x (want %08x)\n", sg_isa_name(isa),
                  f2u(x[i]), f2u(y[i]), want, f2u(dy[i]), f2u(dx[i]), dwant);
      }
    }
  }
  CHECK(bad == 0, "%s relu sweep: %zu wrong outputs", sg_isa_name(isa), bad);
}

int main(void) {
  sg_isa isas[SG_ISA_COUNT];
  int k = supported_isas(isas);
  for (int j = 0; j < k; j++) {
    for (size_t i = 0; i < SG_NMAP_KERNELS; i++) {
      const struct sg_map_kernel *e = &sg_map_kernels[i];
      tails(isas[j], e->name, e->api_unary, e->api_binary, isinf(e->hi)); /* any first input: mixed */
      if (!e->binary && !e->data.definition) large(isas[j], e->name, e->api_unary);
    }
    relu_sweep(isas[j]);
    fences(isas[j]);
    specials(isas[j]);
    tanh_specials(isas[j]);
    printf("edges %-7s done\n", sg_isa_name(isas[j]));
  }
  return check_summary("test_edges");
}
