/* reftable: the CSV reader for the reference tables and intensity series. */
#include "parser/reftable.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <strings.h>
#include <unistd.h>

#include "model/mem.h"
#include "parser/text/number.h"
#include "parser/text/timefmt.h"

#define S_MAX_COLS 16

/* One table being read: the wanted columns and, per row, their fields. */
typedef struct S_csv {
  const char *path;
  const char *const *want;   /* column names required, in the order fields are given */
  size_t n_want;
  int col[S_MAX_COLS];       /* header index of each wanted column */
  const char *f[S_MAX_COLS]; /* this row's wanted fields, NUL-terminated */
  size_t flen[S_MAX_COLS];
  long line;                 /* 1-based line of the row */
} S_csv;

/* A row handler: returns NULL, or what was wrong with the row. */
typedef const char *(*S_row_fn)(void *ctx, const S_csv *c);

/* Read a whole file (at most TP_REFTABLE_MAX_BYTES).  NULL on failure, with
 * an error diagnostic. */
static char *S_slurp(const char *path, size_t *len, tp_diags *d) {
  char *buf = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot open: %s", strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  buf = tp_xmalloc(cap + 1);
  for (;;) {
    size_t got = fread(buf + n, 1, cap - n, fp);
    n += got;
    if (got == 0) break;
    if (n == cap) {
      if (cap >= TP_REFTABLE_MAX_BYTES) {
        tp_diag_add(d, TP_ERROR, path, -1, -1, "larger than %u bytes; not read",
                    TP_REFTABLE_MAX_BYTES);
        free(buf);
        buf = NULL;
        goto done;
      }
      cap *= 2;
      buf = tp_xrealloc(buf, cap + 1);
    }
  }
  if (ferror(fp)) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "read error");
    free(buf);
    buf = NULL;
    goto done;
  }
  buf[n] = '\0';
  *len = n;
done:
  fclose(fp);
  return buf;
}

/* Split `line` (modified in place) on ','; returns the field count (at most
 * max, the last field then holding the rest). */
static size_t S_split(char *line, char **fields, size_t max) {
  size_t n = 0;
  fields[n++] = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ',') {
      *p = '\0';
      fields[n++] = p + 1;
    }
  return n;
}

/* Read `path`, map the wanted columns from its header, and hand every
 * non-empty row to fn.  Returns 0, or -1 (error diagnostic) when the file
 * cannot be read or lacks a wanted column. */
static int S_read(const char *path, const char *const *want, size_t n_want, S_row_fn fn,
                  void *ctx, tp_diags *d) {
  size_t len = 0;
  char *buf = S_slurp(path, &len, d);
  if (!buf) return -1;
  int rc = -1;
  S_csv c = {.path = path, .want = want, .n_want = n_want};
  char *fields[S_MAX_COLS * 2];
  size_t n_header = 0;
  char *p = buf, *end = buf + len;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p += 3; /* a BOM */
  for (long line = 1; p < end; line++) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *eol = nl ? nl : end;
    if (eol > p && eol[-1] == '\r') eol--;
    *eol = '\0';
    char *next = nl ? nl + 1 : end;
    if (memchr(p, '\0', (size_t)(eol - p))) {
      tp_diag_add(d, TP_WARN, path, -1, line, "NUL byte in line; row skipped");
      p = next;
      continue;
    }
    if (line == 1) {
      n_header = S_split(p, fields, S_MAX_COLS * 2);
      for (size_t w = 0; w < n_want; w++) {
        c.col[w] = -1;
        for (size_t h = 0; h < n_header; h++)
          if (strcasecmp(fields[h], want[w]) == 0) c.col[w] = (int)h;
        if (c.col[w] < 0) {
          tp_diag_add(d, TP_ERROR, path, -1, 1, "no column \"%s\" in the header; file not used",
                      want[w]);
          goto done;
        }
      }
    } else if (*p) {
      size_t n = S_split(p, fields, S_MAX_COLS * 2);
      c.line = line;
      const char *problem = NULL;
      for (size_t w = 0; w < n_want && !problem; w++) {
        if ((size_t)c.col[w] >= n) problem = "fewer fields than the header";
        else {
          c.f[w] = fields[c.col[w]];
          c.flen[w] = strlen(c.f[w]);
        }
      }
      if (!problem) problem = fn(ctx, &c);
      if (problem) tp_diag_add(d, TP_WARN, path, -1, line, "%s; row skipped", problem);
    }
    p = next;
  }
  if (n_header == 0) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "empty file; not used");
    goto done;
  }
  rc = 0;
