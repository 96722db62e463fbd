/* SPDX-License-Identifier: BSD-3-Clause */
/* The IDX files of MNIST and Fashion-MNIST (unsigned bytes, big-endian
 * dimensions), gzip-compressed or not, read with zlib.
 *
 * Reading takes two steps, so that nothing a header announces is trusted
 * before it has been checked: idx_open reads and checks a header, and the
 * caller can compare the headers of several files (images and their labels)
 * and its own limits before idx_read allocates and reads the data. */
#ifndef SG_CLI_IDX_H
#define SG_CLI_IDX_H

#include <stddef.h>
#include <stdint.h>

struct idx {
  uint32_t dims[3]; /* dims[0] items, then the item's shape (rows, cols) */
  int ndims;
  size_t item_size; /* bytes per item: the product of dims[1..] */
  size_t data_size; /* bytes of data: dims[0] * item_size */
  uint8_t *data;    /* data_size bytes, once idx_read has succeeded */
  const char *path; /* the name given to idx_open (not a copy) */
  void *stream;     /* the open file (a gzFile) from idx_open to idx_read */
};

/* Opens path, which must be a regular file (a FIFO, directory or device is
 * refused, without blocking), and reads and checks its header: ndims
 * dimensions (1: labels, 3: images), items of the shape
 * item_shape[0..ndims-2], at least one item, and no more data than the file
 * can hold (exactly the rest of a plain file; at most what a gzip file of its
 * size can inflate to). Returns 0, or -1 with x empty and *err a message
 * naming the file and the fault, which the caller frees (NULL if even the
 * message could not be allocated). path must outlive x. */
int idx_open(struct idx *x, const char *path, int ndims, const uint32_t *item_shape, char **err);
/* The same on an open file descriptor, which x takes over (it is closed by
 * idx_read, idx_free or a failure); name stands for the file in messages. */
int idx_open_fd(struct idx *x, int fd, const char *name, int ndims, const uint32_t *item_shape,
                char **err);
/* Reads the data_size bytes of data the header announced into x->data and
 * closes the file: 0, or -1 with x emptied and *err as above (truncated,
 * corrupt, data after the announced bytes, out of memory). */
int idx_read(struct idx *x, char **err);
/* Frees the data and closes the file if it is still open; x becomes empty. */
void idx_free(struct idx *x);

#endif
