/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: the dense layer and outer product of every ISA against
 * the scalar reference, bit for bit (NaN payloads and signs included), with
 * random shapes, alignments, NULL arguments and values.
 * Outputs must not overlap inputs, so there is no aliasing here. Input:
 * entry, three sizes, lda slack, flags, six offsets, four value modes,
 * alpha, then the pool (fuzz.h). */
#include <config.h>

#include "fuzz.h"
#include "math_consts.h"

enum { FORWARD, BACKWARD, OUTER, NENTRIES };
static const char *const entry_names[] = {"dense_forward", "dense_backward", "outer"};
static const char *const arg_names[][6] = {{"X", "W", "bias", "Y", "", ""},
                                           {"X", "W", "dY", "dW", "db", "dX"},
                                           {"x", "y", "A", "A", "", ""}};

struct fuzz_input {
  int entry;
  size_t d[3];          /* batch, in, out; or m, n, lda */
  int has[3];           /* bias; or dW, db, dX */
  unsigned off[6];      /* three inputs, three outputs */
  size_t in_n[3], out_n[3];
  float *in[3], alpha;
  int public_api;       /* an empty shape, alpha == 0 or no output: the wrapper decides */
};

struct run {
  float *buf[6], *out[3];
};

/* The kernel on fresh placed copies: the table's, or the public function
 * where sg_dense_* or sg_outer would not call the table (or would change the
 * arguments). Absent inputs are NULL, as the header allows. */
static struct run run(const struct fuzz_input *c, sg_isa isa) {
  const struct sg_table *t = sg_table_for(isa);
  struct run r;
  for (int k = 0; k < 3; k++) {
    r.buf[k] = place_copy(c->in[k], c->in_n[k], c->off[k]);
    r.buf[3 + k] = c->entry == OUTER && k == 0 ? place_copy(c->in[2], c->out_n[0], c->off[3])
                                               : place_poisoned(c->out_n[k], c->off[3 + k]);
    r.out[k] = c->entry == BACKWARD && c->has[k] ? r.buf[3 + k] : NULL; /* dW db dX */
  }
  if (c->public_api) sg_set_isa(isa);
  size_t d0 = c->d[0], d1 = c->d[1], d2 = c->d[2];
  switch (c->entry) {
  case FORWARD: {
    const float *bias = c->has[0] ? r.buf[2] : NULL;
    r.out[0] = r.buf[3]; /* Y */
    if (c->public_api) sg_dense_forward(d0, d1, d2, r.buf[0], r.buf[1], bias, r.out[0]);
    else t->dense_forward(d0, d1, d2, r.buf[0], r.buf[1], bias, r.out[0]);
    break;
  }
  case BACKWARD: {
    const float *X = r.out[0] ? r.buf[0] : NULL, *W = r.out[2] ? r.buf[1] : NULL;
    if (c->public_api) sg_dense_backward(d0, d1, d2, X, W, r.buf[2], r.out[0], r.out[1], r.out[2]);
    else t->dense_backward(d0, d1, d2, X, W, r.buf[2], r.out[0], r.out[1], r.out[2]);
    break;
  }
  case OUTER:
    r.out[0] = r.buf[3]; /* A */
    if (c->public_api) sg_outer(d0, d1, c->alpha, r.buf[0], r.buf[1], r.out[0], d2);
    else t->outer(d0, d1, c->alpha, r.buf[0], r.buf[1], r.out[0], d2);
    break;
  }
  for (int k = 0; k < 3; k++) same_bits("an input changed", c->in[k], r.buf[k], c->in_n[k]);
  return r;
}

static void release_run(const struct fuzz_input *c, struct run *r) {
  for (int k = 0; k < 6; k++) release(r->buf[k], c->off[k]);
}

/* Every NaN the scalar reference computed is 0x7fc00000 (src/dense.c): v
 * holds rows of cols computed entries, ld apart (outer's padding keeps A's
 * input bits). */
static void canonical_nans(const char *what, const float *v, size_t n, size_t cols, size_t ld) {
  for (size_t i = 0; i < n; i++)
    if (i % ld < cols && isnan(v[i]) && f2u(v[i]) != SG_DEFAULT_NAN) {
      char msg[96];
      snprintf(msg, sizeof msg, "%s[%zu] = %08x, a NaN other than %08x", what, i, (unsigned)f2u(v[i]),
               (unsigned)SG_DEFAULT_NAN);
      fail(msg, i, NULL, NULL, 0);
    }
}

/* 1..limit; for 1 input in 32 up to 4200, past the blocking of
 * simd/common/dense.h (reductions in KC = 256 steps, MC = 96 or 192 rows,
 * NC = 4096 columns); 0 (the wrapper's empty shapes) for 1 in 16. */
static size_t take_dim(struct reader *r, size_t limit) {
  uint32_t b = take(r, 1);
  return b < 232 ? 1 + b % limit : b < 240 ? 1 + take(r, 2) % 4200 : 0;
}

