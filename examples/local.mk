# SPDX-License-Identifier: BSD-3-Clause
# Two complete programs for a first use of the library (README: Using it),
# built and run by make check: each exits 1 if it does not learn its task.
check_PROGRAMS += examples/logistic examples/mlp
examples_logistic_SOURCES = examples/logistic.c
examples_logistic_LDADD = libsimdgrad.la -lm
examples_logistic_LDFLAGS = $(VERIFY_LINK_FLAGS)
examples_mlp_SOURCES = examples/mlp.c
examples_mlp_LDADD = libsimdgrad.la -lm
examples_mlp_LDFLAGS = $(VERIFY_LINK_FLAGS)
TESTS += examples/logistic examples/mlp
