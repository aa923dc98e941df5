/* threads: one function run on several threads at once.
 *
 * The steps that spread work over threads (reading traces, footprints,
 * run page keys, drawing pages) share one shape: workers take the next item
 * from a shared counter until none is left.  tp_threads_run starts them and
 * waits for them; the caller's thread is one of them, so the work gets done
 * even when no thread can be started. */
#ifndef TP_THREADS_H
#define TP_THREADS_H

#include <stddef.h>

/* Run fn(arg) on n threads (at least one; at most 256), this one among them,
 * and return when every one has returned. */
void tp_threads_run(size_t n, void *(*fn)(void *), void *arg);

#endif
