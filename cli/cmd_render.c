/* cmd_render: `trainprint render SUMMARIES... -o DIR`: the site from the run
 * summaries that `trainprint scan` wrote.  Over the same inputs it is
 * byte-identical to the site of `trainprint report`. */
#include <math.h>
#include <stdlib.h>

#include <string.h>

#include "cli/cli.h"
#include "cli/fanout.h"
#include "cli/options.h"
#include "cli/pipeline.h"
#include "cli/siteout.h"
#include "model/mem.h"

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint render [OPTIONS] SUMMARIES... -o DIR\n"
          "       trainprint render [OPTIONS] SUMMARIES... --part I/N -o PART_DIR\n"
          "       trainprint render [OPTIONS] SUMMARIES... --assemble PART_DIR... -o DIR\n"
          "\n"
          "Build the report site in DIR from run summaries written by\n"
          "'trainprint scan' (summary files, or directories of them).  With --part,\n"
          "draw only part I of N of the pages (of the experiments and their runs),\n"
          "on as many machines as there are parts; --assemble then writes the site\n"
          "from the N parts: the same site, byte for byte, as without parts.\n"
          "\n"
          "Options:\n"
          "  -o, --output DIR        where to write the report (or the part) (required)\n"
          "  -c, --config FILE       configuration (experiments' metrics, targets and\n"
          "                          compare_by; give the one the scans used)\n"
          "  -j, --jobs N            draw pages on N threads (default: one per processor)\n"
          "      --part I/N          draw the pages of part I of N into -o (each part\n"
          "                          holds about 1/N of the runs, with their experiments)\n"
          "      --assemble PART_DIR...  write the site from the parts 1 to N that\n"
          "                          'render --part' wrote from the same SUMMARIES and\n"
          "                          options (pages taken as hard links where possible)\n"
          "      --cache DIR         keep a record of the pages in DIR, and take each page\n"
          "                          that nothing changed from the previous render in -o\n"
          "                          DIR instead of drawing it (not with --part/--assemble)\n"
          "%s"
          "  -q, --quiet             print no diagnostics, only errors\n"
          "  -h, --help              show this help and exit\n",
          tp_cli_site_help);
}

enum { S_OPT_PART = TP_OPT_COMMAND_BASE };

/* Take --assemble and the part directories that follow it (up to the next
 * option) out of argv, which getopt could not tell from SUMMARIES; argc is
 * updated.  Returns 0, or 2 after a usage error. */
static int S_take_assemble(int *argc, char **argv, tp_fanout *f) {
  int w = 0;
  for (int r = 0; r < *argc; r++) {
    bool eq = strncmp(argv[r], "--assemble=", 11) == 0;
    if (strcmp(argv[r], "--") == 0) { /* the rest are SUMMARIES */
      while (r < *argc) argv[w++] = argv[r++];
      break;
    }
    if (!eq && strcmp(argv[r], "--assemble") != 0) {
      argv[w++] = argv[r];
      continue;
    }
    if (f->assemble) return tp_cli_usage_error("render", "--assemble given twice");
    f->assemble = true;
    if (eq) {
      f->parts = tp_xrealloc(f->parts, (f->n_parts + 1) * sizeof *f->parts);
      f->parts[f->n_parts++] = argv[r] + 11;
    }
    for (; r + 1 < *argc && argv[r + 1][0] != '-'; r++) {
      f->parts = tp_xrealloc(f->parts, (f->n_parts + 1) * sizeof *f->parts);
      f->parts[f->n_parts++] = argv[r + 1];
    }
  }
  *argc = w;
  argv[w] = NULL;
  if (f->assemble && f->n_parts == 0)
    return tp_cli_usage_error("render", "--assemble needs the part directories");
  return 0;
}

/* Check the combination of options of a fanned-out render. */
static int S_check_fanout(const tp_fanout *f, const tp_cli_site_opts *so) {
  if (f->assemble && f->n_parts > TP_FANOUT_MAX_PARTS)
    return tp_cli_usage_error("render", "--assemble takes at most %d parts",
                              TP_FANOUT_MAX_PARTS);
  if ((f->assemble || f->part) && so->cache_dir)
    return tp_cli_usage_error("render", "--cache cannot be used with --part or --assemble");
  return 0;
}

