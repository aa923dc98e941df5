/* yamlalias: resolve libyaml aliases by replaying the anchored node's events
 * (see yamlalias.h). */
#include "parser/text/yamlalias.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/mem.h"

#define S_MAX_ANCHORS 4096 /* anchors recorded; later ones are refused */
#define S_TABLE 8192       /* hash slots: a power of two, twice S_MAX_ANCHORS */

/* One recorded event: what is needed to hand over an equal one. */
typedef struct S_ev {
  yaml_event_type_t type;
  char *value;          /* SCALAR: its text; ALIAS (a refused one): the anchor */
  size_t len;
  char *tag;            /* or NULL */
  int style, plain_implicit, quoted_implicit, implicit;
  yaml_mark_t start, end;
} S_ev;

typedef struct S_anchor {
  char *name;
  S_ev *evs;            /* the node's events, anchors stripped */
  size_t n, cap;
  size_t depth;         /* containers open inside the node while recording */
  bool done;            /* the node is complete */
  bool dropped;         /* not recorded (limits): its aliases are refused */
} S_anchor;

struct tp_yalias {
  yaml_parser_t *parser;
  S_anchor *anchors;
  size_t n_anchors, cap_anchors;
  int32_t table[S_TABLE]; /* name hash -> latest anchor index + 1; 0: empty */
  size_t open[TP_YALIAS_MAX_OPEN]; /* anchors being recorded, outermost first */
  size_t n_open;
  bool replaying;       /* handing over anchors[replay_anchor] */
  size_t replay_anchor, replay_pos;
  size_t replayed, max_replayed, bytes;
  bool full;            /* TP_YALIAS_MAX_BYTES reached: nothing more is recorded */
  const char *why;
};

tp_yalias *tp_yalias_new(yaml_parser_t *parser, size_t max_replayed) {
  tp_yalias *a = tp_xcalloc(1, sizeof *a);
  a->parser = parser;
  a->max_replayed = max_replayed;
  a->why = "";
  return a;
}

static void S_anchor_clear(S_anchor *an) {
  for (size_t i = 0; i < an->n; i++) {
    free(an->evs[i].value);
    free(an->evs[i].tag);
  }
  free(an->evs);
  an->evs = NULL;
  an->n = an->cap = 0;
}

void tp_yalias_free(tp_yalias *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n_anchors; i++) {
    S_anchor_clear(&a->anchors[i]);
    free(a->anchors[i].name);
  }
  free(a->anchors);
  free(a);
}

const char *tp_yalias_why(const tp_yalias *a) { return a->why; }
size_t tp_yalias_replayed(const tp_yalias *a) { return a->replayed; }

/* The hash slot of name: where it is, or the empty slot where it would go. */
static size_t S_slot(const tp_yalias *a, const char *name) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
  for (size_t i = h & (S_TABLE - 1);; i = (i + 1) & (S_TABLE - 1)) {
    int32_t k = a->table[i];
    if (!k || strcmp(a->anchors[k - 1].name, name) == 0) return i;
  }
}

/* A new anchor named name (a later one of the same name hides the earlier);
 * its index, or SIZE_MAX when the table is full. */
static size_t S_add_anchor(tp_yalias *a, const char *name) {
  if (a->n_anchors >= S_MAX_ANCHORS) return SIZE_MAX;
  TP_GROW(a->anchors, a->cap_anchors, a->n_anchors + 1);
  size_t i = a->n_anchors++;
  a->anchors[i] = (S_anchor){.name = tp_xstrdup(name)};
  a->table[S_slot(a, name)] = (int32_t)(i + 1);
  return i;
}

static const char *S_anchor_of(const yaml_event_t *ev) {
  switch (ev->type) {
    case YAML_SCALAR_EVENT: return (const char *)ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT: return (const char *)ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT: return (const char *)ev->data.mapping_start.anchor;
    default: return NULL;
  }
}

/* Append a copy of ev to an anchor's recording. */
static void S_append(tp_yalias *a, S_anchor *an, const yaml_event_t *ev) {
  S_ev e = {.type = ev->type, .start = ev->start_mark, .end = ev->end_mark};
  const yaml_char_t *tag = NULL;
  switch (ev->type) {
    case YAML_SCALAR_EVENT:
      e.value = tp_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
      e.len = ev->data.scalar.length;
      tag = ev->data.scalar.tag;
      e.style = (int)ev->data.scalar.style;
      e.plain_implicit = ev->data.scalar.plain_implicit;
      e.quoted_implicit = ev->data.scalar.quoted_implicit;
      break;
    case YAML_ALIAS_EVENT:
      e.value = tp_xstrdup((const char *)ev->data.alias.anchor);
      e.len = strlen(e.value);
      break;
    case YAML_SEQUENCE_START_EVENT:
      tag = ev->data.sequence_start.tag;
      e.style = (int)ev->data.sequence_start.style;
      e.implicit = ev->data.sequence_start.implicit;
      break;
    case YAML_MAPPING_START_EVENT:
      tag = ev->data.mapping_start.tag;
      e.style = (int)ev->data.mapping_start.style;
      e.implicit = ev->data.mapping_start.implicit;
      break;
    default: break;
  }
  if (tag) e.tag = tp_xstrdup((const char *)tag);
  a->bytes += sizeof e + e.len + (e.tag ? strlen(e.tag) : 0);
  TP_GROW(an->evs, an->cap, an->n + 1);
  an->evs[an->n++] = e;
}

