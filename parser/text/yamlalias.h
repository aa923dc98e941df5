/* yamlalias: libyaml's events with aliases resolved, within bounds.
 *
 * libyaml's parser hands an alias (`*name`) over as one ALIAS event; what it
 * stands for is the node its anchor (`&name`) was written on.  This module
 * sits between the parser and a reader: it records the events of every
 * anchored node as they pass, and when an alias comes, hands over a copy of
 * those events instead (anchors stripped), as if the node had been written
 * there again.  Python's yaml.dump writes shared lists this way (`nclass:
 * &id001 [2, 2, 2]` ... `nclass: *id001`).
 *
 * An alias is handed over unresolved (an ALIAS event, which the reader
 * refuses as before) when its anchor is unknown, still open (an alias inside
 * its own anchor: a cycle), or when expanding it would take the events
 * replayed so far past max_replayed: that bound is what keeps nested aliases
 * ("billion laughs") from growing without limit.  Recording is bounded too:
 * at most TP_YALIAS_MAX_OPEN anchors nested in one another are recorded and
 * at most TP_YALIAS_MAX_BYTES of copies are kept; anchors past those are not
 * recorded (their aliases are refused).  tp_yalias_why says why the last
 * alias handed over was refused.
 *
 * Ownership: the caller owns the parser and every event it receives (free
 * each with yaml_event_delete, as for yaml_parser_parse).
 */
#ifndef TP_YAMLALIAS_H
#define TP_YAMLALIAS_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#define TP_YALIAS_MAX_OPEN 64
#define TP_YALIAS_MAX_BYTES ((size_t)16 << 20)
#define TP_YALIAS_MAX_REPLAYED ((size_t)10000) /* a default for max_replayed: the
                                                 aliases of hparams are a few short lists */

typedef struct tp_yalias tp_yalias;

/* A resolver over parser (not owned), replaying at most max_replayed events
 * in all. */
tp_yalias *tp_yalias_new(yaml_parser_t *parser, size_t max_replayed);
void tp_yalias_free(tp_yalias *a);

/* The next event, as yaml_parser_parse: 1 with *ev filled, 0 on a parser
 * error (the parser's problem fields say which).  Replayed events carry the
 * marks of the anchored node they copy. */
int tp_yalias_next(tp_yalias *a, yaml_event_t *ev);

/* Why the last ALIAS event handed over was not resolved: "unknown anchor",
 * "an alias inside its own anchor", "expansion limit reached", "anchor not
 * recorded (limits)"; "" when none was refused. */
const char *tp_yalias_why(const tp_yalias *a);

/* Events replayed so far. */
size_t tp_yalias_replayed(const tp_yalias *a);

#endif
