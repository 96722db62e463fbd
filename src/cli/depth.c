/* SPDX-License-Identifier: BSD-3-Clause */
/* simdgrad depth: the gradient each layer of an MLP gets at initialisation,
 * against the number of hidden layers, per activation and init (a sigmoid
 * layer passes back at most 1/4 of its weights' signal, so the first layers'
 * gradients shrink geometrically with depth).
 *
 * Nothing is trained: per run, `batches` forward + backward passes on
 * synthetic data, and per layer the mean over the batches of mean|dL/dW| and
 * ||dL/db||. The inputs are uniform on [-sqrt 3, sqrt 3) (mean 0, variance 1,
 * like N(0,1) in the two moments that set the first layer's scale) because a
 * uniform needs no libm (only sg_mlp_init's normal draws do). The kernels
 * are bit-identical across ISAs, so the output has the same bits on every ISA
 * (and %.17g prints the doubles exactly, so equal files mean equal bits). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "experiment.h"

#define MAX_HIDDEN 1000 /* far past where sigmoid's gradients reach 0 */
#define MAX_SIZE 65536  /* widths, batch: a 64K x 64K layer is 16 GiB already */
#define MAX_WIDTHS 66   /* --widths: up to 64 hidden layers */

struct depth_options {
  unsigned char hidden[MAX_HIDDEN + 1]; /* hidden[h]: run h hidden layers */
  unsigned acts, inits;                 /* bit a: run sg_act a; bit i: sg_init i */
  size_t width, batches, batch, inputs, classes;
  uint64_t seed;
  sg_head head;
  sg_bias_init bias;
  const char *out_dir; /* NULL: the table to stdout */
  /* Real data (--data, --images, --widths): the first `images` training
   * images as one batch through the network `widths`. */
  int real;
  const char *data;
  size_t images, widths[MAX_WIDTHS], nwidths;
  const char *synthetic_option; /* a synthetic-only option given, for the message */
};

static void depth_usage(FILE *out) {
  fprintf(out,
          "usage: simdgrad depth [OPTION]...\n"
          "Per-layer gradient magnitudes of an MLP (softmax + cross-entropy head) at\n"
          "initialisation, against the number of hidden layers, on synthetic data\n"
          "(inputs uniform with mean 0 and variance 1, random labels).\n"
          "\n"
          "  --depths LIST   hidden layers: N, N-M, comma-separated (default 1-20)\n"
          "  --width N       units per hidden layer (default 64)\n"
          "  --act LIST      sigmoid, tanh, relu, silu, sigmoid_fast, tanh_fast: repeatable\n"
          "                  or comma-separated (default the first three)\n"
          "  --init LIST     normal, xavier, he, lecun (N(0, 1/n_in)): likewise\n"
          "                  (default normal, xavier and he)\n"
          "  --batches N     batches averaged per run (default 8)\n"
          "  --batch N       rows per batch (default 32)\n"
          "  --inputs N      input width (default 64)\n"
          "  --classes N     outputs of the softmax head (default 10)\n"
          "  --seed N        seed of the data and the weights (default 1)\n"
          "  --head H        xent (softmax + cross-entropy, default), bce (sigmoid\n"
          "                  outputs + binary cross-entropy) or mse, on one-hot targets\n"
          "  --bias-init B   zero (default) or normal: biases from N(0, 1)\n"
          "  --out DIR       write DIR/depth.tsv (DIR created if needed) and the\n"
          "                  summary to stdout; without it the table goes to stdout\n"
          "                  and the summary to stderr\n"
          "  --isa NAME      force the kernels of one ISA (the output is the same)\n"
          "  --threads N     the library's threads, 0 for every CPU (default: every\n"
          "                  CPU, or SIMDGRAD_THREADS; the output is the same)\n"
          "  --help          this text\n"
          "\n"
          "Table (TSV, header line): act init depth layer mean_abs_dW norm_db\n"
          "ratio_to_last, one row per run and layer; layer 0 is next to the input,\n"
          "layer `depth` the output layer, ratio_to_last = mean_abs_dW over the\n"
          "output layer's ('-' if that is 0).\n"
          "\n"
          "On real data (any of these three; --depths, --width, --batches, --batch,\n"
          "--inputs and --classes are then refused):\n"
          "  --data DIR      Fashion-MNIST's *-ubyte.gz files (default " SG_FASHION_MNIST_DIR ")\n"
          "  --images N      the first N training images, pixels / 255, one batch\n"
          "                  (default 1000)\n"
          "  --widths LIST   the layers, input first: 784,...,10 (default 784,30,30,30,10)\n"
          "Table: act init bias_init head seed hidden layer mean_abs_dW db_norm, one\n"
          "row per layer (hidden: the number of hidden layers): the gradient of the\n"
          "batch's mean loss at initialisation; the summary gives db_norm of the first\n"
          "hidden layer over the last hidden layer's.\n");
}

