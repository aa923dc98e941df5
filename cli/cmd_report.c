/* cmd_report: placeholder until the model lands. */
#include <stdio.h>
#include "cli/cli.h"
int tp_cmd_report(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "trainprint: report: not built yet\n");
  return 1;
}
