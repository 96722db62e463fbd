/* SPDX-License-Identifier: BSD-3-Clause */
/* make check-exhaustive: one element-wise kernel (-f NAME; -l lists the
 * registry's element-wise kernels, verify/oracle.h) over every one of
 * the 2^32 float bit patterns on every supported ISA, against the double
 * oracle and against the scalar reference bit for bit. Prints the max ULP
 * error, the input where it occurs, the number of outputs that differ from
 * scalar and the run time; with -o FILE also writes the error histogram
 * (bins of 1/64 ULP) for plotting. Uses every core.
 *
 * The backward kernels take (y, dy): every y bit pattern is swept, each with
 * its own dy drawn from a hash of y (sign and mantissa random, |dy| in
 * [2^-8, 2^8)). dy only scales the product, so a moderate range measures the
 * rounding of every y without leaving the float range; the random test in
 * verify/test_elementwise covers dy of any magnitude. */
#include <config.h>

#include <pthread.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "oracle.h"

#define CHUNK (1u << 16)
#define BINS 128 /* 1/64 ULP each, the last bin collects >= 2 ULP */

struct result {
  double max_ulp;
  uint32_t worst;
  uint64_t mismatches;   /* outputs whose bits differ from the scalar kernel's */
  uint64_t wrong;        /* selects only: outputs whose bits differ from the definition */
  uint64_t hist[BINS];
};

/* The kernel swept: one of the registry's element-wise kernels
 * (verify/oracle.h: its oracle or definition, bound and range). */
static const struct sg_map_kernel *sweep = &sg_map_kernels[0];

/* The dy paired with the input bits u (murmur3's finaliser as the hash). */
static float dy_for(uint32_t u) {
  u ^= u >> 16, u *= 0x85ebca6bu, u ^= u >> 13, u *= 0xc2b2ae35u, u ^= u >> 16;
  uint32_t exponent = 127 - 8 + ((u >> 23) & 15);
  return u2f((u & 0x807fffffu) | exponent << 23);
}

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
  float *x = xmalloc(CHUNK * sizeof *x), *dy = xmalloc(CHUNK * sizeof *dy),
        *ref = xmalloc(CHUNK * sizeof *ref), *y = xmalloc(CHUNK * sizeof *y);
  double *exact = xmalloc(CHUNK * sizeof *exact);
  for (;;) {
    uint64_t c = __atomic_fetch_add(&next_chunk, 1, __ATOMIC_RELAXED);
    if (c >= (1ull << 32) / CHUNK) break;
    for (uint32_t i = 0; i < CHUNK; i++) {
      x[i] = u2f((uint32_t)(c * CHUNK + i));
      dy[i] = sweep->binary ? dy_for(f2u(x[i])) : 1.0f;
      if (!sweep->data.definition) exact[i] = sweep->exact((double)x[i], (double)dy[i]);
    }
    for (int j = 0; j < nisa; j++) {
      float *out = j ? y : ref;
      if (sweep->binary)
        sg_map_binary(sg_table_for(isas[j]), sweep)(CHUNK, x, dy, out);
      else
        sg_map_unary(sg_table_for(isas[j]), sweep)(CHUNK, x, out);
      struct result *r = &local[j];
      for (uint32_t i = 0; i < CHUNK; i++) {
        if (j && f2u(y[i]) != f2u(ref[i])) r->mismatches++;
        double e;
        if (sweep->data.definition) {
          e = f2u(out[i]) != f2u(sweep->data.definition(x[i], dy[i])) ? INFINITY : 0;
          r->wrong += e != 0;
        } else {
          /* non-finite inputs' results are checked in verify/test_edges */
          if (!isfinite(x[i]) || !(x[i] >= sweep->lo && x[i] <= sweep->hi)) continue;
          e = sg_map_error(sweep, out[i], exact[i], x[i], dy[i]);
        }
        int bin = e * 64 >= BINS - 1 ? BINS - 1 : (int)(e * 64);
        r->hist[bin]++;
        if (e > r->max_ulp) r->max_ulp = e, r->worst = f2u(x[i]);
      }
    }
    uint64_t d = __atomic_add_fetch(&done_chunks, 1, __ATOMIC_RELAXED);
    if (d % 1024 == 0)
      fprintf(stderr, "\r%s: %3.0f%%", sweep->name, 100.0 * d / ((1ull << 32) / CHUNK));
  }
  pthread_mutex_lock(&lock);
  for (int j = 0; j < nisa; j++) {
    struct result *g = &results[j], *l = &local[j];
    if (l->max_ulp > g->max_ulp || (l->max_ulp == g->max_ulp && l->worst < g->worst))
      g->max_ulp = l->max_ulp, g->worst = l->worst;
    g->mismatches += l->mismatches;
    g->wrong += l->wrong;
    for (int b = 0; b < BINS; b++) g->hist[b] += l->hist[b];
  }
  pthread_mutex_unlock(&lock);
  free(x), free(dy), free(ref), free(y), free(exact);
  return NULL;
}

