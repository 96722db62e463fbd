// SPDX-License-Identifier: BSD-3-Clause
// simdgrad_bench: the Google Benchmark shim over the C API (README: Speed).
//
// Every simdgrad kernel is measured with each ISA: the element-wise kernels
// are called straight from that ISA's table (sg_table_for), the others with
// the ISA forced through sg_set_isa(); next to the peers people use today, in
// the same run: XNNPACK's operator, a SLEEF vector-exp loop, a plain libm
// loop, and memcpy of the same bytes as the bandwidth roof. Counters:
// items_per_second (elements/s) and bytes_per_second (bytes read + written).
// The JSON context carries the machine (CPU model, ISA, compilers, commit) so
// runs from several machines can be merged.
//
// This file is the driver: the shared inputs and helpers (bench/driver.h),
// the options, the context, the reporters and main(). Each set's benchmarks,
// registration and summary are in bench/set_<name>.cc, the machine probes in
// bench/probes.cc.
//
// Benchmark sets, one JSON file each under make bench:
//   elementwise  sigmoid, tanh, relu and their backward kernels against
//             XNNPACK, SLEEF, libm, the compiler's auto-vectorised loop and
//             memcpy; divider/latency/clock probes
//   softmax   softmax, log_softmax, softmax_xent, softmax_backward at 256x10,
//             256x1000, 64x32768, against XNNPACK's softmax and memcpy
//   dense     sg_dense_forward, dW and dX of sg_dense_backward at the MLP's
//             layers 784->100 and 100->10 (batch 1, 32, 256) and at 1024^3,
//             sg_outer at 784x100 and 4096x4096, against single-threaded
//             OpenBLAS (cblas_sgemm, cblas_sger), oneDNN's inner products (in
//             simdgrad's layouts and in the layouts oneDNN picks), XNNPACK's
//             fully-connected operator (forward) and the core's FMA peak
//             (GFLOPs counter)
//   threads   the scaling with the thread count, 1 to every CPU: dense at
//             784->100 batch 32 and 256 and 1024^3 against OpenBLAS and
//             oneDNN on as many threads, sigmoid at 2^24 against a copy on as
//             many threads, softmax at 64x32768 against oneDNN
//
// Options besides Google Benchmark's own (--benchmark_*):
//   --set=NAME          elementwise, softmax, dense, threads or all (the default): the benchmarks registered
//   --full              every size from L1- to DRAM-resident (make bench-full); without it,
//                       one L1 and one DRAM size per kernel (make bench, a few minutes);
//                       in the dense set, --full adds the scalar reference
// Environment: SIMDGRAD_BENCH_MEMORY_MB caps the memory the sizes may take.
//   --cpu-id            print the directory name results of this CPU go in, exit
//   --context=KEY=VAL   add KEY: VAL to the JSON context (make bench passes the commit)
#include <config.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sched.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "driver.h"

