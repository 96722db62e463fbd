# SPDX-License-Identifier: BSD-3-Clause
# throughput.gp: one kernel on one CPU, throughput against size, a line per
# ISA (columns 3 .. ncols of datafile: size_n, size label, then G items/s) and
# the memcpy roof (column roofcol, dashed; 0 = none). Log x (the measured
# sizes are the tics), log y.
load plotsdir.'/common.gp'
set logscale x 2
eval logy
set yrange [datamin / 2 : datamax * 2]
# one size: a range around it (gnuplot would warn of an empty x range)
if (xmin == xmax) { set xrange [xmin / 2 : xmax * 2] }
set offsets graph 0.05, graph 0.05, 0, 0
last = roofcol ? roofcol - 1 : ncols
eval svg
plot for [i=3:last] datafile using 1:i:xtic(2) with linespoints lw 2 pt 7 ps 1.2 title columnheader(i), \
     for [i=(roofcol ? roofcol : 1):(roofcol ? roofcol : 0)] datafile using 1:i with linespoints lw 2 dt 2 pt 6 lc rgb "black" title columnheader(i)
eval png
replot
unset output
