/* SPDX-License-Identifier: BSD-3-Clause */
/* Output digests of the fixed input sets of the row-wise and dense tests, as
 * the scalar reference computes them (the element-wise kernels' are in
 * verify/oracle.h, beside their oracles). Every ISA on every architecture
 * must reproduce them (the promise of src/simdgrad.h). They change only when
 * an algorithm or constant changes on purpose: then take the new value the
 * test prints, from the scalar line, and say why in the commit. */
#ifndef SG_GOLDEN_H
#define SG_GOLDEN_H

/* verify/test_softmax.c: outputs over its random and adversarial row sets
 * (the xent loss digest covers the returned loss of each set). */
#define GOLDEN_SOFTMAX_DIGEST 0x27a5eea0b6f7631eull
#define GOLDEN_LOG_SOFTMAX_DIGEST 0x486ce4cc37f15980ull
#define GOLDEN_XENT_LOSS_DIGEST 0xabe6ab4f256c2dbaull
#define GOLDEN_XENT_DELTA_DIGEST 0xc9d86afa2e143880ull
#define GOLDEN_SOFTMAX_BACKWARD_DIGEST 0xa7f2a384b067e9dbull
#define GOLDEN_LOG_SOFTMAX_BACKWARD_DIGEST 0x81e9b16e58a16450ull

/* verify/test_dense.c: dense forward + backward outputs over the MLP shapes
 * (batch 1, 32, 256 x 784->100, 100->10, 1000->1000), and sg_outer outputs
 * over m, n in 1..33 plus three large shapes. */
#define GOLDEN_DENSE_DIGEST 0xeabb505b54d2eb6bull
#define GOLDEN_OUTER_DIGEST 0x3a142490741557cdull

#endif
