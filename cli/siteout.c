/* siteout: the report site's options and its writing (see siteout.h). */
#include "model/utctime.h"
#include "cli/siteout.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/hash.h"
#include "model/mem.h"
#include "model/footprint.h"
#include "model/runspill.h"
#include "model/whatif.h"
#include "parser/parser.h"
#include "render/render.h"

const char tp_cli_site_help[] =
    "      --templates DIR     page templates and style.css to use instead of the\n"
    "                          installed ones\n"
    "      --figures LIST      also write every chart as pdf and/or png (300 dpi),\n"
    "                          comma-separated, e.g. --figures pdf,png\n"
    "      --stamp             state the time of rendering in the pages (the output\n"
    "                          is then no longer byte-identical between runs)\n"
    "      --compare-zones LIST  zones for the what-if by location (pages and\n"
    "                          publish/; comma-separated; default: ten grids\n"
    "                          spanning the world)\n"
    "      --pue-range LO,HI   range of the data centre's PUE, for the uncertainty\n"
    "      --equivalents       also give car km, flights and household-years in the\n"
    "                          exports (always on the pages)\n"
    "      --redact-paths      leave the input paths as given out of summary.json too\n"
    "                          (pages always name inputs relative to the PATH given)\n";

void tp_cli_site_init(tp_cli_site_opts *o) {
  *o = (tp_cli_site_opts){.pages = {.generator = "trainprint " TP_VERSION}};
  o->publish = tp_publish_opts_default();
  o->publish.version = TP_VERSION;
}

/* Parse --figures: a comma-separated list of "pdf" and "png". */
static int S_parse_figures(const char *list, tp_pages_opts *po) {
  const char *p = list;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == 3 && strncmp(p, "pdf", 3) == 0) po->pdf = true;
    else if (n == 3 && strncmp(p, "png", 3) == 0) po->png = true;
    else if (n != 0) return -1;
    p += n;
    if (*p == ',') p++;
  }
  return 0;
}

int tp_cli_site_option(const char *cmd, int c, const char *arg, tp_cli_site_opts *o) {
  switch (c) {
    case TP_OPT_TEMPLATES: o->pages.templates_dir = arg; return 0;
    case TP_OPT_FIGURES:
      if (S_parse_figures(arg, &o->pages) != 0)
        return tp_cli_usage_error(cmd, "--figures takes pdf, png or pdf,png, not '%s'", arg);
      return 0;
    case TP_OPT_STAMP: o->stamp = true; return 0;
    case TP_OPT_COMPARE_ZONES: o->publish.compare_zones = arg; return 0;
    case TP_OPT_EQUIVALENTS: o->publish.equivalents = true; return 0;
    case TP_OPT_REDACT_PATHS: o->redact_paths = true; return 0;
    case TP_OPT_PUE_RANGE: {
      const char *comma = strchr(arg, ',');
      double lo, hi;
      if (!comma || tp_parse_double(arg, (size_t)(comma - arg), &lo) != 0 ||
          tp_parse_double(comma + 1, strlen(comma + 1), &hi) != 0 || !(lo >= 1) || !(hi >= lo) ||
          hi > 10)
        return tp_cli_usage_error(cmd, "--pue-range takes LO,HI with 1 <= LO <= HI <= 10, not '%s'",
                                  arg);
      o->publish.uncertainty.pue_low = lo;
      o->publish.uncertainty.pue_high = hi;
      return 0;
    }
    default: return 1;
  }
}

