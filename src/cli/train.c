/* SPDX-License-Identifier: BSD-3-Clause */
/* simdgrad train: minibatch SGD on Fashion-MNIST with the library's MLP.
 *
 * The network arithmetic is all library kernels (sg_mlp_*); this file reads
 * the data, shuffles, gathers minibatches, and records per epoch the training
 * loss, the test accuracy, the seconds taken and each layer's gradient
 * magnitudes (averaged over the epoch's minibatches, as the model was while
 * training). The same seed gives the same bits on every ISA: the shuffle is
 * a seeded integer RNG, and the kernels are bit-identical across ISAs; the
 * digest printed at the end (FNV-1a over the final parameters) shows it. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "experiment.h"

#define MAX_HIDDEN 16

static const char *const usage_text =
    "usage: simdgrad train [OPTIONS]\n"
    "  minibatch SGD on Fashion-MNIST\n"
    "  --data DIR        the four *-ubyte.gz files (default " SG_FASHION_MNIST_DIR ")\n"
    "  --hidden LIST     hidden widths, e.g. 100 or 256,128 (default 100)\n"
    "  --act NAME        sigmoid, tanh, relu, silu, or the fast tier sigmoid_fast\n"
    "                    or tanh_fast (default sigmoid)\n"
    "  --init NAME       normal, xavier, he or lecun (default xavier)\n"
    "  --head H          xent (softmax + cross-entropy, default), bce (sigmoid\n"
    "                    outputs + binary cross-entropy) or mse, on one-hot targets\n"
    "  --bias-init B     zero (default) or normal: biases from N(0, 1)\n"
    "  --epochs N        (default 10)    --batch N (default 32)    --lr X (default 0.1)\n"
    "  --seed N          (default 1)     --limit N: use the first N training images\n"
    "  --out DIR         write DIR/train-<net>.tsv (per epoch and layer) and\n"
    "                    DIR/train-<net>-epochs.tsv (loss, accuracy, seconds of the\n"
    "                    training pass, seconds of the gradient statistics)\n"
    "  --isa NAME        force scalar, avx2, avx512 or neon\n"
    "  --threads N       the library's threads, 0 for every CPU (default: every\n"
    "                    CPU, or SIMDGRAD_THREADS; the results are the same)\n"
    "  --quiet           no progress bar\n";

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The share of test images whose largest output is their label. */
static double test_accuracy(sg_mlp *m, const struct dataset *test, size_t chunk) {
  size_t right = 0, depth = sg_mlp_depth(m);
  for (size_t i = 0; i < test->count; i += chunk) {
    size_t n = test->count - i < chunk ? test->count - i : chunk;
    if (sg_mlp_forward(m, n, test->x + i * PIXELS)) return -1;
    const float *p = sg_mlp_output(m, depth - 1);
    for (size_t r = 0; r < n; r++) {
      size_t best = 0;
      for (size_t c = 1; c < CLASSES; c++)
        if (p[r * CLASSES + c] > p[r * CLASSES + best]) best = c;
      right += best == test->label[i + r];
    }
  }
  return (double)right / (double)test->count;
}

static void progress(size_t epoch, size_t epochs, size_t b, size_t batches, double loss) {
  int width = 30, done = (int)(width * b / batches);
  fprintf(stderr, "\r\033[Kepoch %zu/%zu [%.*s%*s] batch %zu/%zu loss %.4f", epoch, epochs, done,
          "==============================", width - done, "", b, batches, loss);
}

/* --hidden: widths[1..], at most MAX_HIDDEN of them. */
struct hidden_list {
  size_t *widths, *count;
};

static int add_hidden(void *ctx, uint64_t width, uint64_t last) {
  struct hidden_list *h = ctx;
  (void)last; /* no ranges here */
  if (*h->count == MAX_HIDDEN) {
    fprintf(stderr, "simdgrad train: --hidden: at most %d layers\n", MAX_HIDDEN);
    return -1;
  }
  h->widths[(*h->count)++] = (size_t)width;
  return 0;
}

