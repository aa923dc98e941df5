/* Tests for the fast JSON path of parser/yamldoc: every document that
 * tp_ydoc_parse_json_fast accepts must come out exactly as tp_ydoc_parse_yaml
 * (libyaml) builds it, which must read it without complaint; every document it
 * declines must come out of tp_ydoc_parse exactly as before (libyaml's tree,
 * return value and diagnostics).  Hand-written documents, the limits, and a
 * few thousand generated and mutated ones. */
#include <stdint.h>
#include <stdlib.h>

#include "model/mem.h"
#include "parser/text/yamldoc.h"
#include "tp_test.h"

/* The diagnostics equal: count, severity, offset, line and text. */
static bool same_diags(const tp_diags *a, const tp_diags *b) {
  if (a->count != b->count) return false;
  for (size_t i = 0; i < a->count; i++) {
    const tp_diag *x = &a->items[i], *y = &b->items[i];
    if (x->severity != y->severity || x->offset != y->offset || x->line != y->line ||
        strcmp(x->message, y->message) != 0)
      return false;
  }
  return true;
}

static void show(const char *what, const char *s, size_t len) {
  fprintf(stderr, "  %s: input (%zu bytes): ", what, len);
  for (size_t i = 0; i < len && i < 160; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7F) fputc(c, stderr);
    else fprintf(stderr, "\\x%02x", c);
  }
  fputc('\n', stderr);
}

/* An empty document, as a declined fast path must leave it. */
static bool empty_doc(const tp_ydoc *d) {
  return !d->root && !d->n_nodes && !d->truncated && !d->all && !d->n_all && !d->arena;
}

/* Parse s both ways.  The fast path accepts it exactly when fast is true.
 * Accepted: libyaml reads it without diagnostics and builds the same tree.
 * Declined: tp_ydoc_parse gives libyaml's tree, return value and diagnostics.
 * Returns whether the fast path accepted it. */
static bool check_doc_n(const char *s, size_t len, int fast) {
  tp_ydoc f, y, p;
  tp_diags dy = {0}, dp = {0};
  char why[200] = "";
  int rf = tp_ydoc_parse_json_fast(&f, s, len);
  int ry = tp_ydoc_parse_yaml(&y, s, len, "t.json", &dy);
  bool ok;
  if (rf == 0) {
    ok = ry == 0 && dy.count == 0 && tp_ydoc_same(&f, &y, why, sizeof why);
    if (ok) ok = tp_ydoc_same(&y, &f, why, sizeof why);
    if (!ok) {
      fprintf(stderr, "fast path accepted but libyaml differs (rc %d, %zu diagnostics): %s\n", ry,
              dy.count, why);
      show("accepted", s, len);
    }
  } else {
    int rp = tp_ydoc_parse(&p, s, len, "t.json", &dp);
    ok = rf == TP_YDOC_DECLINED && empty_doc(&f) && rp == ry && same_diags(&dp, &dy) &&
         tp_ydoc_same(&p, &y, why, sizeof why);
    if (!ok) {
      fprintf(stderr, "declined, but tp_ydoc_parse differs from libyaml: %s\n", why);
      show("declined", s, len);
    }
    tp_ydoc_free(&p);
    tp_diag_free(&dp);
  }
  CHECK(ok);
  if (fast >= 0 && (rf == 0) != (fast == 1)) {
    fprintf(stderr, "fast path %s, expected it to %s\n", rf == 0 ? "accepted" : "declined",
            fast == 1 ? "accept" : "decline");
    show("input", s, len);
  }
  if (fast >= 0) CHECK((rf == 0) == (fast == 1));
  tp_ydoc_free(&f);
  tp_ydoc_free(&y);
  tp_diag_free(&dy);
  return rf == 0;
}

static void accept_doc(const char *s) { check_doc_n(s, strlen(s), 1); }
static void decline_doc(const char *s) { check_doc_n(s, strlen(s), 0); }

