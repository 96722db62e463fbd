/* The IDX files of MNIST and Fashion-MNIST (unsigned bytes, big-endian
 * dimensions), gzip-compressed or not, read with zlib. */
#ifndef SG_CLI_IDX_H
#define SG_CLI_IDX_H

#include <stddef.h>
#include <stdint.h>

struct idx {
  uint32_t dims[3]; /* dims[0] items, then the item's shape (rows, cols) */
  int ndims;
  size_t item_size; /* bytes per item: the product of dims[1..] */
  uint8_t *data;    /* dims[0] * item_size bytes */
};

/* Reads an IDX file of unsigned bytes with ndims dimensions (1: labels,
 * 3: images). 0, or -1 with a message naming the file and the fault in err
 * (missing, unreadable, not gzip or corrupt, wrong magic or rank, a zero or
 * absurd dimension, truncated, trailing data, out of memory). */
int idx_load(const char *path, int ndims, struct idx *out, char *err, size_t errlen);
void idx_free(struct idx *x);

#endif
