/* downsample: LTTB and min/max bucket downsampling of a series. */
#include "render/downsample.h"

#include <math.h>

/* The points [0, n) when they all fit, or the degenerate cases of max_points
 * below 3; returns the count written, or (size_t)-1 when real work remains. */
static size_t S_trivial(size_t n, size_t max_points, size_t *idx) {
  if (n <= max_points) {
    for (size_t i = 0; i < n; i++) idx[i] = i;
    return n;
  }
  if (max_points == 0) return 0;
  if (max_points == 1) {
    idx[0] = 0;
    return 1;
  }
  if (max_points == 2) {
    idx[0] = 0;
    idx[1] = n - 1;
    return 2;
  }
  return (size_t)-1;
}

size_t tp_lttb(const double *x, const double *y, size_t n, size_t max_points, size_t *idx) {
  size_t done = S_trivial(n, max_points, idx);
  if (done != (size_t)-1) return done;

  /* Buckets cover the interior points [1, n-1); bucket b is [lo(b), lo(b+1)). */
  size_t nb = max_points - 2, inner = n - 2, out = 0, prev = 0;
  idx[out++] = 0;
  for (size_t b = 0; b < nb; b++) {
    size_t lo = 1 + b * inner / nb, hi = 1 + (b + 1) * inner / nb;
    /* The mean of the next bucket, or the last point after the final bucket. */
    double mx = 0, my = 0;
    if (b + 1 < nb) {
      size_t nlo = hi, nhi = 1 + (b + 2) * inner / nb;
      for (size_t i = nlo; i < nhi; i++) mx += x[i], my += y[i];
      mx /= (double)(nhi - nlo);
      my /= (double)(nhi - nlo);
    } else {
      mx = x[n - 1];
      my = y[n - 1];
    }
    size_t best = lo;
    double best_area = -1;
    for (size_t i = lo; i < hi; i++) {
      /* Twice the triangle's area; the factor does not change the choice. */
      double area = fabs((x[prev] - mx) * (y[i] - y[prev]) - (x[prev] - x[i]) * (my - y[prev]));
      if (area > best_area) best_area = area, best = i;
    }
    idx[out++] = prev = best;
  }
  idx[out++] = n - 1;
  return out;
}

size_t tp_minmax_downsample(const double *x, const double *y, size_t n, size_t max_points,
                            size_t *idx) {
  if (n <= max_points || max_points < 4) return tp_lttb(x, y, n, max_points, idx);
  size_t nb = (max_points - 2) / 2, inner = n - 2, out = 0;
  idx[out++] = 0;
  for (size_t b = 0; b < nb; b++) {
    size_t lo = 1 + b * inner / nb, hi = 1 + (b + 1) * inner / nb;
    size_t imin = lo, imax = lo;
    for (size_t i = lo + 1; i < hi; i++) {
      if (y[i] < y[imin]) imin = i;
      if (y[i] > y[imax]) imax = i;
    }
    size_t a = imin < imax ? imin : imax, c = imin < imax ? imax : imin;
    idx[out++] = a;
    if (c != a) idx[out++] = c;
  }
  idx[out++] = n - 1;
  return out;
}
