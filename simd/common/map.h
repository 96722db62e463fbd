/* SPDX-License-Identifier: BSD-3-Clause */
/* Element-wise loops shared by every ISA (include the ISA's vec.h first).
 * Full vectors, then one masked tail, so every element goes through the same
 * vector function and the tail costs no scalar code path of its own. Outputs
 * of at least SG_STREAM_BYTES are written with streaming stores: at DRAM sizes
 * that skips the read-for-ownership of the output, a third of the traffic. */
#ifndef SG_MAP_H
#define SG_MAP_H

#include <stddef.h>
#include <stdint.h>

#define SG_STREAM_BYTES ((size_t)8 << 20)

/* Elements before out + i is vector-aligned, or SIZE_MAX when streaming does
 * not apply (small output, or a pointer not even float-aligned). */
static inline size_t sg_stream_head(size_t n, const float *out) {
  uintptr_t addr = (uintptr_t)out, width = SG_VL * sizeof(float);
  if (n * sizeof(float) < SG_STREAM_BYTES || addr % sizeof(float)) return SIZE_MAX;
  return (size_t)((width - addr % width) % width) / sizeof(float);
}

/* void NAME(size_t n, const float *a, float *out): out[i] = F(a[i]). */
#define SG_DEFINE_MAP1(NAME, F)                                                   \
  void NAME(size_t n, const float *a, float *out) {                               \
    size_t i = 0, head = sg_stream_head(n, out);                                  \
    if (head != SIZE_MAX) {                                                       \
      if (head) v_store_n(out, head, F(v_load_n(a, head)));                       \
      for (i = head; i + SG_VL <= n; i += SG_VL) v_store_stream(out + i, F(v_load(a + i))); \
      v_stream_fence();                                                           \
    }                                                                             \
    for (; i + SG_VL <= n; i += SG_VL) v_store(out + i, F(v_load(a + i)));        \
    if (i < n) v_store_n(out + i, n - i, F(v_load_n(a + i, n - i)));              \
  }

/* void NAME(size_t n, const float *a, const float *b, float *out): out[i] = F(a[i], b[i]). */
#define SG_DEFINE_MAP2(NAME, F)                                                   \
  void NAME(size_t n, const float *a, const float *b, float *out) {               \
    size_t i = 0, head = sg_stream_head(n, out);                                  \
    if (head != SIZE_MAX) {                                                       \
      if (head) v_store_n(out, head, F(v_load_n(a, head), v_load_n(b, head)));    \
      for (i = head; i + SG_VL <= n; i += SG_VL)                                  \
        v_store_stream(out + i, F(v_load(a + i), v_load(b + i)));                 \
      v_stream_fence();                                                           \
    }                                                                             \
    for (; i + SG_VL <= n; i += SG_VL) v_store(out + i, F(v_load(a + i), v_load(b + i))); \
    if (i < n) v_store_n(out + i, n - i, F(v_load_n(a + i, n - i), v_load_n(b + i, n - i))); \
  }

#endif
