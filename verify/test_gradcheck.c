/* SPDX-License-Identifier: BSD-3-Clause */
/* Finite-difference gradient checks (src/gradcheck.c) on every ISA, proof
 * that the checker catches wrong gradients, and the MLP API's contract
 * (argument checks, no-forward NaN, buffer growth, SGD, bits across ISAs). */
#include <config.h>

#include <errno.h>

#include "check.h"
#include "gradcheck.h"

/* ---- deliberately wrong gradients ----------------------------------------- */

static void sigmoid_backward_without_one_minus_y(size_t n, const float *y, const float *dy,
                                                 float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i];
}

static void tanh_backward_without_square(size_t n, const float *y, const float *dy, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i]);
}

static void relu_backward_passing_all(size_t n, const float *x, const float *dy, float *dx) {
  (void)x;
  memcpy(dx, dy, n * sizeof *dx);
}

static void softmax_backward_without_dot(size_t rows, size_t cols, const float *y,
                                         const float *dy, float *dx) {
  for (size_t i = 0; i < rows * cols; i++) dx[i] = y[i] * dy[i];
}

static void log_softmax_backward_without_sum(size_t rows, size_t cols, const float *y,
                                             const float *dy, float *dx) {
  (void)y;
  memcpy(dx, dy, rows * cols * sizeof *dx);
}

/* The losses' deltas without their 1/rows. */
static void times_rows(size_t rows, size_t cols, float *delta) {
  for (size_t i = 0; i < rows * cols; i++) delta[i] *= (float)rows;
}

static float softmax_xent_without_mean(size_t rows, size_t cols, const float *logits,
                                       const uint32_t *labels, float *probs, float *delta) {
  float loss = sg_softmax_xent(rows, cols, logits, labels, probs, delta);
  times_rows(rows, cols, delta);
  return loss;
}

static float mse_without_mean(size_t rows, size_t cols, const float *y, const float *t,
                              float *delta) {
  float loss = sg_mse(rows, cols, y, t, delta);
  times_rows(rows, cols, delta);
  return loss;
}

static float sigmoid_bce_without_mean(size_t rows, size_t cols, const float *logits,
                                      const float *t, float *probs, float *delta) {
  float loss = sg_sigmoid_bce(rows, cols, logits, t, probs, delta);
  times_rows(rows, cols, delta);
  return loss;
}

/* dW computed as dY^T X (out x in) and stored as if it were in x out. */
static void dense_backward_transposed_dW(size_t batch, size_t in, size_t out, const float *X,
                                         const float *W, const float *dY, float *dW, float *db,
                                         float *dX) {
  float right[64]; /* the dense check's W is 4 x 6 */
  sg_dense_backward(batch, in, out, X, W, dY, right, db, dX);
  for (size_t i = 0; i < in; i++)
    for (size_t o = 0; o < out; o++) dW[o * in + i] = right[i * out + o];
}

static void dense_backward_without_db(size_t batch, size_t in, size_t out, const float *X,
                                      const float *W, const float *dY, float *dW, float *db,
                                      float *dX) {
  sg_dense_backward(batch, in, out, X, W, dY, dW, NULL, dX);
  memset(db, 0, out * sizeof *db);
}

static const struct {
  const char *check, *bug;
  struct gradcheck_kernels k;
} broken_kernels[] = {
    {"sigmoid", "sigmoid' without (1 - y)", {.sigmoid_backward = sigmoid_backward_without_one_minus_y}},
    {"tanh", "tanh' as 1 - y", {.tanh_backward = tanh_backward_without_square}},
    {"relu", "relu' passing negative x", {.relu_backward = relu_backward_passing_all}},
    {"softmax", "softmax' without <dy, y>", {.softmax_backward = softmax_backward_without_dot}},
    {"log_softmax", "log_softmax' without e^y sum", {.log_softmax_backward = log_softmax_backward_without_sum}},
    {"softmax_xent", "xent delta without 1/rows", {.softmax_xent = softmax_xent_without_mean}},
    {"mse", "mse delta without 1/rows", {.mse = mse_without_mean}},
    {"sigmoid_bce", "bce delta without 1/rows", {.sigmoid_bce = sigmoid_bce_without_mean}},
    {"dense", "dense dW transposed", {.dense_backward = dense_backward_transposed_dW}},
    {"dense", "dense db omitted (zero)", {.dense_backward = dense_backward_without_db}},
};

