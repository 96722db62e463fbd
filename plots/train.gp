# SPDX-License-Identifier: BSD-3-Clause
# train.gp: the Fashion-MNIST runs of `simdgrad train --out plots/data`.
# Called by `make plots` with plotsdir, outdir and two lists of files: grads
# (train-<net>.tsv: net act init isa epoch layer mean_abs_dW norm_db) and
# epochs (train-<net>-epochs.tsv: net act init isa epoch train_loss
# test_accuracy seconds [stats_seconds]), one word per net, in the same order;
# and byisa, the table of `make train-isa` (net, then seconds per ISA), or ''.
set datafile separator "\t"
set grid
set key outside right top Left reverse
set format y "%g"
svg = 'set terminal svg size 1000,560 dynamic noenhanced font "Sans,12" background rgb "white"'
png = 'set terminal pngcairo size 1000,560 noenhanced font "Sans,10" background rgb "white"'
net(f) = system("awk -F'\t' 'NR == 2 {print $1 \" (\" $2 \", \" $3 \" init)\"; exit}' '".f."'")
layers(f) = int(system("awk -F'\t' 'NR > 1 && $6 + 1 > n {n = $6 + 1} END {print n}' '".f."'"))

# Test accuracy per epoch, every net.
set title "Fashion-MNIST: test accuracy after each epoch of minibatch SGD"
set xlabel "epoch"
set ylabel "test accuracy (share of 10000 images)"
do for [t in "svg png"] {
  eval value(t)
  set output outdir."/train_accuracy.".t
  plot for [f in epochs] f every ::1 using 5:7 with linespoints lw 2 title net(f)
}

# Training loss per epoch (the mean over the epoch's batches), every net.
set title "Fashion-MNIST: training loss of each epoch (mean over its batches)"
set ylabel "cross-entropy loss"
do for [t in "svg png"] {
  eval value(t)
  set output outdir."/train_loss.".t
  plot for [f in epochs] f every ::1 using 5:6 with linespoints lw 2 title net(f)
}

# Seconds of each epoch's training pass (without the test and the gradient
# statistics), every net, with the ISA it ran on.
isa(f) = system("awk -F'\t' 'NR == 2 {print $4; exit}' '".f."'")
set title "Fashion-MNIST: seconds of each epoch's training pass, single thread"
set ylabel "seconds"
set yrange [0:*]
do for [t in "svg png"] {
  eval value(t)
  set output outdir."/train_seconds.".t
  plot for [f in epochs] f every ::1 using 5:8 with linespoints lw 2 title net(f)." on ".isa(f)
}
set yrange [*:*]

# Gradient magnitude per layer over training, one plot per net.
set logscale y
set ylabel "mean |dL/dW| of the layer, averaged over the epoch (log scale)"
do for [i = 1:words(grads)] {
  f = word(grads, i)
  n = layers(f)
  set title "Fashion-MNIST ".net(f).": gradient magnitude per layer during training\n(layer 0 is next to the input)"
  base = system("basename '".f."' .tsv")
  do for [t in "svg png"] {
    eval value(t)
    set output outdir."/".base."_grads.".t
    # One layer's rows at a time, so each layer's points join into a line.
    plot for [l = 0:n - 1] sprintf("< awk -F'\t' 'NR > 1 && $6 == %d' '%s'", l, f) using 5:7 \
         with linespoints lw 2 title sprintf("layer %d", l)
  }
}
# First over last hidden layer's ||dL/db|| per epoch (each the mean over the
# epoch's minibatches), for every net of two or more hidden layers.
ratio(f) = sprintf("< awk -F'\t' 'NR > 1 {v[$5 \" \" $6] = $8; if ($6 > m) m = $6; if ($5 > e) e = $5} END {if (m >= 2) for (i = 1; i <= e; i++) print i \"\t\" v[i \" 0\"] / v[i \" \" (m - 1)]}' '%s'", f)
set title "Fashion-MNIST: ||dL/db|| of the first hidden layer over the last hidden layer's, per epoch\n(each the mean over the epoch's minibatches; nets of two or more hidden layers)"
set xlabel "epoch"
set ylabel "first / last hidden ||dL/db|| (log)"
set logscale y
set yrange [*:*]
multi = ""; multin = ""
do for [i = 1:words(grads)] {
  if (layers(word(grads, i)) >= 3) { multi = multi." ".word(grads, i); multin = multin." ".word(epochs, i) }
}
if (words(multi) > 0) {
  do for [t in "svg png"] {
    eval value(t)
    set output outdir."/train_ratio.".t
    plot for [i = 1:words(multi)] ratio(word(multi, i)) using 1:2 with linespoints lw 2 title net(word(multin, i)), \
         1 with lines dt 2 lc rgb "black" title "1 (no vanishing)"
  }
}
unset logscale y

# Seconds of one epoch's training pass per ISA (make train-isa), when there:
# a bar per ISA, a cluster per net, log scale (scalar is tens of times slower).
if (strlen(byisa) > 0) {
  set title "Fashion-MNIST: seconds of one epoch's training pass per ISA, single thread (log scale)"
  set style data histograms
  set style histogram clustered gap 1
  set style fill solid 0.85 border -1
  set logscale y
  set ylabel "seconds (log)"
  set xlabel "net"
  set key autotitle columnheader
  set offsets 0, 0, graph 0.08, 0
  do for [t in "svg png"] {
    eval value(t)
    set output outdir."/train_seconds_by_isa.".t
    nc = int(system("awk -F'\t' 'NR == 1 {print NF; exit}' '".byisa."'"))
    plot for [i=2:nc] byisa using i:xtic(1) title columnheader(i), \
         for [i=2:nc] byisa using ($0 + (i - 2 - (nc - 2) / 2.0) / nc):i:(sprintf("%.3g", column(i))) with labels offset 0,0.8 notitle
  }
}

unset output
