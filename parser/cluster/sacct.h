/* sacct: Slurm's accounting records (`sacct`) as jobs.
 *
 * Two forms, told apart by content:
 * - `sacct -P` (--parsable2; `-p` too, whose lines end with a '|'): a header
 *   of column names, in any order and any set, then one line per record.
 *   Output of `--noheader` has no header: its column list (the --format
 *   given to sacct, widths such as "JobName%30" allowed) comes from the
 *   configuration.  sacct does not escape '|' in a job name: a line with
 *   more fields than the header has its surplus in JobName.
 * - `sacct --json` (data_parser v0.0.37 to v0.0.42): {"jobs": [...]}, numbers
 *   either plain or as {"set", "infinite", "number"}.
 *
 * Records are folded into jobs (model/slurmjob.h): steps (`123.batch`,
 * `123.extern`, `123.0`) belong to their job and add only its hosts (their
 * energy is already in the job's row); several job records under one id (a
 * requeued job, `sacct -D`) are segments of one job; a record repeated with
 * the same Start is one.  Times written without a zone (sacct prints local
 * time) are read in the clock's zone; `SLURM_TIME_FORMAT=relative` output
 * ("Ystday 14:03") cannot be placed in time and its records are refused with
 * a diagnostic.  End "Unknown" is a job still running (or one that ended
 * without a recorded end: State says); Elapsed / ElapsedRaw give its length.  GPUs come from
 * AllocTRES ("gres/gpu=4"; without that total, the typed counts
 * "gres/gpu:a100=2" are added, a MIG slice counting 1).  ConsumedEnergyRaw
 * is joules; 0 and Slurm's "no value" mean unknown.
 */
#ifndef TP_SACCT_H
#define TP_SACCT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diag.h"
#include "model/slurmjob.h"
#include "parser/text/csv.h"
#include "parser/text/timefmt.h"

typedef struct tp_sacct_options {
  const char *columns;  /* output of --noheader: its column list, comma-separated as
                           given to --format; NULL: the file's header names them */
  tp_clock *clock;      /* zone of times written without one; NULL: UTC */
} tp_sacct_options;

/* Whether head[0..len) (a file's first bytes) is sacct -P / -p output with its
 * header, or sacct --json output. */
bool tp_sacct_sniff(const char *head, size_t len);
bool tp_sacct_json_sniff(const char *head, size_t len);
/* Whether head[0..len) opens with a '|'-separated header of sacct's column
 * names (JobName|Partition|AllocCPUS|State|ExitCode) that lacks a column a
 * job's run needs (JobID or JobIDRaw, Start), which tp_sacct_sniff refuses;
 * then missing (when not NULL) names those of JobID, Start, End it lacks
 * ("JobID, Start, End").  tp_sacct_read reads such a file as far as to say so. */
bool tp_sacct_sniff_lacking(const char *head, size_t len, char missing[64]);

/* Read sacct -P lines from lr into jobs, problems into rd.  Returns the
 * number of records read, or -1 when the file cannot be used at all (no job
 * id or Start column; reported). */
long tp_sacct_read(tp_lines *lr, const tp_sacct_options *opt, tp_slurm_jobs *jobs,
                   tp_rdiag *rd);
/* Read sacct --json output buf[0..len) (file names it in diagnostics) into
 * jobs.  Returns as tp_sacct_read. */
long tp_sacct_read_json(const char *buf, size_t len, const char *file, tp_slurm_jobs *jobs,
                        tp_diags *d);
/* Read the file at path, either form (sniffed; with opt->columns, -P output
 * without header).  Returns as tp_sacct_read; -1 with a diagnostic when the
 * file cannot be read or is neither form. */
long tp_sacct_load(const char *path, const tp_sacct_options *opt, tp_slurm_jobs *jobs,
                   tp_diags *d);

#endif
