/* energy_jobs: which window of the integrator may use which device when: the
 * device lists of runs, the hosts and holds of scheduler jobs, and the spans
 * of a job requeued onto other nodes (see energy.h). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/energy_impl.h"
#include "model/mem.h"

/* Free the spans of w. */
void tp_energy_free_spans(tp_energy_win *w) {
  for (size_t k = 0; k < w->n_spans; k++) {
    for (size_t h = 0; h < w->spans[k].n_hosts; h++) free(w->spans[k].hosts[h]);
    free(w->spans[k].hosts);
  }
  free(w->spans);
  w->spans = NULL;
  w->n_spans = 0;
}

static bool S_allows(const tp_energy_win *w, const char *id) {
  if (!w->devices) return true;
  for (size_t k = 0; k < w->n_devices; k++) {
    const char *want = w->devices[k];
    if (strcmp(want, id) == 0) return true;
    size_t n = strlen(want);
    bool digits = n > 0;
    for (size_t i = 0; i < n; i++)
      if (!isdigit((unsigned char)want[i])) digits = false;
    /* "gpuN", or "HOST/gpuN" of a trace of several hosts (DCGM metrics) */
    const char *slash = strrchr(id, '/');
    const char *gpu = slash ? slash + 1 : id;
    if (digits && strncmp(gpu, "gpu", 3) == 0 && strcmp(gpu + 3, want) == 0) return true;
  }
  return false;
}

/* ---- jobs and holds ------------------------------------------------------ */

void tp_energy_window_job(tp_energy *e, size_t i, const char *job, const char *const *hosts,
                          size_t n_hosts) {
  if (i >= e->n_win || !job || e->finished) return;
  tp_energy_win *w = &e->win[i];
  free(w->job);
  w->job = tp_xstrdup(job);
  for (size_t k = 0; k < w->n_hosts; k++) free(w->hosts[k]);
  free(w->hosts);
  w->hosts = tp_xcalloc(n_hosts + 1, sizeof *w->hosts);
  w->n_hosts = n_hosts;
  for (size_t k = 0; k < n_hosts; k++) w->hosts[k] = tp_xstrdup(hosts[k]);
}

void tp_energy_window_spans(tp_energy *e, size_t i, const tp_energy_span *spans, size_t n) {
  if (i >= e->n_win || e->finished) return;
  tp_energy_win *w = &e->win[i];
  tp_energy_free_spans(w);
  w->spans = tp_xcalloc(n + 1, sizeof *w->spans);
  w->n_spans = n;
  for (size_t k = 0; k < n; k++) {
    tp_energy_win_span *sp = &w->spans[k];
    sp->start_s = spans[k].start_s;
    sp->end_s = isnan(spans[k].end_s) ? INFINITY : spans[k].end_s;
    sp->hosts = tp_xcalloc(spans[k].n_hosts + 1, sizeof *sp->hosts);
    sp->n_hosts = spans[k].n_hosts;
    for (size_t h = 0; h < spans[k].n_hosts; h++) sp->hosts[h] = tp_xstrdup(spans[k].hosts[h]);
  }
}

void tp_energy_add_hold(tp_energy *e, const char *device, const char *job, double start_s,
                        double end_s) {
  if (!device || !job || e->finished || !(end_s >= start_s)) return;
  TP_GROW(e->holds, e->cap_holds, e->n_holds + 1);
  e->holds[e->n_holds++] = (tp_energy_hold_in){tp_xstrdup(device), tp_xstrdup(job), start_s, end_s};
}

size_t tp_energy_n_holds(const tp_energy *e) { return e->n_holds; }

void tp_energy_get_hold(const tp_energy *e, size_t k, tp_energy_hold *out) {
  const tp_energy_hold_in *h = &e->holds[k];
  *out = (tp_energy_hold){h->device, h->job, h->start_s, h->end_s};
}

bool tp_energy_same_host(const char *a, const char *b) {
  size_t na = strcspn(a, "."), nb = strcspn(b, ".");
  if (strcmp(a, b) == 0) return true;
  if (a[na] && b[nb]) return false; /* two full names that differ */
  return na == nb && strncmp(a, b, na) == 0;
}

