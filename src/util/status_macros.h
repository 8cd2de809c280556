// Propagation helper for Status-returning calls.
#ifndef NOROTRIAGE_UTIL_STATUS_MACROS_H_
#define NOROTRIAGE_UTIL_STATUS_MACROS_H_

#include "norotriage/status.h"

#define NT_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::norotriage::Status nt_status_ = (expr);    \
    if (!nt_status_.ok()) return nt_status_;     \
  } while (0)

#endif  // NOROTRIAGE_UTIL_STATUS_MACROS_H_
