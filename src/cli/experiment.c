/* SPDX-License-Identifier: BSD-3-Clause */
/* See experiment.h. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "experiment.h"
#include "idx.h"

/* The sum of |v[i]|: 32 float partial sums (GCC vectors, so SSE or NEON
 * as the target has) per block of 4096 elements, each block's total added
 * in double. One double add per element took 27-35% of a
 * training epoch; this loses at most ~2^-12 relative per block, far below
 * what a plotted magnitude shows. */
typedef float v4f __attribute__((vector_size(16)));
typedef uint32_t v4u __attribute__((vector_size(16)));
static v4f abs_at(const float *p) {
  const v4u magnitude = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
  v4u bits;
  memcpy(&bits, p, sizeof bits);
  return (v4f)(bits & magnitude);
}

static double sum_abs(const float *v, size_t n) {
  double total = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += 4096) {
    size_t end = n - i0 < 4096 ? n : i0 + 4096, i = i0;
    /* Eight chains cover the add's latency; named, so they stay in registers. */
    v4f p0 = {0}, p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
    for (; i + 32 <= end; i += 32) {
      p0 += abs_at(v + i), p1 += abs_at(v + i + 4), p2 += abs_at(v + i + 8), p3 += abs_at(v + i + 12);
      p4 += abs_at(v + i + 16), p5 += abs_at(v + i + 20), p6 += abs_at(v + i + 24), p7 += abs_at(v + i + 28);
    }
    v4f p = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
    float block = (p[0] + p[1]) + (p[2] + p[3]);
    for (; i < end; i++) block += fabsf(v[i]);
    total += block;
  }
  return total;
}

void one_hot(size_t batch, size_t classes, const uint32_t *labels, float *targets) {
  memset(targets, 0, batch * classes * sizeof *targets);
  for (size_t r = 0; r < batch; r++) targets[r * classes + labels[r]] = 1.0f;
}

void layer_grad_stats(const sg_mlp *m, size_t layer, struct layer_grads *out) {
  size_t in = sg_mlp_width(m, layer), n_out = sg_mlp_width(m, layer + 1);
  const float *dW = sg_mlp_grad_weights(m, layer), *db = sg_mlp_grad_bias(m, layer);
  double sq = 0.0;
  for (size_t o = 0; o < n_out; o++) sq += (double)db[o] * db[o];
  out->mean_abs_dW = sum_abs(dW, in * n_out) / (double)(in * n_out);
  out->norm_db = sqrt(sq);
}

/* Names by enum value, NULL past the last: the library's for activations. */
static const char *act_name_of(int i) { return sg_act_name((sg_act)i); }
static const char *init_name_of(int i) {
  static const char *const names[] = {"normal", "xavier", "he", "lecun"};
  return i >= 0 && i < (int)(sizeof names / sizeof *names) ? names[i] : NULL;
}

static const char *head_name_of(int i) {
  static const char *const names[] = {"mse", "xent", "bce"}; /* sg_head's order */
  return i >= 0 && i < (int)(sizeof names / sizeof *names) ? names[i] : NULL;
}
static const char *bias_name_of(int i) {
  static const char *const names[] = {"zero", "normal"}; /* sg_bias_init's order */
  return i >= 0 && i < (int)(sizeof names / sizeof *names) ? names[i] : NULL;
}

const char *act_name(sg_act a) { return act_name_of((int)a) ? act_name_of((int)a) : "?"; }
const char *init_name(sg_init i) { return init_name_of((int)i) ? init_name_of((int)i) : "?"; }
const char *head_name(sg_head h) { return head_name_of((int)h) ? head_name_of((int)h) : "?"; }
const char *bias_name(sg_bias_init b) { return bias_name_of((int)b) ? bias_name_of((int)b) : "?"; }

static int parse_name(const char *cmd, const char *option, const char *text, const char *(*name_of)(int),
                      int *out) {
  for (int i = 0; name_of(i); i++)
    if (strcmp(text, name_of(i)) == 0) {
      *out = i;
      return 0;
    }
  fprintf(stderr, "simdgrad %s: --%s %s: want one of", cmd, option, text);
  for (int i = 0; name_of(i); i++) fprintf(stderr, "%s %s", i ? "," : "", name_of(i));
  fprintf(stderr, "\n");
  return -1;
}

/* parse_act, parse_init, ...: the enum value of one of the names. */
#define ENUM_PARSER(fn, type, option, name_of)                       \
  int fn(const char *cmd, const char *text, type *out) {             \
    int i;                                                           \
    if (parse_name(cmd, option, text, name_of, &i)) return -1;       \
    *out = (type)i;                                                  \
    return 0;                                                        \
  }
