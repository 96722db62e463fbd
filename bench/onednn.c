/* SPDX-License-Identifier: BSD-3-Clause */
/* The oneDNN peer of the dense set (only with SG_BENCH_ONEDNN): the dense
 * layer's three products as oneDNN inner products (forward_training, backward
 * data, backward weights; no bias) on the CPU engine, one stream, one thread.
 * Kept in C so the C++ shim never includes dnnl.h.
 *
 * Two layouts per product. "plain": every memory descriptor is the layout of
 * simdgrad's own buffers (X, Y, dY row-major nc; W in x out, which for
 * oneDNN's {out, in} weights is the tag io), so nothing is reordered.
 * "any": every descriptor is format_tag any and oneDNN picks its layouts; a
 * buffer it wants elsewhere gets a reorder, run once when the job is created
 * (inputs) and timed apart by the caller (bench_dnnl_reorder), never inside
 * the timed execution. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#ifdef SG_BENCH_ONEDNN_OMP
#include <omp.h>
#endif

#include "bench.h"

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static char message[256];

/* A failed call's message (0 on success), in a static buffer: the bench
 * program is single-threaded. */
static const char *failed(dnnl_status_t s, const char *what) {
  if (s == dnnl_success) return 0;
  snprintf(message, sizeof message, "oneDNN: %s: %s", what, dnnl_status2str(s));
  return message;
}

