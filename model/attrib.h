/* attrib: which joule of which input goes to which run.
 *
 * The join of runs, power traces and declared energy, in one place, under one
 * contract (docs/attribution.md says the same for users):
 *
 *  1. At most once.  Every joule of every trace sample, counter interval and
 *     declared row is charged at most once in total, over all runs.  Runs that
 *     share a device of a trace in time split that device's energy equally over
 *     the overlap (model/energy.h); a declared row is split over its runs so
 *     that the shares add up to the row, never more.
 *  2. Identical files count once.  Sources with the same SHA-256 content digest
 *     are one source: the copy whose folder holds the other's (the wider scope)
 *     is used, else the first by path; a note names both.  (The caller should
 *     read identical files found beside runs once, for the runs of all their
 *     folders, so that those runs are split as with one file; cli/traces.c
 *     does.)
 *  3. One trace per device.  Two different traces that give one run the same
 *     device id with sample spans that overlap are two recordings of one
 *     device: the one that samples more finely is used (then: a counter before
 *     power samples, more seconds covered, the first by path), the other's
 *     energy for that device is not added, and a note says so.  Traces of one
 *     device that do not overlap in time (a rotated log) add up; spans that
 *     only touch (a range split over files, the boundary sample in both) do not
 *     overlap.  A trace
 *     knows its host only when the configuration declares it (power: host:);
 *     then a run that names another host does not take it.
 *  4. Declared rows (CodeCarbon emissions.csv).  A row in a run's own folder
 *     belongs to that run.  A row elsewhere goes to the one run in its scope
 *     that its run_id, experiment_id or project_name names (equal to the run's
 *     id or folder name, or ending in "-NAME", "_NAME", "/NAME" of it).
 *     Otherwise it is split over the runs in its scope whose windows it
 *     overlaps (by at least half of the shorter of the two), in proportion to
 *     the seconds of overlap.  A row (or share) for a run that has a better
 *     source is passed over and not charged to anyone.
 *  5. Precedence, per run: measured counter > integrated power > declared >
 *     estimated.  Counters and power samples are chosen per device (rule 3);
 *     declared and estimated figures only reach runs no trace gave energy.
 *     A run whose better source won says which source was passed over.
 *  6. Provenance.  Every file that gave a run energy is one of its inputs, with
 *     the joules it contributed (tp_input.energy_j); a run without energy says
 *     which traces were tried and why none applied; a trace or declared row
 *     that joins no run is a warning naming the nearest run in time.
 *
 * The model reads no files: the caller reads each trace through an integrator
 * (model/energy.h) and hands the closed integrator and the declared rows to
 * tp_attrib_collect(), possibly on several threads; tp_attrib_add() then takes
 * the collections in a fixed order, so results do not depend on threads.
 *
 * Units: joules, seconds, UTC epoch seconds.
 */
#ifndef TP_ATTRIB_H
#define TP_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/diag.h"
#include "model/energy.h"
#include "model/lab.h"
#include "model/trace.h"

/* One input file of the attribution, as the caller found it. */
typedef struct tp_attrib_file {
  const char *path;       /* as found (joined with the walk) */
  const char *format;     /* "nvidia-smi", "codecarbon", "mlflow-system", ... */
  uint64_t size;          /* bytes */
  int64_t mtime_s;        /* modification time, epoch seconds */
  const char *sha256;     /* hex digest of the content, or NULL/"" when unknown
                             (then it is never taken for a copy of another) */
  const char *scope;      /* the folder whose runs it may join, or NULL: any run */
  const char *host;       /* the host a trace was taken on, or NULL: unknown */
} tp_attrib_file;

typedef struct tp_attrib tp_attrib;
typedef struct tp_attrib_trace tp_attrib_trace;

/* A ledger for lab, whose runs are final (tp_lab_assign has run).  Free with
 * tp_attrib_free(). */
tp_attrib *tp_attrib_new(tp_lab *lab);
void tp_attrib_free(tp_attrib *a);

