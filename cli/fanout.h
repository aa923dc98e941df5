/* fanout: a site drawn in parts, past one machine.
 *
 * `trainprint render SUMS --part I/N -o PARTS/I` draws the pages (and their
 * charts) of part I of N of the experiments and runs; `trainprint render
 * SUMS --assemble PARTS/1 ... PARTS/N -o DIR` draws the front page, takes
 * every other page from the parts (hard links where the file system allows,
 * else copies) and writes the exports: the site is byte-identical to the one
 * `report` and a plain `render` write.
 *
 * The split.  Runs are laid out in one sequence: each experiment (by name)
 * with its runs (by id), then the runs in no experiment (by id).  The k-th
 * of R runs goes to part floor(k * N / R) + 1, so every part holds R/N runs
 * (within one) in runs of consecutive pages; an experiment's page goes with
 * its first run (an experiment without runs, with the run that follows
 * it).  The split depends on the lab alone: not on -j, nor on the order in
 * which summaries were given.
 *
 * A part directory is a site of its own (written as safely, see
 * render/site.h) holding its pages and charts and a manifest,
 * ".trainprint-part":
 *
 *   trainprint-part 1
 *   part I N
 *   inputs DIGEST        (32 hex digits, tp_fanout_digest)
 *   G COUNT PAGE         (one per page: the page's path, then COUNT lines)
 *   F FILE               (its files, charts first, the page last)
 *
 * --assemble refuses (nothing written, exit 1) parts that are missing,
 * given twice, of another N, drawn from other summaries or options, or that
 * lack a page the split gives them.
 */
#ifndef TP_CLI_FANOUT_H
#define TP_CLI_FANOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/pipeline.h"
#include "cli/siteout.h"

#define TP_FANOUT_MANIFEST ".trainprint-part"
#define TP_FANOUT_MAX_PARTS 100000

/* Parse "I/N" (1 <= I <= N <= TP_FANOUT_MAX_PARTS, decimal); 0, or -1. */
int tp_fanout_parse(const char *arg, size_t *i, size_t *n);

/* The part (0-based) of every experiment's and run's page when lab is split
 * in n (see above): exp_part[lab->n_experiments], run_part[lab->n_runs]. */
void tp_fanout_split(const tp_lab *lab, size_t n, size_t *exp_part, size_t *run_part);

/* The fingerprint of what the pages of a part are drawn from: the bytes of
 * the summaries under sums (in any order), the configuration file, the
 * templates, the reference tables, this program, and the options that
 * change pages. */
void tp_fanout_digest(char out[33], char *const *sums, size_t n_sums, const tp_pipeline_opts *po,
                      const tp_cli_site_opts *so);

/* A fanned-out render: part i of n (assemble false), or the site assembled
 * from the part directories parts[0..n) (assemble true). */
typedef struct tp_fanout {
  bool assemble;
  size_t part, n_parts;   /* --part I/N, 1-based; or n_parts of --assemble */
  char **parts;           /* --assemble: the part directories */
  char digest[33];        /* tp_fanout_digest of this command's inputs */
  char what[64];          /* "part I of N", for the closing line */
  struct S_fanout_state *state; /* while writing (fanout.c) */
  struct S_digest_job *job;     /* the digest being computed (fanout.c) */
} tp_fanout;

/* Start computing f->digest (tp_fanout_digest) on a thread of its own, while
 * the summaries are read (the arguments must outlive it); the hooks wait for
 * it. */
void tp_fanout_digest_start(tp_fanout *f, char *const *sums, size_t n_sums,
                            const tp_pipeline_opts *po, const tp_cli_site_opts *so);
/* Read and check the manifests of f->parts (assemble) against each other
 * before any summary is read; 0, or 1 after printing an error.  Whether they
 * were drawn from this command's summaries and options is checked when the
 * site is written. */
int tp_fanout_check_parts(tp_fanout *f);
/* The hook that makes tp_cli_write_site write a part, or assemble parts. */
void tp_fanout_hook(tp_fanout *f, tp_cli_site_hook *hook);
void tp_fanout_free(tp_fanout *f);

#endif
