/* SPDX-License-Identifier: BSD-3-Clause */
/* The library's contract at its edges, as src/simdgrad.h states it:
 * - SIMDGRAD_ISA: a bad value is one warning and is ignored, never an exit;
 *   an empty one is unset; sg_set_isa wins; sg_env_isa_status reports it
 *   (each case in a fresh child process, since the table is set up once);
 * - impossible sizes (a product that wraps size_t or passes the largest
 *   array, lda < n) write nothing and set errno to EINVAL, on every ISA;
 * - sg_mlp_forward takes any X, an earlier output of the same object
 *   included, also when the batch grows and the activations move. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "oracle.h"

/* ---- SIMDGRAD_ISA -------------------------------------------------------- */

struct env_case {
  const char *value;   /* NULL: unset */
  int set_scalar;      /* the program calls sg_set_isa(SG_ISA_SCALAR) first */
  sg_env_isa status;   /* what sg_env_isa_status must say */
};

/* In the child: 0 if the library behaved, else the number of the first
 * expectation that failed. */
static int env_child(const struct env_case *c) {
  if (c->value) setenv("SIMDGRAD_ISA", c->value, 1);
  else unsetenv("SIMDGRAD_ISA");
  if (c->set_scalar && sg_set_isa(SG_ISA_SCALAR) != 0) return 1;
  float x[3] = {-1.0f, 0.0f, 1.0f}, y[3];
  sg_sigmoid(3, x, y); /* a kernel call after the table is set up */
  if (y[1] != 0.5f) return 2;
  if (sg_env_isa_status() != c->status) return 3;
  sg_isa best = SG_ISA_SCALAR;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported((sg_isa)i)) best = (sg_isa)i;
  sg_isa want = best;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (c->status == SG_ENV_ISA_APPLIED && strcmp(c->value, sg_isa_name((sg_isa)i)) == 0) want = (sg_isa)i;
  if (c->set_scalar) want = SG_ISA_SCALAR;
  if (sg_active_isa() != want) return 4;
  /* sg_set_isa after start-up still wins over the variable. */
  if (sg_set_isa(best) != 0 || sg_active_isa() != best) return 5;
  return 0;
}

/* Runs one case in a child with stderr in a file; checks its exit status
 * and that it warned exactly when the value is bad, once, naming it. */
static void env_case(const struct env_case *c, int warnings) {
  char path[] = "/tmp/simdgrad-test-api-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    CHECK(0, "mkstemp: %s", strerror(errno));
    return;
  }
  unlink(path);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 2);
    _exit(env_child(c));
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait: %s", strerror(errno));
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "SIMDGRAD_ISA=%s%s: the child %s %d", c->value ? c->value : "(unset)",
        c->set_scalar ? " with sg_set_isa first" : "", WIFEXITED(status) ? "exited" : "died of signal",
        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  char err[2048] = "";
  ssize_t got = pread(fd, err, sizeof err - 1, 0);
  err[got > 0 ? got : 0] = '\0';
  close(fd);
  int lines = 0;
  for (const char *p = err; (p = strstr(p, "SIMDGRAD_ISA=")); p++) lines++;
  CHECK(lines == warnings, "SIMDGRAD_ISA=%s: %d warnings, want %d: '%s'", c->value ? c->value : "(unset)",
        lines, warnings, err);
  if (warnings) {
    char named[64];
    snprintf(named, sizeof named, "SIMDGRAD_ISA=%s:", c->value);
    CHECK(strstr(err, named) && strstr(err, "valid: scalar avx2 avx512 neon"),
          "the warning names neither the value nor the valid ones: '%s'", err);
  }
}

