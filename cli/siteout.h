/* siteout: options and writing of the report site, shared by `report` and
 * `render` (so that both build the same site from the same lab). */
#ifndef TP_CLI_SITEOUT_H
#define TP_CLI_SITEOUT_H

#include <stdbool.h>

#include "cli/options.h"
#include "model/lab.h"
#include "render/render.h"

/* How a site drawn in parts changes its writing (cli/fanout.h): what to draw,
 * what to add after the pages, whether the exports are written. */
typedef struct tp_cli_site_hook {
  /* Before the pages: choose them (pages->pick); 0, or -1 with *err set. */
  int (*before)(void *arg, const tp_lab *lab, tp_pages_opts *pages, char **err);
  /* After the pages: add files to the site; 0, or -1 with *err set. */
  int (*after)(void *arg, const tp_lab *lab, tp_site *site, char **err);
  bool pages_only; /* no publish/, summary.json nor runs.csv */
  const char *what; /* what is written, for the closing line ("part 2 of 3");
                       NULL: "report" */
  void *arg;       /* given to both */
} tp_cli_site_hook;

typedef struct tp_cli_site_opts {
  tp_pages_opts pages;
  tp_publish_opts publish;
  bool stamp;
  bool redact_paths;     /* --redact-paths: summary.json names inputs as the pages do */
  char *templates_owned; /* the default templates path, when none was given */
  const char *cache_dir; /* --cache: keep the record of the site's pages there, and
                            take unchanged pages from the previous site; NULL: none */
  char program_id[33];   /* fingerprint of this program, for the pages' fingerprints */
  const tp_cli_site_hook *hook; /* a part, or a site assembled from parts; NULL: neither */
  char stamp_buf[64];
} tp_cli_site_opts;

enum {
  TP_OPT_TEMPLATES = 280,
  TP_OPT_FIGURES,
  TP_OPT_STAMP,
  TP_OPT_COMPARE_ZONES,
  TP_OPT_PUE_RANGE,
  TP_OPT_EQUIVALENTS,
  TP_OPT_REDACT_PATHS
};

#define TP_CLI_SITE_LONGOPTS                                         \
  {"templates", required_argument, NULL, TP_OPT_TEMPLATES},          \
      {"figures", required_argument, NULL, TP_OPT_FIGURES},          \
      {"stamp", no_argument, NULL, TP_OPT_STAMP},                    \
      {"compare-zones", required_argument, NULL, TP_OPT_COMPARE_ZONES}, \
      {"pue-range", required_argument, NULL, TP_OPT_PUE_RANGE},      \
      {"equivalents", no_argument, NULL, TP_OPT_EQUIVALENTS},        \
      {"redact-paths", no_argument, NULL, TP_OPT_REDACT_PATHS}

extern const char tp_cli_site_help[];

void tp_cli_site_init(tp_cli_site_opts *o);
/* Apply option c: 0 taken, 1 not a site option, 2 usage error printed. */
int tp_cli_site_option(const char *cmd, int c, const char *arg, tp_cli_site_opts *o);
/* Check the site options whose validity depends on more than their
 * spelling, before any input is read: every --compare-zones code is a zone
 * or cloud region of the shipped tables, --templates is a directory.
 * Returns 0, or 2 after printing one usage-error line naming the value. */
int tp_cli_site_validate(const char *cmd, const tp_cli_site_opts *o);
/* Write summary.json, runs.csv and the pages of lab into dir, safely (see
 * render/site.h); the runs' footprints are kept first and their points and
 * profiles then put out (model/footprint.h, model/runspill.h).  Prints an
 * error and returns -1 on failure. */
int tp_cli_write_site(tp_lab *lab, const char *dir, tp_cli_site_opts *o);
void tp_cli_site_free(tp_cli_site_opts *o);
/* A fingerprint of the running program's own bytes (see siteout.c). */
void tp_cli_program_id(char out[33]);

/* The end of `report` and `render`: print the diagnostics, write the site
 * when the lab could be built (build_rc == 0; else say that nothing was
 * read, naming `what`), free the lab and the options.  Returns the exit
 * status. */
int tp_cli_site_finish(tp_lab *lab, int build_rc, const char *what, const char *out,
                       tp_cli_site_opts *o, bool quiet);

#endif