const char *bench_dnnl_init(void) {
  static int done;
  static const char *err;
  if (done) return err;
  done = 1;
#ifdef SG_BENCH_ONEDNN_OMP
  /* OMP_NUM_THREADS=1 from make bench already does this; the call keeps a
   * run by hand single-threaded too. */
  if (dnnl_version()->cpu_runtime == DNNL_RUNTIME_OMP) omp_set_num_threads(1);
#endif
  err = failed(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create");
  if (!err) err = failed(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
  return err;
}

void bench_dnnl_set_threads(int n) {
#ifdef SG_BENCH_ONEDNN_OMP
  if (dnnl_version()->cpu_runtime == DNNL_RUNTIME_OMP) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

/* -1 when the runtime gives no way to ask. */
int bench_dnnl_threads(void) {
  unsigned runtime = dnnl_version()->cpu_runtime;
  if (runtime == DNNL_RUNTIME_SEQ) return 1;
#ifdef SG_BENCH_ONEDNN_OMP
  if (runtime == DNNL_RUNTIME_OMP) return omp_get_max_threads();
#endif
  return -1;
}

const char *bench_dnnl_version(void) {
  static char text[128];
  const dnnl_version_t *v = dnnl_version();
  snprintf(text, sizeof text, "oneDNN %d.%d.%d (%s), CPU runtime %s", v->major, v->minor, v->patch,
           v->hash ? v->hash : "no hash", dnnl_runtime2str(v->cpu_runtime));
  return text;
}

/* One argument of a product: the execution argument, the name of simdgrad's
 * buffer, that buffer and its layout, and whether the product writes it. */
struct arg_spec {
  int arg;
  const char *name;
  void *data;
  dnnl_memory_desc_t user_md;
  int is_output;
};

/* The arguments of pass: simdgrad's layouts, X and dX batch x in, Y and dY
 * batch x out (nc), W and dW in x out (io of oneDNN's {out, in} weights). */
static int arg_specs(int pass, const struct bench_dense_args *a, struct arg_spec spec[3]) {
  dnnl_dims_t xd = {(dnnl_dim_t)a->batch, (dnnl_dim_t)a->in}, wd = {(dnnl_dim_t)a->out, (dnnl_dim_t)a->in},
              yd = {(dnnl_dim_t)a->batch, (dnnl_dim_t)a->out};
  dnnl_memory_desc_t x, w, y;
  dnnl_memory_desc_init_by_tag(&x, 2, xd, dnnl_f32, dnnl_nc);
  dnnl_memory_desc_init_by_tag(&w, 2, wd, dnnl_f32, dnnl_io);
  dnnl_memory_desc_init_by_tag(&y, 2, yd, dnnl_f32, dnnl_nc);
  switch (pass) {
  case BENCH_DENSE_FORWARD:
    spec[0] = (struct arg_spec){DNNL_ARG_SRC, "X", (void *)a->X, x, 0};
    spec[1] = (struct arg_spec){DNNL_ARG_WEIGHTS, "W", (void *)a->W, w, 0};
    spec[2] = (struct arg_spec){DNNL_ARG_DST, "Y", a->Y, y, 1};
    break;
  case BENCH_DENSE_DW:
    spec[0] = (struct arg_spec){DNNL_ARG_SRC, "X", (void *)a->X, x, 0};
    spec[1] = (struct arg_spec){DNNL_ARG_DIFF_DST, "dY", (void *)a->dY, y, 0};
    spec[2] = (struct arg_spec){DNNL_ARG_DIFF_WEIGHTS, "dW", a->dW, w, 1};
    break;
  default:
    spec[0] = (struct arg_spec){DNNL_ARG_DIFF_DST, "dY", (void *)a->dY, y, 0};
    spec[1] = (struct arg_spec){DNNL_ARG_WEIGHTS, "W", (void *)a->W, w, 0};
    spec[2] = (struct arg_spec){DNNL_ARG_DIFF_SRC, "dX", a->dX, x, 1};
    break;
  }
  return 3;
}

/* The primitive descriptor of pass, with simdgrad's layouts (any = 0) or
 * oneDNN's choice (any = 1). The backward passes need a forward one as the
 * hint, built with the same layouts. */
static const char *make_pd(int pass, int any, const struct bench_dense_args *a, dnnl_primitive_desc_t *pd) {
  struct arg_spec spec[3];
  arg_specs(BENCH_DENSE_FORWARD, a, spec);
  dnnl_memory_desc_t x = spec[0].user_md, w = spec[1].user_md, y = spec[2].user_md;
  if (any) {
    dnnl_memory_desc_init_by_tag(&x, 2, x.dims, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&w, 2, w.dims, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&y, 2, y.dims, dnnl_f32, dnnl_format_tag_any);
  }
  dnnl_inner_product_desc_t fwd, bwd;
  dnnl_primitive_desc_t hint = NULL;
  const char *err =
      failed(dnnl_inner_product_forward_desc_init(&fwd, dnnl_forward_training, &x, &w, NULL, &y), "forward desc");
  if (!err) err = failed(dnnl_primitive_desc_create(pass == BENCH_DENSE_FORWARD ? pd : &hint, &fwd, NULL, engine, NULL),
                         "forward primitive_desc");
  if (err || pass == BENCH_DENSE_FORWARD) return err;
  if (pass == BENCH_DENSE_DW)
    err = failed(dnnl_inner_product_backward_weights_desc_init(&bwd, &x, &w, NULL, &y), "backward_weights desc");
  else
    err = failed(dnnl_inner_product_backward_data_desc_init(&bwd, &x, &w, &y), "backward_data desc");
  if (!err) err = failed(dnnl_primitive_desc_create(pd, &bwd, NULL, engine, hint), "backward primitive_desc");
  dnnl_primitive_desc_destroy(hint);
  return err;
}

/* A 2-D blocked layout in oneDNN's own notation: the dimensions outermost
 * first (a = rows, b = columns of the logical tensor; upper case when
 * blocked), then the inner blocks, e.g. ba, AB16b64a. */
static void layout_name(const dnnl_memory_desc_t *md, char *buf, size_t size) {
  if (md->format_kind != dnnl_blocked) {
    snprintf(buf, size, "%s", dnnl_fmt_kind2str(md->format_kind));
    return;
  }
  const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
  int order[DNNL_MAX_NDIMS], n = md->ndims, len = 0;
  for (int d = 0; d < n; d++) order[d] = d;
  for (int i = 1; i < n; i++)  /* by stride, largest first */
    for (int j = i; j > 0 && b->strides[order[j]] > b->strides[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1], order[j - 1] = t;
    }
  for (int i = 0; i < n && len < (int)size - 1; i++) {
    int blocked = 0;
    for (int k = 0; k < b->inner_nblks; k++) blocked |= b->inner_idxs[k] == order[i];
    buf[len++] = (char)((blocked ? 'A' : 'a') + order[i]);
  }
  buf[len] = 0;
  for (int k = 0; k < b->inner_nblks && len < (int)size; k++)
    len += snprintf(buf + len, size - (size_t)len, "%lld%c", (long long)b->inner_blks[k], 'a' + (int)b->inner_idxs[k]);
}

/* "<impl>" and, for each buffer oneDNN wants in another layout than
 * simdgrad's, "; <name> as <layout>". */
static void describe(dnnl_primitive_desc_t pd, const struct arg_spec *spec, int n, char *buf, size_t size) {
  const char *impl = "?";
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  int len = snprintf(buf, size, "%s", impl);
  for (int i = 0; i < n && len < (int)size; i++) {
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, spec[i].arg);
    if (!md || dnnl_memory_desc_equal(md, &spec[i].user_md)) continue;
    char layout[64];
    layout_name(md, layout, sizeof layout);
    len += snprintf(buf + len, size - (size_t)len, "; %s as %s", spec[i].name, layout);
  }
}

const char *bench_dnnl_describe(int pass, int any, const struct bench_dense_args *a, char *buf, size_t size) {
  const char *err = bench_dnnl_init();
  dnnl_primitive_desc_t pd = NULL;
  if (!err) err = make_pd(pass, any, a, &pd);
  if (err) return err;
  struct arg_spec spec[3];
  describe(pd, spec, arg_specs(pass, a, spec), buf, size);
  dnnl_primitive_desc_destroy(pd);
  return 0;
}

struct bench_dnnl_job {
  dnnl_primitive_t prim;
  dnnl_exec_arg_t args[3];
  dnnl_memory_t user[3], own[3]; /* own[i]: oneDNN's copy in its layout, or NULL */
  dnnl_primitive_t reorder[3];   /* user <-> own, in the direction the data goes */
  int is_output[3];
  int nreorders;
  char label[256];
};

void bench_dnnl_destroy(struct bench_dnnl_job *job) {
  if (!job) return;
  for (int i = 0; i < 3; i++) {
    if (job->reorder[i]) dnnl_primitive_destroy(job->reorder[i]);
    if (job->own[i]) dnnl_memory_destroy(job->own[i]);
    if (job->user[i]) dnnl_memory_destroy(job->user[i]);
  }
  if (job->prim) dnnl_primitive_destroy(job->prim);
  free(job);
}

static const char *run_reorder(struct bench_dnnl_job *job, int i, int in) {
  dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, in ? job->user[i] : job->own[i]},
                             {DNNL_ARG_TO, in ? job->own[i] : job->user[i]}};
  return failed(dnnl_primitive_execute(job->reorder[i], stream, 2, args), "reorder");
}

