// simdgrad_bench: the Google Benchmark shim over the C API (DESIGN.md section 6).
//
// Every simdgrad kernel is measured with each ISA forced through sg_set_isa(),
// next to the peers people use today, in the same run: XNNPACK's operator, a
// SLEEF vector-exp loop, a plain libm loop, and memcpy of the same bytes as the
// bandwidth roof. Counters: items_per_second (elements/s) and bytes_per_second
// (bytes read + written). The JSON context carries the machine (CPU model,
// ISA, compilers, commit) so runs from several machines can be merged.
//
// Options besides Google Benchmark's own (--benchmark_*):
//   --cpu-id            print the directory name results of this CPU go in, exit
//   --context=KEY=VAL   add KEY: VAL to the JSON context (make bench passes the commit)
#include <config.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "bench.h"
#include "simdgrad.h"

namespace {

#if defined(__x86_64__) || defined(__i386__)
#define SG_BENCH_X86 1
#endif

// ---- inputs ------------------------------------------------------------------

// The element counts of the sigmoid set: L1-resident and DRAM-resident.
const int64_t kSmall = 4096;
const int64_t kLarge = int64_t(1) << 24;

struct Buffers {
  float *x = nullptr, *y = nullptr;
};

// One input and one output array per size, shared by every benchmark of that
// size: x uniform in [-10, 10] from a fixed seed, y written once so its pages
// are mapped before any timing.
Buffers buffers(size_t n) {
  static std::map<size_t, Buffers> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  size_t bytes = (n * sizeof(float) + 4095) / 4096 * 4096;
  Buffers b;
  b.x = static_cast<float *>(aligned_alloc(4096, bytes));
  b.y = static_cast<float *>(aligned_alloc(4096, bytes));
  if (!b.x || !b.y) {
    std::fprintf(stderr, "simdgrad_bench: out of memory for n = %zu\n", n);
    std::exit(1);
  }
  uint64_t s = 0x9e3779b97f4a7c15u ^ n;  // xorshift64*, seeded by n
  for (size_t i = 0; i < n; i++) {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    uint32_t r = uint32_t((s * 0x2545f4914f6cdd1du) >> 40);  // 24 random bits
    b.x[i] = -10.0f + 20.0f * (float(r) * 0x1p-24f);
  }
  std::memset(b.y, 0, bytes);
  cache.emplace(n, b);
  return b;
}

// Element-wise job over n floats: 4 bytes read and 4 written per element.
void set_elementwise_counters(benchmark::State &state, size_t n) {
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n) * 8);
}