int main(int argc, char **argv) {
  const char *hist_path = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "lf:o:")) != -1) {
    if (opt == 'o') {
      hist_path = optarg;
    } else if (opt == 'l') { /* the kernels it sweeps, for make check-exhaustive */
      for (size_t i = 0; i < SG_NMAP_KERNELS; i++) printf("%s\n", sg_map_kernels[i].name);
      return 0;
    } else if (opt == 'f') {
      sweep = sg_map_kernel_named(optarg);
      if (!sweep) {
        fprintf(stderr, "exhaustive: unknown function '%s'; one of:", optarg);
        for (size_t i = 0; i < SG_NMAP_KERNELS; i++) fprintf(stderr, " %s", sg_map_kernels[i].name);
        fputc('\n', stderr);
        return 2;
      }
    } else {
      fprintf(stderr, "usage: exhaustive [-l] [-f FUNCTION] [-o HISTOGRAM_FILE]\n");
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "exhaustive: unexpected argument '%s'\n", argv[optind]);
    return 2;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  nisa = supported_isas(isas);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int nthreads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
  pthread_t tid[64];
  for (int t = 0; t < nthreads; t++) pthread_create(&tid[t], NULL, worker, NULL);
  for (int t = 0; t < nthreads; t++) pthread_join(tid[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  fprintf(stderr, "\r%*s\r", (int)strlen(sweep->name) + 6, ""); /* clear the progress line */

  int fail = 0;
  for (int j = 0; j < nisa; j++) {
    struct result *r = &results[j];
    const char *input = sweep->binary && !isinf(sweep->hi) ? "y" : "x"; /* a function's output, or any x */
    if (sweep->data.definition) {
      printf("%s %-7s all 2^32 inputs: %llu differ from the definition", sweep->name,
             sg_isa_name(isas[j]), (unsigned long long)r->wrong);
      if (r->wrong) printf(" (one at %s = %a, bits %08x)", input, u2f(r->worst), r->worst);
      printf("; %llu differ from scalar\n", (unsigned long long)r->mismatches);
    } else
      printf("%s %-7s all 2^32 inputs: max %.4f ULP%s at %s = %a (bits %08x)%s; %llu differ from scalar\n",
             sweep->name, sg_isa_name(isas[j]), r->max_ulp, isinf(sweep->hi) ? "" : " in the range",
             input, u2f(r->worst), r->worst, sweep->binary ? " with its hashed dy" : "",
             (unsigned long long)r->mismatches);
    fail |= r->max_ulp > sweep->bound || r->mismatches != 0;
  }
  printf("%s: %d ISA(s) x 2^32 inputs in %.0f s on %d threads\n", sweep->name, nisa,
         (double)(end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec), nthreads);
  if (hist_path) {
    FILE *f = fopen(hist_path, "w");
    if (!f) {
      perror(hist_path);
      return 1;
    }
    fprintf(f, "# %s ULP error histogram over all %s", sweep->name,
            sweep->data.definition ? "inputs (0: the definition's bits)" : "finite inputs");
    if (!isinf(sweep->hi)) fprintf(f, " in [%g, %g]", sweep->lo, sweep->hi);
    fprintf(f, "%s; bin = [ulp, ulp + 1/64), the last >= %g\n", sweep->binary ? ", each y with its hashed dy" : "",
            (BINS - 1) / 64.0);
    /* read by plots/ulp.gp */
    fprintf(f, "# bound\t%g\n# max\t%.4f\t%a\n", sweep->bound, results[0].max_ulp, u2f(results[0].worst));
    fprintf(f, "ulp");
    for (int j = 0; j < nisa; j++) fprintf(f, "\t%s", sg_isa_name(isas[j]));
    fputc('\n', f);
    for (int b = 0; b < BINS; b++) {
      fprintf(f, "%.6f", b / 64.0);
      for (int j = 0; j < nisa; j++) fprintf(f, "\t%llu", (unsigned long long)results[j].hist[b]);
      fputc('\n', f);
    }
    if (fclose(f) != 0) {
      perror(hist_path);
      return 1;
    }
  }
  return fail;
}
