/* energy_impl: the integrator's insides, shared by energy.c (segments,
 * samples, results) and energy_jobs.c (which window may use which device
 * when: device lists, jobs' hosts and holds, spans).  Private to model/. */
#ifndef TP_ENERGY_IMPL_H
#define TP_ENERGY_IMPL_H

#include "model/energy.h"

/* One run window, copied. */
typedef struct tp_energy_win {
  double start_s, end_s;
  char **devices;     /* NULL = all */
  size_t n_devices;
  bool valid;         /* finite, end > start */
  size_t seg_lo, seg_hi; /* its segments: [seg_lo, seg_hi) */
  double *holes;      /* n_holes pairs [from, to) cut out of it, or NULL */
  size_t n_holes;
  char *job;          /* a scheduler job's window: its id; NULL: holds do not apply */
  char **hosts;       /* the job's hosts (n_hosts 0: unknown) */
  size_t n_hosts;
  bool labelled;      /* some hold of the trace names the job (set at close) */
  struct tp_energy_win_span
      *spans; /* times it may use only some hosts' devices (n_spans 0: any time) */
  size_t n_spans;
} tp_energy_win;

/* A span of a window (tp_energy_window_spans), copied. */
typedef struct tp_energy_win_span {
  double start_s, end_s; /* end_s INFINITY: open */
  char **hosts;
  size_t n_hosts;
} tp_energy_win_span;

/* A device held by a job (tp_energy_add_hold). */
typedef struct tp_energy_hold_in {
  char *device, *job;
  double start_s, end_s;
} tp_energy_hold_in;

/* What one device accumulated in one elementary segment. */
typedef struct tp_energy_cell {
  double energy_j;    /* energy in the segment, joules */
  double covered_s;   /* seconds of the segment bridged by samples */
  double peak_w;      /* highest power seen in the segment; -INFINITY if none */
  double idle_w;      /* lowest power seen in the segment; INFINITY if none */
  unsigned n_runs;    /* runs covering the segment that may use the device (finish) */
} tp_energy_cell;

typedef struct tp_energy_dev {
  char *id, *name;
  tp_sample_kind kind;
  tp_power_field field;     /* which reading the samples are, when the reader said */
  double wrap_j;            /* counter wrap value, 0 = unknown */
  /* Samples held until the typical interval is known. */
  double pend_t[TP_ENERGY_PROBE + 1], pend_v[TP_ENERGY_PROBE + 1];
  size_t n_pend;
  bool fixed;               /* typical interval known, samples flow through */
  double typical_s;         /* median of the first positive intervals */
  double gap_s;             /* intervals longer than this are not bridged */
  bool have_last;
  double last_t, last_v;    /* previous sample (after the probe) */
  double first_t;           /* first accepted sample's time; NAN before */
  size_t cursor;            /* segment of last_t (moves forward only) */
  tp_energy_cell *cells;            /* one per segment */
  /* Counts for the diagnostics given at finish. */
  size_t n_gaps, n_backwards, n_bad, n_counter_back;
  double gap_total_s;
  /* Kept samples (tp_energy_keep_samples): those of every interval that
   * meets the windows' hull, in time order. */
  double *keep_t, *keep_v;
  size_t n_keep, cap_keep_t, cap_keep_v;
  size_t *holds;            /* indices of its holds in e->holds (set at close) */
  size_t n_holds;
} tp_energy_dev;

struct tp_energy {
  tp_energy_win *win;
  size_t n_win;
  double *bounds;           /* sorted unique segment edges */
  size_t n_bounds;          /* segments = n_bounds - 1 (0 when < 2) */
  tp_energy_dev *dev;
  size_t n_dev, cap_dev;
  bool finished;
  bool keep;                /* keep the samples that meet the windows */
  tp_energy_hold_in *holds; /* which job held which device when */
  size_t n_holds, cap_holds;
  unsigned char *allow;     /* [window x n_dev + device]: may the window use the device
                               in some segment (set at close) */
  tp_diags diags;
};

/* Free the spans of w. */
void tp_energy_free_spans(tp_energy_win *w);
/* At close: each device's holds, and which job windows some hold names. */
void tp_energy_index_holds(tp_energy *e);
/* At close: which window may use which device in some segment. */
void tp_energy_fill_allow(tp_energy *e);
/* May window w use device dv in some segment?  (Known from close on.) */
bool tp_energy_allows_dev(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv);
/* May window w, which may use device dv, use it in segment s (its spans, its
 * job's holds)? */
bool tp_energy_allows_at(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv,
                         size_t s);
/* Does a span of window w (which has some) let it use device dv in segment s? */
bool tp_energy_span_allows(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv,
                           size_t s);

#endif
