/* See experiment.h. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "experiment.h"

void layer_grad_stats(const sg_mlp *m, size_t layer, struct layer_grads *out) {
  size_t in = sg_mlp_width(m, layer), n_out = sg_mlp_width(m, layer + 1);
  const float *dW = sg_mlp_grad_weights(m, layer), *db = sg_mlp_grad_bias(m, layer);
  double sum = 0.0, sq = 0.0;
  for (size_t i = 0; i < in * n_out; i++) sum += fabs((double)dW[i]);
  for (size_t o = 0; o < n_out; o++) sq += (double)db[o] * db[o];
  out->mean_abs_dW = sum / (double)(in * n_out);
  out->norm_db = sqrt(sq);
}

static const char *const act_names[] = {"sigmoid", "tanh", "relu"};
static const char *const init_names[] = {"normal", "xavier", "he"};

const char *act_name(sg_act a) { return (unsigned)a < 3 ? act_names[a] : "?"; }
const char *init_name(sg_init i) { return (unsigned)i < 3 ? init_names[i] : "?"; }

static int parse_name(const char *cmd, const char *option, const char *text,
                      const char *const *names, int *out) {
  for (int i = 0; i < 3; i++)
    if (strcmp(text, names[i]) == 0) {
      *out = i;
      return 0;
    }
  fprintf(stderr, "simdgrad %s: --%s %s: want %s, %s or %s\n", cmd, option, text, names[0], names[1],
          names[2]);
  return -1;
}

int parse_act(const char *cmd, const char *text, sg_act *out) {
  int i;
  if (parse_name(cmd, "act", text, act_names, &i)) return -1;
  *out = (sg_act)i;
  return 0;
}

int parse_init(const char *cmd, const char *text, sg_init *out) {
  int i;
  if (parse_name(cmd, "init", text, init_names, &i)) return -1;
  *out = (sg_init)i;
  return 0;
}

int parse_size(const char *cmd, const char *option, const char *text, size_t lo, size_t hi,
               size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (text[0] < '0' || text[0] > '9' || *end || errno || v < lo || v > hi) {
    fprintf(stderr, "simdgrad %s: --%s wants a whole number from %zu to %zu, not '%s'\n", cmd, option,
            lo, hi, text);
    return -1;
  }
  *out = (size_t)v;
  return 0;
}

int parse_and_set_isa(const char *cmd, const char *text) {
  for (int i = 0; i < SG_ISA_COUNT; i++) {
    if (strcmp(text, sg_isa_name((sg_isa)i)) != 0) continue;
    if (sg_set_isa((sg_isa)i) == 0) return 0;
    fprintf(stderr, "simdgrad %s: --isa %s: not supported by this CPU or build\n", cmd, text);
    return -1;
  }
  fprintf(stderr, "simdgrad %s: --isa %s: unknown ISA (valid: scalar avx2 avx512 neon)\n", cmd, text);
  return -1;
}

uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
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

FILE *open_out_file(const char *cmd, const char *dir, const char *name) {
  size_t dir_len = strlen(dir), len = dir_len + 1 + strlen(name) + 1;
  char *path = malloc(len);
  FILE *f = NULL;
  if (!path) {
    fprintf(stderr, "simdgrad %s: out of memory\n", cmd);
    return NULL;
  }
  memcpy(path, dir, dir_len + 1);
  if (make_dirs(path)) {
    fprintf(stderr, "simdgrad %s: cannot create %s: %s\n", cmd, dir, strerror(errno));
  } else {
    snprintf(path, len, "%s/%s", dir, name);
    if (!(f = fopen(path, "w")))
      fprintf(stderr, "simdgrad %s: cannot write %s: %s\n", cmd, path, strerror(errno));
  }
  free(path);
  return f;
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
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  double memory = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
  if (bytes <= memory) return 0;
  fprintf(stderr, "simdgrad %s: this network needs %.3g GB for its weights, gradients and activations; "
          "this machine has %.3g GB of memory\n", cmd, bytes / 1e9, memory / 1e9);
  return -1;
}
