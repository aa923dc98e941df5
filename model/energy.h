/* energy: integrate power traces over run windows, streaming.
 *
 * The integrator is built from the windows of every run a trace may apply to.
 * The sorted, unique window edges (plus optional extra cut times, e.g. the
 * rows of an hourly intensity series) cut time into elementary segments; each
 * segment knows which runs cover it.  Samples then stream in, device by device
 * in time order, and each interval between two consecutive samples is
 * integrated exactly over its intersection with every segment it touches:
 *
 *   - power samples (W): power is linear between samples (trapezoid rule);
 *     an interval cut by a segment edge is clipped by linear interpolation;
 *   - counter samples (J, cumulative): the difference of two readings is the
 *     energy of the interval (with wrap-around when the counter's wrap value is
 *     known), spread as constant power over it.
 *
 * Gaps.  An interval longer than max(TP_ENERGY_GAP_MIN_S, TP_ENERGY_GAP_FACTOR x
 * the device's typical sampling interval) is not bridged: it adds no energy
 * and does not count as covered, so the run's coverage drops.  The typical
 * sampling interval of a device is the median of its first TP_ENERGY_PROBE
 * positive intervals (fewer when the trace is shorter).  To judge the first
 * intervals by the same rule, a device's first TP_ENERGY_PROBE + 1 samples are
 * held back until the median is known; after that it is fixed, so the result
 * does not depend on how the stream was chunked.
 *
 * Memory is O(devices x segments) and does not grow with the number of
 * samples.  Each device keeps a cursor into the segments that only moves
 * forward, so a sample costs amortized O(1).
 *
 * Sharing.  When several runs cover a segment and may use the same device,
 * that device's energy in the segment is split equally among them, and each
 * of them is flagged `shared` (the overlap is described in a diagnostic).
 *
 * Jobs.  A window may be a scheduler job's (tp_energy_window_job), and the
 * trace may say which job held which device when (tp_energy_add_hold: DCGM's
 * job label).  Then, segment by segment, a job's window may use a device only
 * on the job's hosts (a device "HOST/..." of another host is not its) and:
 * where some hold of the trace names the job, only while a hold of that
 * device names it; else, not while a hold of the device names another job.
 * A device two jobs hold at once is split between them as above, never
 * added.  Windows that are not jobs are not concerned by holds.
 *
 * Units: time in UTC epoch seconds, power in watts, energy in joules.
 */
#ifndef TP_ENERGY_H
#define TP_ENERGY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/run.h"
#include "model/trace.h"

#define TP_ENERGY_PROBE 32        /* intervals whose median is the typical interval */
#define TP_ENERGY_GAP_FACTOR 5.0  /* a gap is longer than this many typical intervals */
#define TP_ENERGY_GAP_MIN_S 10.0  /* ... and longer than this many seconds */

/* The window of one run, as the integrator sees it. */
typedef struct tp_energy_window {
  double start_s, end_s;        /* UTC epoch seconds; a window that is not finite or
                                   has end_s <= start_s gets nothing */
  const char *const *devices;   /* device ids the run may use; NULL = every device of
                                   the trace.  An entry matches a device id exactly, or
                                   a bare index "N" matches "gpuN" or "HOST/gpuN" (so the
                                   caller can pass CUDA_VISIBLE_DEVICES entries as they are) */
  size_t n_devices;
} tp_energy_window;

/* Times inside a run's window that are not the run's (a requeued Slurm job
 * pending again between its segments). */
typedef struct tp_energy_holes {
  const double *holes_s;        /* n_holes pairs [from, to), in time order, apart; NULL: none */
  size_t n_holes;
} tp_energy_holes;

/* A time in which a window may use only the devices of some hosts (a record
 * of a Slurm job requeued onto other nodes). */
typedef struct tp_energy_span {
  double start_s, end_s;        /* UTC epoch seconds; end_s NAN: open */
  const char *const *hosts;     /* its hosts; n_hosts 0: every host */
  size_t n_hosts;
} tp_energy_span;

typedef struct tp_energy tp_energy;

/* A device of the trace held by a scheduler job, as the trace says. */
typedef struct tp_energy_hold {
  const char *device;           /* the device id, as the trace announces it */
  const char *job;              /* the job's id */
  double start_s, end_s;        /* UTC epoch seconds */
} tp_energy_hold;

/* A new integrator for `n` run windows (copied, device lists included).  cuts_s
 * (may be NULL) are n_cuts extra times at which to cut segments, so that
 * tp_energy_profile() can tell energy per interval of an intensity series;
 * cuts outside every window are ignored.  Free with tp_energy_free(). */
tp_energy *tp_energy_new(const tp_energy_window *windows, size_t n, const double *cuts_s,
                         size_t n_cuts);
