/* config: trainprint.yaml read into a tp_config (see config.h).
 *
 * The document tree comes from yamldoc; this file only walks it.  Each
 * mapping of the file is described by a table of fields (key, kind, where the
 * value goes, its range), and one walker (tp_config_read_map, config_fields.c)
 * checks keys and types for all of them, so that every section reports
 * problems the same way.  Values that need more than a type check (a zone, a
 * unit, a pattern) have a handler here.
 */
#include "parser/config.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "model/mem.h"
#include "model/units.h"
#include "parser/power/csvmap.h"
#include "parser/power/power.h"
#include "parser/text/timefmt.h"
#include "parser/config_impl.h"
#include "parser/text/yamldoc.h"

/* ---- value handlers ------------------------------------------------------------ */

static void S_timezone(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                       const char *subj, const char *path) {
  const char *s = tp_config_text(v), *err = NULL;
  if (!s) {
    tp_config_wrong_type(ld, v, subj, "a time zone name");
    return;
  }
  tp_tz *tz = tp_tz_open(s, &err);
  if (!tz) {
    tp_config_warn(ld, v, "%s: '%s' is %s; ignored", subj, s, err ? err : "not a known time zone");
    return;
  }
  tp_tz_free(tz);
  tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
}

/* A timestamp: any form tp_time_parse reads; kept as text (its zone is known
 * only when the trace is read). */
static void S_start(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                    const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  tp_timestamp ts;
  if (!s || tp_time_parse(s, strlen(s), TP_TIME_AUTO, &ts) != 0) {
    tp_config_wrong_type(ld, v, subj, "a timestamp (e.g. 2026-03-01T09:00:00)");
    return;
  }
  tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
}

static void S_intensity(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_defaults *df = obj;
  double x;
  if (tp_ynode_number(v, &x) == 0) {
    if (!isfinite(x) || x < 0 || x > 5000)
      tp_config_warn(ld, v, "%s is %s, outside [0, 5000] gCO2e/kWh; ignored", subj, v->text);
    else df->intensity_value = x;
    return;
  }
  const char *s = tp_config_text(v);
  if (!s || !*s) {
    tp_config_wrong_type(ld, v, subj, "a number (gCO2e/kWh) or a file name");
    return;
  }
  free(df->intensity_file);
  df->intensity_file = tp_config_resolve(ld, s);
}

/* A time format: a name tp_time_format_parse knows (not "pattern"), or a
 * strptime-like pattern (anything with a '%'). */
static void S_time_format(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                          const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  tp_time_format tf;
  if (!s) {
    tp_config_wrong_type(ld, v, subj, "a format name or a pattern");
    return;
  }
  if (!strchr(s, '%') && (tp_time_format_parse(s, &tf) != 0 || tf == TP_TIME_PATTERN)) {
    tp_config_warn(ld, v, "%s: '%s' is not a time format (auto, nvidia-smi, iso8601, ctime, "
                   "epoch-s, epoch-ms, epoch-us, epoch-ns, or a pattern such as '%%Y-%%m-%%d "
                   "%%H:%%M:%%S'); ignored", subj, s);
    return;
  }
  tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
}

/* ---- site and defaults ------------------------------------------------------------ */

static const tp_config_field k_site[] = {
    {.key = "title", .kind = TP_CF_STR, .off = offsetof(tp_config_site, title)},
    {.key = "description", .kind = TP_CF_STR, .off = offsetof(tp_config_site, description)},
    {.key = "authors", .kind = TP_CF_STRS, .off = offsetof(tp_config_site, authors)},
    {.key = "lab", .kind = TP_CF_STR, .off = offsetof(tp_config_site, lab)},
};

