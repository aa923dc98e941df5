/* runspill: the drawing data of runs kept on disk while nothing reads it.
 *
 * What a run holds most of is what only a few steps read: its series'
 * points (the targets, the energy-to-metric curve, thinning, then the
 * charts and the run files) and its power profiles (the charts, the what-ifs
 * and the footprint).  A lab's runs put that data into one temporary file
 * (unlinked at once, so it vanishes with the process) as soon as it is
 * complete, and load it back only while a step reads it:
 *
 *   tp_runspill_put_series(sp, run);  once read: its points go out
 *   tp_runspill_lab(lab);             once complete: every profile goes out too
 *   tp_runspill_hold(run);            ... they come back (counted: holds nest
 *   ...  run->series[i].points ...        and may come from several threads)
 *   tp_runspill_release(run);         ... and go again at the last release
 *
 * Between hold and release the run is exactly as before it was put out.
 * Without a hold a put-out run keeps every other field (counts, devices,
 * energy, the series' figures: tp_series_get_stats still answers), but its
 * points and profile arrays are NULL.  hold and release do nothing for a run
 * that was not put out, so code that reads a run simply brackets the reading.
 * A step that changes the points while holding them (thinning) says so with
 * tp_runspill_changed, and the new points are written at the last release.
 *
 * Threads: puts, holds and releases of runs of one store may come from any
 * thread; a run's lock (one of a few the store keeps, by the run's address)
 * guards its counts and its loading, and the store's lock the file's end, so
 * that threads holding different runs seldom wait for each other.  A thread
 * that reads a run's points must hold it itself (another thread's release
 * may free them).
 */
#ifndef TP_MODEL_RUNSPILL_H
#define TP_MODEL_RUNSPILL_H

#include <stdbool.h>

#include "model/lab.h"
#include "model/run.h"

typedef struct tp_runspill tp_runspill;

/* A new store on a temporary file in $TMPDIR (else /tmp), or NULL when none
 * can be made (runs then stay in memory: every function here accepts NULL
 * or a run that was not put out). */
tp_runspill *tp_runspill_new(void);
/* Close and free a store (its file goes with it); runs put out into it must
 * not be held again.  NULL is allowed. */
void tp_runspill_free(tp_runspill *sp);

/* Put out run's points, keeping each series' figures first (stats_kept).
 * Call when nothing adds points any more; on a failed write the run keeps
 * them in memory. */
void tp_runspill_put_series(tp_runspill *sp, tp_run *run);

/* Put out every run's power profiles, and the points of runs not put out
 * yet, into lab->spill (made when missing).  Call once, when nothing will
 * change the profiles again and before any thread reads them. */
void tp_runspill_lab(tp_lab *lab);

/* Hand the room freed by putting runs out back to the system: glibc keeps
 * freed memory in the arena of the thread that freed it, where other
 * threads' allocations may never reuse it.  Call after putting out many runs. */
void tp_runspill_trim(void);

/* Bring run's points and profiles back (when put out and not held yet).  The
 * run is logically unchanged, hence const; its arrays are replaced.  Aborts
 * with a message when the store cannot be read back (it is a file this
 * process wrote and holds open: only a failing disk does that). */
void tp_runspill_hold(const tp_run *run);
/* Undo one hold: at the last, the arrays are freed again. */
void tp_runspill_release(const tp_run *run);
/* The same for the points alone (the profiles stay out), or the power
 * profiles alone (the points stay out): for a step that reads only one of
 * them.  Holds of every kind nest: tp_runspill_hold holds both, and each
 * goes out again at the last release that holds it. */
void tp_runspill_hold_points(const tp_run *run);
void tp_runspill_release_points(const tp_run *run);
void tp_runspill_hold_power(const tp_run *run);
void tp_runspill_release_power(const tp_run *run);
/* The held run's points were changed (thinned): write them again at the
 * last release. */
void tp_runspill_changed(tp_run *run);
/* The held run's power profiles were made or changed (a trace was read):
 * put them out, again or for the first time, at the last release. */
void tp_runspill_power_changed(tp_run *run);

/* The fingerprint of run's points and power profiles as they were last put
 * out, into out (TP_HASH_HEX chars): true while both are put out and
 * unchanged since, held or not; false otherwise (then read them: hold the
 * run).  It stands for the arrays where a digest of the run is wanted without
 * reading them back (a page's key, with tp_runbin_write_bare). */
bool tp_runspill_fingerprint(const tp_run *run, char out[33]);

#endif
