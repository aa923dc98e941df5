/* cfgtraces: the trace files the configuration's `power` section names.
 *
 * Each entry's globs are expanded (each file once, in name order) and every
 * file read as a trace job with the entry's format or column mapping, time
 * zone, start, clock offset, host, devices and runs.  The files read here are
 * claimed: discovery's copy of them is not read again (cli/traces.c).
 */
#include "cli/pipeline_impl.h"

#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

bool tp_cfgtraces_claimed(const tp_pipeline_state *st, const char *path) {
  char *real = realpath(path, NULL);
  bool found = false;
  for (size_t i = 0; real && i < st->n_claimed && !found; i++)
    found = strcmp(st->claimed[i], real) == 0;
  free(real);
  return found;
}

/* The files an entry's globs match, each once, in name order: a new array
 * (caller frees it and its strings) of *n paths. */
static char **S_expand_globs(tp_pipeline_state *st, const tp_config_power *pw, size_t *n) {
  char **files = NULL;
  size_t nf = 0, cap = 0;
  for (size_t g = 0; g < pw->files.count; g++) {
    glob_t gl;
    if (glob(pw->files.items[g], 0, NULL, &gl) != 0) {
      tp_diag_add(&st->lab->diags, TP_WARN, st->cfg->path, -1, pw->line,
                  "power: no file matches '%s'", pw->files.items[g]);
      continue;
    }
    for (size_t k = 0; k < gl.gl_pathc; k++) {
      TP_GROW(files, cap, nf + 1);
      files[nf++] = tp_xstrdup(gl.gl_pathv[k]);
    }
    globfree(&gl);
  }
  if (nf > 1) qsort(files, nf, sizeof *files, tp_pipeline_cmp_cstr);
  size_t kept = 0;
  for (size_t k = 0; k < nf; k++) {
    if (kept && strcmp(files[k], files[kept - 1]) == 0) free(files[k]);
    else files[kept++] = files[k];
  }
  *n = kept;
  return files;
}

/* How the files of one `power` entry are read: a job template (all but its
 * path), with the entry's own time zone (owned, or NULL) and column mapping. */
typedef struct S_entry {
  tp_trace_job job;          /* the fields every file of the entry shares */
  tp_tz *tz;                 /* the entry's time zone, or NULL: the default */
  tp_csvmap map;             /* job.csvmap points here when the entry has columns */
  tp_grafana_map *gmap;      /* job.grafana_map: the entry's series mapping, or NULL */
  char nvsmi_fields[TP_NVSMI_FIELDS_MAX]; /* job.nvsmi_columns points here when
                                                   a headerless nvidia-smi log's
                                                   positions are given */
  bool ok;                   /* false: the entry cannot be read (bad columns) */
} S_entry;

static void S_entry_setup(tp_pipeline_state *st, const tp_config_power *pw, S_entry *en) {
  const tp_config *cfg = st->cfg;
  *en = (S_entry){.ok = true};
  if (pw->timezone) {
    const char *err = NULL;
    en->tz = tp_tz_open(pw->timezone, &err);
    if (!en->tz)
      tp_diag_add(&st->lab->diags, TP_ERROR, cfg->path, -1, pw->line,
                  "power: time zone '%s' is not known; the default zone is used", pw->timezone);
  }
  tp_power_format fmt = TP_POWER_AUTO;
  bool nvsmi = pw->format && strcmp(pw->format, "nvidia-smi") == 0;
  if (pw->has_columns && !nvsmi) {
    fmt = TP_POWER_CSVMAP;
    char err[160];
    en->ok = tp_csvmap_of_config(&en->map, &pw->columns, err, sizeof err) == 0;
    if (!en->ok) tp_diag_add(&st->lab->diags, TP_ERROR, NULL, -1, pw->line, "power: %s", err);
  } else if (pw->format && tp_power_format_parse(pw->format, &fmt) != 0) {
    tp_diag_add(&st->lab->diags, TP_ERROR, cfg->path, -1, pw->line,
                "power: unknown format '%s'; recognised by content instead", pw->format);
    fmt = TP_POWER_AUTO;
  }
  /* A start time for traces without dates, read in the traces' zone. */
  bool has_start = false;
  double start_s = NAN;
  if (pw->start) {
    tp_clock clk;
    tp_clock_init(&clk, en->tz ? en->tz : st->tz, 0);
    has_start = tp_clock_parse(&clk, pw->start, strlen(pw->start), TP_TIME_AUTO, &start_s) == 0;
  }
  en->job = (tp_trace_job){.has_start = has_start,
                           .start_s = start_s,
                           .interval_s = isfinite(pw->interval_s) ? pw->interval_s : 0,
                           .run_globs = &pw->runs,
                           .host = pw->host,
                           .devices = &pw->devices,
                           .format = fmt != TP_POWER_AUTO ? fmt : st->force,
                           .tz = en->tz ? en->tz : st->tz,
                           .clock_offset_s = st->opts->clock_offset_s + pw->clock_offset_s};
  en->gmap = tp_grafana_map_new(pw->series, pw->n_series);
  en->job.grafana_map = en->gmap;
  char err[160];
  if (nvsmi && pw->has_columns) {
    if (tp_csvmap_nvsmi_fields(en->nvsmi_fields, &pw->columns, err, sizeof err) == 0)
      en->job.nvsmi_columns = en->nvsmi_fields;
    else
      tp_diag_add(&st->lab->diags, TP_WARN, cfg->path, -1, pw->line, "power: %s", err);
  }
}

/* Claim and read the files of one `power` entry. */
static void S_apply_entry(tp_pipeline_state *st, const tp_config_power *pw) {
  S_entry en;
  S_entry_setup(st, pw, &en);
  size_t nf;
  char **files = S_expand_globs(st, pw, &nf);
  for (size_t k = 0; k < nf; k++) {
    char *real = realpath(files[k], NULL);
    if (real) {
      TP_GROW(st->claimed, st->cap_claimed, st->n_claimed + 1);
      st->claimed[st->n_claimed++] = real;
    }
    if (!en.ok) continue;
    /* The trace's host names the host of the runs it is declared for that
     * name none of their own; a run that names another is not given it. */
    if (pw->host && pw->runs.count)
      for (size_t r = 0; r < st->lab->n_runs; r++)
        if (!st->lab->runs[r]->host && tp_config_globs_match(&pw->runs, st->lab->runs[r]->id))
          st->lab->runs[r]->host = tp_xstrdup(pw->host);
    tp_trace_job job = en.job;
    job.path = files[k];
    job.csvmap = en.job.format == TP_POWER_CSVMAP ? &en.map : NULL;
    tp_traces_apply_one(st, &job);
  }
  for (size_t k = 0; k < nf; k++) free(files[k]);
  free(files);
  tp_tz_free(en.tz);
  tp_grafana_map_free(en.gmap);
}

void tp_cfgtraces_apply(tp_pipeline_state *st) {
  for (size_t i = 0; i < st->cfg->n_power; i++) S_apply_entry(st, &st->cfg->power[i]);
}
