# SPDX-License-Identifier: BSD-3-Clause
# threads.gp: one kernel and size on one CPU against the thread count: a
# line per library (columns 2 .. ncols - 1: simdgrad, its peers on as many
# threads) and simdgrad's ideal, T times its one thread (column ncols,
# dashed), from the threads set of `make bench`. Linear axes from 0.
load plotsdir.'/common.gp'
set key inside left top Left reverse
set xrange [0.5 : *]
set yrange [0 : datamax * 1.15]
set xtics 1
eval svg
plot for [i=2:ncols-1] datafile using 1:i with linespoints lw 2 pt 7 title columnheader(i), \
     for [i=2:ncols-1] datafile using 1:i:(sprintf("%.3g", column(i))) with labels offset 0,0.8 font ",9" notitle, \
     datafile using 1:ncols with lines dt 2 lw 1.5 lc rgb "gray40" title columnheader(ncols)
eval png
replot
unset output