template <class F>
void run_elementwise(benchmark::State &state, F &&f) {
  size_t n = size_t(state.range(0));
  Buffers b = buffers(n);
  f(n, b.x, b.y);  // warm-up: caches, TLB, lazy initialisation
  for (auto _ : state) {
    f(n, b.x, b.y);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(b.y[n - 1]);
  set_elementwise_counters(state, n);
}

// ---- simdgrad ------------------------------------------------------------------

void bm_sigmoid(benchmark::State &state, sg_isa isa) {
  if (!sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
  sg_isa before = sg_active_isa();
  if (sg_set_isa(isa) != 0) {
    state.SkipWithError("sg_set_isa failed");
    return;
  }
  run_elementwise(state, [](size_t n, const float *x, float *y) { sg_sigmoid(n, x, y); });
  sg_set_isa(before);
}

// ---- peers -----------------------------------------------------------------------

void bm_memcpy(benchmark::State &state) {
  run_elementwise(state, [](size_t n, const float *x, float *y) { std::memcpy(y, x, n * sizeof(float)); });
}

void bm_libm_sigmoid(benchmark::State &state) { run_elementwise(state, bench_libm_sigmoid); }

// XNNPACK's sigmoid operator on a batch x channels matrix, no thread pool.
// width 0: one row of n channels; otherwise rows of `width` channels.
void bm_xnnpack_sigmoid(benchmark::State &state, size_t width) {
#ifdef SG_BENCH_XNNPACK
  size_t n = size_t(state.range(0));
  size_t channels = width ? width : n, batch = n / channels;
  Buffers b = buffers(n);
  void *op = nullptr;
  const char *err = bench_xnn_init();
  if (!err) err = bench_xnn_sigmoid_create(channels, &op);
  if (!err) err = bench_xnn_sigmoid_setup(op, batch, b.x, b.y);
  if (!err) err = bench_xnn_run(op);
  if (err) {
    bench_xnn_delete(op);
    state.SkipWithError(err);
    return;
  }
  for (auto _ : state) {
    bench_xnn_run(op);
    benchmark::ClobberMemory();
  }
  bench_xnn_delete(op);
  set_elementwise_counters(state, n);
#else
  (void)width;
  state.SkipWithError("XNNPACK not found by configure");
#endif
}

void bm_sleef_sigmoid(benchmark::State &state, sg_isa isa) {
#if defined(SG_BENCH_SLEEF) && defined(SG_BENCH_X86)
  if (!sg_isa_supported(isa)) {
    state.SkipWithError("ISA not supported by this CPU (or not built)");
    return;
  }
#if SG_HAVE_AVX512
  if (isa == SG_ISA_AVX512) return run_elementwise(state, bench_sleef_expf16_sigmoid);
#endif
#if SG_HAVE_AVX2
  if (isa == SG_ISA_AVX2) return run_elementwise(state, bench_sleef_expf8_sigmoid);
#endif
  state.SkipWithError("no SLEEF loop for this ISA");
#else
  (void)isa;
  state.SkipWithError("SLEEF not found by configure (x86 only)");
#endif
}

// ---- probes: what bounds the kernels ------------------------------------------

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

// ---- registration ------------------------------------------------------------------

std::vector<sg_isa> isas_of_this_arch() {
  std::vector<sg_isa> v{SG_ISA_SCALAR};
#ifdef SG_BENCH_X86
  v.push_back(SG_ISA_AVX2);
  v.push_back(SG_ISA_AVX512);
#elif defined(__aarch64__)
  v.push_back(SG_ISA_NEON);
#endif
  return v;
}

void register_sigmoid_set() {
  auto sizes = [](benchmark::internal::Benchmark *b) { b->Arg(kSmall)->Arg(kLarge); };
  for (sg_isa isa : isas_of_this_arch())
    benchmark::RegisterBenchmark((std::string("sigmoid/") + sg_isa_name(isa)).c_str(), bm_sigmoid, isa)
        ->Apply(sizes);
  // XNNPACK runs a contiguous batch x channels matrix as one flat array: on
  // the Zen 5 machine one row of n channels and rows of 64, 256, 1024 or 4096
  // channels measured within 1% of each other (9.70-9.72 G/s at n = 4096),
  // so one row of n it is.
  benchmark::RegisterBenchmark("xnnpack_sigmoid", bm_xnnpack_sigmoid, size_t(0))->Apply(sizes);
#ifdef SG_BENCH_X86
  benchmark::RegisterBenchmark("sleef_expf16_loop", bm_sleef_sigmoid, SG_ISA_AVX512)->Apply(sizes);
  benchmark::RegisterBenchmark("sleef_expf8_loop", bm_sleef_sigmoid, SG_ISA_AVX2)->Apply(sizes);
#endif
  benchmark::RegisterBenchmark("libm_sigmoid", bm_libm_sigmoid)->Apply(sizes);
  benchmark::RegisterBenchmark("memcpy", bm_memcpy)->Apply(sizes);
#ifdef SG_BENCH_X86
  benchmark::RegisterBenchmark("stream_copy/avx512", bm_stream_copy)->Arg(kLarge);
  for (sg_isa isa : isas_of_this_arch())
    if (isa != SG_ISA_SCALAR)
      benchmark::RegisterBenchmark((std::string("sigmoid_latency/") + sg_isa_name(isa)).c_str(),
                                   bm_sigmoid_latency, isa);
  benchmark::RegisterBenchmark("divps_throughput/avx512", bm_divps, SG_ISA_AVX512);
  benchmark::RegisterBenchmark("divps_throughput/avx2", bm_divps, SG_ISA_AVX2);
#endif
  benchmark::RegisterBenchmark("cpu_clock/add_chain", bm_cpu_clock);
}

// ---- context -------------------------------------------------------------------------

// The directory name of this CPU's results: its model string, lower case,
// every run of other characters turned into one '-'.
std::string cpu_id() {
  std::string id;
  for (const char *p = sg_cpu_model(); *p; p++) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (std::isalnum(c))
      id += char(std::tolower(c));
    else if (!id.empty() && id.back() != '-')
      id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id.empty() ? "unknown" : id;
}

std::string cxx_compiler() {
#if defined(__clang__)
  return "clang++ " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

void add_context() {
  using benchmark::AddCustomContext;
  AddCustomContext("sg_version", sg_version());
  AddCustomContext("sg_cpu_model", sg_cpu_model());
  AddCustomContext("sg_cpu_id", cpu_id());
  AddCustomContext("sg_cpu_features", sg_cpu_features());
  std::string supported;
  for (int i = 0; i < SG_ISA_COUNT; i++)
    if (sg_isa_supported(sg_isa(i))) supported += std::string(supported.empty() ? "" : " ") + sg_isa_name(sg_isa(i));
  AddCustomContext("sg_isas_supported", supported);
  AddCustomContext("sg_isa_default", sg_isa_name(sg_active_isa()));
  const char *env = std::getenv("SIMDGRAD_ISA");
  AddCustomContext("SIMDGRAD_ISA", env ? env : "(unset)");
  AddCustomContext("sg_isa_note", "each sigmoid/<isa>/N benchmark forces <isa> with sg_set_isa()");
  AddCustomContext("compiler_c", bench_c_compiler());
  AddCustomContext("compiler_cxx", cxx_compiler());
#ifdef SG_BENCH_CFLAGS
  AddCustomContext("cflags", SG_BENCH_CFLAGS);
#endif
#ifdef SG_BENCH_CXXFLAGS
  AddCustomContext("cxxflags", SG_BENCH_CXXFLAGS);
#endif
  std::string peers = "memcpy libm";
#ifdef SG_BENCH_XNNPACK
  peers += " xnnpack";
#endif
#ifdef SG_BENCH_SLEEF
  peers += " sleef";
#endif
  AddCustomContext("peers", peers);
  AddCustomContext("bench_set", "sigmoid");
}

// ---- summary: the targets of the sigmoid set -------------------------------------

// The console reporter, plus a few lines at the end: the best simdgrad ISA
// against XNNPACK at 4096 and against memcpy at 2^24, and the divider bound.
// Uses each benchmark's median when repetitions give one, else its runs' median.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &r : runs) {
      const char *key = r.counters.count("GHz")                ? "GHz"
                        : r.counters.count("calls_per_second") ? "calls_per_second"
                                                               : "items_per_second";
      auto rate = r.counters.find(key);
      if (rate == r.counters.end() || !(rate->second.value > 0)) continue;  // skipped or failed
      std::string name = r.run_name.str();
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = rate->second.value;
      } else {
        samples_[name].push_back(rate->second.value);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE *out = stdout;
    std::fprintf(out, "\nsummary (medians; G = 1e9 elements/s):\n");
    double ghz = get("cpu_clock/add_chain");
    if (ghz > 0) std::fprintf(out, "  core clock (dependent adds): %.2f GHz\n", ghz);
    for (int64_t n : {kSmall, kLarge}) {
      std::string sn = std::to_string(n), best_isa;
      double best = 0;
      for (sg_isa isa : isas_of_this_arch()) {
        double v = get(std::string("sigmoid/") + sg_isa_name(isa) + "/" + sn);
        if (v > best) best = v, best_isa = sg_isa_name(isa);
      }
      if (!(best > 0)) continue;
      std::fprintf(out, "  n=%s: best simdgrad ISA %s %.3f G/s", sn.c_str(), best_isa.c_str(), best / 1e9);
      if (ghz > 0) std::fprintf(out, " (%.2f cycles per 16 elements)", 16 * ghz * 1e9 / best);
      std::fprintf(out, "\n");
      for (const char *peer : {"xnnpack_sigmoid", "sleef_expf16_loop", "sleef_expf8_loop", "libm_sigmoid", "memcpy",
                               "stream_copy/avx512"}) {
        double v = get(std::string(peer) + "/" + sn);
        if (v > 0) std::fprintf(out, "    / %-18s %7.3f G/s = %6.3fx\n", peer, v / 1e9, best / v);
      }
    }
    std::fprintf(out, "  targets: best/xnnpack at %" PRId64 " >= 1.0x, best/memcpy at %" PRId64 " >= 0.95x\n",
                 kSmall, kLarge);
    for (sg_isa isa : isas_of_this_arch()) {
      double v = get(std::string("sigmoid_latency/") + sg_isa_name(isa));
      if (!(v > 0)) continue;
      std::fprintf(out, "  sigmoid latency (%s): %.1f ns per dependent call on 32 floats", sg_isa_name(isa), 1e9 / v);
      if (ghz > 0) std::fprintf(out, " = %.0f cycles", ghz * 1e9 / v);
      std::fprintf(out, "\n");
    }
    for (auto probe : {std::make_pair("avx512", 16), std::make_pair("avx2", 8)}) {
      double v = get(std::string("divps_throughput/") + probe.first);
      if (!(v > 0)) continue;
      double per_div = v / probe.second;  // instructions per second
      std::fprintf(out, "  divider (%s): %.3f G vdivps/s", probe.first, per_div / 1e9);
      if (ghz > 0) std::fprintf(out, " = %.2f cycles each", ghz * 1e9 / per_div);
      std::fprintf(out, "; a kernel with one division per element is bounded by %.2f G/s\n", v / 1e9);
    }
  }

 private:
  double get(const std::string &name) const {
    auto m = median_.find(name);
    if (m != median_.end()) return m->second;
    auto s = samples_.find(name);
    if (s == samples_.end() || s->second.empty()) return 0;
    std::vector<double> v = s->second;
    std::sort(v.begin(), v.end());
    size_t k = v.size();
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  }

  std::map<std::string, double> median_;
  std::map<std::string, std::vector<double>> samples_;
};

}  // namespace

int main(int argc, char **argv) {
  // Take our own options out of argv before Google Benchmark sees it.
  bool console = true;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (std::strcmp(a, "--cpu-id") == 0) {
      std::printf("%s\n", cpu_id().c_str());
      return 0;
    }
    if (std::strncmp(a, "--context=", 10) == 0) {
      const char *kv = a + 10, *eq = std::strchr(kv, '=');
      if (!eq || eq == kv) {
        std::fprintf(stderr, "simdgrad_bench: --context needs KEY=VALUE, got '%s'\n", kv);
        return 2;
      }
      benchmark::AddCustomContext(std::string(kv, eq), eq + 1);
      continue;
    }
    if (std::strcmp(a, "--help") == 0)
      std::printf("simdgrad_bench [--cpu-id] [--context=KEY=VALUE]... [Google Benchmark options]\n\n");
    if (std::strncmp(a, "--benchmark_format=", 19) == 0) console = std::strcmp(a + 19, "console") == 0;
    argv[kept++] = argv[i];
  }
  argc = kept;
  argv[argc] = nullptr;

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  add_context();
  register_sigmoid_set();
  if (console) {
    SummaryReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                   : benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
