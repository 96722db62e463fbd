/* SPDX-License-Identifier: BSD-3-Clause */
/* The MLP (see src/simdgrad.h). This file only orchestrates: every float
 * operation on data or parameters is a library kernel (dense, activation,
 * loss, sg_outer), so an MLP inherits the kernels' bits on every ISA.
 *
 * Memory: the parameters live in one block W0 b0 W1 b1 ... and their
 * gradients in a second block of the same layout, so one sg_outer call updates
 * them all. Activations live in an arena sized for the largest batch seen. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scalar_math.h"
#include "splitmix.h"

struct sg_mlp {
  size_t depth;
  size_t *widths;  /* depth + 1 */
  sg_act *act;     /* depth - 1 hidden activations */
  sg_head head;
  size_t *offset;  /* layer l's W at params + offset[l], its b right after W */
  size_t param_count;
  float *params, *grads;
  size_t widest;     /* the largest of widths[1..depth] */
  size_t row_floats; /* arena floats per batch row */
  size_t capacity;   /* rows the arena holds */
  size_t batch;      /* rows of the last forward; 0: none yet */
  float *arena;
  float *X;          /* copy of the last forward's input: backward needs it */
  float **u, **h;    /* per layer: pre-activation, output (may be one buffer) */
  float *delta, *spare; /* backward signal, ping-ponged between two buffers */
};

/* Does layer l need its pre-activation u apart from its output h? Backward
 * reads u only for a ReLU (its derivative takes x) and for the last layer
 * (the losses start from the logits); the identity head's output is u. */
static int keeps_preactivation(const sg_mlp *m, size_t l) {
  if (l + 1 == m->depth) return m->head != SG_HEAD_MSE;
  return m->act[l] == SG_ACT_RELU || m->act[l] == SG_ACT_SILU; /* their derivatives take u */
}

static int mul_overflows(size_t a, size_t b, size_t *out) {
  if (b && a > SIZE_MAX / b) return 1;
  *out = a * b;
  return 0;
}

static int add_overflows(size_t a, size_t b, size_t *out) {
  if (a > SIZE_MAX - b) return 1;
  *out = a + b;
  return 0;
}

/* Offsets of every layer's parameters and the arena's floats per batch row:
 * X, each layer's u (and h when apart), and two backward buffers as wide as
 * the widest layer output or input past layer 0. 0, or -1 on size_t overflow. */
static int plan_sizes(sg_mlp *m) {
  size_t params = 0, row = m->widths[0];
  for (size_t l = 0; l < m->depth; l++) {
    size_t in = m->widths[l], out = m->widths[l + 1], w;
    m->offset[l] = params;
    if (mul_overflows(in, out, &w) || add_overflows(params, w, &params) ||
        add_overflows(params, out, &params))
      return -1;
    if (mul_overflows(out, keeps_preactivation(m, l) ? 2 : 1, &w) || add_overflows(row, w, &row))
      return -1;
    if (out > m->widest) m->widest = out;
  }
  size_t two_wide;
  if (params > SIZE_MAX / sizeof(float) || mul_overflows(m->widest, 2, &two_wide) ||
      add_overflows(row, two_wide, &row))
    return -1;
  m->param_count = params;
  m->row_floats = row;
  return 0;
}

/* Points X, u, h and the backward buffers into an arena of `rows` rows. */
static void place_arena(sg_mlp *m, float *arena, size_t rows) {
  float *p = arena;
  m->X = p;
  p += rows * m->widths[0];
  for (size_t l = 0; l < m->depth; l++) {
    size_t n = rows * m->widths[l + 1];
    m->u[l] = p;
    p += n;
    m->h[l] = m->u[l];
    if (keeps_preactivation(m, l)) {
      m->h[l] = p;
      p += n;
    }
  }
  m->delta = p;
  m->spare = p + rows * m->widest;
  m->arena = arena;
  m->capacity = rows;
}

const char *sg_act_name(sg_act a) {
  static const char *const names[] = {"sigmoid", "tanh", "relu", "sigmoid_fast", "tanh_fast", "silu"};
  return (unsigned)a < sizeof names / sizeof *names ? names[a] : NULL;
}

