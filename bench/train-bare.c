/* SPDX-License-Identifier: BSD-3-Clause */
/* The reference of `make bench-train`: the training pass of `simdgrad train`
 * written as a bare loop over the library's kernel API (dense layer,
 * activation, softmax + cross-entropy, SGD as sg_outer), without the MLP
 * object, the CLI or its statistics. It trains the same net from the same
 * start on the same batches in the same order, so its final parameters must
 * have the digest `simdgrad train` prints (FNV-1a over each layer's W then
 * b): it prints that digest on stderr for the caller to compare, and one
 * line per epoch on stdout: epoch, mean loss, seconds of the training pass.
 *
 *   train-bare [--data DIR] [--hidden N,N...] [--act sigmoid|tanh|relu]
 *              [--init xavier|he|lecun|normal] [--epochs N] [--batch N]
 *              [--lr X] [--seed N] [--limit N]
 * Only the options and defaults of `simdgrad train` that these nets use
 * (softmax + cross-entropy head, zero biases). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "experiment.h"
#include "simdgrad.h"

#define MAX_LAYERS 8

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

struct widths {
  size_t *w, n;
};

static int add_width(void *ctx, uint64_t first, uint64_t last) {
  struct widths *h = ctx;
  (void)last;
  if (h->n + 2 > MAX_LAYERS + 1) {
    fprintf(stderr, "train-bare: at most %d hidden layers\n", MAX_LAYERS - 1);
    return -1;
  }
  h->w[++h->n] = (size_t)first;
  return 0;
}

static void activate(sg_act act, size_t n, const float *u, float *h) {
  if (act == SG_ACT_SIGMOID) sg_sigmoid(n, u, h);
  else if (act == SG_ACT_TANH) sg_tanh(n, u, h);
  else sg_relu(n, u, h);
}

/* dx = dL/du of a hidden layer from dL/dh in place: sigmoid and tanh from
 * their output h, ReLU from its input u (as the MLP does). */
static void activate_backward(sg_act act, size_t n, const float *u, const float *h, float *d) {
  if (act == SG_ACT_SIGMOID) sg_sigmoid_backward(n, h, d, d);
  else if (act == SG_ACT_TANH) sg_tanh_backward(n, h, d, d);
  else sg_relu_backward(n, u, d, d);
}

