/* SPDX-License-Identifier: BSD-3-Clause */
/* The finite-difference gradient checker (see gradcheck.h).
 *
 * Numeric side: every function and loss is written out again here in plain
 * double, never through the library, and evaluated at the float inputs and
 * parameters converted to double. The derivative with respect to θ_i is the
 * central difference (L(θ + h) - L(θ - h)) / 2h with h = EPS max(|θ_i|, 1),
 * divided by the distance the perturbed points really are apart (θ_i ± h is
 * rounded), which is 2h within an ULP.
 *
 * Analytic side: the library's float kernels on the active ISA, substitutable
 * (struct gradcheck_kernels, the MLP's alter callback) so a test can prove
 * that a wrong gradient fails. */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gradcheck.h"
#include "splitmix.h"

/* The checks' arrays are small (the largest MLP's, a few thousand
 * doubles): a failed allocation ends the checking program. */
static void *alloc_or_exit(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) fputs("gradcheck: out of memory\n", stderr), exit(99);
  return p;
}

/* The step. The central difference's truncation error is O(h^2) relative
 * (the functions here have O(1) third derivatives at these inputs) and its
 * rounding error O(2^-53 |L| / h): 2^-14 puts the first near 1e-8 and the
 * second near 1e-12, both far below the float analytic side's ~1e-7, and
 * leaves room for the smaller gradients of a deep MLP's first layers. The
 * measured errors do not move for steps from 2^-10 to 2^-17. */
#define EPS 0x1p-14

/* Relative error is taken against max(|numeric|, FLOOR x the array's largest
 * |numeric|): an entry much smaller than its array's largest comes out of
 * cancelling sums of terms of the largest's size, so its float error is a few
 * ULPs of those terms, not of itself. */
#define FLOOR 1e-2

/* The pass mark. Correct float gradients measure up to ~2e-6 for the kernels
 * and ~6e-5 for MLPs of depth <= 6; a wrong gradient (a missing factor, a
 * transposition, a dropped term) is off by O(1). Float backpropagation
 * through many layers gathers rounding roughly in proportion to depth
 * (measured max ~9e-5 x depth up to depth 64), so an MLP of depth d gets
 * TOLERANCE x max(1, d/2). */
#define TOLERANCE 1e-3

static double mlp_tolerance(size_t depth) { return depth > 2 ? TOLERANCE * (double)depth / 2 : TOLERANCE; }

const struct gradcheck_kernels gradcheck_library = {
    sg_sigmoid_backward, sg_tanh_backward, sg_relu_backward, sg_softmax_backward,
    sg_log_softmax_backward, sg_softmax_xent, sg_mse, sg_sigmoid_bce, sg_dense_backward,
    sg_silu_backward,
};

const char *const gradcheck_kernel_names[] = {
    "sigmoid", "tanh", "relu", "silu", "softmax", "log_softmax", "softmax_xent", "mse",
    "sigmoid_bce", "dense", NULL,
};

/* ---- the double reference --------------------------------------------- */

/* The function an activation computes: the fast tier is the same one. */
static sg_act exact_act(sg_act act) {
  return act == SG_ACT_SIGMOID_FAST ? SG_ACT_SIGMOID : act == SG_ACT_TANH_FAST ? SG_ACT_TANH : act;
}

static double activate(sg_act act, double u) {
  switch (exact_act(act)) {
  case SG_ACT_SIGMOID: return 1.0 / (1.0 + exp(-u));
  case SG_ACT_TANH: return tanh(u);
  case SG_ACT_SILU: return u / (1.0 + exp(-u));
  default: return u > 0 ? u : 0.0;
  }
}

static double log_sum_exp(const double *x, size_t n) {
  double top = x[0], sum = 0.0;
  for (size_t i = 1; i < n; i++) top = x[i] > top ? x[i] : top;
  for (size_t i = 0; i < n; i++) sum += exp(x[i] - top);
  return top + log(sum);
}

/* Mean over rows of the head's loss of the logits u. */
static double head_loss(sg_head head, size_t rows, size_t cols, const double *u, const double *t,
                        const uint32_t *labels) {
  double sum = 0.0;
  for (size_t r = 0; r < rows; r++) {
    const double *ur = u + r * cols, *tr = t ? t + r * cols : NULL;
    if (head == SG_HEAD_XENT) {
      sum += log_sum_exp(ur, cols) - ur[labels[r]];
      continue;
    }
    for (size_t c = 0; c < cols; c++) {
      double v = ur[c];
      sum += head == SG_HEAD_MSE ? (v - tr[c]) * (v - tr[c])
                                 : (v > 0 ? v : 0.0) - tr[c] * v + log1p(exp(-fabs(v)));
    }
  }
  return sum / (double)rows;
}