static const tp_config_field k_defaults[] = {
    {.key = "pue", .kind = TP_CF_NUM, .off = offsetof(tp_config_defaults, pue), .lo = 1, .hi = 10},
    {.key = "zone", .kind = TP_CF_STR, .off = offsetof(tp_config_defaults, zone)},
    {.key = "intensity", .kind = TP_CF_FN, .fn = S_intensity},
    {.key = "timezone", .kind = TP_CF_FN, .off = offsetof(tp_config_defaults, timezone),
     .fn = S_timezone},
    {.key = "wue", .kind = TP_CF_NUM, .off = offsetof(tp_config_defaults, wue_l_per_kwh),
     .lo = 0, .hi = 100},
    {.key = "water_intensity", .kind = TP_CF_NUM,
     .off = offsetof(tp_config_defaults, water_l_per_kwh), .lo = 0, .hi = 1000},
};

/* ---- experiments -------------------------------------------------------------- */

static void S_goal(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                   const char *subj, const char *path) {
  tp_config_metric *m = obj;
  const char *s = tp_config_text(v);
  if (s && (strcmp(s, "max") == 0 || strcmp(s, "min") == 0)) {
    m->goal_set = true;
    m->goal_max = s[1] == 'a';
    return;
  }
  if (s) tp_config_warn(ld, v, "%s should be max or min, not '%s'; ignored", subj, s);
  else tp_config_wrong_type(ld, v, subj, "max or min");
}

static const tp_config_field k_metric[] = {
    {.key = "tag", .kind = TP_CF_STR, .off = offsetof(tp_config_metric, tag)},
    {.key = "goal", .kind = TP_CF_FN, .fn = S_goal},
    {.key = "target", .kind = TP_CF_NUM, .off = offsetof(tp_config_metric, target), .lo = -DBL_MAX,
     .hi = DBL_MAX},
};

/* metric: a mapping, or just the tag. */
static void S_metric(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                     const char *subj, const char *path) {
  tp_config_metric *m = TP_CFG_AT(obj, f, tp_config_metric);
  if (v->kind == TP_YNODE_MAP) tp_config_read_map(ld, v, path, k_metric, TP_CFG_N(k_metric), m);
  else if (tp_config_text(v)) tp_config_set_str(&m->tag, v->text);
  else tp_config_wrong_type(ld, v, subj, "a mapping (tag, goal, target) or a tag");
}

static const tp_config_field k_experiment[] = {
    {.key = "name", .kind = TP_CF_STR, .off = offsetof(tp_config_experiment, name)},
    {.key = "runs", .kind = TP_CF_STRS, .off = offsetof(tp_config_experiment, runs)},
    {.key = "compare_by", .kind = TP_CF_STRS, .off = offsetof(tp_config_experiment, compare_by)},
    {.key = "metric", .kind = TP_CF_FN, .off = offsetof(tp_config_experiment, metric),
     .fn = S_metric},
};

static void S_experiment(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_experiment *e = tp_config_add_experiment(cfg);
  e->line = item->line;
  tp_config_read_map(ld, item, path, k_experiment, TP_CFG_N(k_experiment), e);
  if (!e->name && e->runs.count == 0) {
    tp_config_warn(ld, item, "'%s' has neither a name nor runs; ignored", path);
    tp_config_experiment_clear(e);
    cfg->n_experiments--;
    return;
  }
  if (!e->name) e->name = tp_xstrdup(e->runs.items[0]);
  for (size_t i = 0; i + 1 < cfg->n_experiments; i++)
    if (strcmp(cfg->experiments[i].name, e->name) == 0) {
      tp_config_warn(ld, item, "experiment '%s' was already declared on line %ld; both are kept, "
                     "the first matching one is used", e->name, cfg->experiments[i].line);
      break;
    }
}

/* ---- power -------------------------------------------------------------------- */

