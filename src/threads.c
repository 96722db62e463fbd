/* SPDX-License-Identifier: BSD-3-Clause */
/* The library's threads: one pthreadpool (XNNPACK's pool, Debian's
 * libpthreadpool), made on first use with the chosen count and made again
 * when the count changes; built without it, OpenMP's (libgomp: the aarch64
 * cross build, whose Debian pthreadpool hangs under qemu-aarch64). Work is
 * always split by output (src/dispatch.c, simd/common/dense.h): a task
 * computes whole outputs, each by the same operations in the same order as
 * on one thread, so no result depends on the thread count.
 *
 * The count: SIMDGRAD_THREADS at the first call (0 or unset: every CPU the
 * process may run on, its affinity mask), then sg_set_threads. A bad value
 * of the variable is one warning on stderr and the default, as for
 * SIMDGRAD_ISA: the library never ends its host program. Built with
 * neither, the count is 1 and sg_set_threads takes 0 and 1 only. */
#define _GNU_SOURCE 1 /* sched_getaffinity, CPU_COUNT */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#if SG_HAVE_PTHREADPOOL
#include <pthreadpool.h>
#endif

/* ThreadSanitizer cannot see the happens-before edges inside the
 * (uninstrumented) pool library, pthreadpool or libgomp: they are stated
 * for it here, around each parallel call, so that a real race still shows
 * and the pool's own hand-off does not. */
#if defined(__SANITIZE_THREAD__)
#define SG_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SG_TSAN 1
#endif
#endif
#ifdef SG_TSAN
#include <sanitizer/tsan_interface.h>
static char tsan_sync;
#define SG_TSAN_RELEASE() __tsan_release(&tsan_sync)
#define SG_TSAN_ACQUIRE() __tsan_acquire(&tsan_sync)
#else
#define SG_TSAN_RELEASE() ((void)0)
#define SG_TSAN_ACQUIRE() ((void)0)
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* Readers: the parallel calls, which use the pool; the writer: a change of
 * the count, which destroys it. */
static pthread_rwlock_t pool_lock = PTHREAD_RWLOCK_INITIALIZER;
static size_t count = 1;
#if SG_HAVE_PTHREADPOOL
static pthread_mutex_t pool_make = PTHREAD_MUTEX_INITIALIZER;
static pthreadpool_t pool;
#endif

#if SG_HAVE_THREADS
static size_t all_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return (size_t)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
}
#endif

/* n threads as asked (0: every CPU), or 0 if it cannot be had. */
static size_t resolve(size_t n) {
#if SG_HAVE_THREADS
  if (n > SG_MAX_THREADS) return 0;
  return n ? n : all_cpus() < SG_MAX_THREADS ? all_cpus() : SG_MAX_THREADS;
#else
  return n <= 1 ? 1 : 0;
#endif
}

static void init(void) {
  size_t n = resolve(0);
  const char *env = getenv("SIMDGRAD_THREADS");
  if (env && *env) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(env, &end, 10);
    size_t want = *end || errno || env[0] == '-' || env[0] == '+' || env[0] == ' ' || v > SG_MAX_THREADS
                      ? 0
                      : resolve((size_t)v);
    if (want)
      n = want;
    else
      fprintf(stderr, "simdgrad: SIMDGRAD_THREADS=%s: not a thread count (0 = every CPU, or 1 to %d%s); "
              "ignored, using %zu\n", env, SG_MAX_THREADS,
#if SG_HAVE_THREADS
              "",
#else
              ": this build is single-threaded, 0 or 1 only",
#endif
              n);
  }
  count = n;
}

size_t sg_threads(void) {
  pthread_once(&once, init);
  pthread_rwlock_rdlock(&pool_lock);
  size_t n = count;
  pthread_rwlock_unlock(&pool_lock);
  return n;
}

int sg_set_threads(size_t n) {
  pthread_once(&once, init);
  size_t want = resolve(n);
  if (!want) {
    errno = EINVAL;
    return -1;
  }
  pthread_rwlock_wrlock(&pool_lock);
  if (want != count) {
#if SG_HAVE_PTHREADPOOL
    pthreadpool_destroy(pool); /* NULL is fine */
    pool = NULL;
#endif
    count = want;
  }
  pthread_rwlock_unlock(&pool_lock);
  return 0;
}

#if SG_HAVE_THREADS
struct job {
  sg_task *task;
  void *ctx;
};

static void run_task(void *job, size_t i) {
  const struct job *j = job;
  SG_TSAN_ACQUIRE();
  j->task(j->ctx, i);
  SG_TSAN_RELEASE();
}
#endif

void sg_parallel(size_t tasks, sg_task *task, void *ctx) {
  pthread_once(&once, init);
  pthread_rwlock_rdlock(&pool_lock);
#if SG_HAVE_PTHREADPOOL
  if (tasks > 1 && count > 1) {
    pthread_mutex_lock(&pool_make);
    if (!pool) pool = pthreadpool_create(count);
    pthreadpool_t p = pool;
    pthread_mutex_unlock(&pool_make);
    if (p) { /* without one (no memory for the threads), the same tasks run here */
      struct job j = {task, ctx};
      SG_TSAN_RELEASE();
      pthreadpool_parallelize_1d(p, run_task, &j, tasks, 0);
      SG_TSAN_ACQUIRE();
      pthread_rwlock_unlock(&pool_lock);
      return;
    }
  }
#elif SG_HAVE_OPENMP
  if (tasks > 1 && count > 1) {
    /* a task per iteration, as on the pool; a call from inside the caller's
     * own parallel region runs on one thread (OpenMP's nesting default) */
    struct job j = {task, ctx};
    SG_TSAN_RELEASE();
#pragma omp parallel for num_threads((int)count) schedule(static, 1)
    for (size_t i = 0; i < tasks; i++) run_task(&j, i);
    SG_TSAN_ACQUIRE();
    pthread_rwlock_unlock(&pool_lock);
    return;
  }
#endif
  for (size_t i = 0; i < tasks; i++) task(ctx, i);
  pthread_rwlock_unlock(&pool_lock);
}

size_t sg_split(size_t work, size_t min_per_task) {
  size_t t = sg_threads();
  if (t <= 1 || work < 2 * min_per_task) return 1;
  size_t most = work / min_per_task;
  return t < most ? t : most;
}
