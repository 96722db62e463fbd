// SPDX-License-Identifier: BSD-3-Clause
// The threads set: how simdgrad scales with the thread count, beside
// OpenBLAS and oneDNN on as many threads in the same run (their own thread
// pools: OpenBLAS's, oneDNN's OpenMP), and beside a copy of as many bytes
// on as many threads for the memory-bound kernels. simdgrad gives the same
// bits for every count (verify/test_parallel); the peers need not.
#include <config.h>

#include <cstdio>
#include <string>
#include <vector>

#include "driver.h"

namespace sgbench {
namespace {

// kernel, size, its peers (the first one is the speedup's reference), unit
struct Scaling {
  const char *kernel, *size;
  std::vector<const char *> peers;
  const char *unit;
};

const Scaling kScalings[] = {
    {"dense_forward", "b32_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_forward", "b256_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_forward", "b1024_1024x1024", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dW", "b32_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dW", "b256_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dW", "b1024_1024x1024", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dX", "b32_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dX", "b256_784x100", {"onednn", "openblas"}, "GFLOP/s"},
    {"dense_dX", "b1024_1024x1024", {"onednn", "openblas"}, "GFLOP/s"},
    {"sigmoid", "16777216", {"memcpy"}, "G elements/s"},
    {"softmax", "64x32768", {"onednn"}, "G elements/s"},
};

std::string name_of(const char *library, const Scaling &s, int threads) {
  // the copy stands for every memory-bound kernel: its own kernel name
  std::string kernel = std::string(library) == "memcpy" ? "copy" : s.kernel;
  return std::string("threads/") + library + "/" + kernel + "/" + std::to_string(threads) + "/" + s.size + "/real_time";
}

void register_threads_set() {
  register_cpu_clock();
  register_dense_threads();
  register_elementwise_threads();
  register_softmax_threads();
}

// Per kernel and size, a row per thread count: simdgrad's rate and its
// speedup over one thread, each peer's rate and simdgrad over it.
void threads_summary(const Results &res, std::FILE *out, double ghz) {
  (void)ghz;
  std::fprintf(out, "  threads set (each library on T threads; simdgrad's bits the same for every T):\n");
  for (const Scaling &s : kScalings) {
    double one = res.get(name_of("simdgrad", s, 1));
    if (!(one > 0)) continue;
    double scale = std::string(s.unit) == "GFLOP/s" ? 1.0 : 1e9;  // items/s to G elements/s
    std::fprintf(out, "    %s %s (%s):\n      %3s %9s %8s", s.kernel, s.size, s.unit, "T", "simdgrad", "vs T=1");
    for (const char *p : s.peers) std::fprintf(out, " %9s %10s", p, ("simd/" + std::string(p).substr(0, 5)).c_str());
    std::fprintf(out, "\n");
    for (int t : thread_counts()) {
      double v = res.get(name_of("simdgrad", s, t));
      if (!(v > 0)) continue;
      std::fprintf(out, "      %3d %9.3f %7.2fx", t, v / scale, v / one);
      for (const char *p : s.peers) {
        double w = res.get(name_of(p, s, t));
        if (w > 0)
          std::fprintf(out, " %9.3f %9.3fx", w / scale, v / w);
        else
          std::fprintf(out, " %9s %10s", "-", "-");
      }
      std::fprintf(out, "\n");
    }
  }
}

bool threads_ran(const Results &res) { return res.ran("threads/"); }

double threads_memory() {
  // the dense products' arrays (X, W, dY and the outputs, with oneDNN's
  // copies), the sigmoid's and the copy's x, dy, y, softmax's six arrays
  double need = 0;
  for (double mnk : {32.0 * 784 + 784 * 100 + 32 * 100, 256.0 * 784 + 784 * 100 + 256 * 100, 3.0 * 1024 * 1024})
    need += 12.0 * mnk;
  return need + 12.0 * double(kLarge) + 24.0 * 64 * 32768;
}

}  // namespace

const BenchSet kThreadsSet = {"threads", register_threads_set, threads_summary, threads_ran, threads_memory};

}  // namespace sgbench
