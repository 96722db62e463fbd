/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: the element-wise kernels of every ISA against the scalar
 * reference, bit for bit, with random n, alignments, in-place aliasing and
 * values. Input: entry, n, three offsets, aliasing, two value modes, then
 * the pool (fuzz.h). */
#include <config.h>

#include "fuzz.h"
#include "../oracle.h"

/* The entries: the registry's element-wise kernels (verify/oracle.h), in its
 * order (verify/fuzz/make-seeds.pl numbers them the same way). */
#define NENTRIES SG_NMAP_KERNELS

/* The names of a kernel's arrays, for the report. */
static const char *arg_name(const struct sg_map_kernel *k, int i) {
  static const char *const unary[3] = {"x", "", "y"}, *const of_y[3] = {"y", "dy", "dx"},
                           *const of_x[3] = {"x", "dy", "dx"};
  return !k->binary ? unary[i] : isinf(k->hi) ? of_x[i] : of_y[i];
}

enum { OUT_OF_PLACE, OUT_IS_A, OUT_IS_B, B_IS_A }; /* a, b: the inputs */
static const char *const alias_names[] = {"out of place", "in place (out = a)", "in place (out = b)",
                                          "b = a"};

struct fuzz_input {
  const struct sg_map_kernel *e;
  size_t n;
  unsigned off[3]; /* a, b, out */
  int alias;
  float *in[2];
};

struct run {
  float *buf[3], *out;
};

/* The kernel on fresh placed copies of the inputs: the table's entry, or for
 * n == 0 (which table kernels need not handle) the public function. */
static struct run run(const struct fuzz_input *c, sg_isa isa) {
  struct run r;
  r.buf[0] = place_copy(c->in[0], c->n, c->off[0]);
  r.buf[1] = place_copy(c->in[1], c->n, c->off[1]);
  r.buf[2] = place_poisoned(c->n, c->off[2]);
  int binary = c->e->binary;
  float *a = r.buf[0], *b = r.buf[1];
  r.out = c->alias == OUT_IS_A || (c->alias == OUT_IS_B && !binary) ? a
          : c->alias == OUT_IS_B                                   ? b
                                                                   : r.buf[2];
  if (c->alias == B_IS_A) b = a;
  if (c->n == 0) {
    sg_set_isa(isa);
    if (binary) c->e->api_binary(0, a, b, r.out);
    else c->e->api_unary(0, a, r.out);
  } else if (binary) {
    sg_map_binary(sg_table_for(isa), c->e)(c->n, a, b, r.out);
  } else {
    sg_map_unary(sg_table_for(isa), c->e)(c->n, a, r.out);
  }
  /* an input that is not the output must come back unchanged */
  for (int k = 0; k < 2; k++)
    if (r.buf[k] != r.out) same_bits("an input changed", c->in[k], r.buf[k], c->n);
  return r;
}

static void release_run(const struct fuzz_input *c, struct run *r) {
  for (int k = 0; k < 3; k++) release(r->buf[k], c->off[k]);
}

/* n in 0..2100: below 160 (every tail of every vector width and unrolling)
 * for 5 inputs in 8, any length otherwise. */
static size_t take_n(struct reader *r) {
  uint32_t b = take(r, 1);
  return b < 160 ? b : take(r, 2) % 2101;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct reader r = {data, size};
  struct fuzz_input c;
  c.e = &sg_map_kernels[take(&r, 1) % NENTRIES];
  c.n = take_n(&r);
  for (int k = 0; k < 3; k++) c.off[k] = take(&r, 1) % 16;
  c.alias = (int)(take(&r, 1) % 4);
  unsigned mode[2] = {take(&r, 1), take(&r, 1)};
  for (int k = 0; k < 2; k++) {
    c.in[k] = xmalloc(c.n * sizeof(float));
    fill(c.in[k], c.n, mode[k], &r, k * c.n);
  }
  int binary = c.e->binary;
  describe(c.e->name, "n=%zu, offsets %u %u %u, %s", c.n, c.off[0], c.off[1], c.off[2],
           alias_names[c.alias]);
  describe_input(arg_name(c.e, 0), c.in[0], c.n);
  if (binary) describe_input(arg_name(c.e, 1), c.in[1], c.n);

  fuzz_case.isa = SG_ISA_SCALAR;
  struct run ref = run(&c, SG_ISA_SCALAR);
  FOR_EACH_SIMD_ISA(isa) {
    struct run got = run(&c, isa);
    same_bits(arg_name(c.e, 2), ref.out, got.out, c.n);
    release_run(&c, &got);
  }
  release_run(&c, &ref);
  free(c.in[0]);
  free(c.in[1]);
  return 0;
}