static void test_accepted(void) {
  static const char *const docs[] = {
      "{}", "[]", "[[]]", "[{}]", "{\"a\":{}}", "[[], {}, [[{}]]]",
      ("{\"_step\":3,\"val/loss\":0.5,\"g\":NaN,\"h\":-Infinity,\"i\":Infinity,\"q\":\"1\","
       "\"n\":null,\"o\":{\"a\":[1,true,false]}}"),
      /* numbers: text as written */
      "[0, -0, -0.0, 0.5, 1e-7, 1E+300, 2.5e-308, 12345678901234567890123456789, -1.25E7, 1e0]",
      /* escapes, \u0000 inside text, non-ASCII (columns count characters) */
      ("[\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\", "
       "\"\\u0041\\u00e9\\u20AC\\uffFD\", \"x\\u0000y\", 1]"),
      "{\"\\u0000\": \"\\u0000\", \"\": \"\"}",
      "{\"\xc3\xa9t\xc3\xa9\": [\"\xe4\xb8\xad\xe6\x96\x87\", \"\xf0\x9f\x98\x80\", 2], \"b\": 3}",
      ("[\"\xc2\xa0\xee\x80\x80\xef\xbf\xbd\xf4\x8f\xbf\xbd\", "
       "\"\\u0085\\u2028\\ufeff\\ufffe\\u007f\"]"),
      /* duplicate keys are kept, as libyaml keeps them */
      "{\"a\": 1, \"a\": 2}",
      /* white space: pretty-printed, CR LF, lone CR, tabs inside, byte order mark */
      "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"d\"\n  }\n}\n",
      "{\r\n  \"a\": [\r\n    1,\r    2\r\n  ]\r\n}\r\n",
      "[\t1\t,\t{\t\"a\"\t:\t2\t}\t]",
      "[\n\t1,\n\t\t[\n\t\"x\"]\n]",
      "\xef\xbb\xbf[1]",
      "\xef\xbb\xbf  \n\n   {\"a\": 1}  \n \n",
      "\n\n  [1,\n\n \"\xf0\x9f\x98\x80\",\r\n   2  ]  \n\n",
      "[1\n, 2\n]",
      "{\"a\"  :  1 , \"b\":\n 2}",
  };
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) accept_doc(docs[i]);

  /* A known tree, checked field by field. */
  const char *s = "{\"k\": [\"x\\u0000y\", -0.0, NaN]}";
  tp_ydoc d;
  CHECK_INT(tp_ydoc_parse_json_fast(&d, s, strlen(s)), 0);
  const tp_ynode *k = tp_ynode_get(d.root, "k");
  CHECK(k && k->kind == TP_YNODE_SEQ && k->n == 3);
  if (k && k->n == 3) {
    CHECK_INT(k->items[0]->len, 3);
    CHECK(memcmp(k->items[0]->text, "x\0y", 4) == 0);
    CHECK(k->items[0]->quoted);
    CHECK_STR(k->items[1]->text, "-0.0");
    CHECK(!k->items[1]->quoted);
    CHECK_INT(k->items[2]->col, 26);
    double v;
    CHECK_INT(tp_ynode_number(k->items[2], &v), 0);
    CHECK(isnan(v));
  }
  CHECK_INT(d.n_nodes, 6);
  CHECK_INT(d.n_all, 6);
  CHECK(!d.truncated && d.root && d.root->line == 1 && d.root->col == 1);
  tp_ydoc_free(&d);
}

/* UTF-16 surrogate pairs of \u escapes (what Python's json.dumps writes for
 * characters past U+FFFF) decode to UTF-8 on both paths; only double-quoted
 * scalars have escapes. */
