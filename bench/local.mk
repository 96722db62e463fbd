# SPDX-License-Identifier: BSD-3-Clause
# make bench: the Google Benchmark suite (a C++ shim over the C API: the
# driver bench/driver.cc with bench/driver.h, one file per set,
# bench/set_elementwise.cc, bench/set_softmax.cc and bench/set_dense.cc, and
# the machine probes bench/probes.cc) against its peers, in one run. Nothing
# here is built by make or make check: the program is an EXTRA_PROGRAM that
# only `make bench` asks for.
#
#   make bench                                   run every set, write one JSON each
#                                                (one L1 and one DRAM size per kernel, ~4 min)
#   make bench-full                              every size from L1- to DRAM-resident
#                                                (JSON named <set>-full.json)
#   make bench BENCH_SETS=softmax                only these sets (elementwise softmax dense)
#   make bench BENCH_ARGS=--benchmark_repetitions=5   extra Google Benchmark flags
#   make bench BENCH_RESULTS=/some/dir           results there instead
#   SIMDGRAD_BENCH_MEMORY_MB=4000 make bench-full   cap the memory the run may use
#                          (a size list that does not fit is refused before anything runs)
#   make bench BENCH_ARGS="'--benchmark_filter=sigmoid|memcpy'"
#                          (BENCH_ARGS reaches the shell: quote a regex's | ( ))
#
# Each set is one run of the program (--set=NAME) written to
# $(BENCH_RESULTS)/<cpu-id>/NAME.json, where <cpu-id> is the CPU model string
# made file-name safe, with x86's family, model and stepping
# (`bench/simdgrad_bench --cpu-id`; bench/results/README.md).
# BENCH_RESULTS defaults to bench/results in the source tree, so the results of
# several machines sit side by side in the repository (bench/results/README.md).
# The runs have OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1 (oneDNN's
# OpenMP) in their environment, and the program also calls
# openblas_set_num_threads(1) and omp_set_num_threads(1): every set but
# threads compares single threads; the threads set sets each library's
# count (simdgrad, OpenBLAS, OpenMP) around each benchmark.
EXTRA_LIBRARIES =
BENCH_SOURCES = bench/driver.cc bench/driver.h bench/set_elementwise.cc bench/set_softmax.cc \
	bench/set_dense.cc bench/set_threads.cc bench/probes.cc bench/bench.h bench/peers.c
BENCH_XNNPACK_SOURCES = bench/xnnpack.c
BENCH_OPENBLAS_SOURCES = bench/openblas.c
BENCH_ONEDNN_SOURCES = bench/onednn.c
BENCH_AVX2_SOURCES = bench/x86_avx2.c bench/bench.h
BENCH_AVX512_SOURCES = bench/x86_avx512.c bench/bench.h
EXTRA_DIST += bench/results $(BENCH_XNNPACK_SOURCES) $(BENCH_OPENBLAS_SOURCES) $(BENCH_ONEDNN_SOURCES) \
	$(BENCH_AVX2_SOURCES) $(BENCH_AVX512_SOURCES)

BENCH_RESULTS = $(srcdir)/bench/results
BENCH_SETS = elementwise softmax dense threads
# Short runs, three repetitions; the console shows the medians and the summary,
# the JSON keeps every repetition. BENCH_ARGS comes last, so it can override.
BENCH_FLAGS = --benchmark_min_time=0.2 --benchmark_repetitions=3 \
	--benchmark_display_aggregates_only=true

if SG_BENCH
EXTRA_PROGRAMS += bench/simdgrad_bench
CLEANFILES += bench/simdgrad_bench$(EXEEXT)
bench_simdgrad_bench_SOURCES = $(BENCH_SOURCES)
bench_simdgrad_bench_CPPFLAGS = $(AM_CPPFLAGS) $(BENCHMARK_CFLAGS) $(BENCH_DEFS) \
	-DSG_BENCH_CFLAGS='"$(CFLAGS)"' -DSG_BENCH_CXXFLAGS='"$(CXXFLAGS)"'
bench_simdgrad_bench_LDADD = $(BENCH_ISA_LIBS) libsimdgrad.la $(XNNPACK_LIBS) $(SLEEF_LIBS) \
	$(BENCH_OPENBLAS_LIBS) $(BENCH_ONEDNN_LIBS) $(BENCHMARK_LIBS) -lm
# Static, like the tests: a real binary (no libtool wrapper) that runs as is.
bench_simdgrad_bench_LDFLAGS = -static

