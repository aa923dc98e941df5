/* parser: the reading layer as the program sees it.
 *
 * The one header the program (cli/) includes from parser/: discovery of runs
 * and traces, the power and framework format tables, the event-file and
 * framework-log readers, the configuration, run documents, and the number,
 * time and digest helpers the command line needs.  The module headers behind
 * it are the layer's own business and its tests'.
 */
#ifndef TP_PARSER_H
#define TP_PARSER_H

#include "parser/cluster/sacct.h"
#include "parser/config.h"
#include "parser/power/csvmap.h"
#include "parser/power/grafana_map.h"
#include "parser/discover.h"
#include "parser/logs/framework.h"
#include "parser/logs/hparams_yaml.h"
#include "parser/logs/mlflow.h"
#include "parser/text/number.h"
#include "parser/power/power.h"
#include "parser/reftable.h"
#include "parser/runfile.h"
#include "parser/logs/runmeta.h"
#include "parser/text/sha256.h"
#include "parser/logs/textlog.h"
#include "parser/logs/tfevents.h"
#include "parser/text/timefmt.h"
#include "parser/logs/wandb.h"

#endif