/* What the command line asks for. */
typedef struct S_args {
  tp_pipeline_opts opts; /* only config_path and jobs are used */
  tp_cli_site_opts so;
  tp_fanout fan;         /* --part or --assemble */
  const char *out;       /* -o */
  bool quiet, help;
} S_args;

/* Parse the options of argv into a; 0, or 2 after a usage error.  optind is
 * then the first SUMMARIES argument. */
static int S_parse(int argc, char **argv, S_args *a) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"config", required_argument, NULL, 'c'},
                                           {"jobs", required_argument, NULL, 'j'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"cache", required_argument, NULL, TP_OPT_CACHE},
                                           {"part", required_argument, NULL, S_OPT_PART},
                                           TP_CLI_SITE_LONGOPTS,
                                           {NULL, 0, NULL, 0}};
  int c, rc = 0;
  optind = 1;
  while (rc == 0 && !a->help &&
         (c = getopt_long(argc, argv, TP_GETOPT_QUIET "o:c:j:qh", longopts, NULL)) != -1) {
    switch (c) {
      case 'o': a->out = optarg; break;
      case 'c': a->opts.config_path = optarg; break;
      case 'j': rc = tp_cli_pipeline_option("render", c, optarg, &a->opts); break;
      case S_OPT_PART:
        if (a->fan.part) rc = tp_cli_usage_error("render", "--part given twice");
        else if (tp_fanout_parse(optarg, &a->fan.part, &a->fan.n_parts) != 0)
          rc = tp_cli_usage_error("render",
                                  "--part takes I/N, numbers with 1 <= I <= N <= %d, not '%s'",
                                  TP_FANOUT_MAX_PARTS, optarg);
        break;
      case TP_OPT_CACHE: a->so.cache_dir = optarg; break;
      case 'q': a->quiet = true; break;
      case 'h': a->help = true; break;
      case ':':
        rc = tp_cli_usage_error("render", "option '%s' needs a value", argv[optind - 1]);
        break;
      case '?': rc = tp_cli_usage_error("render", "unknown option '%s'", argv[optind - 1]); break;
      default:
        rc = tp_cli_site_option("render", c, optarg, &a->so);
        if (rc == 1) rc = tp_cli_usage_error("render", "unknown option");
    }
  }
  if (rc != 0 || a->help) return rc;
  if (a->fan.part && a->fan.assemble)
    return tp_cli_usage_error("render", "--part and --assemble exclude each other");
  if (!a->out) return tp_cli_usage_error("render", "no output directory (-o DIR)");
  if (optind >= argc) return tp_cli_usage_error("render", "no SUMMARIES given");
  rc = tp_cli_site_validate("render", &a->so);
  return rc ? rc : S_check_fanout(&a->fan, &a->so);
}

int tp_cmd_render(int argc, char **argv) {
  S_args a = {.opts = {.pue = NAN, .datadir = tp_cli_datadir()}};
  tp_cli_site_init(&a.so);
  int rc = S_take_assemble(&argc, argv, &a.fan);
  if (rc == 0) rc = S_parse(argc, argv, &a);
  if (rc != 0 || a.help) {
    if (a.help) S_help(stdout);
    goto done;
  }
  a.so.pages.jobs = a.opts.jobs;
  char **sums = argv + optind;
  size_t n_sums = (size_t)(argc - optind);
  tp_cli_site_hook hook;
  if (a.fan.part || a.fan.assemble) {
    /* Before anything is read: parts that do not fit together are refused
     * at once. */
    if (a.fan.assemble && tp_fanout_check_parts(&a.fan) != 0) {
      rc = 1;
      goto done;
    }
    tp_fanout_digest_start(&a.fan, sums, n_sums, &a.opts, &a.so);
    tp_fanout_hook(&a.fan, &hook);
    a.so.hook = &hook;
  }
  tp_lab lab = {0};
  int brc = tp_pipeline_from_summaries(&lab, sums, n_sums, &a.opts);
  rc = tp_cli_site_finish(&lab, brc, "run summary", a.out, &a.so, a.quiet);
done:
  tp_fanout_free(&a.fan);
  free(a.fan.parts);
  tp_cli_site_free(&a.so); /* again after finish: harmless */
  return rc;
}
