/* SPDX-License-Identifier: BSD-3-Clause */
/* simdgrad: SIMD kernels for backpropagation.
 *
 * All tensors are f32, row-major and contiguous (sg_outer takes a leading
 * dimension). Pointers need no alignment. Every ISA returns exactly the
 * scalar reference's bits, NaNs included.
 *
 * Rules every function below follows unless its comment says otherwise:
 * - Empty sizes (n == 0, rows == 0, ...) are a no-op: no pointer is read.
 * - Impossible sizes are refused: an array of more than PTRDIFF_MAX bytes
 *   cannot exist, so a count past that, or a product of sizes (rows*cols,
 *   batch*in, in*out, batch*out, the rows of sg_outer) that passes it or
 *   wraps around size_t, writes nothing and sets errno to EINVAL (as BLAS
 *   checks its arguments). A float result is then NaN. errno is left alone
 *   on success.
 * - In place: an element-wise or row-wise kernel may write over one of its
 *   inputs exactly (y == x, dx == dy, ...). An output that overlaps an input
 *   only in part (sg_sigmoid(n, x, x + 1)) is undefined: the result depends
 *   on the ISA and the vector width.
 * - The library never ends its host program and prints nothing, except the
 *   one warning about a bad SIMDGRAD_ISA described below.
 */
#ifndef SIMDGRAD_H
#define SIMDGRAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dispatch ------------------------------------------------------------ */

typedef enum { SG_ISA_SCALAR, SG_ISA_AVX2, SG_ISA_AVX512, SG_ISA_NEON, SG_ISA_COUNT } sg_isa;

sg_isa      sg_active_isa(void);          /* the ISA the table uses now */
const char *sg_isa_name(sg_isa isa);       /* "scalar", "avx2", "avx512", "neon" (NULL if out of range) */
int         sg_isa_supported(sg_isa isa);  /* 1 if this CPU+OS can run it (and it was built) */
int         sg_set_isa(sg_isa isa);        /* 0, or -1 if unsupported (table unchanged) */

/* The ISA is chosen once, on the first call into the library: the widest one
 * this CPU and build support, unless the environment variable SIMDGRAD_ISA
 * names another supported one (scalar, avx2, avx512 or neon). Unset or empty
 * means no choice. An unknown or unsupported value prints one warning on
 * stderr (naming the value and the valid ones) and is ignored: the library
 * never exits. sg_set_isa, called before or after, overrides the variable.
 * sg_env_isa_status tells a program what became of the variable. */
typedef enum {
  SG_ENV_ISA_UNSET,      /* unset or empty */
  SG_ENV_ISA_APPLIED,    /* a supported ISA: it was chosen */
  SG_ENV_ISA_UNKNOWN,    /* not an ISA name: warned, ignored */
  SG_ENV_ISA_UNSUPPORTED /* an ISA this CPU or build cannot run: warned, ignored */
} sg_env_isa;
sg_env_isa  sg_env_isa_status(void);

const char *sg_version(void);              /* the package version, e.g. "0.1.0" */
const char *sg_cpu_model(void);            /* CPU brand string, or "unknown" */
const char *sg_cpu_features(void);         /* detected features that matter here, space-separated */

/* ---- threads ---------------------------------------------------------------
 * The kernels split their work by output (elements, rows, tiles of the dense
 * products), never by a reduction index: each output is computed by the
 * same operations in the same order on one thread, so no result depends on
 * the thread count, to the bit. Work too small to pay for it stays on the
 * calling thread. The default is every CPU the process may run on (its
 * affinity mask), as oneDNN and OpenBLAS do, so that a training step uses
 * the machine; SIMDGRAD_THREADS=N in the environment (read at the first
 * call; 0 means every CPU; a bad value is one warning on stderr and is
 * ignored) or sg_set_threads choose another count: 1 keeps every call on
 * the calling thread, for a caller that runs its own threads. The threads
 * are a pthreadpool's, or OpenMP's in a build without pthreadpool; a build
 * with neither has one thread. Calls from several threads at once are
 * safe: they share the pool, one parallel call at a time. */