static void S_format(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                     const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  tp_power_format pf;
  if (!s) {
    tp_config_wrong_type(ld, v, subj, "a trace format name");
    return;
  }
  if (tp_power_format_parse(s, &pf) != 0) {
    tp_config_warn(ld, v, "%s: '%s' is not a trace format (nvidia-smi, nvidia-smi-dmon, rapl, "
                   "perf-stat, codecarbon, prometheus, grafana-csv, csv); ignored", subj, s);
    return;
  }
  tp_config_set_str(TP_CFG_AT(obj, f, char *), tp_power_format_name(pf));
}

/* A column: a 1-based position (a plain whole number) or a header name. */
static void S_column(tp_config_ld *ld, const tp_ynode *v, const char *subj, char **name,
                     int *index) {
  double x;
  const char *s = tp_config_text(v);
  if (!s || !*s) {
    tp_config_wrong_type(ld, v, subj, "a column name or a 1-based column number");
    return;
  }
  if (tp_ynode_number(v, &x) == 0) {
    if (!(x >= 1 && x <= 4096 && x == floor(x))) {
      tp_config_warn(ld, v, "%s is %s, not a column number in [1, 4096]; ignored", subj, s);
      return;
    }
    *index = (int)x;
    free(*name);
    *name = NULL;
    return;
  }
  tp_config_set_str(name, s);
  *index = 0;
}

/* `time`: one column, or a list of two: the date's and the time of day's. */
static void S_col_time(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                       const char *subj, const char *path) {
  tp_config_columns *c = obj;
  free(c->time2_column);
  c->time2_column = NULL;
  c->time2_index = 0;
  if (v->kind != TP_YNODE_SEQ) {
    S_column(ld, v, subj, &c->time_column, &c->time_index);
    return;
  }
  if (v->n != 2) {
    tp_config_warn(ld, v, "%s should be one column or a list of two (the date's and the time "
                   "of day's), not a list of %zu; ignored", subj, v->n);
    return;
  }
  S_column(ld, v->items[0], subj, &c->time_column, &c->time_index);
  S_column(ld, v->items[1], subj, &c->time2_column, &c->time2_index);
}

static void S_date_order(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                         const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  tp_date_order o;
  if (!s) tp_config_wrong_type(ld, v, subj, "dmy, mdy or ymd");
  else if (tp_date_order_parse(s, &o) != 0)
    tp_config_warn(ld, v, "%s: '%s' is not a date order (dmy, mdy, ymd); ignored", subj, s);
  else tp_config_set_str(TP_CFG_AT(obj, f, char *), tp_date_order_name(o));
}

static void S_col_value(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_columns *c = obj;
  S_column(ld, v, subj, &c->value_column, &c->value_index);
}

static void S_col_device(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                         const char *subj, const char *path) {
  tp_config_columns *c = obj;
  S_column(ld, v, subj, &c->device_column, &c->device_index);
}

static void S_unit(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                   const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  tp_value_unit u;
  if (!s) tp_config_wrong_type(ld, v, subj, "a unit name");
  else if (tp_value_unit_parse(s, &u) != 0)
    tp_config_warn(ld, v, "%s: '%s' is not a unit (W, mW, kW, J, kJ, Wh, kWh, uJ, mJ); ignored",
                   subj, s);
  else tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
}

static void S_separator(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                        const char *subj, const char *path) {
  tp_config_columns *c = obj;
  const char *s = tp_config_text(v);
  size_t n = s ? v->len : 0;
  if (s && (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)) s = "\t", n = 1;
  if (!s) tp_config_wrong_type(ld, v, subj, "one character (or tab)");
  else if (n != 1 || *s == '"' || *s == '\n' || *s == '\r' || *s == '\0')
    tp_config_warn(ld, v, "%s should be one character (or tab), not '%s'; ignored", subj, v->text);
  else c->separator = *s;
}

static void S_header(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                     const char *subj, const char *path) {
  tp_config_columns *c = obj;
  bool b;
  if (tp_config_bool(v, &b) != 0) tp_config_wrong_type(ld, v, subj, "a boolean (true/false)");
  else c->no_header = !b;
}

