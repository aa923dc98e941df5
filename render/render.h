/* render: the output layer as the program sees it.
 *
 * The one header the program (cli/) includes from render/: the site and its
 * pages, the charts, the publication exports, the summaries and the run
 * document writer.  The module headers behind it are the layer's own
 * business and its tests'.
 */
#ifndef TP_RENDER_H
#define TP_RENDER_H

#include "render/chart.h"
#include "render/pages.h"
#include "render/publish.h"
#include "render/runfile.h"
#include "render/site.h"
#include "render/summary.h"

#endif
