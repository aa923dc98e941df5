/* downsample: pick a few points of a long series to draw it faithfully.
 *
 * A chart needs at most a few thousand points per series; a power trace
 * sampled every 100 ms over a week has six million.  Both functions choose a
 * subset of the input points (never invent new ones), keep the first and the
 * last, and return the chosen indices in increasing order, so the caller can
 * carry along anything indexed like the points (error bars, labels).
 *
 * The x values must be in non-decreasing order and every x and y finite; the
 * chart drops non-finite points before calling.  Output arrays are the
 * caller's and must hold `max_points` indices.
 */
#ifndef TP_DOWNSAMPLE_H
#define TP_DOWNSAMPLE_H

#include <stddef.h>

/* Largest-Triangle-Three-Buckets (S. Steinarsson, "Downsampling Time Series
 * for Visual Representation", MSc thesis, University of Iceland, 2013): the
 * first and last points are kept; the rest are split into max_points-2
 * buckets of equal count, and from each bucket the point forming the largest
 * triangle with the previously chosen point and the mean of the next bucket is
 * kept.  Peaks and troughs survive; flat stretches thin out.
 *
 * Writes at most max_points indices to idx and returns how many.  When
 * n <= max_points every index is returned; max_points 0 gives 0, 1 gives the
 * first point, 2 the first and last. */
size_t tp_lttb(const double *x, const double *y, size_t n, size_t max_points, size_t *idx);

/* Min/max per bucket: the first and last points are kept, the rest are split
 * into (max_points-2)/2 buckets of equal count and from each the lowest and
 * the highest y are kept (in x order).  Every extreme of the series
 * survives, which suits power traces whose spikes matter; LTTB looks
 * smoother.  Same contract as tp_lttb; max_points < 4 falls back to it. */
size_t tp_minmax_downsample(const double *x, const double *y, size_t n, size_t max_points,
                            size_t *idx);

#endif
