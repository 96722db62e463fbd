/* simdgrad: SIMD kernels for backpropagation.
 *
 * All tensors are f32, row-major and contiguous. Pointers need no alignment.
 * Element-wise kernels may run in place (input and output the same array).
 * n == 0 is a no-op. Every ISA returns exactly the scalar reference's bits.
 * See DESIGN.md (the project contract) for the mathematics and numerics.
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
/* Environment SIMDGRAD_ISA=scalar|avx2|avx512|neon forces the choice at start-up;
 * an unknown or unsupported value prints an error on stderr and exits the
 * process with status 2 (never a silent fallback). */

const char *sg_version(void);              /* the package version, e.g. "0.1.0" */
const char *sg_cpu_model(void);            /* CPU brand string, or "unknown" */
const char *sg_cpu_features(void);         /* detected features that matter here, space-separated */

/* The dispatch table, entry by entry: the API name (without sg_) of entry i,
 * or NULL when i is past the last one, and the ISA of the kernel the active
 * table holds for it (an ISA without its own kernel for an entry uses scalar). */
const char *sg_entry_name(size_t i);
sg_isa      sg_entry_isa(size_t i);

/* ---- element-wise --------------------------------------------------------- */

void sg_sigmoid(size_t n, const float *x, float *y);                            /* y = 1/(1+e^-x) */
void sg_sigmoid_backward(size_t n, const float *y, const float *dy, float *dx); /* dx = dy*y*(1-y) */
void sg_tanh(size_t n, const float *x, float *y);                  /* y = tanh x */
void sg_tanh_backward(size_t n, const float *y, const float *dy, float *dx);    /* dx = dy*(1-y*y) */
void sg_relu(size_t n, const float *x, float *y);                    /* y = x > 0 ? x : +0; NaN stays */
void sg_relu_backward(size_t n, const float *x, const float *dy, float *dx); /* dx = x > 0 ? dy : +0 */

/* ---- row-wise over a rows x cols matrix ------------------------------------
 * rows == 0 or cols == 0 touches nothing. x == y (in place) is fine. A row
 * holding a NaN or +inf, or only -inf, comes out all NaN (0x7fc00000), as in
 * the common frameworks; -inf entries of other rows get probability +0. */
void  sg_softmax(size_t rows, size_t cols, const float *x, float *y);
void  sg_log_softmax(size_t rows, size_t cols, const float *x, float *y);
void  sg_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
      /* dx = y * (dy - <dy, y>) per row; a NaN result is 0x7fc00000 */
void  sg_log_softmax_backward(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
      /* y = log_softmax(x): dx = dy - e^y * sum(dy) per row (in double, one
         rounding; scalar on every ISA) */
float sg_softmax_xent(size_t rows, size_t cols, const float *logits, const uint32_t *labels,
                      float *probs, float *delta);
      /* returns mean over rows of -log p[label]; probs may be NULL; delta (may be NULL)
         = (probs - onehot(label)) / rows, the gradient of the returned loss.
         A label >= cols is never used as an index: that row's loss is NaN (so the
         returned mean is NaN), its delta row is all NaN, its probs are written.
         rows == 0 returns 0; cols == 0 (with rows > 0) returns NaN; neither
         touches any array. */

/* ---- losses over a rows x cols matrix --------------------------------------
 * Each returns the mean over rows of the per-row loss (rows == 0: 0, nothing
 * touched) and writes delta (may be NULL), its gradient with respect to the
 * first argument, 1/rows included. Sums run in double in a fixed order, so
 * the result does not depend on the ISA. */
float sg_mse(size_t rows, size_t cols, const float *y, const float *t, float *delta);
      /* (1/rows) sum (y-t)^2; delta = 2(y-t)/rows */
float sg_sigmoid_bce(size_t rows, size_t cols, const float *logits, const float *t, float *probs,
                     float *delta);
      /* binary cross-entropy of a = sigmoid(logits) against targets t in [0, 1]:
         (1/rows) sum -(t log a + (1-t) log(1-a)), from the logits (no log of a
         rounded a); probs (may be NULL) = a; delta = (a - t)/rows */

/* ---- dense layer and outer products --------------------------------------
 * W is in x out, X batch x in, Y and dY batch x out, row-major, contiguous.
 * Each output element is one FMA chain over its reduction index in increasing
 * order (src/dense.c states the rules), so every ISA returns the same bits;
 * a NaN output is 0x7fc00000 on every ISA, whichever inputs made it.
 * Outputs must not overlap inputs. An output with a non-empty shape is always
 * written whole: an empty reduction (in == 0, batch == 0, out == 0) gives the
 * bias, or +0. */
void sg_dense_forward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                      const float *bias, float *Y);
      /* Y = X W + bias (bias may be NULL: no bias); the chain starts at bias[o] */
