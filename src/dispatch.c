/* SPDX-License-Identifier: BSD-3-Clause */
/* The dispatch table: CPU read once, one table per ISA built once, the active
 * one published through an atomic pointer so calls after set-up cost one
 * acquire load and an indirect call. */
#include <config.h>

#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scalar_math.h"

/* The ISAs as data, in enum order: name, whether this build has it (its
 * configure switch) and this CPU runs it, how its table is filled, and the
 * ISA its table starts from (the next narrower one of its architecture:
 * an entry it does not fill keeps that one's kernel, as zlib-ng's function
 * table builds up from the generic code). The widest supported ISA, the
 * last supported one in this list, is the default. */
struct isa_desc {
  const char *name;
  int (*runs)(const struct sg_cpu *cpu); /* NULL: built without it */
  void (*fill_table)(struct sg_table *t);
  sg_isa base;
};
static int runs_always(const struct sg_cpu *c) { return (void)c, 1; }
#if SG_HAVE_AVX2
static int runs_avx2(const struct sg_cpu *c) { return c->avx2_fma; }
#else
#define runs_avx2 NULL
#define sg_table_fill_avx2 NULL
#endif
#if SG_HAVE_AVX512
static int runs_avx512(const struct sg_cpu *c) { return c->avx512; }
#else
#define runs_avx512 NULL
#define sg_table_fill_avx512 NULL
#endif
#if SG_HAVE_NEON
static int runs_neon(const struct sg_cpu *c) { return c->neon; }
#else
#define runs_neon NULL
#define sg_table_fill_neon NULL
#endif
static void fill_scalar(struct sg_table *t);
static const struct isa_desc isas[SG_ISA_COUNT] = {
    [SG_ISA_SCALAR] = {"scalar", runs_always, fill_scalar, SG_ISA_SCALAR},
    [SG_ISA_AVX2] = {"avx2", runs_avx2, sg_table_fill_avx2, SG_ISA_SCALAR},
    [SG_ISA_AVX512] = {"avx512", runs_avx512, sg_table_fill_avx512, SG_ISA_AVX2},
    [SG_ISA_NEON] = {"neon", runs_neon, sg_table_fill_neon, SG_ISA_SCALAR},
};

static const char *const entry_names[SG_ENTRY_COUNT] = {
#define SG_NAME(name, ...) #name,
    SG_KERNELS(SG_NAME)
#undef SG_NAME
};

static struct sg_cpu cpu;
static int supported[SG_ISA_COUNT];
static struct sg_table tables[SG_ISA_COUNT];
static _Atomic(const struct sg_table *) active;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill_scalar(struct sg_table *t) {
#define SG_SCALAR(name, ...) t->name = sg_##name##_scalar, t->isa_of[SG_ENTRY_##name] = SG_ISA_SCALAR;
  SG_KERNELS(SG_SCALAR)
#undef SG_SCALAR
}

static sg_isa isa_from_name(const char *name) {
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (strcmp(name, isas[i].name) == 0) return (sg_isa)i;
  return SG_ISA_COUNT;
}

static sg_env_isa env_status = SG_ENV_ISA_UNSET;

/* A bad SIMDGRAD_ISA is the user's mistake, but a library must not end the
 * program that loaded it: one line on stderr, and the table is chosen as if
 * the variable were unset. The program can ask sg_env_isa_status(). */
static void warn_bad_env(const char *value, const char *why) {
  fprintf(stderr, "simdgrad: SIMDGRAD_ISA=%s: %s (valid:", value, why);
  for (int i = 0; i < SG_ISA_COUNT; i++) fprintf(stderr, " %s", isas[i].name);
  fprintf(stderr, "; this machine runs:");
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (supported[i]) fprintf(stderr, " %s", isas[i].name);
  fprintf(stderr, "); ignored\n");
}

