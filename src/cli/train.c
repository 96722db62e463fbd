/* simdgrad train: to be written. */
#include <config.h>

#include <stdio.h>

#include "experiment.h"

int cmd_train(int argc, char **argv) {
  (void)argc, (void)argv;
  fprintf(stderr, "simdgrad train: not written yet\n");
  return 2;
}