static const tp_config_field k_columns[] = {
    {.key = "time", .kind = TP_CF_FN, .fn = S_col_time},
    {.key = "time_format", .kind = TP_CF_FN, .off = offsetof(tp_config_columns, time_format),
     .fn = S_time_format},
    {.key = "date_order", .kind = TP_CF_FN, .off = offsetof(tp_config_columns, date_order),
     .fn = S_date_order},
    {.key = "value", .kind = TP_CF_FN, .fn = S_col_value},
    {.key = "unit", .kind = TP_CF_FN, .off = offsetof(tp_config_columns, unit), .fn = S_unit},
    {.key = "device", .kind = TP_CF_FN, .fn = S_col_device},
    {.key = "separator", .kind = TP_CF_FN, .fn = S_separator},
    {.key = "header", .kind = TP_CF_FN, .fn = S_header},
};

static void S_columns(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                      const char *subj, const char *path) {
  tp_config_power *p = obj;
  if (v->kind != TP_YNODE_MAP) {
    tp_config_wrong_type(ld, v, subj, "a mapping");
    return;
  }
  tp_config_read_map(ld, v, path, k_columns, TP_CFG_N(k_columns), &p->columns);
  p->has_columns = true;
  const tp_config_columns *c = &p->columns;
  if (!c->time_column && !c->time_index)
    tp_config_warn(ld, v, "'%s' names no time column; traces read with it will be refused", path);
  if (!c->value_column && !c->value_index)
    tp_config_warn(ld, v, "'%s' names no value column; traces read with it will be refused", path);
}

static const tp_config_field k_power[] = {
    {.key = "files", .kind = TP_CF_PATHS, .off = offsetof(tp_config_power, files)},
    {.key = "host", .kind = TP_CF_STR, .off = offsetof(tp_config_power, host)},
    {.key = "devices", .kind = TP_CF_STRS, .off = offsetof(tp_config_power, devices)},
    {.key = "runs", .kind = TP_CF_STRS, .off = offsetof(tp_config_power, runs)},
    {.key = "clock_offset", .kind = TP_CF_NUM, .off = offsetof(tp_config_power, clock_offset_s),
     .lo = -1e9, .hi = 1e9},
    {.key = "format", .kind = TP_CF_FN, .off = offsetof(tp_config_power, format), .fn = S_format},
    {.key = "columns", .kind = TP_CF_FN, .fn = S_columns},
    {.key = "timezone", .kind = TP_CF_FN, .off = offsetof(tp_config_power, timezone),
     .fn = S_timezone},
    {.key = "start", .kind = TP_CF_FN, .off = offsetof(tp_config_power, start), .fn = S_start},
    {.key = "interval", .kind = TP_CF_NUM, .off = offsetof(tp_config_power, interval_s), .lo = 1e-3,
     .hi = TP_S_PER_DAY},
    {.key = "series", .kind = TP_CF_FN, .fn = tp_config_read_series},
};

/* With format nvidia-smi, columns name the positions of a headerless log's
 * time, power (`value`) and index (`device`): anything else is warned of (and
 * without both positions the columns are not used). */
static void S_nvsmi_positions(tp_config_ld *ld, const tp_ynode *item, const tp_config_power *p,
                              const char *path) {
  const tp_config_columns *c = &p->columns;
  if (c->time_column || c->value_column || c->device_column || c->time2_column ||
      c->time2_index || c->time_format || c->date_order || c->unit || c->separator)
    tp_config_warn(ld, item, "'%s' has format 'nvidia-smi': its columns name the 1-based "
                   "positions of time, value (power) and device (index) only; the rest is "
                   "ignored", path);
}

