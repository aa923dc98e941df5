/* sitemark: the name of the file that marks a folder as a trainprint report.
 *
 * render/site writes it into every report it makes (the list of the files it
 * wrote); parser/discover leaves any folder holding it unread, so that a
 * report written inside the folder it reports on (`trainprint report lab -o
 * lab/report`) is never read back as inputs the next time.  Both layers see
 * model/, so the name is defined here, once.
 */
#ifndef TP_SITEMARK_H
#define TP_SITEMARK_H

#define TP_SITE_MANIFEST ".trainprint-site"

#endif
