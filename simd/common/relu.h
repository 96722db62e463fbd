/* SPDX-License-Identifier: BSD-3-Clause */
/* The ReLU and its derivative, written once for every ISA (include the ISA's
 * vec.h first): the vector twins of src/relu.c, selects only. */
#ifndef SG_RELU_BODY_H
#define SG_RELU_BODY_H

#include "map.h"

/* x <= 0 is false for a NaN, which so passes through. */
static inline vf v_relu(vf x) {
  vf zero = v_set(0.0f);
  return v_select(v_le(x, zero), zero, x);
}

static inline vf v_relu_backward(vf x, vf dy) {
  vf zero = v_set(0.0f);
  return v_select(v_lt(zero, x), dy, zero);
}

#endif
