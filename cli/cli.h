/* cli: the program's commands.  Only this layer sees parser, model and render.
 *
 * Each command takes its own argv (argv[0] is the command name), prints its
 * own --help, and returns the process exit status: 0 success, 1 when no input
 * at all could be used or an output could not be written, 2 for usage errors.
 */
#ifndef TP_CLI_H
#define TP_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct tp_lab;
struct tp_diags;

int tp_cmd_inspect(int argc, char **argv);
int tp_cmd_report(int argc, char **argv);
int tp_cmd_scan(int argc, char **argv);
int tp_cmd_render(int argc, char **argv);

/* Print the lab's diagnostics, then each run's, on stderr (only errors when
 * quiet). */
void tp_cli_print_diags(const struct tp_lab *lab, bool quiet);
/* Print every diagnostic of d on stderr, whatever their severity. */
void tp_cli_print_diag_list(const struct tp_diags *d);

/* True when the lab has no run, or no run of it holds anything read from its
 * logs (no series, no hparams, no window): every log was empty or unreadable.
 * report and scan then write nothing and exit 1, as inspect does. */
bool tp_cli_lab_empty(const struct tp_lab *lab);

/* The directory holding templates/ and data/: $TRAINPRINT_DATADIR, else the
 * source tree the program was built from when it is there, else the
 * installed share directory. */
const char *tp_cli_datadir(void);

/* Print "trainprint: MESSAGE" and a hint to use --help; return 2. */
int tp_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long's option string prefix that makes it report nothing itself. */
#define TP_GETOPT_QUIET ":"

#endif
