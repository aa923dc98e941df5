/* diagprint: printing a lab's diagnostics on stderr.
 *
 * Messages carry paths and tags from the inputs: control characters in them
 * are printed as \xNN, so that a file name cannot send escape sequences to
 * the terminal. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "model/lab.h"

static void S_print(const tp_diag *d) {
  char *s = tp_diag_format(d);
  fputs("trainprint: ", stderr);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f) fprintf(stderr, "\\x%02x", *p);
    else fputc(*p, stderr);
  }
  fputc('\n', stderr);
  free(s);
}

void tp_cli_print_diag_list(const tp_diags *d) {
  for (size_t i = 0; i < d->count; i++) S_print(&d->items[i]);
}

void tp_cli_print_diags(const tp_lab *lab, bool quiet) {
  for (size_t i = 0; i < lab->diags.count; i++)
    if (!quiet || lab->diags.items[i].severity == TP_ERROR) S_print(&lab->diags.items[i]);
  for (size_t r = 0; r < lab->n_runs; r++)
    for (size_t i = 0; i < lab->runs[r]->diags.count; i++)
      if (!quiet || lab->runs[r]->diags.items[i].severity == TP_ERROR)
        S_print(&lab->runs[r]->diags.items[i]);
}
