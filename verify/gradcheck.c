/* gradcheck engine: to be written. */
#include <config.h>

#include "gradcheck.h"