# make bench-accuracy (bench/accuracy.c): the peers' accuracy over all 2^32
# inputs, linked with the same peer code as the bench program.
EXTRA_PROGRAMS += bench/accuracy
CLEANFILES += bench/accuracy$(EXEEXT)
bench_accuracy_SOURCES = bench/accuracy.c bench/bench.h bench/peers.c
bench_accuracy_CPPFLAGS = $(AM_CPPFLAGS) $(BENCH_DEFS)
bench_accuracy_LDADD = $(BENCH_ISA_LIBS) libsimdgrad.la $(XNNPACK_LIBS) $(SLEEF_LIBS) $(BENCH_ONEDNN_LIBS) \
	$(MVEC_LIBS) -lm
bench_accuracy_LDFLAGS = -static

BENCH_DEFS =
BENCH_ISA_LIBS =
BENCH_OPENBLAS_LIBS =
BENCH_ONEDNN_LIBS =
if SG_BENCH_XNNPACK
bench_simdgrad_bench_SOURCES += $(BENCH_XNNPACK_SOURCES)
bench_accuracy_SOURCES += $(BENCH_XNNPACK_SOURCES)
BENCH_DEFS += -DSG_BENCH_XNNPACK=1
endif
if SG_BENCH_SLEEF
BENCH_DEFS += -DSG_BENCH_SLEEF=1
endif
if SG_BENCH_OPENBLAS
bench_simdgrad_bench_SOURCES += $(BENCH_OPENBLAS_SOURCES)
BENCH_DEFS += -DSG_BENCH_OPENBLAS=1
BENCH_OPENBLAS_LIBS += $(OPENBLAS_LIBS)
endif
if SG_BENCH_ONEDNN
bench_simdgrad_bench_SOURCES += $(BENCH_ONEDNN_SOURCES)
bench_accuracy_SOURCES += $(BENCH_ONEDNN_SOURCES)
BENCH_DEFS += -DSG_BENCH_ONEDNN=1
BENCH_ONEDNN_LIBS += $(ONEDNN_LIBS)
endif

# The compiler's auto-vectorised loops, a peer: -O3 -march=native -ffast-math
# for this machine (the bench program runs where it is built), linked with
# glibc's libmvec for the vector expf and tanhf the loops call.
EXTRA_LIBRARIES += bench/libbench_autovec.a
CLEANFILES += bench/libbench_autovec.a
bench_libbench_autovec_a_SOURCES = bench/autovec.c bench/bench.h
bench_libbench_autovec_a_CFLAGS = $(AM_CFLAGS) -O3 -march=native -ffast-math
BENCH_ISA_LIBS += bench/libbench_autovec.a
bench_simdgrad_bench_LDADD += $(MVEC_LIBS)

# The SLEEF loops and divider probes need their ISA's flags (sleef.h declares
# its vector functions only under __AVX2__ / __AVX512F__): one small static
# library per ISA, built only for the bench program.
if SG_AVX2
EXTRA_LIBRARIES += bench/libbench_avx2.a
CLEANFILES += bench/libbench_avx2.a
bench_libbench_avx2_a_SOURCES = $(BENCH_AVX2_SOURCES)
bench_libbench_avx2_a_CPPFLAGS = $(AM_CPPFLAGS) $(BENCH_DEFS)
bench_libbench_avx2_a_CFLAGS = $(AM_CFLAGS) $(AVX2_CFLAGS)
BENCH_ISA_LIBS += bench/libbench_avx2.a
endif
if SG_AVX512
EXTRA_LIBRARIES += bench/libbench_avx512.a
CLEANFILES += bench/libbench_avx512.a
bench_libbench_avx512_a_SOURCES = $(BENCH_AVX512_SOURCES)
bench_libbench_avx512_a_CPPFLAGS = $(AM_CPPFLAGS) $(BENCH_DEFS)
bench_libbench_avx512_a_CFLAGS = $(AM_CFLAGS) $(AVX512_CFLAGS)
BENCH_ISA_LIBS += bench/libbench_avx512.a
endif

bench-full:
	@$(MAKE) $(AM_MAKEFLAGS) bench BENCH_SIZES=--full BENCH_SUFFIX=-full

