/* runfile: writing a run as a versioned JSON document (see runfile.h). */
#include "render/runfile.h"

#include <math.h>

#include <stdlib.h>

#include "model/base64.h"
#include "model/slurmjob.h"
#include "render/json.h"

/* A number that reads back exactly; non-finite ones as strings. */
static void S_num(tp_json *j, const char *key, double v) {
  if (isnan(v)) tp_json_string(j, key, "nan");
  else if (isinf(v)) tp_json_string(j, key, v < 0 ? "-inf" : "inf");
  else tp_json_number(j, key, v, -1);
}

static void S_str(tp_json *j, const char *key, const char *s) { tp_json_string(j, key, s); }

static void S_stats(tp_json *j, const tp_series_stats *st) {
  tp_json_begin_object(j, "stats");
  tp_json_int(j, "count", (int64_t)st->count);
  tp_json_int(j, "first_step", st->first_step);
  tp_json_int(j, "last_step", st->last_step);
  S_num(j, "first", st->first);
  S_num(j, "last", st->last);
  S_num(j, "last_raw", st->last_raw);
  S_num(j, "min", st->min);
  S_num(j, "max", st->max);
  tp_json_end_object(j);
}

static void S_doubles(tp_json *j, const char *key, const double *v, size_t n) {
  tp_json_begin_array_flat(j, key);
  for (size_t i = 0; i < n; i++) S_num(j, NULL, v[i]);
  tp_json_end_array(j);
}

/* n doubles as one base64 string (model/base64.h), exact and compact. */
static void S_b64(tp_json *j, const char *key, const double *v, size_t n) {
  tp_buf b = {0};
  tp_base64_put_doubles(&b, v, n);
  tp_json_string(j, key, n ? tp_buf_str(&b) : "");
  tp_buf_free(&b);
}

/* A job's run: the trace's holds of its devices in its window (DCGM's job
 * labels), as [device, job, start_s, end_s]. */
static void S_holds(tp_json *j, const tp_trace_use *u) {
  tp_json_begin_array(j, "holds");
  for (size_t k = 0; k < u->n_holds; k++) {
    tp_json_begin_array_flat(j, NULL);
    S_str(j, NULL, u->holds[k].device);
    S_str(j, NULL, u->holds[k].job);
    S_num(j, NULL, u->holds[k].start_s);
    S_num(j, NULL, u->holds[k].end_s);
    tp_json_end_array(j);
  }
  tp_json_end_array(j);
}

/* The traces that gave the run energy, with their samples, and the intensity
 * rows that price it: what render needs to split runs scanned apart. */
