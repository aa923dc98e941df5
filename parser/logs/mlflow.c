/* mlflow: MLflow file-store run directories (see mlflow.h). */
#include "parser/logs/mlflow.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/mem.h"
#include "parser/text/csv.h"
#include "parser/logs/hparam_text.h"
#include "parser/text/number.h"
#include "parser/text/yamldoc.h"

#define S_MAX_METRIC_DEPTH 16
#define S_MAX_PARAM_BYTES (64 * 1024)
static const char k_power_prefix[] = "system/gpu_";
static const char k_power_suffix[] = "_power_usage_watts";

/* ---- meta.yaml -------------------------------------------------------------- */

/* Milliseconds since the epoch that make a time: after 1970, before the year
 * 10000 (MLflow writes integers; anything else is corruption). */
#define S_MAX_TIME_MS 253402300800000.0
static bool S_time_ms_ok(double ms) { return ms > 0 && ms < S_MAX_TIME_MS; }

static double S_ms(const tp_ynode *n) {
  double v;
  if (tp_ynode_number(n, &v) != 0 || !S_time_ms_ok(v)) return NAN;
  return v / 1000.0;
}

static char *S_dup_str(const tp_ynode *n) {
  const char *s = tp_ynode_str(n);
  return s && !tp_ynode_is_null(n) && *s ? tp_xstrdup(s) : NULL;
}

int tp_mlflow_read_meta(const char *path, tp_mlflow_meta *m, tp_diags *d) {
  memset(m, 0, sizeof *m);
  m->start_s = m->end_s = NAN;
  tp_ydoc doc;
  int rc = tp_ydoc_load(&doc, path, d);
  const tp_ynode *root = doc.root;
  if (!root || root->kind != TP_YNODE_MAP) {
    if (root)
      tp_diag_add(d, TP_WARN, path, -1, root->line, "meta.yaml is not a mapping; ignored");
    tp_ydoc_free(&doc);
    return -1;
  }
  m->run_id = S_dup_str(tp_ynode_get(root, "run_id"));
  if (!m->run_id) m->run_id = S_dup_str(tp_ynode_get(root, "run_uuid"));
  m->run_name = S_dup_str(tp_ynode_get(root, "run_name"));
  if (!m->run_name) m->run_name = S_dup_str(tp_ynode_get(root, "name"));
  m->start_s = S_ms(tp_ynode_get(root, "start_time"));
  m->end_s = S_ms(tp_ynode_get(root, "end_time"));
  double st;
  if (tp_ynode_number(tp_ynode_get(root, "status"), &st) == 0 && st >= 1 && st <= 5)
    m->status = (int)st;
  const char *stage = tp_ynode_str(tp_ynode_get(root, "lifecycle_stage"));
  m->deleted = stage && strcmp(stage, "deleted") == 0;
  if (isfinite(m->start_s) && isfinite(m->end_s) && m->end_s < m->start_s) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "end_time is before start_time; end_time ignored");
    m->end_s = NAN;
  }
  tp_ydoc_free(&doc);
  return rc;
}

void tp_mlflow_meta_free(tp_mlflow_meta *m) {
  free(m->run_id);
  free(m->run_name);
  memset(m, 0, sizeof *m);
}

const char *tp_mlflow_status_name(int status) {
  static const char *const names[] = {"UNKNOWN", "RUNNING", "SCHEDULED", "FINISHED", "FAILED",
                                      "KILLED"};
  return status >= 1 && status <= 5 ? names[status] : names[0];
}

char *tp_mlflow_experiment_name(const char *exp_dir, tp_diags *d) {
  char *p = tp_xasprintf("%s/meta.yaml", exp_dir);
  tp_ydoc doc;
  tp_ydoc_load(&doc, p, d);
  char *name = S_dup_str(tp_ynode_get(doc.root, "name"));
  tp_ydoc_free(&doc);
  free(p);
  return name;
}

