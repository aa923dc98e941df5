/* cmd_inspect: placeholder until the event-file reader lands. */
#include <stdio.h>
#include "cli/cli.h"
int tp_cmd_inspect(int argc, char **argv) {
  (void)argc; (void)argv;
  fprintf(stderr, "trainprint: inspect: not built yet\n");
  return 1;
}