int main(int argc, char **argv) {
  static const struct option options[] = {
      {"data", required_argument, NULL, 'D'},  {"hidden", required_argument, NULL, 'H'},
      {"act", required_argument, NULL, 'a'},   {"init", required_argument, NULL, 'i'},
      {"epochs", required_argument, NULL, 'e'}, {"batch", required_argument, NULL, 'b'},
      {"lr", required_argument, NULL, 'l'},    {"seed", required_argument, NULL, 's'},
      {"limit", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
  const char *data = SG_FASHION_MNIST_DIR;
  size_t width[MAX_LAYERS + 1] = {PIXELS, 100};
  struct widths hidden = {width, 0};
  sg_act act = SG_ACT_SIGMOID;
  sg_init init = SG_INIT_XAVIER;
  size_t epochs = 1, batch = 32, limit = 0;
  uint64_t seed = 1;
  float lr = 0.1f;
  int c, hidden_given = 0;
  while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'D': data = optarg; break;
    case 'H':
      hidden.n = 0, hidden_given = 1;
      bad = parse_number_list("train-bare", "hidden", optarg, 1, 65536, 0, add_width, &hidden);
      break;
    case 'a': bad = parse_act("train-bare", optarg, &act) || act > SG_ACT_RELU; break;
    case 'i': bad = parse_init("train-bare", optarg, &init); break;
    case 'e': bad = parse_size("train-bare", "epochs", optarg, 1, 10000, &epochs); break;
    case 'b': bad = parse_size("train-bare", "batch", optarg, 1, 60000, &batch); break;
    case 'l': bad = parse_positive("train-bare", "lr", optarg, 100.0f, &lr); break;
    case 's': bad = parse_u64("train-bare", "seed", optarg, 0, UINT64_MAX, &seed); break;
    case 'n': bad = parse_size("train-bare", "limit", optarg, 1, 1u << 24, &limit); break;
    default: bad = 1;
    }
    if (bad) {
      fprintf(stderr, "usage: train-bare [--data DIR] [--hidden N,...] [--act sigmoid|tanh|relu] [--init I] "
                      "[--epochs N] [--batch N] [--lr X] [--seed N] [--limit N]\n");
      return 2;
    }
  }
  if (!hidden_given) hidden.n = 1;
  const size_t depth = hidden.n + 1;
  width[depth] = CLASSES;

  struct dataset train = {0};
  if (load_fashion("train-bare", data, "train", &train)) return 1;
  if (limit && limit < train.count) train.count = limit;

  /* The start of `simdgrad train`: the MLP's own initialisation, copied out. */
  sg_act acts[MAX_LAYERS];
  for (size_t l = 0; l + 1 < depth; l++) acts[l] = act;
  sg_mlp *m = sg_mlp_create(depth, width, acts, SG_HEAD_XENT);
  if (!m || sg_mlp_init(m, init, seed)) {
    fprintf(stderr, "train-bare: cannot create the network\n");
    return 1;
  }
  float *W[MAX_LAYERS], *b[MAX_LAYERS], *dW[MAX_LAYERS], *db[MAX_LAYERS], *u[MAX_LAYERS], *h[MAX_LAYERS];
  size_t widest = 0;
  for (size_t l = 0; l < depth; l++) {
    size_t in = width[l], out = width[l + 1];
    W[l] = malloc(in * out * sizeof(float)), dW[l] = malloc(in * out * sizeof(float));
    b[l] = malloc(out * sizeof(float)), db[l] = malloc(out * sizeof(float));
    u[l] = malloc(batch * out * sizeof(float));
    h[l] = act == SG_ACT_RELU ? malloc(batch * out * sizeof(float)) : u[l]; /* ReLU's backward needs u */
    if (!W[l] || !dW[l] || !b[l] || !db[l] || !u[l] || !h[l]) return 1;
    memcpy(W[l], sg_mlp_weights(m, l), in * out * sizeof(float));
    memcpy(b[l], sg_mlp_bias(m, l), out * sizeof(float));
    if (out > widest) widest = out;
  }
  sg_mlp_free(m);
  float *xb = malloc(batch * PIXELS * sizeof(float)), *delta = malloc(batch * widest * sizeof(float));
  float *spare = malloc(batch * widest * sizeof(float));
  uint32_t *yb = malloc(batch * sizeof *yb);
  size_t *order = malloc(train.count * sizeof *order);
  if (!xb || !delta || !spare || !yb || !order) return 1;

  /* the shuffle of simdgrad train: the same stream, the same Fisher-Yates */
  uint64_t rng = seed ^ 0x5851f42d4c957f2dull;
  for (size_t i = 0; i < train.count; i++) order[i] = i;
  const size_t batches = (train.count + batch - 1) / batch;
  const float one = 1.0f;
  printf("epoch\ttrain_loss\tseconds\n");
  for (size_t e = 1; e <= epochs; e++) {
    double t0 = now_seconds(), loss_sum = 0.0;
    shuffle_order(order, train.count, &rng);
    for (size_t k = 0; k < batches; k++) {
      size_t n = gather_batch(&train, order, k, batch, xb, yb);
      for (size_t l = 0; l < depth; l++) {
        sg_dense_forward(n, width[l], width[l + 1], l ? h[l - 1] : xb, W[l], b[l], u[l]);
        if (l + 1 < depth) activate(act, n * width[l + 1], u[l], h[l]);
      }
      loss_sum += sg_softmax_xent(n, CLASSES, u[depth - 1], yb, NULL, delta);
      float *d = delta, *s = spare;
      for (size_t l = depth; l-- > 0;) {
        sg_dense_backward(n, width[l], width[l + 1], l ? h[l - 1] : xb, W[l], d, dW[l], db[l], l ? s : NULL);
        if (!l) break;
        activate_backward(act, n * width[l], u[l - 1], h[l - 1], s);
        float *t = d;
        d = s, s = t;
      }
      for (size_t l = 0; l < depth; l++) {
        sg_outer(1, width[l] * width[l + 1], -lr, &one, dW[l], W[l], width[l] * width[l + 1]);
        sg_outer(1, width[l + 1], -lr, &one, db[l], b[l], width[l + 1]);
      }
    }
    printf("%zu\t%.6f\t%.3f\n", e, loss_sum / (double)batches, now_seconds() - t0);
    fflush(stdout);
  }
  uint64_t digest = 0xcbf29ce484222325ull;
  for (size_t l = 0; l < depth; l++) {
    const unsigned char *p[2] = {(const unsigned char *)W[l], (const unsigned char *)b[l]};
    size_t bytes[2] = {width[l] * width[l + 1] * sizeof(float), width[l + 1] * sizeof(float)};
    for (int k = 0; k < 2; k++)
      for (size_t i = 0; i < bytes[k]; i++) digest = (digest ^ p[k][i]) * 0x100000001b3ull;
  }
  fprintf(stderr, "train-bare: parameters digest %016llx\n", (unsigned long long)digest);
  return 0;
}
