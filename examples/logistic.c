/* SPDX-License-Identifier: BSD-3-Clause */
/* Logistic regression with the dense layer and sg_sigmoid_bce: points in the
 * plane, labelled 1 above the line x1 = 0.5 x0 + 0.25, fitted by full-batch
 * gradient descent. A complete program; build it against an installed
 * library with
 *     cc logistic.c $(pkg-config --cflags --libs simdgrad) -o logistic
 * Prints the loss as it falls and exits 0 when the fit separates the
 * training points (accuracy >= 0.97), 1 otherwise. */
#include <simdgrad.h>
#include <stdint.h>
#include <stdio.h>

#define N 512 /* points */

/* Uniform in [-1, 1) from a 64-bit LCG: no libm, the same points everywhere. */
static float uniform(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(*s >> 40) * 0x1p-23f - 1.0f;
}

int main(void) {
  static float X[N * 2], t[N], z[N], probs[N], delta[N], dX[N * 2];
  float W[2] = {0.0f, 0.0f}, b = 0.0f, dW[2], db;
  uint64_t seed = 42;
  for (size_t i = 0; i < N; i++) {
    X[2 * i] = uniform(&seed), X[2 * i + 1] = uniform(&seed);
    t[i] = X[2 * i + 1] > 0.5f * X[2 * i] + 0.25f ? 1.0f : 0.0f;
  }
  const float lr = 4.0f;
  float loss = 0.0f;
  for (int step = 0; step <= 500; step++) {
    sg_dense_forward(N, 2, 1, X, W, &b, z);                  /* z = X W + b: the logits */
    loss = sg_sigmoid_bce(N, 1, z, t, probs, delta);         /* delta = (sigmoid(z) - t) / N */
    sg_dense_backward(N, 2, 1, X, W, delta, dW, &db, dX);    /* dW = X^T delta, db = sum delta */
    W[0] -= lr * dW[0], W[1] -= lr * dW[1], b -= lr * db;
    if (step % 100 == 0) printf("step %3d  loss %.5f\n", step, loss);
  }
  size_t right = 0;
  for (size_t i = 0; i < N; i++) right += (probs[i] > 0.5f) == (t[i] > 0.5f);
  double accuracy = (double)right / N;
  printf("W = (%.3f, %.3f), b = %.3f; accuracy %.3f (the line's W is proportional to (-0.5, 1), b to -0.25)\n",
         W[0], W[1], b, accuracy);
  return accuracy >= 0.97 ? 0 : 1;
}
