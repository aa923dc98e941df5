/* cmd_report: `trainprint report PATH... -o DIR`, the main job. */
#include <math.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/pipeline.h"
#include "cli/siteout.h"

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint report [OPTIONS] PATH... -o DIR\n"
          "\n"
          "Read the training logs and power traces under each PATH, join them, and write\n"
          "a static report to DIR: summary.json, runs.csv and the pages.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where to write the report (required)\n"
          "%s%s"
          "  -q, --quiet             print no diagnostics, only errors\n"
          "  -h, --help              show this help and exit\n",
          tp_cli_pipeline_help, tp_cli_site_help);
}

int tp_cmd_report(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           TP_CLI_PIPELINE_LONGOPTS,
                                           TP_CLI_SITE_LONGOPTS,
                                           {NULL, 0, NULL, 0}};
  tp_pipeline_opts opts = {.pue = NAN, .datadir = tp_cli_datadir()};
  tp_cli_site_opts so;
  tp_cli_site_init(&so);
  const char *out = NULL;
  bool quiet = false;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, TP_GETOPT_QUIET "o:qh" TP_CLI_PIPELINE_SHORTOPTS, longopts,
                          NULL)) != -1) {
    switch (c) {
      case 'o': out = optarg; break;
      case 'q': quiet = true; break;
      case 'h': S_help(stdout); return 0;
      case ':': return tp_cli_usage_error("report", "option '%s' needs a value", argv[optind - 1]);
      case '?': return tp_cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
      default: {
        int rc = tp_cli_pipeline_option("report", c, optarg, &opts);
        if (rc == 1) rc = tp_cli_site_option("report", c, optarg, &so);
        if (rc) return rc == 2 ? 2 : tp_cli_usage_error("report", "unknown option");
      }
    }
  }
  if (!out) return tp_cli_usage_error("report", "no output directory (-o DIR)");
  if (optind >= argc) return tp_cli_usage_error("report", "no input PATH");
  int vrc = tp_cli_pipeline_validate("report", &opts);
  if (!vrc) vrc = tp_cli_site_validate("report", &so);
  if (vrc) return vrc;

  so.cache_dir = opts.cache_dir;
  so.pages.jobs = opts.jobs; /* -j: the threads drawing pages too */
  tp_lab lab = {0};
  int rc = tp_pipeline_run(&lab, argv + optind, (size_t)(argc - optind), &opts);
  return tp_cli_site_finish(&lab, rc, "input", out, &so, quiet);
}
