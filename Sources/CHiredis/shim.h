#ifndef CALLFLOW_CHIREDIS_SHIM_H
#define CALLFLOW_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