static void S_power(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_power *p = tp_config_add_power(cfg);
  p->line = item->line;
  p->interval_s = NAN;
  tp_config_read_map(ld, item, path, k_power, TP_CFG_N(k_power), p);
  if (p->files.count == 0) {
    tp_config_warn(ld, item, "'%s' names no trace files; ignored", path);
    tp_config_power_clear(p);
    cfg->n_power--;
    return;
  }
  if (p->n_series && !p->format) p->format = tp_xstrdup("grafana-csv");
  else if (p->n_series && strcmp(p->format, "grafana-csv") != 0)
    tp_config_warn(ld, item, "'%s' has a series mapping but format '%s'; the mapping is used only "
                   "with format 'grafana-csv'", path, p->format);
  if (p->has_columns && !p->format) p->format = tp_xstrdup("csv");
  else if (p->has_columns && strcmp(p->format, "nvidia-smi") == 0) S_nvsmi_positions(ld, item, p, path);
  else if (p->has_columns && strcmp(p->format, "csv") != 0)
    tp_config_warn(ld, item, "'%s' has columns but format '%s'; the columns are used only with "
                   "format 'csv' (or 'nvidia-smi', by position)", path, p->format);
}

/* ---- hardware ------------------------------------------------------------------ */

static const tp_config_field k_gpu[] = {
    {.key = "model", .kind = TP_CF_STR, .off = offsetof(tp_config_hardware, gpu_model)},
    {.key = "count", .kind = TP_CF_INT, .off = offsetof(tp_config_hardware, gpu_count), .lo = 0,
     .hi = 65536},
    {.key = "util", .kind = TP_CF_NUM, .off = offsetof(tp_config_hardware, gpu_util),
     .lo = 0, .hi = 1},
};

static const tp_config_field k_cpu[] = {
    {.key = "model", .kind = TP_CF_STR, .off = offsetof(tp_config_hardware, cpu_model)},
    {.key = "cores", .kind = TP_CF_INT, .off = offsetof(tp_config_hardware, cpu_cores), .lo = 0,
     .hi = 65536},
    {.key = "util", .kind = TP_CF_NUM, .off = offsetof(tp_config_hardware, cpu_util),
     .lo = 0, .hi = 1},
};

/* gpu / cpu: a mapping, or just the model name.  f->sub says which. */
static void S_device(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                     const char *subj, const char *path) {
  if (v->kind == TP_YNODE_MAP) tp_config_read_map(ld, v, path, f->sub, f->n_sub, obj);
  else if (tp_config_text(v)) tp_config_read_value(ld, &f->sub[0], v, obj, subj, path);
  else tp_config_wrong_type(ld, v, subj, "a mapping (model, count, util) or a model name");
}

static const tp_config_field k_hardware[] = {
    {.key = "runs", .kind = TP_CF_STR, .off = offsetof(tp_config_hardware, runs)},
    {.key = "gpu", .kind = TP_CF_FN, .fn = S_device, .sub = k_gpu, .n_sub = TP_CFG_N(k_gpu)},
    {.key = "cpu", .kind = TP_CF_FN, .fn = S_device, .sub = k_cpu, .n_sub = TP_CFG_N(k_cpu)},
    {.key = "memory_gb", .kind = TP_CF_NUM, .off = offsetof(tp_config_hardware, memory_gb), .lo = 0,
     .hi = 1e6},
};

static void S_hardware(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_hardware *h = tp_config_add_hardware(cfg);
  h->line = item->line;
  h->gpu_count = -1; /* not given yet */
  tp_config_read_map(ld, item, path, k_hardware, TP_CFG_N(k_hardware), h);
  if (h->gpu_count < 0) h->gpu_count = h->gpu_model ? 1 : 0;
  if (!h->gpu_model && !h->gpu_count && !h->cpu_model && !h->cpu_cores && isnan(h->memory_gb)) {
    tp_config_warn(ld, item, "'%s' declares no gpu, cpu or memory; ignored", path);
    tp_config_hardware_clear(h);
    cfg->n_hardware--;
    return;
  }
  if (!h->runs) h->runs = tp_xstrdup("**");
}

