/* simdgrad depth: to be written. */
#include <config.h>

#include <stdio.h>

#include "experiment.h"

int cmd_depth(int argc, char **argv) {
  (void)argc, (void)argv;
  fprintf(stderr, "simdgrad depth: not written yet\n");
  return 2;
}