ENUM_PARSER(parse_act, sg_act, "act", act_name_of)
ENUM_PARSER(parse_init, sg_init, "init", init_name_of)
ENUM_PARSER(parse_head, sg_head, "head", head_name_of)
ENUM_PARSER(parse_bias, sg_bias_init, "bias-init", bias_name_of)
#undef ENUM_PARSER

int parse_u64(const char *cmd, const char *option, const char *text, uint64_t lo, uint64_t hi,
              uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  /* strtoull also takes leading blanks, a sign and (base 0) hex: the first
   * character must be a digit, the last one before the end too. */
  if (text[0] < '0' || text[0] > '9' || *end || errno || v < lo || v > hi) {
    fprintf(stderr, "simdgrad %s: --%s wants a whole number from %" PRIu64 " to %" PRIu64 ", not '%s'\n",
            cmd, option, lo, hi, text);
    return -1;
  }
  *out = (uint64_t)v;
  return 0;
}

int parse_size(const char *cmd, const char *option, const char *text, size_t lo, size_t hi,
               size_t *out) {
  uint64_t v;
  if (parse_u64(cmd, option, text, lo, hi, &v)) return -1;
  *out = (size_t)v;
  return 0;
}

int parse_positive(const char *cmd, const char *option, const char *text, float hi, float *out) {
  char *end;
  errno = 0;
  float v = strtof(text, &end);
  /* Digits or a point first (no blank, sign, inf or nan); no hex digits. */
  int plain = ((text[0] >= '0' && text[0] <= '9') || text[0] == '.') && !strpbrk(text, "xX");
  if (!plain || end == text || *end || errno || !(v > 0.0f) || v > hi) {
    fprintf(stderr, "simdgrad %s: --%s wants a number in (0, %g], not '%s'\n", cmd, option, (double)hi,
            text);
    return -1;
  }
  *out = v;
  return 0;
}

int parse_list(const char *cmd, const char *option, const char *text,
               int (*item)(void *ctx, const char *item), void *ctx) {
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  if (!copy) {
    fprintf(stderr, "simdgrad %s: out of memory\n", cmd);
    return -1;
  }
  memcpy(copy, text, len + 1);
  int status = 0;
  for (char *p = copy, *comma; status == 0 && p; p = comma ? comma + 1 : NULL) {
    comma = strchr(p, ',');
    if (comma) *comma = '\0';
    if (!*p) {
      fprintf(stderr, "simdgrad %s: --%s %s: an empty item\n", cmd, option, text);
      status = -1;
    } else {
      status = item(ctx, p);
    }
  }
  free(copy);
  return status;
}

struct number_list {
  const char *cmd, *option;
  uint64_t lo, hi;
  int ranges;
  int (*add)(void *ctx, uint64_t first, uint64_t last);
  void *ctx;
};

static int number_item(void *ctx, const char *item) {
  struct number_list *l = ctx;
  char *dash = l->ranges ? strchr(item, '-') : NULL;
  uint64_t first, last;
  if (!dash) {
    if (parse_u64(l->cmd, l->option, item, l->lo, l->hi, &first)) return -1;
    last = first;
  } else {
    *dash = '\0'; /* item is parse_list's writable copy */
    int bad = parse_u64(l->cmd, l->option, item, l->lo, l->hi, &first) ||
              parse_u64(l->cmd, l->option, dash + 1, l->lo, l->hi, &last);
    *dash = '-';
    if (bad) return -1;
    if (last < first) {
      fprintf(stderr, "simdgrad %s: --%s %s: a range runs upwards\n", l->cmd, l->option, item);
      return -1;
    }
  }
  return l->add(l->ctx, first, last);
}

int parse_number_list(const char *cmd, const char *option, const char *text, uint64_t lo,
                      uint64_t hi, int ranges, int (*add)(void *ctx, uint64_t first, uint64_t last),
                      void *ctx) {
  struct number_list l = {cmd, option, lo, hi, ranges, add, ctx};
  return parse_list(cmd, option, text, number_item, &l);
}

int parse_and_set_threads(const char *cmd, const char *text) {
  size_t n;
  if (parse_size(cmd, "threads", text, 0, 1024, &n)) return -1;
  if (sg_set_threads(n) == 0) return 0;
  fprintf(stderr, "simdgrad %s: --threads %s: this build runs on one thread (" SG_CLI_ONE_THREAD ")\n", cmd, text);
  return -1;
}

static int isa_chosen; /* --isa was given: it overrides SIMDGRAD_ISA */