/* ---- parsers -------------------------------------------------------------------- */

/* A pattern must compile and name at least one group. */
static int S_pattern_check(tp_config_ld *ld, const tp_ynode *item, const char *subj) {
  int code;
  PCRE2_SIZE at;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)item->text, item->len, 0, &code, &at, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    int got = pcre2_get_error_message(code, msg, sizeof msg);
    tp_config_warn(ld, item, "%s: the pattern does not compile (%s at offset %zu); pattern ignored",
                   subj, got < 0 ? "error" : (const char *)msg, (size_t)at);
    return -1;
  }
  uint32_t names = 0;
  pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &names);
  pcre2_code_free(re);
  if (names == 0) {
    tp_config_warn(ld, item, "%s: the pattern has no named group ((?<name>...)); pattern ignored",
                   subj);
    return -1;
  }
  return 0;
}

static void S_patterns(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v, void *obj,
                       const char *subj, const char *path) {
  tp_config_parser *p = obj;
  tp_config_read_strs(ld, v, subj, &p->patterns, false, S_pattern_check);
}

/* A CSV log's time_format: a time format, or "elapsed-s". */
static void S_csv_time_format(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                              void *obj, const char *subj, const char *path) {
  const char *s = tp_config_text(v);
  if (s && strcmp(s, "elapsed-s") == 0) tp_config_set_str(TP_CFG_AT(obj, f, char *), s);
  else S_time_format(ld, f, v, obj, subj, path);
}

static const tp_config_field k_csvlog[] = {
    {.key = "step", .kind = TP_CF_STR, .off = offsetof(tp_config_csvlog, step)},
    {.key = "step_base", .kind = TP_CF_INT, .off = offsetof(tp_config_csvlog, step_base),
     .lo = 0, .hi = 1},
    {.key = "time", .kind = TP_CF_STR, .off = offsetof(tp_config_csvlog, time)},
    {.key = "time_format", .kind = TP_CF_FN, .off = offsetof(tp_config_csvlog, time_format),
     .fn = S_csv_time_format},
    {.key = "metrics", .kind = TP_CF_STRS, .off = offsetof(tp_config_csvlog, metrics)},
};

/* parsers[].columns: the roles of a CSV log's columns. */
static void S_parser_columns(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                             void *obj, const char *subj, const char *path) {
  tp_config_parser *p = obj;
  if (v->kind != TP_YNODE_MAP) {
    tp_config_wrong_type(ld, v, subj, "a mapping");
    return;
  }
  tp_config_read_map(ld, v, path, k_csvlog, TP_CFG_N(k_csvlog), &p->columns);
  p->has_columns = true;
}

static const tp_config_field k_parser[] = {
    {.key = "name", .kind = TP_CF_STR, .off = offsetof(tp_config_parser, name)},
    {.key = "set", .kind = TP_CF_STR, .off = offsetof(tp_config_parser, set)},
    {.key = "patterns", .kind = TP_CF_FN, .fn = S_patterns},
    {.key = "time_format", .kind = TP_CF_FN, .off = offsetof(tp_config_parser, time_format),
     .fn = S_time_format},
    {.key = "files", .kind = TP_CF_STRS, .off = offsetof(tp_config_parser, files)},
    {.key = "columns", .kind = TP_CF_FN, .fn = S_parser_columns},
};

static void S_parser(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_parser *p = tp_config_add_parser(cfg);
  p->line = item->line;
  tp_config_read_map(ld, item, path, k_parser, TP_CFG_N(k_parser), p);
  if (p->has_columns && (p->set || p->patterns.count)) {
    tp_config_warn(ld, item, "'%s' has both columns (a CSV log) and patterns (a text log); the "
                   "patterns are used", path);
    p->has_columns = false;
  }
  if (p->has_columns && p->files.count == 0)
    tp_config_warn(ld, item, "'%s' reads CSV logs but names no files; it reads \"*.csv\"", path);
  if (!p->set && p->patterns.count == 0 && !p->has_columns) {
    tp_config_warn(ld, item, "'%s' has neither a pattern set nor usable patterns; ignored", path);
    tp_config_parser_clear(p);
    cfg->n_parsers--;
    return;
  }
  if (!p->name) p->name = tp_xstrdup(p->set ? p->set : path);
}

