/* SPDX-License-Identifier: BSD-3-Clause */
/* A small MLP with the library's MLP API: two inputs, two hidden tanh layers
 * of 16, a softmax + cross-entropy head over 2 classes, trained by minibatch
 * SGD on XOR of the signs (class 1 when x0 and x1 have different signs), a
 * problem no linear model solves. A complete program; build it against an
 * installed library with
 *     cc mlp.c $(pkg-config --cflags --libs simdgrad) -o mlp
 * Exits 0 when the trained net classifies held-out points (accuracy >= 0.95),
 * 1 otherwise. */
#include <simdgrad.h>
#include <stdint.h>
#include <stdio.h>

#define TRAIN 2048
#define TEST 512
#define BATCH 32

static float uniform(uint64_t *s) { /* [-1, 1), as in logistic.c */
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(*s >> 40) * 0x1p-23f - 1.0f;
}

static void make_points(size_t n, float *X, uint32_t *labels, uint64_t *seed) {
  for (size_t i = 0; i < n; i++) {
    X[2 * i] = uniform(seed), X[2 * i + 1] = uniform(seed);
    labels[i] = (X[2 * i] > 0.0f) != (X[2 * i + 1] > 0.0f);
  }
}

int main(void) {
  static float X[TRAIN * 2], Xt[TEST * 2];
  static uint32_t y[TRAIN], yt[TEST];
  uint64_t seed = 7;
  make_points(TRAIN, X, y, &seed);
  make_points(TEST, Xt, yt, &seed);

  const size_t widths[] = {2, 16, 16, 2};
  const sg_act hidden[] = {SG_ACT_TANH, SG_ACT_TANH};
  sg_mlp *m = sg_mlp_create(3, widths, hidden, SG_HEAD_XENT);
  if (!m || sg_mlp_init(m, SG_INIT_XAVIER, 1) != 0) {
    perror("mlp");
    return 1;
  }
  for (int epoch = 1; epoch <= 40; epoch++) {
    double sum = 0.0;
    for (size_t i = 0; i + BATCH <= TRAIN; i += BATCH) {
      if (sg_mlp_forward(m, BATCH, X + 2 * i) != 0) {
        perror("sg_mlp_forward");
        return 1;
      }
      sum += sg_mlp_backward(m, NULL, y + i); /* mean cross-entropy of the batch */
      sg_mlp_sgd(m, 0.5f);
    }
    if (epoch % 10 == 0) printf("epoch %2d  loss %.4f\n", epoch, sum / (TRAIN / BATCH));
  }
  /* held-out accuracy: class 1 when its probability wins */
  if (sg_mlp_forward(m, TEST, Xt) != 0) {
    perror("sg_mlp_forward");
    return 1;
  }
  const float *p = sg_mlp_output(m, sg_mlp_depth(m) - 1); /* TEST x 2 probabilities */
  size_t right = 0;
  for (size_t i = 0; i < TEST; i++) right += (uint32_t)(p[2 * i + 1] > p[2 * i]) == yt[i];
  double accuracy = (double)right / TEST;
  printf("held-out accuracy %.3f (active ISA %s)\n", accuracy, sg_isa_name(sg_active_isa()));
  sg_mlp_free(m);
  return accuracy >= 0.95 ? 0 : 1;
}
