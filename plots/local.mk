# SPDX-License-Identifier: BSD-3-Clause
# make bench-report, make plots: the results of `make bench` (every
# $(BENCH_RESULTS)/<cpu-id>/<set>.json, any number of CPUs) merged into one
# table and a text report, and plotted with gnuplot (plots/README.md).
# Nothing here is built by make, make check or make distcheck.
#
#   make bench-report     $(BENCH_MERGED) (one row per cpu, kernel, impl, size)
#                         and $(BENCH_REPORT) (speedups over the peers, cross-CPU)
#   make plots            plots-depth, plots-train, plots-ulp, bench-report, then SVG and PNG into $(PLOTS_OUT)
#   make plots-depth      $(DEPTH_TSV) (simdgrad depth) into $(PLOTS_OUT)/depth, if there
#   make plots-train      $(TRAIN_DIR)/train-*.tsv (simdgrad train) into $(PLOTS_OUT)/train
#   make plots-ulp        $(ULP_HISTOGRAMS)/ulp-*.tsv (make check-exhaustive) into $(PLOTS_OUT)/ulp
#   make plots-accuracy   each $(BENCH_RESULTS)/<cpu>/accuracy.tsv (make bench-accuracy) beside the
#                         speeds of $(BENCH_MERGED) into $(PLOTS_OUT)/<cpu>/accuracy
#   make plots PLOTS_OUT=/some/dir    images elsewhere
#   make plots BENCH_RESULTS=/some/dir   results (and the table, report) elsewhere
#   make plots-clean      remove $(PLOTS_OUT)
#
# Perl 5 with its core module JSON::PP and gnuplot (svg and pngcairo
# terminals; Debian: gnuplot-nox) are looked up on PATH at make time: PERL=,
# GNUPLOT= name others. The scripts stay in the source tree (VPATH builds
# read them from $(srcdir)); the results default to the source tree like
# `make bench` writes them (BENCH_RESULTS, bench/local.mk); the images go
# under the build directory.
PERL = perl
GNUPLOT = gnuplot
BENCH_MERGE = $(srcdir)/bench/merge-results.pl
BENCH_MERGED = $(BENCH_RESULTS)/merged.tsv
BENCH_REPORT = $(BENCH_RESULTS)/report.txt
PLOTS_OUT = plots/out
PLOTS_GP = plots/common.gp plots/throughput.gp plots/speedup.gp plots/crosscpu.gp \
	plots/dense.gp plots/threads.gp plots/depth.gp plots/depth_real.gp plots/train.gp plots/ulp.gp plots/softmax_ulp.gp \
	plots/accuracy.gp
EXTRA_DIST += bench/merge-results.pl plots/README.md $(PLOTS_GP) tools/depth-real-summary.pl

# A shell line that fails with a message unless perl and JSON::PP are there.
plots_need_perl = { $(PERL) -MJSON::PP -e 1 >/dev/null 2>&1 || { \
	echo "make $@: '$(PERL)' with the core module JSON::PP is needed (Debian: perl);" >&2; \
	echo "  install it or name another with PERL=/path/to/perl" >&2; exit 1; }; }

# Likewise for gnuplot with the terminals the scripts use.
plots_need_gnuplot = { $(GNUPLOT) -e 'set terminal svg; set terminal pngcairo' </dev/null >/dev/null 2>&1 || { \
	echo "make $@: '$(GNUPLOT)' with the svg and pngcairo terminals is needed" >&2; \
	echo "  (Debian: gnuplot-nox); install it or name another with GNUPLOT=/path/to/gnuplot" >&2; \
	exit 1; }; }

bench-report:
	@$(plots_need_perl); \
	$(PERL) "$(BENCH_MERGE)" --tsv="$(BENCH_MERGED)" --report="$(BENCH_REPORT)" "$(BENCH_RESULTS)"

plots: plots-depth plots-depth-real plots-train plots-ulp bench-report plots-accuracy
	@$(plots_need_perl); \
	$(plots_need_gnuplot); \
	$(PERL) "$(BENCH_MERGE)" --tsv="$(BENCH_MERGED)" --plots="$(PLOTS_OUT)" || exit 1; \
	$(GNUPLOT) -e "plotsdir='$(srcdir)/plots'" "$(PLOTS_OUT)/data/plots.gp" || exit 1; \
	echo "make plots: wrote `wc -l <"$(PLOTS_OUT)/data/outputs.list"` images under $(PLOTS_OUT)"

