/* SPDX-License-Identifier: BSD-3-Clause */
/* The finite-difference gradient checker, shared by verify/test_gradcheck
 * and `simdgrad gradcheck`.
 *
 * Each check compares an analytic gradient (the library's float kernels, on
 * whatever ISA is active) with central differences of a double-precision
 * reference of the same function written out in gradcheck.c, evaluated at
 * the same float inputs. Every checked array gives one row: its largest
 * relative error and whether that is within the tolerance (gradcheck.c
 * states the step, the floor and the tolerances, and why). */
#ifndef SG_GRADCHECK_H
#define SG_GRADCHECK_H

#include <stdio.h>

#include "simdgrad.h"

/* The analytic side of the per-kernel checks, with the library's signatures,
 * so a test can substitute a deliberately wrong gradient; a NULL member
 * means the library's kernel. */
struct gradcheck_kernels {
  void (*sigmoid_backward)(size_t n, const float *y, const float *dy, float *dx);
  void (*tanh_backward)(size_t n, const float *y, const float *dy, float *dx);
  void (*relu_backward)(size_t n, const float *x, const float *dy, float *dx);
  void (*softmax_backward)(size_t rows, size_t cols, const float *y, const float *dy, float *dx);
  void (*log_softmax_backward)(size_t rows, size_t cols, const float *y, const float *dy,
                               float *dx);
  float (*softmax_xent)(size_t rows, size_t cols, const float *logits, const uint32_t *labels,
                        float *probs, float *delta);
  float (*mse)(size_t rows, size_t cols, const float *y, const float *t, float *delta);
  float (*sigmoid_bce)(size_t rows, size_t cols, const float *logits, const float *t,
                       float *probs, float *delta);
  void (*dense_backward)(size_t batch, size_t in, size_t out, const float *X, const float *W,
                         const float *dY, float *dW, float *db, float *dX);
  void (*silu_backward)(size_t n, const float *x, const float *dy, float *dx);
};
extern const struct gradcheck_kernels gradcheck_library;

/* Where rows go and what they added up to. */
struct gradcheck_report {
  FILE *out;            /* rows are printed here as they come (NULL: quiet) */
  unsigned rows, failures;
  double worst;         /* the largest max relative error of any row */
};
void gradcheck_print_header(FILE *out);

/* The per-kernel checks by name: "sigmoid", "tanh", "relu", "softmax",
 * "log_softmax", "softmax_xent", "mse", "sigmoid_bce", "dense" (NULL kernels:
 * the library's throughout). Each returns the number of failed rows, or -1
 * for an unknown name. */
extern const char *const gradcheck_kernel_names[];
int gradcheck_kernel(const char *name, const struct gradcheck_kernels *k,
                     struct gradcheck_report *r);

/* A whole MLP through the sg_mlp_* API: widths 5 -> 7 -> 6 -> 8 -> 7 -> 6 ...
 * -> the head's outputs (MSE 3, XENT 4, BCE 1), hidden activations from
 * `hidden` (depth - 1 of them; NULL: all sigmoid). alter, when given, may
 * change the analytic gradients (dW[l] is widths[l] x widths[l+1], db[l]
 * widths[l+1]) before they are compared. Returns the number of failed rows
 * (one per layer for W and one for b), or -1 (counted as a failure) if the
 * MLP could not be made. */
typedef void gradcheck_alter_fn(size_t depth, const size_t *widths, float **dW, float **db,
                                void *ctx);
int gradcheck_mlp(size_t depth, sg_head head, size_t batch, const sg_act *hidden,
                  gradcheck_alter_fn *alter, void *ctx, struct gradcheck_report *r);

/* The standard set: every kernel, then the MLPs with sigmoid hidden layers
 * for depths 1..6 (or only `depth` when it is not 0), heads MSE and XENT (or
 * only `head` when it is not negative), batch 1 and 8; a tanh/ReLU MLP of
 * depth 3; logistic regression (depth 1, BCE) when the filters allow it.
 * Returns the number of failed rows. */
int gradcheck_all(size_t depth, int head, struct gradcheck_report *r);

#endif
