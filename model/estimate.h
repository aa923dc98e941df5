/* estimate: energy from declared hardware when there is no power trace.
 *
 * The method of Green Algorithms (Lannelongue, Grealey and Inouye, "Green
 * Algorithms: Quantifying the Carbon Footprint of Computation", Advanced
 * Science 8(12), 2100707, 2021, doi:10.1002/advs.202100707):
 *
 *   energy = duration x (n_gpu x gpu_TDP x gpu_util
 *                        + cpu_power x cpu_util
 *                        + memory_GB x 0.3725 W/GB)
 *
 * where cpu_power is n_cpu whole processors x their TDP or, when cores are
 * given instead, n_cores x (TDP / cores per processor), Green Algorithms'
 * per-core TDP; cores per processor come from the declaration or else from
 * the table (data/cpu_cores.csv).  A CPU model with no count at all is one
 * whole processor (noted).  Rated powers come from the shipped hardware table; TDP is an
 * upper bound of what a device draws, so the estimate is an upper bound too
 * when utilizations are 1 (the default).  PUE is applied later (model/carbon).
 *
 * Units: seconds, watts, joules, GB (10^9 bytes, as the paper's W/GB).
 */
#ifndef TP_ESTIMATE_H
#define TP_ESTIMATE_H

#include <stdbool.h>

#include "model/config.h"
#include "model/diag.h"
#include "model/reftable.h"
#include "model/run.h"

#define TP_MEMORY_W_PER_GB 0.3725 /* Green Algorithms, from Karyakin and Salem 2017 */

/* Hardware a run declares.  Counts of 0 (or NAN) leave that part out. */
typedef struct tp_hw_decl {
  const char *gpu_model;   /* e.g. "NVIDIA A100-SXM4-80GB", or NULL */
  double n_gpus;
  double gpu_util;         /* 0..1; NAN means 1.0 */
  const char *cpu_model;   /* e.g. "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz", or NULL */
  double n_cpus;           /* whole processors (sockets) */
  double n_cpu_cores;      /* or: cores used, when n_cpus is 0 */
  double cpu_chip_cores;   /* cores per processor, to turn TDP into per-core TDP;
                              0: the table row's count */
  double cpu_util;         /* 0..1; NAN means 1.0 */
  double memory_gb;        /* memory available to the run, GB */
} tp_hw_decl;

typedef struct tp_estimate {
  double gpu_w, cpu_w, memory_w; /* the three terms, watts (0 when left out) */
  double n_gpus;                 /* GPUs in gpu_w (0 when that part is left out) */
  double power_w;                /* their sum */
  const tp_hardware *gpu, *cpu;  /* the table rows used, or NULL */
} tp_estimate;

/* The table row for a model name, matched on its words, case-insensitively
 * and ignoring punctuation and spacing, vendor words ("NVIDIA", "Tesla", "Google",
 * "Intel", "AMD", "(R)", "(TM)", "CPU") and a trailing "@ 2.40GHz": first an
 * exact match; else the longest row whose words begin the name ("A10G 24GB"
 * -> "A10G"); else, among rows whose words the name begins ("A100") or that
 * share its first word holding a digit ("H100 80GB HBM3" -> the H100 rows),
 * the highest TDP (an upper bound; *ambiguous is set).  NULL when nothing
 * matches.  ambiguous may be NULL. */
const tp_hardware *tp_estimate_find_hardware(const tp_reftables *t, tp_hw_kind kind,
                                             const char *model, bool *ambiguous);

/* Power of the declared hardware.  A model not in the table leaves its part
 * out, with a warning in d naming it; an ambiguous one gets a note.  Cores
 * declared for a CPU whose cores per processor are unknown (neither declared
 * nor in the table) leave the CPU out with a warning naming the model; cores
 * or processors without a model likewise.  Returns 0, or -1
 * when no part could be estimated (power_w 0). */
int tp_estimate_power(tp_estimate *out, const tp_reftables *t, const tp_hw_decl *hw,
                      tp_diags *d);

