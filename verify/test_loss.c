/* SPDX-License-Identifier: BSD-3-Clause */
/* The losses (sg_mse, sg_sigmoid_bce) and sg_log_softmax_backward against a
 * long double oracle, and their edge cases. Each is computed in double with
 * one final rounding to float, so the bound is half an ULP plus the double
 * work's ~2^-40: checked at 0.5 + 2^-10 ULP, so a kernel that rounds twice
 * in float, or drops a term, fails. The same bits on every ISA come free
 * (they are scalar everywhere); the ISAs they call (sg_sigmoid) are checked
 * by test_elementwise. */
#include <float.h>

#include <config.h>

#include "check.h"
#include "oracle.h"

#define MAX_ULP (0.5 + 0x1p-10)

static const size_t shapes[][2] = {{1, 1}, {1, 10}, {3, 7}, {8, 10}, {32, 100}, {5, 1000}};
#define NSHAPES (sizeof shapes / sizeof *shapes)

static float random_scaled(uint64_t *seed) {
  float scale = ldexpf(1.0f, (int)(rng_next(seed) % 41) - 20); /* 2^-20 .. 2^20 */
  return scale * rng_uniform(seed, -1.0f, 1.0f);
}

static void test_mse(void) {
  uint64_t seed = 5;
  double worst_loss = 0, worst_delta = 0;
  for (size_t s = 0; s < NSHAPES; s++) {
    size_t rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
    float *y = xmalloc(n * sizeof *y), *t = xmalloc(n * sizeof *t), *delta = xmalloc(n * sizeof *delta);
    for (int round = 0; round < 50; round++) {
      for (size_t i = 0; i < n; i++) y[i] = random_scaled(&seed), t[i] = random_scaled(&seed);
      float loss = sg_mse(rows, cols, y, t, delta);
      long double sum = 0;
      for (size_t i = 0; i < n; i++) {
        long double d = (long double)y[i] - t[i];
        sum += d * d;
        double e = ulp_error(delta[i], (double)(2 * d / rows));
        if (e > worst_delta) worst_delta = e;
      }
      double e = ulp_error(loss, (double)(sum / rows));
      if (e > worst_loss) worst_loss = e;
    }
    free(y), free(t), free(delta);
  }
  printf("mse: loss max %.4f ULP, delta max %.4f ULP\n", worst_loss, worst_delta);
  CHECK(worst_loss <= MAX_ULP && worst_delta <= MAX_ULP, "mse: %.4f / %.4f ULP", worst_loss, worst_delta);

  /* Edges: rows == 0 touches nothing; NaN and inf; delta may be NULL. */
  float y2[2] = {1.0f, NAN}, t2[2] = {0.5f, 0.0f}, d2[2] = {7.0f, 7.0f};
  CHECK(sg_mse(0, 2, y2, t2, d2) == 0.0f && d2[0] == 7.0f, "mse rows == 0");
  CHECK(sg_mse(1, 1, y2, t2, NULL) == 0.25f, "mse delta NULL");
  float loss = sg_mse(1, 2, y2, t2, d2);
  CHECK(f2u(loss) == 0x7fc00000u && d2[0] == 1.0f && isnan(d2[1]), "mse NaN: loss %08x", f2u(loss));
  float yi[1] = {INFINITY}, ti[1] = {INFINITY};
  loss = sg_mse(1, 1, yi, ti, d2);
  CHECK(f2u(loss) == 0x7fc00000u && f2u(d2[0]) == 0x7fc00000u, "mse inf - inf: %08x %08x", f2u(loss),
        f2u(d2[0]));
}

static void test_bce(void) {
  uint64_t seed = 6;
  double worst_loss = 0, worst_delta = 0;
  for (size_t s = 0; s < NSHAPES; s++) {
    size_t rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
    float *u = xmalloc(n * sizeof *u), *t = xmalloc(n * sizeof *t), *a = xmalloc(n * sizeof *a),
          *a2 = xmalloc(n * sizeof *a2), *delta = xmalloc(n * sizeof *delta);
    for (int round = 0; round < 50; round++) {
      for (size_t i = 0; i < n; i++) {
        u[i] = rng_uniform(&seed, -40.0f, 40.0f);
        t[i] = round % 3 == 0 ? (float)(rng_next(&seed) & 1) : rng_uniform(&seed, 0.0f, 1.0f);
      }
      float loss = sg_sigmoid_bce(rows, cols, u, t, a, delta);
      sg_sigmoid(n, u, a2);
      long double sum = 0;
      for (size_t i = 0; i < n; i++) {
        long double x = u[i];
        sum += (x > 0 ? x : 0) - t[i] * x + log1pl(expl(-fabsl(x)));
        CHECK(f2u(a[i]) == f2u(a2[i]), "bce probs are not sg_sigmoid's");
        double e = ulp_error(delta[i], (double)(((long double)a[i] - t[i]) / rows));
        if (e > worst_delta) worst_delta = e;
      }
      double e = ulp_error(loss, (double)(sum / rows));
      if (e > worst_loss) worst_loss = e;
    }
    free(u), free(t), free(a), free(a2), free(delta);
  }
  printf("sigmoid_bce: loss max %.4f ULP, delta max %.4f ULP\n", worst_loss, worst_delta);
  CHECK(worst_loss <= MAX_ULP && worst_delta <= MAX_ULP, "bce: %.4f / %.4f ULP", worst_loss,
        worst_delta);
  /* Far logits lose nothing: log(1 + e^-100) is 3.7e-44, not a log of 1 - a rounded to 0. */
  float u1[2] = {100.0f, -100.0f}, t1[2] = {0.0f, 1.0f}, d1[2];
  float loss = sg_sigmoid_bce(1, 2, u1, t1, NULL, d1);
  CHECK(loss == 200.0f, "bce of confident wrong logits: %a, want 200", loss);
  CHECK(sg_sigmoid_bce(0, 2, u1, t1, NULL, d1) == 0.0f, "bce rows == 0");
  /* Infinite logits are certain predictions: the loss is 0 where the target
   * agrees and +inf where it does not (not inf - inf); delta stays a - t. */
  float ui[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY}, ti[4] = {1.0f, 0.0f, 0.0f, 1.0f};
  float di[4], pi[4];
  loss = sg_sigmoid_bce(1, 2, ui, ti, pi, di);
  CHECK(f2u(loss) == 0 && pi[0] == 1.0f && f2u(pi[1]) == 0 && f2u(di[0]) == 0 && f2u(di[1]) == 0,
        "bce of agreeing infinite logits: %a, delta %a %a, want 0", loss, di[0], di[1]);
  loss = sg_sigmoid_bce(1, 2, ui + 2, ti + 2, NULL, di);
  CHECK(loss == INFINITY && di[0] == 1.0f && di[1] == -1.0f,
        "bce of wrong infinite logits: %a, delta %a %a, want inf, 1, -1", loss, di[0], di[1]);
  float ts[2] = {0.25f, 0.75f}; /* a soft target against a certain logit: +inf */
  CHECK(sg_sigmoid_bce(1, 2, ui, ts, NULL, NULL) == INFINITY, "bce of inf logits, soft targets");
}

