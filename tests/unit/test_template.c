/* test_template: the template language, escaping, diagnostics, XXE safety,
 * and the shipped example template. */
#include <libxml/parser.h>
#include <stdlib.h>

#include "render/chart.h"
#include "render/template.h"
#include "tp_test.h"

#define NS "xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:tp=\"urn:trainprint:template\""

/* Render src with data; returns the page (caller frees) or NULL with *err. */
static char *S_render(const char *src, const tp_tval *data, char **err) {
  tp_template *t = NULL;
  *err = NULL;
  if (tp_template_parse(&t, "t.xhtml", src, strlen(src), err) != 0) return NULL;
  tp_buf out = {0};
  int rc = tp_template_render(t, data, &out, err);
  tp_template_free(t);
  if (rc != 0) {
    tp_buf_free(&out);
    return NULL;
  }
  return tp_buf_detach(&out);
}

static bool S_is_xml(const char *s) {
  xmlDocPtr d = xmlReadMemory(s, (int)strlen(s), "out.html", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  xmlFreeDoc(d);
  return d != NULL;
}

static tp_tval *S_data(void) {
  tp_tval *d = tp_tval_object();
  tp_tval_set_string(d, "title", "<script>alert(1)</script>");
  tp_tval_set_string(d, "quote", "a\"b'c&d");
  tp_tval_set_number(d, "n", 0.1);
  tp_tval_set_bool(d, "yes", true);
  tp_tval_set_bool(d, "no", false);
  tp_tval_set(d, "nothing", tp_tval_null());
  tp_tval_set_string(d, "bad", "ok\xff\xfe\x01" "end");
  tp_tval *runs = tp_tval_set_list(d, "runs");
  const char *ids[] = {"r1", "r<2>", "r3"};
  for (int i = 0; i < 3; i++) {
    tp_tval *r = tp_tval_push_object(runs);
    tp_tval_set_string(r, "id", ids[i]);
    tp_tval_set_number(r, "kwh", 1.5 * i);
    tp_tval_set_bool(r, "ok", i != 1);
  }
  tp_tval_set_list(d, "empty");
  tp_tval *o = tp_tval_set_object(d, "exp");
  tp_tval_set_string(o, "name", "cifar");
  tp_tval_set_string(d, "link", "runs/r1.html?a=1&b=2");
  return d;
}

static void test_escaping(void) {
  tp_tval *d = S_data();
  char *err;
  char *out = S_render("<html " NS "><body><h1 tp:text=\"title\">x</h1>"
                       "<p title=\"lit\" tp:attr-title=\"quote\" tp:text=\"quote\"/>"
                       "<a tp:attr-href=\"link\">l</a></body></html>",
                       d, &err);
  CHECK(out != NULL);
  if (out) {
    CHECK(strncmp(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", 59) == 0);
    CHECK(strstr(out, "<script>") == NULL);
    CHECK(strstr(out, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>") != NULL);
    CHECK(strstr(out, "<p title=\"a&quot;b'c&amp;d\">a&quot;b'c&amp;d</p>") != NULL);
    CHECK(strstr(out, "href=\"runs/r1.html?a=1&amp;b=2\"") != NULL);
    CHECK(strstr(out, " tp:") == NULL);
    CHECK(strstr(out, "xmlns:tp") == NULL);
    CHECK(strstr(out, "urn:trainprint") == NULL);
    CHECK(S_is_xml(out));
  }
  free(out);
  free(err);
  /* Invalid UTF-8 and control characters become U+FFFD. */
  out = S_render("<div " NS " tp:attr-data-x=\"bad\" tp:text=\"bad\"/>", d, &err);
  CHECK(out != NULL);
  if (out) {
    CHECK(strstr(out, ">ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "end</div>") != NULL);
    CHECK(strstr(out, "data-x=\"ok\xEF\xBF\xBD") != NULL);
    CHECK(S_is_xml(out));
  }
  free(out);
  free(err);
  tp_tval_free(d);
}

static void test_each_if(void) {
  tp_tval *d = S_data();
  char *err;
  char *out = S_render(
      "<ul " NS "><li tp:each=\"r in runs\" tp:attr-class=\"r.id\">"
      "<span tp:text=\"r_index\"/>:<b tp:text=\"r.id\"/>=<i tp:text=\"r.kwh\"/>"
      "<em tp:if=\"r.ok\">ok</em><em tp:unless=\"r.ok\">bad</em>"
      "<tp:block tp:unless=\"r_last\">,</tp:block></li>"
      "<li tp:each=\"x in empty\">never</li><li tp:if=\"empty\">never</li>"
      "<li tp:if=\"nothing\">never</li><li tp:unless=\"no\" tp:text=\"exp.name\"/>"
      "<li tp:text=\"runs.1.id\"/><br/><div></div><li tp:text=\"n\"/></ul>",
      d, &err);
  CHECK(out != NULL);
  if (out) {
    CHECK_STR(out, "<ul xmlns=\"http://www.w3.org/1999/xhtml\">"
                   "<li class=\"r1\"><span>1</span>:<b>r1</b>=<i>0</i><em>ok</em>,</li>"
                   "<li class=\"r&lt;2&gt;\"><span>2</span>:<b>r&lt;2&gt;</b>=<i>1.5</i><em>bad</em>,</li>"
                   "<li class=\"r3\"><span>3</span>:<b>r3</b>=<i>3</i><em>ok</em></li>"
                   "<li>cifar</li><li>r&lt;2&gt;</li><br/><div></div><li>0.1</li></ul>\n");
    CHECK(S_is_xml(out));
  }
  free(out);
  free(err);
  /* Boolean attributes and null attributes. */
  out = S_render("<details " NS " tp:attr-open=\"yes\" tp:attr-hidden=\"no\" "
                 "tp:attr-title=\"nothing\"><summary>s</summary></details>",
                 d, &err);
  CHECK_STR(out, "<details xmlns=\"http://www.w3.org/1999/xhtml\" open=\"open\">"
                 "<summary>s</summary></details>\n");
  free(out);
  free(err);
  tp_tval_free(d);
}

static void test_raw_svg(void) {
  tp_tval *d = tp_tval_object();
  tp_tval_set_string(d, "svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"evil()\">"
                               "<script>evil()</script><a href=\"javascript:x()\"><text>a&lt;b</text></a>"
                               "<rect width=\"1\"/></svg>");
  tp_tval_set_string(d, "notsvg", "<p>hello</p>");
  tp_tval_set_string(d, "broken", "<svg><g></svg>");
  char *err;
  char *out = S_render("<figure " NS " tp:raw-svg=\"svg\">old</figure>", d, &err);
  CHECK_STR(out, "<figure xmlns=\"http://www.w3.org/1999/xhtml\">"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><text>a&lt;b</text></a>"
                 "<rect width=\"1\"/></svg></figure>\n");
  free(out);
  free(err);
  out = S_render("<figure " NS " tp:raw-svg=\"notsvg\"/>", d, &err);
  CHECK(out == NULL);
  CHECK(err && strstr(err, "not an <svg>"));
  free(err);
  out = S_render("<figure " NS " tp:raw-svg=\"broken\"/>", d, &err);
  CHECK(out == NULL);
  CHECK(err && strstr(err, "t.xhtml:1: tp:raw-svg"));
  free(err);
  /* A real chart goes in whole. */
  tp_chart *c = tp_chart_new(TP_CHART_LINE, "A <chart>", "desc");
  tp_chart_series *s = tp_chart_add_series(c, "s", 0, TP_DRAW_LINE);
  tp_chart_series_add(s, 0, 0);
  tp_chart_series_add(s, 1, 1);
  tp_buf svg = {0};
  tp_chart_svg(c, &svg);
  tp_tval_set_string(d, "svg", tp_buf_str(&svg));
  out = S_render("<figure " NS " tp:raw-svg=\"svg\"/>", d, &err);
  CHECK(out && strstr(out, "<title id=\"chart-title\">A &lt;chart&gt;</title>"));
  CHECK(out && strstr(out, "role=\"img\""));
  free(out);
  free(err);
  tp_buf_free(&svg);
  tp_chart_free(c);
  tp_tval_free(d);
}

static void S_expect_error(const char *src, const tp_tval *d, const char *want) {
  char *err = NULL;
  char *out = S_render(src, d, &err);
  CHECK(out == NULL);
  CHECK(err != NULL);
  if (err && !strstr(err, want)) {
    fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
    CHECK(0);
  }
  free(out);
  free(err);
}

static void test_errors(void) {
  tp_tval *d = S_data();
  S_expect_error("<html " NS ">\n<body>\n<p tp:text=\"missing\"/></body></html>", d,
                 "t.xhtml:3: tp:text: unknown name \"missing\"");
  S_expect_error("<html " NS ">\n<p tp:text=\"exp.nope\"/></html>", d,
                 "t.xhtml:2: tp:text: \"exp\" has no \"nope\"");
  S_expect_error("<p " NS " tp:text=\"runs.9.id\"/>", d, "\"runs\" has no \"9\"");
  S_expect_error("<p " NS " tp:text=\"runs\"/>", d, "is a list, not text");
  S_expect_error("<p " NS " tp:each=\"r of runs\"/>", d, "expected \"NAME in PATH\"");
  S_expect_error("<p " NS " tp:each=\"r in title\"/>", d, "is not a list");
  S_expect_error("<p " NS " tp:bogus=\"x\"/>", d, "unknown attribute tp:bogus");
  S_expect_error("<p " NS "><tp:loop/></p>", d, "unknown element tp:loop");
  S_expect_error("<p " NS "><img tp:text=\"title\"/></p>", d, "<img> cannot have content");
  S_expect_error("<p " NS "><script tp:text=\"title\"/></p>", d, "not allowed on <script>");
  S_expect_error("<p " NS "\n>\n<b>unclosed</p>", d, "t.xhtml:3:");
  S_expect_error("<p " NS " tp:text=\"\"/>", d, "empty path");
  S_expect_error("<p " NS " tp:attr-onclick=\"title\"/>", d, "event handlers");
  tp_tval_free(d);
}

static void test_xxe(void) {
  /* External and internal entities are refused before anything is read. */
  const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n"
                    "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
                    "<html " NS "><p>&xxe;</p></html>";
  tp_template *t = NULL;
  char *err = NULL;
  CHECK_INT(tp_template_parse(&t, "x.xhtml", xxe, strlen(xxe), &err), -1);
  CHECK(t == NULL);
  CHECK(err && strstr(err, "x.xhtml:2:"));
  free(err);
  const char *lol = "<!DOCTYPE html [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                    "<html " NS "><p>&b;</p></html>";
  CHECK_INT(tp_template_parse(&t, "x.xhtml", lol, strlen(lol), &err), -1);
  free(err);
  const char *ext = "<!DOCTYPE html SYSTEM \"http://example.invalid/x.dtd\"><html " NS "/>";
  CHECK_INT(tp_template_parse(&t, "x.xhtml", ext, strlen(ext), &err), -1);
  free(err);
  /* HTML entities are not XML: a clear parse error, not a silent drop. */
  const char *nbsp = "<!DOCTYPE html>\n<html " NS "><p>a&nbsp;b</p></html>";
  CHECK_INT(tp_template_parse(&t, "x.xhtml", nbsp, strlen(nbsp), &err), -1);
  CHECK(err && strstr(err, "x.xhtml:2:") && strstr(err, "nbsp"));
  free(err);
  /* A plain doctype, comments and PIs are fine; comments are dropped. */
  const char *ok = "<!DOCTYPE html>\n<!-- c --><html " NS "><!-- hidden --><p>&#160;&amp;</p>"
                   "<style>a > b { color: red }</style></html>";
  CHECK_INT(tp_template_parse(&t, "x.xhtml", ok, strlen(ok), &err), 0);
  tp_buf out = {0};
  CHECK_INT(tp_template_render(t, NULL, &out, &err), 0);
  CHECK_STR(tp_buf_str(&out), "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                              "<p>\xC2\xA0&amp;</p><style>a > b { color: red }</style></html>\n");
  tp_buf_free(&out);
  tp_template_free(t);
}

static void test_base_template(void) {
  tp_template *t = NULL;
  char *err = NULL;
  int rc = tp_template_load(&t, TP_SOURCE_DIR "/templates/base.xhtml", &err);
  CHECK_INT(rc, 0);
  if (rc) {
    fprintf(stderr, "  %s\n", err);
    free(err);
    return;
  }
  tp_tval *d = tp_tval_object();
  tp_tval_set_string(d, "title", "Experiment <cifar>");
  tp_tval_set_string(d, "generator", "trainprint 0.1.0");
  tp_tval_set_string(d, "stylesheet", "style.css");
  tp_tval_set_string(d, "home", "index.html");
  tp_tval_set_string(d, "summary", "3 runs, 2 configurations.");
  tp_tval *inputs = tp_tval_set_list(d, "inputs");
  tp_tval *in = tp_tval_push_object(inputs);
  tp_tval_set_string(in, "label", "PUE");
  tp_tval_set_string(in, "value", "1.2");
  tp_tval *charts = tp_tval_set_list(d, "charts");
  tp_chart *c = tp_chart_new(TP_CHART_BAR, "Energy", "Energy per run.");
  tp_chart_add_category(&c->x, "a");
  tp_chart_series_add(tp_chart_add_series(c, "E", 0, TP_DRAW_BARS), 0, 5);
  tp_buf svg = {0};
  tp_chart_svg(c, &svg);
  tp_chart_free(c);
  tp_tval *ch = tp_tval_push_object(charts);
  tp_tval_set_string(ch, "svg", tp_buf_str(&svg));
  tp_tval_set_string(ch, "caption", "Energy per run.");
  tp_tval_set_string(ch, "csv", "energy.csv");
  tp_tval_set_string(ch, "png", "energy.png");
  tp_tval_set_string(ch, "pdf", NULL);
  tp_buf_free(&svg);
  tp_tval *table = tp_tval_set_object(d, "table");
  tp_tval_set_string(table, "caption", "Runs");
  tp_tval *cols = tp_tval_set_list(table, "columns");
  tp_tval *col = tp_tval_push_object(cols);
  tp_tval_set_string(col, "label", "Run");
  tp_tval_set_bool(col, "numeric", false);
  col = tp_tval_push_object(cols);
  tp_tval_set_string(col, "label", "IT energy (kWh)");
  tp_tval_set_bool(col, "numeric", true);
  tp_tval *rows = tp_tval_set_list(table, "rows");
  tp_tval *row = tp_tval_push_object(rows);
  tp_tval *cells = tp_tval_set_list(row, "cells");
  tp_tval *cell = tp_tval_push_object(cells);
  tp_tval_set_string(cell, "text", "seed-1");
  tp_tval_set_string(cell, "href", "runs/seed-1.html");
  tp_tval_set_bool(cell, "numeric", false);
  cell = tp_tval_push_object(cells);
  tp_tval_set_string(cell, "text", "1.234");
  tp_tval_set(cell, "href", tp_tval_null());
  tp_tval_set_bool(cell, "numeric", true);
  tp_tval *notes = tp_tval_set_list(d, "notes");
  tp_tval_push(notes, tp_tval_string("one run has no power trace"));
  tp_buf out = {0};
  rc = tp_template_render(t, d, &out, &err);
  CHECK_INT(rc, 0);
  if (rc) fprintf(stderr, "  %s\n", err);
  free(err);
  CHECK(strstr(tp_buf_str(&out), "<title>Experiment &lt;cifar&gt;") != NULL);
  CHECK(strstr(tp_buf_str(&out), "<td class=\"num\">1.234</td>") != NULL);
  CHECK(strstr(tp_buf_str(&out), "role=\"img\"") != NULL);
  CHECK(S_is_xml(tp_buf_str(&out)));
  FILE *f = fopen(TP_BINARY_DIR "/template-sample.html", "wb");
  if (f) {
    fwrite(out.data, 1, out.len, f);
    fclose(f);
  }
  tp_buf_free(&out);
  tp_tval_free(d);
  tp_template_free(t);
  CHECK_INT(tp_template_load(&t, TP_SOURCE_DIR "/templates/no-such.xhtml", &err), -1);
  CHECK(err && strstr(err, "no-such.xhtml: cannot open"));
  free(err);
}

static void test_javascript_links(void) {
  tp_tval *d = tp_tval_object();
  tp_tval_set_string(d, "u", " \x01 Java\tScript:alert(1)");
  char *err;
  char *out = S_render("<a " NS " tp:attr-href=\"u\">x</a>", d, &err);
  CHECK_STR(out, "<a xmlns=\"http://www.w3.org/1999/xhtml\" href=\"#\">x</a>\n");
  free(out);
  free(err);
  tp_tval_free(d);
}

static void test_values(void) {
  tp_tval *o = tp_tval_object();
  tp_tval_set_string(o, "k", "a");
  tp_tval_set_string(o, "k", "b"); /* replaces */
  tp_tval_set_string(o, "s", NULL);
  CHECK_INT(tp_tval_kind_of(o), TP_TVAL_OBJECT);
  CHECK(tp_tval_push(o, tp_tval_null()) == NULL); /* not a list: value freed */
  char *err;
  char *out = S_render("<p " NS " tp:text=\"k\"/>", o, &err);
  CHECK_STR(out, "<p xmlns=\"http://www.w3.org/1999/xhtml\">b</p>\n");
  free(out);
  free(err);
  tp_tval_free(o);
}

int main(void) {
  TP_RUN(test_escaping);
  TP_RUN(test_each_if);
  TP_RUN(test_raw_svg);
  TP_RUN(test_errors);
  TP_RUN(test_xxe);
  TP_RUN(test_base_template);
  TP_RUN(test_javascript_links);
  TP_RUN(test_values);
  xmlCleanupParser();
  tp_chart_cleanup();
  return tp_test_summary();
}
