/* sacct_impl: what the two sacct readers (sacct.c, sacct_json.c) share: one
 * record as read, and its folding into the job list.  Private to
 * parser/cluster/. */
#ifndef TP_SACCT_IMPL_H
#define TP_SACCT_IMPL_H

#include "parser/cluster/sacct.h"

/* One record of either form, its texts pointing into the input. */
typedef struct tp_sacct_record {
  tp_field id;          /* JobID as written, a step's suffix included ("12_3.batch") */
  tp_field name, user, state, workdir, nodes; /* empty when not given */
  double start_s;       /* Start; NAN when the record never started */
  double end_s;         /* End; NAN while running */
  double elapsed_s;     /* Elapsed (ElapsedRaw), s: up to End, or up to when sacct
                           ran for a job still running; NAN when not given */
  int gpus;             /* allocated GPUs, -1 when not given */
  double energy_j;      /* ConsumedEnergyRaw, NAN when not known */
  int64_t line;         /* where it was read (0 in JSON) */
} tp_sacct_record;

/* Fold a record into jobs (see sacct.h).  A node list that cannot be expanded
 * is reported through rd (line) and left out. */
void tp_sacct_fold(tp_slurm_jobs *jobs, const tp_sacct_record *rec, tp_rdiag *rd);

/* An energy as Slurm writes it (J): NAN for 0 and for "no value". */
double tp_sacct_energy(double j);

#endif