/* ---- metric files ------------------------------------------------------------ */

/* Next blank-separated token of line[*pos..len). */
static bool S_token(const char *line, size_t len, size_t *pos, tp_field *tok) {
  size_t i = *pos;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  if (i >= len) return false;
  size_t b = i;
  while (i < len && line[i] != ' ' && line[i] != '\t') i++;
  *tok = (tp_field){line + b, i - b};
  *pos = i;
  return true;
}

long tp_mlflow_read_metric(FILE *f, const char *name, const char *tag,
                           const tp_metric_sink *sink, tp_diags *d) {
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, name);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 4096);
  const char *line;
  size_t len;
  long count = 0;
  tp_buf prev = {0};
  while (tp_lines_next(&lr, &line, &len)) {
    if (len == 0) continue;
    if (prev.data && prev.len == len && memcmp(prev.data, line, len) == 0) continue;
    tp_buf_clear(&prev);
    tp_buf_add(&prev, line, len);
    tp_field tok[4];
    size_t pos = 0, n = 0;
    while (n < 4 && S_token(line, len, &pos, &tok[n])) n++;
    tp_field extra;
    if (n < 2 || S_token(line, len, &pos, &extra)) {
      tp_rdiag_add(&rd, TP_WARN, "bad metric line", lr.line,
                   "expected '<timestamp_ms> <value> [<step> [<run_id>]]'; line skipped");
      continue;
    }
    double ts_ms, value;
    int64_t step = 0;
    if (tp_csv_number(tok[0].s, tok[0].n, &ts_ms) != 0 || !isfinite(ts_ms) ||
        tp_csv_number(tok[1].s, tok[1].n, &value) != 0 ||
        (n >= 3 && tp_parse_int64(tok[2].s, tok[2].n, &step) != 0)) {
      tp_rdiag_add(&rd, TP_WARN, "not a number", lr.line,
                   "timestamp, value or step is not a number; line skipped");
      continue;
    }
    double t = S_time_ms_ok(ts_ms) ? ts_ms / 1000.0 : NAN;
    if (ts_ms != 0 && isnan(t))
      tp_rdiag_add(&rd, TP_WARN, "timestamp out of range", lr.line,
                   "timestamp is not a time between 1970 and 9999; value kept without a time");
    if (sink->event) sink->event(sink->ctx, step, t);
    sink->scalar(sink->ctx, tag, step, t, value);
    count++;
  }
  tp_buf_free(&prev);
  tp_rdiag_finish(&rd);
  tp_lines_free(&lr);
  return count;
}

static bool S_is_power_tag(const char *tag, int *gpu) {
  size_t n = strlen(tag), np = sizeof k_power_prefix - 1, ns = sizeof k_power_suffix - 1;
  if (n <= np + ns || strncmp(tag, k_power_prefix, np) != 0 ||
      strcmp(tag + n - ns, k_power_suffix) != 0)
    return false;
  int64_t v;
  if (tp_parse_int64(tag + np, n - np - ns, &v) != 0 || v < 0 || v > 1000000) return false;
  *gpu = (int)v;
  return true;
}

typedef void (*S_metric_fn)(void *ctx, const char *path, const char *tag);

/* Call fn for every file under dir (metrics/), with its '/'-joined tag. */
static void S_walk_metrics(const char *dir, tp_buf *tag, int depth, S_metric_fn fn, void *ctx,
                           tp_diags *d) {
  if (depth > S_MAX_METRIC_DEPTH) {
    tp_diag_add(d, TP_WARN, dir, -1, -1, "metric names nested too deep; not entered");
    return;
  }
  DIR *dh = opendir(dir);
  if (!dh) return;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dh))) {
    if (e->d_name[0] == '.') continue;
    TP_GROW(names, cap, n + 1);
    names[n++] = tp_xstrdup(e->d_name);
  }
  closedir(dh);
  for (size_t i = 1; i < n; i++) /* insertion sort: small lists, stable order */
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  size_t mark = tag->len;
  for (size_t i = 0; i < n; i++) {
    char *path = tp_xasprintf("%s/%s", dir, names[i]);
    if (mark) tp_buf_addc(tag, '/');
    tp_buf_adds(tag, names[i]);
    struct stat st;
    if (stat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode)) S_walk_metrics(path, tag, depth + 1, fn, ctx, d);
      else if (S_ISREG(st.st_mode)) fn(ctx, path, tp_buf_str(tag));
    }
    tag->len = mark;
    tag->data[mark] = '\0';
    free(path);
    free(names[i]);
  }
  free(names);
}

