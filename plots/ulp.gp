# SPDX-License-Identifier: BSD-3-Clause
# ulp.gp: the error histograms of `make check-exhaustive` (ulp-<kernel>.tsv:
# comment lines, among them "# bound B" and "# max M X"; a header line "ulp
# <isa>..."; then one row per 1/64-ULP bin with the count of each ISA).
# One image, a panel per kernel; every ISA is drawn, the first as bars and the
# others as lines over them (they coincide when the ISAs agree bit for bit).
# Called by `make plots-ulp` with outdir and files (one word per kernel).
set datafile separator "\t"
set datafile commentschars "#"
set grid
set logscale y
set format y "1e%T"
set xrange [0:*]
set style fill solid 0.5 noborder
set key inside right top Left reverse samplen 2 noautotitle
svg = 'set terminal svg size 1500,820 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1500,820 noenhanced font "Sans,10" background rgb "white"'
field(f, key, n) = system(sprintf("awk -F'\t' '$1 == \"# %s\" {print $%d; exit}' '%s'", key, n, f))
kernel(f) = system(sprintf("sed -n '1s/^# \\([a-z_]*\\) .*/\\1/p' '%s'", f))
isas(f) = int(system(sprintf("awk -F'\t' '/^ulp/ {print NF - 1; exit}' '%s'", f)))
# Exact kernels (bound 0: selects such as the ReLU) have one bar at 0 and go
# into the title instead of a panel.
shown = ""; exact = ""
do for [f in files] {
  if (real(field(f, "bound", 2)) > 0) { shown = shown." ".f } else { exact = exact.", ".kernel(f) }
}
rows = words(shown) > 3 ? 2 : 1
cols = (words(shown) + rows - 1) / rows

do for [t in "svg png"] {
  eval value(t)
  set output outdir."/elementwise.".t
  set multiplot layout rows, cols title \
    "simdgrad: error of the element-wise kernels over all 2^32 float inputs, against the double oracle". \
    (exact eq "" ? "" : "\n(exact, every output the definition's bits: ".exact[3:].")")
  do for [f in shown] {
    bound = real(field(f, "bound", 2))
    set title sprintf("%s: max %s ULP (bound %g)", kernel(f), field(f, "max", 2), bound)
    set xlabel "error (ULP, bins of 1/64)"
    set ylabel "inputs"
    set xrange [0:bound * 1.25]
    unset arrow
    set arrow from bound, graph 0 to bound, graph 1 nohead dt 2 lw 1.5 lc rgb "red"
    plot f using ($1 + 1 / 128.0):($2 > 0 ? $2 : NaN) with boxes lc 1 title columnheader(2), \
         for [k = 3:isas(f) + 1] f using 1:(column(k) > 0 ? column(k) : NaN) \
           with steps lw 1.5 lc k title columnheader(k)
  }
  unset multiplot
}