BENCH_SIZES =
BENCH_SUFFIX =
bench: bench/simdgrad_bench$(EXEEXT)
	@cpu=`bench/simdgrad_bench$(EXEEXT) --cpu-id` || exit 1; \
	dir="$(BENCH_RESULTS)/$$cpu"; \
	commit=`git -C "$(srcdir)" rev-parse --short HEAD 2>/dev/null || echo unknown`; \
	dirty=unknown; \
	if test "$$commit" != unknown; then \
	  if git -C "$(srcdir)" diff --quiet HEAD -- 2>/dev/null; then dirty=no; else dirty=yes; fi; \
	fi; \
	$(MKDIR_P) "$$dir" || exit 1; \
	for set in $(BENCH_SETS); do \
	  out="$$dir/$$set$(BENCH_SUFFIX).json"; \
	  echo "make bench: set $$set -> $$out (commit $$commit, uncommitted changes: $$dirty)"; \
	  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 bench/simdgrad_bench$(EXEEXT) --set=$$set $(BENCH_SIZES) \
	    --context=git_commit="$$commit" --context=git_dirty="$$dirty" \
	    --benchmark_out="$$out" --benchmark_out_format=json $(BENCH_FLAGS) $(BENCH_ARGS) || exit 1; \
	  echo "make bench: wrote $$out"; \
	done
else
bench:
	@echo "make bench: the benchmarks are not configured: Google Benchmark (pkg-config" >&2; \
	echo "  'benchmark', Debian package libbenchmark-dev) was not found, or this is a" >&2; \
	echo "  cross build. Install it and rerun configure." >&2; \
	exit 1
endif
.PHONY: bench bench-full

# make bench-accuracy: bench/accuracy over all 2^32 inputs, the sigmoid and
# tanh sweeps side by side on two cores, written to
# $(BENCH_RESULTS)/<cpu-id>/accuracy.tsv beside the speed results: the peers
# dispatch by CPU as simdgrad does.
if SG_BENCH
bench-accuracy: bench/accuracy$(EXEEXT) bench/simdgrad_bench$(EXEEXT)
	@cpu=`bench/simdgrad_bench$(EXEEXT) --cpu-id` || exit 1; \
	out="$(BENCH_RESULTS)/$$cpu/accuracy.tsv"; $(MKDIR_P) "$(BENCH_RESULTS)/$$cpu" || exit 1; \
	OMP_NUM_THREADS=1 bench/accuracy$(EXEEXT) tanh > "$$out.tanh" & tanh=$$!; \
	OMP_NUM_THREADS=1 bench/accuracy$(EXEEXT) sigmoid > "$$out.sigmoid"; ok=$$?; \
	wait $$tanh && test $$ok = 0 && \
	{ printf 'function\timpl\tmax_ulp\tworst_x\ttiny_max_ulp\tflushed\tnan_out\tfirst_nan_x\n'; \
	  cat "$$out.sigmoid" "$$out.tanh"; } > "$$out"; ok=$$?; \
	rm -f "$$out.sigmoid" "$$out.tanh"; test $$ok = 0 || { rm -f "$$out"; exit 1; }; \
	cat "$$out"; echo "make bench-accuracy: wrote $$out"
else
bench-accuracy:
	@echo "make bench-accuracy: the benchmarks are not configured (see make bench)" >&2; exit 1
endif
.PHONY: bench-accuracy

# make bench-train (about a minute): the training pass of `simdgrad train`
# for the two nets of the README (784-100-10 sigmoid, Xavier; 784-256-128-10
# ReLU, He) on Fashion-MNIST, seconds per epoch at batch 32 and 256, beside the same
# pass as a bare loop over the kernel API (bench/train-bare.c, which must
# reach the same parameters bit for bit) and the same net and step in
# PyTorch, on one thread and on every CPU, each with its test accuracy
# (bench/bench-train.sh; BENCH_TRAIN_EPOCHS, BENCH_TRAIN_BATCHES). PyTorch
# (python3-torch) is optional: without it its columns say "skipped". Needs
# the Fashion-MNIST files (dataset-fashion-mnist).
EXTRA_PROGRAMS += bench/train-bare
CLEANFILES += bench/train-bare$(EXEEXT)
bench_train_bare_SOURCES = bench/train-bare.c src/cli/experiment.c src/cli/experiment.h src/cli/idx.c src/cli/idx.h
bench_train_bare_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/src/cli $(ZLIB_CFLAGS)
bench_train_bare_LDADD = libsimdgrad.la $(ZLIB_LIBS) -lm
bench_train_bare_LDFLAGS = -static
EXTRA_DIST += bench/bench-train.sh bench/train-torch.py
bench-train: src/cli/simdgrad$(EXEEXT) bench/train-bare$(EXEEXT)
	@$(SHELL) $(srcdir)/bench/bench-train.sh src/cli/simdgrad$(EXEEXT) bench/train-bare$(EXEEXT) \
	  $(srcdir)/bench/train-torch.py
.PHONY: bench-train