const char *bench_dnnl_create(int pass, int any, const struct bench_dense_args *a, struct bench_dnnl_job **out) {
  *out = NULL;
  const char *err = bench_dnnl_init();
  dnnl_primitive_desc_t pd = NULL;
  if (!err) err = make_pd(pass, any, a, &pd);
  if (err) return err;
  struct bench_dnnl_job *job = calloc(1, sizeof *job);
  if (!job) {
    dnnl_primitive_desc_destroy(pd);
    return "oneDNN: out of memory";
  }
  struct arg_spec spec[3];
  int n = arg_specs(pass, a, spec);
  describe(pd, spec, n, job->label, sizeof job->label);
  err = failed(dnnl_primitive_create(&job->prim, pd), "dnnl_primitive_create");
  for (int i = 0; i < n && !err; i++) {
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, spec[i].arg);
    err = failed(dnnl_memory_create(&job->user[i], &spec[i].user_md, engine, spec[i].data), "dnnl_memory_create");
    job->args[i] = (dnnl_exec_arg_t){spec[i].arg, job->user[i]};
    job->is_output[i] = spec[i].is_output;
    if (err || !md || dnnl_memory_desc_equal(md, &spec[i].user_md)) continue;
    dnnl_primitive_desc_t rpd = NULL;
    const dnnl_memory_desc_t *from = spec[i].is_output ? md : &spec[i].user_md,
                             *to = spec[i].is_output ? &spec[i].user_md : md;
    err = failed(dnnl_memory_create(&job->own[i], md, engine, DNNL_MEMORY_ALLOCATE), "dnnl_memory_create");
    if (!err) err = failed(dnnl_reorder_primitive_desc_create(&rpd, from, engine, to, engine, NULL), "reorder desc");
    if (!err) err = failed(dnnl_primitive_create(&job->reorder[i], rpd), "reorder primitive");
    dnnl_primitive_desc_destroy(rpd);
    job->args[i].memory = job->own[i];
    job->nreorders++;
    /* The inputs in oneDNN's layout once, so that every timed run reads the
     * same values as simdgrad's. */
    if (!err && !spec[i].is_output) err = run_reorder(job, i, 1);
  }
  if (!err) err = failed(dnnl_stream_wait(stream), "dnnl_stream_wait");
  dnnl_primitive_desc_destroy(pd);
  if (err) {
    bench_dnnl_destroy(job);
    return err;
  }
  *out = job;
  return 0;
}