namespace sgbench {

// ---- inputs ------------------------------------------------------------------

bool g_full = false;

std::vector<int64_t> elementwise_sizes() {
  if (!g_full) return {kSmall, kLarge};
  std::vector<int64_t> v;
  for (int64_t n = int64_t(1) << 10; n <= int64_t(1) << 26; n *= 4) v.push_back(n);
  return v;
}

double g_clock_hz = 0;

void set_cycles_counter(benchmark::State &state, double elements) {
  if (g_clock_hz > 0)
    state.counters["cycles_per_element"] =
        benchmark::Counter(elements / g_clock_hz, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void fill_uniform(float *x, size_t n, uint64_t seed, float lo, float hi) {
  Rng r{seed};
  for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * (float(r.next24()) * 0x1p-24f);
}

void *alloc_pages(size_t bytes) {
  bytes = (bytes + 4095) / 4096 * 4096;
  void *p = aligned_alloc(4096, bytes ? bytes : 4096);
  if (!p) {
    std::fprintf(stderr, "simdgrad_bench: out of memory for %zu bytes\n", bytes);
    std::exit(1);
  }
  std::memset(p, 0, bytes);
  return p;
}

Buffers buffers(size_t n) {
  static std::map<size_t, Buffers> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  size_t bytes = n * sizeof(float);
  Buffers b;
  b.x = static_cast<float *>(alloc_pages(bytes));
  b.y = static_cast<float *>(alloc_pages(bytes));
  b.dy = static_cast<float *>(alloc_pages(bytes));
  fill_uniform(b.x, n, 0x9e3779b97f4a7c15u ^ n, -10.0f, 10.0f);
  fill_uniform(b.dy, n, 0x7f4a7c159e3779b9u ^ n, -1.0f, 1.0f);
  cache.emplace(n, b);
  return b;
}

std::string shape_name(size_t rows, size_t cols) { return std::to_string(rows) + "x" + std::to_string(cols); }

void set_elementwise_counters(benchmark::State &state, size_t n, int64_t bytes_per_element) {
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n) * bytes_per_element);
  set_cycles_counter(state, double(state.iterations()) * double(n));
}

bool force_isa(benchmark::State &state, sg_isa isa, sg_isa *before) {
  *before = sg_active_isa();
  if (sg_isa_supported(isa) && sg_set_isa(isa) == 0) return true;
  state.SkipWithError("ISA not supported by this CPU (or not built)");
  return false;
}

// ---- peers -----------------------------------------------------------------------

#ifdef SG_BENCH_XNNPACK
bool run_xnn(benchmark::State &state, void *op, const char *err) {
  if (!err) err = bench_xnn_run(op);
  if (err) {
    bench_xnn_delete(op);
    state.SkipWithError(err);
    return false;
  }
  for (auto _ : state) {
    bench_xnn_run(op);
    benchmark::ClobberMemory();
  }
  bench_xnn_delete(op);
  return true;
}
#endif

#ifdef SG_BENCH_ONEDNN
bool run_dnnl(benchmark::State &state, bench_dnnl_op *job, const char *err) {
  if (!err) err = bench_dnnl_op_run(job);  // warm-up
  if (err) {
    bench_dnnl_op_destroy(job);
    state.SkipWithError(err);
    return false;
  }
  for (auto _ : state) {
    bench_dnnl_op_run(job);
    benchmark::ClobberMemory();
  }
  state.SetLabel(bench_dnnl_op_label(job));
  bench_dnnl_op_destroy(job);
  return true;
}
#endif

bool add_onednn_common_context() {
#ifdef SG_BENCH_ONEDNN
  static int state = 0;  // 0 not yet, 1 added, -1 failed
  if (state) return state > 0;
  if (const char *err = bench_dnnl_init()) {
    benchmark::AddCustomContext("onednn", err);
    state = -1;
    return false;
  }
  benchmark::AddCustomContext("onednn_version", bench_dnnl_version());
  int threads = bench_dnnl_threads();
  benchmark::AddCustomContext("onednn_threads", threads > 0 ? std::to_string(threads) : "unknown");
  const char *omp = std::getenv("OMP_NUM_THREADS");
  benchmark::AddCustomContext("OMP_NUM_THREADS", omp ? omp : "(unset)");
  state = 1;
  return true;
#else
  return false;
#endif
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

int g_registered = 0;
bool g_filtered = false;

void register_cpu_clock() {
  static bool done = false;
  if (!done) add("cpu_clock/add_chain", bm_cpu_clock);
  done = true;
}

double best_of(const Results &r, const std::string &kernel, const std::string &sn, std::string *isa_out) {
  double best = 0;
  for (sg_isa isa : isas_of_this_arch()) {
    double v = r.get(kernel + "/" + sg_isa_name(isa) + "/" + sn);
    if (v > best) best = v, *isa_out = sg_isa_name(isa);
  }
  return best;
}

std::vector<int> thread_counts() {
  int cpus = 1;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
  std::vector<int> t;
  for (int n = 1; n < cpus; n *= 2) t.push_back(n);
  t.push_back(cpus);
  return t;
}

ThreadsFor::ThreadsFor(int threads) {
  sg_set_threads(size_t(threads));
#ifdef SG_BENCH_OPENBLAS
  bench_blas_set_threads(threads);
#endif
#ifdef SG_BENCH_ONEDNN
  bench_dnnl_set_threads(threads);
#endif
}

ThreadsFor::~ThreadsFor() {
  sg_set_threads(1);
#ifdef SG_BENCH_OPENBLAS
  bench_blas_single_thread();
#endif
#ifdef SG_BENCH_ONEDNN
  bench_dnnl_set_threads(1);
#endif
}

namespace {

// The sets, in the order they register and summarise.
const BenchSet *const kSets[] = {&kElementwiseSet, &kSoftmaxSet, &kDenseSet, &kThreadsSet};

// Whether --set=name runs set s.
bool selected(const std::string &name, const BenchSet &s) { return name == "all" || name == s.name; }

void measure_clock() {
  uint64_t sink = 1, reps = 1 << 16;
  if (!bench_add_chain(1, &sink)) return;
  bench_add_chain(reps, &sink);  // warm-up: let the clock settle
  double best = 0;
  for (int k = 0; k < 5; k++) {
    auto t0 = std::chrono::steady_clock::now();
    bench_add_chain(reps, &sink);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, double(reps) * 64 / s);
  }
  benchmark::DoNotOptimize(sink);
  g_clock_hz = best;
}

// ---- context -------------------------------------------------------------------------

// The directory name of this CPU's results: its model string, lower case,
// every run of other characters turned into one '-'.
// x86's family, model and stepping (CPUID leaf 1, with the extended fields
// where the manuals say they apply) as "f6m207s2"; empty elsewhere. The
// model string alone can name different CPUs (a virtual CPU's "Intel(R)
// Xeon(R) Processor", a cloud's "AMD EPYC"), whose results must not share a
// directory.
std::string cpu_signature() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return "";
  unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
  if (family == 0xf) family += (a >> 20) & 0xff;
  if (family == 0x6 || family >= 0xf) model += ((a >> 16) & 0xf) << 4;
  return "f" + std::to_string(family) + "m" + std::to_string(model) + "s" + std::to_string(stepping);
#else
  return "";
#endif
}

// The directory name of this CPU's results: the model string made file-name
// safe, then the signature.
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
  if (id.empty()) id = "unknown";
  std::string sig = cpu_signature();
  return sig.empty() ? id : id + "-" + sig;
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

void add_context(const std::string &set) {
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
  AddCustomContext("sg_isa_note", "each <kernel>/<isa>/<size> benchmark runs <isa>: the element-wise kernels from its dispatch table, the others forced with sg_set_isa()");
  AddCustomContext("sizes", g_full ? "full (make bench-full): L1- to DRAM-resident" : "quick (make bench): one L1 and one DRAM size");
  AddCustomContext("autovec_target", std::string("gcc -O3 -march=native -ffast-math: ") + bench_autovec_target());
  if (g_clock_hz > 0) AddCustomContext("clock_ghz", std::to_string(g_clock_hz / 1e9));
  AddCustomContext("compiler_c", bench_c_compiler());
  AddCustomContext("compiler_cxx", cxx_compiler());
#ifdef SG_BENCH_CFLAGS
  AddCustomContext("cflags", SG_BENCH_CFLAGS);
#endif
#ifdef SG_BENCH_CXXFLAGS
  AddCustomContext("cxxflags", SG_BENCH_CXXFLAGS);
#endif
  std::string peers = "memcpy libm autovec";
#ifdef SG_BENCH_XNNPACK
  peers += " xnnpack";
#endif
#ifdef SG_BENCH_SLEEF
  peers += " sleef";
#endif
#ifdef SG_BENCH_ONEDNN
  peers += " onednn";
#endif
#ifdef SG_BENCH_OPENBLAS
  peers += " openblas";
  AddCustomContext("openblas_config", bench_blas_config());
  AddCustomContext("openblas_corename", bench_blas_corename());
  AddCustomContext("openblas_threads", std::to_string(bench_blas_threads()));
  const char *obt = std::getenv("OPENBLAS_NUM_THREADS");
  AddCustomContext("OPENBLAS_NUM_THREADS", obt ? obt : "(unset)");
#endif
  AddCustomContext("peers", peers);
  AddCustomContext("sg_threads", "1, but in the threads set (each benchmark's count is in its name); "
                                 "this process may use " + std::to_string(thread_counts().back()) + " CPUs");
  AddCustomContext("bench_set", set);
}

// ---- summary: each set's comparisons ----------------------------------------------

// The console reporter, plus a few lines at the end for each set that ran
// (its summary function, bench/set_<name>.cc).
// Uses each benchmark's median when repetitions give one, else its runs' median.
class SummaryReporter : public benchmark::ConsoleReporter, public Results {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &r : runs) {
      const char *key = r.counters.count("GFLOPs")             ? "GFLOPs"
                        : r.counters.count("GHz")              ? "GHz"
                        : r.counters.count("calls_per_second") ? "calls_per_second"
                                                               : "items_per_second";
      auto rate = r.counters.find(key);
      if (rate == r.counters.end() || !(rate->second.value > 0)) continue;  // skipped or failed
      std::string name = r.run_name.str();
      auto reorder = r.counters.find("reorder_us");
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = rate->second.value;
        if (r.aggregate_name == "median" && reorder != r.counters.end())
          median_[name + "#reorder_us"] = reorder->second.value;
      } else {
        samples_[name].push_back(rate->second.value);
        if (reorder != r.counters.end()) samples_[name + "#reorder_us"].push_back(reorder->second.value);
      }
      if (!r.report_label.empty()) labels_[name] = r.report_label;
    }
    // The console writes a rate counter's unit as "/s" ("s" when inverted);
    // these three hold finished figures (cycles per element, GFLOP/s, GHz),
    // so they are shown bare. The JSON file holds the same values.
    std::vector<Run> shown = runs;
    for (Run &r : shown)
      for (const char *k : {"cycles_per_element", "GFLOPs", "GHz"}) {
        auto c = r.counters.find(k);
        if (c != r.counters.end()) c->second.flags = benchmark::Counter::kDefaults;
      }
    ConsoleReporter::ReportRuns(shown);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE *out = stdout;
    std::fprintf(out, "\nsummary (medians; G = 1e9 elements/s):\n");
    double ghz = get("cpu_clock/add_chain");
    if (ghz > 0) std::fprintf(out, "  core clock (dependent adds): %.2f GHz\n", ghz);
    for (const BenchSet *s : kSets)
      if (s->ran(*this)) s->summary(*this, out, ghz);
  }

  bool ran(const std::string &prefix) const override {
    for (auto &m : median_)
      if (m.first.compare(0, prefix.size(), prefix) == 0) return true;
    for (auto &m : samples_)
      if (m.first.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
  }

  double get(const std::string &name) const override {
    auto m = median_.find(name);
    if (m != median_.end()) return m->second;
    auto s = samples_.find(name);
    if (s == samples_.end() || s->second.empty()) return 0;
    std::vector<double> v = s->second;
    std::sort(v.begin(), v.end());
    size_t k = v.size();
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  }

  std::string label(const std::string &name) const override {
    auto l = labels_.find(name);
    return l == labels_.end() ? std::string() : l->second;
  }

 private:
  std::map<std::string, double> median_;
  std::map<std::string, std::vector<double>> samples_;
  std::map<std::string, std::string> labels_;  // a benchmark's label (oneDNN's implementation)
};

