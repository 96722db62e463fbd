#!/usr/bin/env perl
# SPDX-License-Identifier: BSD-3-Clause
# The seeds of `simdgrad depth --data ...` tables (act init bias_init head
# seed hidden layer mean_abs_dW db_norm) summarised for plots/depth_real.gp:
#   --layers: act init hidden layer median min max of db_norm over the seeds
#   --ratio:  act init hidden median min max of the first hidden layer's
#             db_norm over the last hidden layer's (hidden >= 2), per seed
# Reads the tables on stdin (header lines skipped), writes TSV to stdout,
# rows sorted, so that the same tables give the same file.
use strict;
use warnings;

my $mode = shift // '';
die "usage: depth-real-summary.pl --layers|--ratio < depth-real.tsv\n" unless $mode =~ /^--(layers|ratio)$/;
my (%db, %runs);
while (<STDIN>) {
  chomp;
  my @f = split /\t/;
  next if @f < 9 || $f[0] eq 'act';
  my ($act, $init, $seed, $hidden, $layer, $v) = @f[0, 1, 4, 5, 6, 8];
  push @{$db{"$act\t$init\t$hidden\t$layer"}}, $v;
  $runs{"$act\t$init\t$hidden"}{$seed}{$layer} = $v;
}
sub med_min_max {
  my @v = sort { $a <=> $b } @_;
  my $m = @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
  return map { sprintf '%.6g', $_ } $m, $v[0], $v[-1];
}
sub by_key {    # act, init as text; hidden, layer as numbers
  my @a = split /\t/, $a; my @b = split /\t/, $b;
  $a[0] cmp $b[0] || $a[1] cmp $b[1] || $a[2] <=> $b[2] || ($a[3] // 0) <=> ($b[3] // 0);
}
if ($mode eq '--layers') {
  print "act\tinit\thidden\tlayer\tmedian\tmin\tmax\n";
  print join("\t", $_, med_min_max(@{$db{$_}})), "\n" for sort by_key keys %db;
} else {
  print "act\tinit\thidden\tmedian\tmin\tmax\n";
  for my $k (sort by_key keys %runs) {
    my $hidden = (split /\t/, $k)[2];
    next if $hidden < 2;
    my @r = map { $_->{0} / $_->{$hidden - 1} } grep { $_->{$hidden - 1} } values %{$runs{$k}};
    print join("\t", $k, med_min_max(@r)), "\n" if @r;
  }
}