int parse_and_set_isa(const char *cmd, const char *text) {
  for (int i = 0; i < SG_ISA_COUNT; i++) {
    if (strcmp(text, sg_isa_name((sg_isa)i)) != 0) continue;
    if (sg_set_isa((sg_isa)i) == 0) {
      isa_chosen = 1;
      return 0;
    }
    fprintf(stderr, "simdgrad %s: --isa %s: not supported by this CPU or build\n", cmd, text);
    return -1;
  }
  fprintf(stderr, "simdgrad %s: --isa %s: unknown ISA (valid:", cmd, text);
  for (int i = 0; i < SG_ISA_COUNT; i++) fprintf(stderr, " %s", sg_isa_name((sg_isa)i));
  fprintf(stderr, ")\n");
  return -1;
}

int check_isa_env(const char *cmd) {
  sg_env_isa status = sg_env_isa_status(); /* the library's warning, if any, comes first */
  if (isa_chosen || (status != SG_ENV_ISA_UNKNOWN && status != SG_ENV_ISA_UNSUPPORTED)) return 0;
  fprintf(stderr, "simdgrad %s: refusing to run with a bad SIMDGRAD_ISA: unset it, correct it or "
          "give --isa\n", cmd);
  return -1;
}

/* mkdir -p on path, a writable copy: 0, or -1 with errno. */
static int make_dirs(char *path) {
  for (char *p = path + 1;; p++) {
    if (*p && *p != '/') continue;
    char saved = *p;
    *p = '\0';
    int failed = mkdir(path, 0777) && errno != EEXIST;
    *p = saved;
    if (failed) return -1;
    if (!saved) return 0;
  }
}

int out_file_open(const char *cmd, const char *dir, const char *name, struct out_file *of) {
  size_t dir_len = strlen(dir), len = dir_len + 1 + strlen(name) + 1;
  of->f = NULL;
  of->path = malloc(len);
  if (!of->path) {
    fprintf(stderr, "simdgrad %s: out of memory\n", cmd);
    return -1;
  }
  memcpy(of->path, dir, dir_len + 1);
  if (make_dirs(of->path)) {
    fprintf(stderr, "simdgrad %s: cannot create %s: %s\n", cmd, dir, strerror(errno));
  } else {
    snprintf(of->path, len, "%s/%s", dir, name);
    if ((of->f = fopen(of->path, "w"))) return 0;
    fprintf(stderr, "simdgrad %s: cannot write %s: %s\n", cmd, of->path, strerror(errno));
  }
  free(of->path);
  of->path = NULL;
  return -1;
}

/* ferror says a write failed earlier, perhaps without errno still telling why. */
static int write_failed(const char *cmd, const char *what, int had_error) {
  fprintf(stderr, "simdgrad%s%s: cannot write %s: %s\n", *cmd ? " " : "", cmd, what,
          had_error && !errno ? "write error" : strerror(errno));
  return -1;
}

int out_file_check(const char *cmd, struct out_file *of) {
  errno = 0;
  if (fflush(of->f) == 0 && !ferror(of->f)) return 0;
  return write_failed(cmd, of->path, ferror(of->f));
}

int out_file_close(const char *cmd, struct out_file *of) {
  if (!of->f) return 0;
  errno = 0;
  int had_error = ferror(of->f), rc = 0;
  if (fclose(of->f) || had_error) rc = write_failed(cmd, of->path, had_error);
  free(of->path);
  of->f = NULL, of->path = NULL;
  return rc;
}

int check_stdout(const char *cmd) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout)) return 0;
  return write_failed(cmd, "standard output", ferror(stdout));
}

uint64_t physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

int check_network_fits(const char *cmd, size_t depth, const size_t *widths, size_t batch) {
  /* In double: the products may not fit a size_t, and only the magnitude matters. */
  double params = 0, units = 0;
  for (size_t l = 0; l < depth; l++) {
    params += (double)widths[l] * (double)widths[l + 1] + (double)widths[l + 1];
    units += (double)widths[l + 1];
  }
  /* sg_mlp keeps parameters and gradients, and per row of a batch each
   * layer's u and h, a delta and a spare row of the widest layer. */
  double bytes = sizeof(float) * (2 * params + 4 * (double)batch * units);
  double memory = physical_memory() ? (double)physical_memory() : INFINITY;
  if (bytes <= memory) return 0;
  fprintf(stderr, "simdgrad %s: this network needs %.3g GB for its weights, gradients and activations; "
          "this machine has %.3g GB of memory\n", cmd, bytes / 1e9, memory / 1e9);
  return -1;
}

/* ---- the Fashion-MNIST files ---- */

/* DIR/NAME at any length (a path the system finds too long is refused by
 * open with a message saying so, never cut short here); NULL if out of memory. */
