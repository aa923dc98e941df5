/* summary: the machine-readable outputs, summary.json and runs.csv.
 *
 * Both are a public interface (documented in the README): field names are
 * stable, more may be added.  Energies are written in kWh (6 decimals, i.e.
 * to the milliwatt-hour), CO2e in kg (6 decimals), times as ISO 8601 UTC with
 * microseconds.  Output is deterministic: runs sorted by id, experiments by
 * name, configurations by their text.
 */
#ifndef TP_SUMMARY_H
#define TP_SUMMARY_H

#include <stdbool.h>

#include "model/lab.h"
#include "model/mem.h"
#include "model/reftable.h"
#include "model/uncertainty.h"

void tp_summary_json(const tp_lab *lab, tp_buf *out);
/* summary.json with each input's path as given left out ("path": null) and
 * every diagnostic naming files as the pages do (--redact-paths): only
 * "name", the path relative to the argument it was found under, remains
 * (render/paths.h).  tp_summary_json keeps both. */
void tp_summary_json_redacted(const tp_lab *lab, bool redact_paths, tp_buf *out);
/* summary.json with the ranges, each source's part of them, embodied
 * emissions, water and idle share (model/uncertainty.h) from tables t and
 * options o (either may be NULL: no table-based ranges, default options).
 * tp_summary_json and _redacted are this with t and o NULL. */
void tp_summary_json_with(const tp_lab *lab, const tp_reftables *t,
                          const tp_uncertainty_opts *o, bool redact_paths, tp_buf *out);
void tp_summary_runs_csv(const tp_lab *lab, tp_buf *out);

struct tp_json;
/* A run's "hosts" (the job's nodes, else its host; [] when unknown) and, for
 * a run that is a Slurm job, its "slurm" object (render/summary_job.c). */
void tp_summary_run_job(struct tp_json *j, const tp_run *r);

/* "2026-01-01T00:00:00.000000Z" for an epoch time, "" when not finite.
 * buf must hold 40 bytes. */
const char *tp_summary_iso_time(char buf[40], double t_s);
/* Name of an energy method as written in outputs ("integrated", ...; "none"). */
const char *tp_summary_method_name(tp_energy_method m);

#endif