/* Y = X W + b. */
static void dense_reference(size_t batch, size_t in, size_t out, const double *X, const double *W,
                            const double *b, double *Y) {
  for (size_t r = 0; r < batch; r++)
    for (size_t o = 0; o < out; o++) {
      double acc = b[o];
      for (size_t i = 0; i < in; i++) acc += X[r * in + i] * W[i * out + o];
      Y[r * out + o] = acc;
    }
}

/* ---- central differences and the comparison ---------------------------- */

typedef double loss_fn(void *ctx);

/* grad[i] = dL/dθ_i for the n entries of θ, an array the loss reads via ctx. */
static void numeric_gradient(double *theta, size_t n, loss_fn *loss, void *ctx, double *grad) {
  for (size_t i = 0; i < n; i++) {
    double saved = theta[i], h = EPS * fmax(fabs(saved), 1.0);
    double above = theta[i] = saved + h;
    double up = loss(ctx);
    double below = theta[i] = saved - h;
    double down = loss(ctx);
    theta[i] = saved;
    grad[i] = (up - down) / (above - below);
  }
}

void gradcheck_print_header(FILE *out) {
  fprintf(out, "gradient check: float analytic a against double central differences n,\n"
               "h = 2^-14 max(|x|, 1); relative error |a - n| / max(|n|, %g max|n|)\n", FLOOR);
  fprintf(out, "%-28s %-6s %11s %9s  %s\n", "check", "array", "max rel err", "tolerance", "result");
}

/* One row: the analytic float gradient against the numeric one. Returns 1 if
 * it fails. */
static int compare(struct gradcheck_report *r, const char *check, const char *array,
                   const float *analytic, const double *numeric, size_t n, double tolerance) {
  double largest = 0.0, worst = 0.0;
  for (size_t i = 0; i < n; i++) largest = fmax(largest, fabs(numeric[i]));
  double floor = fmax(FLOOR * largest, DBL_MIN); /* an all-zero gradient must be exactly 0 */
  for (size_t i = 0; i < n; i++) {
    double rel = fabs((double)analytic[i] - numeric[i]) / fmax(fabs(numeric[i]), floor);
    if (!(rel <= worst)) worst = isnan(rel) ? INFINITY : rel;
  }
  int pass = worst <= tolerance;
  if (r->out)
    fprintf(r->out, "%-28s %-6s %11.3e %9.1e  %s\n", check, array, worst, tolerance, pass ? "pass" : "FAIL");
  r->rows++;
  r->failures += !pass;
  if (worst > r->worst) r->worst = worst;
  return !pass;
}

static void random_floats(uint64_t *seed, float *x, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) x[i] = sg_uniform(seed, lo, hi);
}

static void widen(double *d, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = x[i];
}

static double *to_double(const float *x, size_t n) {
  double *d = alloc_or_exit(n * sizeof *d);
  widen(d, x, n);
  return d;
}

/* ---- per-kernel checks -------------------------------------------------- */

/* Three rows, so a gradient missing its 1/rows (or summing across rows)
 * fails; five columns, so a row reduction that skips a tail does too. */
enum { ROWS = 3, COLS = 5, N = ROWS * COLS };

/* L = sum w_i f(x)_i for an element-wise or row-wise f: dL/dx is the
 * backward kernel's dx for dy = w. */
enum weighted {
  W_SIGMOID = SG_ACT_SIGMOID, W_TANH = SG_ACT_TANH, W_RELU = SG_ACT_RELU, /* activate() takes these */
  W_SOFTMAX, /* 3 and 4: the _FAST activations have no check of their own */
  W_LOG_SOFTMAX,
  W_SILU = SG_ACT_SILU /* and this */
};
struct weighted_problem {
  enum weighted f;
  double x[N], w[N];
};

static double weighted_loss(void *ctx) {
  struct weighted_problem *p = ctx;
  double sum = 0.0;
  for (size_t r = 0; r < ROWS; r++) {
    const double *x = p->x + r * COLS, *w = p->w + r * COLS;
    double lse = log_sum_exp(x, COLS);
    for (size_t c = 0; c < COLS; c++) {
      double y = p->f == W_SOFTMAX       ? exp(x[c] - lse)
                 : p->f == W_LOG_SOFTMAX ? x[c] - lse
                                         : activate((sg_act)p->f, x[c]);
      sum += w[c] * y;
    }
  }
  return sum;
}

