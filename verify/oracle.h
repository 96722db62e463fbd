/* SPDX-License-Identifier: BSD-3-Clause */
/* What the tests hold each element-wise kernel of the registry
 * (src/kernels.h) against, and the list of those kernels the tests iterate
 * (make check's verify/test_elementwise, make check-exhaustive's
 * verify/exhaustive, the fuzz harness):
 *   sg_exact_<oracle>(x, dy): the exact value in double, the registry's
 *     oracle column (a forward function ignores dy). Each product or quotient
 *     of floats here is exact or within 2^-53 relative, far below the
 *     1/64-ULP resolution of the checks;
 *   SG_TESTDATA_<name>: the kernel's hard inputs (boundaries, added to the
 *     random ones), the range of those random inputs, the digest of its
 *     outputs on test_elementwise's fixed input set (as the scalar
 *     reference computes it: every ISA on every architecture must reproduce
 *     it; it changes only when an algorithm or constant changes on purpose:
 *     then take the new value the test prints, from the scalar line, and say
 *     why in the commit), and for a select (bound 0) its definition in
 *     float, which must hold bit for bit, NaN payloads included. */
#ifndef SG_ORACLE_H
#define SG_ORACLE_H

#include <float.h>
#include <math.h>

#include "check.h"
#include "internal.h"

static inline double sg_exact_sigmoid(double x, double dy) { return (void)dy, 1.0 / (1.0 + exp(-x)); }
static inline double sg_exact_sigmoid_backward(double y, double dy) { return dy * (y * (1.0 - y)); }
static inline double sg_exact_tanh(double x, double dy) { return (void)dy, tanh(x); }
static inline double sg_exact_tanh_backward(double y, double dy) { return dy * ((1.0 - y) * (1.0 + y)); }
static inline double sg_exact_relu(double x, double dy) { return (void)dy, isnan(x) ? x : x > 0 ? x : 0.0; }
static inline double sg_exact_relu_backward(double x, double dy) { return x > 0 ? dy : 0.0; }
static inline double sg_exact_silu(double x, double dy) { return (void)dy, x / (1.0 + exp(-x)); }
static inline double sg_exact_silu_backward(double x, double dy) {
  double s = 1.0 / (1.0 + exp(-x));
  return dy * (s * (1.0 + x * (1.0 - s)));
}
/* silu_backward's bound is in ULPs of max(|dx|, |dy s|) (src/simdgrad.h) */
static inline double sg_floor_silu_backward(double x, double dy) { return fabs(dy / (1.0 + exp(-x))); }
static inline float sg_select_relu(float x, float dy) { return (void)dy, isnan(x) ? x : x > 0 ? x : 0.0f; }
static inline float sg_select_relu_backward(float x, float dy) { return x > 0 ? dy : 0.0f; }

struct sg_testdata {
  const float *boundaries;
  size_t nboundaries;
  float random_range;                     /* random inputs in [-range, range] */
  uint64_t golden;                        /* digest of the fixed set's outputs */
  float (*definition)(float x, float dy); /* selects: their exact bits */
  double (*floor)(double x, double dy);    /* a bound relative to a term, not to the result:
                                              ULPs of max(|exact|, floor) (ulp_error_floor) */
};

/* sigmoid: 0, the smallest and largest floats, where the result's binade or
 * the reduction's n steps, where 1 + e^-x rounds to 1 (16.64, 17.33), where
 * it turns subnormal (-87.34) and where it flushes (-103.97). */
static const float sg_sigmoid_boundaries[] = {
    0.0f, -0.0f, 1e-45f, -1e-45f, 0x1p-126f, -0x1p-126f, 0x1.fffffcp-127f, -0x1.fffffcp-127f,
    FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, 1.0f, -1.0f, 0.5f, -0.5f, 0x1p-24f, -0x1p-24f,
    0x1p-25f, -0x1p-25f, 16.0f, 16.635532f, 17.0f, 17.32868f, 20.0f, -20.0f, -87.33655f,
    -87.33654f, -88.72283f, -88.72284f, -103.27893f, -103.97208f, -104.0f, -110.0f, -110.5f,
    -150.0f, 0.34657359f, -0.34657359f, 0.6931472f, -0.6931472f, 1e30f, -1e30f};

/* tanh: where n = round(-2|x|/ln2) steps (|x| = (k + 1/2) ln2/2), where the
 * result reaches 1 (|x| ~ 9.01) and the clamp of -2|x| (10), tiny and
 * subnormal x (tanh x = x), and the specials. */
static const float sg_tanh_boundaries[] = {
    0.0f, -0.0f, 1e-45f, -1e-45f, 0x1p-126f, -0x1p-126f, 0x1.fffffcp-127f, 0x1p-12f, -0x1p-12f,
    0x1.8p-12f, 0x1p-24f, FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, 1.0f, -1.0f, 0.5f, -0.5f,
    0.17328680f, 0.17328681f, -0.17328680f, 0.51986039f, 0.51986040f, 0.8664340f, 2.0f, 4.0f,
    8.0f, 8.3177662f, 9.0f, 9.0109133f, 9.0109134f, 9.5f, 10.0f, -10.0f, 10.5f, 20.0f, 1e30f,
    -1e30f, 0x1.62e42ep-3f, 0x1.62e430p-3f};