const char *bench_dnnl_label(const struct bench_dnnl_job *job) { return job->label; }
int bench_dnnl_reorders(const struct bench_dnnl_job *job) { return job->nreorders; }

/* Every reorder of the job once: inputs from simdgrad's layout into
 * oneDNN's, outputs back. */
const char *bench_dnnl_reorder(struct bench_dnnl_job *job) {
  const char *err = 0;
  for (int i = 0; i < 3 && !err; i++)
    if (job->reorder[i]) err = run_reorder(job, i, !job->is_output[i]);
  if (!err) err = failed(dnnl_stream_wait(stream), "dnnl_stream_wait");
  return err;
}

const char *bench_dnnl_run(struct bench_dnnl_job *job) {
  const char *err = failed(dnnl_primitive_execute(job->prim, stream, 3, job->args), "dnnl_primitive_execute");
  if (!err) err = failed(dnnl_stream_wait(stream), "dnnl_stream_wait");
  return err;
}

/* ---- the element-wise and softmax peers ----------------------------------- */

/* One primitive run on simdgrad's own buffers: its memories (one layout for
 * all), its arguments, and the implementation oneDNN chose. */
struct bench_dnnl_op {
  dnnl_primitive_t prim;
  dnnl_memory_t mem[3];
  dnnl_exec_arg_t args[3];
  int nargs;
  char label[128];
};

void bench_dnnl_op_destroy(struct bench_dnnl_op *job) {
  if (!job) return;
  for (int i = 0; i < job->nargs; i++) dnnl_memory_destroy(job->mem[i]);
  if (job->prim) dnnl_primitive_destroy(job->prim);
  free(job);
}

/* Wraps pd (taken, whatever happens) and its nargs buffers, all of layout md. */
static const char *make_op(dnnl_primitive_desc_t pd, const dnnl_memory_desc_t *md, int nargs, const int *arg,
                           void *const *data, struct bench_dnnl_op **out_job) {
  struct bench_dnnl_op *job = calloc(1, sizeof *job);
  const char *err = job ? NULL : "oneDNN: out of memory";
  if (!err) {
    const char *impl = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    snprintf(job->label, sizeof job->label, "%s", impl);
  }
  for (int i = 0; i < nargs && !err; i++) {
    err = failed(dnnl_memory_create(&job->mem[i], md, engine, data[i]), "dnnl_memory_create");
    job->args[i] = (dnnl_exec_arg_t){arg[i], job->mem[i]};
    job->nargs = i + 1;
  }
  if (!err) err = failed(dnnl_primitive_create(&job->prim, pd), "dnnl_primitive_create");
  dnnl_primitive_desc_destroy(pd);
  if (err) {
    bench_dnnl_op_destroy(job);
    return err;
  }
  *out_job = job;
  return NULL;
}

/* The arguments of a forward (SRC in, DST out) and of a backward from the
 * forward's output (DST y, DIFF_DST dy, DIFF_SRC dx) or from its input (SRC
 * x, for swish), as simdgrad's backward kernels take them. */
static const int fwd_args[] = {DNNL_ARG_SRC, DNNL_ARG_DST};
static const int bwd_args[] = {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
static const int bwd_src_args[] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};