static int check_weighted(const char *name, enum weighted f, const struct gradcheck_kernels *k,
                          struct gradcheck_report *r) {
  uint64_t seed = 1000 + (uint64_t)f;
  float x[N], w[N], y[N], dx[N];
  random_floats(&seed, x, N, -4.0f, 4.0f);
  random_floats(&seed, w, N, -1.0f, 1.0f);
  if (f == W_RELU) /* away from the kink by far more than a step */
    for (size_t i = 0; i < N; i++) x[i] = copysignf(0.1f + fabsf(x[i]), x[i]);
  switch (f) {
  case W_SIGMOID: sg_sigmoid(N, x, y), k->sigmoid_backward(N, y, w, dx); break;
  case W_TANH: sg_tanh(N, x, y), k->tanh_backward(N, y, w, dx); break;
  case W_RELU: k->relu_backward(N, x, w, dx); break;
  case W_SILU: k->silu_backward(N, x, w, dx); break;
  case W_SOFTMAX: sg_softmax(ROWS, COLS, x, y), k->softmax_backward(ROWS, COLS, y, w, dx); break;
  case W_LOG_SOFTMAX:
    sg_log_softmax(ROWS, COLS, x, y), k->log_softmax_backward(ROWS, COLS, y, w, dx);
    break;
  }
  struct weighted_problem p = {.f = f};
  double numeric[N];
  widen(p.x, x, N), widen(p.w, w, N);
  numeric_gradient(p.x, N, weighted_loss, &p, numeric);
  return compare(r, name, "dx", dx, numeric, N, TOLERANCE);
}

/* A head's loss as a function of its first argument: the kernel's delta. */
struct head_problem {
  sg_head head;
  double u[N], t[N];
  uint32_t labels[ROWS];
};

static double head_problem_loss(void *ctx) {
  struct head_problem *p = ctx;
  return head_loss(p->head, ROWS, COLS, p->u, p->t, p->labels);
}

static int check_head(const char *name, sg_head head, const struct gradcheck_kernels *k,
                      struct gradcheck_report *r) {
  uint64_t seed = 2000 + (uint64_t)head;
  float u[N], t[N], delta[N];
  struct head_problem p = {.head = head};
  random_floats(&seed, u, N, -3.0f, 3.0f);
  random_floats(&seed, t, N, head == SG_HEAD_BCE ? 0.0f : -3.0f, head == SG_HEAD_BCE ? 1.0f : 3.0f);
  for (size_t i = 0; i < ROWS; i++) p.labels[i] = (uint32_t)(sg_splitmix64(&seed) % COLS);
  if (head == SG_HEAD_MSE) k->mse(ROWS, COLS, u, t, delta);
  if (head == SG_HEAD_XENT) k->softmax_xent(ROWS, COLS, u, p.labels, NULL, delta);
  if (head == SG_HEAD_BCE) k->sigmoid_bce(ROWS, COLS, u, t, NULL, delta);
  double numeric[N];
  widen(p.u, u, N), widen(p.t, t, N);
  numeric_gradient(p.u, N, head_problem_loss, &p, numeric);
  return compare(r, name, "delta", delta, numeric, N, TOLERANCE);
}

/* L = sum w (X W + b): dL/dX, dL/dW, dL/db from the backward kernel with
 * dY = w. in != out and both != batch, so a transposed result is caught. */
enum { D_BATCH = ROWS, D_IN = 4, D_OUT = 6 };
struct dense_problem {
  double X[D_BATCH * D_IN], W[D_IN * D_OUT], b[D_OUT], w[D_BATCH * D_OUT];
};

static double dense_loss(void *ctx) {
  struct dense_problem *p = ctx;
  double Y[D_BATCH * D_OUT], sum = 0.0;
  dense_reference(D_BATCH, D_IN, D_OUT, p->X, p->W, p->b, Y);
  for (size_t i = 0; i < D_BATCH * D_OUT; i++) sum += p->w[i] * Y[i];
  return sum;
}