/* What one source gave: e is closed (tp_energy_close) and was built from the
 * windows of runs lab->runs[run_index[k]], k < n (those in the file's scope
 * with a window).  Reads run ids only, so traces may be collected on several
 * threads.  e may be NULL for a file with declared rows only.  Free with
 * tp_attrib_add() (which takes it) or tp_attrib_trace_free(). */
tp_attrib_trace *tp_attrib_collect(const tp_energy *e, const tp_lab *lab, const size_t *run_index,
                                   size_t n, const tp_attrib_file *file);
/* Run `run` (lab index) was in the trace's scope but ran on another host than
 * the trace's (the caller left it out of the windows): said as the reason
 * the trace did not apply, should the run get no energy. */
void tp_attrib_collect_other_host(tp_attrib_trace *t, size_t run);
/* Add a declared row the file holds (copied). */
void tp_attrib_collect_declared(tp_attrib_trace *t, const tp_declared *d);
void tp_attrib_trace_free(tp_attrib_trace *t);
/* Take t into the ledger.  Call in a fixed order (the order of the files). */
void tp_attrib_add(tp_attrib *a, tp_attrib_trace *t);

/* Apply rules 1-5 for traces and declared rows: sets the energy of every run
 * that a trace or a declared row reaches, its inputs' energy_j, and the notes.
 * Call once, after every tp_attrib_add and before estimates. */
void tp_attrib_resolve(tp_attrib *a);

/* Hardware declared for run i (lab index) by the configuration `file`, at
 * line: used when the run's method is TP_ENERGY_ESTIMATED at tp_attrib_finish
 * (the configuration becomes its input, with the estimate's energy), else
 * noted as passed over. */
void tp_attrib_hardware(tp_attrib *a, size_t run, const tp_attrib_file *file, long line);

/* After estimates: inputs of estimated runs, passed-over notes, why runs have
 * no energy, and warnings for sources that joined no run. */
void tp_attrib_finish(tp_attrib *a);

/* Run i's IT energy from traces by elementary segment, for pricing (n = 0
 * when it has none).  Valid until tp_attrib_free. */
tp_energy_piece *tp_attrib_pieces(tp_attrib *a, size_t run, size_t *n);

/* For runs brought together from summaries (`render`): warn, in lab->diags,
 * of every two runs that took energy from the same trace content (SHA-256) on
 * the same device over overlapping windows without having been split against
 * each other (they were scanned apart, so each was charged that time in
 * full).  Returns the number of such pairs.  tp_resplit (model/resplit.h)
 * splits the runs whose summaries keep the trace's samples first, so this
 * finds only those that do not. */
size_t tp_attrib_scanned_apart(tp_lab *lab);

/* For runs brought together from summaries: drop the warnings of one scan
 * that a trace or declared row joined no run (lab->diags) when a run of
 * another scan took it, or weighed it and passed it over, as one scan of
 * them all would not have warned.  Returns the number dropped. */
size_t tp_attrib_drop_joined_elsewhere(tp_lab *lab);

/* ---- invariants ---------------------------------------------------------- */

/* Check a finished lab (a may be NULL when the lab came from summaries; then
 * only the rules that need no ledger are checked):
 *   - each trace's energy is charged at most once: the sum over runs of what
 *     its inputs say it gave is at most what the trace drew in their windows;
 *   - each declared row is used at most once: the sum over runs of what a
 *     declared file gave is at most the sum of its rows;
 *   - a run's energy is at most what its devices drew in its window (each
 *     device's energy <= its peak power x the window) and equals the sum of
 *     its devices for traced runs;
 *   - no window starts before 1990-01-01 or ends after now + 1 day;
 *   - every run with energy has an input that gave it, and the inputs' energy
 *     adds up to the run's.
 * Each violation is an error in out.  Returns the number of violations. */
size_t tp_attrib_check(const tp_lab *lab, const tp_attrib *a, double now_s, tp_diags *out);
/* True when the checks should run: a debug build, or TRAINPRINT_CHECK=1. */
bool tp_attrib_check_wanted(void);
/* tp_attrib_check, and on any violation print them all and abort(). */
void tp_attrib_check_or_abort(const tp_lab *lab, const tp_attrib *a);

#endif