static int add_act(void *ctx, const char *item) {
  struct depth_options *o = ctx;
  sg_act a;
  if (parse_act("depth", item, &a)) return -1;
  o->acts |= 1u << a;
  return 0;
}

static int add_init(void *ctx, const char *item) {
  struct depth_options *o = ctx;
  sg_init i;
  if (parse_init("depth", item, &i)) return -1;
  o->inits |= 1u << i;
  return 0;
}

static int add_depths(void *ctx, uint64_t first, uint64_t last) {
  struct depth_options *o = ctx;
  for (uint64_t h = first; h <= last; h++) o->hidden[h] = 1;
  return 0;
}

static int add_width(void *ctx, uint64_t first, uint64_t last) {
  struct depth_options *o = ctx;
  (void)last;
  if (o->nwidths == MAX_WIDTHS) {
    fprintf(stderr, "simdgrad depth: --widths: at most %d layers\n", MAX_WIDTHS - 1);
    return -1;
  }
  o->widths[o->nwidths++] = (size_t)first;
  return 0;
}

/* 0, 1 after --help, or 2 after a message. */
static int parse_depth_options(int argc, char **argv, struct depth_options *o) {
  static const struct option options[] = {
      {"depths", required_argument, NULL, 'd'},  {"width", required_argument, NULL, 'w'},
      {"act", required_argument, NULL, 'a'},     {"init", required_argument, NULL, 'I'},
      {"batches", required_argument, NULL, 'n'}, {"batch", required_argument, NULL, 'b'},
      {"inputs", required_argument, NULL, 'x'},  {"classes", required_argument, NULL, 'c'},
      {"seed", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
      {"isa", required_argument, NULL, 'i'},     {"help", no_argument, NULL, 'h'},
      {"head", required_argument, NULL, 'H'},    {"bias-init", required_argument, NULL, 'B'},
      {"data", required_argument, NULL, 'D'},    {"images", required_argument, NULL, 'N'},
      {"widths", required_argument, NULL, 'W'},  {"threads", required_argument, NULL, 'T'},
      {NULL, 0, NULL, 0}};
  static char name[] = "simdgrad depth";
  argv[0] = name; /* getopt's own messages start with it */
  int any_depth = 0, c, bad = 0;
  optind = 0; /* a new argument vector: glibc and musl start over from argv[1] */
  int index = -1;
  while (!bad && (c = getopt_long(argc, argv, "+", options, &index)) != -1) {
    if (index >= 0 && strchr("dwnbxc", c)) o->synthetic_option = options[index].name;
    index = -1;
    switch (c) {
    case 'd':
      any_depth = 1;
      bad = parse_number_list("depth", "depths", optarg, 1, MAX_HIDDEN, 1, add_depths, o);
      break;
    case 'a': bad = parse_list("depth", "act", optarg, add_act, o); break;
    case 'I': bad = parse_list("depth", "init", optarg, add_init, o); break;
    case 'w': bad = parse_size("depth", "width", optarg, 1, MAX_SIZE, &o->width); break;
    case 'n': bad = parse_size("depth", "batches", optarg, 1, MAX_SIZE, &o->batches); break;
    case 'b': bad = parse_size("depth", "batch", optarg, 1, MAX_SIZE, &o->batch); break;
    case 'x': bad = parse_size("depth", "inputs", optarg, 1, MAX_SIZE, &o->inputs); break;
    case 'c': bad = parse_size("depth", "classes", optarg, 1, MAX_SIZE, &o->classes); break;
    case 's': bad = parse_u64("depth", "seed", optarg, 0, UINT64_MAX, &o->seed); break;
    case 'o': o->out_dir = optarg; break;
    case 'i': bad = parse_and_set_isa("depth", optarg); break;
    case 'T': bad = parse_and_set_threads("depth", optarg); break;
    case 'H': bad = parse_head("depth", optarg, &o->head); break;
    case 'B': bad = parse_bias("depth", optarg, &o->bias); break;
    case 'D': o->real = 1, o->data = optarg; break;
    case 'N': o->real = 1, bad = parse_size("depth", "images", optarg, 1, 60000, &o->images); break;
    case 'W':
      o->real = 1, o->nwidths = 0;
      bad = parse_number_list("depth", "widths", optarg, 1, MAX_SIZE, 0, add_width, o);
      break;
    case 'h': depth_usage(stdout); return 1;
    default: depth_usage(stderr); return 2;
    }
  }
  if (bad) return 2;
  if (optind < argc) {
    fprintf(stderr, "simdgrad depth: unexpected argument '%s'\n", argv[optind]);
    depth_usage(stderr);
    return 2;
  }
  if (o->out_dir && !*o->out_dir) {
    fprintf(stderr, "simdgrad depth: --out wants a directory, not ''\n");
    return 2;
  }
  if (o->real) {
    if (o->synthetic_option) {
      fprintf(stderr, "simdgrad depth: --%s is for synthetic data; on real data (--data, --images, "
              "--widths) --widths gives the layers and --images the batch\n", o->synthetic_option);
      return 2;
    }
    if (o->data && !*o->data) {
      fprintf(stderr, "simdgrad depth: --data wants a directory, not ''\n");
      return 2;
    }
    if (!o->nwidths) {
      static const size_t textbook[] = {PIXELS, 30, 30, 30, CLASSES};
      memcpy(o->widths, textbook, sizeof textbook), o->nwidths = 5;
    }
    if (o->nwidths < 2 || o->widths[0] != PIXELS || o->widths[o->nwidths - 1] != CLASSES) {
      fprintf(stderr, "simdgrad depth: --widths: the input layer is %d pixels and the output %d classes "
              "(784,...,10), at least those two\n", PIXELS, CLASSES);
      return 2;
    }
  }
  if (!any_depth)
    for (size_t h = 1; h <= 20; h++) o->hidden[h] = 1;
  if (!o->acts) o->acts = 7;
  if (!o->inits) o->inits = 7;
  return 0;
}

/* The seed of one thing: a hash chain of the user's seed, a domain and up to
 * three indices, so that no run's numbers depend on which other runs ran. */
static uint64_t derive_seed(uint64_t seed, uint64_t domain, uint64_t a, uint64_t b, uint64_t c) {
  const uint64_t parts[] = {domain, a, b, c};
  uint64_t s = seed;
  for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
    uint64_t state = s ^ parts[k];
    s = sg_splitmix64(&state);
  }
  return s;
}