static void test_surrogate_pairs(void) {
  accept_doc("{\"a\": \"x\\ud83d\\ude00y\", \"b\": [\"\\uD83D\\uDE00\\ud83d\\ude01\", 2],\n"
             " \"c\\ud83d\\ude00\": 3, \"d\": \"\\\\ud83d\\\\ude00\"}");
  tp_ydoc d;
  tp_diags dd = {0};
  const char *json = "{\"a\": \"x\\ud83d\\ude00y\", \"b\": 1}";
  CHECK_INT(tp_ydoc_parse(&d, json, strlen(json), "t.json", &dd), 0);
  CHECK_STR(tp_ynode_str(tp_ynode_get(d.root, "a")), "x\xF0\x9F\x98\x80y");
  tp_ydoc_free(&d);
  /* YAML through libyaml: the columns after a pair are those of the text */
  const char *yaml = "{a: \"\\ud83d\\ude00\", b: 1}\n";
  CHECK_INT(tp_ydoc_parse(&d, yaml, strlen(yaml), "t.yaml", &dd), 0);
  CHECK_STR(tp_ynode_str(tp_ynode_get(d.root, "a")), "\xF0\x9F\x98\x80");
  const tp_ynode *b = tp_ynode_get(d.root, "b");
  CHECK_INT(b ? b->col : 0, 24);
  tp_ydoc_free(&d);
  yaml = "a: \"\\ud83d\\ude00\" # \"\\ud83d\\ude00\"\nb: '\\ud83d\\ude00'\nc: x\\ud83d\\ude00\n";
  CHECK_INT(tp_ydoc_parse(&d, yaml, strlen(yaml), "t.yaml", &dd), 0);
  CHECK_STR(tp_ynode_str(tp_ynode_get(d.root, "a")), "\xF0\x9F\x98\x80");
  CHECK_STR(tp_ynode_str(tp_ynode_get(d.root, "b")), "\\ud83d\\ude00");
  CHECK_STR(tp_ynode_str(tp_ynode_get(d.root, "c")), "x\\ud83d\\ude00");
  tp_ydoc_free(&d);
  CHECK_INT(dd.count, 0);
  /* a lone surrogate is still refused, with a diagnostic */
  CHECK_INT(tp_ydoc_parse(&d, "[\"\\ud83d\"]", 10, "t.json", &dd), -1);
  CHECK_INT(dd.count, 1);
  tp_ydoc_free(&d);
  tp_diag_free(&dd);
}

static void test_declined(void) {
  static const char *const docs[] = {
      "[1,2,]", "{\"a\":1,}", "[,1]", "[1 2]", "[1\n2]", "{\"a\" 1}", "{a: 1}", "{'a': 1}",
      "{\"a\":1 \"b\":2}", "[1]]", "[[1]", "{\"a\":1", "[\"abc", "[\"abc]", "[\"a\\", "[",
      /* escapes JSON has not, lone or reversed surrogate escapes (libyaml refuses them) */
      "[\"\\x41\"]", "[\"\\a\"]", "[\"\\U00000041\"]", "[\"\\u12\"]", "[\"\\u12G4\"]",
      "[\"\\ud800\"]", "[\"\\udc00x\"]", "[\"\\ude00\\ud83d\"]", "[\"\\ud83d\\u0041\"]",
      "[\"\\ud83d\\ud83d\"]", "[\"\\ud83d\\\"]",
      /* raw controls, invalid or refused UTF-8 */
      "[\"a\tb\"]", "[\"a\nb\"]", "[\"a\rb\"]", "[\"\x7f\"]", "[\"\x01\"]", "[\"\xff\"]",
      "[\"\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xe0\x80\xaf\"]", "[\"\xed\xa0\x80\"]",
      "[\"\xf4\x90\x80\x80\"]", "[\"\xc2\x85x\"]", "[\"\xc2\x80\"]", "[\"\xe2\x80\xa8x\"]",
      "[\"\xe2\x80\xa9\"]", "[\"\xef\xbb\xbf\"]", "[\"\xef\xbf\xbe\"]", "[\xc3\xa9]",
      /* numbers and words outside the grammar */
      "[01]", "[1.]", "[.5]", "[+1]", "[-]", "[1e]", "[1e+]", "[0x10]", "[1_000]", "[- 1]",
      "[tru]", "[True]", "[TRUE]", "[nan]", "[-NaN]", "[+Infinity]", "[Infinity1]", "[inf]",
      "[truex]", "[nullnull]", "[1:2]", "[1#c]", "[\"a\"b]", "{\"a\":1:2}",
      /* what follows the document */
      "[1] x", "[1]\n# comment", "[1] // c", "{} {}", "[1]\n---\n[2]\n", "[1]\n...\n",
      "[1]\t", "[1]\n\t\n", "\t[1]", " \t[1]", "\xef\xbb\xbf\t[1]",
      /* keys libyaml reads otherwise: ':' on the next line */
      "{\"a\"\n: 1}", "{\"a\"\r\n:1}",
      /* not JSON at the top */
      "1", "\"a\"", "null", "a: 1", "- 1", "", "   ", "\xef\xbb\xbf", "# c\n[1]", "---\n[1]",
      "!!map {}", "&a [1]",
  };
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) decline_doc(docs[i]);
  /* NUL bytes inside and after the document */
  check_doc_n("[\"a\0b\"]", 7, 0);
  check_doc_n("[1]\0", 4, 0);
  check_doc_n("[1,\0]", 5, 0);
}

