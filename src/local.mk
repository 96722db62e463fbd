# SPDX-License-Identifier: BSD-3-Clause
# The library: public header, dispatch, CPU detection, scalar reference kernels.
lib_LTLIBRARIES += libsimdgrad.la
include_HEADERS = src/simdgrad.h
libsimdgrad_la_SOURCES = \
	src/simdgrad.h src/kernels.h src/internal.h src/math_consts.h src/scalar_math.h src/splitmix.h \
	src/softmax_row.h src/cpu.c src/dispatch.c src/sigmoid.c src/tanh.c src/relu.c src/softmax.c \
	src/loss.c src/dense.c src/mlp.c src/threads.c
libsimdgrad_la_CFLAGS = $(AM_CFLAGS) $(POOL_CFLAGS)
libsimdgrad_la_LIBADD = $(SIMD_LIBS) $(POOL_LIBS)
# 0:0:0 until the first release; public symbols are those of src/simdgrad.h.
libsimdgrad_la_LDFLAGS = -version-info 0:0:0 -export-symbols-regex '^sg_[a-z_]+$$'

# The CLI. Linked with the static library so the same binary runs as it is
# under qemu-user in a cross build (no libtool wrapper script in the way).
bin_PROGRAMS += src/cli/simdgrad
src_cli_simdgrad_SOURCES = src/cli/main.c src/cli/experiment.c src/cli/experiment.h \
	src/cli/depth.c src/cli/train.c src/cli/idx.c src/cli/idx.h src/gradcheck.c src/gradcheck.h
src_cli_simdgrad_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS)
src_cli_simdgrad_LDADD = libsimdgrad.la $(ZLIB_LIBS) -lm
src_cli_simdgrad_LDFLAGS = -static

# simdgrad(1): help2man over `simdgrad --help` and --version, with a COMMANDS
# section of each command's --help (the commands as --help lists them).
if SG_MAN
man1_MANS = src/cli/simdgrad.1
CLEANFILES += src/cli/simdgrad.1 src/cli/simdgrad.h2m
src/cli/simdgrad.1: src/cli/simdgrad$(EXEEXT)
	@{ echo '[COMMANDS]'; \
	  for c in `src/cli/simdgrad$(EXEEXT) --help | sed -n '/^commands/,/^$$/s/^  \([a-z]*\) .*/\1/p'`; do \
	    test "$$c" = help && continue; \
	    echo ".SS $$c"; echo ".nf"; \
	    src/cli/simdgrad$(EXEEXT) $$c --help | sed 's/\\/\\e/g; s/^[.'"'"']/\\\&&/' || exit 1; \
	    echo ".fi"; \
	  done; } > src/cli/simdgrad.h2m
	$(AM_V_GEN)$(HELP2MAN) --no-info \
	  --name='SIMD kernels of backpropagation: checks and experiments' \
	  --include=src/cli/simdgrad.h2m --output=$@ src/cli/simdgrad$(EXEEXT)

# The installed tree holds the man page (make distcheck runs this).
installcheck-local:
	test -f "$(DESTDIR)$(man1dir)/simdgrad.1"
endif