static const char *make_pass(const_dnnl_op_desc_t fwd, const_dnnl_op_desc_t bwd, int bwd_from_src,
                             const dnnl_memory_desc_t *md, const float *in, const float *dy, float *out,
                             struct bench_dnnl_op **out_job) {
  *out_job = NULL;
  dnnl_primitive_desc_t pd = NULL, hint = NULL;
  const char *err = failed(dnnl_primitive_desc_create(bwd ? &hint : &pd, fwd, NULL, engine, NULL), "primitive_desc");
  if (!err && bwd) err = failed(dnnl_primitive_desc_create(&pd, bwd, NULL, engine, hint), "backward primitive_desc");
  dnnl_primitive_desc_destroy(hint);
  if (err) {
    dnnl_primitive_desc_destroy(pd);
    return err;
  }
  void *data[3] = {(void *)in, bwd ? (void *)dy : out, out};
  return make_op(pd, md, bwd ? 3 : 2, !bwd ? fwd_args : bwd_from_src ? bwd_src_args : bwd_args, data, out_job);
}

/* oneDNN's eltwise on n floats (one 1-D memory, tag a): forward logistic,
 * tanh or swish (alpha 1: SiLU), or their backward, logistic and tanh from
 * the forward's output (the use_dst_for_bwd algorithms), swish from its
 * input. */
const char *bench_dnnl_eltwise_create(enum bench_eltwise f, int backward, size_t n, const float *in,
                                      const float *dy, float *out, struct bench_dnnl_op **out_job) {
  *out_job = NULL;
  const char *err = bench_dnnl_init();
  if (err) return err;
  static const dnnl_alg_kind_t fwd_alg[] = {dnnl_eltwise_logistic, dnnl_eltwise_tanh, dnnl_eltwise_swish};
  static const dnnl_alg_kind_t bwd_alg[] = {dnnl_eltwise_logistic_use_dst_for_bwd,
                                            dnnl_eltwise_tanh_use_dst_for_bwd, dnnl_eltwise_swish};
  dnnl_alg_kind_t alg = backward ? bwd_alg[f] : fwd_alg[f];
  const float alpha = f == BENCH_ELTWISE_SWISH ? 1.0f : 0.0f;
  dnnl_dims_t dims = {(dnnl_dim_t)n};
  dnnl_memory_desc_t md;
  dnnl_memory_desc_init_by_tag(&md, 1, dims, dnnl_f32, dnnl_a);
  dnnl_eltwise_desc_t fwd, bwd;
  err = failed(dnnl_eltwise_forward_desc_init(&fwd, dnnl_forward_training, alg, &md, alpha, 0.0f), "eltwise desc");
  if (!err && backward) err = failed(dnnl_eltwise_backward_desc_init(&bwd, alg, &md, &md, alpha, 0.0f), "eltwise backward desc");
  return err ? err : make_pass(&fwd, backward ? &bwd : NULL, f == BENCH_ELTWISE_SWISH, &md, in, dy, out, out_job);
}

/* oneDNN's softmax (v2: softmax_accurate, or softmax_log for log_softmax)
 * along the rows of a rows x cols row-major matrix (tag ab, axis 1), forward
 * or backward from the forward's output. */
const char *bench_dnnl_softmax_create(int log, int backward, size_t rows, size_t cols, const float *in,
                                      const float *dy, float *out, struct bench_dnnl_op **out_job) {
  *out_job = NULL;
  const char *err = bench_dnnl_init();
  if (err) return err;
  dnnl_alg_kind_t alg = log ? dnnl_softmax_log : dnnl_softmax_accurate;
  dnnl_dims_t dims = {(dnnl_dim_t)rows, (dnnl_dim_t)cols};
  dnnl_memory_desc_t md;
  dnnl_memory_desc_init_by_tag(&md, 2, dims, dnnl_f32, dnnl_ab);
  dnnl_softmax_v2_desc_t fwd, bwd;
  err = failed(dnnl_softmax_v2_forward_desc_init(&fwd, dnnl_forward_training, alg, &md, &md, 1), "softmax desc");
  if (!err && backward) err = failed(dnnl_softmax_v2_backward_desc_init(&bwd, alg, &md, &md, &md, 1), "softmax backward desc");
  return err ? err : make_pass(&fwd, backward ? &bwd : NULL, 0, &md, in, dy, out, out_job);
}

const char *bench_dnnl_op_label(const struct bench_dnnl_op *job) { return job->label; }

const char *bench_dnnl_op_run(struct bench_dnnl_op *job) {
  const char *err = failed(dnnl_primitive_execute(job->prim, stream, job->nargs, job->args), "execute");
  return err ? err : failed(dnnl_stream_wait(stream), "dnnl_stream_wait");
}
