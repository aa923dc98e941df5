/* hostlist: Slurm's compressed host lists, expanded.
 *
 * `NodeList` and `--json`'s `nodes` name hosts the way Slurm's hostlist
 * functions print them: comma-separated terms, each a name with bracketed
 * ranges, "gpu-[01-03,07]" for gpu-01, gpu-02, gpu-03 and gpu-07; a term may
 * hold several bracket groups ("r[1-2]n[1-2]": r1n1, r1n2, r2n1, r2n2).  Zero
 * padding follows the range's first number.  "None assigned" and "(null)"
 * name no host.
 */
#ifndef TP_HOSTLIST_H
#define TP_HOSTLIST_H

#include <stddef.h>

/* At most this many hosts come out of one list; the rest are refused. */
#define TP_HOSTLIST_MAX 65536

/* Called once per host, in order (host[0..len), not NUL-terminated). */
typedef void (*tp_hostlist_fn)(void *ctx, const char *host, size_t len);

/* Expand s[0..n), calling fn for each host.  Returns the number of hosts, or
 * -1 when the list is malformed (an unclosed bracket, a range that is not
 * numbers, a range going down, a blank or control character inside) or
 * expands past TP_HOSTLIST_MAX: the hosts before the problem have been
 * given. */
long tp_hostlist_expand(const char *s, size_t n, tp_hostlist_fn fn, void *ctx);

#endif
