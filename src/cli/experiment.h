/* What the experiment commands (simdgrad depth, simdgrad train) share: option
 * parsing of activations and inits, and per-layer gradient magnitudes. */
#ifndef SG_CLI_EXPERIMENT_H
#define SG_CLI_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simdgrad.h"

/* The magnitudes the depth experiments plot, for layer l after a backward:
 * the mean of |dL/dW_l| over its entries and the 2-norm of dL/db_l. */
struct layer_grads {
  double mean_abs_dW, norm_db;
};
void layer_grad_stats(const sg_mlp *m, size_t layer, struct layer_grads *out);

/* Names on the command line and in the data files. Each parser returns 0,
 * or -1 after printing "simdgrad CMD: --OPTION NAME: ..." on stderr. */
const char *act_name(sg_act a);   /* "sigmoid", "tanh", "relu" */
const char *init_name(sg_init i); /* "normal", "xavier", "he" */
int parse_act(const char *cmd, const char *text, sg_act *out);
int parse_init(const char *cmd, const char *text, sg_init *out);
/* A whole number in [lo, hi] for --OPTION. */
int parse_size(const char *cmd, const char *option, const char *text, size_t lo, size_t hi,
               size_t *out);
/* --isa NAME: forces the ISA (unknown or unsupported: message, -1). */
int parse_and_set_isa(const char *cmd, const char *text);

/* splitmix64: a seeded stream with the same values on every platform. */
uint64_t splitmix64(uint64_t *state);
/* DIR/NAME opened for writing, DIR first created with its parents if need
 * be; NULL after "simdgrad CMD: ..." on stderr. */
FILE *open_out_file(const char *cmd, const char *dir, const char *name);

/* Refuses (message, -1) a network whose parameters, gradients and one
 * batch's activations need more than the machine's physical memory: Linux
 * would hand out the memory and kill the process once it is touched. */
int check_network_fits(const char *cmd, size_t depth, const size_t *widths, size_t batch);

int cmd_depth(int argc, char **argv);
int cmd_train(int argc, char **argv);

#endif