enum { SEED_DATA = 1, SEED_WEIGHTS = 2, SEED_BIAS = 3 };


/* Batch k of the data: the same for every run, so that runs differ only in
 * their network. */
static void fill_batch(const struct depth_options *o, size_t k, float *X, uint32_t *labels) {
  uint64_t state = derive_seed(o->seed, SEED_DATA, k, 0, 0);
  for (size_t i = 0; i < o->batch * o->inputs; i++) {
    double u = (double)(sg_splitmix64(&state) >> 11) * 0x1p-53; /* [0, 1), exact */
    X[i] = (float)((2.0 * u - 1.0) * 1.7320508075688772);   /* sqrt 3: variance 1 */
  }
  for (size_t r = 0; r < o->batch; r++)
    labels[r] = (uint32_t)(((sg_splitmix64(&state) >> 32) * o->classes) >> 32);
}

/* One run: the per-layer statistics (hidden + 1 layers) averaged over the
 * batches into avg. 0, or -1 after a message. */
static int run_depth(const struct depth_options *o, sg_act act, sg_init init, size_t hidden,
                     float *X, uint32_t *labels, struct layer_grads *avg) {
  size_t layers = hidden + 1;
  size_t *widths = malloc((layers + 1) * sizeof *widths);
  sg_act *acts = malloc(hidden * sizeof *acts);
  float *targets = o->head == SG_HEAD_XENT ? NULL : malloc(o->batch * o->classes * sizeof *targets);
  sg_mlp *m = NULL;
  int status = -1;
  errno = 0; /* what failed sets it */
  if (!widths || !acts || (o->head != SG_HEAD_XENT && !targets)) goto out;
  widths[0] = o->inputs;
  for (size_t l = 1; l <= hidden; l++) widths[l] = o->width, acts[l - 1] = act;
  widths[layers] = o->classes;
  m = sg_mlp_create(layers, widths, acts, o->head);
  /* The fast tier starts from its precise twin's weights: the two compare in pairs. */
  sg_act twin = act == SG_ACT_SIGMOID_FAST ? SG_ACT_SIGMOID : act == SG_ACT_TANH_FAST ? SG_ACT_TANH : act;
  if (!m || sg_mlp_init(m, init, derive_seed(o->seed, SEED_WEIGHTS, twin, init, hidden)) ||
      sg_mlp_init_bias(m, o->bias, derive_seed(o->seed, SEED_BIAS, twin, init, hidden)))
    goto out;
  memset(avg, 0, layers * sizeof *avg);
  for (size_t k = 0; k < o->batches; k++) {
    fill_batch(o, k, X, labels);
    if (targets) one_hot(o->batch, o->classes, labels, targets);
    if (sg_mlp_forward(m, o->batch, X)) goto out;
    sg_mlp_backward(m, targets, labels);
    for (size_t l = 0; l < layers; l++) {
      struct layer_grads g;
      layer_grad_stats(m, l, &g);
      avg[l].mean_abs_dW += g.mean_abs_dW;
      avg[l].norm_db += g.norm_db;
    }
  }
  for (size_t l = 0; l < layers; l++) {
    avg[l].mean_abs_dW /= (double)o->batches;
    avg[l].norm_db /= (double)o->batches;
  }
  status = 0;
out:
  if (status)
    fprintf(stderr, "simdgrad depth: %s %s with %zu hidden layers of %zu: %s\n", act_name(act),
            init_name(init), hidden, o->width, strerror(errno ? errno : ENOMEM));
  sg_mlp_free(m);
  free(targets);
  free(acts);
  free(widths);
  return status;
}

