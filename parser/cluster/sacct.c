/* sacct: the `sacct -P` reader (header or configured columns), the sniffers
 * of both forms, and loading a file of either form. */
#include "parser/cluster/sacct.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"
#include "model/run.h"
#include "parser/cluster/sacct_impl.h"
#include "parser/text/number.h"
#include "parser/text/yamldoc.h"

#define S_MAX_FIELDS 256 /* columns of a header, and fields of a line */

/* Where each column we read is, -1 when absent. */
typedef struct S_columns {
  int id, id_raw, name, user, state, start, end, nodes, tres, workdir, energy, elapsed,
      elapsed_raw;
  size_t n;          /* columns in all */
  char sep;          /* the field separator: '|' (-P, -p), or a tab (--delimiter) */
} S_columns;

static const struct {
  const char *name;
  size_t offset;
} k_columns[] = {
    {"JobID", offsetof(S_columns, id)},         {"JobIDRaw", offsetof(S_columns, id_raw)},
    {"JobName", offsetof(S_columns, name)},     {"User", offsetof(S_columns, user)},
    {"State", offsetof(S_columns, state)},      {"Start", offsetof(S_columns, start)},
    {"End", offsetof(S_columns, end)},          {"NodeList", offsetof(S_columns, nodes)},
    {"AllocTRES", offsetof(S_columns, tres)},   {"WorkDir", offsetof(S_columns, workdir)},
    {"ConsumedEnergyRaw", offsetof(S_columns, energy)},
    {"Elapsed", offsetof(S_columns, elapsed)}, {"ElapsedRaw", offsetof(S_columns, elapsed_raw)},
};

/* A duration as sacct writes Elapsed: "[D-][HH:]MM:SS" (seconds), or NAN. */
static double S_elapsed(tp_field f) {
  long part[4] = {0, 0, 0, 0}; /* days, hours, minutes, seconds */
  size_t i = 0;
  int n_colon = 0;
  bool days = memchr(f.s, '-', f.n) != NULL, digit = false;
  long cur = 0;
  long fields[3] = {0, 0, 0};
  for (; i < f.n; i++) {
    char ch = f.s[i];
    if (ch >= '0' && ch <= '9') {
      if (cur > 100000000L) return NAN;
      cur = cur * 10 + (ch - '0');
      digit = true;
    } else if (ch == '-' && days && n_colon == 0 && digit) {
      part[0] = cur, cur = 0, digit = false;
    } else if (ch == ':' && n_colon < 2 && digit) {
      fields[n_colon++] = cur, cur = 0, digit = false;
    } else {
      return NAN;
    }
  }
  if (!digit || n_colon == 0) return NAN;
  fields[n_colon] = cur;
  if (n_colon == 2) part[1] = fields[0], part[2] = fields[1], part[3] = fields[2];
  else part[2] = fields[0], part[3] = fields[1];
  if (part[2] > 59 || part[3] > 59) return NAN;
  return (double)part[0] * 86400 + (double)part[1] * 3600 + (double)part[2] * 60 + (double)part[3];
}

/* Split line[0..len) at every sep (no quoting, no trimming: sacct -P writes
 * values as they are).  Returns the number of fields, which may exceed max. */
static size_t S_split(const char *line, size_t len, char sep, tp_field *out, size_t max) {
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && line[i] != sep) continue;
    if (n < max) out[n] = (tp_field){line + start, i - start};
    n++;
    start = i + 1;
  }
  return n;
}

/* Note that column i is called name[0..n) ("JobName%30": the width is dropped). */
static void S_column(S_columns *c, int i, const char *name, size_t n) {
  const char *pct = memchr(name, '%', n);
  tp_field f = {name, pct ? (size_t)(pct - name) : n};
  while (f.n && (f.s[0] == ' ' || f.s[0] == '\t')) f.s++, f.n--;
  while (f.n && (f.s[f.n - 1] == ' ' || f.s[f.n - 1] == '\t')) f.n--;
  for (size_t k = 0; k < sizeof k_columns / sizeof k_columns[0]; k++) {
    int *slot = (int *)((char *)c + k_columns[k].offset);
    if (*slot < 0 && tp_field_eq(f, k_columns[k].name)) *slot = i;
  }
}