# The table of `simdgrad depth --out plots/data` (DEPTH_TSV) as
# $(PLOTS_OUT)/depth/<act>.svg and .png; `make plots` draws them first and
# goes on without them (a note) when there is no table. (Not DEPTH_DATA:
# automake would take that for files to install.)
DEPTH_TSV = $(srcdir)/plots/data/depth.tsv
plots-depth:
	@if test ! -f "$(DEPTH_TSV)"; then \
	  echo "make $@: no $(DEPTH_TSV) (simdgrad depth --out DIR writes it): depth plots skipped"; \
	else \
	  $(plots_need_gnuplot); \
	  mkdir -p "$(PLOTS_OUT)/depth" && \
	  $(GNUPLOT) -e "plotsdir='$(srcdir)/plots'; datafile='$(DEPTH_TSV)'; outdir='$(PLOTS_OUT)/depth'" \
	    "$(srcdir)/plots/depth.gp" && \
	  echo "make $@: wrote the plots of $(DEPTH_TSV) under $(PLOTS_OUT)/depth"; \
	fi

# make depth-real: `simdgrad depth` on Fashion-MNIST's first 1000 training
# images over a grid of seeds, depths (hidden layers of 30), activations and
# inits, biases N(0, 1), sigmoid outputs with cross-entropy, into
# $(DEPTH_REAL_TSV) (about a minute). make plots-depth-real (and make plots)
# draws it.
DEPTH_REAL_TSV = $(srcdir)/plots/data/depth-real.tsv
DEPTH_REAL_SEEDS = 1 2 3 4 5 6 7 8 9 10
DEPTH_REAL_HIDDEN = 1 2 3 4 5 6 7 8 9 10
DEPTH_REAL_ARGS = --images 1000 --head bce --bias-init normal --act sigmoid,tanh,relu --init normal,lecun,xavier,he
depth-real: src/cli/simdgrad$(EXEEXT)
	@mkdir -p "`dirname "$(DEPTH_REAL_TSV)"`" || exit 1; \
	for seed in $(DEPTH_REAL_SEEDS); do \
	  for h in $(DEPTH_REAL_HIDDEN); do \
	    widths=784; i=0; while [ $$i -lt $$h ]; do widths=$$widths,30; i=`expr $$i + 1`; done; \
	    src/cli/simdgrad$(EXEEXT) depth $(DEPTH_REAL_ARGS) --widths $$widths,10 --seed $$seed 2>/dev/null || exit 1; \
	  done; \
	done | awk 'NR == 1 || $$1 != "act"' >"$(DEPTH_REAL_TSV)" && \
	echo "make $@: wrote $(DEPTH_REAL_TSV) (`expr \`wc -l <"$(DEPTH_REAL_TSV)"\` - 1` rows)"
plots-depth-real:
	@if test ! -f "$(DEPTH_REAL_TSV)"; then \
	  echo "make $@: no $(DEPTH_REAL_TSV) (make depth-real writes it): its plots skipped"; \
	else \
	  $(plots_need_perl); $(plots_need_gnuplot); \
	  mkdir -p "$(PLOTS_OUT)/depth" "$(PLOTS_OUT)/data" && \
	  $(PERL) "$(srcdir)/tools/depth-real-summary.pl" --layers <"$(DEPTH_REAL_TSV)" >"$(PLOTS_OUT)/data/depth-real-layers.tsv" && \
	  $(PERL) "$(srcdir)/tools/depth-real-summary.pl" --ratio <"$(DEPTH_REAL_TSV)" >"$(PLOTS_OUT)/data/depth-real-ratio.tsv" && \
	  $(GNUPLOT) -e "layers='$(PLOTS_OUT)/data/depth-real-layers.tsv'; ratio='$(PLOTS_OUT)/data/depth-real-ratio.tsv'; textbook=3; outdir='$(PLOTS_OUT)/depth'" \
	    "$(srcdir)/plots/depth_real.gp" && \
	  echo "make $@: wrote the plots of $(DEPTH_REAL_TSV) under $(PLOTS_OUT)/depth"; \
	fi
.PHONY: depth-real plots-depth-real

# The runs of `simdgrad train --out plots/data` (TRAIN_DIR): test accuracy per
# epoch of every net, and each net's per-layer gradients over the epochs.
TRAIN_DIR = $(srcdir)/plots/data
plots-train:
	@epochs=`ls "$(TRAIN_DIR)"/train-*-epochs.tsv 2>/dev/null | tr '\n' ' '`; \
	if test -z "$$epochs"; then \
	  echo "make $@: no $(TRAIN_DIR)/train-*-epochs.tsv (simdgrad train --out DIR writes them): training plots skipped"; \
	else \
	  $(plots_need_gnuplot); \
	  grads=`echo "$$epochs" | sed 's/-epochs\.tsv/.tsv/g'`; \
	  mkdir -p "$(PLOTS_OUT)/train" && \
	  byisa=; test -f "$(TRAIN_ISA_TSV)" && byisa="$(TRAIN_ISA_TSV)"; \
	  $(GNUPLOT) -e "outdir='$(PLOTS_OUT)/train'; epochs='$$epochs'; grads='$$grads'; byisa='$$byisa'" "$(srcdir)/plots/train.gp" && \
	  echo "make $@: wrote the training plots under $(PLOTS_OUT)/train"; \
	fi