bool tp_energy_device_on(const char *id, const char *const *hosts, size_t n_hosts) {
  const char *slash = strrchr(id, '/');
  if (!n_hosts || !slash) return true;
  char host[256];
  size_t n = (size_t)(slash - id) < sizeof host ? (size_t)(slash - id) : sizeof host - 1;
  memcpy(host, id, n);
  host[n] = '\0';
  for (size_t k = 0; k < n_hosts; k++)
    if (tp_energy_same_host(host, hosts[k])) return true;
  return false;
}

/* At close: each device's holds, and which job windows some hold names. */
void tp_energy_index_holds(tp_energy *e) {
  for (size_t d = 0; d < e->n_dev && e->n_holds; d++) {
    tp_energy_dev *dv = &e->dev[d];
    dv->holds = tp_xcalloc(e->n_holds, sizeof *dv->holds);
    for (size_t k = 0; k < e->n_holds; k++)
      if (strcmp(e->holds[k].device, dv->id) == 0) dv->holds[dv->n_holds++] = k;
  }
  for (size_t i = 0; i < e->n_win; i++)
    for (size_t k = 0; e->win[i].job && k < e->n_holds && !e->win[i].labelled; k++)
      e->win[i].labelled = strcmp(e->holds[k].job, e->win[i].job) == 0;
}

/* May window w use device dv at all, its hosts and the holds' jobs
 * considered (not yet their times)? */
static bool S_allows_any(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv) {
  if (!S_allows(w, dv->id)) return false;
  if (!w->job) return true;
  if (!tp_energy_device_on(dv->id, (const char *const *)w->hosts, w->n_hosts)) return false;
  if (!w->labelled) return true;
  for (size_t k = 0; k < dv->n_holds; k++)
    if (strcmp(e->holds[dv->holds[k]].job, w->job) == 0) return true;
  return false;
}

/* Does a span of window w (which has some) let it use device dv in segment
 * s: one that holds the segment's middle, on one of whose hosts dv is? */
bool tp_energy_span_allows(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv,
                           size_t s) {
  double mid = 0.5 * (e->bounds[s] + e->bounds[s + 1]);
  for (size_t k = 0; k < w->n_spans; k++) {
    const tp_energy_win_span *sp = &w->spans[k];
    if (mid >= sp->start_s && mid < sp->end_s &&
        tp_energy_device_on(dv->id, (const char *const *)sp->hosts, sp->n_hosts))
      return true;
  }
  return false;
}

/* May window w, which may use device dv (tp_energy_allows_dev), use it in segment s?
 * Within its spans (if it has any) on their hosts only; then a job's window:
 * while a hold names it, if some hold names it at all; else while no hold
 * names another job. */
bool tp_energy_allows_at(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv,
                         size_t s) {
  if (w->n_spans && !tp_energy_span_allows(e, w, dv, s)) return false;
  if (!w->job || !dv->n_holds) return !w->labelled || !w->job;
  double mid = 0.5 * (e->bounds[s] + e->bounds[s + 1]);
  bool mine = false, other = false;
  for (size_t k = 0; k < dv->n_holds; k++) {
    const tp_energy_hold_in *h = &e->holds[dv->holds[k]];
    if (mid < h->start_s || mid > h->end_s) continue;
    if (strcmp(h->job, w->job) == 0) mine = true;
    else other = true;
  }
  return w->labelled ? mine : !other;
}

/* May window w use device dv in some segment?  (Known from close on.) */
bool tp_energy_allows_dev(const tp_energy *e, const tp_energy_win *w, const tp_energy_dev *dv) {
  if (e->allow) return e->allow[(size_t)(w - e->win) * e->n_dev + (size_t)(dv - e->dev)];
  return S_allows_any(e, w, dv);
}

/* At close: which window may use which device in some segment. */
void tp_energy_fill_allow(tp_energy *e) {
  e->allow = tp_xcalloc(e->n_win * e->n_dev + 1, 1);
  for (size_t i = 0; i < e->n_win; i++)
    for (size_t d = 0; d < e->n_dev; d++) {
      const tp_energy_win *w = &e->win[i];
      bool ok = S_allows_any(e, w, &e->dev[d]);
      if (ok && (w->job || w->n_spans) && w->valid) {
        ok = false;
        for (size_t s = w->seg_lo; s < w->seg_hi && !ok; s++)
          ok = tp_energy_allows_at(e, w, &e->dev[d], s);
      }
      e->allow[i * e->n_dev + d] = ok;
    }
}