int cmd_train(int argc, char **argv) {
  static const struct option options[] = {
      {"data", required_argument, NULL, 'D'},   {"hidden", required_argument, NULL, 'H'},
      {"act", required_argument, NULL, 'a'},    {"init", required_argument, NULL, 'i'},
      {"epochs", required_argument, NULL, 'e'}, {"batch", required_argument, NULL, 'b'},
      {"lr", required_argument, NULL, 'l'},     {"seed", required_argument, NULL, 's'},
      {"limit", required_argument, NULL, 'n'},  {"out", required_argument, NULL, 'o'},
      {"isa", required_argument, NULL, 'I'},    {"quiet", no_argument, NULL, 'q'},
      {"head", required_argument, NULL, 'E'},   {"bias-init", required_argument, NULL, 'B'},
      {"threads", required_argument, NULL, 'T'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  static char name[] = "simdgrad train";
  argv[0] = name;
  const char *data = SG_FASHION_MNIST_DIR, *out = NULL;
  size_t widths[MAX_HIDDEN + 2] = {PIXELS, 100, CLASSES}, hidden_count = 1;
  struct hidden_list hidden_opt = {widths + 1, &hidden_count};
  sg_act act = SG_ACT_SIGMOID;
  sg_init init = SG_INIT_XAVIER;
  sg_head head = SG_HEAD_XENT;
  sg_bias_init bias = SG_BIAS_ZERO;
  size_t epochs = 10, batch = 32, limit = 0;
  uint64_t seed = 1;
  float lr = 0.1f;
  int quiet = !isatty(STDERR_FILENO), c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    switch (c) {
    case 'D': data = optarg; break;
    case 'o': out = optarg; break;
    case 'H':
      hidden_count = 0;
      if (parse_number_list("train", "hidden", optarg, 1, 65536, 0, add_hidden, &hidden_opt)) return 2;
      break;
    case 'a': if (parse_act("train", optarg, &act)) return 2; break;
    case 'i': if (parse_init("train", optarg, &init)) return 2; break;
    case 'e': if (parse_size("train", "epochs", optarg, 1, 10000, &epochs)) return 2; break;
    case 'b': if (parse_size("train", "batch", optarg, 1, 60000, &batch)) return 2; break;
    case 's': if (parse_u64("train", "seed", optarg, 0, UINT64_MAX, &seed)) return 2; break;
    case 'n': if (parse_size("train", "limit", optarg, 1, 1u << 24, &limit)) return 2; break;
    case 'l': if (parse_positive("train", "lr", optarg, 100.0f, &lr)) return 2; break;
    case 'I': if (parse_and_set_isa("train", optarg)) return 2; break;
    case 'T': if (parse_and_set_threads("train", optarg)) return 2; break;
    case 'q': quiet = 1; break;
    case 'E': if (parse_head("train", optarg, &head)) return 2; break;
    case 'B': if (parse_bias("train", optarg, &bias)) return 2; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "simdgrad train: unexpected argument '%s'\n%s", argv[optind], usage_text);
    return 2;
  }
  if (check_isa_env("train")) return 2;
  widths[hidden_count + 1] = CLASSES;
  size_t depth = hidden_count + 1;

  if (check_network_fits("train", depth, widths, batch)) return 1;

  struct dataset train = {0}, test = {0};
  if (load_fashion("train", data, "train", &train) || load_fashion("train", data, "t10k", &test)) {
    free(train.x), free(train.label);
    return 1;
  }
  if (limit && limit < train.count) train.count = limit;

  sg_act hidden[MAX_HIDDEN];
  for (size_t l = 0; l < hidden_count; l++) hidden[l] = act;
  sg_mlp *m = sg_mlp_create(depth, widths, hidden, head);
  float *xb = malloc(batch * PIXELS * sizeof *xb);
  float *tb = head == SG_HEAD_XENT ? NULL : malloc(batch * CLASSES * sizeof *tb); /* one-hot targets */
  uint32_t *yb = malloc(batch * sizeof *yb);
  size_t *order = malloc(train.count * sizeof *order);
  struct layer_grads *sum = calloc(depth, sizeof *sum);
  int rc = 1;
  struct out_file grads_file = {NULL, NULL}, epochs_file = {NULL, NULL};
  if (!m || !xb || !yb || !order || !sum || (head != SG_HEAD_XENT && !tb)) {
    fprintf(stderr, "simdgrad train: out of memory\n");
    goto done;
  }
  sg_mlp_init(m, init, seed);
  sg_mlp_init_bias(m, bias, seed); /* zero: as sg_mlp_init left them */

  char net[256];
  int len = snprintf(net, sizeof net, "%d", PIXELS);
  for (size_t l = 1; l <= depth; l++) len += snprintf(net + len, sizeof net - (size_t)len, "-%zu", widths[l]);
  snprintf(net + len, sizeof net - (size_t)len, "-%s", act_name(act));
  if (out) {
    char fname[320];
    snprintf(fname, sizeof fname, "train-%s.tsv", net);
    if (out_file_open("train", out, fname, &grads_file)) goto done;
    snprintf(fname, sizeof fname, "train-%s-epochs.tsv", net);
    if (out_file_open("train", out, fname, &epochs_file)) goto done;
    fprintf(grads_file.f, "net\tact\tinit\tisa\tepoch\tlayer\tmean_abs_dW\tnorm_db\n");
    fprintf(epochs_file.f, "net\tact\tinit\tisa\tepoch\ttrain_loss\ttest_accuracy\tseconds\tstats_seconds\n");
  }
  /* stdout holds the data (the epochs' table); what the run is, the digest
   * and the files written go to stderr */
  fprintf(stderr, "simdgrad train: %s, init %s, batch %zu, lr %g, %zu training and %zu test images, ISA %s\n", net,
          init_name(init), batch, (double)lr, train.count, test.count, sg_isa_name(sg_active_isa()));
  printf("epoch\ttrain_loss\ttest_accuracy\tseconds\tstats_seconds\n");

  uint64_t rng = seed ^ 0x5851f42d4c957f2dull;
  for (size_t i = 0; i < train.count; i++) order[i] = i;
  size_t batches = (train.count + batch - 1) / batch;
  for (size_t e = 1; e <= epochs; e++) {
    double t0 = now_seconds(), loss_sum = 0.0, stats_seconds = 0.0;
    memset(sum, 0, depth * sizeof *sum);
    shuffle_order(order, train.count, &rng);
    for (size_t b = 0; b < batches; b++) {
      size_t n = gather_batch(&train, order, b, batch, xb, yb);
      if (sg_mlp_forward(m, n, xb)) {
        fprintf(stderr, "\nsimdgrad train: out of memory\n");
        goto done;
      }
      if (tb) one_hot(n, CLASSES, yb, tb);
      float loss = sg_mlp_backward(m, tb, yb);
      if (!isfinite(loss)) { /* from here on every output would be NaN */
        fprintf(stderr, "%ssimdgrad train: diverged: the loss of epoch %zu, batch %zu is %g; try a "
                "smaller --lr (now %g) or another --init\n", quiet ? "" : "\n", e, b + 1, (double)loss,
                (double)lr);
        goto done;
      }
      loss_sum += loss;
      double s0 = now_seconds();
      for (size_t l = 0; l < depth; l++) {
        struct layer_grads g;
        layer_grad_stats(m, l, &g);
        sum[l].mean_abs_dW += g.mean_abs_dW, sum[l].norm_db += g.norm_db;
      }
      stats_seconds += now_seconds() - s0;
      sg_mlp_sgd(m, lr);
      if (!quiet && (b % 50 == 0 || b + 1 == batches)) progress(e, epochs, b + 1, batches, loss_sum / (double)(b + 1));
    }
    /* the training pass, without the gradient statistics and the test */
    double seconds = now_seconds() - t0 - stats_seconds;
    double accuracy = test_accuracy(m, &test, 1000);
    if (!quiet) fprintf(stderr, "\r\033[K");
    printf("%zu\t%.6f\t%.4f\t%.3f\t%.3f\n", e, loss_sum / (double)batches, accuracy, seconds,
           stats_seconds);
    if (check_stdout("train")) goto done;
    if (epochs_file.f) {
      fprintf(epochs_file.f, "%s\t%s\t%s\t%s\t%zu\t%.6f\t%.4f\t%.3f\t%.3f\n", net, act_name(act),
              init_name(init), sg_isa_name(sg_active_isa()), e, loss_sum / (double)batches, accuracy, seconds,
              stats_seconds);
      for (size_t l = 0; l < depth; l++)
        fprintf(grads_file.f, "%s\t%s\t%s\t%s\t%zu\t%zu\t%.6e\t%.6e\n", net, act_name(act), init_name(init),
                sg_isa_name(sg_active_isa()), e, l, sum[l].mean_abs_dW / (double)batches,
                sum[l].norm_db / (double)batches);
      if (out_file_check("train", &epochs_file) || out_file_check("train", &grads_file)) goto done;
    }
  }
  /* FNV-1a over the final parameters' bits: equal digests, equal networks. */
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t l = 0; l < depth; l++) {
    const float *p[2] = {sg_mlp_weights(m, l), sg_mlp_bias(m, l)};
    size_t n[2] = {widths[l] * widths[l + 1], widths[l + 1]};
    for (int k = 0; k < 2; k++) {
      const unsigned char *bytes = (const unsigned char *)p[k];
      for (size_t i = 0; i < n[k] * sizeof(float); i++) h = (h ^ bytes[i]) * 0x100000001b3ull;
    }
  }
  fprintf(stderr, "simdgrad train: parameters digest %016llx\n", (unsigned long long)h);
  rc = 0;
done:
  if (out_file_close("train", &grads_file)) rc = 1;
  if (out_file_close("train", &epochs_file)) rc = 1;
  if (rc == 0 && out) fprintf(stderr, "simdgrad train: wrote %s/train-%s.tsv and %s/train-%s-epochs.tsv\n", out, net, out, net);
  sg_mlp_free(m);
  free(xb), free(tb), free(yb), free(order), free(sum);
  free(train.x), free(train.label), free(test.x), free(test.label);
  return rc;
}