static int check_dense(const struct gradcheck_kernels *k, struct gradcheck_report *r) {
  uint64_t seed = 3000;
  float X[D_BATCH * D_IN], W[D_IN * D_OUT], b[D_OUT], w[D_BATCH * D_OUT];
  float dX[D_BATCH * D_IN], dW[D_IN * D_OUT], db[D_OUT];
  random_floats(&seed, X, D_BATCH * D_IN, -2.0f, 2.0f);
  random_floats(&seed, W, D_IN * D_OUT, -2.0f, 2.0f);
  random_floats(&seed, b, D_OUT, -2.0f, 2.0f);
  random_floats(&seed, w, D_BATCH * D_OUT, -1.0f, 1.0f);
  k->dense_backward(D_BATCH, D_IN, D_OUT, X, W, w, dW, db, dX);
  struct dense_problem p;
  widen(p.X, X, D_BATCH * D_IN), widen(p.W, W, D_IN * D_OUT), widen(p.b, b, D_OUT);
  widen(p.w, w, D_BATCH * D_OUT);
  double nX[D_BATCH * D_IN], nW[D_IN * D_OUT], nb[D_OUT];
  numeric_gradient(p.X, D_BATCH * D_IN, dense_loss, &p, nX);
  numeric_gradient(p.W, D_IN * D_OUT, dense_loss, &p, nW);
  numeric_gradient(p.b, D_OUT, dense_loss, &p, nb);
  return compare(r, "dense_backward", "dX", dX, nX, D_BATCH * D_IN, TOLERANCE) +
         compare(r, "dense_backward", "dW", dW, nW, D_IN * D_OUT, TOLERANCE) +
         compare(r, "dense_backward", "db", db, nb, D_OUT, TOLERANCE);
}

int gradcheck_kernel(const char *name, const struct gradcheck_kernels *k,
                     struct gradcheck_report *r) {
  static const struct {
    const char *name, *row;
    enum weighted f;
  } weighted[] = {
      {"sigmoid", "sigmoid_backward", W_SIGMOID},   {"tanh", "tanh_backward", W_TANH},
      {"relu", "relu_backward (|x|>=0.1)", W_RELU}, {"silu", "silu_backward", W_SILU},
      {"softmax", "softmax_backward", W_SOFTMAX},
      {"log_softmax", "log_softmax_backward", W_LOG_SOFTMAX},
  };
  static const struct {
    const char *name;
    sg_head head;
  } heads[] = {{"softmax_xent", SG_HEAD_XENT}, {"mse", SG_HEAD_MSE}, {"sigmoid_bce", SG_HEAD_BCE}};
  struct gradcheck_kernels merged = gradcheck_library;
  if (k) { /* a NULL member stays the library's */
#define GRADCHECK_TAKE(f) if (k->f) merged.f = k->f;
    GRADCHECK_TAKE(sigmoid_backward) GRADCHECK_TAKE(tanh_backward) GRADCHECK_TAKE(relu_backward)
    GRADCHECK_TAKE(softmax_backward) GRADCHECK_TAKE(log_softmax_backward)
    GRADCHECK_TAKE(softmax_xent) GRADCHECK_TAKE(mse) GRADCHECK_TAKE(sigmoid_bce)
    GRADCHECK_TAKE(dense_backward) GRADCHECK_TAKE(silu_backward)
#undef GRADCHECK_TAKE
  }
  k = &merged;
  for (size_t i = 0; i < sizeof weighted / sizeof *weighted; i++)
    if (strcmp(name, weighted[i].name) == 0) return check_weighted(weighted[i].row, weighted[i].f, k, r);
  for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
    if (strcmp(name, heads[i].name) == 0) return check_head(heads[i].name, heads[i].head, k, r);
  if (strcmp(name, "dense") == 0) return check_dense(k, r);
  return -1;
}

/* ---- whole MLPs ----------------------------------------------------------- */

static const size_t hidden_widths[] = {7, 6, 8}; /* consecutive widths differ */

static size_t mlp_width(size_t depth, sg_head head, size_t i) {
  if (i == 0) return 5;
  if (i == depth) return head == SG_HEAD_MSE ? 3 : head == SG_HEAD_XENT ? 4 : 1;
  return hidden_widths[(i - 1) % 3];
}

/* The MLP and its loss in double, from the MLP's parameters. */
struct mlp_problem {
  size_t depth, batch;
  const size_t *widths;
  const sg_act *hidden; /* depth - 1 */
  sg_head head;
  double **W, **b;
  const double *X, *t;
  const uint32_t *labels;
  double *ping, *pong; /* batch x the widest layer */
};