/* Stop recording: the byte budget is spent.  Open anchors are dropped. */
static void S_fill_up(tp_yalias *a) {
  for (size_t k = 0; k < a->n_open; k++) {
    S_anchor *an = &a->anchors[a->open[k]];
    S_anchor_clear(an);
    an->dropped = true;
  }
  a->n_open = 0;
  a->full = true;
}

/* Record ev into every open anchor (and open a new one for its own anchor). */
static void S_record(tp_yalias *a, const yaml_event_t *ev) {
  const char *name = S_anchor_of(ev);
  if (name) {
    size_t i = S_add_anchor(a, name);
    if (i != SIZE_MAX) {
      if (a->full || a->n_open == TP_YALIAS_MAX_OPEN) a->anchors[i].dropped = true;
      else a->open[a->n_open++] = i;
    }
  }
  bool start = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
  bool end = ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT;
  for (size_t k = 0; k < a->n_open; k++) {
    S_anchor *an = &a->anchors[a->open[k]];
    S_append(a, an, ev);
    if (start) an->depth++;
    if (end && an->depth) an->depth--;
  }
  /* The innermost anchors whose node just closed are complete. */
  while (a->n_open && a->anchors[a->open[a->n_open - 1]].depth == 0) {
    a->anchors[a->open[a->n_open - 1]].done = true;
    a->n_open--;
  }
  if (a->bytes > TP_YALIAS_MAX_BYTES) S_fill_up(a);
}

/* Fill ev with a copy of recorded event e. */
static void S_build(yaml_event_t *ev, const S_ev *e) {
  int ok = 0;
  yaml_char_t *tag = (yaml_char_t *)e->tag;
  switch (e->type) {
    case YAML_SCALAR_EVENT:
      ok = yaml_scalar_event_initialize(ev, NULL, tag, (yaml_char_t *)e->value, (int)e->len,
                                        e->plain_implicit, e->quoted_implicit,
                                        (yaml_scalar_style_t)e->style);
      break;
    case YAML_ALIAS_EVENT: ok = yaml_alias_event_initialize(ev, (yaml_char_t *)e->value); break;
    case YAML_SEQUENCE_START_EVENT:
      ok = yaml_sequence_start_event_initialize(ev, NULL, tag, e->implicit,
                                                (yaml_sequence_style_t)e->style);
      break;
    case YAML_MAPPING_START_EVENT:
      ok = yaml_mapping_start_event_initialize(ev, NULL, tag, e->implicit,
                                               (yaml_mapping_style_t)e->style);
      break;
    case YAML_SEQUENCE_END_EVENT: ok = yaml_sequence_end_event_initialize(ev); break;
    case YAML_MAPPING_END_EVENT: ok = yaml_mapping_end_event_initialize(ev); break;
    default: break;
  }
  if (!ok) {
    /* Every recorded event came from the parser, so only memory can fail. */
    fprintf(stderr, "trainprint: out of memory (libyaml)\n");
    abort();
  }
  ev->start_mark = e->start;
  ev->end_mark = e->end;
}

int tp_yalias_next(tp_yalias *a, yaml_event_t *ev) {
  for (;;) {
    if (a->replaying) {
      const S_anchor *an = &a->anchors[a->replay_anchor];
      if (a->replay_pos == an->n) {
        a->replaying = false;
        continue;
      }
      S_build(ev, &an->evs[a->replay_pos++]);
      a->replayed++;
      /* A refused alias inside the node stays refused. */
      S_record(a, ev);
      return 1;
    }
    if (!yaml_parser_parse(a->parser, ev)) return 0;
    if (ev->type == YAML_ALIAS_EVENT) {
      size_t k = (size_t)a->table[S_slot(a, (const char *)ev->data.alias.anchor)];
      const S_anchor *an = k ? &a->anchors[k - 1] : NULL;
      if (!an) a->why = "unknown anchor";
      else if (an->dropped) a->why = "anchor not recorded (limits)";
      else if (!an->done) a->why = "an alias inside its own anchor";
      else if (an->n > a->max_replayed - a->replayed) a->why = "expansion limit reached";
      else {
        a->replaying = true;
        a->replay_anchor = k - 1;
        a->replay_pos = 0;
        yaml_event_delete(ev);
        continue;
      }
    }
    S_record(a, ev);
    return 1;
  }
}
