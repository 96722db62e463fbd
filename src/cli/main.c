/* SPDX-License-Identifier: BSD-3-Clause */
/* simdgrad: the command-line tool. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "gradcheck.h"
#include "simdgrad.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: simdgrad [--help] [--version] COMMAND [ARGS]\n"
          "\n"
          "commands (simdgrad help COMMAND, or simdgrad COMMAND --help, for each):\n"
          "  info       the CPU, its detected features and the kernel chosen for each entry\n"
          "  gradcheck  finite-difference gradient checks of every kernel and of MLPs\n"
          "  depth      per-layer gradient magnitudes at initialisation against depth\n"
          "  train      minibatch SGD on Fashion-MNIST, per-layer gradients per epoch\n"
          "  help       this text, or a command's\n"
          "\n"
          "environment:\n"
          "  SIMDGRAD_ISA=scalar|avx2|avx512|neon   force the kernels of one ISA\n");
}

static void info_usage(FILE *out) {
  fprintf(out,
          "usage: simdgrad info\n"
          "The library's version, the CPU, its detected features, the ISAs it can run,\n"
          "the active one, and the ISA of the kernel each entry uses.\n");
}

static void gradcheck_usage(FILE *out) {
  fprintf(out,
          "usage: simdgrad gradcheck [--isa NAME] [--depth N] [--head mse|xent]\n"
          "Finite-difference gradient checks of every kernel and of MLPs (depths 1..6,\n"
          "or only N in 1..64; heads mse and xent, or only one; batch 1 and 8;\n"
          "logistic regression). Exit status 1 if any check fails.\n"
          "\n"
          "  --isa NAME      force the kernels of one ISA\n"
          "  --depth N       only MLPs of N hidden layers\n"
          "  --head H        only the mse or the xent head\n"
          "  --help          this text\n");
}

static int cmd_info(void) {
  if (check_isa_env("info")) return 2;
  printf("simdgrad %s\n", sg_version());
  printf("cpu:       %s\n", sg_cpu_model());
  printf("features:  %s\n", sg_cpu_features());
  printf("supported:");
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported((sg_isa)i)) printf(" %s", sg_isa_name((sg_isa)i));
  printf("\nactive:    %s\n", sg_isa_name(sg_active_isa()));
  /* whether other counts can be had: a single-threaded build refuses 2 */
  size_t threads = sg_threads();
  int pool = sg_set_threads(2) == 0;
  sg_set_threads(threads);
  printf("threads:   %zu%s\n", threads, pool ? "" :  " (" SG_CLI_ONE_THREAD ": one thread)");
  printf("kernels:\n");
  for (size_t i = 0; sg_entry_name(i); i++)
    printf("  %-20s %s\n", sg_entry_name(i), sg_isa_name(sg_entry_isa(i)));
  return 0;
}

static int cmd_gradcheck(int argc, char **argv) {
  static const struct option options[] = {{"isa", required_argument, NULL, 'i'},
                                          {"depth", required_argument, NULL, 'd'},
                                          {"head", required_argument, NULL, 'H'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
  static char name[] = "simdgrad gradcheck";
  argv[0] = name; /* getopt's own messages start with it */
  size_t depth = 0; /* all of 1..6 */
  int head = -1;    /* both */
  int c;
  optind = 0; /* a new argument vector: glibc and musl start over from argv[1] */
  while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    switch (c) {
    case 'i':
      if (parse_and_set_isa("gradcheck", optarg)) return 2;
      break;
    case 'd':
      if (parse_size("gradcheck", "depth", optarg, 1, 64, &depth)) return 2;
      break;
    case 'H':
      if (strcmp(optarg, "mse") == 0) {
        head = SG_HEAD_MSE;
      } else if (strcmp(optarg, "xent") == 0) {
        head = SG_HEAD_XENT;
      } else {
        fprintf(stderr, "simdgrad: --head wants mse or xent, not '%s'\n", optarg);
        return 2;
      }
      break;
    case 'h': gradcheck_usage(stdout); return 0;
    default: gradcheck_usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "simdgrad: gradcheck: unexpected argument '%s'\n", argv[optind]);
    gradcheck_usage(stderr);
    return 2;
  }
  if (check_isa_env("gradcheck")) return 2;
  printf("simdgrad gradcheck, ISA %s\n", sg_isa_name(sg_active_isa()));
  gradcheck_print_header(stdout);
  struct gradcheck_report report = {stdout, 0, 0, 0.0};
  int failed = gradcheck_all(depth, head, &report);
  printf("%u checks, %d failed; largest max relative error %.3e: %s\n", report.rows, failed,
         report.worst, failed ? "FAIL" : "pass");
  return failed ? 1 : 0;
}

/* The command, for messages: "" before one is known. */
static const char *command = "";

static int run(int argc, char **argv) {
  static const struct option options[] = {
      {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
    switch (c) {
    case 'h': usage(stdout); return 0;
    case 'V':
      printf("simdgrad %s\n"
             "Copyright (c) 2026, the simdgrad authors.\n"
             "License BSD-3-Clause: the LICENSE file of the source, which comes with no warranty.\n",
             sg_version());
      return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return 2;
  }
  const char *cmd = command = argv[optind]; /* the string stays when argv[optind] is replaced */
  if (strcmp(cmd, "help") == 0) { /* simdgrad help [COMMAND]: as COMMAND --help */
    if (optind + 1 == argc) {
      usage(stdout);
      return 0;
    }
    if (optind + 2 < argc) {
      fprintf(stderr, "simdgrad: help takes one command at most\n");
      usage(stderr);
      return 2;
    }
    static char help_flag[] = "--help";
    argv[optind] = argv[optind + 1], argv[optind + 1] = help_flag;
    cmd = command = argv[optind];
    if (strcmp(cmd, "help") == 0) {
      usage(stdout);
      return 0;
    }
  }
  if (strcmp(cmd, "info") == 0 && optind + 1 == argc) return cmd_info();
  if (strcmp(cmd, "info") == 0 && optind + 2 == argc && strcmp(argv[optind + 1], "--help") == 0) {
    info_usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "gradcheck") == 0) return cmd_gradcheck(argc - optind, argv + optind);
  if (strcmp(cmd, "depth") == 0) return cmd_depth(argc - optind, argv + optind);
  if (strcmp(cmd, "train") == 0) return cmd_train(argc - optind, argv + optind);
  if (strcmp(cmd, "info") == 0) {
    fprintf(stderr, "simdgrad info: takes no arguments\n");
    info_usage(stderr);
  } else {
    fprintf(stderr, "simdgrad: unknown command '%s'\n", cmd);
    usage(stderr);
  }
  return 2;
}

int main(int argc, char **argv) {
  /* Past a file-size limit (ulimit -f) a write then fails with EFBIG, which
   * is reported below, instead of the signal ending the process silently. */
  signal(SIGXFSZ, SIG_IGN);
  int status = run(argc, argv);
  /* Output that never arrived is a failure even when the command was done:
   * a full disk, /dev/full. A command that failed has said why already. */
  if (status == 0 && check_stdout(command)) status = 1;
  return status;
}
