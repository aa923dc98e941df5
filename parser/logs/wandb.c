/* wandb: W&B run directories' files/ (see wandb.h). */
#include "parser/logs/wandb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/logs/wandb_binary.h"
#include "parser/text/timefmt.h"
#include "parser/text/yamldoc.h"

static bool S_file(const char *dir, const char *name) {
  char *p = tp_xasprintf("%s/%s", dir, name);
  struct stat st;
  bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
  free(p);
  return ok;
}

char *tp_wandb_files_dir(const char *dir) {
  static const char *const marks[] = {"wandb-metadata.json", "wandb-summary.json"};
  char *files = tp_xasprintf("%s/files", dir);
  for (int pass = 0; pass < 2; pass++) {
    const char *where = pass == 0 ? files : dir;
    for (size_t i = 0; i < 2; i++)
      if (S_file(where, marks[i])) {
        char *r = tp_xstrdup(where);
        free(files);
        return r;
      }
  }
  free(files);
  return NULL;
}

/* The text of a scalar member key of map (NULL: none, or empty), copied. */
static char *S_member(const tp_ynode *map, const char *key) {
  const char *s = tp_ynode_str(tp_ynode_get(map, key));
  return s && *s ? tp_xstrdup(s) : NULL;
}

/* The Slurm job a run ran in, as wandb records it: a "slurm" object of the
 * job's SLURM_* variables (lower case, the prefix dropped: job_id,
 * job_gpus), or the variables themselves in an "env" object. */
static void S_slurm_meta(const tp_ynode *root, tp_wandb_meta *m) {
  const tp_ynode *sl = tp_ynode_get(root, "slurm"), *env = tp_ynode_get(root, "env");
  if (sl && sl->kind == TP_YNODE_MAP) {
    m->slurm_job_id = S_member(sl, "job_id");
    m->slurm_job_gpus = S_member(sl, "job_gpus");
  }
  if (env && env->kind == TP_YNODE_MAP) {
    if (!m->slurm_job_id) m->slurm_job_id = S_member(env, "SLURM_JOB_ID");
    if (!m->slurm_job_gpus) m->slurm_job_gpus = S_member(env, "SLURM_JOB_GPUS");
    m->cuda_devices = S_member(env, "CUDA_VISIBLE_DEVICES");
  }
}

int tp_wandb_read_metadata(const char *path, tp_wandb_meta *m, tp_diags *d) {
  memset(m, 0, sizeof *m);
  m->start_s = NAN;
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    const tp_ynode *sa = tp_ynode_get(root, "startedAt");
    const char *s = tp_ynode_str(sa);
    if (s) {
      tp_clock utc; /* W&B writes UTC, with or without the Z */
      tp_clock_init(&utc, NULL, 0);
      if (tp_clock_parse(&utc, s, strlen(s), TP_TIME_ISO8601, &m->start_s) != 0) {
        tp_diag_add(d, TP_WARN, path, -1, sa->line, "startedAt '%.40s' is not a time; ignored", s);
        m->start_s = NAN;
      }
    }
    const char *gpu = tp_ynode_str(tp_ynode_get(root, "gpu"));
    const tp_ynode *nv = tp_ynode_get(root, "gpu_nvidia");
    if (!gpu && nv && nv->kind == TP_YNODE_SEQ && nv->n)
      gpu = tp_ynode_str(tp_ynode_get(nv->items[0], "name"));
    if (gpu && *gpu) m->gpu = tp_xstrdup(gpu);
    double c;
    if (tp_ynode_number(tp_ynode_get(root, "gpu_count"), &c) == 0 && c >= 0 && c < 1e6)
      m->gpu_count = (int)c;
    else if (nv && nv->kind == TP_YNODE_SEQ)
      m->gpu_count = (int)nv->n;
    S_slurm_meta(root, m);
  } else if (root) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

void tp_wandb_meta_free(tp_wandb_meta *m) {
  free(m->gpu);
  free(m->slurm_job_id);
  free(m->slurm_job_gpus);
  free(m->cuda_devices);
  m->gpu = m->slurm_job_id = m->slurm_job_gpus = m->cuda_devices = NULL;
}

/* What the metadata at path says of the run's Slurm job goes into its
 * hparams, under the variables' names (SLURM_JOB_ID, SLURM_JOB_GPUS,
 * CUDA_VISIBLE_DEVICES): placement, not configuration (model/lab.h). */
