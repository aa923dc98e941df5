/* threads: one function run on several threads at once (see threads.h). */
#include "model/threads.h"

#include <pthread.h>

void tp_threads_run(size_t n, void *(*fn)(void *), void *arg) {
  pthread_t th[256];
  size_t started = 0;
  for (size_t t = 1; t < n && t < 256; t++)
    if (pthread_create(&th[started], NULL, fn, arg) == 0) started++;
  fn(arg);
  for (size_t t = 0; t < started; t++) pthread_join(th[t], NULL);
}
