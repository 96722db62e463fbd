/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer harness: the softmax family of every ISA against the scalar
 * reference, bit for bit (a NaN row is 0x7fc00000 on every ISA), with random
 * shapes, alignments, aliasing, labels and values. Input: entry, rows, cols,
 * four offsets, aliasing, xent's outputs, two value modes, one label byte per
 * row, then the pool (fuzz.h). */
#include <config.h>

#include "fuzz.h"

enum { SOFTMAX, LOG_SOFTMAX, SOFTMAX_BACKWARD, SOFTMAX_XENT, NENTRIES };
static const char *const entry_names[] = {"softmax", "log_softmax", "softmax_backward", "softmax_xent"};
/* Each entry's inputs a, b and outputs out, out2 (unused ones ""). */
static const char *const arg_names[][4] = {
    {"x", "", "y", ""}, {"x", "", "y", ""}, {"y", "dy", "dx", ""}, {"logits", "", "probs", "delta"}};
/* Aliasing: softmax and log_softmax run in place for any value but 0;
 * softmax_backward: 1 dx = y, 2 dx = dy, 3 dy = y; softmax_xent (which
 * src/softmax.c lets alias exactly): 1 probs = logits, 2 delta = logits,
 * 3 delta = probs. */
enum { OUT_OF_PLACE, ALIAS1, ALIAS2, ALIAS3 };

struct fuzz_input {
  int entry;
  size_t rows, cols, len; /* len = rows * cols */
  unsigned off[4];        /* a, b, out, out2 */
  int alias, has_probs, has_delta;
  float *in[2];
  uint32_t *labels;
};

struct run {
  float *buf[4], *out, *out2;
  double row_loss[8]; /* xent's per-row losses (rows <= 8), for its caller to sum */
};

/* The table kernel on fresh placed copies of the inputs. xent gets NULL for
 * absent outputs, as sg_softmax_xent passes them on. */
static struct run run(const struct fuzz_input *c, sg_isa isa) {
  const struct sg_table *t = sg_table_for(isa);
  struct run r = {.out = NULL};
  r.buf[0] = place_copy(c->in[0], c->len, c->off[0]);
  r.buf[1] = place_copy(c->in[1], c->len, c->off[1]);
  r.buf[2] = place_poisoned(c->len, c->off[2]);
  r.buf[3] = place_poisoned(c->len, c->off[3]);
  float *a = r.buf[0], *b = r.buf[1];
  r.out = r.buf[2];
  r.out2 = NULL;
  switch (c->entry) {
  case SOFTMAX:
  case LOG_SOFTMAX:
    if (c->alias != OUT_OF_PLACE) r.out = a;
    (c->entry == SOFTMAX ? t->softmax : t->log_softmax)(c->rows, c->cols, a, r.out);
    break;
  case SOFTMAX_BACKWARD:
    if (c->alias == ALIAS1) r.out = a;
    if (c->alias == ALIAS2) r.out = b;
    if (c->alias == ALIAS3) b = a;
    t->softmax_backward(c->rows, c->cols, a, b, r.out);
    break;
  case SOFTMAX_XENT:
    r.out = c->has_probs ? r.buf[2] : NULL;
    r.out2 = c->has_delta ? r.buf[3] : NULL;
    if (c->alias == ALIAS1 && r.out) r.out = a;
    if (c->alias == ALIAS2 && r.out2) r.out2 = a;
    if (c->alias == ALIAS3 && r.out && r.out2) r.out2 = r.out;
    t->softmax_xent(c->rows, c->cols, a, c->labels, r.out, r.out2, 1.0 / (double)c->rows, r.row_loss);
    break;
  }
  for (int k = 0; k < 2; k++)
    if (r.buf[k] != r.out && r.buf[k] != r.out2) same_bits("an input changed", c->in[k], r.buf[k], c->len);
  return r;
}

static void release_run(const struct fuzz_input *c, struct run *r) {
  for (int k = 0; k < 4; k++) release(r->buf[k], c->off[k]);
}

/* cols: 1..160 for 5 inputs in 8 (every tail of the 16 partial sums and of
 * the unrolled max), 1..300, or up to 2100 for 1 in 32. */
static size_t take_cols(struct reader *r) {
  uint32_t b = take(r, 1);
  return b < 160 ? 1 + b : b < 248 ? 1 + take(r, 2) % 300 : 1 + take(r, 2) % 2100;
}

/* Mostly a valid class; 1 in 16 out of range (cols, past it, or UINT32_MAX),
 * which the header defines: that row's loss and delta are NaN. */
static uint32_t label(uint32_t b, size_t cols) {
  return b < 240 ? (uint32_t)(b % cols) : b == 255 ? UINT32_MAX : (uint32_t)cols + (b - 240);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct reader r = {data, size};
  struct fuzz_input c;
  c.entry = (int)(take(&r, 1) % NENTRIES);
  c.rows = 1 + take(&r, 1) % 8;
  c.cols = take_cols(&r);
  c.len = c.rows * c.cols;
  for (int k = 0; k < 4; k++) c.off[k] = take(&r, 1) % 16;
  c.alias = (int)(take(&r, 1) % 4);
  uint32_t outputs = take(&r, 1);
  c.has_probs = outputs & 1;
  c.has_delta = outputs >> 1 & 1;
  unsigned mode[2] = {take(&r, 1), take(&r, 1)};
  c.labels = xmalloc(c.rows * sizeof *c.labels);
  for (size_t i = 0; i < c.rows; i++) c.labels[i] = c.entry == SOFTMAX_XENT ? label(take(&r, 1), c.cols) : 0;
  for (int k = 0; k < 2; k++) {
    c.in[k] = xmalloc(c.len * sizeof(float));
    fill(c.in[k], c.len, mode[k], &r, k * c.len);
  }
  const char *const *names = arg_names[c.entry];
  char labels[100] = "";
  for (size_t i = 0, used = 0; c.entry == SOFTMAX_XENT && i < c.rows && used < sizeof labels; i++)
    used += (size_t)snprintf(labels + used, sizeof labels - used, " %u", (unsigned)c.labels[i]);
  describe(entry_names[c.entry], "rows=%zu cols=%zu, offsets %u %u %u %u, alias %d%s%s%s%s", c.rows,
           c.cols, c.off[0], c.off[1], c.off[2], c.off[3], c.alias,
           c.entry == SOFTMAX_XENT ? (c.has_probs ? ", probs" : ", probs NULL") : "",
           c.entry == SOFTMAX_XENT ? (c.has_delta ? ", delta" : ", delta NULL") : "",
           c.entry == SOFTMAX_XENT ? ", labels" : "", labels);
  describe_input(names[0], c.in[0], c.len);
  if (*names[1]) describe_input(names[1], c.in[1], c.len);

  fuzz_case.isa = SG_ISA_SCALAR;
  struct run ref = run(&c, SG_ISA_SCALAR);
  FOR_EACH_SIMD_ISA(isa) {
    struct run got = run(&c, isa);
    if (ref.out) same_bits(names[2], ref.out, got.out, c.len);
    if (ref.out2) same_bits(names[3], ref.out2, got.out2, c.len);
    for (size_t i = 0; c.entry == SOFTMAX_XENT && i < c.rows; i++)
      if (memcmp(&ref.row_loss[i], &got.row_loss[i], sizeof(double)))
        fail("a row's loss", i, NULL, NULL, 0);
    release_run(&c, &got);
  }
  release_run(&c, &ref);
  free(c.in[0]);
  free(c.in[1]);
  free(c.labels);
  return 0;
}