static double mlp_loss(void *ctx) {
  struct mlp_problem *p = ctx;
  const double *h = p->X;
  double *u = p->ping, *spare = p->pong;
  for (size_t l = 0; l < p->depth; l++) {
    size_t out = p->widths[l + 1];
    dense_reference(p->batch, p->widths[l], out, h, p->W[l], p->b[l], u);
    if (l + 1 == p->depth) break;
    for (size_t i = 0; i < p->batch * out; i++) u[i] = activate(p->hidden[l], u[i]);
    h = u;
    u = spare;
    spare = (double *)h;
  }
  return head_loss(p->head, p->batch, p->widths[p->depth], u, p->t, p->labels);
}

/* Parameters that keep every layer's gradient within what double central
 * differences resolve, at any depth up to 64: W ~ N(0, g^2/in) with g =
 * 1/f'(0) of the layer's activation (sigmoid 4; tanh 1; ReLU sqrt 2; the
 * last layer, whatever its head, 4), and a layer fed by sigmoids gets the
 * bias -1/2 sum_i W_io
 * (plus noise in +-0.1) so that its input is centred as the sigmoid's
 * output is not. This is the critical initialisation: the backward signal
 * neither vanishes nor explodes geometrically. (With Xavier weights the
 * first layers' gradients of a 12-layer sigmoid MLP already fall below
 * double's resolution of the loss difference.) Draws come from sg_mlp_init
 * (NORMAL), scaled here. */
static void set_parameters(sg_mlp *m, size_t depth, const size_t *widths, const sg_act *hidden,
                           uint64_t *seed) {
  sg_mlp_init(m, SG_INIT_NORMAL, *seed);
  for (size_t l = 0; l < depth; l++) {
    size_t in = widths[l], out = widths[l + 1];
    sg_act act = l + 1 < depth ? exact_act(hidden[l]) : SG_ACT_SIGMOID;
    int fed_by_sigmoids = l && exact_act(hidden[l - 1]) == SG_ACT_SIGMOID;
    double gain = act == SG_ACT_SIGMOID ? 4.0 : act == SG_ACT_TANH ? 1.0 : sqrt(2.0);
    float *W = sg_mlp_weights(m, l), *b = sg_mlp_bias(m, l);
    for (size_t i = 0; i < in * out; i++) W[i] = (float)(W[i] * gain / sqrt((double)in));
    random_floats(seed, b, out, -0.1f, 0.1f);
    for (size_t o = 0; o < out && fed_by_sigmoids; o++) {
      double sum = 0.0;
      for (size_t i = 0; i < in; i++) sum += W[i * out + o];
      b[o] = (float)(b[o] - 0.5 * sum);
    }
  }
}

static const char *head_name(sg_head head) {
  return head == SG_HEAD_MSE ? "mse" : head == SG_HEAD_XENT ? "xent" : "bce";
}