/* MLP-level faults, applied to the analytic gradients of one layer. */
enum mlp_fault { TRANSPOSE_W0, SCALE_W1, ZERO_LAST_B, ALL_TIMES_BATCH };

static void alter_gradients(size_t depth, const size_t *widths, float **dW, float **db, void *ctx) {
  enum mlp_fault fault = *(const enum mlp_fault *)ctx;
  size_t in = widths[0], out = widths[1];
  float right[5 * 7]; /* layer 0 is 5 x 7 */
  switch (fault) {
  case TRANSPOSE_W0:
    memcpy(right, dW[0], in * out * sizeof *right);
    for (size_t i = 0; i < in; i++)
      for (size_t o = 0; o < out; o++) dW[0][o * in + i] = right[i * out + o];
    break;
  case SCALE_W1:
    for (size_t i = 0; i < widths[1] * widths[2]; i++) dW[1][i] *= 1.01f;
    break;
  case ZERO_LAST_B: memset(db[depth - 1], 0, widths[depth] * sizeof **db); break;
  case ALL_TIMES_BATCH:
    for (size_t l = 0; l < depth; l++) {
      for (size_t i = 0; i < widths[l] * widths[l + 1]; i++) dW[l][i] *= 8.0f;
      for (size_t i = 0; i < widths[l + 1]; i++) db[l][i] *= 8.0f;
    }
    break;
  }
}

static const struct {
  const char *bug;
  enum mlp_fault fault;
  size_t depth;
  sg_head head;
} broken_mlps[] = {
    {"mlp mse d3 b8: dW0 transposed", TRANSPOSE_W0, 3, SG_HEAD_MSE},
    {"mlp xent d3 b8: dW1 x 1.01", SCALE_W1, 3, SG_HEAD_XENT},
    {"mlp mse d2 b8: last db zero", ZERO_LAST_B, 2, SG_HEAD_MSE},
    {"mlp xent d4 b8: no 1/batch", ALL_TIMES_BATCH, 4, SG_HEAD_XENT},
};

/* Every broken variant must fail; prints the error each got. */
static void test_broken(void) {
  printf("\nbroken gradients (each must FAIL):\n");
  for (size_t i = 0; i < sizeof broken_kernels / sizeof *broken_kernels; i++) {
    struct gradcheck_report r = {0};
    int failed = gradcheck_kernel(broken_kernels[i].check, &broken_kernels[i].k, &r);
    printf("  %-36s max rel err %10.3e  %s\n", broken_kernels[i].bug, r.worst,
           failed > 0 ? "caught" : "MISSED");
    CHECK(failed > 0, "%s passed the gradient check", broken_kernels[i].bug);
  }
  for (size_t i = 0; i < sizeof broken_mlps / sizeof *broken_mlps; i++) {
    struct gradcheck_report r = {0};
    enum mlp_fault fault = broken_mlps[i].fault;
    int failed = gradcheck_mlp(broken_mlps[i].depth, broken_mlps[i].head, 8, NULL, alter_gradients,
                               &fault, &r);
    printf("  %-36s max rel err %10.3e  %s\n", broken_mlps[i].bug, r.worst,
           failed > 0 ? "caught" : "MISSED");
    CHECK(failed > 0, "%s passed the gradient check", broken_mlps[i].bug);
  }
}

/* ---- the MLP API's contract ------------------------------------------------- */

static int same_bits(const float *a, const float *b, size_t n) {
  return memcmp(a, b, n * sizeof *a) == 0;
}