// The memory the chosen sets will hold at once (every array is cached for
// the whole run), against what the system has available: a size list that
// does not fit is refused up front rather than swapping or being killed
// half-way. Returns false, with the message printed, when it does not fit.
bool sizes_fit(const std::string &set) {
  double need = 0;
  for (const BenchSet *s : kSets)
    if (selected(set, *s)) need += s->memory();
  double avail = 0;
  if (std::FILE *f = std::fopen("/proc/meminfo", "r")) {
    char line[128];
    unsigned long long kb;
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1) avail = double(kb) * 1024;
    std::fclose(f);
  }
  if (!(avail > 0)) avail = double(sysconf(_SC_AVPHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  // SIMDGRAD_BENCH_MEMORY_MB caps what the run may use (a machine shared
  // with other jobs), below what the system reports.
  if (const char *cap = std::getenv("SIMDGRAD_BENCH_MEMORY_MB")) {
    char *end;
    double mb = std::strtod(cap, &end);
    if (end == cap || *end || !(mb > 0)) {
      std::fprintf(stderr, "simdgrad_bench: SIMDGRAD_BENCH_MEMORY_MB=%s: want a positive number of MiB\n", cap);
      return false;
    }
    if (!(avail > 0) || mb * 1048576 < avail) avail = mb * 1048576;
  }
  if (avail > 0 && need > 0.8 * avail) {
    std::fprintf(stderr,
                 "simdgrad_bench: the %s sizes of set '%s' need %.0f MiB of arrays, but only %.0f MiB of memory\n"
                 "  is available (at most 80%% is used); run the quick sizes (make bench) or free memory\n"
                 "  (SIMDGRAD_BENCH_MEMORY_MB caps the memory counted as available)\n",
                 g_full ? "--full" : "quick", set.c_str(), need / 1048576, avail / 1048576);
    return false;
  }
  return true;
}

// The console reporter of make bench, with a progress line on stderr.
class ProgressReporter : public SummaryReporter {
 public:
  using SummaryReporter::SummaryReporter;
  // On a terminal the progress line stays at the bottom: cleared before the
  // console's next line, drawn again after it. Otherwise one line per benchmark.
  void ReportRuns(const std::vector<Run> &runs) override {
    bool tty = isatty(STDERR_FILENO);
    if (tty) std::fprintf(stderr, "\r\033[K");
    SummaryReporter::ReportRuns(runs);
    GetOutputStream().flush();
    if (!runs.empty()) seen_.insert(runs[0].run_name.str());
    if (g_filtered)
      std::fprintf(stderr, "[%zu benchmarks done]%s", seen_.size(), tty ? "" : "\n");
    else
      std::fprintf(stderr, "[%zu/%d benchmarks done]%s", seen_.size(), g_registered, tty ? "" : "\n");
    std::fflush(stderr);
  }
  void Finalize() override {
    if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
    SummaryReporter::Finalize();
  }

 private:
  std::set<std::string> seen_;
};

}  // namespace
}  // namespace sgbench