int gradcheck_mlp(size_t depth, sg_head head, size_t batch, const sg_act *hidden,
                  gradcheck_alter_fn *alter, void *ctx, struct gradcheck_report *r) {
  size_t widths[depth + 1], widest = 0;
  for (size_t i = 0; i <= depth; i++) {
    widths[i] = mlp_width(depth, head, i);
    widest = widths[i] > widest ? widths[i] : widest;
  }
  sg_act sigmoids[depth];
  const sg_act *acts = hidden ? hidden : sigmoids;
  for (size_t l = 0; l < depth; l++) sigmoids[l] = SG_ACT_SIGMOID;
  sg_mlp *m = sg_mlp_create(depth, widths, acts, head);
  if (!m) {
    if (r->out) fprintf(r->out, "mlp depth %zu: sg_mlp_create failed\n", depth);
    r->failures++;
    return -1;
  }
  uint64_t seed = 4000 + 100 * depth + 10 * (uint64_t)head + batch;
  set_parameters(m, depth, widths, acts, &seed);

  size_t n_out = batch * widths[depth];
  float *X = alloc_or_exit(batch * widths[0] * sizeof *X), *t = alloc_or_exit(n_out * sizeof *t);
  uint32_t *labels = alloc_or_exit(batch * sizeof *labels);
  random_floats(&seed, X, batch * widths[0], -1.0f, 1.0f);
  random_floats(&seed, t, n_out, -1.0f, 1.0f);
  for (size_t i = 0; i < n_out && head == SG_HEAD_BCE; i++) t[i] = t[i] > 0; /* 0/1 labels */
  for (size_t i = 0; i < batch; i++) labels[i] = (uint32_t)(sg_splitmix64(&seed) % widths[depth]);
  int failed = sg_mlp_forward(m, batch, X) != 0 || isnan(sg_mlp_backward(m, t, labels));

  /* The analytic gradients, copied so alter may change them. */
  float *dW[depth], *db[depth];
  double *W[depth], *b[depth];
  for (size_t l = 0; l < depth; l++) {
    size_t nw = widths[l] * widths[l + 1], nb = widths[l + 1];
    dW[l] = alloc_or_exit(nw * sizeof **dW), db[l] = alloc_or_exit(nb * sizeof **db);
    memcpy(dW[l], sg_mlp_grad_weights(m, l), nw * sizeof **dW);
    memcpy(db[l], sg_mlp_grad_bias(m, l), nb * sizeof **db);
    W[l] = to_double(sg_mlp_weights(m, l), nw), b[l] = to_double(sg_mlp_bias(m, l), nb);
  }
  if (alter) alter(depth, widths, dW, db, ctx);

  double *Xd = to_double(X, batch * widths[0]), *td = to_double(t, n_out);
  struct mlp_problem p = {depth, batch, widths, acts, head, W, b, Xd, td, labels,
                          alloc_or_exit(batch * widest * sizeof(double)),
                          alloc_or_exit(batch * widest * sizeof(double))};
  char check[64], array[24];
  int len = head == SG_HEAD_BCE && depth == 1
                ? snprintf(check, sizeof check, "logistic regression b%zu", batch)
                : snprintf(check, sizeof check, "mlp %s d%zu b%zu", head_name(head), depth, batch);
  for (size_t l = 0; hidden && l + 1 < depth && len < (int)sizeof check; l++) /* truncates */
    len += snprintf(check + len, sizeof check - (size_t)len, "%s%s", l ? "," : " ", sg_act_name(hidden[l]));
  if (failed && r->out) fprintf(r->out, "%-30s forward/backward failed\n", check);
  r->failures += failed;
  for (size_t l = 0; l < depth; l++) {
    size_t nw = widths[l] * widths[l + 1], nb = widths[l + 1];
    double *numeric = alloc_or_exit(nw * sizeof *numeric);
    numeric_gradient(W[l], nw, mlp_loss, &p, numeric);
    snprintf(array, sizeof array, "W%zu", l);
    failed += compare(r, check, array, dW[l], numeric, nw, mlp_tolerance(depth));
    numeric_gradient(b[l], nb, mlp_loss, &p, numeric);
    snprintf(array, sizeof array, "b%zu", l);
    failed += compare(r, check, array, db[l], numeric, nb, mlp_tolerance(depth));
    free(numeric);
  }
  for (size_t l = 0; l < depth; l++) free(dW[l]), free(db[l]), free(W[l]), free(b[l]);
  free(p.ping), free(p.pong), free(Xd), free(td), free(X), free(t), free(labels);
  sg_mlp_free(m);
  return failed;
}

int gradcheck_all(size_t depth, int head, struct gradcheck_report *r) {
  unsigned before = r->failures;
  for (size_t i = 0; gradcheck_kernel_names[i]; i++) gradcheck_kernel(gradcheck_kernel_names[i], NULL, r);
  static const sg_head heads[] = {SG_HEAD_MSE, SG_HEAD_XENT};
  static const sg_act mixed[] = {SG_ACT_TANH, SG_ACT_RELU}, fast[] = {SG_ACT_SIGMOID_FAST, SG_ACT_TANH_FAST},
                      silu[] = {SG_ACT_SILU, SG_ACT_SILU};
  for (size_t h = 0; h < 2; h++) {
    if (head >= 0 && (sg_head)head != heads[h]) continue;
    for (size_t d = depth ? depth : 1; d <= (depth ? depth : 6); d++)
      for (size_t batch = 1; batch <= 8; batch += 7) gradcheck_mlp(d, heads[h], batch, NULL, NULL, NULL, r);
    if (!depth || depth == 3) gradcheck_mlp(3, heads[h], 8, mixed, NULL, NULL, r);
    if (!depth || depth == 3) gradcheck_mlp(3, heads[h], 8, fast, NULL, NULL, r);
    if (!depth || depth == 3) gradcheck_mlp(3, heads[h], 8, silu, NULL, NULL, r);
  }
  if ((!depth || depth == 1) && head < 0) gradcheck_mlp(1, SG_HEAD_BCE, 8, NULL, NULL, NULL, r);
  return (int)(r->failures - before);
}
