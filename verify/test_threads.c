/* SPDX-License-Identifier: BSD-3-Clause */
/* Thread safety of the first use (src/dispatch.c): the CPU is read and
 * the dispatch table set up on the first call of any entry, so threads that
 * make different first calls at the same moment must all get one complete
 * table. A process sets up once, so each round is a fresh child process in
 * which THREADS threads, released together by a barrier, each call a
 * different function first; the child then repeats every call from one
 * thread and compares the bits. make check also runs this under TSan
 * (./configure --enable-sanitizers=thread), which reports any data race. */
#include <config.h>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define THREADS 12
#define ROUNDS 24
#define N 96 /* floats each call writes at most: several vectors and a tail */

static pthread_barrier_t barrier;
static float input[512];
static uint32_t labels[4];

/* First call number k; writes its results to out[0..N). */
static void first_call(int k, float *out) {
  switch (k) {
  case 0: sg_sigmoid(N, input, out); break;
  case 1: sg_tanh_backward(N, input, input + 1, out); break;
  case 2: sg_relu(N, input, out); break;
  case 3: sg_softmax(4, N / 4, input, out); break;
  case 4: out[0] = sg_softmax_xent(4, 20, input, labels, NULL, out + 1); break;
  case 5: sg_dense_forward(2, 8, N / 2, input, input + 16, input + 400, out); break; /* W 8 x 48 */
  case 6:
    memset(out, 0, N * sizeof *out);
    sg_outer(8, 12, 0.5f, input, input + 8, out, 12);
    break;
  case 7: {
    sg_mlp *m = sg_mlp_create(2, (const size_t[]){8, 16, 4}, (const sg_act[]){SG_ACT_TANH}, SG_HEAD_MSE);
    if (!m || sg_mlp_init(m, SG_INIT_XAVIER, 7) != 0 || sg_mlp_forward(m, 3, input) != 0) abort();
    memcpy(out, sg_mlp_output(m, 1), 3 * 4 * sizeof *out);
    sg_mlp_free(m);
    break;
  }
  case 8: out[0] = (float)sg_active_isa(); out[1] = (float)sg_entry_isa(0); break;
  default: out[0] = (float)strlen(sg_cpu_model()) + (float)strlen(sg_cpu_features()); break;
  }
}
#define KINDS 10

static float results[THREADS][N];

static void *thread_main(void *arg) {
  int t = (int)(intptr_t)arg;
  pthread_barrier_wait(&barrier);
  first_call(t % KINDS, results[t]);
  return NULL;
}

/* One round in this (fresh) process: 0 if every thread saw the same results
 * as the calls repeated afterwards from one thread. */
static int round_in_child(void) {
  pthread_t tid[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (int t = 0; t < THREADS; t++)
    if (pthread_create(&tid[t], NULL, thread_main, (void *)(intptr_t)t) != 0) return 2;
  for (int t = 0; t < THREADS; t++) pthread_join(tid[t], NULL);
  pthread_barrier_destroy(&barrier);
  for (int t = 0; t < THREADS; t++) {
    float again[N];
    memset(again, 0, sizeof again);
    first_call(t % KINDS, again);
    CHECK(memcmp(again, results[t], sizeof again) == 0, "first call %d from thread %d differs", t % KINDS, t);
  }
  return check_failures != 0;
}

int main(void) {
  uint64_t s = 99;
  for (size_t i = 0; i < sizeof input / sizeof *input; i++) input[i] = rng_uniform(&s, -4.0f, 4.0f);
  for (int r = 0; r < 4; r++) labels[r] = (uint32_t)(r * 7) % 20;
  int failed_rounds = 0;
  for (int r = 0; r < ROUNDS; r++) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 99;
    }
    if (pid == 0) _exit(round_in_child());
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "round %d: child %s %d\n", r, WIFSIGNALED(status) ? "killed by signal" : "exited",
              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
      failed_rounds++;
    }
  }
  CHECK(failed_rounds == 0, "%d of %d rounds failed", failed_rounds, ROUNDS);
  printf("threads: %d rounds of %d threads making %d different first calls at once\n", ROUNDS, THREADS, KINDS);
  return check_summary("test_threads");
}