/* dx = dy - e^y sum(dy), bounds of simdgrad.h: 2 ULP on the grid of
 * max(|dx|, |e^y sum|) everywhere (that is, of dx itself where dy and
 * -e^y sum do not cancel: reported apart); 1 ULP of dx itself for the
 * confident class of a one-hot dy, whose 1 - p must not cancel. Rows with -inf (masked logits) and sums past float's range
 * take the elements the float form leaves to double. */
static void test_log_softmax_backward(void) {
  uint64_t seed = 8;
  double worst = 0, worst_conf = 0, worst_nc = 0;
  size_t n_conf = 0, n_nc = 0, n_all = 0;
  for (size_t s = 0; s < NSHAPES; s++) {
    size_t rows = shapes[s][0], cols = shapes[s][1], n = rows * cols;
    float *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), *dy = xmalloc(n * sizeof *dy),
          *dx = xmalloc(n * sizeof *dx), *dx2 = xmalloc(n * sizeof *dx2);
    size_t *label = xmalloc(rows * sizeof *label);
    for (int round = 0; round < 200; round++) {
      int kind = round % 4; /* 0: one-hot, confident; 1: random dy; 2: -inf logits; 3: huge dy */
      for (size_t i = 0; i < n; i++) {
        x[i] = kind == 2 && rng_next(&seed) % 4 == 0 ? -INFINITY : rng_uniform(&seed, -20.0f, 20.0f);
        dy[i] = kind == 0 ? 0.0f : kind == 3 ? rng_uniform(&seed, 0x1p126f, 0x1p127f) : random_scaled(&seed);
      }
      for (size_t r = 0; r < rows; r++) {
        label[r] = (size_t)(rng_next(&seed) % cols);
        if (kind != 0) continue;
        x[r * cols + label[r]] = 25.0f;
        dy[r * cols + label[r]] = -1.0f / (float)rows;
      }
      sg_log_softmax(rows, cols, x, y);
      sg_log_softmax_backward(rows, cols, y, dy, dx);
      for (size_t r = 0; r < rows; r++) {
        long double sum = 0;
        for (size_t c = 0; c < cols; c++) sum += dy[r * cols + c];
        for (size_t c = 0; c < cols; c++) {
          size_t i = r * cols + c;
          long double es = expl(y[i]) * sum, want = dy[i] - es;
          double e = ulp_error_floor(dx[i], (double)want, (double)fabsl(es));
          if (e > worst) worst = e;
          n_all++;
          if (kind == 0 && c == label[r]) {
            e = ulp_error(dx[i], (double)want), n_conf++;
            if (e > worst_conf) worst_conf = e;
          }
          if (dy[i] * es <= 0) {
            e = ulp_error(dx[i], (double)want), n_nc++;
            if (e > worst_nc) worst_nc = e;
          }
        }
      }
      /* In place over dy, and over y. */
      memcpy(dx2, dy, n * sizeof *dx2);
      sg_log_softmax_backward(rows, cols, y, dx2, dx2);
      CHECK(memcmp(dx, dx2, n * sizeof *dx) == 0, "log_softmax_backward in place over dy");
      memcpy(dx2, y, n * sizeof *dx2);
      sg_log_softmax_backward(rows, cols, dx2, dy, dx2);
      CHECK(memcmp(dx, dx2, n * sizeof *dx) == 0, "log_softmax_backward in place over y");
    }
    free(x), free(y), free(dy), free(dx), free(dx2), free(label);
  }
  printf("log_softmax_backward: max %.4f ULP of max(|dx|, |e^y sum|) over %zu; %.4f ULP at %zu confident labels, "
         "%.4f ULP at %zu without cancellation\n", worst, n_all, worst_conf, n_conf, worst_nc, n_nc);
  CHECK(worst <= sg_bound[SG_ENTRY_log_softmax_backward], "log_softmax_backward: %.4f ULP", worst);
  CHECK(worst_conf <= 1.0, "log_softmax_backward, confident labels: %.4f ULP", worst_conf);
}

int main(void) {
  test_mse();
  test_bce();
  test_log_softmax_backward();
  return check_summary("test_loss");
}
