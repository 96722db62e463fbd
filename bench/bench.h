/* SPDX-License-Identifier: BSD-3-Clause */
/* The C side of the benchmark shim: peers and probes written in C so each can
 * be compiled with the flags it needs (libm plainly, SLEEF and the divider
 * probes with their ISA's flags). The C++ shim (bench/driver.cc and the
 * sets, bench/set_*.cc, bench/probes.cc) calls them. */
#ifndef SG_BENCH_H
#define SG_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* bench/peers.c, compiled with the project's normal flags. */
const char *bench_c_compiler(void);                                /* "gcc 12.2.0" */
void bench_libm_sigmoid(size_t n, const float *x, float *y);      /* y = 1/(1+expf(-x)) */
void bench_libm_tanh(size_t n, const float *x, float *y);         /* y = tanhf(x) */
/* bench/autovec.c, compiled with -O3 -march=native -ffast-math: the plain
 * loops as the compiler vectorises them (libmvec's expf and tanhf). */
void bench_autovec_sigmoid(size_t n, const float *x, float *y);
void bench_autovec_tanh(size_t n, const float *x, float *y);
void bench_autovec_relu(size_t n, const float *x, float *y);
void bench_autovec_silu(size_t n, const float *x, float *y);
void bench_autovec_softmax(size_t rows, size_t cols, const float *x, float *y);
const char *bench_autovec_target(void); /* the vector ISA the compiler chose */
/* Runs `reps` blocks of 64 dependent integer adds (one cycle each on any
 * current x86-64 or aarch64 core); returns 0 on other targets. */
int bench_add_chain(uint64_t reps, uint64_t *sink);

/* bench/xnnpack.c (only with SG_BENCH_XNNPACK): XNNPACK's sigmoid and softmax
 * operators (NC layout, contiguous rows), single-threaded. Each returns 0 on
 * success, else a message. */
const char *bench_xnn_init(void);
const char *bench_xnn_sigmoid_create(size_t channels, void **op);
const char *bench_xnn_sigmoid_setup(void *op, size_t batch, const float *x, float *y);
const char *bench_xnn_softmax_create(size_t channels, void **op);
const char *bench_xnn_softmax_setup(void *op, size_t batch, const float *x, float *y);
const char *bench_xnn_run(void *op);
void bench_xnn_delete(void *op);
/* XNNPACK's f32 fully-connected operator as the dense forward Y = X W: no
 * bias, no clamping, W in x out as simdgrad takes it (XNN_FLAG_TRANSPOSE_WEIGHTS);
 * create packs W. */
const char *bench_xnn_fc_create(size_t in, size_t out, const float *W, void **op);
const char *bench_xnn_fc_setup(void *op, size_t batch, const float *X, float *Y);

/* bench/openblas.c (only with SG_BENCH_OPENBLAS): the OpenBLAS peers of the
 * dense set, row-major, shapes as sg_dense_forward / sg_dense_backward /
 * sg_outer take them (X batch x in, W in x out, dY batch x out). */
void bench_blas_single_thread(void);      /* openblas_set_num_threads(1) */
void bench_blas_set_threads(int n);       /* openblas_set_num_threads(n) */
int bench_blas_threads(void);             /* openblas_get_num_threads() */
const char *bench_blas_config(void);      /* openblas_get_config() */
const char *bench_blas_corename(void);    /* openblas_get_corename(): the kernels it chose */
void bench_blas_forward(size_t batch, size_t in, size_t out, const float *X, const float *W, float *Y);
void bench_blas_dW(size_t batch, size_t in, size_t out, const float *X, const float *dY, float *dW);
void bench_blas_dX(size_t batch, size_t in, size_t out, const float *W, const float *dY, float *dX);
void bench_blas_sger(size_t m, size_t n, float alpha, const float *x, const float *y, float *A, size_t lda);

/* The dense set's products, as bench/onednn.c takes them. */
enum { BENCH_DENSE_FORWARD, BENCH_DENSE_DW, BENCH_DENSE_DX };
struct bench_dense_args {
  size_t batch, in, out;
  const float *X, *W, *dY; /* X batch x in, W in x out, dY batch x out */
  float *Y, *dW, *dX;      /* Y = X W, dW = X^T dY, dX = dY W^T */
};

/* bench/onednn.c (only with SG_BENCH_ONEDNN): the oneDNN peers of the dense
 * set, inner products on the CPU engine, one stream, one thread. A job is
 * one product (pass) with simdgrad's layouts (any = 0, "plain") or the
 * layouts oneDNN picks (any = 1). Each returns 0 on success, else a message. */
