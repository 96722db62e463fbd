# SPDX-License-Identifier: BSD-3-Clause
# accuracy.gp: accuracy beside speed, one panel per function (sigmoid, tanh):
# every implementation's max error over all 2^32 inputs (bench-accuracy,
# where the exact result is normal) against its G elements/s at n = 4096
# (make bench, the same CPU). Called by `make plots-accuracy` with datafile
# (rows: function impl max_ulp worst_x tiny_max_ulp flushed nan_out
# first_nan_x items_per_s), cpu and outdir. An implementation that flushes
# tiny results or returns NaN for some number is drawn hollow and says so.
set datafile separator "\t"
set grid
set logscale y
set key off
set xlabel "G elements/s at n = 4096 (single thread; right is faster)"
set ylabel "max error, ULP (all 2^32 inputs, normal results; down is more accurate)"
svg = 'set terminal svg size 1400,620 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1400,620 noenhanced font "Sans,10" background rgb "white"'
tag(flushed, nans) = (flushed > 0 ? " (flushes)" : "").(nans > 0 ? " (NaN)" : "")
# Errors past the top of the axis are drawn at it, their value in the label.
top = 20
yv(v) = v > top ? top : v
over(v) = v > top ? sprintf(" (%.3g ULP)", v) : ""
do for [t in "svg png"] {
  eval value(t)
  set output outdir."/accuracy.".t
  set multiplot layout 1, 2 title "accuracy beside speed on ".cpu
  do for [fn in "sigmoid tanh"] {
    set title fn
    set xrange [0:*]
    set offsets 0, 1.5, 0, 0
    set yrange [0.5:2 * top]
    plot datafile using ($9 / 1e9):(strcol(1) eq fn && ($6 + $7) == 0 ? yv($3) : NaN) with points pt 7 ps 1.5 lc rgb "#1f77b4", \
         datafile using ($9 / 1e9):(strcol(1) eq fn && ($6 + $7) > 0 ? yv($3) : NaN) with points pt 6 ps 1.5 lc rgb "#d62728", \
         datafile using ($9 / 1e9):(strcol(1) eq fn ? yv($3) : NaN):(strcol(2).tag($6, $7).over($3)) \
           with labels offset 1, 0.8 left font ",9"
  }
  unset multiplot
}