done:
  free(buf);
  return rc;
}

/* Field w as a finite number >= 0, or a problem. */
static const char *S_number(const S_csv *c, size_t w, double *out) {
  if (tp_parse_double(c->f[w], c->flen[w], out) != 0 || !isfinite(*out))
    return "a number field does not parse";
  if (*out < 0) return "a negative number";
  return NULL;
}

static const char *S_text(const S_csv *c, size_t w) {
  return c->flen[w] ? NULL : "an empty field";
}

/* ---- the tables ------------------------------------------------------- */

typedef struct S_grow {
  void **arr;
  size_t *n, cap;
} S_grow;

static const char *S_zone_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double v, year;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_number(c, 2, &v);
  if (!problem && (tp_parse_double(c->f[3], c->flen[3], &year) != 0 || year < 0 ||
                   year > 9999 || year != floor(year)))
    problem = "the year does not parse";
  if (problem) return problem;
  tp_zone_intensity **zones = (tp_zone_intensity **)g->arr;
  TP_GROW(*zones, g->cap, *g->n + 1);
  tp_zone_intensity *z = &(*zones)[(*g->n)++];
  z->zone = tp_xstrdup(c->f[0]);
  z->name = tp_xstrdup(c->f[1]);
  z->intensity_g_per_kwh = v;
  z->year = (int)year;
  z->source = tp_xstrdup(c->f[4]);
  return NULL;
}

static const char *S_country_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  if (c->flen[0] != 2 || c->flen[1] != 3) return "an ISO code of the wrong length";
  tp_country_code **rows = (tp_country_code **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  tp_country_code *r = &(*rows)[(*g->n)++];
  memcpy(r->alpha2, c->f[0], 3);
  memcpy(r->alpha3, c->f[1], 4);
  r->name = tp_xstrdup(c->f[2]);
  return NULL;
}

static const char *S_region_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double v, pue;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_text(c, 1);
  if (!problem) problem = S_number(c, 4, &v);
  if (!problem) problem = S_number(c, 5, &pue);
  if (!problem && pue < 1) problem = "a PUE below 1";
  if (problem) return problem;
  tp_cloud_region **rows = (tp_cloud_region **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  tp_cloud_region *r = &(*rows)[(*g->n)++];
  r->provider = tp_xstrdup(c->f[0]);
  r->region = tp_xstrdup(c->f[1]);
  r->location = tp_xstrdup(c->f[2]);
  r->zone = tp_xstrdup(c->f[3]);
  r->intensity_g_per_kwh = v;
  r->pue = pue;
  r->source = tp_xstrdup(c->f[6]);
  return NULL;
}

static const char *S_hardware_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  tp_hw_kind kind;
  double w;
  if (strcasecmp(c->f[0], "gpu") == 0) kind = TP_HW_GPU;
  else if (strcasecmp(c->f[0], "cpu") == 0) kind = TP_HW_CPU;
  else if (strcasecmp(c->f[0], "tpu") == 0) kind = TP_HW_TPU;
  else return "an unknown hardware kind (not gpu, cpu or tpu)";
  const char *problem = S_text(c, 1);
  if (!problem) problem = S_number(c, 2, &w);
  if (!problem && w == 0) problem = "a TDP of 0 W";
  if (problem) return problem;
  tp_hardware **rows = (tp_hardware **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  tp_hardware *h = &(*rows)[(*g->n)++];
  *h = (tp_hardware){0};
  h->kind = kind;
  h->model = tp_xstrdup(c->f[1]);
  h->tdp_w = w;
  h->source = tp_xstrdup(c->f[3]);
  return NULL;
}

/* A row of cpu_cores.csv: the core count of a CPU row of hardware_tdp.csv,
 * named exactly as there (case aside), so that TDP and cores describe the
 * same processor. */
static const char *S_cores_row(void *ctx, const S_csv *c) {
  tp_reftables *t = ctx;
  double n;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_number(c, 1, &n);
  if (!problem && (n < 1 || n > 4096 || n != floor(n))) problem = "a core count that is not 1..4096";
  if (problem) return problem;
  for (size_t i = 0; i < t->n_hardware; i++) {
    tp_hardware *h = &t->hardware[i];
    if (h->kind != TP_HW_CPU || strcasecmp(h->model, c->f[0]) != 0) continue;
    if (h->cores) return "a CPU listed twice";
    h->cores = (int)n;
    h->cores_source = tp_xstrdup(c->f[2]);
    return NULL;
  }
  return "a CPU that is not a row of hardware_tdp.csv";
}