int    sg_set_threads(size_t n); /* n = 0: every CPU; 0, or -1 with errno EINVAL (n > 1024, or n > 1
                                    in a single-threaded build) */
size_t sg_threads(void);         /* the threads the kernels use now */

/* The dispatch table, entry by entry: the API name (without sg_) of entry i,
 * or NULL when i is past the last one, and the ISA of the kernel the active
 * table holds for it (an ISA without its own kernel for an entry uses scalar). */
const char *sg_entry_name(size_t i);
sg_isa      sg_entry_isa(size_t i);

/* ---- element-wise ---------------------------------------------------------
 * n floats each; the output may be an input exactly (in place), never an
 * overlapping part of one. n past SG's array limit: EINVAL (see the top).
 * Bounds are against the exact value, in ULPs of the float result, and hold
 * over all 2^32 inputs (make check-exhaustive). A NaN input gives that NaN,
 * quieted (the ReLU selects pass its bits as they are); where two inputs can
 * be NaN, the first one's; a NaN made from non-NaN inputs is 0x7fc00000.
 * Subnormal results are rounded once, never flushed to zero. */

/* y = 1/(1 + e^-x), <= 1.5 ULP. sigmoid(+inf) = 1, sigmoid(-inf) = +0,
 * sigmoid(+-0) = 1/2; below x = -87.34 the result is subnormal. */
void sg_sigmoid(size_t n, const float *x, float *y);
/* dx = dy y (1 - y), y the sigmoid's output: <= 1.5 ULP for y in [0, 1] and
 * any dy. Outside [0, 1] y(1 - y) is formed as y - y*y, which overflows to
 * -inf from |y| = 2^64 (y = +-inf included: dx = -inf dy, NaN for dy = 0). */
void sg_sigmoid_backward(size_t n, const float *y, const float *dy, float *dx);
/* y = tanh x, <= 1 ULP; odd (tanh(-x) = -tanh(x), tanh(-0) = -0), +-1 at +-inf. */
void sg_tanh(size_t n, const float *x, float *y);
/* dx = dy (1 - y^2), y tanh's output: <= 1.5 ULP for y in [-1, 1] and any dy;
 * 1 - y*y overflows to -inf from |y| = 2^64, as above. */
void sg_tanh_backward(size_t n, const float *y, const float *dy, float *dx);
/* The fast tier: the same functions, specials, NaN rule and subnormal
 * results as sg_sigmoid and sg_tanh, the same bits on every ISA, in about
 * half the vector operations (each step rounded as it comes, one division,
 * no error terms carried): for training, where 2 ULP are far below the noise
 * of SGD. Bounds over all 2^32 inputs. y = 1/(1 + e^-x), <= 2.5 ULP; 1 + e^-x
 * rounds to 1 from x = 16.64 (sg_sigmoid's result reaches 1 at 17.33). */
void sg_sigmoid_fast(size_t n, const float *x, float *y);
/* y = tanh x, <= 2 ULP; odd, +-1 at +-inf (reached from |x| = 8.49, where
 * sg_tanh's is 9.01), tanh x = x for tiny x. */
void sg_tanh_fast(size_t n, const float *x, float *y);
/* y = x > 0 ? x : +0, exact; a NaN x passes through with its bits. */
void sg_relu(size_t n, const float *x, float *y);
/* dx = x > 0 ? dy : +0, exact (a NaN x gives +0: NaN > 0 is false). */
void sg_relu_backward(size_t n, const float *x, const float *dy, float *dx);
/* SiLU (swish): y = x sigma(x), <= 1.5 ULP; silu(+inf) = +inf,
 * silu(-inf) = -0, and below x = -110 the result rounds to -0. */
