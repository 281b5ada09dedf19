// Workers sleep on a condition variable between jobs; a job hands out task numbers from a
// shared counter, so a worker that wakes late takes fewer tasks instead of holding others up.
#include "pool.h"

#include <pthread.h>

#define MAX_WORKERS 63

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

void pool_run(int threads, int tasks, void (*fn)(void *, int), void *arg) {
  int workers = threads - 1 < tasks - 1 ? threads - 1 : tasks - 1;
  if (workers > MAX_WORKERS) workers = MAX_WORKERS;
  pthread_mutex_lock(&lock);
  while (started < workers) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, (void *)(long)started) != 0) break;
    pthread_detach(t);
    started++;
  }
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