int main(int argc, char **argv) {
  using namespace sgbench;
  // Take our own options out of argv before Google Benchmark sees it.
  bool console = true;
  std::string set = "all";
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
    if (std::strncmp(a, "--set=", 6) == 0) {
      set = a + 6;
      bool known = set == "all";
      for (const BenchSet *s : kSets) known = known || set == s->name;
      if (!known) {
        std::fprintf(stderr, "simdgrad_bench: unknown set '%s' (elementwise, softmax, dense, threads or all)\n", set.c_str());
        return 2;
      }
      continue;
    }
    if (std::strcmp(a, "--full") == 0) {
      g_full = true;
      continue;
    }
    if (std::strcmp(a, "--help") == 0)
      std::printf("simdgrad_bench [--set=elementwise|softmax|dense|threads|all] [--full] [--cpu-id] [--context=KEY=VALUE]...\n"
                  "               [Google Benchmark options]\n\n");
    if (std::strncmp(a, "--benchmark_format=", 19) == 0) console = std::strcmp(a + 19, "console") == 0;
    if (std::strncmp(a, "--benchmark_filter=", 19) == 0) g_filtered = true;
    argv[kept++] = argv[i];
  }
  argc = kept;
  argv[argc] = nullptr;

#ifdef SG_BENCH_OPENBLAS
  bench_blas_single_thread();  // the comparison is single-threaded (make bench also sets OPENBLAS_NUM_THREADS=1)
#endif
  sg_set_threads(1);  // likewise simdgrad's (the threads set sets its own counts, benchmark by benchmark)
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!sizes_fit(set)) return 2;
  measure_clock();
  add_context(set);
  for (const BenchSet *s : kSets)
    if (selected(set, *s)) s->register_set();
  if (console) {
    ProgressReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                    : benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
