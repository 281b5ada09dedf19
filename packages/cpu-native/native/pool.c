// Workers sleep on a condition variable between jobs; a job hands out task numbers from a
// shared counter, so a worker that wakes late takes fewer tasks instead of holding others up.
#include "pool.h"

#include <pthread.h>
#include <signal.h>

#include "blas.h"

#define MAX_WORKERS 63

// One job at a time: Node's worker threads share the addon, and so its pool.
static pthread_mutex_t owner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static int started, generation, wanted, busy, next, total;
static void (*job)(void *, int);
static void *job_arg;

// Takes tasks of the current job until none are left; called with the lock held.
static void take_tasks(void) {
  while (next < total) {
    int t = next++;
    pthread_mutex_unlock(&lock);
    job(job_arg, t);
    pthread_mutex_lock(&lock);
  }
}

static void *worker(void *index) {
  int me = (int)(long)index, seen = 0;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (generation == seen || me >= wanted) {
      if (generation != seen) seen = generation;  // a job this worker sits out
      else pthread_cond_wait(&wake, &lock);
    }
    seen = generation;
    take_tasks();
    if (--busy == 0) pthread_cond_signal(&done);
  }
  return NULL;
}

static void run_job(int threads, int tasks, void (*fn)(void *, int), void *arg) {
  int workers = threads - 1 < tasks - 1 ? threads - 1 : tasks - 1;
  if (workers > MAX_WORKERS) workers = MAX_WORKERS;
  pthread_mutex_lock(&lock);
  // Workers never take signals, whoever starts them: a handler's frame landing on oneDNN's
  // JIT code corrupts its data (tensile_native.c), and Node handles signals on its own threads.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  while (started < workers) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, (void *)(long)started) != 0) break;
    pthread_detach(t);
    started++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (workers > started) workers = started;
  job = fn;
  job_arg = arg;
  next = 0;
  total = tasks;
  wanted = workers;
  busy = workers;
  generation++;
  if (workers > 0) pthread_cond_broadcast(&wake);
  take_tasks();
  while (busy > 0) pthread_cond_wait(&done, &lock);
  pthread_mutex_unlock(&lock);
}

void pool_run(int threads, int tasks, void (*fn)(void *, int), void *arg) {
  pthread_mutex_lock(&owner);
  run_job(threads, tasks, fn, arg);
  pthread_mutex_unlock(&owner);
}

typedef struct {
  void (*fn)(void *, int64_t, int64_t);
  void *arg;
  int64_t n, grain;
  int parts;
} Range;

static void range_task(void *p, int part) {
  const Range *r = p;
  int64_t lo = r->n * part / r->parts, hi = r->n * (part + 1) / r->parts;
  lo -= lo % r->grain;
  if (part + 1 < r->parts) hi -= hi % r->grain;
  if (lo < hi) r->fn(r->arg, lo, hi);
}

void pool_for(int64_t n, int64_t grain, int64_t min_part,
              void (*fn)(void *, int64_t, int64_t), void *arg) {
  int64_t most = n / (min_part > 0 ? min_part : 1);
  int parts = blas_threads() < most ? blas_threads() : (int)most;
  if (parts < 2 || pthread_mutex_trylock(&owner) != 0) {
    if (n > 0) fn(arg, 0, n);
    return;
  }
  Range r = {fn, arg, n, grain > 0 ? grain : 1, parts};
  run_job(parts, parts, range_task, &r);
  pthread_mutex_unlock(&owner);
}