void sg_dense_backward(size_t batch, size_t in, size_t out, const float *X, const float *W,
                       const float *dY, float *dW, float *db, float *dX);
      /* dW = X^T dY (in x out, overwritten), db = column sums of dY (out),
         dX = dY W^T (batch x in); each output may be NULL to skip it */
void sg_outer(size_t m, size_t n, float alpha, const float *x, const float *y, float *A,
              size_t lda);
      /* A += alpha x y^T (BLAS sger): A[i][j] = fma(alpha * x[i], y[j], A[i][j]),
         A m x n with leading dimension lda >= n; alpha == 0 touches nothing */

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
typedef enum { SG_ACT_SIGMOID, SG_ACT_TANH, SG_ACT_RELU } sg_act;
typedef enum { SG_HEAD_MSE, SG_HEAD_XENT, SG_HEAD_BCE } sg_head;
typedef enum { SG_INIT_NORMAL, SG_INIT_XAVIER, SG_INIT_HE } sg_init;
typedef struct sg_mlp sg_mlp;

/* widths has depth + 1 entries, each > 0; hidden has depth - 1 entries (may be
 * NULL when depth == 1). Returns NULL (errno EINVAL or ENOMEM) on bad
 * arguments or no memory. Parameters start at zero: call sg_mlp_init. */
sg_mlp *sg_mlp_create(size_t depth, const size_t *widths, const sg_act *hidden, sg_head head);
void    sg_mlp_free(sg_mlp *m);
/* W drawn from N(0, s^2) with s = 1 (NORMAL), sqrt(2/(in+out)) (XAVIER, Glorot)
 * or sqrt(2/in) (HE); b = 0; gradients 0. The same seed gives the same
 * parameters on every ISA (across C libraries a draw's last bit may differ:
 * libm's log). 0, or -1 (errno EINVAL: unknown init, m NULL; nothing changed). */
int     sg_mlp_init(sg_mlp *m, sg_init init, uint64_t seed);
size_t  sg_mlp_depth(const sg_mlp *m);
size_t  sg_mlp_width(const sg_mlp *m, size_t i);      /* widths[i], 0 <= i <= depth */
float  *sg_mlp_weights(sg_mlp *m, size_t layer);      /* W, widths[l] x widths[l+1] */
float  *sg_mlp_bias(sg_mlp *m, size_t layer);         /* b, widths[l+1] */
/* After sg_mlp_backward: dL/dW and dL/db of the last batch's mean loss. */
const float *sg_mlp_grad_weights(const sg_mlp *m, size_t layer);
const float *sg_mlp_grad_bias(const sg_mlp *m, size_t layer);
/* After sg_mlp_forward: layer l's output h (batch x widths[l+1]); for the last
 * layer, the head's output (identity, probabilities). */
const float *sg_mlp_output(const sg_mlp *m, size_t layer);
/* X is batch x widths[0]. 0, or -1 (errno ENOMEM / EINVAL for batch == 0). */
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