sg_mlp *sg_mlp_create(size_t depth, const size_t *widths, const sg_act *hidden, sg_head head) {
  if (!depth || depth >= SIZE_MAX / sizeof(size_t) - 1 || !widths || (depth > 1 && !hidden) ||
      (unsigned)head > SG_HEAD_BCE)
    goto invalid;
  for (size_t i = 0; i <= depth; i++)
    if (!widths[i]) goto invalid;
  for (size_t l = 0; l + 1 < depth; l++)
    if (!sg_act_name(hidden[l])) goto invalid;

  sg_mlp *m = calloc(1, sizeof *m);
  if (!m) goto no_memory;
  m->depth = depth;
  m->head = head;
  m->widths = malloc((depth + 1) * sizeof *m->widths);
  m->act = malloc(depth * sizeof *m->act); /* depth - 1 used; never 0 bytes */
  m->offset = malloc(depth * sizeof *m->offset);
  m->u = malloc(depth * sizeof *m->u);
  m->h = malloc(depth * sizeof *m->h);
  if (!m->widths || !m->act || !m->offset || !m->u || !m->h) goto free_no_memory;
  memcpy(m->widths, widths, (depth + 1) * sizeof *widths);
  if (depth > 1) memcpy(m->act, hidden, (depth - 1) * sizeof *hidden);
  if (plan_sizes(m)) {
    sg_mlp_free(m);
    goto invalid;
  }
  m->params = calloc(m->param_count, sizeof *m->params); /* all-bits-zero is +0 */
  m->grads = calloc(m->param_count, sizeof *m->grads);
  if (!m->params || !m->grads) goto free_no_memory;
  return m;

free_no_memory:
  sg_mlp_free(m);
no_memory:
  errno = ENOMEM;
  return NULL;
invalid:
  errno = EINVAL;
  return NULL;
}

void sg_mlp_free(sg_mlp *m) {
  if (!m) return;
  free(m->widths);
  free(m->act);
  free(m->offset);
  free(m->u);
  free(m->h);
  free(m->params);
  free(m->grads);
  free(m->arena);
  free(m);
}

/* Standard normal draws by Marsaglia's polar method, in double, two per
 * accepted pair. The uniforms are exact multiples of 2^-52 in [-1, 1), so
 * everything up to the libm calls is the same everywhere. log is not
 * correctly rounded, so across C libraries the last bit of a draw may differ
 * (rarely the float parameter); on one machine every ISA gets the same
 * parameters, since no kernel is involved. */
struct normal_source {
  uint64_t state;
  int has_spare;
  double spare;
};

static double next_normal(struct normal_source *src) {
  if (src->has_spare) {
    src->has_spare = 0;
    return src->spare;
  }
  double a, b, r;
  do {
    a = (double)(sg_splitmix64(&src->state) >> 11) * 0x1p-52 - 1.0;
    b = (double)(sg_splitmix64(&src->state) >> 11) * 0x1p-52 - 1.0;
    r = a * a + b * b;
  } while (r >= 1.0 || r == 0.0);
  double f = sqrt(-2.0 * log(r) / r);
  src->spare = b * f;
  src->has_spare = 1;
  return a * f;
}

int sg_mlp_init(sg_mlp *m, sg_init init, uint64_t seed) {
  if (!m || (unsigned)init > SG_INIT_LECUN) {
    errno = EINVAL;
    return -1;
  }
  struct normal_source src = {seed, 0, 0.0};
  memset(m->params, 0, m->param_count * sizeof *m->params); /* biases start at +0 */
  memset(m->grads, 0, m->param_count * sizeof *m->grads);
  for (size_t l = 0; l < m->depth; l++) {
    size_t in = m->widths[l], out = m->widths[l + 1];
    double scale = init == SG_INIT_XAVIER ? sqrt(2.0 / ((double)in + (double)out))
                   : init == SG_INIT_HE    ? sqrt(2.0 / (double)in)
                   : init == SG_INIT_LECUN ? sqrt(1.0 / (double)in)
                                           : 1.0;
    float *W = m->params + m->offset[l];
    for (size_t i = 0; i < in * out; i++) W[i] = (float)(scale * next_normal(&src));
  }
  return 0;
}

int sg_mlp_init_bias(sg_mlp *m, sg_bias_init bias, uint64_t seed) {
  if (!m || (unsigned)bias > SG_BIAS_NORMAL) {
    errno = EINVAL;
    return -1;
  }
  /* another stream than the weights' for the same seed (any odd constant
   * would do: splitmix64 steps through every state) */
  struct normal_source src = {seed ^ 0xb1a5b1a5b1a5b1a5ull, 0, 0.0};
  for (size_t l = 0; l < m->depth; l++) {
    float *b = sg_mlp_bias(m, l);
    for (size_t j = 0; j < m->widths[l + 1]; j++) b[j] = bias == SG_BIAS_NORMAL ? (float)next_normal(&src) : 0.0f;
  }
  return 0;
}

size_t sg_mlp_depth(const sg_mlp *m) { return m ? m->depth : 0; }

size_t sg_mlp_width(const sg_mlp *m, size_t i) { return m && i <= m->depth ? m->widths[i] : 0; }

float *sg_mlp_weights(sg_mlp *m, size_t layer) {
  return m && layer < m->depth ? m->params + m->offset[layer] : NULL;
}

float *sg_mlp_bias(sg_mlp *m, size_t layer) {
  return m && layer < m->depth
             ? m->params + m->offset[layer] + m->widths[layer] * m->widths[layer + 1]
             : NULL;
}

const float *sg_mlp_grad_weights(const sg_mlp *m, size_t layer) {
  return m && layer < m->depth ? m->grads + m->offset[layer] : NULL;
}

const float *sg_mlp_grad_bias(const sg_mlp *m, size_t layer) {
  return m && layer < m->depth
             ? m->grads + m->offset[layer] + m->widths[layer] * m->widths[layer + 1]
             : NULL;
}