static void S_slurm_hparams(tp_run *run, const tp_wandb_meta *m, const char *path,
                            tp_diags *d) {
  const char *keys[] = {"SLURM_JOB_ID", "SLURM_JOB_GPUS", "CUDA_VISIBLE_DEVICES"};
  const char *vals[] = {m->slurm_job_id, m->slurm_job_gpus, m->cuda_devices};
  for (size_t k = 0; k < 3; k++)
    if (vals[k]) tp_run_set_hparam(run, keys[k], TP_HP_STRING, vals[k], NAN, path);
  if (m->slurm_job_id)
    tp_diag_add(d, TP_NOTE, path, -1, -1, "ran in Slurm job %s%s%s (from W&B metadata)",
                m->slurm_job_id, m->slurm_job_gpus ? " on its GPUs " : "",
                m->slurm_job_gpus ? m->slurm_job_gpus : "");
}

int tp_wandb_read_summary(const char *path, tp_run *run, double *runtime_s, double *timestamp_s,
                          tp_diags *d) {
  *runtime_s = *timestamp_s = NAN;
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    double v;
    int64_t step = 0;
    if (tp_ynode_number(tp_ynode_get(root, "_step"), &v) == 0 && isfinite(v) && fabs(v) < 9e15)
      step = (int64_t)v;
    if (tp_ynode_number(tp_ynode_get(root, "_runtime"), &v) == 0 && isfinite(v) && v >= 0)
      *runtime_s = v;
    else if (tp_ynode_number(tp_ynode_get(tp_ynode_get(root, "_wandb"), "runtime"), &v) == 0 &&
             isfinite(v) && v >= 0)
      *runtime_s = v;
    if (tp_ynode_number(tp_ynode_get(root, "_timestamp"), &v) == 0 && isfinite(v) && v > 0)
      *timestamp_s = v;
    for (size_t i = 0; i < root->n; i++) {
      const char *key = tp_ynode_str(root->keys[i]);
      const tp_ynode *val = root->items[i];
      if (!key || key[0] == '_' || !val) continue;
      if (val->kind == TP_YNODE_MAP) {
        const char *type = tp_ynode_str(tp_ynode_get(val, "_type"));
        tp_run_count_skipped(run, key, type ? type : "object");
      } else if (val->kind == TP_YNODE_SEQ) {
        tp_run_count_skipped(run, key, "list");
      } else if (tp_ynode_number(val, &v) == 0) {
        tp_run_add_scalar(run, key, step, NAN, v);
      }
    }
  } else if (root) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "not a JSON object; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

int tp_wandb_read_config(const char *path, tp_run *run, tp_diags *d) {
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (root && root->kind == TP_YNODE_MAP) {
    for (size_t i = 0; i < root->n; i++) {
      const char *key = tp_ynode_str(root->keys[i]);
      const tp_ynode *val = root->items[i];
      if (!key || strcmp(key, "_wandb") == 0 || strcmp(key, "wandb_version") == 0) continue;
      const tp_ynode *inner = tp_ynode_get(val, "value");
      tp_ydoc_to_hparams(inner ? inner : val, key, run, path);
    }
  } else if (root && !tp_ynode_is_null(root)) {
    tp_diag_add(d, TP_WARN, path, -1, root->line, "config is not a mapping; ignored");
    rc = -1;
  }
  tp_ydoc_free(&doc);
  return rc;
}

/* ---- the binary run file ------------------------------------------------------- */

typedef struct S_bin_ctx {
  tp_run *run;
  const char *path; /* the run file */
  bool config;      /* take its config (the run has no config.yaml) */
  tp_diags *d;
} S_bin_ctx;

static void S_bin_row(void *ctx, int64_t step, double t_s) {
  S_bin_ctx *c = ctx;
  tp_run_note_event(c->run, step, t_s);
}

static void S_bin_scalar(void *ctx, const char *key, int64_t step, double t_s, double value) {
  S_bin_ctx *c = ctx;
  tp_run_add_scalar(c->run, key, step, t_s, value);
}

static void S_bin_skipped(void *ctx, const char *key, const char *kind) {
  S_bin_ctx *c = ctx;
  tp_run_count_skipped(c->run, key, kind);
}

