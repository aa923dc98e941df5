/* diagprint: printing a lab's diagnostics on stderr. */
#include "cli/cli.h"
#include "model/lab.h"

void tp_cli_print_diags(const tp_lab *lab, bool quiet) {
  for (size_t i = 0; i < lab->diags.count; i++)
    if (!quiet || lab->diags.items[i].severity == TP_ERROR)
      tp_diag_print(stderr, &lab->diags.items[i]);
  for (size_t r = 0; r < lab->n_runs; r++)
    for (size_t i = 0; i < lab->runs[r]->diags.count; i++)
      if (!quiet || lab->runs[r]->diags.items[i].severity == TP_ERROR)
        tp_diag_print(stderr, &lab->runs[r]->diags.items[i]);
}