/* The same, with holes[i] (copied; holes may be NULL: none) cut out of
 * window i: what the trace drew there is not the run's, and its coverage is
 * over the window less its holes. */
tp_energy *tp_energy_new_holed(const tp_energy_window *windows, size_t n, const double *cuts_s,
                               size_t n_cuts, const tp_energy_holes *holes);
void tp_energy_free(tp_energy *e);

/* Window i is scheduler job `job`'s run, on hosts[0..n_hosts) (n_hosts 0:
 * hosts unknown); copied.  Call before tp_energy_close. */
void tp_energy_window_job(tp_energy *e, size_t i, const char *job, const char *const *hosts,
                          size_t n_hosts);
/* Window i may use a device, segment by segment, only within a span of
 * spans[0..n) and on that span's hosts (tp_energy_device_on); copied.
 * Without spans (the default) the window's time is not restricted by host.
 * The spans' edges should be among the cuts given to tp_energy_new.  Call
 * before tp_energy_close. */
void tp_energy_window_spans(tp_energy *e, size_t i, const tp_energy_span *spans, size_t n);
/* The trace says job `job` held device `device` from start_s to end_s
 * (copied).  Call before tp_energy_close; a hold's edges should be among the
 * cuts given to tp_energy_new, so that segments fall wholly in or out of it. */
void tp_energy_add_hold(tp_energy *e, const char *device, const char *job, double start_s,
                        double end_s);
/* The holds given (tp_energy_add_hold): their count, and the k-th into *out
 * (strings owned by the integrator, valid until tp_energy_free). */
size_t tp_energy_n_holds(const tp_energy *e);
void tp_energy_get_hold(const tp_energy *e, size_t k, tp_energy_hold *out);
/* Are a and b one host: equal, or one the other's short name ("node1" and
 * "node1.cluster.org")? */
bool tp_energy_same_host(const char *a, const char *b);
/* Is device id on one of hosts[0..n_hosts)?  An id "HOST/..." names its host;
 * true when its host or the hosts are not known. */
bool tp_energy_device_on(const char *id, const char *const *hosts, size_t n_hosts);

/* Register a device of the trace (id and name copied; name may be NULL).
 * wrap_j: for TP_SAMPLE_ENERGY_J, the counter value at which it wraps to 0
 * (0 when unknown).  Returns the handle for tp_energy_sample().  Registering an
 * id again returns a new handle: a second file of the same device is a
 * separate stream, and its energy adds to the first's in the results. */
int tp_energy_device(tp_energy *e, const char *id, const char *name, tp_sample_kind kind,
                     double wrap_j);

/* One sample of device `dev`: power in W or cumulative energy in J at t_s.
 * Samples of one device must come in time order: one that goes back in time,
 * or holds a non-finite value or a negative power, is dropped and counted (one
 * diagnostic per device at finish).  A sample at the same time as the previous
 * one replaces it.  An unknown handle is ignored. */
void tp_energy_sample(tp_energy *e, int dev, double t_s, double value);
/* Which reading device dev's power samples are (nvidia-smi's field); an
 * unknown handle is ignored. */
void tp_energy_field(tp_energy *e, int dev, tp_power_field f);

/* Keep the samples of every interval that meets the windows' hull (memory then
 * grows with them): tp_energy_kept() gives them after the stream, so that a
 * run's part of the trace can be stored and integrated again (`scan`, for
 * `render`'s split of runs scanned apart).  Call before any sample. */
void tp_energy_keep_samples(tp_energy *e);
/* Fix the typical sampling interval of device dev instead of probing for it
 * (samples kept from a longer trace, integrated again with its gap rule).
 * Call before the device's first sample. */
void tp_energy_device_typical(tp_energy *e, int dev, double typical_s);
/* Device d's kept samples: their count, and *t_s, *v (owned by the
 * integrator, valid until tp_energy_free). */
size_t tp_energy_kept(const tp_energy *e, size_t d, const double **t_s, const double **v);

/* A sink that feeds this integrator (declared figures are not taken: the
 * sink's `declared` is NULL), so a reader can stream straight in. */
tp_trace_sink tp_energy_sink(tp_energy *e);

/* End the streams and write the results into runs[i]->energy for the window
 * windows[i] (n_runs must equal the number of windows; a NULL run is skipped).
 * A run gets results only when the trace's time span overlaps its window.
 * Then, per device the run may use, energy_j (the segment energies, each
 * divided by the number of runs sharing that device there), covered_s, share_s
 * (covered seconds divided the same way), peak_w
 * and idle_w (highest and lowest power within the window; NAN if none) are
 * merged into run->energy.devices: a device already there by id is added to
 * (energy, coverage) and widened (peak, idle); otherwise it is appended.
 * it_j is the sum over devices; coverage = sum of covered_s over devices /
 * (devices x window duration), i.e. the share of device-time the traces cover;
 * method becomes TP_ENERGY_MEASURED when every device is a counter, else
 * TP_ENERGY_INTEGRATED (a trace replaces an earlier estimated or declared
 * figure).  shared is set when another run shares a device in the window, and
 * a note in run->diags names it and the seconds shared; coverage below 1 also
 * gets a note.  Call once; the trace-level diagnostics are then in
 * tp_energy_diags(). */