static void S_bin_stats(void *ctx, double t_s) {
  S_bin_ctx *c = ctx;
  tp_run_note_event(c->run, 0, t_s);
}

/* A config item: its JSON value flattened into hparams under key, with the
 * rules of config.yaml (the internal _wandb and wandb_version dropped). */
static void S_bin_config(void *ctx, const char *key, const char *json, size_t n) {
  S_bin_ctx *c = ctx;
  if (!c->config || strcmp(key, "_wandb") == 0 || strcmp(key, "wandb_version") == 0) return;
  tp_ydoc doc;
  tp_ydoc_parse(&doc, json, n, c->path, c->d);
  if (doc.root) tp_ydoc_to_hparams(doc.root, key, c->run, c->path);
  tp_ydoc_free(&doc);
}

/* The window from the run record and the last exit record, else the last
 * record with a time.  Returns whether it was set. */
static bool S_bin_window(tp_run *run, const char *path, const tp_wandb_bin_info *in, tp_diags *d) {
  if (!isfinite(in->start_s)) return false;
  double last = fmax(isfinite(in->last_stats_s) ? in->last_stats_s : -INFINITY,
                     isfinite(in->last_history_s) ? in->last_history_s : -INFINITY);
  double end = in->n_exits ? in->start_s + in->runtime_s : last;
  if (!isfinite(end) || end < in->start_s) return false;
  tp_run_time_source(run, path, in->n_exits ? "run start_time + exit runtime"
                                            : "run start_time, last record's time");
  tp_run_window_from_time_source(run);
  run->start_s = in->start_s;
  run->end_s = end;
  run->window_source = "run metadata";
  if (!in->n_exits)
    tp_diag_add(d, TP_NOTE, path, -1, -1,
                "no exit record (the run was killed or was still running): the window ends at "
                "its last record");
  else if (in->n_exits > 1)
    tp_diag_add(d, TP_NOTE, path, -1, -1, "%d exit records: the last (code %d, %g s) taken",
                in->n_exits, in->exit_code, in->runtime_s);
  return true;
}

/* Read the run file into run: history, config (when take_config), host.
 * Fills *in (free with tp_wandb_bin_info_free). */
static void S_load_binary(tp_run *run, const char *path, bool take_config, tp_wandb_bin_info *in,
                          tp_diags *d) {
  S_bin_ctx c = {.run = run, .path = path, .config = take_config, .d = d};
  tp_wandb_bin_handlers h = {.ctx = &c, .row = S_bin_row, .scalar = S_bin_scalar,
                             .skipped = S_bin_skipped, .config = S_bin_config,
                             .stats = S_bin_stats};
  tp_run_time_source(run, path, "history _timestamp, stats timestamp");
  tp_wandb_bin_read(path, &h, in, d);
  tp_run_add_input(run, path, "wandb-binary");
  if (in->frozen_time)
    tp_diag_add(d, TP_NOTE, path, -1, -1,
                "all %zu history rows carry one _timestamp: each row is timed by the system "
                "stats record before it", in->n_history);
  if (in->host && !run->host) run->host = tp_xstrdup(in->host);
  if (in->n_exits && in->exit_code != 0)
    tp_diag_add(d, TP_NOTE, path, -1, -1, "the run exited with code %d", in->exit_code);
}

