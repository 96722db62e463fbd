/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal: the dispatch table and the per-ISA kernel declarations. */
#ifndef SG_INTERNAL_H
#define SG_INTERNAL_H

#include "kernels.h"
#include "simdgrad.h"

/* Nothing declared here is part of the shared library's interface. */
#pragma GCC visibility push(hidden)

/* The dispatch table: one member per kernel of the registry, in its order. */
enum {
#define SG_ENUM(name, ...) SG_ENTRY_##name,
  SG_KERNELS(SG_ENUM)
#undef SG_ENUM
  SG_ENTRY_COUNT
};

struct sg_table {
#define SG_FIELD(name, shape, ...) void (*name) SG_SHAPE_##shape;
  SG_KERNELS(SG_FIELD)
#undef SG_FIELD
  sg_isa isa_of[SG_ENTRY_COUNT]; /* which ISA each entry's kernel belongs to */
};

/* Kernel declarations: sg_<name>_<isa>. A kernel may assume n > 0 (rows > 0
 * and cols > 0; batch, in, out > 0; m, n > 0 and alpha != 0 for outer). */
#define SG_DECLARE(name, shape, ...)       \
  void sg_##name##_scalar SG_SHAPE_##shape; \
  void sg_##name##_avx2 SG_SHAPE_##shape;   \
  void sg_##name##_avx512 SG_SHAPE_##shape; \
  void sg_##name##_neon SG_SHAPE_##shape;
SG_KERNELS(SG_DECLARE)
#undef SG_DECLARE

/* ISA isa's kernel for an entry, with isa a macro (SG_ISA_TOKEN, below). */
#define SG_PASTE3(a, b, c) SG_PASTE3_(a, b, c)
#define SG_PASTE3_(a, b, c) a##b##c
#define SG_KERNEL_OF(name, isa) SG_PASTE3(sg_##name, _, isa)

/* An ISA's table, in the file of its ISA that defines SG_ISA_TOKEN (avx2)
 * and SG_ISA_ENUM (SG_ISA_AVX2) and includes simd/common/elementwise.h:
 * every entry of the registry set to that ISA's kernel. src/dispatch.c
 * starts it as a copy of the next narrower ISA's table. */
#define SG_FILL_ENTRY(name, ...) \
  t->name = SG_KERNEL_OF(name, SG_ISA_TOKEN), t->isa_of[SG_ENTRY_##name] = SG_ISA_ENUM;
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

/* Threads (src/threads.c). sg_parallel runs task(ctx, i) for i in [0,
 * tasks) on the pool and returns when all are done (on the calling thread
 * alone with one thread or one task); tasks must write disjoint outputs.
 * sg_split: into how many tasks to cut work units of which each task should
 * get at least min_per_task (1: not worth splitting, or one thread). */
#define SG_MAX_THREADS 1024
typedef void sg_task(void *ctx, size_t i);
void sg_parallel(size_t tasks, sg_task *task, void *ctx);
size_t sg_split(size_t work, size_t min_per_task);

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
