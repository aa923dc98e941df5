/* textlog: plain-text training logs read through PCRE2 pattern sets.
 *
 * A pattern set is a list of rules; each line is tried against the rules in
 * order and the first that matches makes it a record.  A rule has
 *
 * - a line pattern whose named groups are read by name: "step" (also
 *   "iter"), "epoch", "time" (a timestamp, in the rule's strptime-style
 *   time_format, else any format timefmt knows), and any other name is a
 *   metric whose group must hold a number; names starting with '_' are
 *   ignored;
 * - optionally a pairs pattern with groups "name" and "value", applied again
 *   and again to the rest of the line ("loss=4.2, ppl=18.1" or
 *   "loss: 0.23  lr: 0.001"); a pair named step, iter, iteration,
 *   global_step or num_updates gives the step, epoch the epoch.
 *
 * The step of a record is its step group or pair; when the step goes back
 * while the epoch goes forward (step counted within each epoch) the count
 * continues after the previous epoch; a record with neither step nor epoch
 * takes the last step seen.  Lines that match no rule are ignored; a record
 * with no metric is ignored.
 *
 * Patterns are compiled once, JIT-compiled where PCRE2 can, and matched under
 * a match limit, a depth limit and a heap limit, so no pattern can hang the
 * program: a line on which a pattern gives up is reported and skipped, and a
 * rule that gives up on too many lines is switched off.
 */
#ifndef TP_TEXTLOG_H
#define TP_TEXTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/diag.h"
#include "model/metric.h"
#include "parser/text/timefmt.h"

#define TP_TEXTLOG_MATCH_LIMIT 100000u   /* pcre2_set_match_limit */
#define TP_TEXTLOG_DEPTH_LIMIT 1000u     /* pcre2_set_depth_limit */
#define TP_TEXTLOG_HEAP_LIMIT_KIB 8192u  /* pcre2_set_heap_limit */
#define TP_TEXTLOG_MAX_GIVEUPS 100       /* lines a rule may give up on before it is switched off */

typedef struct tp_textlog_rule {
  const char *name;        /* for diagnostics, e.g. "fairseq-inner" */
  const char *line;        /* PCRE2 pattern (see above) */
  const char *pairs;       /* NULL, or a PCRE2 pattern with groups name and value */
  const char *time_format; /* strptime-like for the time group (tp_time_parse_pattern),
                              NULL: any known format */
  const char *prefix;      /* put before every metric name ("val/"), NULL: none */
} tp_textlog_rule;

/* A pattern set: built-in, or filled by the configuration loader (which owns
 * the strings). */
typedef struct tp_textlog_set {
  const char *name;
  const tp_textlog_rule *rules;
  size_t n_rules;
} tp_textlog_set;

/* The built-in set of that name ("fairseq", "epoch-step", "key-value",
 * "nanogpt", "detectron2", "mmengine"), or NULL. */
const tp_textlog_set *tp_textlog_builtin(const char *name);
/* All built-in sets; *n gets their number. */
const tp_textlog_set *tp_textlog_builtins(size_t *n);

typedef struct tp_textlog tp_textlog; /* a compiled set */

/* Compile a set.  A rule whose pattern does not compile (or whose pairs
 * pattern lacks name/value groups) is reported with the position and left
 * out.  Returns NULL when no rule is left. */
tp_textlog *tp_textlog_compile(const tp_textlog_set *set, tp_diags *d);
void tp_textlog_free(tp_textlog *tl);

/* The pairs patterns of the built-in sets (and any pattern identical to one
 * of them) are matched by a hand-written scanner with the same results;
 * tp_textlog_force_pcre2(tl, true) makes every rule use PCRE2 (for tests and
 * benchmarks).  tp_textlog_scanned_rules: how many rules have a scanner. */
void tp_textlog_force_pcre2(tp_textlog *tl, bool on);
size_t tp_textlog_scanned_rules(const tp_textlog *tl);

typedef struct tp_textlog_stats {
  uint64_t lines;           /* lines read */
  uint64_t records;         /* lines that gave at least one metric */
  uint64_t values;          /* scalars delivered */
  uint64_t gave_up;         /* lines a pattern gave up on (limits) */
  double first_time_s, last_time_s; /* NAN when no timed record */
} tp_textlog_stats;

/* Read a log from f (name for diagnostics) through tl.  clock converts times
 * (NULL: UTC).  Records go to sink.  Returns 0, or -1 on a read error. */
int tp_textlog_read(tp_textlog *tl, FILE *f, const char *name, tp_clock *clock,
                    const tp_metric_sink *sink, tp_diags *d, tp_textlog_stats *st);

/* The built-in set that matches at least `min_records` lines of head (the
 * first bytes of a file), the one with most records; NULL if none.  The
 * key-value set is never guessed (too many files have key=value lines). */
const tp_textlog_set *tp_textlog_sniff(const char *head, size_t len, unsigned min_records);

#endif
