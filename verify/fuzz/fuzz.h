/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the libFuzzer harnesses of verify/fuzz/: each decodes its input
 * into a kernel, sizes, alignments, aliasing and float arrays, runs the
 * kernel of every ISA this build and CPU have and the scalar reference on
 * identical copies, and aborts (so libFuzzer saves the input) when a bit of
 * the outputs differs. An input is a few header bytes (take) followed by the
 * pool the float arrays are drawn from (fill). */
#ifndef SG_FUZZ_H
#define SG_FUZZ_H

#include <stdarg.h>

#include "../check.h"
#include "internal.h"

/* ---- decoding ---------------------------------------------------------- */

struct reader {
  const uint8_t *p;
  size_t n;
};

/* The next bytes (1..4), little-endian; zeros once the input runs out, so
 * every input, even an empty one, decodes to some case. */
static uint32_t take(struct reader *r, int bytes) {
  uint32_t v = 0;
  for (int k = 0; k < bytes && r->n; k++, r->n--) v |= (uint32_t)*r->p++ << (8 * k);
  return v;
}

/* Values where the kernels change regime: signed zeros, infinities, NaNs with
 * payloads (quiet, signalling, negative), subnormals, the extremes, and the
 * thresholds of sigmoid/tanh saturation, of the float range of e^x and of
 * the clamps in src/math_consts.h. */
static const uint32_t special_bits[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc0dead,
    0x7f800001, 0xffbfffff, 0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff,
    0xff7fffff, 0x3f800000, 0xbf800000, 0x34000000, 0xb3800000, 0x39800000};
static const float special_values[] = {16.635532f, -16.635532f, 17.32868f,  -17.32868f,  88.72284f,
                                       -87.33655f, -103.27893f, -103.97208f, -104.0f,   -110.0f,
                                       -110.00001f, 9.010913f,  -9.010913f, 10.0f,      -10.0f,
                                       0.54930615f, 5e-5f,      -0.5f,      1e-20f,     -1e30f};
#define NSPECIAL_BITS (sizeof special_bits / sizeof *special_bits)
#define NSPECIAL (NSPECIAL_BITS + sizeof special_values / sizeof *special_values)

static float special(uint32_t k) {
  k %= NSPECIAL;
  return k < NSPECIAL_BITS ? u2f(special_bits[k]) : special_values[k - NSPECIAL_BITS];
}

/* Raw bits seldom land where the functions are interesting (|x| in
 * [2^-24, 2^9] is 13% of them), so each array has a mode (mode % 5):
 * 0 raw bits, 1 the exponent folded into [2^-24, 2^10), 2 that with a
 * special value in 1 of 4 elements, 3 raw bits with a special in 1 of 8,
 * 4 integers in [-128, 127] with a special in 1 of 8: ties, exact
 * cancellations (signed zeros) and differences that hit integral
 * thresholds such as the -110 of the exp clamps. */
static float shape(uint32_t u, unsigned mode) {
  uint32_t moderate = (u & 0x807fffffu) | (103 + (u >> 23 & 0xff) % 34) << 23;
  switch (mode % 5) {
  case 1: return u2f(moderate);
  case 2: return (u & 3) == 0 ? special(u >> 2) : u2f(moderate);
  case 3: return (u & 7) == 0 ? special(u >> 3) : u2f(u);
  case 4: return (u & 7) == 0 ? special(u >> 3) : (float)((int)(u >> 8 & 0xff) - 128);
  default: return u2f(u);
  }
}

/* v[i] = element first + i of the pool's stream: 4 pool bytes each, the pool
 * reused cyclically with each pass XORed by a multiple of the golden ratio,
 * so a short input still gives arrays of any length, and different arrays
 * (different first) get different values. */
static void fill(float *v, size_t n, unsigned mode, const struct reader *pool, size_t first) {
  for (size_t i = 0; i < n; i++) {
    size_t g = first + i;
    uint32_t u = 0;
    if (pool->n) {
      for (int k = 0; k < 4; k++) u |= (uint32_t)pool->p[(4 * g + k) % pool->n] << (8 * k);
      u ^= (uint32_t)((4 * g) / pool->n) * 0x9e3779b9u;
    } else {
      u = (uint32_t)g * 0x9e3779b9u;
    }
    v[i] = shape(u, mode);
  }
}

/* ---- buffers ------------------------------------------------------------ */

#define CANARY 0x7fa1b2c3u /* a signalling-NaN pattern no kernel writes */
#define POISON 0xa5        /* bytes of every output before the kernel runs */

