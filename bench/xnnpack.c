/* SPDX-License-Identifier: BSD-3-Clause */
/* XNNPACK's f32 sigmoid, softmax and fully-connected operators (NC layout),
 * run without a thread pool. */
#include <config.h>

#include <math.h>

#include <xnnpack.h>

#include "bench.h"

static const char *status_text(enum xnn_status s, const char *what) {
  if (s == xnn_status_success) return 0;
  switch (s) {
  case xnn_status_uninitialized: return "XNNPACK: not initialized";
  case xnn_status_invalid_parameter: return "XNNPACK: invalid parameter";
  case xnn_status_unsupported_hardware: return "XNNPACK: unsupported hardware";
  case xnn_status_out_of_memory: return "XNNPACK: out of memory";
  default: return what;
  }
}

const char *bench_xnn_init(void) {
  static int done;
  static enum xnn_status status;
  if (!done) status = xnn_initialize(NULL), done = 1;
  return status_text(status, "XNNPACK: xnn_initialize failed");
}

const char *bench_xnn_sigmoid_create(size_t channels, void **op) {
  xnn_operator_t o = NULL;
  const char *err = status_text(xnn_create_sigmoid_nc_f32(channels, channels, channels, 0, &o),
                                "XNNPACK: xnn_create_sigmoid_nc_f32 failed");
  *op = o;
  return err;
}

const char *bench_xnn_sigmoid_setup(void *op, size_t batch, const float *x, float *y) {
  return status_text(xnn_setup_sigmoid_nc_f32((xnn_operator_t)op, batch, x, y, NULL),
                     "XNNPACK: xnn_setup_sigmoid_nc_f32 failed");
}

const char *bench_xnn_softmax_create(size_t channels, void **op) {
  xnn_operator_t o = NULL;
  const char *err = status_text(xnn_create_softmax_nc_f32(channels, channels, channels, 0, &o),
                                "XNNPACK: xnn_create_softmax_nc_f32 failed");
  *op = o;
  return err;
}

const char *bench_xnn_softmax_setup(void *op, size_t batch, const float *x, float *y) {
  return status_text(xnn_setup_softmax_nc_f32((xnn_operator_t)op, batch, x, y, NULL),
                     "XNNPACK: xnn_setup_softmax_nc_f32 failed");
}

const char *bench_xnn_fc_create(size_t in, size_t out, const float *W, void **op) {
  xnn_operator_t o = NULL;
  const char *err = status_text(xnn_create_fully_connected_nc_f32(in, out, in, out, W, NULL, -INFINITY, INFINITY,
                                                                  XNN_FLAG_TRANSPOSE_WEIGHTS, &o),
                                "XNNPACK: xnn_create_fully_connected_nc_f32 failed");
  *op = o;
  return err;
}

const char *bench_xnn_fc_setup(void *op, size_t batch, const float *X, float *Y) {
  return status_text(xnn_setup_fully_connected_nc_f32((xnn_operator_t)op, batch, X, Y, NULL),
                     "XNNPACK: xnn_setup_fully_connected_nc_f32 failed");
}

const char *bench_xnn_run(void *op) {
  return status_text(xnn_run_operator((xnn_operator_t)op, NULL), "XNNPACK: xnn_run_operator failed");
}

void bench_xnn_delete(void *op) {
  if (op) xnn_delete_operator((xnn_operator_t)op);
}
