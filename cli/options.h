/* options: command-line options shared by the commands that read inputs. */
#ifndef TP_CLI_OPTIONS_H
#define TP_CLI_OPTIONS_H

#include <getopt.h>

#include "cli/pipeline.h"

/* Values for long options without a short form. */
enum {
  TP_OPT_PUE = 256,
  TP_OPT_ZONE,
  TP_OPT_INTENSITY,
  TP_OPT_TIMEZONE,
  TP_OPT_CLOCK_OFFSET,
  TP_OPT_FORMAT,
  TP_OPT_CACHE,
  TP_OPT_HARDWARE,
  TP_OPT_COMMAND_BASE = 300 /* commands number their own long-only options from here */
};

/* The entries for getopt_long (a command copies them into its own table). */
#define TP_CLI_PIPELINE_LONGOPTS                                              \
  {"config", required_argument, NULL, 'c'}, {"jobs", required_argument, NULL, 'j'}, \
      {"pue", required_argument, NULL, TP_OPT_PUE},                           \
      {"zone", required_argument, NULL, TP_OPT_ZONE},                         \
      {"intensity", required_argument, NULL, TP_OPT_INTENSITY},               \
      {"timezone", required_argument, NULL, TP_OPT_TIMEZONE},                 \
      {"clock-offset", required_argument, NULL, TP_OPT_CLOCK_OFFSET},         \
      {"format", required_argument, NULL, TP_OPT_FORMAT},                     \
      {"cache", required_argument, NULL, TP_OPT_CACHE},                       \
      {"hardware", required_argument, NULL, TP_OPT_HARDWARE}
/* Short options among them, for the getopt option string. */
#define TP_CLI_PIPELINE_SHORTOPTS "c:j:"

/* Their lines for --help. */
extern const char tp_cli_pipeline_help[];

/* Apply option c (with its argument) to o.  Returns 0 when taken, 1 when c
 * is not a pipeline option, 2 after printing a usage error. */
int tp_cli_pipeline_option(const char *cmd, int c, const char *arg, tp_pipeline_opts *o);

/* Check the values of the options taken whose validity depends on more than
 * their spelling, before any input is read: --format (a trace or framework
 * reader), --zone (a zone or cloud region of the shipped tables, read from
 * o->datadir), --timezone (an IANA zone), --intensity (a number >= 0, or a
 * readable series).  Returns 0, or 2 after printing one usage-error line
 * naming the option and its value. */
int tp_cli_pipeline_validate(const char *cmd, const tp_pipeline_opts *o);

#endif