/* At most 2^15 multiply-adds per run, to keep executions fast (still
 * enough for each blocking on its own): the largest size folds back into
 * 1..limit until the product fits. */
static void fit_budget(size_t d[3], size_t limit) {
  while (d[0] * d[1] * d[2] > ((size_t)1 << 15)) {
    int k = d[0] >= d[1] && d[0] >= d[2] ? 0 : d[1] >= d[2] ? 1 : 2;
    d[k] = 1 + d[k] % limit;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct reader r = {data, size};
  struct fuzz_input c;
  c.entry = (int)(take(&r, 1) % NENTRIES);
  size_t limit = c.entry == OUTER ? 70 : 40;
  for (int k = 0; k < 3; k++) c.d[k] = take_dim(&r, limit);
  if (c.entry == OUTER) c.d[2] = 1; /* replaced by lda below */
  fit_budget(c.d, limit);
  uint32_t slack = take(&r, 1) % 9, flags = take(&r, 1);
  for (int k = 0; k < 3; k++) c.has[k] = flags >> k & 1;
  for (int k = 0; k < 6; k++) c.off[k] = take(&r, 1) % 16;
  unsigned mode[4];
  for (int k = 0; k < 4; k++) mode[k] = take(&r, 1);
  c.alpha = shape(take(&r, 4), mode[3]);

  size_t batch = c.d[0], in = c.d[1], out = c.d[2];
  switch (c.entry) {
  case FORWARD:
    c.in_n[0] = batch * in, c.in_n[1] = in * out, c.in_n[2] = out;
    c.out_n[0] = batch * out, c.out_n[1] = c.out_n[2] = 0;
    c.public_api = !batch || !in || !out;
    break;
  case BACKWARD:
    c.in_n[0] = batch * in, c.in_n[1] = in * out, c.in_n[2] = batch * out;
    c.out_n[0] = in * out, c.out_n[1] = out, c.out_n[2] = batch * in;
    c.public_api = !batch || !in || !out || !(c.has[0] || c.has[1] || c.has[2]);
    break;
  case OUTER: /* A is m x n with leading dimension lda: its last row ends at n */
    c.d[2] = c.d[1] + slack;
    c.in_n[0] = c.d[0], c.in_n[1] = c.d[1];
    c.in_n[2] = c.out_n[0] = c.d[0] && c.d[1] ? (c.d[0] - 1) * c.d[2] + c.d[1] : 0;
    c.out_n[1] = c.out_n[2] = 0;
    c.public_api = !c.d[0] || !c.d[1] || c.alpha == 0.0f;
    break;
  }
  size_t first = 0;
  for (int k = 0; k < 3; k++) {
    c.in[k] = xmalloc(c.in_n[k] * sizeof(float));
    fill(c.in[k], c.in_n[k], mode[k], &r, first);
    first += c.in_n[k];
  }
  const char *const *names = arg_names[c.entry];
  char args[64];
  if (c.entry == FORWARD) snprintf(args, sizeof args, "bias%s", c.has[0] ? "" : " NULL");
  if (c.entry == BACKWARD)
    snprintf(args, sizeof args, "dW%s db%s dX%s", c.has[0] ? "" : " NULL", c.has[1] ? "" : " NULL",
             c.has[2] ? "" : " NULL");
  if (c.entry == OUTER) snprintf(args, sizeof args, "alpha %08x", (unsigned)f2u(c.alpha));
  describe(entry_names[c.entry], "%s %zu %zu %zu, %s, offsets %u %u %u %u %u %u%s",
           c.entry == OUTER ? "m n lda" : "batch in out", c.d[0], c.d[1], c.d[2], args, c.off[0], c.off[1],
           c.off[2], c.off[3], c.off[4], c.off[5], c.public_api ? " (public API)" : "");
  for (int k = 0; k < 3; k++)
    if (c.in_n[k]) describe_input(names[k], c.in[k], c.in_n[k]);

  fuzz_case.isa = SG_ISA_SCALAR;
  struct run ref = run(&c, SG_ISA_SCALAR);
  for (int k = 0; k < 3; k++)
    if (ref.out[k] && !(c.entry == OUTER && c.alpha == 0.0f)) { /* alpha 0: A untouched */
      int outer = c.entry == OUTER;
      canonical_nans(names[3 + k], ref.out[k], c.out_n[k], outer ? c.d[1] : c.out_n[k],
                     outer ? c.d[2] : c.out_n[k]);
    }
  FOR_EACH_SIMD_ISA(isa) {
    struct run got = run(&c, isa);
    for (int k = 0; k < 3; k++)
      if (ref.out[k]) same_bits(names[3 + k], ref.out[k], got.out[k], c.out_n[k]);
    release_run(&c, &got);
  }
  release_run(&c, &ref);
  for (int k = 0; k < 3; k++) free(c.in[k]);
  return 0;
}