static void test_mlp_api(void) {
  const size_t widths[] = {3, 4, 2};
  const sg_act sig[] = {SG_ACT_SIGMOID}, bad_act[] = {(sg_act)7};
  const size_t zero_width[] = {3, 0, 2}, huge[] = {3, SIZE_MAX / 2, 4};
  struct {
    size_t depth;
    const size_t *widths;
    const sg_act *hidden;
    sg_head head;
  } invalid[] = {
      {0, widths, sig, SG_HEAD_MSE},        {2, NULL, sig, SG_HEAD_MSE},
      {2, widths, NULL, SG_HEAD_MSE},       {2, zero_width, sig, SG_HEAD_MSE},
      {2, widths, bad_act, SG_HEAD_MSE},    {2, widths, sig, (sg_head)3},
      {2, huge, sig, SG_HEAD_MSE},
  };
  for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
    errno = 0;
    sg_mlp *m = sg_mlp_create(invalid[i].depth, invalid[i].widths, invalid[i].hidden, invalid[i].head);
    CHECK(!m && errno == EINVAL, "invalid create %zu: %p errno %d", i, (void *)m, errno);
    sg_mlp_free(m);
  }

  sg_mlp *m = sg_mlp_create(2, widths, sig, SG_HEAD_MSE);
  CHECK(m && sg_mlp_depth(m) == 2 && sg_mlp_width(m, 2) == 2 && sg_mlp_width(m, 3) == 0, "create");
  if (!m) return;
  CHECK(!sg_mlp_weights(m, 2) && !sg_mlp_bias(m, 2) && !sg_mlp_grad_weights(m, 2) &&
            !sg_mlp_grad_bias(m, 2) && !sg_mlp_output(m, 0),
        "accessors past depth, or output before forward");
  sg_mlp_init(m, SG_INIT_XAVIER, 42);
  float t[2 * 9], X[3 * 9];
  uint64_t seed = 7;
  for (size_t i = 0; i < 3 * 9; i++) X[i] = rng_uniform(&seed, -1, 1);
  for (size_t i = 0; i < 2 * 9; i++) t[i] = rng_uniform(&seed, -1, 1);
  float loss = sg_mlp_backward(m, t, NULL);
  CHECK(f2u(loss) == 0x7fc00000u && sg_mlp_grad_bias(m, 1)[0] == 0.0f, "backward before forward");
  errno = 0;
  CHECK(sg_mlp_forward(m, 0, X) == -1 && errno == EINVAL, "forward batch 0");
  CHECK(sg_mlp_forward(m, 1, X) == 0, "forward batch 1");
  CHECK(f2u(sg_mlp_backward(m, NULL, NULL)) == 0x7fc00000u, "MSE backward without targets");
  /* A bigger batch grows the buffers; its first row must match the batch-1 run. */
  float row0[2];
  memcpy(row0, sg_mlp_output(m, 1), sizeof row0);
  CHECK(sg_mlp_forward(m, 9, X) == 0 && same_bits(sg_mlp_output(m, 1), row0, 2), "grown batch");
  /* A batch whose activations could not exist is EINVAL; one too big to
   * allocate (2^50 rows, petabytes) is ENOMEM; both keep the last forward.
   * (Sanitizer allocators abort on such a request instead of failing it.) */
  errno = 0;
  CHECK(sg_mlp_forward(m, SIZE_MAX / 4, X) == -1 && errno == EINVAL &&
            same_bits(sg_mlp_output(m, 1), row0, 2),
        "impossible batch: errno %d", errno);
  const char *sanitized = getenv("SIMDGRAD_SANITIZED");
  if (!sanitized || strcmp(sanitized, "yes") != 0) {
    errno = 0;
    CHECK(sg_mlp_forward(m, (size_t)1 << 50, X) == -1 && errno == ENOMEM &&
              same_bits(sg_mlp_output(m, 1), row0, 2),
          "huge batch: errno %d", errno);
  }
  loss = sg_mlp_backward(m, t, NULL);
  CHECK(loss > 0 && !isnan(loss), "backward loss %g", loss);
  /* SGD is one FMA per parameter. */
  float W[12], dW[12], b[2], db[2];
  memcpy(W, sg_mlp_weights(m, 0), sizeof W), memcpy(dW, sg_mlp_grad_weights(m, 0), sizeof dW);
  memcpy(b, sg_mlp_bias(m, 1), sizeof b), memcpy(db, sg_mlp_grad_bias(m, 1), sizeof db);
  sg_mlp_sgd(m, 0.1f);
  for (size_t i = 0; i < 12; i++)
    CHECK(sg_mlp_weights(m, 0)[i] == fmaf(-0.1f, dW[i], W[i]), "sgd W[%zu]", i);
  for (size_t i = 0; i < 2; i++) CHECK(sg_mlp_bias(m, 1)[i] == fmaf(-0.1f, db[i], b[i]), "sgd b[%zu]", i);
  sg_mlp_free(m);

  /* The same seed and data give the same bits on every ISA (XENT head, a
   * ReLU and a tanh layer, a few SGD steps). */
  const size_t w4[] = {5, 9, 17, 8, 4};
  const sg_act acts[] = {SG_ACT_RELU, SG_ACT_TANH, SG_ACT_SIGMOID};
  uint32_t labels[33];
  float x[33 * 5];
  for (size_t i = 0; i < 33 * 5; i++) x[i] = rng_uniform(&seed, -2, 2);
  for (size_t i = 0; i < 33; i++) labels[i] = (uint32_t)(rng_next(&seed) % 4);
  sg_isa isas[SG_ISA_COUNT];
  int count = supported_isas(isas);
  uint64_t first = 0;
  for (int k = 0; k < count; k++) {
    sg_set_isa(isas[k]);
    sg_mlp *n = sg_mlp_create(4, w4, acts, SG_HEAD_XENT);
    sg_mlp_init(n, SG_INIT_HE, 1234);
    uint64_t h = DIGEST_INIT;
    for (int step = 0; step < 3; step++) {
      sg_mlp_forward(n, 33, x);
      float l = sg_mlp_backward(n, NULL, labels);
      h = digest_floats(h, &l, 1);
      sg_mlp_sgd(n, 0.05f);
    }
    for (size_t l = 0; l < 4; l++) h = digest_floats(h, sg_mlp_weights(n, l), w4[l] * w4[l + 1]);
    h = digest_floats(h, sg_mlp_output(n, 3), 33 * 4);
    if (k == 0) first = h;
    CHECK(h == first, "MLP bits on %s differ from scalar", sg_isa_name(isas[k]));
    sg_mlp_free(n);
  }
}