/* Fill re from an estimate over duration_s: method TP_ENERGY_ESTIMATED,
 * it_j = power_w x duration_s, coverage 1, gpu_count = est->n_gpus,
 * gpu_j = gpu_w x duration_s, no devices.  A run that already has
 * a trace-based or declared figure is left as it is.  Returns 0, or -1 when
 * duration_s is not a positive finite number or power_w is 0. */
int tp_estimate_apply(tp_run_energy *re, const tp_estimate *est, double duration_s);

/* Hardware written as one line of text (--hardware, a CodeCarbon gpu_model):
 *
 *   [N x] GPU-MODEL [, [M x] CPU-MODEL]      e.g. "4x A100-SXM4-40GB",
 *                                            "8 x V100, 2 x Xeon Gold 6148"
 *
 * Parts are split on ','; each is a model of the hardware table, optionally
 * after a count "N x" ("4x", "4 x", "4 *").  A part is the GPU when it names a
 * GPU or TPU row, else the CPU when it names a CPU row; the count is GPUs, or
 * whole processors for the CPU (no count: 1).  Owns its strings. */
typedef struct tp_hw_spec {
  char *gpu_model;  /* as written, or NULL */
  double n_gpus;    /* 0 when there is no GPU part */
  char *cpu_model;  /* as written, or NULL */
  double n_cpus;    /* whole processors; 0 when there is no CPU part */
  bool job_gpus;    /* n_gpus is the run's Slurm job's allocation, whose records were
                       allocated different counts: each record counts its own GPUs over
                       its own duration (model/jobspans.h) */
} tp_hw_spec;

/* Parse text into *out (zeroed first).  Returns 0, or -1 with *out empty and
 * a one-line reason in err (err_size bytes: a model not in the table, a
 * second GPU or CPU part, a bad count, an empty part). */
int tp_estimate_parse_spec(tp_hw_spec *out, const char *text, const tp_reftables *t, char *err,
                           size_t err_size);
void tp_hw_spec_free(tp_hw_spec *s);

/* The count in front of a hardware text ("8 x NVIDIA GeForce RTX 3090" -> 8,
 * "4x A100" -> 4): a whole number 1..100000 followed by 'x', 'X' or '*' and a
 * space, or by "x" and the model.  Returns it and sets *rest (may be NULL) to
 * the model after it; 0 (and *rest = text) when there is none. */
double tp_estimate_leading_count(const char *text, const char **rest);

/* Estimate run's energy from hw over the run's window (or its declared
 * duration) when nothing else gave it energy (method NONE).  source says where
 * the hardware came from, for the diagnostic ("the configuration's hardware
 * entry", "--hardware", "the run's W&B metadata (wandb-metadata.json)");
 * file and line (NULL, -1 when none) point at it.  On success the run's method
 * is TP_ENERGY_ESTIMATED, its gpu_count, gpu_model (as hw names it) and gpu_j
 * set, and a note names the source, the
 * power and the duration; the run's input whose path is file (its metadata),
 * if any, records the energy it gave (energy_j).  Returns 0, or -1 (nothing changed; a note or
 * warning says why). */
int tp_estimate_run(tp_run *run, const tp_reftables *t, const tp_hw_decl *hw, const char *source,
                    const char *file, long line);

/* Where the hardware of a run may come from, best first. */
typedef struct tp_estimate_sources {
  const tp_config_hardware *config; /* the configuration's entry for the run, or NULL */
  const char *config_path;          /* the configuration file, for provenance */
  const char *meta_gpu_model;       /* GPUs the run's own metadata records, or NULL */
  int meta_gpu_count;               /* >= 1 with a model */
  const char *meta_tool;            /* "W&B metadata" */
  const char *meta_path;            /* the file that records them */
  const tp_hw_spec *fallback;       /* --hardware, or NULL */
} tp_estimate_sources;

/* Estimate a run that nothing else gave energy (method NONE) from the first
 * source that yields an estimate: the configuration's entry, the run's
 * metadata, the fallback (tp_estimate_run for each, so every one tried says
 * why it did not apply).  An estimate from the fallback is recorded as an
 * input "--hardware" (format "command-line option") with the energy it gave.
 * Returns 0 when one did, else -1. */
int tp_estimate_from_sources(tp_run *run, const tp_reftables *t, const tp_estimate_sources *s);

#endif