static void S_columns_init(S_columns *c) {
  for (size_t k = 0; k < sizeof k_columns / sizeof k_columns[0]; k++)
    *(int *)((char *)c + k_columns[k].offset) = -1;
  c->n = 0;
}

/* The columns among JobID, Start, End that c lacks, named in missing
 * ("JobID, Start, End"); returns how many. */
static int S_missing(const S_columns *c, char missing[64]) {
  const char *name[3] = {"JobID", "Start", "End"};
  bool lacks[3] = {c->id < 0 && c->id_raw < 0, c->start < 0, c->end < 0};
  int n = 0;
  size_t at = 0;
  missing[0] = '\0';
  for (int k = 0; k < 3; k++)
    if (lacks[k]) /* at most "JobID, Start, End": well inside 64 bytes */
      at += (size_t)snprintf(missing + at, 64 - at, "%s%s", n++ ? ", " : "", name[k]);
  return n;
}

/* The columns of a configured --format list "JobID,JobName%30,...". */
static void S_columns_from_list(S_columns *c, const char *list) {
  S_columns_init(c);
  c->sep = '|';
  const char *s = list;
  while (c->n < S_MAX_FIELDS) {
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    S_column(c, (int)c->n++, s, n);
    if (!comma) break;
    s = comma + 1;
  }
}

/* The columns of a header line; false when it is not one (no job id column).
 * The separator is '|' when the line holds one, else a tab (sacct -P
 * --delimiter=$'\t', as --format=ALL users write it). */
static bool S_columns_from_header(S_columns *c, const char *line, size_t len) {
  char sep = memchr(line, '|', len) ? '|' : memchr(line, '\t', len) ? '\t' : 0;
  if (!sep) return false;
  tp_field f[S_MAX_FIELDS];
  size_t n = S_split(line, len, sep, f, S_MAX_FIELDS);
  if (n > S_MAX_FIELDS) return false;
  if (n > 1 && f[n - 1].n == 0) n--; /* -p: every line ends with '|' */
  S_columns_init(c);
  c->sep = sep;
  for (size_t i = 0; i < n; i++) S_column(c, (int)i, f[i].s, f[i].n);
  c->n = n;
  return c->id >= 0 || c->id_raw >= 0;
}

/* A time as sacct writes it: 0 and *t_s, 1 for "Unknown"/"None"/empty (not
 * known), -1 for a text that is no full date (relative times, ...). */
static int S_time(tp_field f, tp_clock *clock, double *t_s) {
  *t_s = NAN;
  if (f.n == 0 || tp_field_eq(f, "Unknown") || tp_field_eq(f, "None")) return 1;
  tp_clock utc;
  if (!clock) {
    tp_clock_init(&utc, NULL, 0);
    clock = &utc;
  }
  if (tp_clock_parse(clock, f.s, f.n, TP_TIME_AUTO, t_s) != 0 ||
      *t_s < TP_TIME_PLAUSIBLE_FROM_S) {
    *t_s = NAN;
    return -1;
  }
  return 0;
}

/* GPUs in an AllocTRES text "billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,...":
 * the untyped total, else the typed counts added; 0 when none is named. */
static int S_tres_gpus(tp_field f) {
  long total = -1, typed = 0;
  size_t i = 0;
  while (i < f.n) {
    size_t j = i;
    while (j < f.n && f.s[j] != ',') j++;
    const char *eq = memchr(f.s + i, '=', j - i);
    if (eq) {
      tp_field key = {f.s + i, (size_t)(eq - (f.s + i))};
      int64_t v;
      if (tp_parse_int64(eq + 1, (size_t)(f.s + j - eq - 1), &v) == 0 && v >= 0 && v < 1000000) {
        if (tp_field_eq(key, "gres/gpu")) total = (long)v;
        else if (key.n > 9 && strncmp(key.s, "gres/gpu:", 9) == 0) typed += (long)v;
      }
    }
    i = j + 1;
  }
  return (int)(total >= 0 ? total : typed);
}