typedef struct S_load_ctx {
  tp_run *run;
  tp_metric_sink sink;
  tp_diags *d;
  int files;
} S_load_ctx;

static void S_load_metric(void *vctx, const char *path, const char *tag) {
  S_load_ctx *c = vctx;
  int gpu;
  if (S_is_power_tag(tag, &gpu)) return; /* a power trace: tp_mlflow_read_power */
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(c->d, TP_WARN, path, -1, -1, "cannot open (%s); skipped", strerror(errno));
    return;
  }
  tp_mlflow_read_metric(f, path, tag, &c->sink, c->d);
  fclose(f);
  tp_run_add_input(c->run, path, "mlflow-metric");
  c->files++;
}

static char *S_read_small(const char *path, size_t *len, tp_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "cannot open (%s); skipped", strerror(errno));
    return NULL;
  }
  char *buf = tp_xmalloc(S_MAX_PARAM_BYTES + 1);
  *len = fread(buf, 1, S_MAX_PARAM_BYTES + 1, f);
  fclose(f);
  if (*len > S_MAX_PARAM_BYTES) {
    tp_diag_add(d, TP_WARN, path, -1, -1, "longer than %d bytes; value cut", S_MAX_PARAM_BYTES);
    *len = S_MAX_PARAM_BYTES;
  }
  buf[*len] = '\0';
  return buf;
}

static void S_load_param(void *vctx, const char *path, const char *key) {
  S_load_ctx *c = vctx;
  size_t len;
  char *v = S_read_small(path, &len, c->d);
  if (!v) return;
  while (len && (v[len - 1] == '\n' || v[len - 1] == '\r')) v[--len] = '\0';
  tp_hparam_text_set(c->run, key, v, len, path);
  free(v);
  c->files++;
}

/* The tags that say which Slurm job the run ran in, and on which of its GPUs
 * (SLURM_JOB_ID or slurm.job_id, ...), into hparams under the variables'
 * names, as params would give them (model/jobgpus.h looks there). */
static void S_load_slurm_tags(S_load_ctx *c, const char *run_dir) {
  static const char *const tags[][2] = {
      {"SLURM_JOB_ID", "SLURM_JOB_ID"},     {"slurm.job_id", "SLURM_JOB_ID"},
      {"SLURM_JOB_GPUS", "SLURM_JOB_GPUS"}, {"slurm.job_gpus", "SLURM_JOB_GPUS"},
      {"CUDA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES"}};
  for (size_t k = 0; k < sizeof tags / sizeof *tags; k++) {
    char *p = tp_xasprintf("%s/tags/%s", run_dir, tags[k][0]);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) S_load_param(c, p, tags[k][1]);
    free(p);
  }
}