/* A number of the table: %.17g for finite values (exact, so equal files
 * mean equal bits), one spelling for the rest whatever the C library. */
static void print_value(FILE *f, double v, char end) {
  if (isnan(v)) fprintf(f, "nan%c", end);
  else if (isinf(v)) fprintf(f, "%sinf%c", v < 0 ? "-" : "", end);
  else fprintf(f, "%.17g%c", v, end);
}

/* One row per layer of one run; ratio_to_last is "-" when the output layer
 * got no gradient (all ReLUs dead) or none that is a number. Returns 1 if a
 * gradient is not finite (the forward pass overflowed), else 0. */
static int print_rows(FILE *f, sg_act act, sg_init init, size_t hidden,
                      const struct layer_grads *g) {
  double last = g[hidden].mean_abs_dW;
  int overflow = 0;
  for (size_t l = 0; l <= hidden; l++) {
    fprintf(f, "%s\t%s\t%zu\t%zu\t", act_name(act), init_name(init), hidden, l);
    print_value(f, g[l].mean_abs_dW, '\t');
    print_value(f, g[l].norm_db, '\t');
    if (last > 0 && isfinite(last))
      print_value(f, g[l].mean_abs_dW / last, '\n');
    else
      fputs("-\n", f);
    overflow |= !isfinite(g[l].mean_abs_dW) || !isfinite(g[l].norm_db);
  }
  return overflow;
}

/* Real data: the first o->images training images as one batch through each
 * act x init network of o->widths; one row per layer. The exit status. */