static void test_env(void) {
#if defined(__aarch64__)
  const char *other = "avx2";
#else
  const char *other = "neon";
#endif
  const struct env_case cases[] = {
      {NULL, 0, SG_ENV_ISA_UNSET},
      {"", 0, SG_ENV_ISA_UNSET},
      {"scalar", 0, SG_ENV_ISA_APPLIED},
      {"bogus", 0, SG_ENV_ISA_UNKNOWN},
      {"bogus", 1, SG_ENV_ISA_UNKNOWN},
      {"AVX2", 0, SG_ENV_ISA_UNKNOWN}, /* names are exact, lower case */
      {other, 0, SG_ENV_ISA_UNSUPPORTED},
      {other, 1, SG_ENV_ISA_UNSUPPORTED},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    env_case(&cases[i], cases[i].status >= SG_ENV_ISA_UNKNOWN);
}

/* ---- impossible sizes ---------------------------------------------------- */

#define GUARD 64 /* floats in each guarded buffer */
static float in0[GUARD], in1[GUARD], in2[GUARD], out0[GUARD], out1[GUARD], out2[GUARD];
static uint32_t labels[GUARD];

static void fill_guards(void) {
  for (int i = 0; i < GUARD; i++) {
    in0[i] = in1[i] = in2[i] = 0.5f + (float)i;
    out0[i] = out1[i] = out2[i] = u2f(0x7fa1b2c3u); /* a pattern no kernel writes */
    labels[i] = 1;
  }
}

static int outputs_untouched(void) {
  for (int i = 0; i < GUARD; i++)
    if (f2u(out0[i]) != 0x7fa1b2c3u || f2u(out1[i]) != 0x7fa1b2c3u || f2u(out2[i]) != 0x7fa1b2c3u ||
        in0[i] != 0.5f + (float)i)
      return 0;
  return 1;
}

/* Runs CALL on fresh guards: it must set errno to EINVAL and write nothing. */
#define REFUSED(what, CALL)                                                                   \
  do {                                                                                        \
    fill_guards();                                                                            \
    errno = 0;                                                                                \
    CALL;                                                                                     \
    CHECK(errno == EINVAL && outputs_untouched(), "%s %s: errno %d, outputs %s", isa_name,     \
          what, errno, outputs_untouched() ? "untouched" : "WRITTEN");                        \
  } while (0)

static void test_sizes(sg_isa isa) {
  const char *isa_name = sg_isa_name(isa);
  sg_set_isa(isa);
  const size_t top = (size_t)1 << (sizeof(size_t) * 8 - 2);
  const size_t wrap = top + 1;            /* wrap * 4 == 4 modulo 2^64 */
  const size_t past = PTRDIFF_MAX / 4 + 1; /* one float past the largest array */
  const size_t half = (size_t)1 << (sizeof(size_t) * 4 - 1); /* half * half > past, no wrap */

  const size_t counts[] = {past, SIZE_MAX};
  for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
    size_t n = counts[k];
    for (size_t i = 0; i < SG_NMAP_KERNELS; i++) {
      const struct sg_map_kernel *e = &sg_map_kernels[i];
      if (e->binary) REFUSED(e->name, e->api_binary(n, in0, in1, out0));
      else REFUSED(e->name, e->api_unary(n, in0, out0));
    }
  }

  const size_t shapes[][2] = {{wrap, 4}, {4, wrap}, {half, half}, {1, past}};
  for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
    size_t r = shapes[k][0], c = shapes[k][1];
    REFUSED("softmax", sg_softmax(r, c, in0, out0));
    REFUSED("log_softmax", sg_log_softmax(r, c, in0, out0));
    REFUSED("softmax_backward", sg_softmax_backward(r, c, in0, in1, out0));
    REFUSED("log_softmax_backward", sg_log_softmax_backward(r, c, in0, in1, out0));
    float loss = 0;
    REFUSED("softmax_xent", loss = sg_softmax_xent(r, c, in0, labels, out0, out1));
    CHECK(isnan(loss), "%s softmax_xent of an impossible shape returned %a", isa_name, loss);
    REFUSED("mse", loss = sg_mse(r, c, in0, in1, out0));
    CHECK(isnan(loss), "%s mse of an impossible shape returned %a", isa_name, loss);
    REFUSED("sigmoid_bce", loss = sg_sigmoid_bce(r, c, in0, in1, out0, out1));
    CHECK(isnan(loss), "%s bce of an impossible shape returned %a", isa_name, loss);
  }

  /* batch x in, in x out, batch x out: each product wrapping or too large on its own. */
  const size_t dense[][3] = {{wrap, 4, 1}, {1, wrap, 4}, {wrap, 1, 4}, {half, half, 1},
                             {1, half, half}, {half, 1, half}, {wrap, 0, 4}};
  for (size_t k = 0; k < sizeof dense / sizeof *dense; k++) {
    size_t b = dense[k][0], i = dense[k][1], o = dense[k][2];
    REFUSED("dense_forward", sg_dense_forward(b, i, o, in0, in1, in2, out0));
    REFUSED("dense_forward without bias", sg_dense_forward(b, i, o, in0, in1, NULL, out0));
    REFUSED("dense_backward", sg_dense_backward(b, i, o, in0, in1, in2, out0, out1, out2));
    REFUSED("dense_backward dX only", sg_dense_backward(b, i, o, NULL, in1, in2, NULL, NULL, out2));
    REFUSED("dense_backward db only", sg_dense_backward(b, i, o, NULL, NULL, in2, NULL, out1, NULL));
  }

  /* sg_outer: lda < n is refused before the quick returns, as BLAS does. */
  REFUSED("outer lda < n", sg_outer(2, 4, 1.0f, in0, in1, out0, 3));
  REFUSED("outer lda 0", sg_outer(1, 4, 1.0f, in0, in1, out0, 0));
  REFUSED("outer lda < n, m 0", sg_outer(0, 4, 1.0f, in0, in1, out0, 3));
  REFUSED("outer lda < n, alpha 0", sg_outer(2, 4, 0.0f, in0, in1, out0, 3));
  REFUSED("outer rows wrap", sg_outer(wrap, 4, 1.0f, in0, in1, out0, 4));
  REFUSED("outer rows too long", sg_outer(2, past, 1.0f, in0, in1, out0, past));
  REFUSED("outer rows too many", sg_outer(half, 4, 1.0f, in0, in1, out0, half));

  /* Valid calls next to those limits leave errno alone. */
  fill_guards();
  errno = 0;
  sg_outer(2, 4, 1.0f, in0, in1, out0, 4);
  sg_outer(3, 0, 1.0f, in0, in1, out0, 0); /* n = 0: any lda >= 0 */
  sg_outer(1, 4, 0.0f, in0, in1, out1, 4); /* alpha = 0: nothing read or written */
  sg_dense_forward(2, 3, 4, in0, in1, NULL, out2);
  sg_softmax(4, 4, in0, out0 + 16);
  sg_sigmoid(0, NULL, NULL);
  CHECK(errno == 0, "%s a valid call set errno %d", isa_name, errno);
  CHECK(f2u(out1[0]) == 0x7fa1b2c3u, "%s outer with alpha 0 wrote A", isa_name);
}

