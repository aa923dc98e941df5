/* estimates: energy for runs that nothing measured or declared.
 *
 * After the attribution has resolved traces and declared rows, a run still
 * without energy is estimated from its hardware (Green Algorithms method,
 * model/estimate.h): the configuration's entry for it, the GPUs its own
 * metadata records, or --hardware.  The configuration, when it declares
 * hardware for a run, is told to the attribution as an input.
 */
#include "cli/pipeline_impl.h"

#include "model/estimate.h"
#include "model/jobspans.h"
#include "model/slurmjob.h"

/* The hardware a run is estimated with when nothing else names it: --hardware,
 * its GPU count replaced by the GPUs a Slurm job held (a note says so), record
 * by record where its records were allocated different counts.  The result
 * points into spec; it is not freed on its own. */
static tp_hw_spec S_job_spec(tp_run *r, const tp_hw_spec *spec) {
  tp_hw_spec s = *spec;
  if (r->job && spec->gpu_model && tp_job_spans_gpus_vary(r->job)) {
    s.job_gpus = true; /* the estimate's note gives each record's count */
    if (r->job->gpus > 0) s.n_gpus = r->job->gpus;
    return s;
  }
  if (!r->job || r->job->gpus < 0 || !spec->gpu_model || s.n_gpus == r->job->gpus) return s;
  s.n_gpus = r->job->gpus;
  tp_diag_add(&r->diags, TP_NOTE, NULL, -1, -1,
              "--hardware: %d GPU%s, as Slurm allocated to job %s", r->job->gpus,
              r->job->gpus == 1 ? "" : "s", r->job->job_id);
  return s;
}

/* Estimates from declared hardware for runs that no trace or declared
 * figure covers (Green Algorithms method; see model/estimate.h).  The
 * hardware, first that applies: the configuration's entry for the run, the
 * GPUs the run's own metadata records, --hardware. */
static void S_apply_estimates(tp_pipeline_state *st) {
  tp_lab *lab = st->lab;
  tp_hw_spec spec = {0};
  char err[320];
  if (st->opts->hardware &&
      tp_estimate_parse_spec(&spec, st->opts->hardware, &st->tables, err, sizeof err) != 0)
    tp_diag_add(&lab->diags, TP_ERROR, NULL, -1, -1, "--hardware: %s; not used", err);
  for (size_t i = 0; i < lab->n_runs; i++) {
    tp_run *r = lab->runs[i];
    if (r->energy.method != TP_ENERGY_NONE) continue;
    tp_run_hw meta;
    bool has_meta = tp_runmeta_hardware(r, &meta, &r->diags) == 0;
    tp_hw_spec job_spec = S_job_spec(r, &spec);
    tp_estimate_sources src = {.config = tp_config_hardware_of(st->cfg, r->id),
                               .config_path = st->cfg->path,
                               .meta_gpu_model = has_meta ? meta.gpu_model : NULL,
                               .meta_gpu_count = has_meta ? meta.gpu_count : 0,
                               .meta_tool = has_meta ? meta.tool : NULL,
                               .meta_path = has_meta ? meta.path : NULL,
                               .fallback = &job_spec};
    tp_estimate_from_sources(r, &st->tables, &src);
    if (has_meta) tp_run_hw_free(&meta);
  }
  tp_hw_spec_free(&spec);
}

/* Tell the attribution which runs the configuration declares hardware for:
 * an estimated run gets the configuration as its input, a run with a better
 * source says the estimate was passed over. */
static void S_note_hardware(tp_pipeline_state *st) {
  if (!st->cfg->path) return;
  char sha[65];
  tp_attrib_file af = {.path = st->cfg->path, .format = "configuration", .sha256 = sha};
  bool have = false;
  for (size_t i = 0; i < st->lab->n_runs; i++) {
    const tp_config_hardware *hw = tp_config_hardware_of(st->cfg, st->lab->runs[i]->id);
    if (!hw) continue;
    if (!have)
      tp_traces_file_info(st->cache_dir, st->cfg->path, true, sha, &af.size, &af.mtime_s);
    have = true;
    tp_attrib_hardware(st->attrib, i, &af, hw->line);
  }
}

void tp_estimates_apply(tp_pipeline_state *st) {
  S_apply_estimates(st);
  S_note_hardware(st);
}
