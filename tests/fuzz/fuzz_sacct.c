/* Fuzz target for parser/cluster/sacct: the input, past its first byte, is a
 * file read as sacct output (sniffed: -P with header or --json; with bit 0 of
 * the first byte set, -P without header under a configured column list).
 * The jobs must keep what the model promises (ids, ordered finite windows,
 * hosts, GPU counts, energies), and the first job with a window is made a
 * run and reported. */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "model/slurmjob.h"
#include "parser/cluster/sacct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_check(const tp_slurm_job *j) {
  if (!j->job_id || !j->job_id[0] || j->gpus < -1) abort();
  for (size_t k = 0; k < j->n_nodes; k++)
    if (!j->nodes[k] || !j->nodes[k][0]) abort();
  for (size_t k = 0; k < j->n_segments; k++) {
    const tp_job_segment *g = &j->segments[k];
    if (!isfinite(g->start_s) || (!isnan(g->end_s) && !(g->end_s >= g->start_s))) abort();
    if (g->gpus < -1) abort();
    /* A record's own nodes are among the job's. */
    for (size_t h = 0; h < g->n_nodes; h++) {
      bool found = false;
      for (size_t m = 0; m < j->n_nodes && !found; m++)
        found = strcmp(j->nodes[m], g->nodes[h]) == 0;
      if (!found) abort();
    }
  }
  if (!isnan(j->consumed_energy_j) && !(j->consumed_energy_j > 0)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char path[96];
  if (tp_fuzz_scratch(path, "sacct", data + 1, size - 1) != 0) return 0;
  tp_sacct_options opt = {.columns = (data[0] & 1) ? "JobID,JobName%20,State,Start,End,NodeList,"
                                                     "AllocTRES,ConsumedEnergyRaw"
                                                   : NULL};
  tp_slurm_jobs jobs = {0};
  tp_diags d = {0};
  tp_sacct_load(path, &opt, &jobs, &d);
  unlink(path);
  tp_run *run = NULL;
  for (size_t i = 0; i < jobs.count; i++) {
    const tp_slurm_job *j = &jobs.items[i];
    S_check(j);
    if (run || !j->n_segments) continue;
    char *id = tp_xasprintf("slurm/%s", j->job_id);
    run = tp_run_new(id, ".");
    free(id);
    run->start_s = tp_slurm_job_start_s(j);
    run->end_s = tp_slurm_job_end_s(j);
    if (isnan(run->end_s)) run->end_s = run->start_s + 60;
  }
  tp_slurm_jobs_free(&jobs);
  tp_diag_free(&d);
  if (run) tp_fuzz_report(run);
  return 0;
}
