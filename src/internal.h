/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal: the dispatch table and the per-ISA kernel declarations. */
#ifndef SG_INTERNAL_H
#define SG_INTERNAL_H

#include "simdgrad.h"

/* Nothing declared here is part of the shared library's interface. */
#pragma GCC visibility push(hidden)

/* Every dispatched entry, once: X(name, parameter list). Adding a kernel
 * family means one line here, its scalar reference in src/, and one line in
 * each ISA's table.c that implements it. */
#define SG_ENTRIES(X)                                                        \
  X(sigmoid, (size_t n, const float *x, float *y))                           \
  X(sigmoid_backward, (size_t n, const float *y, const float *dy, float *dx))  \
  X(tanh, (size_t n, const float *x, float *y))                              \
  X(tanh_backward, (size_t n, const float *y, const float *dy, float *dx))   \
  X(sigmoid_fast, (size_t n, const float *x, float *y))                      \
  X(tanh_fast, (size_t n, const float *x, float *y))                         \
  X(relu, (size_t n, const float *x, float *y))                              \
  X(relu_backward, (size_t n, const float *x, const float *dy, float *dx))   \
  X(softmax, (size_t rows, size_t cols, const float *x, float *y))           \
  X(log_softmax, (size_t rows, size_t cols, const float *x, float *y))       \
  X(softmax_backward, (size_t rows, size_t cols, const float *y, const float *dy, float *dx)) \
  X(log_softmax_backward, (size_t rows, size_t cols, const float *y, const float *dy, float *dx)) \
  X(softmax_xent, (size_t rows, size_t cols, const float *logits, const uint32_t *labels, \
                   float *probs, float *delta, float *loss))                      \
  X(dense_forward, (size_t batch, size_t in, size_t out, const float *X, const float *W, \
                    const float *bias, float *Y))                                \
  X(dense_backward, (size_t batch, size_t in, size_t out, const float *X, const float *W, \
                     const float *dY, float *dW, float *db, float *dX))          \
  X(outer, (size_t m, size_t n, float alpha, const float *x, const float *y, float *A, size_t lda))

enum {
#define SG_ENUM(name, params) SG_ENTRY_##name,
  SG_ENTRIES(SG_ENUM)
#undef SG_ENUM
  SG_ENTRY_COUNT
};

struct sg_table {
#define SG_FIELD(name, params) void (*name) params;
  SG_ENTRIES(SG_FIELD)
#undef SG_FIELD
  sg_isa isa_of[SG_ENTRY_COUNT]; /* which ISA each entry's kernel belongs to */
};

/* Kernel declarations: sg_<name>_<isa>. A kernel may assume n > 0 (rows > 0
 * and cols > 0; batch, in, out > 0; m, n > 0 and alpha != 0 for outer).
 * softmax_xent stores the loss through its last argument. */
#define SG_DECLARE(name, params)       \
  void sg_##name##_scalar params;      \
  void sg_##name##_avx2 params;        \
  void sg_##name##_avx512 params;      \
  void sg_##name##_neon params;
SG_ENTRIES(SG_DECLARE)
#undef SG_DECLARE

/* Each ISA overrides the entries it implements (simd/<arch>/<isa>/table.c),
 * one SG_USE(t, entry, isa, SG_ISA_...) line each, which also records the ISA. */
#define SG_USE(t, name, isa, ISA) ((t)->name = sg_##name##_##isa, (t)->isa_of[SG_ENTRY_##name] = (ISA))
void sg_table_fill_avx2(struct sg_table *t);
void sg_table_fill_avx512(struct sg_table *t);
void sg_table_fill_neon(struct sg_table *t);

/* Sizes: an array cannot hold more than PTRDIFF_MAX bytes (C's object
 * limit), so a shape whose element count exceeds SG_MAX_FLOATS, or whose
 * product wraps around size_t, is the caller's error. The public entry
 * points refuse it before any kernel forms a pointer from it: they write
 * nothing and set errno to EINVAL. */
#define SG_MAX_FLOATS ((size_t)PTRDIFF_MAX / sizeof(float))
/* 1 if an a x b array of floats can exist; else 0 with errno EINVAL. */
int sg_shape_ok(size_t a, size_t b);

/* The active table, set up once (thread-safe) on first use. */
const struct sg_table *sg_table_active(void);
/* The table of one ISA (NULL if unsupported), for tools that run several ISAs
 * at once from many threads without touching the process-wide choice. */
const struct sg_table *sg_table_for(sg_isa isa);

/* CPU detection (src/cpu.c), read once. */
struct sg_cpu {
  int avx2_fma; /* AVX2 + FMA with YMM state enabled by the OS */
  int avx512;   /* AVX-512 F/VL/DQ/BW with ZMM and opmask state enabled */
  int neon;     /* Advanced SIMD (aarch64) */
  char model[64];
  char features[160];
};
void sg_cpu_detect(struct sg_cpu *cpu);

#pragma GCC visibility pop

#endif