static int depth_real(const struct depth_options *o) {
  const char *dir = o->data ? o->data : SG_FASHION_MNIST_DIR;
  size_t n = o->images ? o->images : 1000, layers = o->nwidths - 1;
  struct dataset d = {0};
  struct out_file file = {NULL, NULL};
  FILE *table = stdout, *summary = o->out_dir ? stdout : stderr;
  float *targets = NULL;
  struct layer_grads *g = malloc(layers * sizeof *g);
  sg_act *acts = malloc(layers * sizeof *acts); /* layers - 1 hidden; one more keeps it non-empty */
  int status = 1;
  if (!g || !acts) {
    fprintf(stderr, "simdgrad depth: out of memory\n");
    goto out;
  }
  if (check_network_fits("depth", layers, o->widths, n) || load_fashion("depth", dir, "train", &d)) goto out;
  if (n > d.count) {
    fprintf(stderr, "simdgrad depth: --images %zu: %s has %zu training images\n", n, dir, d.count);
    goto out;
  }
  if (o->head != SG_HEAD_XENT) {
    if (!(targets = malloc(n * CLASSES * sizeof *targets))) {
      fprintf(stderr, "simdgrad depth: out of memory\n");
      goto out;
    }
    one_hot(n, CLASSES, d.label, targets);
  }
  if (o->out_dir) {
    if (out_file_open("depth", o->out_dir, "depth.tsv", &file)) goto out;
    table = file.f;
  }
  fputs("act\tinit\tbias_init\thead\tseed\thidden\tlayer\tmean_abs_dW\tdb_norm\n", table);
  fprintf(summary, "simdgrad depth: the first %zu Fashion-MNIST training images as one batch, layers ", n);
  for (size_t l = 0; l <= layers; l++) fprintf(summary, "%s%zu", l ? "," : "", o->widths[l]);
  fprintf(summary, ", head %s, biases %s, seed %" PRIu64 ", ISA %s\n", head_name(o->head), bias_name(o->bias),
          o->seed, sg_isa_name(sg_active_isa()));
  if (layers >= 3) fprintf(summary, "||dC/db|| of the first hidden layer over the last hidden layer's:\n");
  for (int a = 0; sg_act_name((sg_act)a); a++) {
    if (!(o->acts >> a & 1)) continue;
    for (int i = 0; i <= SG_INIT_LECUN; i++) {
      if (!(o->inits >> i & 1)) continue;
      for (size_t l = 0; l + 1 < layers; l++) acts[l] = (sg_act)a;
      sg_act twin = a == SG_ACT_SIGMOID_FAST ? SG_ACT_SIGMOID : a == SG_ACT_TANH_FAST ? SG_ACT_TANH : (sg_act)a;
      errno = 0;
      sg_mlp *m = sg_mlp_create(layers, o->widths, acts, o->head);
      int failed = !m || sg_mlp_init(m, (sg_init)i, derive_seed(o->seed, SEED_WEIGHTS, twin, i, layers)) ||
                   sg_mlp_init_bias(m, o->bias, derive_seed(o->seed, SEED_BIAS, twin, i, layers)) ||
                   sg_mlp_forward(m, n, d.x);
      if (failed) {
        fprintf(stderr, "simdgrad depth: %s %s: %s\n", act_name((sg_act)a), init_name((sg_init)i),
                strerror(errno ? errno : ENOMEM));
        sg_mlp_free(m);
        goto out;
      }
      sg_mlp_backward(m, targets, d.label);
      for (size_t l = 0; l < layers; l++) {
        layer_grad_stats(m, l, &g[l]);
        fprintf(table, "%s\t%s\t%s\t%s\t%" PRIu64 "\t%zu\t%zu\t", act_name((sg_act)a), init_name((sg_init)i),
                bias_name(o->bias), head_name(o->head), o->seed, layers - 1, l);
        print_value(table, g[l].mean_abs_dW, '\t');
        print_value(table, g[l].norm_db, '\n');
      }
      sg_mlp_free(m);
      if (layers >= 3)
        fprintf(summary, "  %-8s %-7s %.3e\n", act_name((sg_act)a), init_name((sg_init)i),
                g[0].norm_db / g[layers - 2].norm_db);
      if (file.f && out_file_check("depth", &file)) goto out;
    }
  }
  status = 0;
out:
  if (out_file_close("depth", &file))
    status = 1;
  else if (status == 0 && o->out_dir)
    fprintf(summary, "wrote %s/depth.tsv\n", o->out_dir);
  if (check_stdout("depth")) status = 1;
  free(d.x), free(d.label);
  free(targets), free(acts), free(g);
  return status;
}