#define SG_BOUNDARIES(b) b, sizeof b / sizeof *b
#define SG_TESTDATA_sigmoid {SG_BOUNDARIES(sg_sigmoid_boundaries), 30.0f, 0x5ba8b470021731beull, NULL, NULL}
#define SG_TESTDATA_sigmoid_backward {NULL, 0, 0.0f, 0x75f9788446ed1e4bull, NULL, NULL}
#define SG_TESTDATA_tanh {SG_BOUNDARIES(sg_tanh_boundaries), 10.0f, 0x30ec228bc67b312eull, NULL, NULL}
#define SG_TESTDATA_tanh_backward {NULL, 0, 0.0f, 0x9d06132cde8e1121ull, NULL, NULL}
#define SG_TESTDATA_sigmoid_fast {SG_BOUNDARIES(sg_sigmoid_boundaries), 30.0f, 0xdc83b31e220ebe68ull, NULL, NULL}
#define SG_TESTDATA_tanh_fast {SG_BOUNDARIES(sg_tanh_boundaries), 10.0f, 0x85477f2682e6f2b6ull, NULL, NULL}
#define SG_TESTDATA_relu {SG_BOUNDARIES(sg_sigmoid_boundaries), 30.0f, 0xb0037acb300427abull, sg_select_relu, NULL}
#define SG_TESTDATA_relu_backward {NULL, 0, 0.0f, 0xabab558fde637d4eull, sg_select_relu_backward, NULL}
/* SiLU: sigmoid's boundaries, and where its derivative changes sign */
static const float sg_silu_boundaries[] = {
    -1.2784645f, -1.2784646f, -1.2784644f, -0.5f, 29.99f, 30.0f, 30.01f, -87.33655f, -100.0f, -109.9f,
    -110.0f, -110.01f, -150.0f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, 0.0f, -0.0f,
    1e-45f, -1e-45f, 0x1p-126f, -0x1p-126f, 16.635532f, 17.32868f, 0.5f, 1.0f, -1.0f, 2.0f, -2.0f};
#define SG_TESTDATA_silu {SG_BOUNDARIES(sg_silu_boundaries), 30.0f, 0x963ac3366c2a7f39ull, NULL, NULL}
#define SG_TESTDATA_silu_backward {NULL, 0, 0.0f, 0x9bb87d4c3b63a0aaull, NULL, sg_floor_silu_backward}

/* The element-wise kernels of the registry, in its order. */
typedef void sg_unary_fn(size_t n, const float *x, float *y);
typedef void sg_binary_fn(size_t n, const float *a, const float *b, float *out);
struct sg_map_kernel {
  const char *name;
  int binary;       /* MAP2: (a, dy) */
  double bound;     /* ULPs; 0: the definition's bits */
  float lo, hi;     /* the first input's range the bound is for */
  double (*exact)(double x, double dy);
  size_t offset;    /* of the kernel in struct sg_table */
  sg_unary_fn *api_unary;   /* the public function: sg_<name> */
  sg_binary_fn *api_binary;
  struct sg_testdata data;
};
#define SG_MAPK_MAP1(name, bound, lo, hi, oracle) \
  {#name, 0, bound, lo, hi, sg_exact_##oracle, offsetof(struct sg_table, name), sg_##name, NULL, SG_TESTDATA_##name},
#define SG_MAPK_MAP2(name, bound, lo, hi, oracle) \
  {#name, 1, bound, lo, hi, sg_exact_##oracle, offsetof(struct sg_table, name), NULL, sg_##name, SG_TESTDATA_##name},
#define SG_MAPK_ROWS1(...)
#define SG_MAPK_ROWS2(...)
#define SG_MAPK_XENT(...)
#define SG_MAPK_DENSE_FORWARD(...)
#define SG_MAPK_DENSE_BACKWARD(...)
#define SG_MAPK_OUTER(...)
#define SG_MAPK(name, shape, bound, lo, hi, oracle, peers) SG_MAPK_##shape(name, bound, lo, hi, oracle)
static const struct sg_map_kernel sg_map_kernels[] = {SG_KERNELS(SG_MAPK)};
#undef SG_MAPK
#define SG_NMAP_KERNELS (sizeof sg_map_kernels / sizeof *sg_map_kernels)

/* Every entry's bound, by its SG_ENTRY_<name> (the row-wise and dense tests
 * read theirs here). */
#define SG_BOUND(name, shape, bound, ...) bound,
static const double sg_bound[SG_ENTRY_COUNT] = {SG_KERNELS(SG_BOUND)};
#undef SG_BOUND

/* The kernel of ISA table t for entry k, unary or binary. */
static inline sg_unary_fn *sg_map_unary(const struct sg_table *t, const struct sg_map_kernel *k) {
  sg_unary_fn *f;
  memcpy(&f, (const char *)t + k->offset, sizeof f);
  return f;
}
static inline sg_binary_fn *sg_map_binary(const struct sg_table *t, const struct sg_map_kernel *k) {
  sg_binary_fn *f;
  memcpy(&f, (const char *)t + k->offset, sizeof f);
  return f;
}

/* The error of out against the exact value, in the kernel's measure: ULPs,
 * or ULPs of max(|exact|, floor) (ulp_error_floor of check.h). */
static inline double sg_map_error(const struct sg_map_kernel *k, float out, double exact, double x, double dy) {
  return k->data.floor ? ulp_error_floor(out, exact, k->data.floor(x, dy)) : ulp_error(out, exact);
}

static inline const struct sg_map_kernel *sg_map_kernel_named(const char *name) {
  for (size_t i = 0; i < SG_NMAP_KERNELS; i++)
    if (strcmp(sg_map_kernels[i].name, name) == 0) return &sg_map_kernels[i];
  return NULL;
}

#endif
