/* simdgrad: the command-line tool. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "simdgrad.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: simdgrad [--help] [--version] COMMAND\n"
          "\n"
          "commands:\n"
          "  info      the CPU, its detected features and the kernel chosen for each entry\n"
          "\n"
          "environment:\n"
          "  SIMDGRAD_ISA=scalar|avx2|avx512|neon   force the kernels of one ISA\n");
}

static int cmd_info(void) {
  printf("simdgrad %s\n", sg_version());
  printf("cpu:       %s\n", sg_cpu_model());
  printf("features:  %s\n", sg_cpu_features());
  printf("supported:");
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported((sg_isa)i)) printf(" %s", sg_isa_name((sg_isa)i));
  printf("\nactive:    %s\n", sg_isa_name(sg_active_isa()));
  printf("kernels:\n");
  for (size_t i = 0; sg_entry_name(i); i++)
    printf("  %-20s %s\n", sg_entry_name(i), sg_isa_name(sg_entry_isa(i)));
  return 0;
}

int main(int argc, char **argv) {
  static const struct option options[] = {
      {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
    switch (c) {
    case 'h': usage(stdout); return 0;
    case 'V': printf("simdgrad %s\n", sg_version()); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[optind];
  if (strcmp(cmd, "info") == 0 && optind + 1 == argc) return cmd_info();
  if (strcmp(cmd, "info") == 0)
    fprintf(stderr, "simdgrad: info takes no arguments\n");
  else
    fprintf(stderr, "simdgrad: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
