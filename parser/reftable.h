/* reftable: load the shipped reference tables and intensity time series.
 *
 * The tables are plain CSV as data/README.md describes them: UTF-8, a header
 * line, fields split on ',' with no quoting.  Columns are found by their
 * header names, so added columns do no harm.  A bad row (a missing field, a
 * number that does not parse, an unknown hardware kind) is skipped with a
 * warning naming the file and line; the rest of the file is still read.
 */
#ifndef TP_PARSER_REFTABLE_H
#define TP_PARSER_REFTABLE_H

#include "model/carbon.h"
#include "model/diag.h"
#include "model/reftable.h"
#include "parser/text/timefmt.h"

#define TP_REFTABLE_MAX_BYTES (64u << 20) /* a table or series larger than this is refused */

/* Load grid_intensity.csv, country_codes.csv, cloud_regions.csv,
 * hardware_tdp.csv (with cpu_cores.csv: cores per processor of its CPU
 * rows) and equivalences.csv from directory `dir` into *t (which
 * must be zeroed or freed).  Returns 0, or -1 when a file could not be read
 * or lacks a required column (an error diagnostic each; the other files are
 * still loaded).  The caller frees *t with tp_reftables_free(). */
int tp_reftable_load(tp_reftables *t, const char *dir, tp_diags *d);

/* Load an intensity time series (header `time,gco2e_per_kwh`) from `path`
 * into *s (zeroed or freed).  time: ISO 8601 or epoch seconds; naive times
 * are read in tz (the report's --timezone; NULL: UTC).  Rows must come in
 * increasing time; one that does not, whose time is before 1990, or whose
 * intensity is not a finite number >= 0, is skipped with a warning.  Sets
 * s->interval_s (the typical row interval, model/carbon).  Returns 0, or -1
 * when the file cannot be read, lacks a column or has no usable row (an error
 * diagnostic).  The caller frees *s with tp_intensity_series_free(). */
int tp_reftable_load_series(tp_intensity_series *s, const char *path, const tp_tz *tz,
                            tp_diags *d);

#endif