void sg_silu(size_t n, const float *x, float *y);
/* dx = dy s (1 + x (1 - s)), s = sigma(x), x SiLU's input: <= 1.5 ULP of
 * max(|dx|, |dy s|) for x >= -87 and any dy. Relative to |dy s|, not to
 * |dx|: the derivative changes sign at x = -1.2785, where 1 + x (1 - s) is
 * a difference of nearly equal terms. Below -87 the derivative is subnormal:
 * dx is dy times it rounded to a float. dx = dy at +inf, +-0 at -inf (NaN
 * for dy = +-inf there). */
void sg_silu_backward(size_t n, const float *x, const float *dy, float *dx);

/* ---- row-wise over a rows x cols matrix ------------------------------------
 * rows == 0 or cols == 0 touches nothing; rows * cols past the array limit:
 * EINVAL (see the top). Each output may be one of the inputs exactly (in
 * place), never an overlapping part of one. A row holding a NaN or +inf, or
 * only -inf, comes out all NaN (0x7fc00000), as in the common frameworks;
 * -inf entries of other rows get probability +0 (log-probability -inf).
 * Bounds: 2 ULP over random and adversarial rows of 1 to 32768 columns
 * (verify/test_softmax), unless said below. */
void  sg_softmax(size_t rows, size_t cols, const float *x, float *y);
void  sg_log_softmax(size_t rows, size_t cols, const float *x, float *y);
      /* y = (x - max) - log(sum e^(x - max)): 1.5 ULP, relative to |y| for
         |y| >= 2^-26 and absolute below (a near-certain class), about 2^-52 */
void  sg_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
      /* dx = y * (dy - <dy, y>) per row; a NaN result is 0x7fc00000. The
         bound is relative to |y| (|dy| + sum |y dy|): the dot product cancels */
void  sg_log_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
      /* y = log_softmax(x): dx = dy - e^y * sum(dy) per row, the sum in
         double, each element in float: <= 2 ULP of max(|dx|, |e^y sum(dy)|),
         so 2 ULP of dx where dy and e^y sum(dy) do not cancel; a confident
         class (y near 0, dy = -1/rows at the label, the row's only nonzero
         dy) <= 1 ULP of its tiny dx = (1 - p)/rows, with no cancellation.
         A NaN result is the first NaN input (y, then dy), quieted, else
         0x7fc00000 */
float sg_softmax_xent(size_t rows, size_t cols, const float *logits, const uint32_t *labels,
                      float *probs, float *delta);
      /* returns mean over rows of -log p[label]; probs may be NULL; delta (may be NULL)
         = (probs - onehot(label)) / rows, the gradient of the returned loss.
         probs and delta may each be logits exactly, or each other (the array
         then ends up holding delta).
         A label >= cols is never used as an index: that row's loss is NaN (so the
         returned mean is NaN), its delta row is all NaN, its probs are written.
         rows == 0 returns 0; cols == 0 (with rows > 0) returns NaN; neither
         touches any array. Impossible sizes: NaN, errno EINVAL. */

/* ---- losses over a rows x cols matrix --------------------------------------
 * Each returns the mean over rows of the per-row loss (rows == 0: 0, nothing
 * touched; impossible sizes: NaN, errno EINVAL) and writes delta (may be
 * NULL, may be the first argument exactly), its gradient with respect to the
 * first argument, 1/rows included. Sums run in double in a fixed order with
 * one rounding to float (<= 0.5 ULP + 2^-10), so the result does not depend
 * on the ISA. A NaN loss is 0x7fc00000. */
float sg_mse(size_t rows, size_t cols, const float *y, const float *t, float *delta);
      /* (1/rows) sum (y-t)^2; delta = 2(y-t)/rows. The mean is over rows only
         and there is no 1/2: PyTorch's mse_loss(y, t) (reduction 'mean')
         divides by rows*cols, so this loss and delta are cols times its */
