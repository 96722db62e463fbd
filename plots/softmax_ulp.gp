# SPDX-License-Identifier: BSD-3-Clause
# softmax_ulp.gp: the softmax family's max error against row length, from
# `make softmax-ulp` (datafile: cols, then one column per kernel; '-' = not
# measured). The same on every ISA (the test requires the scalar bits).
# Called by `make plots-ulp` with outdir and datafile.
set datafile separator "\t"
set datafile missing "-"
set key autotitle columnheader
set key outside right top Left reverse
set grid
set logscale x 2
set xrange [0.8:40000]
set yrange [0:2.2]
set xlabel "columns per row (log scale)"
set ylabel "max error, ULP"
set title "softmax family: max error per row length, random rows at N(0,1), N(0,10), U[-80,80]\n(in ULP; the backward kernels on the grid their bounds use: README)"
svg = 'set terminal svg size 1100,560 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1100,560 noenhanced font "Sans,10" background rgb "white"'
n = int(system("awk -F'\t' 'NR == 1 {print NF; exit}' '".datafile."'"))
do for [t in "svg png"] {
  eval value(t)
  set output outdir."/softmax_by_cols.".t
  plot for [i=2:n] datafile using 1:i with linespoints lw 2 pt 7 ps 0.8, \
       2 with lines dt 2 lw 1.5 lc rgb "black" title "2 ULP (the bound of most)"
}
unset output