/* ---- sg_mlp_forward with X inside the object ------------------------------ */

/* Runs forward(batch, X) on net a, and on an identical net b from a copy of
 * X taken first; the outputs must have the same bits. */
static void mlp_feed_back(const char *what, sg_mlp *a, sg_mlp *b, size_t batch, const float *X) {
  size_t depth = sg_mlp_depth(a), nx = batch * sg_mlp_width(a, 0);
  size_t ny = batch * sg_mlp_width(a, depth);
  float *copy = malloc(nx * sizeof *copy);
  memcpy(copy, X, nx * sizeof *copy);
  int ra = sg_mlp_forward(a, batch, X), rb = sg_mlp_forward(b, batch, copy);
  CHECK(ra == 0 && rb == 0, "%s: forward failed", what);
  const float *ya = sg_mlp_output(a, depth - 1), *yb = sg_mlp_output(b, depth - 1);
  CHECK(ya && yb && memcmp(ya, yb, ny * sizeof *ya) == 0, "%s: output differs from a copied X", what);
  free(copy);
}

static void test_mlp_aliasing(void) {
  /* A {2, 8} net: a batch-2 output (16 floats) is a legal batch-8 input, and
   * batch 8 grows the activations past batch 2's. */
  size_t w1[] = {2, 8};
  sg_mlp *a = sg_mlp_create(1, w1, NULL, SG_HEAD_MSE), *b = sg_mlp_create(1, w1, NULL, SG_HEAD_MSE);
  CHECK(a && b && sg_mlp_init(a, SG_INIT_XAVIER, 3) == 0 && sg_mlp_init(b, SG_INIT_XAVIER, 3) == 0,
        "create");
  float x2[4] = {0.25f, -1.5f, 2.0f, 0.75f};
  sg_mlp_forward(a, 2, x2);
  sg_mlp_forward(b, 2, x2);
  mlp_feed_back("{2,8}: batch-2 output as batch-8 input (growing)", a, b, 8, sg_mlp_output(a, 0));
  mlp_feed_back("{2,8}: batch-8 output as batch-8 input (same size)", a, b, 8, sg_mlp_output(a, 0) + 48);
  mlp_feed_back("{2,8}: batch-8 output as batch-2 input (smaller)", a, b, 2, sg_mlp_output(a, 0) + 3);
  /* Activations of 1300 rows (135 KB) are past glibc's mmap threshold, so
   * freeing them unmaps them: reading X after that faults even without ASan. */
  float *x1300 = malloc(2600 * sizeof *x1300);
  uint64_t seed = 4;
  for (int i = 0; i < 2600; i++) x1300[i] = rng_uniform(&seed, -2.0f, 2.0f);
  sg_mlp_forward(a, 1300, x1300);
  sg_mlp_forward(b, 1300, x1300);
  mlp_feed_back("{2,8}: batch-1300 output as batch-5200 input (growing)", a, b, 5200, sg_mlp_output(a, 0));
  free(x1300);
  sg_mlp_free(a), sg_mlp_free(b);

  /* Deeper: hidden layers' outputs fed back, growing twice, then in place. */
  size_t w2[] = {2, 8, 4, 3};
  sg_act acts[] = {SG_ACT_TANH, SG_ACT_RELU};
  a = sg_mlp_create(3, w2, acts, SG_HEAD_XENT), b = sg_mlp_create(3, w2, acts, SG_HEAD_XENT);
  sg_mlp_init(a, SG_INIT_HE, 5), sg_mlp_init(b, SG_INIT_HE, 5);
  sg_mlp_forward(a, 2, x2);
  sg_mlp_forward(b, 2, x2);
  mlp_feed_back("{2,8,4,3}: layer-0 output as batch-8 input (growing)", a, b, 8, sg_mlp_output(a, 0));
  mlp_feed_back("{2,8,4,3}: layer-1 output as batch-16 input (growing)", a, b, 16, sg_mlp_output(a, 1));
  mlp_feed_back("{2,8,4,3}: layer-0 output as batch-16 input (same size)", a, b, 16, sg_mlp_output(a, 0) + 1);
  mlp_feed_back("{2,8,4,3}: head output as batch-24 input (growing)", a, b, 24, sg_mlp_output(a, 2));

  /* A batch whose activations could not exist: EINVAL, the object unchanged. */
  const float *ya = sg_mlp_output(a, 2);
  float before[72];
  memcpy(before, ya, sizeof before);
  errno = 0;
  CHECK(sg_mlp_forward(a, SIZE_MAX / 2, x2) == -1 && errno == EINVAL, "huge batch: errno %d", errno);
  CHECK(sg_mlp_output(a, 2) == ya && memcmp(ya, before, sizeof before) == 0, "huge batch changed the object");
  sg_mlp_free(a), sg_mlp_free(b);
}

int main(void) {
  test_env(); /* first: the children must start with the table not yet set up */
  sg_isa isas[SG_ISA_COUNT];
  int k = supported_isas(isas);
  for (int j = 0; j < k; j++) test_sizes(isas[j]);
  test_mlp_aliasing();
  return check_summary("test_api");
}