# make train-isa: the seconds of one epoch's training pass of the two nets of
# README on every ISA this machine runs (scalar takes a minute or two), into
# $(TRAIN_ISA_TSV) (a row per net, a column per ISA); make plots-train draws it.
TRAIN_ISA_TSV = $(srcdir)/plots/data/train-seconds-by-isa.tsv
train-isa: src/cli/simdgrad$(EXEEXT)
	@isas=`src/cli/simdgrad$(EXEEXT) info | sed -n 's/^supported: *//p'`; \
	{ printf 'net'; for isa in $$isas; do printf '\t%s' $$isa; done; printf '\n'; \
	  for net in "784-100-10-sigmoid --hidden 100 --act sigmoid --init xavier" \
	             "784-256-128-10-relu --hidden 256,128 --act relu --init he"; do \
	    set -- $$net; name=$$1; shift; printf '%s' $$name; \
	    for isa in $$isas; do \
	      s=`src/cli/simdgrad$(EXEEXT) train --epochs 1 --quiet --isa $$isa "$$@" 2>/dev/null | awk -F'\t' '$$1 == 1 {print $$4}'`; \
	      test -n "$$s" || exit 1; printf '\t%s' $$s; \
	    done; printf '\n'; \
	  done; } >"$(TRAIN_ISA_TSV)" && echo "make $@: wrote $(TRAIN_ISA_TSV)"
.PHONY: train-isa

# The ULP error histograms of `make check-exhaustive` (ULP_HISTOGRAMS, verify/local.mk)
# as $(PLOTS_OUT)/ulp/elementwise.svg and .png, a panel per kernel.
plots-ulp:
	@files=`ls "$(ULP_HISTOGRAMS)"/ulp-*.tsv 2>/dev/null | tr '\n' ' '`; \
	if test -z "$$files"; then \
	  echo "make $@: no $(ULP_HISTOGRAMS)/ulp-*.tsv (make check-exhaustive writes them): ULP plots skipped"; \
	else \
	  $(plots_need_gnuplot); \
	  mkdir -p "$(PLOTS_OUT)/ulp" && \
	  $(GNUPLOT) -e "outdir='$(PLOTS_OUT)/ulp'; files='$$files'" "$(srcdir)/plots/ulp.gp" && \
	  echo "make $@: wrote the ULP histograms under $(PLOTS_OUT)/ulp"; \
	fi
	@if test -f "$(SOFTMAX_ULP)"; then \
	  $(plots_need_gnuplot); \
	  mkdir -p "$(PLOTS_OUT)/ulp" && \
	  $(GNUPLOT) -e "outdir='$(PLOTS_OUT)/ulp'; datafile='$(SOFTMAX_ULP)'" "$(srcdir)/plots/softmax_ulp.gp" && \
	  echo "make $@: wrote the softmax family's error per row length under $(PLOTS_OUT)/ulp"; \
	else \
	  echo "make $@: no $(SOFTMAX_ULP) (make softmax-ulp writes it): its plot skipped"; \
	fi

# Each CPU's accuracy.tsv joined with its speeds at n = 4096 (merged.tsv:
# a simdgrad row is kernel/isa, a peer's its own name) into
# $(PLOTS_OUT)/<cpu>/accuracy.tsv, then drawn (plots/accuracy.gp).
plots-accuracy: bench-report
	@files=`ls "$(BENCH_RESULTS)"/*/accuracy.tsv 2>/dev/null | tr '\n' ' '`; \
	if test -z "$$files"; then \
	  echo "make $@: no $(BENCH_RESULTS)/*/accuracy.tsv (make bench-accuracy writes them): skipped"; exit 0; \
	fi; \
	$(plots_need_gnuplot); \
	for f in $$files; do \
	  cpu=`basename \`dirname "$$f"\``; out="$(PLOTS_OUT)/$$cpu"; mkdir -p "$$out" || exit 1; \
	  awk -F'\t' -v cpu="$$cpu" 'FNR == NR { if (FNR > 1) acc[$$2] = $$0; next } \
	    $$1 == cpu && $$3 == "elementwise" && $$8 == "4096" { \
	      key = $$6 == "isa" ? $$4 "/" $$5 : $$5; \
	      if ((key in acc) && !(key in done)) { done[key] = 1; print acc[key] "\t" $$11 } }' \
	    "$$f" "$(BENCH_MERGED)" > "$$out/accuracy.tsv" || exit 1; \
	  $(GNUPLOT) -e "datafile='$$out/accuracy.tsv'; cpu='$$cpu'; outdir='$$out'" "$(srcdir)/plots/accuracy.gp" || exit 1; \
	  echo "make $@: wrote $$out/accuracy.svg and .png"; \
	done

plots-clean:
	-rm -rf "$(PLOTS_OUT)"
.PHONY: bench-report plots plots-depth plots-train plots-ulp plots-accuracy plots-clean
