# SPDX-License-Identifier: BSD-3-Clause
# Differential fuzzing with libFuzzer (verify/fuzz/): one harness per kernel
# family runs every ISA's kernels and the scalar reference on the same random
# sizes, alignments, aliasing and bit patterns, under ASan + UBSan, and fails
# on any differing bit. `make fuzz FUZZ_SECONDS=N` runs each harness for N
# seconds: in this build if it was configured with --enable-fuzzing (clang),
# otherwise in a sub-build fuzz-build/ configured with CC=$(FUZZ_CC)
# --enable-fuzzing --disable-shared. Corpus: fuzz-build/corpus/NAME (grows
# from run to run) and the seeds verify/fuzz/corpus/NAME; a failing input is
# saved in fuzz-build/crashes/NAME/. fuzz_idx is not differential: it feeds
# arbitrary files to the IDX reader of `simdgrad train` (src/cli/idx.c).
FUZZ_NAMES = fuzz_elementwise fuzz_softmax fuzz_dense fuzz_idx
FUZZ_SECONDS = 60
FUZZ_COMMON = verify/fuzz/fuzz.h verify/check.h verify/oracle.h
FUZZ_LIBS = libsimdgrad.la -lm
# -static (to libtool: the static library) for sg_table_for, which the shared
# library does not export.
FUZZ_LINK_FLAGS = -static $(FUZZ_LDFLAGS)

if SG_FUZZING
noinst_PROGRAMS += verify/fuzz/fuzz_elementwise verify/fuzz/fuzz_softmax verify/fuzz/fuzz_dense \
	verify/fuzz/fuzz_idx
FUZZ_HERE = yes
else
FUZZ_HERE = no
endif
verify_fuzz_fuzz_elementwise_SOURCES = verify/fuzz/fuzz_elementwise.c $(FUZZ_COMMON)
verify_fuzz_fuzz_elementwise_LDADD = $(FUZZ_LIBS)
verify_fuzz_fuzz_elementwise_LDFLAGS = $(FUZZ_LINK_FLAGS)
verify_fuzz_fuzz_softmax_SOURCES = verify/fuzz/fuzz_softmax.c $(FUZZ_COMMON)
verify_fuzz_fuzz_softmax_LDADD = $(FUZZ_LIBS)
verify_fuzz_fuzz_softmax_LDFLAGS = $(FUZZ_LINK_FLAGS)
verify_fuzz_fuzz_dense_SOURCES = verify/fuzz/fuzz_dense.c $(FUZZ_COMMON)
verify_fuzz_fuzz_dense_LDADD = $(FUZZ_LIBS)
verify_fuzz_fuzz_dense_LDFLAGS = $(FUZZ_LINK_FLAGS)
verify_fuzz_fuzz_idx_SOURCES = verify/fuzz/fuzz_idx.c src/cli/idx.c src/cli/idx.h
verify_fuzz_fuzz_idx_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/src/cli $(ZLIB_CFLAGS)
verify_fuzz_fuzz_idx_LDADD = $(ZLIB_LIBS)
verify_fuzz_fuzz_idx_LDFLAGS = $(FUZZ_LDFLAGS)

EXTRA_DIST += verify/fuzz/fuzz.h verify/fuzz/fuzz_elementwise.c verify/fuzz/fuzz_softmax.c \
	verify/fuzz/fuzz_dense.c verify/fuzz/fuzz_idx.c verify/fuzz/run-fuzzers.sh verify/fuzz/make-seeds.pl \
	verify/fuzz/corpus

# An in-tree build cannot host a VPATH sub-build (configure refuses a source
# directory that is configured itself), so there the sub-build is configured
# from a copy of the distributed files, fuzz-build/source.
fuzz:
	@if test "$(FUZZ_HERE)" = yes; then \
	  $(MAKE) $(AM_MAKEFLAGS) verify/fuzz/fuzz_elementwise$(EXEEXT) verify/fuzz/fuzz_softmax$(EXEEXT) \
	    verify/fuzz/fuzz_dense$(EXEEXT) verify/fuzz/fuzz_idx$(EXEEXT) && \
	  $(SHELL) '$(abs_top_srcdir)/verify/fuzz/run-fuzzers.sh' '$(abs_top_builddir)' \
	    '$(abs_top_srcdir)/verify/fuzz/corpus' '$(FUZZ_SECONDS)' $(FUZZ_NAMES); \
	elif test -z '$(FUZZ_CC)'; then \
	  echo "make fuzz needs clang with libFuzzer: install clang and libclang-rt-14-dev, or set FUZZ_CC" >&2; \
	  exit 1; \
	else \
	  src='$(abs_top_srcdir)'; \
	  $(MKDIR_P) fuzz-build || exit 1; \
	  if test "$$src" = '$(abs_top_builddir)'; then \
	    $(MAKE) $(AM_MAKEFLAGS) distdir distdir=fuzz-build/source top_distdir=fuzz-build/source \
	      >/dev/null || exit 1; \
	    src='$(abs_top_builddir)/fuzz-build/source'; \
	  fi; \
	  cd fuzz-build && \
	  if test ! -f config.status; then \
	    echo "make fuzz: configuring fuzz-build with CC=$(FUZZ_CC) --enable-fuzzing --disable-shared"; \
	    "$$src/configure" CC='$(FUZZ_CC)' --enable-fuzzing --disable-shared >configure.log 2>&1 || \
	      { echo "make fuzz: configuring fuzz-build failed: see fuzz-build/config.log" >&2; exit 1; }; \
	  fi && \
	  $(MAKE) fuzz FUZZ_SECONDS='$(FUZZ_SECONDS)'; \
	fi
.PHONY: fuzz fuzz-clean
clean-local: fuzz-clean
fuzz-clean:
	-rm -rf fuzz-build corpus crashes fuzz_elementwise.log fuzz_softmax.log fuzz_dense.log \
	  fuzz_idx.log
