/* template: pages from XHTML templates, filled from a small tree of values.
 *
 * A template is a well-formed XHTML file parsed by libxml2 into a tree (no
 * network, no DTD, no entity declarations: nothing outside the file is ever
 * read).  Rendering walks that tree with a data tree (tp_tval) and writes
 * HTML that is also well-formed XML.  Values only ever become text or
 * attribute values, escaped on the way out, so no value can inject markup;
 * bytes that are not valid UTF-8 (or not allowed in XML) are replaced by
 * U+FFFD.  The only way to insert markup is tp:raw-svg, which takes an SVG
 * document, parses it as XML and writes it back element by element (scripts,
 * event handlers and javascript: links removed).
 *
 * The attribute language, in the namespace urn:trainprint:template
 * (declare it as xmlns:tp="urn:trainprint:template"; it is removed from the
 * output):
 *
 *   tp:each="item in path"   repeat the element once per entry of the list
 *                            at path; inside it `item` names the entry,
 *                            `item_index` its position (1-based) and
 *                            `item_last` whether it is the last.
 *   tp:if="path"             keep the element only when the value is true:
 *   tp:unless="path"         not null, not false, not 0 or NaN, not "",
 *                            not an empty list (objects are true).
 *   tp:text="path"           replace the element's content by the value as
 *                            text (numbers in shortest round-trip form,
 *                            bools as true/false, null as nothing).
 *   tp:attr-NAME="path"      set attribute NAME to the value (replacing a
 *                            literal NAME); null or false leaves it out,
 *                            true writes NAME="NAME".  Event handlers
 *                            (tp:attr-on...) are refused, and an href or src
 *                            value starting with javascript: becomes "#".
 *   tp:raw-svg="path"        replace the content by the SVG document held as
 *                            a string at path (a chart from tp_chart_svg).
 *   <tp:block>               an element that disappears, leaving its content
 *                            (for tp:each or tp:if without a wrapper).
 *
 * On one element they apply in the order each, if, unless, attr-*, then
 * text or raw-svg (not both).  A path is a dot-separated list of object keys
 * and list indices ("run.energy.kwh", "runs.0.id"); its first name is looked
 * up among the loop variables in scope, innermost first, then in the root
 * object.  A name that does not exist is an error (use a null value for
 * "absent"), as is an unknown tp: attribute or element, tp:text on
 * <script>/<style>, or content in a void element: each is reported as
 * "FILE:LINE: message".
 *
 * Output: "<!DOCTYPE html>" when the root is <html>, then the tree;
 * comments, processing instructions and entity references are dropped;
 * HTML void elements (br, img, meta, link, ...) are written <br/>, every
 * other empty element with an end tag (<div></div>), except elements in
 * other namespaces (SVG), which may close themselves.  The text of <script>
 * and <style> is written as is (HTML reads it raw).  Write `&#160;`, not
 * `&nbsp;`: XML knows no HTML entities.
 *
 * Ownership: tp_tval trees are owned by their root (adding a value to a list
 * or object hands it over); tp_tval_free frees a whole tree.  A tp_template
 * is freed by tp_template_free; it can be rendered any number of times.
 */
#ifndef TP_TEMPLATE_H
#define TP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/hash.h"
#include "model/mem.h"

#define TP_TEMPLATE_NS "urn:trainprint:template"

/* ---- the data side -------------------------------------------------------- */

typedef enum tp_tval_kind {
  TP_TVAL_NULL,
  TP_TVAL_BOOL,
  TP_TVAL_NUMBER,
  TP_TVAL_STRING,
  TP_TVAL_LIST,
  TP_TVAL_OBJECT
} tp_tval_kind;

typedef struct tp_tval tp_tval; /* opaque */

/* New values; strings are copied (any bytes: invalid UTF-8 is replaced when
 * written).  The caller owns the result until it is added to a container. */
tp_tval *tp_tval_null(void);
tp_tval *tp_tval_bool(bool b);
tp_tval *tp_tval_number(double v);
tp_tval *tp_tval_string(const char *s); /* NULL gives a null value */
/* A string holding an SVG document made by tp_chart_svg (render/chart.h):
 * tp:raw-svg writes it without parsing it again, the same text the parse
 * would give (every value in it is escaped already; the line breaks between
 * its tags are dropped).  Only for that function's output. */
tp_tval *tp_tval_chart_svg(const char *svg);
tp_tval *tp_tval_list(void);
tp_tval *tp_tval_object(void);
void tp_tval_free(tp_tval *v);
/* Feed the whole tree (kinds, keys, values, in order) to h: two trees that
 * render alike hash alike. */
void tp_tval_hash(const tp_tval *v, tp_hash *h);

tp_tval_kind tp_tval_kind_of(const tp_tval *v);

/* Append v to a list; the list takes v.  Returns v. */
tp_tval *tp_tval_push(tp_tval *list, tp_tval *v);
/* Set key in an object (replacing and freeing an earlier value); the object
 * takes v.  Returns v. */
tp_tval *tp_tval_set(tp_tval *obj, const char *key, tp_tval *v);
/* Shorthands for tp_tval_set with a new scalar. */
void tp_tval_set_string(tp_tval *obj, const char *key, const char *s);
void tp_tval_set_number(tp_tval *obj, const char *key, double v);
void tp_tval_set_bool(tp_tval *obj, const char *key, bool b);
/* Set key to a new empty list / object and return it (owned by obj). */
tp_tval *tp_tval_set_list(tp_tval *obj, const char *key);
tp_tval *tp_tval_set_object(tp_tval *obj, const char *key);
/* A new object appended to a list, returned (owned by the list). */
tp_tval *tp_tval_push_object(tp_tval *list);

/* ---- templates ------------------------------------------------------------ */

typedef struct tp_template tp_template; /* opaque */

/* Parse a template from memory; `name` is used in messages (a file name).
 * Returns 0 and *out, or -1 with "NAME:LINE: message" in *err (the caller
 * frees it) when the XML is not well-formed or declares entities. */
int tp_template_parse(tp_template **out, const char *name, const char *xml, size_t len,
                      char **err);
/* Read and parse the file at path (as tp_template_parse). */
int tp_template_load(tp_template **out, const char *path, char **err);
void tp_template_free(tp_template *t);
/* A fingerprint (32 hex digits) of the template's source text and of the
 * XML library that writes the pages: equal fingerprints, equal output for
 * equal data. */
const char *tp_template_digest(const tp_template *t);

/* Render t with data (an object, or NULL for none) and append the page to
 * out.  Returns 0, or -1 with "NAME:LINE: message" in *err (the caller frees
 * it); on error out holds a partial page the caller should discard. */
int tp_template_render(const tp_template *t, const tp_tval *data, tp_buf *out, char **err);

/* Append s (n bytes) to out escaped for XML text and attribute values (&, <,
 * >, "), with invalid UTF-8 and characters XML forbids replaced by U+FFFD. */
void tp_xml_escape(tp_buf *out, const char *s, size_t n);
/* The length (1 to 4) of the character at s (n bytes available) when it is
 * valid UTF-8 and allowed in XML 1.0, else 0. */
size_t tp_xml_char_len(const char *s, size_t n);

#endif
