# SPDX-License-Identifier: BSD-3-Clause
# common.gp: what every plot script shares; loaded by throughput.gp, speedup.gp,
# crosscpu.gp and dense.gp. They are run by the driver that
# `bench/merge-results.pl --plots=OUT` writes (OUT/data/plots.gp), which sets
# for each plot: datafile (a TSV with a header line, '-' = not measured),
# outbase (the image without .svg/.png), plottitle, xlabel, ylabel, ncols
# (the data file's columns), datamin/datamax (its smallest and largest value),
# and plotsdir (the folder of these scripts, given on gnuplot's command line).
reset
set datafile separator "\t"
set datafile missing "-"
set key autotitle columnheader
set title plottitle
set xlabel xlabel
set ylabel ylabel
set grid ytics mytics
set key outside right top Left reverse
set format y "%g"
# Each script plots once to SVG (eval svg), then `eval png; replot`.
svg = 'set terminal svg size 1100,600 dynamic noenhanced font "Sans,12" background rgb "white"; set output outbase.".svg"'
png = 'set terminal pngcairo size 1100,600 noenhanced font "Sans,10" background rgb "white"; set output outbase.".png"'
# Clustered bars (speedup, crosscpu, dense); bar k of n at row r is centred at
# r + barx(k, n): its value can be printed over it.
# Category labels are turned so that many sizes do not run into each other.
bars = 'set style data histograms; set style histogram clustered gap 1; set style fill solid 0.85 border -1; set xtics rotate by -30 left'
barx(k, n) = (k - (n - 1) / 2.0) / (n + 1.0)
# A log y axis labelled 1-2-5 (gnuplot would label only the decades).
logy = 'set logscale y; set ytics (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)'
