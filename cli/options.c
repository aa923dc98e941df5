/* options: the options every command that reads inputs shares (report,
 * scan): how to price energy and read times, and the configuration. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "model/carbon.h"
#include "model/estimate.h"
#include "model/mem.h"
#include "model/reftable.h"
#include "parser/parser.h"

const char tp_cli_pipeline_help[] =
    "  -c, --config FILE       configuration (default: trainprint.yaml in the\n"
    "                          first PATH's directory, when there is one)\n"
    "  -j, --jobs N            read runs and draw pages on N threads (default: one\n"
    "                          per processor)\n"
    "      --pue N             power usage effectiveness of the data centre\n"
    "      --zone CODE         grid zone for the carbon intensity (e.g. DE, US-CA)\n"
    "      --intensity N|FILE  carbon intensity in gCO2e/kWh, or a CSV time series\n"
    "                          with columns time,gco2e_per_kwh\n"
    "      --timezone NAME     IANA zone of timestamps written without one\n"
    "                          (default: the TZ environment, else UTC)\n"
    "      --clock-offset S    seconds to add to every trace time\n"
    "      --format NAME       force the reader for trace files or framework logs\n"
    "      --hardware SPEC     estimate runs without a better source as run on\n"
    "                          SPEC: \"[N x] GPU-MODEL[, [M x] CPU-MODEL]\", e.g.\n"
    "                          \"4x A100-SXM4-40GB\" (models of data/hardware_tdp.csv)\n"
    "      --cache DIR         keep what was read of each run in DIR and reuse it\n"
    "                          while the run's files are unchanged (report: also\n"
    "                          take each page that nothing changed from the\n"
    "                          previous report in -o DIR instead of drawing it)\n";

/* --hardware: its models must be in the shipped hardware table. */
static int S_hardware(const char *cmd, const char *arg, tp_pipeline_opts *o) {
  tp_reftables t = {0};
  tp_diags d = {0};
  char *dir = tp_xasprintf("%s/data", o->datadir ? o->datadir : ".");
  tp_reftable_load(&t, dir, &d);
  free(dir);
  tp_diag_free(&d);
  tp_hw_spec spec;
  char err[320];
  int rc = 0;
  if (t.n_hardware && tp_estimate_parse_spec(&spec, arg, &t, err, sizeof err) != 0)
    rc = tp_cli_usage_error(cmd, "--hardware: %s", err);
  else if (t.n_hardware)
    tp_hw_spec_free(&spec);
  tp_reftables_free(&t);
  if (rc) return rc;
  o->hardware = arg; /* tables missing: the pipeline reports it */
  return 0;
}

int tp_cli_pipeline_option(const char *cmd, int c, const char *arg, tp_pipeline_opts *o) {
  switch (c) {
    case 'c': o->config_path = arg; return 0;
    case 'j': {
      int64_t j;
      if (tp_parse_int64(arg, strlen(arg), &j) != 0 || j < 1 || j > 256)
        return tp_cli_usage_error(cmd, "-j takes a number of threads from 1 to 256, not '%s'",
                                  arg);
      o->jobs = (int)j;
      return 0;
    }
    case TP_OPT_PUE:
      if (tp_parse_double(arg, strlen(arg), &o->pue) != 0 || !(o->pue >= 1.0) || o->pue > 10)
        return tp_cli_usage_error(cmd, "--pue takes a number from 1 to 10, not '%s'", arg);
      return 0;
    case TP_OPT_ZONE: o->zone = arg; return 0;
    case TP_OPT_INTENSITY:
      if (!arg[0]) return tp_cli_usage_error(cmd, "--intensity takes gCO2e/kWh or a FILE, not ''");
      o->intensity = arg;
      return 0;
    case TP_OPT_TIMEZONE: o->timezone = arg; return 0;
    case TP_OPT_CLOCK_OFFSET:
      if (tp_parse_double(arg, strlen(arg), &o->clock_offset_s) != 0 ||
          !isfinite(o->clock_offset_s))
        return tp_cli_usage_error(cmd, "--clock-offset takes seconds, not '%s'", arg);
      return 0;
    case TP_OPT_FORMAT: o->trace_format = arg; return 0;
    case TP_OPT_CACHE: o->cache_dir = arg; return 0;
    case TP_OPT_HARDWARE: return S_hardware(cmd, arg, o);
    default: return 1;
  }
}

/* True when code is a zone or cloud region of the shipped tables. */
static bool S_zone_known(const char *datadir, const char *code) {
  tp_reftables t = {0};
  tp_diags quiet = {0};
  char *dir = tp_xasprintf("%s/data", datadir ? datadir : ".");
  tp_reftable_load(&t, dir, &quiet);
  tp_carbon c = {0};
  tp_carbon_defaults(&c, &t);
  bool ok = tp_carbon_use_zone(&c, &t, code) == 0;
  free(dir);
  tp_reftables_free(&t);
  tp_diag_free(&quiet);
  return ok;
}

int tp_cli_pipeline_validate(const char *cmd, const tp_pipeline_opts *o) {
  if (o->trace_format) {
    tp_power_format pf;
    tp_framework_kind fk;
    if (tp_power_format_parse(o->trace_format, &pf) != 0 &&
        tp_framework_parse_name(o->trace_format, &fk) != 0)
      return tp_cli_usage_error(cmd,
                                "--format '%s' is not a known trace or log format (nvidia-smi, "
                                "nvidia-smi-dmon, rapl, perf-stat, codecarbon, or a framework)",
                                o->trace_format);
  }
  if (o->timezone) {
    const char *err = NULL;
    tp_tz *tz = tp_tz_open(o->timezone, &err);
    if (!tz)
      return tp_cli_usage_error(cmd, "--timezone '%s': %s", o->timezone,
                                err ? err : "not a known IANA time zone");
    tp_tz_free(tz);
  }
  if (o->zone && !S_zone_known(o->datadir, o->zone))
    return tp_cli_usage_error(cmd,
                              "--zone '%s' is not in the shipped tables (grid zones, ISO "
                              "country codes, cloud regions)",
                              o->zone);
  if (o->intensity) {
    double v;
    if (tp_parse_double(o->intensity, strlen(o->intensity), &v) == 0) {
      if (!isfinite(v) || v < 0)
        return tp_cli_usage_error(cmd, "--intensity takes gCO2e/kWh >= 0, not '%s'",
                                  o->intensity);
    } else {
      tp_intensity_series s = {0};
      tp_diags d = {0};
      int rc = tp_reftable_load_series(&s, o->intensity, NULL, &d); /* readable at all */
      bool ok = rc == 0 && s.count > 0;
      const char *why = NULL;
      for (size_t i = 0; i < d.count && !why; i++)
        if (d.items[i].severity == TP_ERROR) why = d.items[i].message;
      int status = ok ? 0
                      : tp_cli_usage_error(cmd,
                                           "--intensity '%s' is not a number nor a readable "
                                           "series (time,gco2e_per_kwh)%s%s",
                                           o->intensity, why ? ": " : "", why ? why : "");
      tp_intensity_series_free(&s);
      tp_diag_free(&d);
      if (status) return status;
    }
  }
  return 0;
}