int tp_wandb_load_run(tp_run *run, const char *dir, tp_diags *d) {
  char *files = tp_wandb_files_dir(dir);
  int n_bin = 0;
  char *bin = tp_wandb_bin_find(dir, &n_bin);
  if (!files && !bin) return 0;
  if (n_bin > 1)
    tp_diag_add(d, TP_NOTE, bin, -1, -1, "%d run files (run-*.wandb) in one run directory: only "
                "this one, the first by name, is read", n_bin);
  int n = 0;
  double runtime = NAN, stamp = NAN;
  tp_wandb_meta m = {.start_s = NAN};
  tp_wandb_bin_info in = {.n_history = 0};
  bool have_config = files && S_file(files, "config.yaml");
  char *p = files ? tp_xasprintf("%s/config.yaml", files) : NULL;
  if (have_config) {
    tp_wandb_read_config(p, run, d);
    tp_run_add_input(run, p, "wandb-config");
    n++;
  }
  free(p);
  if (bin) {
    S_load_binary(run, bin, !have_config, &in, d);
    n++;
  }
  /* The binary's history holds every point the summary would give once. */
  p = files ? tp_xasprintf("%s/wandb-summary.json", files) : NULL;
  if (files && !in.n_history && S_file(files, "wandb-summary.json")) {
    tp_wandb_read_summary(p, run, &runtime, &stamp, d);
    tp_run_add_input(run, p, "wandb-summary");
    n++;
  }
  free(p);
  p = files ? tp_xasprintf("%s/wandb-metadata.json", files) : NULL;
  if (files && S_file(files, "wandb-metadata.json")) {
    tp_wandb_read_metadata(p, &m, d);
    tp_run_add_input(run, p, "wandb-metadata");
    n++;
  }
  if (bin && S_bin_window(run, bin, &in, d)) {
    /* the run file's own start and exit */
  } else if (isfinite(m.start_s)) {
    double end = isfinite(runtime) ? m.start_s + runtime : stamp;
    if (isfinite(end) && end >= m.start_s) {
      tp_run_time_source(run, p, isfinite(runtime) ? "startedAt + _runtime" : "startedAt, _timestamp");
      tp_run_window_from_time_source(run);
      run->start_s = m.start_s;
      run->end_s = end;
      run->window_source = "run metadata";
    } else {
      tp_diag_add(d, TP_NOTE, p, -1, -1, "start time known but no runtime: no end of the window");
    }
  }
  if (m.gpu)
    tp_diag_add(d, TP_NOTE, p, -1, -1, "ran on %d x %s (from W&B metadata)",
                m.gpu_count ? m.gpu_count : 1, m.gpu);
  S_slurm_hparams(run, &m, p, d);
  free(p);
  tp_wandb_meta_free(&m);
  tp_wandb_bin_info_free(&in);
  free(files);
  free(bin);
  return n;
}

/* ---- the run's own GPU power ---------------------------------------------------- */

typedef struct S_power_ctx {
  const tp_trace_sink *sink;
  const tp_wandb_bin_info *info;        /* complete before the first sample */
  int handle[TP_WANDB_BIN_MAX_GPUS];    /* the sink's device per GPU, -1: not yet */
  int found;                            /* devices announced */
} S_power_ctx;

static void S_power_stat(void *ctx, double t_s, const char *key, double value) {
  S_power_ctx *c = ctx;
  const char *what;
  int g = tp_wandb_bin_gpu_key(key, &what);
  if (g < 0 || strcmp(what, "powerWatts") != 0) return;
  if (c->info->any_process_gpu && !c->info->process_gpu[g]) return; /* other work's GPU */
  if (c->handle[g] < 0) {
    char id[16];
    snprintf(id, sizeof id, "gpu%d", g);
    c->handle[g] = c->sink->device(c->sink->ctx, id, NULL, TP_SAMPLE_POWER_W, 0);
    c->found++;
  }
  c->sink->sample(c->sink->ctx, c->handle[g], t_s, value);
}

bool tp_wandb_has_run_file(const char *run_dir) {
  char *bin = tp_wandb_bin_find(run_dir, NULL);
  bool has = bin != NULL;
  free(bin);
  return has;
}

int tp_wandb_read_power(const char *run_dir, const tp_trace_sink *sink, tp_diags *d) {
  char *bin = tp_wandb_bin_find(run_dir, NULL);
  if (!bin) return 0;
  tp_wandb_bin_info in;
  S_power_ctx c = {.sink = sink, .info = &in};
  for (size_t i = 0; i < TP_WANDB_BIN_MAX_GPUS; i++) c.handle[i] = -1;
  tp_wandb_bin_handlers h = {.ctx = &c, .stat = S_power_stat};
  tp_diags again = {0}; /* damage is told by tp_wandb_load_run */
  tp_wandb_bin_read(bin, &h, &in, &again);
  tp_diag_free(&again);
  if (c.found && !in.any_process_gpu)
    tp_diag_add(d, TP_NOTE, bin, -1, -1,
                "no gpu.process.N key names the run's GPU: every GPU of its system metrics "
                "(%d) is taken as the run's", c.found);
  tp_wandb_bin_info_free(&in);
  free(bin);
  return c.found;
}