static tp_field S_get(const tp_field *f, int i) {
  return i >= 0 ? f[i] : (tp_field){"", 0};
}

/* Fill rec from one line's fields (already aligned on the columns); -1 with a
 * diagnostic when its times cannot be read. */
static int S_record(tp_sacct_record *rec, const S_columns *c, const tp_field *f,
                    const tp_sacct_options *opt, int64_t line, tp_rdiag *rd) {
  memset(rec, 0, sizeof *rec);
  rec->id = S_get(f, c->id >= 0 ? c->id : c->id_raw);
  rec->name = S_get(f, c->name);
  rec->user = S_get(f, c->user);
  rec->state = S_get(f, c->state);
  rec->workdir = S_get(f, c->workdir);
  rec->nodes = S_get(f, c->nodes);
  rec->line = line;
  rec->gpus = c->tres >= 0 && f[c->tres].n ? S_tres_gpus(f[c->tres]) : -1;
  double e;
  tp_field ef = S_get(f, c->energy);
  rec->energy_j = ef.n && tp_csv_number(ef.s, ef.n, &e) == 0 ? tp_sacct_energy(e) : NAN;
  tp_field er = S_get(f, c->elapsed_raw);
  rec->elapsed_s = er.n && tp_csv_number(er.s, er.n, &e) == 0 && e >= 0 && e < 1e10
                       ? e
                       : S_elapsed(S_get(f, c->elapsed));
  tp_field ts = S_get(f, c->start), te = S_get(f, c->end);
  int ks = S_time(ts, opt->clock, &rec->start_s), ke = S_time(te, opt->clock, &rec->end_s);
  if (ks < 0 || ke < 0) {
    tp_field bad = ks < 0 ? ts : te;
    tp_rdiag_add(rd, TP_WARN, "relative time", line,
                 "time \"%.*s\" is not a date (SLURM_TIME_FORMAT=relative?): record of job "
                 "%.*s skipped; run sacct with the standard time format",
                 (int)(bad.n > 64 ? 64 : bad.n), bad.s, (int)(rec->id.n > 64 ? 64 : rec->id.n),
                 rec->id.s);
    return -1;
  }
  if (ks == 0 && ke == 0 && rec->end_s < rec->start_s) {
    tp_rdiag_add(rd, TP_WARN, "end before start", line,
                 "job %.*s ends before it starts: record skipped",
                 (int)(rec->id.n > 64 ? 64 : rec->id.n), rec->id.s);
    return -1;
  }
  return 0;
}

/* Merge fields [at, at + extra] into one (a job name holding '|'). */
static size_t S_align(tp_field *f, size_t n, size_t at, size_t extra) {
  f[at].n = (size_t)(f[at + extra].s + f[at + extra].n - f[at].s);
  memmove(f + at + 1, f + at + 1 + extra, (n - at - 1 - extra) * sizeof *f);
  return n - extra;
}

/* One data line: aligned on the columns, read and folded; 1 when a record
 * was folded. */
static int S_line(const char *line, size_t len, const S_columns *c, const tp_sacct_options *opt,
                  int64_t no, tp_slurm_jobs *jobs, tp_rdiag *rd) {
  tp_field f[S_MAX_FIELDS];
  size_t n = S_split(line, len, c->sep, f, S_MAX_FIELDS);
  if (n > S_MAX_FIELDS) {
    tp_rdiag_add(rd, TP_WARN, "too many fields", no, "more than %d fields: line skipped",
                 S_MAX_FIELDS);
    return 0;
  }
  if (n == c->n + 1 && f[n - 1].n == 0) n--; /* -p's trailing '|' */
  if (n > c->n && c->name >= 0) n = S_align(f, n, (size_t)c->name, n - c->n);
  if (n != c->n) {
    tp_rdiag_add(rd, TP_WARN, "field count", no, "%zu fields where the columns are %zu: line skipped",
                 n, c->n);
    return 0;
  }
  tp_field id = S_get(f, c->id >= 0 ? c->id : c->id_raw);
  if (id.n == 0 || tp_field_eq(id, "JobID") || tp_field_eq(id, "JobIDRaw")) return 0;
  tp_sacct_record rec;
  if (S_record(&rec, c, f, opt, no, rd) != 0) return 0;
  tp_sacct_fold(jobs, &rec, rd);
  return 1;
}