float sg_sigmoid_bce(size_t rows, size_t cols, const float *logits, const float *t, float *probs,
                     float *delta);
      /* binary cross-entropy of a = sigmoid(logits) against targets t in [0, 1]:
         (1/rows) sum -(t log a + (1-t) log(1-a)), from the logits (no log of a
         rounded a); probs (may be NULL) = a; delta = (a - t)/rows. An infinite
         logit is a certain prediction: its term is 0 when the target agrees
         (+inf with t = 1, -inf with t = 0) and +inf otherwise. Again the mean
         is over rows only: PyTorch's binary_cross_entropy_with_logits (mean)
         divides by rows*cols, cols times less than this */

/* ---- dense layer and outer products --------------------------------------
 * W is in x out, X batch x in, Y and dY batch x out, row-major, contiguous.
 * So W is the transpose of PyTorch's nn.Linear.weight (out x in): Y = X W +
 * bias is nn.Linear's x weight^T + bias. Each output element is one FMA chain over its reduction index in increasing
 * order (src/dense.c states the rules), so every ISA returns the same bits;
 * a NaN output is 0x7fc00000 on every ISA, whichever inputs made it.
 * Outputs must not overlap inputs. An output with a non-empty shape is always
 * written whole: an empty reduction (in == 0, batch == 0, out == 0) gives the
 * bias, or +0. */
void sg_dense_forward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                      const float *bias, float *Y);
      /* Y = X W + bias (bias may be NULL: no bias); the chain starts at bias[o].
         Y must not overlap X, W or bias. batch*in, in*out or batch*out past
         the array limit: EINVAL, nothing written */
void sg_dense_backward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                       const float *dY, float *dW, float *db, float *dX);
      /* dW = X^T dY (in x out, overwritten), db = column sums of dY (out),
         dX = dY W^T (batch x in); each output may be NULL to skip it (X may
         then be NULL without dW, W without dX). No output may overlap an
         input or another output. Sizes as for sg_dense_forward */
void sg_outer(size_t m, size_t n, float alpha, const float *x, const float *y, float *A,
              size_t lda);
      /* A += alpha x y^T (BLAS sger): A[i][j] = fma(alpha * x[i], y[j], A[i][j]),
         A m x n with leading dimension lda >= n; alpha == 0 touches nothing.
         A must not overlap x or y. lda < n (even with m, n or alpha making
         the call a no-op), or rows reaching past the array limit: EINVAL,
         nothing written */

/* ---- a multilayer perceptron built from the kernels above --------------
 * Layer l (0 <= l < depth) maps widths[l] inputs to widths[l+1] outputs:
 * u = h W + b, h' = f(u), W widths[l] x widths[l+1]. Hidden layers use the
 * activation given for them; the last layer's is the head's:
 *   SG_HEAD_MSE   identity output, loss sg_mse against float targets;
 *   SG_HEAD_XENT  softmax output, loss sg_softmax_xent against labels;
 *   SG_HEAD_BCE   sigmoid output, loss sg_sigmoid_bce against float targets
 *                 (depth 1 with one output is logistic regression).
 * Every arithmetic step is a library kernel (dense, activation, loss, and
 * sg_outer for the SGD update), so an MLP's results have the same bits on
 * every ISA. Not thread-safe per object; distinct objects are independent. */
/* The _FAST activations run sg_sigmoid_fast / sg_tanh_fast forward (the
 * derivatives are the same kernels as for SIGMOID / TANH). */
typedef enum { SG_ACT_SIGMOID, SG_ACT_TANH, SG_ACT_RELU, SG_ACT_SIGMOID_FAST, SG_ACT_TANH_FAST, SG_ACT_SILU } sg_act;
typedef enum { SG_HEAD_MSE, SG_HEAD_XENT, SG_HEAD_BCE } sg_head;
typedef enum { SG_INIT_NORMAL, SG_INIT_XAVIER, SG_INIT_HE, SG_INIT_LECUN } sg_init;
typedef enum { SG_BIAS_ZERO, SG_BIAS_NORMAL } sg_bias_init;
typedef struct sg_mlp sg_mlp;
/* The activation's name ("sigmoid", "tanh", "relu", "sigmoid_fast",
 * "tanh_fast"), or NULL for a value past the last. */