int cmd_depth(int argc, char **argv) {
  struct depth_options o = {
      .width = 64, .batches = 8, .batch = 32, .inputs = 64, .classes = 10, .seed = 1};
  int parsed = parse_depth_options(argc, argv, &o);
  if (parsed) return parsed == 1 ? 0 : 2;
  if (check_isa_env("depth")) return 2;
  if (o.real) return depth_real(&o);

  size_t deepest = 0, depths = 0;
  for (size_t h = 1; h <= MAX_HIDDEN; h++)
    if (o.hidden[h]) deepest = h, depths++;
  /* Progress on a terminal: a full run takes seconds. */
  int show = isatty(STDERR_FILENO);
  size_t runs = 0, run = 0;
  for (int a = 0; sg_act_name((sg_act)a); a++)
    for (int i = 0; i <= SG_INIT_LECUN; i++) runs += (o.acts >> a & 1) && (o.inits >> i & 1) ? depths : 0;
  float *X = malloc(o.batch * o.inputs * sizeof *X);
  uint32_t *labels = malloc(o.batch * sizeof *labels);
  struct layer_grads *g = malloc((deepest + 1) * sizeof *g);
  struct out_file file = {NULL, NULL};
  FILE *table = stdout, *summary = o.out_dir ? stdout : stderr;
  int status = 1;
  size_t *widths = malloc((deepest + 2) * sizeof *widths);
  if (!X || !labels || !g || !widths) {
    fprintf(stderr, "simdgrad depth: out of memory\n");
    free(widths);
    goto out;
  }
  /* The deepest network is the largest: refuse up front what cannot fit. */
  widths[0] = o.inputs, widths[deepest + 1] = o.classes;
  for (size_t l = 1; l <= deepest; l++) widths[l] = o.width;
  int fits = check_network_fits("depth", deepest + 1, widths, o.batch) == 0;
  free(widths);
  if (!fits) goto out;
  if (o.out_dir) {
    if (out_file_open("depth", o.out_dir, "depth.tsv", &file)) goto out;
    table = file.f;
  }

  fputs("act\tinit\tdepth\tlayer\tmean_abs_dW\tnorm_db\tratio_to_last\n", table);
  fprintf(summary,
          "simdgrad depth: %zu inputs, hidden layers of %zu, %zu classes, %zu batches of %zu, "
          "seed %" PRIu64 ", ISA %s\nmean|dW| of layer 0 over the output layer's, %zu hidden layers:\n",
          o.inputs, o.width, o.classes, o.batches, o.batch, o.seed, sg_isa_name(sg_active_isa()),
          deepest);
  for (int a = 0; sg_act_name((sg_act)a); a++) {
    if (!(o.acts >> a & 1)) continue;
    for (int i = 0; i <= SG_INIT_LECUN; i++) {
      if (!(o.inits >> i & 1)) continue;
      for (size_t h = 1; h <= deepest; h++) {
        if (!o.hidden[h]) continue;
        if (show)
          fprintf(stderr, "\r\033[Ksimdgrad depth: run %zu of %zu: %s, %s, %zu hidden layers", ++run, runs,
                  act_name((sg_act)a), init_name((sg_init)i), h);
        int failed = run_depth(&o, (sg_act)a, (sg_init)i, h, X, labels, g);
        if (show) fputs("\r\033[K", stderr); /* before any message, and the summary's line */
        if (failed) goto out;
        if (print_rows(table, (sg_act)a, (sg_init)i, h, g))
          fprintf(stderr, "simdgrad depth: %s %s with %zu hidden layers: the activations overflow, "
                  "so some gradients are not numbers (nan or inf in the table)\n",
                  act_name((sg_act)a), init_name((sg_init)i), h);
      }
      /* g holds the deepest run now */
      double ratio = g[0].mean_abs_dW / g[deepest].mean_abs_dW;
      fprintf(summary, "  %-8s %-7s ", act_name((sg_act)a), init_name((sg_init)i));
      if (isfinite(ratio))
        fprintf(summary, "%.3e\n", ratio);
      else
        fprintf(summary, "%s\n", g[deepest].mean_abs_dW == 0 ? "- (no gradient at the output layer)"
                                                              : "- (overflow)");
    }
  }
  status = 0;
out:
  if (out_file_close("depth", &file))
    status = 1;
  else if (status == 0 && o.out_dir)
    fprintf(summary, "wrote %s/depth.tsv\n", o.out_dir);
  free(g);
  free(labels);
  free(X);
  return status;
}
