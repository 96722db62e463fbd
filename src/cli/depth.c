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

struct depth_options {
  unsigned char hidden[MAX_HIDDEN + 1]; /* hidden[h]: run h hidden layers */
  unsigned acts, inits;                 /* bit a: run sg_act a; bit i: sg_init i */
  size_t width, batches, batch, inputs, classes;
  uint64_t seed;
  const char *out_dir; /* NULL: the table to stdout */
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
          "  --act LIST      sigmoid, tanh, relu, sigmoid_fast, tanh_fast: repeatable\n"
          "                  or comma-separated (default the first three)\n"
          "  --init LIST     normal, xavier, he, lecun (N(0, 1/n_in)): likewise\n"
          "                  (default normal, xavier and he)\n"
          "  --batches N     batches averaged per run (default 8)\n"
          "  --batch N       rows per batch (default 32)\n"
          "  --inputs N      input width (default 64)\n"
          "  --classes N     outputs of the softmax head (default 10)\n"
          "  --seed N        seed of the data and the weights (default 1)\n"
          "  --out DIR       write DIR/depth.tsv (DIR created if needed) and the\n"
          "                  summary to stdout; without it the table goes to stdout\n"
          "                  and the summary to stderr\n"
          "  --isa NAME      force the kernels of one ISA (the output is the same)\n"
          "  --help          this text\n"
          "\n"
          "Table (TSV, header line): act init depth layer mean_abs_dW norm_db\n"
          "ratio_to_last, one row per run and layer; layer 0 is next to the input,\n"
          "layer `depth` the output layer, ratio_to_last = mean_abs_dW over the\n"
          "output layer's ('-' if that is 0).\n");
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

/* 0, 1 after --help, or 2 after a message. */
static int parse_depth_options(int argc, char **argv, struct depth_options *o) {
  static const struct option options[] = {
      {"depths", required_argument, NULL, 'd'},  {"width", required_argument, NULL, 'w'},
      {"act", required_argument, NULL, 'a'},     {"init", required_argument, NULL, 'I'},
      {"batches", required_argument, NULL, 'n'}, {"batch", required_argument, NULL, 'b'},
      {"inputs", required_argument, NULL, 'x'},  {"classes", required_argument, NULL, 'c'},
      {"seed", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
      {"isa", required_argument, NULL, 'i'},     {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  static char name[] = "simdgrad depth";
  argv[0] = name; /* getopt's own messages start with it */
  int any_depth = 0, c, bad = 0;
  optind = 0; /* a new argument vector: glibc and musl start over from argv[1] */
  while (!bad && (c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
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
    s = splitmix64(&state);
  }
  return s;
}

enum { SEED_DATA = 1, SEED_WEIGHTS = 2 };

/* Batch k of the data: the same for every run, so that runs differ only in
 * their network. */
static void fill_batch(const struct depth_options *o, size_t k, float *X, uint32_t *labels) {
  uint64_t state = derive_seed(o->seed, SEED_DATA, k, 0, 0);
  for (size_t i = 0; i < o->batch * o->inputs; i++) {
    double u = (double)(splitmix64(&state) >> 11) * 0x1p-53; /* [0, 1), exact */
    X[i] = (float)((2.0 * u - 1.0) * 1.7320508075688772);   /* sqrt 3: variance 1 */
  }
  for (size_t r = 0; r < o->batch; r++)
    labels[r] = (uint32_t)(((splitmix64(&state) >> 32) * o->classes) >> 32);
}

/* One run: the per-layer statistics (hidden + 1 layers) averaged over the
 * batches into avg. 0, or -1 after a message. */
static int run_depth(const struct depth_options *o, sg_act act, sg_init init, size_t hidden,
                     float *X, uint32_t *labels, struct layer_grads *avg) {
  size_t layers = hidden + 1;
  size_t *widths = malloc((layers + 1) * sizeof *widths);
  sg_act *acts = malloc(hidden * sizeof *acts);
  sg_mlp *m = NULL;
  int status = -1;
  errno = 0; /* what failed sets it */
  if (!widths || !acts) goto out;
  widths[0] = o->inputs;
  for (size_t l = 1; l <= hidden; l++) widths[l] = o->width, acts[l - 1] = act;
  widths[layers] = o->classes;
  m = sg_mlp_create(layers, widths, acts, SG_HEAD_XENT);
  /* The fast tier starts from its precise twin's weights: the two compare in pairs. */
  sg_act twin = act == SG_ACT_SIGMOID_FAST ? SG_ACT_SIGMOID : act == SG_ACT_TANH_FAST ? SG_ACT_TANH : act;
  if (!m || sg_mlp_init(m, init, derive_seed(o->seed, SEED_WEIGHTS, twin, init, hidden))) goto out;
  memset(avg, 0, layers * sizeof *avg);
  for (size_t k = 0; k < o->batches; k++) {
    fill_batch(o, k, X, labels);
    if (sg_mlp_forward(m, o->batch, X)) goto out;
    sg_mlp_backward(m, NULL, labels);
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

int cmd_depth(int argc, char **argv) {
  struct depth_options o = {
      .width = 64, .batches = 8, .batch = 32, .inputs = 64, .classes = 10, .seed = 1};
  int parsed = parse_depth_options(argc, argv, &o);
  if (parsed) return parsed == 1 ? 0 : 2;
  if (check_isa_env("depth")) return 2;

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