const char *sg_act_name(sg_act a);

/* widths has depth + 1 entries, each > 0; hidden has depth - 1 entries (may be
 * NULL when depth == 1). Returns NULL (errno EINVAL or ENOMEM) on bad
 * arguments or no memory. Parameters start at zero: call sg_mlp_init. */
sg_mlp *sg_mlp_create(size_t depth, const size_t *widths, const sg_act *hidden, sg_head head);
void    sg_mlp_free(sg_mlp *m);
/* W drawn from N(0, s^2) with s = 1 (NORMAL), sqrt(2/(in+out)) (XAVIER, Glorot),
 * sqrt(2/in) (HE) or sqrt(1/in) (LECUN: N(0, 1/in)); b = 0; gradients 0. The
 * same seed gives the same parameters on every ISA (across C libraries a
 * draw's last bit may differ: libm's log). 0, or -1 (errno EINVAL: unknown
 * init, m NULL; nothing changed). */
int     sg_mlp_init(sg_mlp *m, sg_init init, uint64_t seed);
/* Every bias set again: +0 (ZERO) or drawn from N(0, 1) (NORMAL), from a
 * stream of its own for the seed (the weights sg_mlp_init drew stay as they
 * are, whatever this seed). Call it after sg_mlp_init. 0, or -1 (errno
 * EINVAL: unknown value, m NULL; nothing changed). */
int     sg_mlp_init_bias(sg_mlp *m, sg_bias_init bias, uint64_t seed);
size_t  sg_mlp_depth(const sg_mlp *m);
size_t  sg_mlp_width(const sg_mlp *m, size_t i);      /* widths[i], 0 <= i <= depth */
float  *sg_mlp_weights(sg_mlp *m, size_t layer);      /* W, widths[l] x widths[l+1] */
float  *sg_mlp_bias(sg_mlp *m, size_t layer);         /* b, widths[l+1] */
/* After sg_mlp_backward: dL/dW and dL/db of the last batch's mean loss. */
const float *sg_mlp_grad_weights(const sg_mlp *m, size_t layer);
const float *sg_mlp_grad_bias(const sg_mlp *m, size_t layer);
/* After sg_mlp_forward: layer l's output h (batch x widths[l+1]); for the last
 * layer, the head's output (identity, probabilities). The pointer lives in
 * the object's activation memory: the next sg_mlp_forward overwrites what it
 * points to, and one with a larger batch than any before frees it (take the
 * pointer again after each forward). Weights, biases and gradients never
 * move: their pointers last as long as the object. */
const float *sg_mlp_output(const sg_mlp *m, size_t layer);
/* X is batch x widths[0] and may point anywhere, an earlier output of this
 * object included (it is copied before anything is freed or written). 0, or
 * -1: errno EINVAL for batch == 0, m or X NULL, or a batch whose activations
 * could not exist; ENOMEM when they cannot be allocated (the object is then
 * as it was). */
int     sg_mlp_forward(sg_mlp *m, size_t batch, const float *X);
/* The loss of the last forward batch and the gradients of every layer. MSE
 * and BCE take targets (batch x widths[depth]), XENT takes labels (batch);
 * the other pointer is ignored. Returns the loss (NaN if no forward ran). */
float   sg_mlp_backward(sg_mlp *m, const float *targets, const uint32_t *labels);
/* W -= lr dW, b -= lr db for every layer (one FMA per parameter). */
void    sg_mlp_sgd(sg_mlp *m, float lr);

#ifdef __cplusplus
}
#endif

#endif /* SIMDGRAD_H */