static char *data_path(const char *dir, const char *prefix, const char *suffix) {
  size_t n = strlen(dir) + 1 + strlen(prefix) + strlen(suffix) + 1;
  char *path = malloc(n);
  if (path) snprintf(path, n, "%s/%s%s", dir, prefix, suffix);
  return path;
}

/* An idx_* message (NULL: there was no memory even for it), then freed. */
static void report_idx_error(const char *cmd, char *err) {
  fprintf(stderr, "simdgrad %s: %s\n", cmd, err ? err : "out of memory");
  free(err);
}

void shuffle_order(size_t *order, size_t count, uint64_t *rng) {
  for (size_t i = count; i > 1; i--) {
    size_t j = (size_t)(sg_splitmix64(rng) % i), t = order[i - 1];
    order[i - 1] = order[j], order[j] = t;
  }
}

size_t gather_batch(const struct dataset *d, const size_t *order, size_t b, size_t batch, float *x,
                    uint32_t *labels) {
  size_t first = b * batch, n = d->count - first < batch ? d->count - first : batch;
  for (size_t r = 0; r < n; r++) {
    memcpy(x + r * PIXELS, d->x + order[first + r] * PIXELS, PIXELS * sizeof *x);
    labels[r] = d->label[order[first + r]];
  }
  return n;
}

/* One images + labels pair (see experiment.h). Both headers are read first and checked against
 * the task (28x28 images), each other and the machine's memory (with the
 * float copy made here), so a corrupt header is refused before any of the
 * data it announces is allocated or inflated. */
int load_fashion(const char *cmd, const char *dir, const char *prefix, struct dataset *d) {
  static const uint32_t image_shape[2] = {28, 28};
  struct idx images = {0}, labels = {0};
  char *err = NULL;
  int rc = -1;
  char *ipath = data_path(dir, prefix, "-images-idx3-ubyte.gz");
  char *lpath = data_path(dir, prefix, "-labels-idx1-ubyte.gz");
  if (!ipath || !lpath) {
    fprintf(stderr, "simdgrad %s: out of memory\n", cmd);
    goto done;
  }
  /* The file's path names the directory too: it is said once. */
  struct stat st;
  if (stat(dir, &st)) {
    fprintf(stderr, "simdgrad %s: %s: cannot open: the --data directory: %s\n", cmd, ipath, strerror(errno));
    goto done;
  }
  if (!S_ISDIR(st.st_mode)) {
    fprintf(stderr, "simdgrad %s: %s: cannot open: the --data path is not a directory\n", cmd, ipath);
    goto done;
  }
  if (idx_open(&images, ipath, 3, image_shape, &err) || idx_open(&labels, lpath, 1, NULL, &err)) {
    report_idx_error(cmd, err);
    goto done;
  }
  uint64_t count = images.dims[0];
  if (count != labels.dims[0]) {
    fprintf(stderr, "simdgrad %s: %s has %u images but %s has %u labels\n", cmd, ipath, images.dims[0], lpath,
            labels.dims[0]);
    goto done;
  }
  /* The bytes of the images and labels, and their copies as floats and u32. */
  uint64_t need = count * (PIXELS + PIXELS * sizeof(float) + 1 + sizeof(uint32_t));
  uint64_t memory = physical_memory();
  if (memory && need > memory) {
    fprintf(stderr,
            "simdgrad %s: %s: header announces %u images, which need %.3g GB with their labels and float "
            "copy, more than this machine's %.3g GB of memory (corrupt header?)\n",
            cmd, ipath, images.dims[0], (double)need / 1e9, (double)memory / 1e9);
    goto done;
  }
  if (idx_read(&images, &err) || idx_read(&labels, &err)) {
    report_idx_error(cmd, err);
    goto done;
  }
  d->count = images.dims[0];
  d->x = malloc(d->count * PIXELS * sizeof *d->x);
  d->label = malloc(d->count * sizeof *d->label);
  if (!d->x || !d->label) {
    fprintf(stderr, "simdgrad %s: out of memory for %zu images\n", cmd, d->count);
    goto done;
  }
  rc = 0;
  for (size_t i = 0; i < d->count * PIXELS; i++) d->x[i] = (float)images.data[i] / 255.0f;
  for (size_t i = 0; i < d->count && !rc; i++) {
    d->label[i] = labels.data[i];
    if (labels.data[i] >= CLASSES) {
      fprintf(stderr, "simdgrad %s: %s: label %u of item %zu is not a class 0..9\n", cmd, lpath, labels.data[i], i);
      rc = -1;
    }
  }
done:
  idx_free(&images);
  idx_free(&labels);
  free(ipath), free(lpath);
  if (rc) free(d->x), free(d->label), memset(d, 0, sizeof *d);
  return rc;
}