struct bench_dnnl_job;
const char *bench_dnnl_init(void);    /* engine, stream, one OpenMP thread */
const char *bench_dnnl_version(void); /* "oneDNN 2.6.3 (<hash>), CPU runtime OpenMP" */
int bench_dnnl_threads(void);         /* its thread count, -1 if unknown */
void bench_dnnl_set_threads(int n);   /* OpenMP's thread count for the next primitives (OpenMP runtime only) */
/* The implementation oneDNN picks for pass and the buffers it wants in
 * another layout, e.g. "brgemm:avx512_core; W as AB16b64a", into buf;
 * builds the primitive descriptor only. */
const char *bench_dnnl_describe(int pass, int any, const struct bench_dense_args *a, char *buf, size_t size);
/* The primitive, the memory objects over a's buffers and the reorders; the
 * inputs oneDNN wants elsewhere are reordered into its layout here. */
const char *bench_dnnl_create(int pass, int any, const struct bench_dense_args *a, struct bench_dnnl_job **job);
const char *bench_dnnl_label(const struct bench_dnnl_job *job); /* as bench_dnnl_describe */
int bench_dnnl_reorders(const struct bench_dnnl_job *job);      /* buffers in oneDNN's own layout */
const char *bench_dnnl_reorder(struct bench_dnnl_job *job);     /* each reorder once: inputs in, outputs back */
const char *bench_dnnl_run(struct bench_dnnl_job *job);         /* execute + stream wait */
void bench_dnnl_destroy(struct bench_dnnl_job *job);
/* The element-wise and softmax peers, one job each, run many times: forward
 * (out = f(in)) or backward (backward = 1: out = dx from dy, and in = the
 * forward's output y, or for swish its input x). eltwise: logistic, tanh or
 * swish (x sigmoid(x), SiLU) over n floats. softmax: softmax (log = 0) or
 * log_softmax of each row of a rows x cols row-major matrix. */
struct bench_dnnl_op;
enum bench_eltwise { BENCH_ELTWISE_LOGISTIC, BENCH_ELTWISE_TANH, BENCH_ELTWISE_SWISH };
const char *bench_dnnl_eltwise_create(enum bench_eltwise f, int backward, size_t n, const float *in,
                                      const float *dy, float *out, struct bench_dnnl_op **job);
const char *bench_dnnl_softmax_create(int log, int backward, size_t rows, size_t cols, const float *in,
                                      const float *dy, float *out, struct bench_dnnl_op **job);
const char *bench_dnnl_op_label(const struct bench_dnnl_op *job); /* the implementation */
const char *bench_dnnl_op_run(struct bench_dnnl_op *job);
void bench_dnnl_op_destroy(struct bench_dnnl_op *job);

/* bench/x86_avx2.c (SG_HAVE_AVX2), compiled with AVX2_CFLAGS. */
void bench_sleef_expf8_sigmoid(size_t n, const float *x, float *y); /* needs SG_BENCH_SLEEF */
void bench_sleef_tanhf8(size_t n, const float *x, float *y);        /* Sleef_tanhf8_u10avx2 loop */
float bench_divps_ymm(uint64_t reps); /* reps * 12 vdivps ymm, 12 independent chains */
void bench_fma_ymm(uint64_t reps); /* reps * BENCH_FMA_YMM_CHAINS vfmadd231ps ymm, independent chains */

/* bench/x86_avx512.c (SG_HAVE_AVX512), compiled with AVX512_CFLAGS. */
void bench_sleef_expf16_sigmoid(size_t n, const float *x, float *y); /* needs SG_BENCH_SLEEF */
void bench_sleef_tanhf16(size_t n, const float *x, float *y);        /* Sleef_tanhf16_u10avx512f loop */
float bench_divps_zmm(uint64_t reps); /* reps * 12 vdivps zmm, 12 independent chains */
void bench_stream_copy_zmm(size_t n, const float *x, float *y); /* copy, non-temporal stores */
void bench_fma_zmm(uint64_t reps); /* reps * BENCH_FMA_ZMM_CHAINS vfmadd231ps zmm, independent chains */

/* Independent divisions each probe issues per rep. */
#define BENCH_DIVS_PER_REP 12
/* Independent FMA chains (one FMA each per rep) of the FMA-peak probes: more
 * than FMA latency x FMA pipes (4 x 2 = 8 on current x86 cores), so they run
 * at the FMA throughput. The ymm probe keeps 2 of the 16 ymm for operands. */
#define BENCH_FMA_ZMM_CHAINS 16
#define BENCH_FMA_YMM_CHAINS 12

#ifdef __cplusplus
}
#endif

#endif /* SG_BENCH_H */