void tp_energy_finish(tp_energy *e, tp_run *const *runs, size_t n_runs);

/* ---- For attribution (model/attrib.h): results per window and device ---- */

/* End the streams and count which windows share each device and segment,
 * without writing into any run (tp_energy_finish does this first).  Trace-level
 * diagnostics (gaps, samples out of order) go to tp_energy_diags(); a trace
 * that meets no window is not reported here (the caller names the runs). */
void tp_energy_close(tp_energy *e);

/* What device d of the trace gave window i, after tp_energy_close(). */
typedef struct tp_energy_share {
  const char *id, *name;        /* the device (owned by the integrator) */
  tp_sample_kind kind;
  bool allowed;                 /* the window may use the device */
  double energy_j;              /* energy in the window, split among the windows
                                   sharing the device segment by segment, J */
  double covered_s;             /* seconds of the window bridged by samples */
  double share_s;               /* covered_s split among the windows sharing the
                                   device, segment by segment, as energy_j is */
  double peak_w, idle_w;        /* extremes within the window; NAN if none */
  bool shared;                  /* another window shares the device in it */
  double typical_s;             /* the device's typical sampling interval, s */
  double wrap_j;                /* counter wrap value, 0 when unknown */
  double first_s, last_s;       /* the device's first and last sample; NAN if none */
  tp_power_field field;         /* which reading the samples are (unsaid if not told) */
} tp_energy_share;

size_t tp_energy_n_devices(const tp_energy *e);
/* Everything the trace drew within the union of the windows, J (each segment
 * once, whatever number of windows covers it). */
double tp_energy_total_j(const tp_energy *e);
/* Has the trace's span met window i on a device the window may use?  (Only
 * then does the window get results, as in tp_energy_finish.) */
bool tp_energy_met(const tp_energy *e, size_t i);
void tp_energy_get_share(const tp_energy *e, size_t i, size_t d, tp_energy_share *out);
/* Seconds windows i and j overlap while sharing a device of the trace. */
double tp_energy_shared_s(const tp_energy *e, size_t i, size_t j);
/* The segments of window i: their count, and bounds[k], bounds[k + 1] for the
 * k-th (bounds points into the integrator).  Device d's energy for window i in
 * segment k (split as in tp_energy_share) is tp_energy_cell_j(e, i, d, k). */
size_t tp_energy_segments(const tp_energy *e, size_t i, const double **bounds);
double tp_energy_cell_j(const tp_energy *e, size_t i, size_t d, size_t k);

/* Are (id_a on host_a) and (id_b on host_b) one device: the same id, and
 * the same host unless either host is unknown (NULL)?  A device is its host
 * and its id: two nodes' gpu0 are two devices. */
bool tp_energy_same_device(const char *id_a, const char *host_a, const char *id_b,
                           const char *host_b);
/* Merge one device's figures into re: the device that is (id, host) by
 * tp_energy_same_device (appended, name and host copied, when new; taking
 * host when it had none) gets energy_j, covered_s and share_s added and its
 * peak and idle widened (NAN: none).  re->it_j is not touched.  Returns that
 * device (valid until re's devices change). */
tp_device_energy *tp_energy_merge_device(tp_run_energy *re, const char *id, const char *name,
                                         const char *host, double energy_j, double covered_s,
                                         double share_s, double peak_w, double idle_w);
/* re->coverage = seconds covered over all devices / (devices x dur_s), at most
 * 1, and a note in run->diags when below 1. */
void tp_energy_set_coverage(tp_run *run, double dur_s);
/* The same over device_s, the seconds the run's devices were its together
 * (for devices that were the run's for different times). */
void tp_energy_set_coverage_over(tp_run *run, double device_s);

/* Diagnostics about the trace itself (gaps, counters going back, samples out
 * of order): the caller moves them where it reports them. */
tp_diags *tp_energy_diags(tp_energy *e);

/* After tp_energy_finish(): run i's IT energy from this trace by elementary
 * segment, in time order (segments with no energy left out).  Returns the
 * count and sets *out to a new array the caller frees (NULL when 0). */
size_t tp_energy_profile(const tp_energy *e, size_t i, tp_energy_piece **out);

#endif
