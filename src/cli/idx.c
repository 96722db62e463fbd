/* IDX reader: to be written. */
#include <config.h>

#include "idx.h"