/* A key of n bytes (ASCII, or two-byte characters) and then ':'. */
static void test_long_keys(void) {
  for (int wide = 0; wide < 2; wide++) {
    for (size_t n = 980; n <= 1040; n += 4) {
      tp_buf b = {0};
      tp_buf_adds(&b, "{\"");
      for (size_t i = 0; i < n; i += wide ? 2 : 1) tp_buf_adds(&b, wide ? "\xc3\xa9" : "k");
      tp_buf_adds(&b, "\" : 1, \"b\": [2]}");
      /* Accepted up to the conservative bound, declined after. */
      check_doc_n(b.data, b.len, n + 3 <= 1000 ? 1 : -1);
      tp_buf_free(&b);
    }
  }
  /* A long key libyaml cannot read is declined (and libyaml complains). */
  tp_buf b = {0};
  tp_buf_adds(&b, "{\"");
  for (int i = 0; i < 1100; i++) tp_buf_addc(&b, 'k');
  tp_buf_adds(&b, "\": 1}");
  check_doc_n(b.data, b.len, 0);
  tp_ydoc d;
  tp_diags dd = {0};
  CHECK_INT(tp_ydoc_parse(&d, b.data, b.len, "k.json", &dd), -1);
  CHECK_INT(dd.count, 1);
  tp_ydoc_free(&d);
  tp_diag_free(&dd);
  /* Long values and long lines are fine. */
  tp_buf_clear(&b);
  tp_buf_adds(&b, "{\"a\": \"");
  for (int i = 0; i < 300000; i++) tp_buf_addc(&b, (char)('a' + i % 26));
  tp_buf_adds(&b, "\", \"b\": [");
  for (int i = 0; i < 5000; i++) tp_buf_printf(&b, "%s%d.5", i ? "," : "", i);
  tp_buf_adds(&b, "]}");
  check_doc_n(b.data, b.len, 1);
  tp_buf_free(&b);
}

/* depth nested arrays (an object at every other level when maps), a number inside. */
static void nested(tp_buf *b, int depth, bool maps) {
  tp_buf_clear(b);
  for (int i = 0; i < depth; i++) tp_buf_adds(b, maps && i % 2 ? "{\"k\": " : "[");
  tp_buf_adds(b, "1");
  for (int i = depth - 1; i >= 0; i--) tp_buf_adds(b, maps && i % 2 ? "}" : "]");
}

