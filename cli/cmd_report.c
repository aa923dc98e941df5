/* cmd_report: `trainprint report PATH... -o DIR`, the main job. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/pipeline.h"
#include "model/mem.h"
#include "parser/number.h"
#include "render/chart.h"
#include "render/pages.h"
#include "render/site.h"
#include "render/summary.h"

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint report [OPTIONS] PATH... -o DIR\n"
          "\n"
          "Read the training logs and power traces under each PATH, join them, and write\n"
          "a static report to DIR: summary.json, runs.csv and the pages.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where to write the report (required)\n"
          "      --pue N             power usage effectiveness of the data centre\n"
          "      --zone CODE         grid zone for the carbon intensity (e.g. DE, US-CA)\n"
          "      --intensity N|FILE  carbon intensity in gCO2e/kWh, or a CSV time series\n"
          "                          with columns time,gco2e_per_kwh\n"
          "      --timezone NAME     IANA zone of timestamps written without one\n"
          "                          (default: the TZ environment, else UTC)\n"
          "      --clock-offset S    seconds to add to every trace time\n"
          "      --format NAME       force the reader for trace files\n"
          "      --templates DIR     page templates and style.css to use instead of the\n"
          "                          installed ones\n"
          "      --figures LIST      also write every chart as pdf and/or png (300 dpi),\n"
          "                          comma-separated, e.g. --figures pdf,png\n"
          "      --stamp             state the time of rendering in the pages (the output\n"
          "                          is then no longer byte-identical between runs)\n"
          "  -q, --quiet             print no diagnostics, only errors\n"
          "  -h, --help              show this help and exit\n");
}

/* Print every diagnostic: the lab's, then each run's. */
static void S_print_diags(const tp_lab *lab, bool quiet) {
  for (size_t i = 0; i < lab->diags.count; i++)
    if (!quiet || lab->diags.items[i].severity == TP_ERROR)
      tp_diag_print(stderr, &lab->diags.items[i]);
  for (size_t r = 0; r < lab->n_runs; r++)
    for (size_t i = 0; i < lab->runs[r]->diags.count; i++)
      if (!quiet || lab->runs[r]->diags.items[i].severity == TP_ERROR)
        tp_diag_print(stderr, &lab->runs[r]->diags.items[i]);
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

/* The time of rendering for --stamp: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else now.  buf holds 64. */
static const char *S_stamp(char buf[64]) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  double v;
  time_t t = time(NULL);
  if (sde && tp_parse_double(sde, strlen(sde), &v) == 0 && isfinite(v) && v >= 0)
    t = (time_t)v;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return "an unknown time";
  strftime(buf, 64, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

static int S_write_site(const tp_lab *lab, const char *dir, const tp_pages_opts *po) {
  tp_site site;
  char *err = NULL;
  if (tp_site_begin(&site, dir, &err) != 0) goto fail;
  tp_buf b = {0};
  tp_summary_json(lab, &b);
  int rc = tp_site_write(&site, "summary.json", tp_buf_str(&b), b.len, &err);
  tp_buf_clear(&b);
  if (rc == 0) {
    tp_summary_runs_csv(lab, &b);
    rc = tp_site_write(&site, "runs.csv", tp_buf_str(&b), b.len, &err);
  }
  tp_buf_free(&b);
  if (rc == 0) rc = tp_pages_write(&site, lab, po, &err);
  if (rc != 0) {
    tp_site_abort(&site);
    goto fail;
  }
  if (tp_site_commit(&site, &err) != 0) goto fail;
  return 0;
fail:
  fprintf(stderr, "trainprint: error: %s\n", err ? err : "cannot write the report");
  free(err);
  return -1;
}

int tp_cmd_report(int argc, char **argv) {
  static const struct option longopts[] = {
      {"output", required_argument, NULL, 'o'},   {"pue", required_argument, NULL, 'P'},
      {"zone", required_argument, NULL, 'Z'},     {"intensity", required_argument, NULL, 'I'},
      {"timezone", required_argument, NULL, 'T'}, {"clock-offset", required_argument, NULL, 'C'},
      {"format", required_argument, NULL, 'F'},   {"quiet", no_argument, NULL, 'q'},
      {"templates", required_argument, NULL, 'M'}, {"figures", required_argument, NULL, 'G'},
      {"stamp", no_argument, NULL, 'S'},          {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  tp_pipeline_opts opts = {.pue = NAN, .datadir = TP_DATADIR};
  const char *out = NULL;
  bool quiet = false, stamp = false;
  char *templates = NULL;
  tp_pages_opts po = {.generator = "trainprint " TP_VERSION};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, TP_GETOPT_QUIET "o:qh", longopts, NULL)) != -1) {
    switch (c) {
      case 'o': out = optarg; break;
      case 'P':
        if (tp_parse_double(optarg, strlen(optarg), &opts.pue) != 0 || !(opts.pue >= 1.0) ||
            opts.pue > 10)
          return tp_cli_usage_error("report", "--pue takes a number from 1 to 10, not '%s'",
                                    optarg);
        break;
      case 'Z': opts.zone = optarg; break;
      case 'I': opts.intensity = optarg; break;
      case 'T': opts.timezone = optarg; break;
      case 'C':
        if (tp_parse_double(optarg, strlen(optarg), &opts.clock_offset_s) != 0 ||
            !isfinite(opts.clock_offset_s))
          return tp_cli_usage_error("report", "--clock-offset takes seconds, not '%s'", optarg);
        break;
      case 'F': opts.trace_format = optarg; break;
      case 'M': po.templates_dir = optarg; break;
      case 'G':
        if (S_parse_figures(optarg, &po) != 0)
          return tp_cli_usage_error("report", "--figures takes pdf, png or pdf,png, not '%s'",
                                    optarg);
        break;
      case 'S': stamp = true; break;
      case 'q': quiet = true; break;
      case 'h': S_help(stdout); return 0;
      case ':': return tp_cli_usage_error("report", "option '%s' needs a value", argv[optind - 1]);
      default: return tp_cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (!out) return tp_cli_usage_error("report", "no output directory (-o DIR)");
  if (optind >= argc) return tp_cli_usage_error("report", "no input PATH");

  if (!po.templates_dir) po.templates_dir = templates = tp_xasprintf("%s/templates", TP_DATADIR);
  char stamp_buf[64];
  if (stamp) po.stamp = S_stamp(stamp_buf);

  tp_lab lab = {0};
  int rc = tp_pipeline_run(&lab, argv + optind, (size_t)(argc - optind), &opts);
  S_print_diags(&lab, quiet);
  int status = 0;
  if (rc != 0) {
    fprintf(stderr, "trainprint: error: no input could be read; nothing written\n");
    status = 1;
  } else if (S_write_site(&lab, out, &po) != 0) {
    status = 1;
  } else if (!quiet) {
    fprintf(stderr, "trainprint: %zu runs in %zu experiments; report written to %s\n",
            lab.n_runs, lab.n_experiments, out);
  }
  tp_lab_free(&lab);
  free(templates);
  tp_chart_cleanup();
  return status;
}
