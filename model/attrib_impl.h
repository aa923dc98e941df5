/* attrib_impl: what the files of the attribution ledger share, and no one else.
 *
 * model/attrib.h is the public header and states the contract.  The ledger is
 * split by what each part owns: attrib.c collects sources, marks identical
 * ones, keeps one trace per device and applies the traces' shares (rules 1-3,
 * 5); attrib_declared.c places declared rows (rule 4); attrib_finish.c writes
 * the notes and warnings of tp_attrib_finish (rule 6); attrib_apart.c looks
 * at runs brought together from summaries; attrib_check.c checks the
 * invariants.
 *
 * Callers outside model/attrib*.c include model/attrib.h only.
 */
#ifndef TP_ATTRIB_IMPL_H
#define TP_ATTRIB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/attrib.h"

/* ---- the ledger's structs ------------------------------------------------- */

/* One device of one trace, as it reached one run. */
typedef struct tp_attrib_dev {
  char *id, *name;
  tp_sample_kind kind;
  double energy_j, covered_s, share_s, peak_w, idle_w;
  double typical_s, first_s, last_s;
  bool shared;
  double *cell_j;        /* per segment of the share */
  bool dropped;          /* another trace of the same device won (rule 3) */
  double wrap_j;         /* counter wrap value, 0 when unknown */
  double *keep_t, *keep_v; /* kept samples meeting the window (see tp_trace_use) */
  size_t n_keep;
  tp_power_field field;  /* which reading the power samples are, when the trace said */
} tp_attrib_dev;

/* What one trace gave one run. */
typedef struct tp_attrib_share {
  size_t run;            /* lab index */
  double *bounds;        /* n_seg + 1 segment edges */
  size_t n_seg;
  tp_attrib_dev *devs;
  size_t n_devs;
  char **with;           /* runs sharing a device with it, and for how long */
  double *with_s;
  size_t n_with;
  tp_use_hold *holds;    /* of a job's run, samples kept: the trace's holds of its
                            devices that meet its window (see tp_trace_use) */
  size_t n_holds;
  bool holds_kept;
} tp_attrib_share;

/* Why a trace in a run's scope gave it nothing. */
typedef enum {
  TP_ATTRIB_NO_SAMPLES, TP_ATTRIB_OTHER_DEVICES, TP_ATTRIB_ENDS_BEFORE, TP_ATTRIB_STARTS_AFTER,
  TP_ATTRIB_NONE_IN, TP_ATTRIB_OTHER_HOST
} tp_attrib_why;
typedef struct tp_attrib_miss {
  size_t run;
  tp_attrib_why why;
  double gap_s;          /* for TP_ATTRIB_ENDS_BEFORE and TP_ATTRIB_STARTS_AFTER */
} tp_attrib_miss;

/* A declared row (strings owned). */
typedef struct tp_attrib_row {
  tp_declared d;
  double charged_j;      /* charged to runs */
  double passed_j;       /* shares passed over (a better source won) */
  bool joined;           /* reached some run (charged or passed over) */
} tp_attrib_row;

/* One source in the ledger: a trace and/or the declared rows of one file. */
struct tp_attrib_trace {
  char *path, *format, *scope;
  char *host;            /* the host it was taken on, or NULL */
  char sha256[65];
  uint64_t size;
  int64_t mtime_s;
  bool has_energy;       /* built from an integrator */
  bool has_samples;
  double lo, hi;         /* span of its samples */
  double total_j;        /* what it drew in the union of its runs' windows */
  size_t n_windows;      /* runs it could join */
  tp_attrib_share *shares;
  size_t n_shares;
  tp_attrib_miss *misses;
  size_t n_misses, cap_misses;
  char *devices;         /* its device ids, for the reasons ("gpu0, gpu1") */
  size_t *cands;         /* lab indexes of the runs it could join */
  size_t n_cands;
  tp_attrib_row *rows;
  size_t n_rows, cap_rows;
  bool duplicate;        /* the same content as a source used instead */
};

/* The hardware the configuration declares for one run (tp_attrib_hardware). */
typedef struct tp_attrib_hw {
  bool set;
  char *path, *sha256, *format;
  uint64_t size;
  int64_t mtime_s;
  long line;
} tp_attrib_hw;

/* The ledger: every source in the order added, and per run its pieces and
 * declared hardware. */
struct tp_attrib {
  tp_lab *lab;
  tp_attrib_trace **src;
  size_t n_src, cap_src;
  tp_energy_piece **pieces;
  size_t *n_pieces, *cap_pieces;
  tp_attrib_hw *hw;
  size_t n_runs;
};

/* A share of a source, in a list of every share ordered by run, then source. */
typedef struct tp_attrib_ref {
  size_t run, src, share;
} tp_attrib_ref;

/* ---- helpers (attrib.c) --------------------------------------------------- */

/* "3.5 h", "12 min", "40 s", "2.1 days" for a non-negative duration. */
const char *tp_attrib_span(char buf[32], double s);
/* "2026-03-10 10:00:00 UTC" (buf: 40 bytes). */
const char *tp_attrib_utc(char buf[40], double t_s);
/* True when folder `in` is `dir` or lies below it (NULL dir: everything). */
bool tp_attrib_within(const char *in, const char *dir);
/* True when the run's energy came from traces (integrated or measured). */
bool tp_attrib_traced(const tp_run *r);
/* Seconds that [a0, a1] and [b0, b1] overlap (0 when they do not). */
double tp_attrib_overlap_s(double a0, double a1, double b0, double b1);
/* qsort order of tp_attrib_ref: by run, then source, then share. */
int tp_attrib_cmp_ref(const void *x, const void *y);
/* The input of run for the source at path, created when missing. */
tp_input *tp_attrib_input(tp_run *run, const char *path, const char *format, uint64_t size,
                          int64_t mtime_s, const char *sha);
/* Add j joules to what the input gave (NaN: none yet). */
void tp_attrib_input_add(tp_input *in, double j);

/* ---- declared rows (attrib_declared.c) ------------------------------------ */

/* Rule 4 for row w of source t: charge it to its run(s), or pass it over. */
void tp_attrib_resolve_row(tp_attrib *a, tp_attrib_trace *t, tp_attrib_row *w);

#endif