static void S_uses(tp_json *j, const tp_run *r) {
  if (r->n_uses) tp_json_begin_array(j, "trace_uses");
  for (size_t i = 0; i < r->n_uses; i++) {
    const tp_trace_use *u = &r->uses[i];
    tp_json_begin_object(j, NULL);
    S_str(j, "path", u->path);
    S_str(j, "sha256", u->sha256);
    if (u->host) S_str(j, "host", u->host);
    double *pc = tp_xmalloc((3 * u->n_pieces + 1) * sizeof *pc);
    for (size_t k = 0; k < u->n_pieces; k++) {
      pc[3 * k] = u->pieces[k].start_s;
      pc[3 * k + 1] = u->pieces[k].end_s;
      pc[3 * k + 2] = u->pieces[k].energy_j;
    }
    S_b64(j, "pieces", pc, 3 * u->n_pieces);
    free(pc);
    tp_json_begin_array_flat(j, "split_with");
    for (size_t k = 0; k < u->n_split_with; k++) S_str(j, NULL, u->split_with[k]);
    tp_json_end_array(j);
    if (u->holds_kept) S_holds(j, u);
    tp_json_begin_array(j, "devices");
    for (size_t d = 0; d < u->n_devs; d++) {
      const tp_use_device *dv = &u->devs[d];
      tp_json_begin_object(j, NULL);
      S_str(j, "id", dv->id);
      S_str(j, "name", dv->name);
      S_str(j, "kind", dv->kind == TP_SAMPLE_ENERGY_J ? "energy_j" : "power_w");
      S_num(j, "wrap_j", dv->wrap_j);
      S_num(j, "typical_s", dv->typical_s);
      S_num(j, "energy_j", dv->energy_j);
      S_num(j, "covered_s", dv->covered_s);
      S_num(j, "share_s", dv->share_s);
      if (dv->field != TP_FIELD_UNSAID) S_str(j, "field", tp_power_field_name(dv->field));
      double *tv = tp_xmalloc((2 * dv->n + 1) * sizeof *tv);
      for (size_t k = 0; k < dv->n; k++) {
        tv[2 * k] = dv->t_s[k];
        tv[2 * k + 1] = dv->v[k];
      }
      S_b64(j, "samples", tv, 2 * dv->n);
      free(tv);
      tp_json_end_object(j);
    }
    tp_json_end_array(j);
    tp_json_end_object(j);
  }
  if (r->n_uses) tp_json_end_array(j);
  if (!r->n_intensity_rows) return;
  double *rows = tp_xmalloc(2 * r->n_intensity_rows * sizeof *rows);
  for (size_t k = 0; k < r->n_intensity_rows; k++) {
    rows[2 * k] = r->intensity_rows[k].t_s;
    rows[2 * k + 1] = r->intensity_rows[k].intensity_g_per_kwh;
  }
  S_b64(j, "intensity_rows", rows, 2 * r->n_intensity_rows);
  free(rows);
  S_num(j, "intensity_interval_s", r->intensity_interval_s);
}

static void S_diags(tp_json *j, const char *key, const tp_diags *d) {
  tp_json_begin_array(j, key);
  for (size_t i = 0; d && i < d->count; i++) {
    const tp_diag *g = &d->items[i];
    tp_json_begin_object(j, NULL);
    tp_json_int(j, "severity", g->severity);
    S_str(j, "file", g->file);
    tp_json_int(j, "offset", g->offset);
    tp_json_int(j, "line", g->line);
    S_str(j, "message", g->message);
    tp_json_end_object(j);
  }
  tp_json_end_array(j);
}

/* The Slurm job a run is, or null. */
static void S_job(tp_json *j, const tp_slurm_job *job) {
  if (!job) {
    tp_json_null(j, "slurm");
    return;
  }
  tp_json_begin_object(j, "slurm");
  S_str(j, "job_id", job->job_id);
  S_str(j, "name", job->name);
  S_str(j, "user", job->user);
  S_str(j, "state", job->state);
  S_str(j, "workdir", job->workdir);
  tp_json_int(j, "gpus", job->gpus);
  S_str(j, "gpu_source", job->gpu_source);
  S_num(j, "consumed_energy_j", job->consumed_energy_j);
  S_num(j, "host_energy_j", job->host_energy_j);
  tp_json_int(j, "line", job->line);
  tp_json_begin_array(j, "nodes");
  for (size_t k = 0; k < job->n_nodes; k++) S_str(j, NULL, job->nodes[k]);
  tp_json_end_array(j);
  tp_json_begin_array(j, "segments");
  for (size_t k = 0; k < job->n_segments; k++) {
    S_num(j, NULL, job->segments[k].start_s);
    S_num(j, NULL, job->segments[k].end_s);
  }
  tp_json_end_array(j);
  /* Each segment's own nodes ([] when it names none) and GPUs (-1: none). */
  tp_json_begin_array(j, "segment_nodes");
  for (size_t k = 0; k < job->n_segments; k++) {
    tp_json_begin_array(j, NULL);
    for (size_t h = 0; h < job->segments[k].n_nodes; h++) S_str(j, NULL, job->segments[k].nodes[h]);
    tp_json_end_array(j);
  }
  tp_json_end_array(j);
  tp_json_begin_array(j, "segment_gpus");
  for (size_t k = 0; k < job->n_segments; k++) tp_json_int(j, NULL, job->segments[k].gpus);
  tp_json_end_array(j);
  tp_json_end_object(j);
}

