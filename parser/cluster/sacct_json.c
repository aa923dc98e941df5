/* sacct_json: the `sacct --json` reader (Slurm's data_parser schemas
 * v0.0.37 to v0.0.42), one record per entry of "jobs". */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parser/cluster/sacct_impl.h"
#include "parser/text/yamldoc.h"

/* A number written plain (v0.0.37-39) or as {"set": true, "infinite": false,
 * "number": N} (v0.0.40 on); NAN when unset, infinite or absent. */
static double S_num(const tp_ynode *n) {
  double v;
  if (n && n->kind == TP_YNODE_MAP) {
    bool set = true, inf = false;
    tp_ynode_bool(tp_ynode_get(n, "set"), &set);
    tp_ynode_bool(tp_ynode_get(n, "infinite"), &inf);
    if (!set || inf) return NAN;
    n = tp_ynode_get(n, "number");
  }
  return n && tp_ynode_number(n, &v) == 0 ? v : NAN;
}

static tp_field S_str(const tp_ynode *n) {
  const char *s = n && !tp_ynode_is_null(n) ? tp_ynode_str(n) : NULL;
  return s ? (tp_field){s, n->len} : (tp_field){"", 0};
}

/* A time in epoch seconds; NAN for 0 (not started, not ended) and absent. */
static double S_time(const tp_ynode *n) {
  double t = S_num(n);
  return t > 0 ? t : NAN;
}

/* time.elapsed (s), or NAN. */
static double S_elapsed(const tp_ynode *n) {
  double t = S_num(n);
  return t >= 0 && t < 1e10 ? t : NAN;
}

/* The job's id as sacct -P writes it: "A_T" for an array task, "H+O" for a
 * part of a heterogeneous job, else the number. */
static void S_job_id(const tp_ynode *j, char *out, size_t size) {
  const tp_ynode *array = tp_ynode_get(j, "array"), *het = tp_ynode_get(j, "het");
  double id = S_num(tp_ynode_get(j, "job_id"));
  double a_id = S_num(tp_ynode_get(array, "job_id")), task = S_num(tp_ynode_get(array, "task_id"));
  double h_id = S_num(tp_ynode_get(het, "job_id")), h_off = S_num(tp_ynode_get(het, "job_offset"));
  if (a_id > 0 && task >= 0) snprintf(out, size, "%.0f_%.0f", a_id, task);
  else if (h_id > 0 && h_off >= 0) snprintf(out, size, "%.0f+%.0f", h_id, h_off);
  else if (id >= 0) snprintf(out, size, "%.0f", id);
  else out[0] = '\0';
}

/* The state's current value: a string (v0.0.37-39) or a list of flags, the
 * first being the state (v0.0.40 on). */
static tp_field S_state(const tp_ynode *state) {
  const tp_ynode *cur = state && state->kind == TP_YNODE_MAP ? tp_ynode_get(state, "current") : state;
  if (cur && cur->kind == TP_YNODE_SEQ) cur = cur->n ? cur->items[0] : NULL;
  return S_str(cur);
}

/* GPUs among the allocated TRES: {"type": "gres", "name": "gpu", "count": 4},
 * else the typed ones ("gpu:a100") added; -1 when no TRES list is given. */
static int S_gpus(const tp_ynode *tres) {
  const tp_ynode *alloc = tp_ynode_get(tres, "allocated");
  if (!alloc || alloc->kind != TP_YNODE_SEQ) return -1;
  double total = -1, typed = 0;
  for (size_t i = 0; i < alloc->n; i++) {
    const tp_ynode *t = alloc->items[i];
    tp_field type = S_str(tp_ynode_get(t, "type")), name = S_str(tp_ynode_get(t, "name"));
    double count = S_num(tp_ynode_get(t, "count"));
    if (!tp_field_eq(type, "gres") || !(count >= 0 && count < 1e6)) continue;
    if (tp_field_eq(name, "gpu")) total = count;
    else if (name.n > 4 && strncmp(name.s, "gpu:", 4) == 0) typed += count;
  }
  return (int)(total >= 0 ? total : typed);
}

/* The energy the job's steps consumed (tres.consumed.total, type "energy"),
 * which is what sacct -P shows as the job's ConsumedEnergyRaw; NAN if none. */
static double S_energy(const tp_ynode *steps) {
  double sum = NAN;
  for (size_t i = 0; steps && steps->kind == TP_YNODE_SEQ && i < steps->n; i++) {
    const tp_ynode *total =
        tp_ynode_get(tp_ynode_get(tp_ynode_get(steps->items[i], "tres"), "consumed"), "total");
    for (size_t k = 0; total && total->kind == TP_YNODE_SEQ && k < total->n; k++) {
      const tp_ynode *t = total->items[k];
      double e = tp_sacct_energy(S_num(tp_ynode_get(t, "count")));
      if (tp_field_eq(S_str(tp_ynode_get(t, "type")), "energy") && !isnan(e))
        sum = isnan(sum) ? e : sum + e;
    }
  }
  return sum;
}

/* One entry of "jobs" folded in; 1 when it was, 0 when it has no id. */
static int S_job(const tp_ynode *j, tp_slurm_jobs *jobs, tp_rdiag *rd) {
  char id[64];
  S_job_id(j, id, sizeof id);
  if (!id[0]) {
    tp_rdiag_add(rd, TP_WARN, "job without id", j->line, "a job without job_id: skipped");
    return 0;
  }
  const tp_ynode *time = tp_ynode_get(j, "time");
  tp_sacct_record rec = {
      .id = {id, strlen(id)},
      .name = S_str(tp_ynode_get(j, "name")),
      .user = S_str(tp_ynode_get(j, "user")),
      .state = S_state(tp_ynode_get(j, "state")),
      .workdir = S_str(tp_ynode_get(j, "working_directory")),
      .nodes = S_str(tp_ynode_get(j, "nodes")),
      .start_s = S_time(tp_ynode_get(time, "start")),
      .end_s = S_time(tp_ynode_get(time, "end")),
      .elapsed_s = S_elapsed(tp_ynode_get(time, "elapsed")),
      .gpus = S_gpus(tp_ynode_get(j, "tres")),
      .energy_j = S_energy(tp_ynode_get(j, "steps")),
      .line = j->line,
  };
  if (!isnan(rec.start_s) && !isnan(rec.end_s) && rec.end_s < rec.start_s) {
    tp_rdiag_add(rd, TP_WARN, "end before start", j->line,
                 "job %s ends before it starts: record skipped", id);
    return 0;
  }
  tp_sacct_fold(jobs, &rec, rd);
  return 1;
}

long tp_sacct_read_json(const char *buf, size_t len, const char *file, tp_slurm_jobs *jobs,
                        tp_diags *d) {
  tp_ydoc doc = {0};
  tp_ydoc_parse(&doc, buf, len, file, d);
  const tp_ynode *list = tp_ynode_get(doc.root, "jobs");
  long n = -1;
  if (!list || list->kind != TP_YNODE_SEQ) {
    tp_diag_add(d, TP_ERROR, file, -1, -1, "sacct --json output without a \"jobs\" list: not used");
  } else {
    tp_rdiag rd;
    tp_rdiag_init(&rd, d, file);
    n = 0;
    for (size_t i = 0; i < list->n; i++)
      if (list->items[i]->kind == TP_YNODE_MAP) n += S_job(list->items[i], jobs, &rd);
    tp_rdiag_finish(&rd);
  }
  tp_ydoc_free(&doc);
  return n;
}
