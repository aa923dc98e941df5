/* main: trainprint's entry point; dispatches to a command. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} S_commands[] = {
    {"report", tp_cmd_report, "join logs and power traces; write the report site"},
    {"inspect", tp_cmd_inspect, "print the scalars, hparams or statistics that logs hold"},
    {"scan", tp_cmd_scan, "read runs and traces; write one summary per run (for render)"},
    {"render", tp_cmd_render, "build the report site from run summaries"},
};

static void S_help(FILE *out) {
  fprintf(out,
          "Usage: trainprint COMMAND [OPTIONS] PATH...\n"
          "\n"
          "Energy and CO2e of machine-learning training runs, from the logs a lab keeps.\n"
          "\n"
          "Commands:\n");
  for (size_t i = 0; i < sizeof S_commands / sizeof *S_commands; i++)
    fprintf(out, "  %-9s %s\n", S_commands[i].name, S_commands[i].summary);
  fprintf(out,
          "\n"
          "Options:\n"
          "  -h, --help     show this help and exit\n"
          "  -V, --version  show the version and exit\n"
          "\n"
          "'trainprint COMMAND --help' describes a command.\n");
}

int tp_cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("trainprint: ", stderr);
  if (cmd) fprintf(stderr, "%s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (try 'trainprint %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
  va_end(ap);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    S_help(stderr);
    return 2;
  }
  const char *a = argv[1];
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
    S_help(stdout);
    return 0;
  }
  if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
    printf("trainprint %s\n", TP_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof S_commands / sizeof *S_commands; i++)
    if (strcmp(a, S_commands[i].name) == 0) return S_commands[i].run(argc - 1, argv + 1);
  if (a[0] == '-') return tp_cli_usage_error(NULL, "unknown option '%s'", a);
  return tp_cli_usage_error(NULL, "unknown command '%s'", a);
}