/* ---- tags ------------------------------------------------------------------------ */

static const tp_config_field k_tag[] = {
    {.key = "runs", .kind = TP_CF_STR, .off = offsetof(tp_config_tag, runs)},
    {.key = "key", .kind = TP_CF_STR, .off = offsetof(tp_config_tag, key)},
    {.key = "value", .kind = TP_CF_STR, .off = offsetof(tp_config_tag, value)},
};

static void S_tag(tp_config_ld *ld, const tp_ynode *item, const char *path) {
  tp_config *cfg = ld->cfg;
  tp_config_tag *t = tp_config_add_tag(cfg);
  tp_config_read_map(ld, item, path, k_tag, TP_CFG_N(k_tag), t);
  if (!t->key || !*t->key || !t->value) {
    tp_config_warn(ld, item, "'%s' needs a key and a value; ignored", path);
    tp_config_tag_clear(t);
    cfg->n_tags--;
    return;
  }
  if (!t->runs) t->runs = tp_xstrdup("**");
}

/* ---- slurm ---------------------------------------------------------------------- */

static void S_energy_scope(tp_config_ld *ld, const tp_config_field *f, const tp_ynode *v,
                           void *obj, const char *subj, const char *path) {
  tp_config_slurm *s = obj;
  const char *t = tp_config_text(v);
  if (t && (strcmp(t, "node") == 0 || strcmp(t, "cpu") == 0)) {
    tp_config_set_str(&s->energy_scope, t);
    return;
  }
  if (t) tp_config_warn(ld, v, "%s should be node or cpu, not '%s'; ignored", subj, t);
  else tp_config_wrong_type(ld, v, subj, "node or cpu");
}

static const tp_config_field k_slurm[] = {
    {.key = "files", .kind = TP_CF_PATHS, .off = offsetof(tp_config_slurm, files)},
    {.key = "columns", .kind = TP_CF_STR, .off = offsetof(tp_config_slurm, columns)},
    {.key = "energy_scope", .kind = TP_CF_FN, .fn = S_energy_scope},
    {.key = "job_label", .kind = TP_CF_STR, .off = offsetof(tp_config_slurm, job_label)},
};

/* ---- the top level --------------------------------------------------------------- */

static const tp_config_field k_top[] = {
    {.key = "site", .kind = TP_CF_MAP, .off = offsetof(tp_config, site), .sub = k_site,
     .n_sub = TP_CFG_N(k_site)},
    {.key = "defaults", .kind = TP_CF_MAP, .off = offsetof(tp_config, defaults), .sub = k_defaults,
     .n_sub = TP_CFG_N(k_defaults)},
    {.key = "experiments", .kind = TP_CF_LIST, .item = S_experiment},
    {.key = "power", .kind = TP_CF_LIST, .item = S_power},
    {.key = "hardware", .kind = TP_CF_LIST, .item = S_hardware},
    {.key = "parsers", .kind = TP_CF_LIST, .item = S_parser},
    {.key = "tags", .kind = TP_CF_LIST, .item = S_tag},
    {.key = "equivalents", .kind = TP_CF_BOOL, .off = offsetof(tp_config, equivalents)},
    {.key = "placement_keys", .kind = TP_CF_STRS, .off = offsetof(tp_config, placement_keys)},
    {.key = "slurm", .kind = TP_CF_MAP, .off = offsetof(tp_config, slurm), .sub = k_slurm,
     .n_sub = TP_CFG_N(k_slurm)},
};

/* ---- entry points ------------------------------------------------------------------ */