long tp_sacct_read(tp_lines *lr, const tp_sacct_options *opt, tp_slurm_jobs *jobs,
                   tp_rdiag *rd) {
  static const tp_sacct_options none = {0};
  if (!opt) opt = &none;
  S_columns c;
  S_columns_init(&c);
  bool have = false;
  if (opt->columns) {
    S_columns_from_list(&c, opt->columns);
    have = c.id >= 0 || c.id_raw >= 0;
  }
  long records = 0;
  const char *line;
  size_t len;
  while (tp_lines_next(lr, &line, &len)) {
    if (len == 0) continue;
    if (!have) {
      have = S_columns_from_header(&c, line, len);
      if (!have) break;
      continue;
    }
    records += S_line(line, len, &c, opt, lr->line, jobs, rd);
  }
  if (!have || c.start < 0) {
    char missing[64];
    tp_rdiag_add(rd, TP_ERROR, "no columns", -1,
                 "sacct output without the column%s %s that a job's run needs; not read (give "
                 "sacct --format JobID,Start,End,... or configure the columns of --noheader "
                 "output)",
                 S_missing(&c, missing) > 1 ? "s" : "", missing);
    return -1;
  }
  return records;
}

/* Column names of sacct's --format (sacct --helpformat, Slurm 20 to 24),
 * by which a header that lacks the columns a run needs is still told to be
 * sacct output. */
static const char *const k_sacct_names[] = {
    "Account", "AdminComment", "AllocCPUS", "AllocNodes", "AllocTRES", "AssocID", "AveCPU",
    "AveCPUFreq", "AveDiskRead", "AveDiskWrite", "AvePages", "AveRSS", "AveVMSize", "BlockID",
    "Cluster", "Comment", "Constraints", "ConsumedEnergy", "ConsumedEnergyRaw", "Container",
    "CPUTime", "CPUTimeRAW", "DBIndex", "DerivedExitCode", "Elapsed", "ElapsedRaw", "Eligible",
    "End", "ExitCode", "Extra", "FailedNode", "Flags", "GID", "Group", "JobID", "JobIDRaw",
    "JobName", "Layout", "Licenses", "MaxDiskRead", "MaxDiskWrite", "MaxPages", "MaxRSS",
    "MaxRSSNode", "MaxVMSize", "McsLabel", "MinCPU", "NCPUS", "NNodes", "NodeList", "NTasks",
    "Partition", "Planned", "PlannedCPU", "PlannedCPURAW", "Priority", "QOS", "QOSRAW", "Reason",
    "ReqCPUFreq", "ReqCPUS", "ReqMem", "ReqNodes", "ReqTRES", "Reservation", "ReservationId",
    "Reserved", "ResvCPU", "ResvCPURAW", "Start", "State", "Submit", "SubmitLine", "Suspended",
    "SystemComment", "SystemCPU", "Timelimit", "TimelimitRaw", "TotalCPU", "UID", "User",
    "UserCPU", "WCKey", "WCKeyID", "WorkDir"};

/* Is f one of sacct's column names (a width "%30" dropped)? */
static bool S_sacct_name(tp_field f) {
  const char *pct = memchr(f.s, '%', f.n);
  if (pct) f.n = (size_t)(pct - f.s);
  for (size_t k = 0; k < sizeof k_sacct_names / sizeof k_sacct_names[0]; k++)
    if (tp_field_eq(f, k_sacct_names[k])) return true;
  return false;
}

