/* json: streaming JSON writer. */
#include "render/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/run.h"

size_t tp_utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) len = 2, min = 0x80;
  else if ((c & 0xF0) == 0xE0) len = 3, min = 0x800;
  else if ((c & 0xF8) == 0xF0) len = 4, min = 0x10000;
  else return 0;
  if (len > n) return 0;
  unsigned cp = c & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void tp_json_quote(tp_buf *b, const char *s) {
  tp_buf_addc(b, '"');
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  while (n) {
    unsigned c = *p;
    size_t len = tp_utf8_len(p, n);
    if (len == 0) {
      tp_buf_adds(b, "\\ufffd");
      p++, n--;
      continue;
    }
    unsigned cp = 0;
    if (len > 1) {
      cp = p[0] & (0xFFu >> (len + 1));
      for (size_t i = 1; i < len; i++) cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (len > 1 && ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
                    cp == 0xFFFE || cp == 0xFFFF)) {
      /* Valid JSON either way, but YAML readers (and some JavaScript) take
       * these raw characters for line breaks or refuse them: escaped, the
       * string reads back the same everywhere. */
      tp_buf_printf(b, "\\u%04x", cp);
    } else if (len > 1) {
      tp_buf_add(b, (const char *)p, len);
    } else if (c == '"' || c == '\\') {
      tp_buf_addc(b, '\\');
      tp_buf_addc(b, (char)c);
    } else if (c == '\n') {
      tp_buf_adds(b, "\\n");
    } else if (c == '\t') {
      tp_buf_adds(b, "\\t");
    } else if (c < 0x20 || c == 0x7F) {
      tp_buf_printf(b, "\\u%04x", c);
    } else {
      tp_buf_addc(b, (char)c);
    }
    p += len, n -= len;
  }
  tp_buf_addc(b, '"');
}

static void S_indent(tp_json *j) {
  tp_buf_addc(&j->out, '\n');
  for (int i = 0; i < j->depth; i++) tp_buf_adds(&j->out, "  ");
}

/* Separator, indentation and key before a value. */
static void S_member(tp_json *j, const char *key) {
  if (j->depth > 0) {
    bool flat = j->flat[j->depth];
    if (j->has_items[j->depth]) tp_buf_adds(&j->out, flat ? ", " : ",");
    j->has_items[j->depth] = true;
    if (!flat) S_indent(j);
  }
  if (key) {
    tp_json_quote(&j->out, key);
    tp_buf_adds(&j->out, ": ");
  }
}

static void S_open(tp_json *j, const char *key, char c, bool flat) {
  S_member(j, key);
  tp_buf_addc(&j->out, c);
  bool in_flat = j->depth > 0 && j->flat[j->depth];
  if (j->depth + 1 < TP_JSON_MAX_DEPTH) j->depth++;
  j->has_items[j->depth] = false;
  j->flat[j->depth] = flat || in_flat;
}

static void S_close(tp_json *j, char c) {
  bool had = j->has_items[j->depth], flat = j->flat[j->depth];
  if (j->depth > 0) j->depth--;
  if (had && !flat) S_indent(j);
  tp_buf_addc(&j->out, c);
  if (j->depth == 0) tp_buf_addc(&j->out, '\n');
}

void tp_json_begin_object(tp_json *j, const char *key) { S_open(j, key, '{', false); }
void tp_json_end_object(tp_json *j) { S_close(j, '}'); }
void tp_json_begin_array(tp_json *j, const char *key) { S_open(j, key, '[', false); }
void tp_json_begin_array_flat(tp_json *j, const char *key) { S_open(j, key, '[', true); }
void tp_json_end_array(tp_json *j) { S_close(j, ']'); }

void tp_json_string(tp_json *j, const char *key, const char *value) {
  S_member(j, key);
  if (value) tp_json_quote(&j->out, value);
  else tp_buf_adds(&j->out, "null");
}

void tp_json_number(tp_json *j, const char *key, double value, int decimals) {
  S_member(j, key);
  if (!isfinite(value)) {
    tp_buf_adds(&j->out, "null");
    return;
  }
  char buf[64];
  if (decimals >= 0) {
    snprintf(buf, sizeof buf, "%.*f", decimals, value);
    /* Avoid "-0.000". */
    if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-') memmove(buf, buf + 1, strlen(buf));
    tp_buf_adds(&j->out, buf);
  } else {
    char sb[32];
    tp_buf_adds(&j->out, tp_fmt_double(sb, value));
  }
}

void tp_json_int(tp_json *j, const char *key, int64_t value) {
  S_member(j, key);
  tp_buf_printf(&j->out, "%lld", (long long)value);
}

void tp_json_bool(tp_json *j, const char *key, bool value) {
  S_member(j, key);
  tp_buf_adds(&j->out, value ? "true" : "false");
}

void tp_json_null(tp_json *j, const char *key) {
  S_member(j, key);
  tp_buf_adds(&j->out, "null");
}