static void S_begin(tp_config *cfg, const char *path) {
  tp_config_init(cfg);
  cfg->path = tp_xstrdup(path);
  const char *slash = strrchr(path, '/');
  if (!slash) cfg->dir = tp_xstrdup(".");
  else if (slash == path) cfg->dir = tp_xstrdup("/");
  else cfg->dir = tp_xstrndup(path, (size_t)(slash - path));
}

/* Walk a parsed document; rc is what yamldoc returned. */
static int S_walk(tp_config *cfg, const tp_ydoc *doc, int rc, size_t errors_before,
                  tp_diags *d) {
  const tp_ynode *root = doc->root;
  if (!root) {
    if (rc == 0) return 0; /* empty file: every key unset */
    /* yamldoc said why (cannot open, too large, syntax); say what it means once. */
    if (d->n_by_severity[TP_ERROR] == errors_before)
      tp_diag_add(d, TP_ERROR, cfg->path, -1, -1, "no configuration could be read; file not used");
    goto unusable;
  }
  if (root->kind == TP_YNODE_SCALAR && tp_ynode_is_null(root)) return 0;
  if (root->kind != TP_YNODE_MAP) {
    tp_diag_add(d, TP_ERROR, cfg->path, -1, -1,
                "line %ld, column %ld: the configuration should be a mapping of keys (site, "
                "defaults, experiments, ...), not %s; file not used",
                root->line, root->col, tp_config_what(root));
    goto unusable;
  }
  tp_config_ld ld = {.cfg = cfg, .d = d, .file = cfg->path};
  tp_config_read_map(&ld, root, "", k_top, TP_CFG_N(k_top), cfg);
  return 0;
unusable:;
  char *path = cfg->path, *dir = cfg->dir;
  cfg->path = cfg->dir = NULL;
  tp_config_free(cfg);
  cfg->path = path;
  cfg->dir = dir;
  return -1;
}

int tp_config_load_mem(tp_config *cfg, const char *buf, size_t len, const char *path,
                       tp_diags *d) {
  S_begin(cfg, path ? path : TP_CONFIG_NAME);
  tp_ydoc doc;
  size_t errors_before = d->n_by_severity[TP_ERROR];
  int rc = tp_ydoc_parse(&doc, buf, len, cfg->path, d);
  rc = S_walk(cfg, &doc, rc, errors_before, d);
  tp_ydoc_free(&doc);
  return rc;
}

int tp_config_load(tp_config *cfg, const char *path, tp_diags *d) {
  S_begin(cfg, path);
  tp_ydoc doc;
  size_t errors_before = d->n_by_severity[TP_ERROR];
  int rc = tp_ydoc_load(&doc, path, d);
  rc = S_walk(cfg, &doc, rc, errors_before, d);
  tp_ydoc_free(&doc);
  return rc;
}

static bool S_is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *tp_config_find(const char *first_arg) {
  if (!first_arg || !*first_arg) return NULL;
  struct stat st;
  char *dir;
  if (stat(first_arg, &st) == 0 && S_ISDIR(st.st_mode)) {
    dir = tp_xstrdup(first_arg);
  } else {
    const char *slash = strrchr(first_arg, '/');
    dir = !slash ? tp_xstrdup(".")
          : slash == first_arg ? tp_xstrdup("/")
                                : tp_xstrndup(first_arg, (size_t)(slash - first_arg));
  }
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';
  static const char *const k_names[] = {TP_CONFIG_NAME, TP_CONFIG_NAME_ALT};
  char *found = NULL;
  for (size_t i = 0; i < TP_CFG_N(k_names) && !found; i++) {
    char *p = strcmp(dir, "/") == 0 ? tp_xasprintf("/%s", k_names[i])
                                    : tp_xasprintf("%s/%s", dir, k_names[i]);
    if (S_is_file(p)) found = p;
    else free(p);
  }
  free(dir);
  return found;
}