bool tp_sacct_sniff_lacking(const char *head, size_t len, char missing[64]) {
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, len -= 3;
  const char *nl = memchr(head, '\n', len);
  size_t n = nl ? (size_t)(nl - head) : len;
  if (n && head[n - 1] == '\r') n--;
  if (!memchr(head, '|', n)) return false;
  tp_field f[S_MAX_FIELDS];
  size_t nf = S_split(head, n, '|', f, S_MAX_FIELDS);
  if (nf > S_MAX_FIELDS) return false;
  if (nf > 1 && f[nf - 1].n == 0) nf--; /* -p */
  size_t known = 0;
  for (size_t i = 0; i < nf; i++) known += S_sacct_name(f[i]);
  /* Three names of sacct's at least, and two fields in three its. */
  if (known < 3 || 3 * known < 2 * nf) return false;
  S_columns c;
  S_columns_init(&c);
  for (size_t i = 0; i < nf; i++) S_column(&c, (int)i, f[i].s, f[i].n);
  char names[64];
  return S_missing(&c, missing ? missing : names) > 0 &&
         ((c.id < 0 && c.id_raw < 0) || c.start < 0);
}

bool tp_sacct_sniff(const char *head, size_t len) {
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, len -= 3;
  const char *nl = memchr(head, '\n', len);
  size_t n = nl ? (size_t)(nl - head) : len;
  if (n && head[n - 1] == '\r') n--;
  S_columns c;
  return S_columns_from_header(&c, head, n) && (c.start >= 0 || c.end >= 0 || c.nodes >= 0);
}

bool tp_sacct_json_sniff(const char *head, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
  if (i >= len || head[i] != '{') return false;
  return tp_mem_contains(head, len, "\"jobs\"") &&
         (tp_mem_contains(head, len, "\"job_id\"") ||
          tp_mem_contains(head, len, "\"data_parser\""));
}

/* The whole file at f (at most TP_YDOC_MAX_BYTES), read into a fresh buffer
 * (the caller frees), or NULL. */
static char *S_slurp(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = tp_xmalloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap >= TP_YDOC_MAX_BYTES) {
        free(buf);
        return NULL;
      }
      cap *= 2;
      buf = tp_xrealloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

static long S_load_lines(FILE *f, const char *path, const tp_sacct_options *opt,
                         tp_slurm_jobs *jobs, tp_diags *d) {
  tp_rdiag rd;
  tp_rdiag_init(&rd, d, path);
  tp_lines lr;
  tp_lines_init(&lr, f, &rd, 0);
  long n = tp_sacct_read(&lr, opt, jobs, &rd);
  tp_lines_free(&lr);
  tp_rdiag_finish(&rd);
  return n;
}

long tp_sacct_load(const char *path, const tp_sacct_options *opt, tp_slurm_jobs *jobs,
                   tp_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot open: %s", strerror(errno));
    return -1;
  }
  char head[4096];
  size_t got = fread(head, 1, sizeof head, f);
  rewind(f);
  long n = -1;
  if (tp_sacct_json_sniff(head, got)) {
    size_t len = 0;
    char *buf = S_slurp(f, &len);
    if (buf) n = tp_sacct_read_json(buf, len, path, jobs, d);
    else tp_diag_add(d, TP_ERROR, path, -1, -1, "cannot read (or larger than %u bytes): not used",
                     (unsigned)TP_YDOC_MAX_BYTES);
    free(buf);
  } else if ((opt && opt->columns) || tp_sacct_sniff(head, got) ||
             tp_sacct_sniff_lacking(head, got, NULL)) {
    n = S_load_lines(f, path, opt, jobs, d);
  } else {
    tp_diag_add(d, TP_ERROR, path, -1, -1, "not sacct -P or sacct --json output: not used");
  }
  fclose(f);
  return n;
}