static const char *S_equivalence_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double v;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_number(c, 1, &v);
  if (problem) return problem;
  tp_equivalence **rows = (tp_equivalence **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  tp_equivalence *q = &(*rows)[(*g->n)++];
  q->name = tp_xstrdup(c->f[0]);
  q->kg_co2e_per_unit = v;
  q->unit = tp_xstrdup(c->f[2]);
  q->source = tp_xstrdup(c->f[3]);
  return NULL;
}

/* A row of power_sensor_uncertainty.csv. */
static const char *S_sensor_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double lo_s, hi_s, lo, hi;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_text(c, 1);
  if (!problem) problem = S_number(c, 2, &lo_s);
  if (!problem && (tp_parse_double(c->f[3], c->flen[3], &hi_s) != 0 || !(hi_s > lo_s)))
    problem = "an interval band whose end does not parse or is not after its start";
  if (!problem && (tp_parse_double(c->f[4], c->flen[4], &lo) != 0 || !(lo > -1 && lo <= 0) ||
                   tp_parse_double(c->f[5], c->flen[5], &hi) != 0 || !(hi >= 0 && hi < 10)))
    problem = "relative bounds that are not -1 < low <= 0 <= high < 10";
  if (problem) return problem;
  tp_sensor_accuracy **rows = (tp_sensor_accuracy **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  (*rows)[(*g->n)++] = (tp_sensor_accuracy){
      .device = tp_xstrdup(c->f[0]), .field = tp_xstrdup(c->f[1]), .interval_min_s = lo_s,
      .interval_max_s = hi_s, .rel_low = lo, .rel_high = hi, .source = tp_xstrdup(c->f[6])};
  return NULL;
}

/* A row of embodied.csv. */
static const char *S_embodied_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double kg, life, util, per;
  bool server = strcasecmp(c->f[0], "server") == 0;
  if (!server && strcasecmp(c->f[0], "gpu") != 0) return "a kind that is not gpu or server";
  const char *problem = S_text(c, 1);
  if (!problem) problem = S_number(c, 2, &kg);
  if (!problem) problem = S_number(c, 3, &life);
  if (!problem) problem = S_number(c, 4, &util);
  if (!problem) problem = S_number(c, 5, &per);
  if (!problem && !(life > 0 && util > 0 && util <= 1 && per >= 1))
    problem = "a service life, utilization or GPU count out of range";
  if (problem) return problem;
  tp_embodied **rows = (tp_embodied **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  (*rows)[(*g->n)++] = (tp_embodied){.server = server, .model = tp_xstrdup(c->f[1]),
                                     .kg_co2e = kg, .life_years = life, .utilization = util,
                                     .per_server = per, .source = tp_xstrdup(c->f[6])};
  return NULL;
}

/* A row of water_intensity.csv. */
static const char *S_water_row(void *ctx, const S_csv *c) {
  S_grow *g = ctx;
  double v;
  const char *problem = S_text(c, 0);
  if (!problem) problem = S_number(c, 1, &v);
  if (problem) return problem;
  tp_water_intensity **rows = (tp_water_intensity **)g->arr;
  TP_GROW(*rows, g->cap, *g->n + 1);
  (*rows)[(*g->n)++] = (tp_water_intensity){.zone = tp_xstrdup(c->f[0]), .l_per_kwh = v,
                                            .source = tp_xstrdup(c->f[2])};
  return NULL;
}

/* Read dir/name into the array *arr with count *n. */
static int S_table(const char *dir, const char *name, const char *const *want, size_t n_want,
                   S_row_fn fn, void **arr, size_t *n, tp_diags *d) {
  char *path = tp_xasprintf("%s/%s", dir, name);
  S_grow g = {arr, n, 0};
  int rc = S_read(path, want, n_want, fn, &g, d);
  free(path);
  return rc;
}

/* The tables of the footprint beyond operational CO2e: a data directory
 * without them (one made for an older version) is used without them. */