/* n floats at off floats (0..15) past a 64-byte boundary, so kernels meet
 * every alignment. The heap block ends right after p[n - 1], so ASan reports
 * any access past the array; the off floats before p hold a canary that
 * release() checks, for writes before it. */
static float *place(size_t n, unsigned off) {
  void *block;
  if (posix_memalign(&block, 64, (off + n) * sizeof(float) + (off + n == 0))) {
    fprintf(stderr, "out of memory\n");
    abort();
  }
  float *p = (float *)block + off;
  for (unsigned k = 1; k <= off; k++) p[-(ptrdiff_t)k] = u2f(CANARY);
  return p;
}

static float *place_copy(const float *v, size_t n, unsigned off) {
  float *p = place(n, off);
  if (n) memcpy(p, v, n * sizeof *p);
  return p;
}

static float *place_poisoned(size_t n, unsigned off) {
  float *p = place(n, off);
  memset(p, POISON, n * sizeof *p);
  return p;
}

/* ---- comparing, and reporting a difference ------------------------------- */

/* What the current case is, for the report. */
static struct {
  const char *kernel;
  sg_isa isa;
  char shape[200];
  int ninputs;
  struct {
    const char *name;
    const float *v;
    size_t n;
  } input[4];
} fuzz_case;

static void describe(const char *kernel, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(fuzz_case.shape, sizeof fuzz_case.shape, fmt, ap);
  va_end(ap);
  fuzz_case.kernel = kernel;
  fuzz_case.ninputs = 0;
}

static void describe_input(const char *name, const float *v, size_t n) {
  fuzz_case.input[fuzz_case.ninputs].name = name;
  fuzz_case.input[fuzz_case.ninputs].v = v;
  fuzz_case.input[fuzz_case.ninputs++].n = n;
}

static void print_bits(const char *name, const float *v, size_t n, size_t at) {
  size_t lo = at > 4 ? at - 4 : 0, hi = at + 5 < n ? at + 5 : n;
  fprintf(stderr, "  %s[%zu..%zu):", name, lo, hi);
  for (size_t i = lo; i < hi; i++) fprintf(stderr, " %08x", (unsigned)f2u(v[i]));
  fputc('\n', stderr);
}

/* Prints the case, the inputs around index at and, when ref is given, the
 * expected bits (scalar's output, or an input as it was) and the ones got
 * there, then aborts: libFuzzer writes the input to a crash file. */
static _Noreturn void fail(const char *what, size_t at, const float *ref, const float *got, size_t n) {
  fprintf(stderr, "\nFUZZ FAILURE: %s, isa %s (against scalar), %s: %s", fuzz_case.kernel,
          sg_isa_name(fuzz_case.isa), fuzz_case.shape, what);
  if (ref) {
    fprintf(stderr, ": first difference at [%zu]: expected %08x, got %08x\n", at, (unsigned)f2u(ref[at]),
            (unsigned)f2u(got[at]));
    print_bits("expected", ref, n, at);
    print_bits("got", got, n, at);
  } else {
    fputc('\n', stderr);
  }
  for (int k = 0; k < fuzz_case.ninputs; k++)
    print_bits(fuzz_case.input[k].name, fuzz_case.input[k].v, fuzz_case.input[k].n,
               at < fuzz_case.input[k].n ? at : 0);
  abort();
}

/* got must have ref's bits, NaN payloads and signs included. */
static void same_bits(const char *what, const float *ref, const float *got, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (f2u(ref[i]) != f2u(got[i])) fail(what, i, ref, got, n);
}

static void release(float *p, unsigned off) {
  for (unsigned k = 1; k <= off; k++)
    if (f2u(p[-(ptrdiff_t)k]) != CANARY) fail("wrote before the start of an array", 0, NULL, NULL, 0);
  free(p - off);
}

/* The ISAs compared with scalar: every other one whose table exists here. */
#define FOR_EACH_SIMD_ISA(isa) \
  for (sg_isa isa = SG_ISA_SCALAR + 1; isa < SG_ISA_COUNT; isa++) \
    if (sg_table_for(isa) && (fuzz_case.isa = isa, 1))

/* Says once, at start-up, what each execution compares. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  fprintf(stderr, "%s: comparing with scalar:", (*argv)[0]);
  FOR_EACH_SIMD_ISA(isa) fprintf(stderr, " %s", sg_isa_name(isa));
  fprintf(stderr, "\n");
  return 0;
}

#endif
