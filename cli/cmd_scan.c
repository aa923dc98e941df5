/* cmd_scan: `trainprint scan [--root DIR] PATH... -o SUMMARIES/`.
 *
 * Reads runs and traces as `report` does and writes one run summary per run
 * (render/runfile.h), named after the run id, into SUMMARIES/.  Many scans
 * can write into one directory at once: each file is written under a
 * temporary name and renamed into place.  `trainprint render` builds the site
 * from the summaries.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/pipeline.h"
#include "model/mem.h"
#include "model/runspill.h"
#include "render/render.h"

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint scan [--root DIR] [OPTIONS] PATH... -o SUMMARIES\n"
          "\n"
          "Read the runs and traces under each PATH as report does, and write one\n"
          "summary file per run into SUMMARIES (named after the run id), for\n"
          "'trainprint render'.  Scans of different runs may run at once, on many\n"
          "machines, into one directory.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where to write the summaries (required)\n"
          "      --root DIR          run ids relative to DIR, and trace files in the\n"
          "                          directories from each PATH up to DIR are read\n"
          "                          (default: ids relative to each PATH, as report)\n"
          "%s"
          "  -q, --quiet             print no diagnostics, only errors\n"
          "  -h, --help              show this help and exit\n",
          tp_cli_pipeline_help);
}

/* Write data to dir/name through a temporary file and a rename. */
static int S_write_atomic(const char *dir, const char *name, const tp_buf *data) {
  char *tmp = tp_xasprintf("%s/.%s.tmp-XXXXXX", dir, name);
  char *path = tp_xasprintf("%s/%s", dir, name);
  int fd = mkstemp(tmp);
  int rc = -1;
  if (fd >= 0) {
    FILE *f = fdopen(fd, "wb");
    if (f) {
      bool ok = fwrite(tp_buf_str(data), 1, data->len, f) == data->len;
      if (fclose(f) == 0 && ok && chmod(tmp, 0644) == 0 && rename(tmp, path) == 0) rc = 0;
    } else {
      close(fd);
    }
    if (rc != 0) unlink(tmp);
  }
  if (rc != 0) fprintf(stderr, "trainprint: error: %s: cannot write (%s)\n", path, strerror(errno));
  free(tmp);
  free(path);
  return rc;
}

int tp_cmd_scan(int argc, char **argv) {
  static const struct option longopts[] = {
      {"output", required_argument, NULL, 'o'},
      {"root", required_argument, NULL, TP_OPT_COMMAND_BASE},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      TP_CLI_PIPELINE_LONGOPTS,
      {NULL, 0, NULL, 0}};
  tp_pipeline_opts opts = {.pue = NAN, .datadir = tp_cli_datadir(), .keep_samples = true};
  const char *out = NULL;
  bool quiet = false;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, TP_GETOPT_QUIET "o:qh" TP_CLI_PIPELINE_SHORTOPTS, longopts,
                          NULL)) != -1) {
    switch (c) {
      case 'o': out = optarg; break;
      case TP_OPT_COMMAND_BASE: opts.root = optarg; break;
      case 'q': quiet = true; break;
      case 'h': S_help(stdout); return 0;
      case ':': return tp_cli_usage_error("scan", "option '%s' needs a value", argv[optind - 1]);
      case '?': return tp_cli_usage_error("scan", "unknown option '%s'", argv[optind - 1]);
      default: {
        int rc = tp_cli_pipeline_option("scan", c, optarg, &opts);
        if (rc) return rc == 2 ? 2 : tp_cli_usage_error("scan", "unknown option");
      }
    }
  }
  if (!out) return tp_cli_usage_error("scan", "no output directory (-o SUMMARIES)");
  if (optind >= argc) return tp_cli_usage_error("scan", "no input PATH");
  int vrc = tp_cli_pipeline_validate("scan", &opts);
  if (vrc) return vrc;

  tp_lab lab = {0};
  int rc = tp_pipeline_run(&lab, argv + optind, (size_t)(argc - optind), &opts);
  tp_cli_print_diags(&lab, quiet);
  int status = 0;
  if (rc != 0) {
    fprintf(stderr, "trainprint: error: no input could be read; nothing written\n");
    status = 1;
  } else if (tp_cli_lab_empty(&lab)) {
    if (lab.n_runs)
      fprintf(stderr, "trainprint: error: no run could be read (each log is empty or "
                      "unreadable); nothing written\n");
    else
      fprintf(stderr, "trainprint: error: no run found; nothing written\n");
    status = 1;
  } else if (tp_site_mkdirs(out) != 0) {
    fprintf(stderr, "trainprint: error: %s: cannot create (%s)\n", out, strerror(errno));
    status = 1;
  } else {
    for (size_t i = 0; i < lab.n_runs && status == 0; i++) {
      tp_buf b = {0};
      tp_runspill_hold(lab.runs[i]);
      tp_runfile_write(lab.runs[i], &lab.assumptions, &lab.diags, &b);
      tp_runspill_release(lab.runs[i]);
      char *slug = tp_site_slug(lab.runs[i]->id);
      char *name = tp_xasprintf("%s.json", slug);
      if (S_write_atomic(out, name, &b) != 0) status = 1;
      free(name);
      free(slug);
      tp_buf_free(&b);
    }
    if (status == 0 && !quiet)
      fprintf(stderr, "trainprint: %zu run summaries written to %s\n", lab.n_runs, out);
  }
  tp_lab_free(&lab);
  return status;
}