int tp_cli_site_validate(const char *cmd, const tp_cli_site_opts *o) {
  struct stat st;
  if (o->pages.templates_dir &&
      (stat(o->pages.templates_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
    return tp_cli_usage_error(cmd, "--templates '%s' is not a directory", o->pages.templates_dir);
  if (!o->publish.compare_zones) return 0;
  size_t n = 0;
  char **codes = tp_whatif_split_codes(o->publish.compare_zones, &n);
  tp_reftables t = {0};
  tp_diags quiet = {0};
  char *dir = tp_xasprintf("%s/data", tp_cli_datadir());
  tp_reftable_load(&t, dir, &quiet);
  tp_whatif_zones z;
  tp_whatif_by_zones(&z, &t, 0, (const char *const *)codes, n);
  int rc = 0;
  if (n == 0)
    rc = tp_cli_usage_error(cmd, "--compare-zones takes a comma-separated list of zones, not '%s'",
                            o->publish.compare_zones);
  else if (z.n_unknown)
    rc = tp_cli_usage_error(cmd,
                            "--compare-zones: '%s' is not in the shipped tables (grid zones, ISO "
                            "country codes, cloud regions)",
                            z.unknown[0]);
  tp_whatif_zones_free(&z);
  tp_whatif_codes_free(codes, n);
  tp_reftables_free(&t);
  tp_diag_free(&quiet);
  free(dir);
  return rc;
}

/* The time of rendering for --stamp: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else now. */
static const char *S_stamp(char buf[64]) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  double v;
  double t = (double)time(NULL);
  if (sde && tp_parse_double(sde, strlen(sde), &v) == 0 && isfinite(v) && v >= 0) t = v;
  struct tm tm;
  if (!tp_utc_tm(t, &tm)) return "an unknown time";
  strftime(buf, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

/* A fingerprint of the running program's own bytes: a page drawn by another
 * build (even one with the same version number) is never taken as unchanged.
 * Falls back to the version where the program cannot read itself. */
void tp_cli_program_id(char out[TP_HASH_HEX]) {
  tp_hash h;
  tp_hash_init(&h);
  tp_hash_str(&h, "trainprint " TP_VERSION);
  FILE *f = fopen("/proc/self/exe", "rb");
  if (f) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) tp_hash_bytes(&h, chunk, n);
    fclose(f);
  }
  tp_hash_hex(&h, out);
}

/* The record of the site at dir, in the cache: named after the site's
 * absolute path, so that reports into different directories keep apart. */
static char *S_record_path(const char *cache_dir, const char *dir) {
  char *abs = NULL;
  if (dir[0] == '/') {
    abs = tp_xstrdup(dir);
  } else {
    char cwd[4096];
    abs = getcwd(cwd, sizeof cwd) ? tp_xasprintf("%s/%s", cwd, dir) : tp_xstrdup(dir);
  }
  size_t n = strlen(abs);
  while (n > 1 && abs[n - 1] == '/') abs[--n] = '\0';
  char *slug = tp_site_slug(abs);
  char *p = tp_xasprintf("%s/site-%s.record", cache_dir, slug);
  free(slug);
  free(abs);
  return p;
}

/* The machine-readable exports of a lab, made apart from the pages. */
typedef struct S_exports {
  const tp_lab *lab;
  const tp_reftables *tables;          /* for the ranges and the footprint */
  const tp_uncertainty_opts *uncertainty;
  bool redact_paths;
  tp_buf json, csv; /* summary.json, runs.csv */
} S_exports;

static void *S_make_exports(void *arg) {
  S_exports *ex = arg;
  tp_summary_json_with(ex->lab, ex->tables, ex->uncertainty, ex->redact_paths, &ex->json);
  tp_summary_runs_csv(ex->lab, &ex->csv);
  return NULL;
}

/* --cache: take unchanged pages from the previous site at dir, and keep the
 * record of this one, in o->cache_dir (warnings only: without it every page
 * is drawn). */
static void S_use_cache(tp_site *site, const char *dir, tp_cli_site_opts *o) {
  struct stat st;
  if (stat(o->cache_dir, &st) != 0) tp_site_mkdirs(o->cache_dir);
  if (stat(o->cache_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
    tp_cli_program_id(o->program_id);
    o->pages.program_id = o->program_id;
    char *rec = S_record_path(o->cache_dir, dir);
    char *why = NULL;
    if (tp_site_reuse_from(site, rec, &why) != 0) {
      fprintf(stderr, "trainprint: warning: %s\n", why);
      free(why);
    }
    free(rec);
  } else {
    fprintf(stderr,
            "trainprint: warning: %s: cannot use the cache directory; every page is drawn\n",
            o->cache_dir);
  }
}

/* Threads for -j N: N, or one per online processor when not given. */
static int S_threads(int jobs) {
  long n = jobs > 0 ? jobs : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int tp_cli_write_site(tp_lab *lab, const char *dir, tp_cli_site_opts *o) {
  if (!o->pages.templates_dir)
    o->pages.templates_dir = o->templates_owned =
        tp_xasprintf("%s/templates", tp_cli_datadir());
  if (o->stamp) o->pages.stamp = S_stamp(o->stamp_buf);
  tp_site site;
  char *err = NULL;
  if (tp_site_begin(&site, dir, &err) != 0) goto fail;
  if (o->cache_dir) S_use_cache(&site, dir, o);
  /* The reference tables give the pages, summary.json and publish/ their
   * default ranges, what-ifs and equivalents. */
  tp_reftables tables = {0};
  tp_diags quiet = {0};
  char *dd = tp_xasprintf("%s/data", tp_cli_datadir());
  tp_reftable_load(&tables, dd, &quiet);
  /* Each run's footprint reads its power profiles: read once here, for
   * summary.json, the pages and publish/.  Then the runs' points and power
   * profiles wait on disk until a page draws them: memory holds what every
   * page needs, not every chart's data. */
  tp_footprint_lab(lab, &tables, S_threads(o->pages.jobs));
  tp_runspill_lab(lab);
  /* summary.json and runs.csv are made on a thread of their own while the
   * pages are written (both only read the lab and the tables), and written
   * after them. */
  const tp_cli_site_hook *hook = o->hook;
  bool exports = !hook || !hook->pages_only;
  S_exports ex = {.lab = lab, .tables = &tables, .uncertainty = &o->publish.uncertainty,
                  .redact_paths = o->redact_paths};
  pthread_t th;
  bool threaded = exports && pthread_create(&th, NULL, S_make_exports, &ex) == 0;
  if (exports && !threaded) S_make_exports(&ex);
  int rc = 0;
  o->pages.tables = &tables;
  o->pages.uncertainty = &o->publish.uncertainty; /* --pue-range applies to the pages too */
  o->pages.compare_zones = o->publish.compare_zones;
  if (hook && hook->before) rc = hook->before(hook->arg, lab, &o->pages, &err);
  if (rc == 0) rc = tp_pages_write(&site, lab, &o->pages, &err);
  if (rc == 0 && hook && hook->after) rc = hook->after(hook->arg, lab, &site, &err);
  if (rc == 0 && exports) {
    /* Publication exports: publish/ (LaTeX, Markdown, model cards, BibTeX). */
    o->publish.series = lab->intensity_series.count ? &lab->intensity_series : NULL;
    rc = tp_publish_write(&site, lab, &tables, &o->publish, &err);
  }
  if (threaded) pthread_join(th, NULL);
  if (rc == 0 && exports)
    rc = tp_site_write(&site, "summary.json", tp_buf_str(&ex.json), ex.json.len, &err);
  if (rc == 0 && exports)
    rc = tp_site_write(&site, "runs.csv", tp_buf_str(&ex.csv), ex.csv.len, &err);
  tp_buf_free(&ex.json);
  tp_buf_free(&ex.csv);
  o->pages.tables = NULL; /* it pointed at this function's tables */
  tp_footprint_lab_clear(lab);
  tp_reftables_free(&tables);
  tp_diag_free(&quiet);
  free(dd);
  if (rc != 0) {
    tp_site_abort(&site);
    goto fail;
  }
  /* What went wrong without failing is printed here, as every diagnostic. */
  tp_diags notes = {0};
  rc = tp_site_commit(&site, &notes, &err);
  tp_cli_print_diag_list(&notes);
  tp_diag_free(&notes);
  if (rc != 0) goto fail;
  return 0;
fail:
  fprintf(stderr, "trainprint: error: %s\n", err ? err : "cannot write the report");
  free(err);
  return -1;
}

void tp_cli_site_free(tp_cli_site_opts *o) {
  free(o->templates_owned);
  o->templates_owned = NULL;
}

bool tp_cli_lab_empty(const tp_lab *lab) {
  for (size_t i = 0; i < lab->n_runs; i++) {
    const tp_run *r = lab->runs[i];
    if (r->n_series || r->n_hparams || isfinite(r->start_s) || isfinite(r->end_s)) return false;
  }
  return true;
}

int tp_cli_site_finish(tp_lab *lab, int build_rc, const char *what, const char *out,
                       tp_cli_site_opts *o, bool quiet) {
  tp_cli_print_diags(lab, quiet);
  int status = 0;
  if (build_rc != 0) {
    fprintf(stderr, "trainprint: error: no %s could be read; nothing written\n", what);
    status = 1;
  } else if (tp_cli_lab_empty(lab)) {
    if (lab->n_runs)
      fprintf(stderr, "trainprint: error: no run could be read (each log is empty or "
                      "unreadable); nothing written\n");
    else
      fprintf(stderr, "trainprint: error: no run found; nothing written\n");
    status = 1;
  } else {
    if (tp_cli_write_site(lab, out, o) != 0)
      status = 1;
    else if (!quiet)
      fprintf(stderr, "trainprint: %zu runs in %zu experiments; %s written to %s\n",
              lab->n_runs, lab->n_experiments,
              o->hook && o->hook->what ? o->hook->what : "report", out);
  }
  tp_lab_free(lab);
  tp_cli_site_free(o);
  tp_chart_cleanup();
  return status;
}
