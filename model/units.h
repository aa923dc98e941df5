/* units: the conversion constants of the model's SI units, defined once. */
#ifndef TP_UNITS_H
#define TP_UNITS_H
#define TP_J_PER_KWH 3.6e6 /* joules in a kilowatt-hour */
#define TP_J_PER_WH 3600.0 /* joules in a watt-hour */
#define TP_S_PER_H 3600.0  /* seconds in an hour */
#define TP_S_PER_DAY 86400.0 /* seconds in a day */
#endif