static void init(void) {
  sg_cpu_detect(&cpu);
  sg_isa choice = SG_ISA_SCALAR;
  /* A base comes before the ISAs built on it (the enum's order). A table's
   * fill is compiled with its ISA's flags, and the compiler may use that ISA
   * even for its plain stores: only ISAs this CPU runs are filled. */
  for (int i = 0; i < SG_ISA_COUNT; i++) {
    supported[i] = isas[i].runs && isas[i].runs(&cpu);
    if (!supported[i]) continue;
    if (i != SG_ISA_SCALAR) tables[i] = tables[isas[i].base];
    isas[i].fill_table(&tables[i]);
    choice = (sg_isa)i;
  }

  const char *forced = getenv("SIMDGRAD_ISA"); /* empty counts as unset */
  if (forced && *forced) {
    sg_isa want = isa_from_name(forced);
    if (want == SG_ISA_COUNT) {
      env_status = SG_ENV_ISA_UNKNOWN;
      warn_bad_env(forced, "unknown ISA");
    } else if (!supported[want]) {
      env_status = SG_ENV_ISA_UNSUPPORTED;
      warn_bad_env(forced, "not supported by this CPU or build");
    } else {
      env_status = SG_ENV_ISA_APPLIED;
      choice = want;
    }
  }
  atomic_store_explicit(&active, &tables[choice], memory_order_release);
}

const struct sg_table *sg_table_active(void) {
  const struct sg_table *t = atomic_load_explicit(&active, memory_order_acquire);
  if (t) return t;
  pthread_once(&once, init);
  return atomic_load_explicit(&active, memory_order_acquire);
}

const struct sg_table *sg_table_for(sg_isa isa) {
  return sg_isa_supported(isa) ? &tables[isa] : NULL;
}

sg_isa sg_active_isa(void) { return (sg_isa)(sg_table_active() - tables); }

const char *sg_isa_name(sg_isa isa) {
  return (unsigned)isa < SG_ISA_COUNT ? isas[isa].name : NULL;
}

int sg_isa_supported(sg_isa isa) {
  sg_table_active();
  return (unsigned)isa < SG_ISA_COUNT && supported[isa];
}

int sg_set_isa(sg_isa isa) {
  if (!sg_isa_supported(isa)) return -1;
  atomic_store_explicit(&active, &tables[isa], memory_order_release);
  return 0;
}

sg_env_isa sg_env_isa_status(void) {
  sg_table_active();
  return env_status;
}

const char *sg_version(void) { return PACKAGE_VERSION; }

const char *sg_cpu_model(void) {
  sg_table_active();
  return cpu.model;
}

const char *sg_cpu_features(void) {
  sg_table_active();
  return cpu.features;
}

const char *sg_entry_name(size_t i) { return i < SG_ENTRY_COUNT ? entry_names[i] : NULL; }

sg_isa sg_entry_isa(size_t i) {
  return i < SG_ENTRY_COUNT ? sg_table_active()->isa_of[i] : SG_ISA_COUNT;
}

/* ---- public entry points ------------------------------------------------
 * Each refuses an impossible size first (errno EINVAL, nothing written: see
 * sg_shape_ok), then treats an empty one as a no-op, then goes through the
 * table. */

int sg_shape_ok(size_t a, size_t b) {
  if (a && b > SG_MAX_FLOATS / a) {
    errno = EINVAL;
    return 0;
  }
  return 1;
}

/* ---- splitting the work among threads ----------------------------------
 * By output only: an element-wise kernel's array in runs of whole 64-byte
 * lines, a row-wise kernel's matrix in runs of whole rows; each run is one
 * call of the same kernel, which computes each output as it would in one
 * call. A split that would give a thread less than SG_PAR_MIN elements
 * stays on the calling thread. */
#define SG_PAR_MIN ((size_t)1 << 16)
#define SG_LINE 16 /* floats per 64-byte line */

typedef void map1_fn SG_SHAPE_MAP1;
typedef void map2_fn SG_SHAPE_MAP2;
typedef void rows1_fn SG_SHAPE_ROWS1;
typedef void rows2_fn SG_SHAPE_ROWS2;

/* Run i of n items cut into tasks runs, each a multiple of unit items (the
 * last one takes the rest). */
static void run_of(size_t n, size_t tasks, size_t unit, size_t i, size_t *lo, size_t *hi) {
  size_t per = (n / tasks + unit - 1) / unit * unit;
  *lo = i * per < n ? i * per : n;
  *hi = i + 1 == tasks || *lo + per > n ? n : *lo + per;
}

struct split_job {
  void (*fn)(void); /* the kernel, cast back by the task */
  size_t n, cols, tasks;
  const float *a, *b;
  float *out;
};

static void map1_task(void *ctx, size_t i) {
  const struct split_job *j = ctx;
  size_t lo, hi;
  run_of(j->n, j->tasks, SG_LINE, i, &lo, &hi);
  if (hi > lo) ((map1_fn *)j->fn)(hi - lo, j->a + lo, j->out + lo);
}

