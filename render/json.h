/* json: a small streaming JSON writer for summary.json and friends.
 *
 * Values are appended to a tp_buf in document order; keys are given with each
 * value inside objects (NULL inside arrays).  Strings are escaped (control
 * characters as \uXXXX; invalid UTF-8 bytes replaced by U+FFFD, so the output
 * is always valid JSON).  Non-finite numbers are written as null.  Output is
 * indented by two spaces per level and deterministic.
 */
#ifndef TP_JSON_H
#define TP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/mem.h"

#define TP_JSON_MAX_DEPTH 64

typedef struct tp_json {
  tp_buf out;
  int depth;
  bool has_items[TP_JSON_MAX_DEPTH]; /* whether the container at each depth has a member */
  bool flat[TP_JSON_MAX_DEPTH];      /* the container at each depth is written on one line */
} tp_json;

void tp_json_begin_object(tp_json *j, const char *key);
void tp_json_end_object(tp_json *j);
void tp_json_begin_array(tp_json *j, const char *key);
void tp_json_end_array(tp_json *j);
/* An array written on one line, members separated by ", " (and so is every
 * container inside it): for short rows of numbers.  Closed by
 * tp_json_end_array. */
void tp_json_begin_array_flat(tp_json *j, const char *key);
void tp_json_string(tp_json *j, const char *key, const char *value); /* NULL -> null */
/* A number with `decimals` digits after the point when decimals >= 0, else
 * the shortest round-trip form. */
void tp_json_number(tp_json *j, const char *key, double value, int decimals);
void tp_json_int(tp_json *j, const char *key, int64_t value);
void tp_json_bool(tp_json *j, const char *key, bool value);
void tp_json_null(tp_json *j, const char *key);

/* The length (1 to 4) of the valid UTF-8 sequence at s (n bytes available),
 * or 0 when it is not valid (overlong, surrogate, past U+10FFFF, cut short). */
size_t tp_utf8_len(const unsigned char *s, size_t n);

/* Append s to b as a JSON string literal, quotes included. */
void tp_json_quote(tp_buf *b, const char *s);

#endif
