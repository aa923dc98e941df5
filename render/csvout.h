/* csvout: writing CSV, the one quoting rule of every CSV file in the report.
 *
 * Fields follow RFC 4180: a field holding a comma, a double quote, a carriage
 * return or a line feed is enclosed in double quotes, with each quote inside
 * doubled.  Text that is not valid UTF-8 (a run named with bytes of another
 * encoding) has each bad byte replaced by U+FFFD, so a file is always valid
 * UTF-8.  An unknown number (not finite) is an empty field, never "nan" or 0.
 * The caller writes the separators and the line endings.
 */
#ifndef TP_CSVOUT_H
#define TP_CSVOUT_H

#include "model/mem.h"

/* Append s as one field; NULL as an empty field. */
void tp_csvout_field(tp_buf *b, const char *s);
/* Append v with `decimals` decimals ("%.*f"); nothing when not finite. */
void tp_csvout_fixed(tp_buf *b, double v, int decimals);
/* Append v in the shortest form that reads back exactly (tp_fmt_double:
 * "200", "0.1"); nothing when not finite. */
void tp_csvout_shortest(tp_buf *b, double v);
/* Append v as logged: when v is exactly a float32 and not whole, the
 * shortest text that reads back (strtof) as that float32, in the notation
 * of "%g" ("3.083", not the double's "3.0829999446868896"); else as
 * tp_csvout_shortest.  Nothing when not finite. */
void tp_csvout_logged(tp_buf *b, double v);

#endif
