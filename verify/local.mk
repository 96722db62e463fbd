# SPDX-License-Identifier: BSD-3-Clause
# make check: accuracy against a double oracle, bit identity across ISAs,
# edge cases, dispatch and CLI behaviour. In a cross build every program runs
# under $(TEST_RUNNER) (qemu-aarch64).
VERIFY_COMMON = verify/check.h verify/golden.h verify/oracle.h
VERIFY_LIBS = libsimdgrad.la -lm
# Static: no libtool wrapper script, so qemu-user can run the test binaries.
VERIFY_LINK_FLAGS = -static

check_PROGRAMS += verify/test_elementwise verify/test_edges verify/test_dispatch verify/test_softmax \
	verify/test_loss verify/test_threads verify/test_api \
	verify/test_dense verify/test_gradcheck verify/test_parallel
verify_test_elementwise_SOURCES = verify/test_elementwise.c $(VERIFY_COMMON)
verify_test_elementwise_LDADD = $(VERIFY_LIBS)
verify_test_elementwise_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_edges_SOURCES = verify/test_edges.c $(VERIFY_COMMON)
verify_test_edges_LDADD = $(VERIFY_LIBS)
verify_test_edges_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_dispatch_SOURCES = verify/test_dispatch.c $(VERIFY_COMMON)
verify_test_dispatch_LDADD = $(VERIFY_LIBS)
verify_test_dispatch_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_softmax_SOURCES = verify/test_softmax.c $(VERIFY_COMMON)
verify_test_softmax_LDADD = $(VERIFY_LIBS)
verify_test_softmax_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_api_SOURCES = verify/test_api.c $(VERIFY_COMMON)
verify_test_api_LDADD = $(VERIFY_LIBS)
verify_test_api_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_threads_SOURCES = verify/test_threads.c $(VERIFY_COMMON)
verify_test_threads_LDADD = $(VERIFY_LIBS)
verify_test_threads_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_loss_SOURCES = verify/test_loss.c $(VERIFY_COMMON)
verify_test_loss_LDADD = $(VERIFY_LIBS)
verify_test_loss_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_dense_SOURCES = verify/test_dense.c $(VERIFY_COMMON)
verify_test_dense_LDADD = $(VERIFY_LIBS) $(OPENBLAS_LIBS)
verify_test_dense_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_gradcheck_SOURCES = verify/test_gradcheck.c src/gradcheck.c src/gradcheck.h \
	$(VERIFY_COMMON)
verify_test_gradcheck_LDADD = $(VERIFY_LIBS)
verify_test_gradcheck_LDFLAGS = $(VERIFY_LINK_FLAGS)
verify_test_parallel_SOURCES = verify/test_parallel.c $(VERIFY_COMMON)
verify_test_parallel_LDADD = $(VERIFY_LIBS)
verify_test_parallel_LDFLAGS = $(VERIFY_LINK_FLAGS)

TESTS += verify/test_elementwise verify/test_edges verify/test_dispatch verify/test_softmax verify/test_dense \
	verify/test_loss verify/test_threads verify/test_api verify/test_gradcheck verify/test_parallel \
	verify/test_cli.sh verify/test_train.sh verify/test_depth.sh
EXTRA_DIST += verify/test_cli.sh verify/test_train.sh verify/test_depth.sh verify/idx-set.sh

TEST_EXTENSIONS = .sh
LOG_COMPILER = $(TEST_RUNNER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = TEST_RUNNER='$(TEST_RUNNER)'; export TEST_RUNNER; \
	SIMDGRAD='$(abs_top_builddir)/src/cli/simdgrad'; export SIMDGRAD; \
	SIMDGRAD_SANITIZED='$(SG_SANITIZED)'; export SIMDGRAD_SANITIZED;

# make check-exhaustive: every element-wise kernel over all 2^32 inputs on every
# ISA (about 10 minutes on 2 cores), each kernel's ULP histogram written to
# $(ULP_HISTOGRAMS)/ulp-<kernel>.tsv for `make plots-ulp`.
EXTRA_PROGRAMS += verify/exhaustive
verify_exhaustive_SOURCES = verify/exhaustive.c $(VERIFY_COMMON)
verify_exhaustive_LDADD = $(VERIFY_LIBS)
verify_exhaustive_LDFLAGS = $(VERIFY_LINK_FLAGS)
CLEANFILES += verify/exhaustive
ULP_HISTOGRAMS = $(srcdir)/plots/data
check-exhaustive: verify/exhaustive$(EXEEXT)
	@mkdir -p "$(ULP_HISTOGRAMS)" || exit 1; fail=0; start=`date +%s`; \
	kernels=`$(TEST_RUNNER) verify/exhaustive$(EXEEXT) -l` || exit 1; \
	for k in $$kernels; do \
	  $(TEST_RUNNER) verify/exhaustive$(EXEEXT) -f $$k -o "$(ULP_HISTOGRAMS)/ulp-$$k.tsv" || fail=1; \
	done; \
	echo "check-exhaustive: `echo $$kernels | wc -w` kernels in `expr \`date +%s\` - $$start` s;" \
	  "histograms in $(ULP_HISTOGRAMS)/ulp-*.tsv (make plots-ulp draws them)"; \
	test $$fail = 0 || { echo "check-exhaustive: FAILED (see above)"; exit 1; }
.PHONY: check-exhaustive

# make softmax-ulp: verify/test_softmax's random sets, its max error per row
# length (1..67, 100, 1000, 32768) written to $(SOFTMAX_ULP) for `make plots-ulp`.
SOFTMAX_ULP = $(ULP_HISTOGRAMS)/softmax-ulp-by-cols.tsv
softmax-ulp: verify/test_softmax$(EXEEXT)
	@mkdir -p "$(ULP_HISTOGRAMS)" && \
	SIMDGRAD_SOFTMAX_ULP="$(SOFTMAX_ULP)" $(TEST_RUNNER) verify/test_softmax$(EXEEXT) >/dev/null && \
	echo "softmax-ulp: wrote $(SOFTMAX_ULP) (make plots-ulp draws it)"
.PHONY: softmax-ulp

# make check-valgrind: make check with every test program run under valgrind's
# memcheck through verify/memcheck.sh (which says why only memcheck's verdict
# counts there), and the CLI of the shell tests under it as well: a memcheck
# error makes it exit 99, which their exit-status checks catch. Without the
# OpenBLAS comparison, which takes minutes under valgrind. VALGRIND_SKIP=TESTS
# leaves some out (CI: verify/test_dense, 10 minutes under valgrind).
VALGRIND = valgrind
VALGRIND_SKIP =
MEMCHECK = $(VALGRIND) -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
EXTRA_DIST += verify/memcheck.sh
check-valgrind:
	@$(VALGRIND) --version >/dev/null 2>&1 || { \
	  echo "make $@: '$(VALGRIND)' is needed (Debian: valgrind), or name it with VALGRIND=" >&2; exit 1; }
	SIMDGRAD_TEST_NO_OPENBLAS=1 VALGRIND='$(VALGRIND)' $(MAKE) $(AM_MAKEFLAGS) check \
	  LOG_COMPILER='$(SHELL) $(abs_top_srcdir)/verify/memcheck.sh' TEST_RUNNER='$(MEMCHECK)' \
	  TEST_SUITE_LOG=test-suite-valgrind.log TESTS='$(filter-out $(VALGRIND_SKIP),$(TESTS))'
.PHONY: check-valgrind
