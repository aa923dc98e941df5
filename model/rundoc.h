/* rundoc: the run document, one run as a versioned JSON document.
 *
 * `trainprint scan` writes one per run (render/runfile.h) and `trainprint
 * render` reads them back (parser/runfile.h), so that parsing can be spread
 * over many machines and the site built once.  The writer needs render's JSON
 * writer and the reader parser's YAML/JSON reader, so the two stay in their
 * layers; what they must agree on is here, once.
 *
 * The document is one object:
 *
 *   "format": TP_RUNDOC_FORMAT, "version": TP_RUNDOC_VERSION,
 *   "trainprint_version", "id", "dir", "experiment", "host", "start_s",
 *   "end_s", "window_source", "declared_duration_s", "restarts",
 *   "hparams" [{key, kind, text, number, source}], "tags" [[key, value]],
 *   "series" [{tag, decimated, stats?, points [[step, wall_time_s, value]]}],
 *   "skipped" [{tag, kind, count}],
 *   "inputs" [{path, format, size, mtime_s, sha256, energy_j}],
 *   "energy" {method, coverage, it_j, facility_j, co2e_kg,
 *             intensity_g_per_kwh, shared, gpu_count, gpu_model, gpu_j,
 *             devices [{id, name, energy_j, covered_s, share_s, peak_w, idle_w}]},
 *   "metric_cum_j" [..] or null, "target" {set, reached, value, step, time_s, it_j},
 *   "power" [{device, t0_s, dt_s, sum_w, max_w, min_w, count}],
 *   "diagnostics", "scan_diagnostics" [{severity, file, offset, line, message}],
 *   "assumptions" {pue, pue_source, intensity_g_per_kwh, intensity_source,
 *                  zone, intensity_year, intensity_series, timezone,
 *                  timezone_source} (optional)
 *
 * A reader refuses another format or version.  Numbers are written in
 * shortest round-trip form, so a run read back holds exactly the values
 * written; non-finite numbers are written as the strings "nan", "inf" and
 * "-inf".
 */
#ifndef TP_MODEL_RUNDOC_H
#define TP_MODEL_RUNDOC_H

#define TP_RUNDOC_FORMAT "trainprint-run" /* the "format" member */
#define TP_RUNDOC_VERSION 1               /* the "version" member */

#endif
