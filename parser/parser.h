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

#include "parser/config.h"
#include "parser/csvmap.h"
#include "parser/discover.h"
#include "parser/framework.h"
#include "parser/hparams_yaml.h"
#include "parser/mlflow.h"
#include "parser/number.h"
#include "parser/power.h"
#include "parser/reftable.h"
#include "parser/runfile.h"
#include "parser/runmeta.h"
#include "parser/sha256.h"
#include "parser/textlog.h"
#include "parser/tfevents.h"
#include "parser/timefmt.h"
#include "parser/wandb.h"

#endif