static void map2_task(void *ctx, size_t i) {
  const struct split_job *j = ctx;
  size_t lo, hi;
  run_of(j->n, j->tasks, SG_LINE, i, &lo, &hi);
  if (hi > lo) ((map2_fn *)j->fn)(hi - lo, j->a + lo, j->b + lo, j->out + lo);
}

static void rows1_task(void *ctx, size_t i) {
  const struct split_job *j = ctx;
  size_t lo, hi;
  run_of(j->n, j->tasks, 1, i, &lo, &hi);
  if (hi > lo) ((rows1_fn *)j->fn)(hi - lo, j->cols, j->a + lo * j->cols, j->out + lo * j->cols);
}

static void rows2_task(void *ctx, size_t i) {
  const struct split_job *j = ctx;
  size_t lo, hi;
  run_of(j->n, j->tasks, 1, i, &lo, &hi);
  if (hi > lo)
    ((rows2_fn *)j->fn)(hi - lo, j->cols, j->a + lo * j->cols, j->b + lo * j->cols, j->out + lo * j->cols);
}

static void map1(map1_fn *fn, size_t n, const float *x, float *y) {
  size_t tasks = n < 2 * SG_PAR_MIN ? 1 : sg_split(n, SG_PAR_MIN); /* small calls ask nothing of the pool */
  if (tasks == 1) return fn(n, x, y);
  struct split_job j = {(void (*)(void))fn, n, 0, tasks, x, NULL, y};
  sg_parallel(tasks, map1_task, &j);
}

static void map2(map2_fn *fn, size_t n, const float *a, const float *b, float *out) {
  size_t tasks = n < 2 * SG_PAR_MIN ? 1 : sg_split(n, SG_PAR_MIN);
  if (tasks == 1) return fn(n, a, b, out);
  struct split_job j = {(void (*)(void))fn, n, 0, tasks, a, b, out};
  sg_parallel(tasks, map2_task, &j);
}

static void rows1(rows1_fn *fn, size_t rows, size_t cols, const float *x, float *y) {
  size_t tasks = rows * cols < 2 * SG_PAR_MIN ? 1 : sg_split(rows, (SG_PAR_MIN + cols - 1) / cols);
  if (tasks == 1) return fn(rows, cols, x, y);
  struct split_job j = {(void (*)(void))fn, rows, cols, tasks, x, NULL, y};
  sg_parallel(tasks, rows1_task, &j);
}

static void rows2(rows2_fn *fn, size_t rows, size_t cols, const float *y, const float *dy, float *dx) {
  size_t tasks = rows * cols < 2 * SG_PAR_MIN ? 1 : sg_split(rows, (SG_PAR_MIN + cols - 1) / cols);
  if (tasks == 1) return fn(rows, cols, y, dy, dx);
  struct split_job j = {(void (*)(void))fn, rows, cols, tasks, y, dy, dx};
  sg_parallel(tasks, rows2_task, &j);
}

/* The element-wise and row-wise entry points, from the registry: their
 * kernels see only non-empty sizes. */
#define SG_API_MAP1(name)                                                                     \
  void sg_##name(size_t n, const float *x, float *y) {                                        \
    if (n && sg_shape_ok(n, 1)) map1(sg_table_active()->name, n, x, y);                       \
  }
#define SG_API_MAP2(name)                                                                     \
  void sg_##name(size_t n, const float *a, const float *b, float *out) {                      \
    if (n && sg_shape_ok(n, 1)) map2(sg_table_active()->name, n, a, b, out);                  \
  }
#define SG_API_ROWS1(name)                                                                    \
  void sg_##name(size_t rows, size_t cols, const float *x, float *y) {                        \
    if (rows && cols && sg_shape_ok(rows, cols)) rows1(sg_table_active()->name, rows, cols, x, y); \
  }
#define SG_API_ROWS2(name)                                                                    \
  void sg_##name(size_t rows, size_t cols, const float *y, const float *dy, float *dx) {      \
    if (rows && cols && sg_shape_ok(rows, cols)) rows2(sg_table_active()->name, rows, cols, y, dy, dx); \
  }
/* the others are written out below */
#define SG_API_XENT(name)
#define SG_API_DENSE_FORWARD(name)
#define SG_API_DENSE_BACKWARD(name)
#define SG_API_OUTER(name)
#define SG_API(name, shape, ...) SG_API_##shape(name)
SG_KERNELS(SG_API)
#undef SG_API

typedef void xent_fn SG_SHAPE_XENT;
struct xent_job {
  xent_fn *fn;
  size_t rows, cols, tasks;
  const float *logits;
  const uint32_t *labels;
  float *probs, *delta;
  double inv_rows, *row_loss;
};

