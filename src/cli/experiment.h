/* SPDX-License-Identifier: BSD-3-Clause */
/* What the experiment commands (simdgrad depth, simdgrad train) share: option
 * parsing of activations and inits, and per-layer gradient magnitudes. */
#ifndef SG_CLI_EXPERIMENT_H
#define SG_CLI_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simdgrad.h"
#include "splitmix.h"

/* The magnitudes the depth experiments plot, for layer l after a backward:
 * the mean of |dL/dW_l| over its entries and the 2-norm of dL/db_l. */
struct layer_grads {
  double mean_abs_dW, norm_db;
};
void layer_grad_stats(const sg_mlp *m, size_t layer, struct layer_grads *out);
/* The one-hot targets of the MSE and BCE heads (batch x classes) from labels. */
void one_hot(size_t batch, size_t classes, const uint32_t *labels, float *targets);

/* Command-line parsing shared by every subcommand, so that they all take
 * the same spellings. Each parser returns 0, or -1 after printing
 * "simdgrad CMD: --OPTION ..." on stderr. A number is decimal digits only:
 * no sign, no whitespace, no hex, nothing after it. */
const char *act_name(sg_act a);   /* sg_act_name, or "?" */
const char *init_name(sg_init i); /* "normal", "xavier", "he", "lecun" */
const char *head_name(sg_head h); /* "mse", "xent", "bce" */
const char *bias_name(sg_bias_init b); /* "zero", "normal" */
int parse_act(const char *cmd, const char *text, sg_act *out);
int parse_init(const char *cmd, const char *text, sg_init *out);
int parse_head(const char *cmd, const char *text, sg_head *out);
int parse_bias(const char *cmd, const char *text, sg_bias_init *out);
/* A whole number in [lo, hi] for --OPTION. */
int parse_u64(const char *cmd, const char *option, const char *text, uint64_t lo, uint64_t hi,
              uint64_t *out);
int parse_size(const char *cmd, const char *option, const char *text, size_t lo, size_t hi,
               size_t *out);
/* A real number in (0, hi], decimal or exponent form (no inf, nan or hex). */
int parse_positive(const char *cmd, const char *option, const char *text, float hi, float *out);
/* A comma-separated list: item(ctx, ITEM) for each item in order; an empty
 * item (",1", "1,,2", "1,") is an error. */
int parse_list(const char *cmd, const char *option, const char *text,
               int (*item)(void *ctx, const char *item), void *ctx);
/* A list of whole numbers in [lo, hi], each N or, when ranges is set, N-M
 * (N <= M): add(ctx, first, last) for each item (first == last for N). */
int parse_number_list(const char *cmd, const char *option, const char *text, uint64_t lo,
                      uint64_t hi, int ranges, int (*add)(void *ctx, uint64_t first, uint64_t last),
                      void *ctx);
/* --threads N: the library's thread count (0: every CPU; the results are
 * the same for any): message and -1 if it cannot be had. */
int parse_and_set_threads(const char *cmd, const char *text);
/* Why a build refuses a second thread (simdgrad info says it too). */
#define SG_CLI_ONE_THREAD "built with neither pthreadpool nor OpenMP"

/* --isa NAME: forces the ISA (unknown or unsupported: message, -1). */
int parse_and_set_isa(const char *cmd, const char *text);
/* The CLI, unlike the library, refuses a bad SIMDGRAD_ISA (the library
 * warned and ignored it) unless --isa chose the ISA: -1 after a message.
 * Call it after the options and before the first output. */
int check_isa_env(const char *cmd);

/* Fashion-MNIST: DIR/PREFIX-images-idx3-ubyte.gz and -labels-idx1-ubyte.gz
 * (plain files of those names too), PREFIX "train" or "t10k". Every header
 * is checked (28 x 28 images, the two counts, the bytes against the file
 * and the machine's memory) before any data is read. 0, or -1 after
 * "simdgrad CMD: ..." on stderr (d then empty). */
#define PIXELS 784
#define CLASSES 10
struct dataset {
  size_t count;
  float *x;        /* count x 784, pixels / 255 */
  uint32_t *label; /* count, each < 10 */
};
int load_fashion(const char *cmd, const char *dir, const char *prefix, struct dataset *d);

/* An epoch's order of the training set: order[0..count) shuffled in place
 * (Fisher-Yates over the seeded stream rng). And minibatch b of batch rows
 * in that order gathered into x (rows x 784) and labels: the number of rows
 * (the last minibatch may be short). `simdgrad train` and the bare loop of
 * bench/train-bare.c take the same batches through these. */
void shuffle_order(size_t *order, size_t count, uint64_t *rng);
size_t gather_batch(const struct dataset *d, const size_t *order, size_t b, size_t batch, float *x,
                    uint32_t *labels);

/* An output file of the experiments. Every write is checked: out_file_check
 * after a batch of writes, out_file_close at the end; each says what failed
 * on stderr ("simdgrad CMD: cannot write PATH: ...") and returns -1. */
struct out_file {
  FILE *f;
  char *path;
};
/* DIR/NAME opened for writing, DIR first created with its parents if need
 * be: 0, or -1 after a message. */
int out_file_open(const char *cmd, const char *dir, const char *name, struct out_file *of);
int out_file_check(const char *cmd, struct out_file *of);
int out_file_close(const char *cmd, struct out_file *of); /* also frees; of->f NULL: 0 */
/* Flushes stdout: 0, or -1 after "simdgrad CMD: cannot write standard
 * output: ..." (a full disk, /dev/full, a file-size limit). */
int check_stdout(const char *cmd);

/* The machine's physical memory in bytes, or 0 if unknown. */
uint64_t physical_memory(void);
/* Refuses (message, -1) a network whose parameters, gradients and one
 * batch's activations need more than the machine's physical memory: Linux
 * would hand out the memory and kill the process once it is touched. */
int check_network_fits(const char *cmd, size_t depth, const size_t *widths, size_t batch);

int cmd_depth(int argc, char **argv);
int cmd_train(int argc, char **argv);

#endif