int tp_mlflow_load_run(tp_run *run, const char *run_dir, tp_diags *d) {
  S_load_ctx c = {.run = run, .sink = tp_metric_sink_run(run), .d = d};
  char *p = tp_xasprintf("%s/meta.yaml", run_dir);
  struct stat st;
  tp_mlflow_meta m;
  bool have_meta = stat(p, &st) == 0;
  if (have_meta) {
    tp_mlflow_read_meta(p, &m, d);
    tp_run_add_input(run, p, "mlflow-meta");
    c.files++;
    if (m.deleted)
      tp_diag_add(d, TP_NOTE, p, -1, -1, "this MLflow run is marked deleted (lifecycle_stage)");
    if (m.status == 1 && isnan(m.end_s))
      tp_diag_add(d, TP_NOTE, p, -1, -1,
                  "run never finished (status RUNNING, no end_time): the window ends at its "
                  "last metric");
    else if (m.status >= 4)
      tp_diag_add(d, TP_NOTE, p, -1, -1, "run ended with status %s",
                  tp_mlflow_status_name(m.status));
  } else {
    memset(&m, 0, sizeof m);
    m.start_s = m.end_s = NAN;
    tp_diag_add(d, TP_NOTE, run_dir, -1, -1,
                "MLflow run without meta.yaml: the window comes from metric timestamps");
  }
  free(p);

  tp_buf tag = {0};
  p = tp_xasprintf("%s/metrics", run_dir);
  tp_run_time_source(run, p, "metric timestamps");
  S_walk_metrics(p, &tag, 0, S_load_metric, &c, d);
  free(p);
  tp_buf_clear(&tag);
  p = tp_xasprintf("%s/params", run_dir);
  S_walk_metrics(p, &tag, 0, S_load_param, &c, d);
  free(p);
  tp_buf_free(&tag);
  S_load_slurm_tags(&c, run_dir);

  /* Window: meta.yaml's times win over metric timestamps. */
  if (isfinite(m.start_s)) {
    char *mp = tp_xasprintf("%s/meta.yaml", run_dir);
    tp_run_time_source(run, mp, "start_time, end_time");
    free(mp);
    int end_was = run->end_source;
    tp_run_window_from_time_source(run);
    if (!isfinite(m.end_s)) run->end_source = end_was; /* the end stays the last metric's */
    run->start_s = m.start_s;
    if (isfinite(m.end_s)) run->end_s = m.end_s;
    else if (!(run->end_s >= m.start_s)) run->end_s = NAN;
    run->window_source = isfinite(run->end_s) ? "run metadata" : NULL;
  } else if (isfinite(run->start_s)) {
    run->window_source = "log timestamps";
  }
  tp_mlflow_meta_free(&m);
  return c.files;
}

/* ---- power ------------------------------------------------------------------- */

typedef struct S_power_ctx {
  const tp_trace_sink *trace;
  int device;
  tp_diags *d;
  int found;
} S_power_ctx;

static void S_power_scalar(void *vctx, const char *tag, int64_t step, double t, double v) {
  (void)tag, (void)step;
  S_power_ctx *c = vctx;
  if (isfinite(t) && isfinite(v)) c->trace->sample(c->trace->ctx, c->device, t, v);
}

static void S_power_file(void *vctx, const char *path, const char *tag) {
  S_power_ctx *c = vctx;
  char full[256];
  snprintf(full, sizeof full, "system/%s", tag);
  int gpu;
  if (!S_is_power_tag(full, &gpu)) return;
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(c->d, TP_WARN, path, -1, -1, "cannot open (%s); skipped", strerror(errno));
    return;
  }
  char id[32];
  snprintf(id, sizeof id, "gpu%d", gpu);
  c->device = c->trace->device(c->trace->ctx, id, NULL, TP_SAMPLE_POWER_W, 0);
  tp_metric_sink sink = {.ctx = c, .scalar = S_power_scalar};
  tp_mlflow_read_metric(f, path, full, &sink, c->d);
  fclose(f);
  c->found++;
}

int tp_mlflow_read_power(const char *run_dir, const tp_trace_sink *sink, tp_diags *d) {
  S_power_ctx c = {.trace = sink, .d = d};
  char *p = tp_xasprintf("%s/metrics/system", run_dir);
  tp_buf tag = {0};
  S_walk_metrics(p, &tag, 0, S_power_file, &c, d);
  tp_buf_free(&tag);
  free(p);
  return c.found;
}