static void S_optional_tables(tp_reftables *t, const char *dir, tp_diags *d) {
  static const char *const sensor_cols[] = {"device", "field", "interval_min_s", "interval_max_s",
                                            "rel_low", "rel_high", "source"};
  static const char *const emb_cols[] = {"kind", "model", "kg_co2e", "service_life_years",
                                         "utilization", "units_per_server", "source"};
  static const char *const water_cols[] = {"zone", "l_per_kwh", "source"};
  static const struct {
    const char *name;
    const char *const *cols;
    size_t n_cols;
    S_row_fn fn;
    size_t off, off_n;
  } opt[] = {
      {"power_sensor_uncertainty.csv", sensor_cols, 7, S_sensor_row,
       offsetof(tp_reftables, sensors), offsetof(tp_reftables, n_sensors)},
      {"embodied.csv", emb_cols, 7, S_embodied_row, offsetof(tp_reftables, embodied),
       offsetof(tp_reftables, n_embodied)},
      {"water_intensity.csv", water_cols, 3, S_water_row, offsetof(tp_reftables, water),
       offsetof(tp_reftables, n_water)},
  };
  for (size_t i = 0; i < sizeof opt / sizeof *opt; i++) {
    char *path = tp_xasprintf("%s/%s", dir, opt[i].name);
    bool there = access(path, F_OK) == 0;
    free(path);
    if (there)
      S_table(dir, opt[i].name, opt[i].cols, opt[i].n_cols, opt[i].fn,
              (void **)((char *)t + opt[i].off), (size_t *)((char *)t + opt[i].off_n), d);
  }
}

int tp_reftable_load(tp_reftables *t, const char *dir, tp_diags *d) {
  static const char *const zone_cols[] = {"zone", "name", "gco2e_per_kwh", "year", "source"};
  static const char *const country_cols[] = {"alpha2", "alpha3", "name"};
  static const char *const region_cols[] = {"provider", "region", "location", "zone",
                                            "gco2e_per_kwh", "pue", "source"};
  static const char *const hw_cols[] = {"kind", "model", "tdp_watts", "source"};
  static const char *const eq_cols[] = {"name", "kg_co2e_per_unit", "unit", "source"};
  static const char *const cores_cols[] = {"model", "cores", "source"};
  int rc = 0;
  rc |= S_table(dir, "grid_intensity.csv", zone_cols, 5, S_zone_row, (void **)&t->zones,
                &t->n_zones, d);
  rc |= S_table(dir, "country_codes.csv", country_cols, 3, S_country_row,
                (void **)&t->countries, &t->n_countries, d);
  rc |= S_table(dir, "cloud_regions.csv", region_cols, 7, S_region_row, (void **)&t->regions,
                &t->n_regions, d);
  rc |= S_table(dir, "hardware_tdp.csv", hw_cols, 4, S_hardware_row, (void **)&t->hardware,
                &t->n_hardware, d);
  char *cores = tp_xasprintf("%s/cpu_cores.csv", dir);
  rc |= S_read(cores, cores_cols, 3, S_cores_row, t, d);
  free(cores);
  rc |= S_table(dir, "equivalences.csv", eq_cols, 4, S_equivalence_row,
                (void **)&t->equivalences, &t->n_equivalences, d);
  S_optional_tables(t, dir, d);
  return rc ? -1 : 0;
}

/* ---- intensity series --------------------------------------------------- */

/* What a series row needs: the series and the clock of naive times. */
typedef struct S_series_ctx {
  tp_intensity_series *s;
  tp_clock clock;
} S_series_ctx;

static const char *S_series_row(void *ctx, const S_csv *c) {
  S_series_ctx *sc = ctx;
  tp_intensity_series *s = sc->s;
  tp_timestamp ts;
  double v;
  if (tp_time_parse(c->f[0], c->flen[0], TP_TIME_AUTO, &ts) != 0)
    return "the time does not parse";
  double t_s = tp_clock_utc(&sc->clock, &ts);
  if (!(t_s >= TP_TIME_PLAUSIBLE_FROM_S)) return "the time is before 1990";
  const char *problem = S_number(c, 1, &v);
  if (problem) return problem;
  if (s->count && t_s <= s->rows[s->count - 1].t_s) return "time not after the previous row's";
  TP_GROW(s->rows, s->cap, s->count + 1);
  s->rows[s->count].t_s = t_s;
  s->rows[s->count].intensity_g_per_kwh = v;
  s->count++;
  return NULL;
}

int tp_reftable_load_series(tp_intensity_series *s, const char *path, const tp_tz *tz,
                            tp_diags *d) {
  static const char *const cols[] = {"time", "gco2e_per_kwh"};
  S_series_ctx sc = {.s = s};
  tp_clock_init(&sc.clock, tz, 0);
  if (S_read(path, cols, 2, S_series_row, &sc, d) != 0) return -1;
  if (s->count == 0) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "no usable row in the intensity series");
    return -1;
  }
  s->interval_s = tp_intensity_series_interval(s);
  return 0;
}