static void xent_task(void *ctx, size_t i) {
  const struct xent_job *j = ctx;
  size_t lo, hi;
  run_of(j->rows, j->tasks, 1, i, &lo, &hi);
  if (hi > lo)
    j->fn(hi - lo, j->cols, j->logits + lo * j->cols, j->labels + lo, j->probs ? j->probs + lo * j->cols : NULL,
          j->delta ? j->delta + lo * j->cols : NULL, j->inv_rows, j->row_loss + lo);
}

float sg_softmax_xent(size_t rows, size_t cols, const float *logits, const uint32_t *labels,
                      float *probs, float *delta) {
  union { uint32_t u; float f; } nan = {0x7fc00000u};
  if (!sg_shape_ok(rows, cols)) return nan.f;
  if (!rows) return 0.0f;
  if (!cols) return nan.f; /* every label is out of range */
  /* The rows' losses summed in row order, block by block: the sum's bits
   * are those of one pass, whatever the split. */
  enum { BLOCK = 4096 };
  double row_loss[BLOCK], total = 0.0, inv_rows = 1.0 / (double)rows;
  struct xent_job j = {sg_table_active()->softmax_xent, 0, cols, 1, logits, labels, probs, delta, inv_rows, row_loss};
  for (size_t r0 = 0; r0 < rows; r0 += BLOCK) {
    j.rows = rows - r0 < BLOCK ? rows - r0 : BLOCK;
    j.tasks = j.rows * cols < 2 * SG_PAR_MIN ? 1 : sg_split(j.rows, (SG_PAR_MIN + cols - 1) / cols);
    if (j.tasks == 1)
      xent_task(&j, 0);
    else
      sg_parallel(j.tasks, xent_task, &j);
    for (size_t r = 0; r < j.rows; r++) total += row_loss[r];
    j.logits += j.rows * cols, j.labels += j.rows;
    if (j.probs) j.probs += j.rows * cols;
    if (j.delta) j.delta += j.rows * cols;
  }
  double mean = total / (double)rows;
  return isnan(mean) ? nan.f : (float)mean;
}

/* Dense layer: the kernels see only non-empty shapes; an empty reduction
 * writes its starting value (a NaN bias as 0x7fc00000, like every NaN
 * output: src/dense.c). */
static int dense_shape_ok(size_t batch, size_t in, size_t out) {
  return sg_shape_ok(batch, in) && sg_shape_ok(in, out) && sg_shape_ok(batch, out);
}

void sg_dense_forward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                      const float *bias, float *Y) {
  if (!dense_shape_ok(batch, in, out) || !batch || !out) return;
  if (!in) {
    for (size_t b = 0; b < batch; b++)
      for (size_t o = 0; o < out; o++) Y[b * out + o] = bias ? sg_canon_nan(bias[o]) : 0.0f;
    return;
  }
  sg_table_active()->dense_forward(batch, in, out, X, W, bias, Y);
}

void sg_dense_backward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                       const float *dY, float *dW, float *db, float *dX) {
  if (!dense_shape_ok(batch, in, out)) return;
  if (!in || !out) dW = NULL; /* empty shapes */
  if (!out) db = NULL;
  if (!batch || !in) {
    dX = NULL;
  } else if (!out && dX) {
    memset(dX, 0, batch * in * sizeof *dX); /* all-bits-zero is +0 */
    dX = NULL;
  }
  if (!batch) {
    if (dW) memset(dW, 0, in * out * sizeof *dW);
    if (db) memset(db, 0, out * sizeof *db);
    return;
  }
  /* (with in == 0 only db is left, which does not depend on in) */
  if (dW || db || dX) sg_table_active()->dense_backward(batch, in, out, X, W, dY, dW, db, dX);
}

/* As BLAS checks sger's arguments before its quick return: lda < n is an
 * error even when m, n or alpha would make the call a no-op. Row m - 1 ends
 * at (m - 1) lda + n floats. */
void sg_outer(size_t m, size_t n, float alpha, const float *x, const float *y, float *A,
              size_t lda) {
  if (lda < n || !sg_shape_ok(n, 1) || (m > 1 && lda && m - 1 > (SG_MAX_FLOATS - n) / lda)) {
    errno = EINVAL;
    return;
  }
  if (m && n && alpha != 0.0f) sg_table_active()->outer(m, n, alpha, x, y, A, lda);
}