static void test_limits(void) {
  tp_buf b = {0};
  for (int maps = 0; maps < 2; maps++) {
    for (int depth = 60; depth <= 66; depth++) {
      nested(&b, depth, maps);
      check_doc_n(b.data, b.len, depth <= TP_YDOC_MAX_DEPTH);
    }
  }
  /* Exactly at the depth limit, and one past it (libyaml drops the deepest). */
  nested(&b, TP_YDOC_MAX_DEPTH, false);
  tp_ydoc d;
  tp_diags dd = {0};
  CHECK_INT(tp_ydoc_parse(&d, b.data, b.len, "deep", &dd), 0);
  CHECK_INT(d.n_nodes, TP_YDOC_MAX_DEPTH + 1);
  CHECK(d.arena != NULL); /* the fast path built it */
  tp_ydoc_free(&d);
  nested(&b, TP_YDOC_MAX_DEPTH + 1, false);
  CHECK_INT(tp_ydoc_parse(&d, b.data, b.len, "deep", &dd), -1);
  CHECK_INT(d.n_nodes, TP_YDOC_MAX_DEPTH);
  CHECK(d.truncated && d.arena == NULL);
  CHECK_INT(dd.count, 1);
  tp_ydoc_free(&d);
  tp_diag_free(&dd);
  /* The node limit: a root and TP_YDOC_MAX_NODES - 1 items is read as libyaml
   * reads it; one item more is declined, and libyaml cuts the last. */
  tp_buf_clear(&b);
  tp_buf_addc(&b, '[');
  for (long i = 0; i < TP_YDOC_MAX_NODES - 1; i++) tp_buf_adds(&b, i ? ",0" : "0");
  tp_buf_addc(&b, ']');
  check_doc_n(b.data, b.len, 1);
  b.data[b.len - 1] = ',';
  tp_buf_adds(&b, "7]");
  CHECK_INT(tp_ydoc_parse_json_fast(&d, b.data, b.len), TP_YDOC_DECLINED);
  CHECK_INT(tp_ydoc_parse(&d, b.data, b.len, "many", &dd), -1);
  CHECK_INT(d.n_nodes, TP_YDOC_MAX_NODES);
  CHECK(d.truncated && d.arena == NULL && d.root && d.root->n == TP_YDOC_MAX_NODES - 1);
  CHECK_INT(dd.count, 1);
  tp_ydoc_free(&d);
  tp_diag_free(&dd);
  tp_buf_free(&b);
}

/* ---- generated documents ---------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n) {
  rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(rng_state >> 33) % n;
}

static void gen_space(tp_buf *b) {
  static const char *const ws[] = {"", "", "", " ", "  ", "\n", "\n  ", "\t", "\r\n", "\r", " \t"};
  tp_buf_adds(b, ws[rnd(sizeof ws / sizeof *ws)]);
}

static void gen_string(tp_buf *b) {
  static const char *const piece[] = {
      "a", "key", "val/loss", " ", "#", ":", ",", "[", "}", "-", "'", "\\\"", "\\\\", "\\/",
      "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u00e9", "\\u20ac", "\\uFFFD", "\\u0085",
      "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xc2\xa0", "---", "...", "&a", "*a",
      "!tag", "%", "@", "`", "|", ">", "?", "~", "null", "1.5",
  };
  tp_buf_addc(b, '"');
  unsigned n = rnd(6);
  for (unsigned i = 0; i < n; i++) tp_buf_adds(b, piece[rnd(sizeof piece / sizeof *piece)]);
  tp_buf_addc(b, '"');
}

static void gen_value(tp_buf *b, int depth) {
  static const char *const word[] = {
      "0", "-0", "1", "-1", "0.5", "-0.0", "1e-7", "1E+300", "3.14159", "123456789012345678901",
      "2e5", "-7.25e-3", "true", "false", "null", "NaN", "Infinity", "-Infinity", "10", "0e0",
  };
  unsigned k = depth < 6 ? rnd(10) : 2 + rnd(7);
  if (k < 2 || k == 9) {
    bool map = k == 0;
    tp_buf_addc(b, map ? '{' : '[');
    unsigned n = rnd(5);
    for (unsigned i = 0; i < n; i++) {
      gen_space(b);
      if (i) {
        tp_buf_addc(b, ',');
        gen_space(b);
      }
      if (map) {
        gen_string(b);
        tp_buf_adds(b, rnd(3) ? ":" : rnd(2) ? " : " : "\t:");
        gen_space(b);
      }
      gen_value(b, depth + 1);
    }
    gen_space(b);
    tp_buf_addc(b, map ? '}' : ']');
  } else if (k < 6) {
    gen_string(b);
  } else {
    tp_buf_adds(b, word[rnd(sizeof word / sizeof *word)]);
  }
}

static void gen_doc(tp_buf *b) {
  tp_buf_clear(b);
  if (rnd(8) == 0) tp_buf_adds(b, "\xef\xbb\xbf");
  static const char *const top[] = {"", "", " ", "\n", "\r\n\n  "};
  tp_buf_adds(b, top[rnd(5)]);
  bool map = rnd(2);
  tp_buf_addc(b, map ? '{' : '[');
  unsigned n = rnd(6);
  for (unsigned i = 0; i < n; i++) {
    gen_space(b);
    if (i) tp_buf_addc(b, ',');
    gen_space(b);
    if (map) {
      gen_string(b);
      tp_buf_addc(b, ':');
      gen_space(b);
    }
    gen_value(b, 1);
  }
  gen_space(b);
  tp_buf_addc(b, map ? '}' : ']');
  tp_buf_adds(b, top[rnd(5)]);
}

/* Generated valid documents must all be accepted (a key line break is never
 * generated, keys are short, tabs only inside) and match libyaml; mutated
 * ones (a byte replaced, inserted or deleted) must keep the promise either way. */
