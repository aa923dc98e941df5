/* cmd_render: `trainprint render SUMMARIES... -o DIR`: the site from the run
 * summaries that `trainprint scan` wrote.  Over the same inputs it is
 * byte-identical to the site of `trainprint report`. */
#include <math.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/pipeline.h"
#include "cli/siteout.h"

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint render [OPTIONS] SUMMARIES... -o DIR\n"
          "\n"
          "Build the report site in DIR from run summaries written by\n"
          "'trainprint scan' (summary files, or directories of them).\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where to write the report (required)\n"
          "  -c, --config FILE       configuration (experiments' metrics, targets and\n"
          "                          compare_by; give the one the scans used)\n"
          "      --cache DIR         keep a record of the pages in DIR, and take each page\n"
          "                          that nothing changed from the previous render in -o\n"
          "                          DIR instead of drawing it\n"
          "%s"
          "  -q, --quiet             print no diagnostics, only errors\n"
          "  -h, --help              show this help and exit\n",
          tp_cli_site_help);
}

int tp_cmd_render(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"config", required_argument, NULL, 'c'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"cache", required_argument, NULL, TP_OPT_CACHE},
                                           TP_CLI_SITE_LONGOPTS,
                                           {NULL, 0, NULL, 0}};
  tp_pipeline_opts opts = {.pue = NAN, .datadir = tp_cli_datadir()};
  tp_cli_site_opts so;
  tp_cli_site_init(&so);
  const char *out = NULL;
  bool quiet = false;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, TP_GETOPT_QUIET "o:c:qh", longopts, NULL)) != -1) {
    switch (c) {
      case 'o': out = optarg; break;
      case 'c': opts.config_path = optarg; break;
      case TP_OPT_CACHE: so.cache_dir = optarg; break;
      case 'q': quiet = true; break;
      case 'h': S_help(stdout); return 0;
      case ':': return tp_cli_usage_error("render", "option '%s' needs a value", argv[optind - 1]);
      case '?': return tp_cli_usage_error("render", "unknown option '%s'", argv[optind - 1]);
      default: {
        int rc = tp_cli_site_option("render", c, optarg, &so);
        if (rc) return rc == 2 ? 2 : tp_cli_usage_error("render", "unknown option");
      }
    }
  }
  if (!out) return tp_cli_usage_error("render", "no output directory (-o DIR)");
  if (optind >= argc) return tp_cli_usage_error("render", "no SUMMARIES given");
  int vrc = tp_cli_site_validate("render", &so);
  if (vrc) return vrc;

  tp_lab lab = {0};
  int rc = tp_pipeline_from_summaries(&lab, argv + optind, (size_t)(argc - optind), &opts);
  return tp_cli_site_finish(&lab, rc, "run summary", out, &so, quiet);
}
