/* make check-exhaustive: sg_sigmoid or sg_tanh (-f NAME) over every one of the
 * 2^32 float inputs on every supported ISA, against the double oracle and
 * against the scalar reference bit for bit. Prints the max ULP error, the
 * input where it occurs and the number of outputs that differ from scalar;
 * with -o FILE also writes the error histogram (bins of 1/64 ULP) for
 * plotting. Uses every core. */
#include <config.h>

#include <pthread.h>
#include <stddef.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

#define CHUNK (1u << 16)
#define BINS 128 /* 1/64 ULP each, the last bin collects >= 2 ULP */

struct result {
  double max_ulp;
  uint32_t worst;
  uint64_t mismatches;
  uint64_t hist[BINS];
};

/* The functions it can sweep, with their oracles and promised bounds. */
typedef void (*unary_fn)(size_t n, const float *x, float *y);
static double sigmoid_oracle(double x) { return 1.0 / (1.0 + exp(-x)); }
static const struct sweep {
  const char *name;
  size_t entry_offset; /* of the kernel in struct sg_table */
  double (*oracle)(double x);
  double max_ulp;
} sweeps[] = {
    {"sigmoid", offsetof(struct sg_table, sigmoid), sigmoid_oracle, 1.5},
    {"tanh", offsetof(struct sg_table, tanh), tanh, 1.0},
};
static const struct sweep *sweep = &sweeps[0];

static sg_isa isas[SG_ISA_COUNT];
static int nisa;
static uint64_t next_chunk; /* next 2^16 block of bit patterns to take */
static uint64_t done_chunks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct result results[SG_ISA_COUNT];

static void *worker(void *arg) {
  (void)arg;
  struct result local[SG_ISA_COUNT];
  memset(local, 0, sizeof local);
  float *x = xmalloc(CHUNK * sizeof *x), *ref = xmalloc(CHUNK * sizeof *ref),
        *y = xmalloc(CHUNK * sizeof *y);
  double *oracle = xmalloc(CHUNK * sizeof *oracle);
  for (;;) {
    uint64_t c = __atomic_fetch_add(&next_chunk, 1, __ATOMIC_RELAXED);
    if (c >= (1ull << 32) / CHUNK) break;
    for (uint32_t i = 0; i < CHUNK; i++) {
      x[i] = u2f((uint32_t)(c * CHUNK + i));
      oracle[i] = sweep->oracle((double)x[i]);
    }
    for (int j = 0; j < nisa; j++) {
      float *out = j ? y : ref;
      unary_fn f;
      memcpy(&f, (const char *)sg_table_for(isas[j]) + sweep->entry_offset, sizeof f);
      f(CHUNK, x, out);
      struct result *r = &local[j];
      for (uint32_t i = 0; i < CHUNK; i++) {
        if (j && f2u(y[i]) != f2u(ref[i])) r->mismatches++;
        if (!isfinite(x[i])) continue;
        double e = ulp_error(out[i], oracle[i]);
        int bin = e * 64 >= BINS - 1 ? BINS - 1 : (int)(e * 64);
        r->hist[bin]++;
        if (e > r->max_ulp) r->max_ulp = e, r->worst = f2u(x[i]);
      }
    }
    uint64_t d = __atomic_add_fetch(&done_chunks, 1, __ATOMIC_RELAXED);
    if (d % 4096 == 0) fprintf(stderr, "\rexhaustive: %3.0f%%", 100.0 * d / ((1ull << 32) / CHUNK));
  }
  pthread_mutex_lock(&lock);
  for (int j = 0; j < nisa; j++) {
    struct result *g = &results[j], *l = &local[j];
    if (l->max_ulp > g->max_ulp || (l->max_ulp == g->max_ulp && l->worst < g->worst))
      g->max_ulp = l->max_ulp, g->worst = l->worst;
    g->mismatches += l->mismatches;
    for (int b = 0; b < BINS; b++) g->hist[b] += l->hist[b];
  }
  pthread_mutex_unlock(&lock);
  free(x), free(ref), free(y), free(oracle);
  return NULL;
}

int main(int argc, char **argv) {
  const char *hist_path = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "f:o:")) != -1) {
    if (opt == 'o') {
      hist_path = optarg;
    } else if (opt == 'f') {
      size_t i = 0, count = sizeof sweeps / sizeof *sweeps;
      while (i < count && strcmp(optarg, sweeps[i].name) != 0) i++;
      if (i == count) {
        fprintf(stderr, "exhaustive: unknown function '%s' (sigmoid, tanh)\n", optarg);
        return 2;
      }
      sweep = &sweeps[i];
    } else {
      fprintf(stderr, "usage: exhaustive [-f sigmoid|tanh] [-o HISTOGRAM_FILE]\n");
      return 2;
    }
  }
  nisa = supported_isas(isas);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int nthreads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
  pthread_t tid[64];
  for (int t = 0; t < nthreads; t++) pthread_create(&tid[t], NULL, worker, NULL);
  for (int t = 0; t < nthreads; t++) pthread_join(tid[t], NULL);
  fprintf(stderr, "\r");

  int fail = 0;
  for (int j = 0; j < nisa; j++) {
    struct result *r = &results[j];
    printf("%s %-7s all 2^32 inputs: max %.4f ULP at x = %a (bits %08x); %llu differ from scalar\n",
           sweep->name, sg_isa_name(isas[j]), r->max_ulp, u2f(r->worst), r->worst,
           (unsigned long long)r->mismatches);
    fail |= r->max_ulp > sweep->max_ulp || r->mismatches != 0;
  }
  if (hist_path) {
    FILE *f = fopen(hist_path, "w");
    if (!f) {
      perror(hist_path);
      return 1;
    }
    fprintf(f, "# %s ULP error histogram over all finite floats; bin = [ulp, ulp + 1/64)\n# ulp",
            sweep->name);
    for (int j = 0; j < nisa; j++) fprintf(f, " %s", sg_isa_name(isas[j]));
    fputc('\n', f);
    for (int b = 0; b < BINS; b++) {
      fprintf(f, "%.6f", b / 64.0);
      for (int j = 0; j < nisa; j++) fprintf(f, " %llu", (unsigned long long)results[j].hist[b]);
      fputc('\n', f);
    }
    fclose(f);
  }
  return fail;
}
