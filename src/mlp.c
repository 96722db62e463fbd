/* The MLP (see src/simdgrad.h): to be written. */
#include <config.h>

#include "internal.h"
