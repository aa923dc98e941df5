/* pipeline: paths in, a priced lab out.
 *
 * The one place where readers, the model and the reference tables meet:
 * discover the inputs, read every run's logs, stream every trace into the
 * energy integrator of the runs it may belong to, hand what each trace and
 * declared file gave to the attribution (model/attrib.h: which joule goes to
 * which run, and in what precedence), estimate what nothing else covers,
 * price energy in CO2e, and group.
 * Renderers take the resulting tp_lab and never see a file of the inputs.
 */
#ifndef TP_PIPELINE_H
#define TP_PIPELINE_H

#include <stdbool.h>

#include "model/config.h"
#include "model/lab.h"

typedef struct tp_pipeline_opts {
  double pue;                /* NAN: the default from the tables */
  const char *zone;          /* --zone, or NULL */
  const char *intensity;     /* --intensity: a number or a CSV file, or NULL */
  const char *timezone;      /* --timezone, or NULL (TZ environment, else UTC) */
  double clock_offset_s;     /* --clock-offset, added to every trace time */
  const char *trace_format;  /* --format: force this reader for trace files, or NULL */
  const char *datadir;       /* directory holding data/ (the reference tables) */
  int jobs;                  /* threads reading runs; 0: one per processor */
  const char *root;          /* --root of `scan`: run ids relative to it, and trace
                                files in the directories from each PATH up to it
                                are read too; NULL: as `report` (ids relative to
                                each PATH) */
  const char *cache_dir;     /* --cache: keep what was read of each run there, and
                                reuse it while its files are unchanged; NULL: none */
  const char *hardware;      /* --hardware "[N x] GPU[, [M x] CPU]": the hardware of
                                every run without a better source (a trace, declared
                                energy, a configuration entry, the run's metadata),
                                or NULL (model/estimate.h tp_estimate_parse_spec) */
  const char *config_path;   /* -c FILE, or NULL: trainprint.yaml in the first
                                path's directory when there is one.  Options given
                                on the command line override its defaults. */
  bool keep_samples;         /* `scan`: keep with each run the trace samples that
                                gave it energy (and the intensity rows that price
                                it), so that `render` can split runs scanned apart
                                that shared a device (model/resplit.h) */
} tp_pipeline_opts;

/* Fill lab from paths.  Diagnostics go to the runs they concern or to
 * lab->diags.  Returns 0 when at least one input could be read, -1 when none
 * could (the lab is still valid and may be empty). */
int tp_pipeline_run(tp_lab *lab, char *const *paths, size_t n_paths,
                    const tp_pipeline_opts *opts);

/* Fill lab from run summaries written by `scan` (files, or directories of
 * *.json files), with the configuration's experiment rules (opts->config_path
 * only; nothing else of opts is used).  Returns 0 when at least one summary
 * could be read, else -1. */
int tp_pipeline_from_summaries(tp_lab *lab, char *const *paths, size_t n_paths,
                               const tp_pipeline_opts *opts);

#endif