/* sg_mlp_init: each scheme's spread (the sample standard deviation of a
 * 400 x 300 layer, 120000 draws: within 2% of s, a 7-sigma margin), mean 0,
 * zero biases, the same bits for the same seed and an error for an unknown
 * scheme. */
static void test_init(void) {
  const size_t widths[] = {400, 300, 2};
  const sg_act sig[] = {SG_ACT_SIGMOID};
  sg_mlp *m = sg_mlp_create(2, widths, sig, SG_HEAD_MSE);
  CHECK(m != NULL, "create 400-300-2");
  if (!m) return;
  const struct {
    sg_init init;
    double s;
  } schemes[] = {{SG_INIT_NORMAL, 1.0}, {SG_INIT_XAVIER, sqrt(2.0 / 700)}, {SG_INIT_HE, sqrt(2.0 / 400)},
                 {SG_INIT_LECUN, sqrt(1.0 / 400)}};
  size_t n = 400 * 300;
  float *first = xmalloc(n * sizeof *first);
  for (size_t k = 0; k < 4; k++) {
    CHECK(sg_mlp_init(m, schemes[k].init, 99) == 0, "init %zu", k);
    const float *W = sg_mlp_weights(m, 0);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) sum += W[i], sq += (double)W[i] * W[i];
    double mean = sum / n, sd = sqrt(sq / n - mean * mean), s = schemes[k].s;
    CHECK(fabs(sd / s - 1) < 0.02 && fabs(mean) < 5 * s / sqrt((double)n),
          "init %zu: mean %g, sd %g, want 0 and %g", k, mean, sd, s);
    CHECK(sg_mlp_bias(m, 0)[0] == 0.0f && sg_mlp_bias(m, 1)[1] == 0.0f, "init %zu: biases", k);
    if (k == 0) memcpy(first, W, n * sizeof *first);
  }
  sg_mlp_init(m, SG_INIT_NORMAL, 99);
  CHECK(same_bits(sg_mlp_weights(m, 0), first, n), "the same seed gives other weights");
  sg_mlp_init(m, SG_INIT_NORMAL, 100);
  CHECK(!same_bits(sg_mlp_weights(m, 0), first, n), "another seed gives the same weights");
  errno = 0;
  CHECK(sg_mlp_init(m, (sg_init)4, 1) == -1 && errno == EINVAL, "unknown init scheme");
  CHECK(sg_mlp_init(NULL, SG_INIT_HE, 1) == -1, "init of NULL");

  /* Biases from N(0, 1): 302 of them, mean and spread within 5 standard
   * errors; the weights untouched, the same seed the same bits; ZERO
   * zeroes them again. */
  memcpy(first, sg_mlp_weights(m, 0), n * sizeof *first);
  CHECK(sg_mlp_init_bias(m, SG_BIAS_NORMAL, 7) == 0, "bias init");
  double bs = 0, bq = 0;
  size_t nb = 0;
  for (size_t l = 0; l < 2; l++)
    for (size_t j = 0; j < widths[l + 1]; j++, nb++) {
      double b = sg_mlp_bias(m, l)[j];
      bs += b, bq += b * b;
    }
  double bmean = bs / nb, bsd = sqrt(bq / nb - bmean * bmean);
  CHECK(fabs(bmean) < 5 / sqrt((double)nb) && fabs(bsd - 1) < 5 / sqrt(2.0 * nb), "bias N(0,1): mean %g, sd %g", bmean, bsd);
  CHECK(same_bits(sg_mlp_weights(m, 0), first, n), "bias init changed the weights");
  float b0 = sg_mlp_bias(m, 1)[1];
  sg_mlp_init_bias(m, SG_BIAS_NORMAL, 8);
  CHECK(sg_mlp_bias(m, 1)[1] != b0, "another bias seed gives the same biases");
  sg_mlp_init_bias(m, SG_BIAS_NORMAL, 7);
  CHECK(sg_mlp_bias(m, 1)[1] == b0, "the same bias seed gives other biases");
  CHECK(sg_mlp_init_bias(m, SG_BIAS_ZERO, 7) == 0 && f2u(sg_mlp_bias(m, 0)[5]) == 0, "bias init ZERO");
  errno = 0;
  CHECK(sg_mlp_init_bias(m, (sg_bias_init)2, 1) == -1 && errno == EINVAL, "unknown bias init");
  CHECK(sg_mlp_init_bias(NULL, SG_BIAS_ZERO, 1) == -1, "bias init of NULL");
  free(first);
  sg_mlp_free(m);
}

int main(void) {
  sg_isa isas[SG_ISA_COUNT];
  int count = supported_isas(isas);
  for (int k = 0; k < count; k++) {
    CHECK(sg_set_isa(isas[k]) == 0, "set %s", sg_isa_name(isas[k]));
    printf("%sISA %s\n", k ? "\n" : "", sg_isa_name(isas[k]));
    gradcheck_print_header(stdout);
    struct gradcheck_report r = {stdout, 0, 0, 0.0};
    int failed = gradcheck_all(0, -1, &r);
    printf("%s: %u rows, %d failed, largest max relative error %.3e\n", sg_isa_name(isas[k]),
           r.rows, failed, r.worst);
    CHECK(failed == 0, "%d gradient check(s) failed on %s", failed, sg_isa_name(isas[k]));
  }
  sg_set_isa(isas[count - 1]);
  test_broken();
  test_mlp_api();
  test_init();
  return check_summary("test_gradcheck");
}
