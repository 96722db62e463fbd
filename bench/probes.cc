// SPDX-License-Identifier: BSD-3-Clause
// The machine probes: what bounds the kernels (streaming-copy roof, sigmoid
// latency, divider throughput, core clock, FMA peak). Each is registered by
// the set that reports it: the elementwise set (stream_copy, sigmoid_latency,
// divps_throughput, cpu_clock) and the dense set (fma_peak, cpu_clock).
#include <config.h>

#include <cstddef>
#include <cstdint>

#include "driver.h"

namespace sgbench {

// The bandwidth roof for a kernel that writes with streaming stores.
void bm_stream_copy(benchmark::State &state) {
#if SG_HAVE_AVX512
  if (sg_isa_supported(SG_ISA_AVX512)) return run_elementwise(state, bench_stream_copy_zmm);
#endif
  state.SkipWithError("needs AVX-512");
}

// Latency of one kernel call on 32 floats (one AVX-512 step, a pair of zmm),
// in place, so each call's loads wait for the previous call's stores: the
// length of the kernel's dependency chain (plus call and store forwarding).
// Throughput needs about latency / (cycles per step) steps in flight.
void bm_sigmoid_latency(benchmark::State &state, sg_isa isa) {
  if (!sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  const size_t n = 32;
  float buf[n];
  for (size_t i = 0; i < n; i++) buf[i] = -8.0f + 0.5f * float(i);
  sg_isa before = sg_active_isa();
  sg_set_isa(isa);
  for (auto _ : state) {
    sg_sigmoid(n, buf, buf);
    benchmark::ClobberMemory();
  }
  sg_set_isa(before);
  benchmark::DoNotOptimize(buf[0]);
  state.counters["calls_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

// Throughput of vdivps: items are floats divided; divs_per_second counts
// instructions. With cpu_clock's GHz the summary turns it into cycles.
void bm_divps(benchmark::State &state, sg_isa isa) {
  const uint64_t reps = 1024;
  float (*probe)(uint64_t) = nullptr;
  int lanes = 0;
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) probe = bench_divps_zmm, lanes = 16;
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) probe = bench_divps_ymm, lanes = 8;
#endif
  if (!probe || !sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(probe(reps));
  double divs = double(state.iterations()) * double(reps) * BENCH_DIVS_PER_REP;
  state.SetItemsProcessed(int64_t(divs) * lanes);
  state.counters["divs_per_second"] = benchmark::Counter(divs, benchmark::Counter::kIsRate);
}

// Core clock from a chain of dependent integer adds (1 cycle each).
void bm_cpu_clock(benchmark::State &state) {
  const uint64_t reps = 4096;
  uint64_t sink = 1;
  if (!bench_add_chain(1, &sink)) {
    state.SkipWithError("no add-chain probe for this architecture");
    return;
  }
  for (auto _ : state) bench_add_chain(reps, &sink);
  benchmark::DoNotOptimize(sink);
  double adds = double(state.iterations()) * double(reps) * 64;
  state.counters["GHz"] = benchmark::Counter(adds / 1e9, benchmark::Counter::kIsRate);
}

// The core's FMA throughput: independent vfmadd231ps chains in asm
// (bench/x86_avx512.c, bench/x86_avx2.c). GFLOPs counts 2 flops per lane.
void bm_fma_peak(benchmark::State &state, sg_isa isa) {
  const uint64_t reps = 4096;
  void (*probe)(uint64_t) = nullptr;
  int lanes = 0, chains = 0;
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) probe = bench_fma_zmm, lanes = 16, chains = BENCH_FMA_ZMM_CHAINS;
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) probe = bench_fma_ymm, lanes = 8, chains = BENCH_FMA_YMM_CHAINS;
#endif
  if (!probe || !sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  probe(reps);  // warm-up: wakes the wide units (and any licence change) before timing
  for (auto _ : state) probe(reps);
  double fmas = double(state.iterations()) * double(reps) * chains;
  state.counters["GFLOPs"] = benchmark::Counter(fmas * lanes * 2 / 1e9, benchmark::Counter::kIsRate);
  state.counters["fmas_per_second"] = benchmark::Counter(fmas, benchmark::Counter::kIsRate);
}

}  // namespace sgbench