void tp_runfile_write(const tp_run *r, const tp_assumptions *a, const tp_diags *scan_diags,
                      tp_buf *out) {
  tp_json j = {0};
  tp_json_begin_object(&j, NULL);
  S_str(&j, "format", TP_RUNDOC_FORMAT);
  tp_json_int(&j, "version", TP_RUNDOC_VERSION);
  S_str(&j, "trainprint_version", TP_VERSION);
  S_str(&j, "id", r->id);
  S_str(&j, "dir", r->dir);
  S_str(&j, "experiment", r->experiment);
  S_str(&j, "host", r->host);
  S_num(&j, "start_s", r->start_s);
  S_num(&j, "end_s", r->end_s);
  S_str(&j, "window_source", r->window_source);
  S_job(&j, r->job);
  S_num(&j, "declared_duration_s", r->declared_duration_s);
  tp_json_int(&j, "restarts", r->restarts);

  tp_json_begin_array(&j, "hparams");
  for (size_t i = 0; i < r->n_hparams; i++) {
    const tp_hparam *h = &r->hparams[i];
    tp_json_begin_object(&j, NULL);
    S_str(&j, "key", h->key);
    S_str(&j, "kind", h->kind == TP_HP_NUMBER ? "number"
                      : h->kind == TP_HP_BOOL ? "bool"
                      : h->kind == TP_HP_NULL ? "null"
                                              : "string");
    S_str(&j, "text", h->text);
    S_num(&j, "number", h->number);
    S_str(&j, "source", h->source);
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);

  tp_json_begin_array(&j, "tags");
  for (size_t i = 0; i < r->n_tags; i++) {
    tp_json_begin_array(&j, NULL);
    S_str(&j, NULL, r->tag_keys[i]);
    S_str(&j, NULL, r->tag_values[i]);
    tp_json_end_array(&j);
  }
  tp_json_end_array(&j);

  tp_json_begin_array(&j, "series");
  for (size_t i = 0; i < r->n_series; i++) {
    const tp_series *s = &r->series[i];
    tp_json_begin_object(&j, NULL);
    S_str(&j, "tag", s->tag);
    tp_json_bool(&j, "decimated", s->decimated);
    if (s->decimated) S_stats(&j, &s->stats);
    tp_json_begin_array(&j, "points");
    for (size_t k = 0; k < s->count; k++) {
      tp_json_begin_array_flat(&j, NULL); /* a point a line */
      tp_json_int(&j, NULL, s->points[k].step);
      S_num(&j, NULL, s->points[k].wall_time_s);
      S_num(&j, NULL, s->points[k].value);
      tp_json_end_array(&j);
    }
    tp_json_end_array(&j);
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);

  tp_json_begin_array(&j, "skipped");
  for (size_t i = 0; i < r->n_skipped; i++) {
    tp_json_begin_object(&j, NULL);
    S_str(&j, "tag", r->skipped[i].tag);
    S_str(&j, "kind", r->skipped[i].kind);
    tp_json_int(&j, "count", (int64_t)r->skipped[i].count);
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);

  tp_json_begin_array(&j, "inputs");
  for (size_t i = 0; i < r->n_inputs; i++) {
    const tp_input *in = &r->inputs[i];
    tp_json_begin_object(&j, NULL);
    S_str(&j, "path", in->path);
    S_str(&j, "format", in->format);
    tp_json_int(&j, "size", (int64_t)in->size);
    tp_json_int(&j, "mtime_s", in->mtime_s);
    S_str(&j, "sha256", in->sha256);
    S_num(&j, "energy_j", in->energy_j);
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);

  const tp_run_energy *e = &r->energy;
  tp_json_begin_object(&j, "energy");
  tp_json_int(&j, "method", (int64_t)e->method);
  S_num(&j, "coverage", e->coverage);
  S_num(&j, "it_j", e->it_j);
  S_num(&j, "facility_j", e->facility_j);
  S_num(&j, "co2e_kg", e->co2e_kg);
  S_num(&j, "intensity_g_per_kwh", e->intensity_g_per_kwh);
  tp_json_bool(&j, "shared", e->shared);
  S_num(&j, "gpu_count", e->gpu_count);
  S_str(&j, "gpu_model", e->gpu_model);
  S_num(&j, "gpu_j", e->gpu_j);
  if (e->declared_measured) tp_json_bool(&j, "declared_measured", true);
  tp_json_begin_array(&j, "devices");
  for (size_t d = 0; d < e->n_devices; d++) {
    const tp_device_energy *dv = &e->devices[d];
    tp_json_begin_object(&j, NULL);
    S_str(&j, "id", dv->id);
    S_str(&j, "name", dv->name);
    S_str(&j, "host", dv->host);
    S_num(&j, "energy_j", dv->energy_j);
    S_num(&j, "covered_s", dv->covered_s);
    S_num(&j, "share_s", dv->share_s);
    S_num(&j, "peak_w", dv->peak_w);
    S_num(&j, "idle_w", dv->idle_w);
    if (dv->field != TP_FIELD_UNSAID) S_str(&j, "field", tp_power_field_name(dv->field));
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);
  tp_json_end_object(&j);

  if (r->metric_cum_j) S_doubles(&j, "metric_cum_j", r->metric_cum_j, r->n_metric_cum);
  else tp_json_null(&j, "metric_cum_j");

  const tp_target *t = &r->target;
  tp_json_begin_object(&j, "target");
  tp_json_bool(&j, "set", t->set);
  tp_json_bool(&j, "reached", t->reached);
  S_num(&j, "value", t->value);
  tp_json_int(&j, "step", t->step);
  S_num(&j, "time_s", t->time_s);
  S_num(&j, "it_j", t->it_j);
  tp_json_end_object(&j);

  tp_json_begin_array(&j, "power");
  for (size_t i = 0; i < r->n_power; i++) {
    const tp_power_profile *p = &r->power[i];
    tp_json_begin_object(&j, NULL);
    S_str(&j, "device", p->device);
    S_num(&j, "t0_s", p->t0_s);
    S_num(&j, "dt_s", p->dt_s);
    S_doubles(&j, "sum_w", p->sum_w, p->n);
    double *max_w = tp_power_profile_extremes(p, true);
    double *min_w = tp_power_profile_extremes(p, false);
    S_doubles(&j, "max_w", max_w, p->n);
    S_doubles(&j, "min_w", min_w, p->n);
    free(max_w);
    free(min_w);
    tp_json_begin_array(&j, "count");
    for (size_t k = 0; k < p->n; k++) tp_json_int(&j, NULL, p->count[k]);
    tp_json_end_array(&j);
    tp_json_end_object(&j);
  }
  tp_json_end_array(&j);

  S_uses(&j, r);

  S_diags(&j, "diagnostics", &r->diags);
  S_diags(&j, "scan_diagnostics", scan_diags);

  if (a) {
    tp_json_begin_object(&j, "assumptions");
    S_num(&j, "pue", a->pue);
    S_str(&j, "pue_source", a->pue_source);
    S_num(&j, "intensity_g_per_kwh", a->intensity_g_per_kwh);
    S_str(&j, "intensity_source", a->intensity_source);
    S_str(&j, "zone", a->zone);
    tp_json_int(&j, "intensity_year", a->intensity_year);
    tp_json_bool(&j, "intensity_series", a->intensity_series);
    S_str(&j, "timezone", a->timezone);
    S_str(&j, "timezone_source", a->timezone_source);
    S_num(&j, "wue_l_per_kwh", a->wue_l_per_kwh);
    S_str(&j, "wue_source", a->wue_source);
    S_num(&j, "water_offsite_l_per_kwh", a->water_offsite_l_per_kwh);
    S_str(&j, "water_offsite_source", a->water_offsite_source);
    tp_json_end_object(&j);
  }
  tp_json_end_object(&j);
  tp_buf_add(out, tp_buf_str(&j.out), j.out.len);
  tp_buf_free(&j.out);
}