static void test_generated(void) {
  static const char mut[] = "{}[],:\"\\ \t\n\r0-1eE.+anulNIfty#\x01\x7f\xc3\xa9\xff\xed\xf0";
  tp_buf b = {0}, m = {0};
  int accepted = 0, mutated_accepted = 0;
  const int n = 4000;
  for (int i = 0; i < n; i++) {
    gen_doc(&b);
    accepted += check_doc_n(b.data, b.len, 1);
    for (int j = 0; j < 3; j++) {
      tp_buf_clear(&m);
      size_t at = rnd((unsigned)b.len + 1);
      unsigned op = rnd(3);
      tp_buf_add(&m, b.data, at);
      if (op != 2) tp_buf_addc(&m, mut[rnd(sizeof mut - 1)]);
      if (at < b.len) tp_buf_add(&m, b.data + at + (op != 1), b.len - at - (op != 1));
      mutated_accepted += check_doc_n(m.data ? m.data : "", m.len, -1);
    }
  }
  CHECK_INT(accepted, n);
  /* Some mutations keep a valid document (a digit for a digit, a space more). */
  CHECK(mutated_accepted > n / 10);
  fprintf(stderr, "generated: %d accepted; mutated: %d of %d accepted\n", accepted,
          mutated_accepted, 3 * n);
  tp_buf_free(&b);
  tp_buf_free(&m);
}

/* tp_ydoc_same itself tells different trees apart. */
static void test_same(void) {
  static const char *const pairs[][2] = {
      {"[1]", "[2]"},         {"[1]", " [1]"},       {"[1]", "[\"1\"]"},     {"[1]", "[1,2]"},
      {"{\"a\":1}", "[1]"},   {"[\"a\\u0000b\"]", "[\"a\\u0000c\"]"},     {"[[]]", "[{}]"},
      {"[1]", "[\n1]"},       {"{\"a\":1}", "{\"b\":1}"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    tp_ydoc a, c;
    CHECK_INT(tp_ydoc_parse_json_fast(&a, pairs[i][0], strlen(pairs[i][0])), 0);
    CHECK_INT(tp_ydoc_parse_json_fast(&c, pairs[i][1], strlen(pairs[i][1])), 0);
    CHECK(tp_ydoc_same(&a, &a, NULL, 0));
    CHECK(!tp_ydoc_same(&a, &c, NULL, 0));
    tp_ydoc_free(&a);
    tp_ydoc_free(&c);
  }
}

int main(void) {
  TP_RUN(test_accepted);
  TP_RUN(test_declined);
  TP_RUN(test_surrogate_pairs);
  TP_RUN(test_long_keys);
  TP_RUN(test_limits);
  TP_RUN(test_generated);
  TP_RUN(test_same);
  return tp_test_summary();
}