const float *sg_mlp_output(const sg_mlp *m, size_t layer) {
  return m && m->batch && layer < m->depth ? m->h[layer] : NULL;
}

int sg_mlp_forward(sg_mlp *m, size_t batch, const float *X) {
  if (!m || !batch || !X) {
    errno = EINVAL;
    return -1;
  }
  size_t floats;
  if (mul_overflows(batch, m->row_floats, &floats) || floats > SG_MAX_FLOATS) {
    errno = EINVAL; /* no arena of that many rows could exist */
    return -1;
  }
  size_t x_floats = batch * m->widths[0]; /* widths[0] <= row_floats: no wrap */
  if (batch > m->capacity) {
    float *arena = malloc(floats * sizeof(float)), *old = m->arena;
    if (!arena) {
      errno = ENOMEM;
      return -1; /* the old arena and the last forward's state stay */
    }
    place_arena(m, arena, batch);
    /* X may point into the old arena (a previous output fed back in): copy
     * it before that arena is freed. */
    memcpy(m->X, X, x_floats * sizeof *X);
    free(old);
  } else {
    memmove(m->X, X, x_floats * sizeof *X); /* X may be inside the arena */
  }
  for (size_t l = 0; l < m->depth; l++) {
    size_t in = m->widths[l], out = m->widths[l + 1], n = batch * out;
    float *W = m->params + m->offset[l];
    sg_dense_forward(batch, in, out, l ? m->h[l - 1] : m->X, W, W + in * out, m->u[l]);
    if (l + 1 == m->depth) {
      if (m->head == SG_HEAD_XENT) sg_softmax(batch, out, m->u[l], m->h[l]);
      if (m->head == SG_HEAD_BCE) sg_sigmoid(n, m->u[l], m->h[l]);
    } else {
      switch (m->act[l]) { /* in place unless u is kept (ReLU): then h is its own buffer */
      case SG_ACT_SIGMOID: sg_sigmoid(n, m->u[l], m->h[l]); break;
      case SG_ACT_SIGMOID_FAST: sg_sigmoid_fast(n, m->u[l], m->h[l]); break;
      case SG_ACT_TANH: sg_tanh(n, m->u[l], m->h[l]); break;
      case SG_ACT_TANH_FAST: sg_tanh_fast(n, m->u[l], m->h[l]); break;
      case SG_ACT_RELU: sg_relu(n, m->u[l], m->h[l]); break;
      case SG_ACT_SILU: sg_silu(n, m->u[l], m->h[l]); break;
      }
    }
  }
  m->batch = batch;
  return 0;
}

float sg_mlp_backward(sg_mlp *m, const float *targets, const uint32_t *labels) {
  float nan = sg_from_bits(SG_DEFAULT_NAN);
  if (!m || !m->batch || (m->head == SG_HEAD_XENT ? !labels : !targets)) return nan;
  size_t batch = m->batch, last = m->depth - 1, out = m->widths[m->depth];
  float *delta = m->delta, *spare = m->spare;
  float loss = m->head == SG_HEAD_MSE ? sg_mse(batch, out, m->u[last], targets, delta)
               : m->head == SG_HEAD_XENT
                   ? sg_softmax_xent(batch, out, m->u[last], labels, NULL, delta)
                   : sg_sigmoid_bce(batch, out, m->u[last], targets, NULL, delta);
  /* delta = dL/du of layer l; dense backward turns it into dL/dh of layer
   * l - 1 (in spare), the activation's derivative into that layer's dL/du. */
  for (size_t l = last + 1; l-- > 0;) {
    size_t in = m->widths[l], out_l = m->widths[l + 1];
    float *W = m->params + m->offset[l], *dW = m->grads + m->offset[l];
    sg_dense_backward(batch, in, out_l, l ? m->h[l - 1] : m->X, W, delta, dW, dW + in * out_l,
                      l ? spare : NULL);
    if (!l) break;
    size_t n = batch * in;
    switch (m->act[l - 1]) {
    case SG_ACT_SIGMOID:
    case SG_ACT_SIGMOID_FAST: sg_sigmoid_backward(n, m->h[l - 1], spare, spare); break;
    case SG_ACT_TANH:
    case SG_ACT_TANH_FAST: sg_tanh_backward(n, m->h[l - 1], spare, spare); break;
    case SG_ACT_RELU: sg_relu_backward(n, m->u[l - 1], spare, spare); break;
    case SG_ACT_SILU: sg_silu_backward(n, m->u[l - 1], spare, spare); break;
    }
    float *t = delta;
    delta = spare;
    spare = t;
  }
  return loss;
}

void sg_mlp_sgd(sg_mlp *m, float lr) {
  static const float one = 1.0f;
  /* One row over the whole parameter block: params[j] = fma(-lr, grads[j], params[j]). */
  if (m) sg_outer(1, m->param_count, -lr, &one, m->grads, m->params, m->param_count);
}
