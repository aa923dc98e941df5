/* profile: keep a bounded picture of each run's power over time, for drawing.
 *
 * While a trace streams into the energy integrator, the same samples pass
 * through a profiler, which adds each power sample to the tp_power_profile
 * (see model/run.h) of every run whose widened window holds it and which may
 * use that device.  Memory is bounded by runs x devices x TP_POWER_BUCKETS,
 * whatever the length of the trace; a sample costs O(runs active at its time).
 * Counter samples (cumulative joules) are turned into the mean power of each
 * interval between two readings and drawn at the interval's midpoint.
 */
#ifndef TP_PROFILE_H
#define TP_PROFILE_H

#include <stddef.h>

#include "model/energy.h"
#include "model/run.h"
#include "model/trace.h"

typedef struct tp_profiler tp_profiler;

/* A profiler for runs[i] with window and devices windows[i] (both arrays of n;
 * copied as needed; the runs must outlive the profiler), of a trace taken on
 * host (copied; NULL: not declared), which names each run's profiles
 * (tp_run_profile_device). */
tp_profiler *tp_profiler_new(tp_run *const *runs, const tp_energy_window *windows, size_t n,
                             const char *host);
/* Register a device; returns the handle for tp_profiler_sample. */
int tp_profiler_device(tp_profiler *p, const char *id, tp_sample_kind kind, double wrap_j);
/* One sample of device dev (W, or cumulative J for counters).  Samples of a
 * device come in time order; others are ignored. */
void tp_profiler_sample(tp_profiler *p, int dev, double t_s, double value);
/* Free the profiler (the profiles stay with their runs). */
void tp_profiler_finish(tp_profiler *p);

/* True when a run's device entry names device id: the same text, or a bare
 * index "N" for "gpuN" (as CUDA_VISIBLE_DEVICES lists them). */
bool tp_profile_device_matches(const char *entry, const char *id);

#endif
