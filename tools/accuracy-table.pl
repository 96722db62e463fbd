#!/usr/bin/env perl
# SPDX-License-Identifier: BSD-3-Clause
# The README's accuracy table of the element-wise kernels, from the kernel
# registry (src/kernels.h: each kernel's bound and the range it holds for)
# and the histograms of `make check-exhaustive` (plots/data/ulp-<kernel>.tsv:
# the measured maximum and where). Prints the Markdown table; CI checks that
# README.md holds it as printed, so the two cannot drift apart.
#   accuracy-table.pl [TOP]      TOP: the source tree (default: this script's ..)
use strict;
use warnings;
use File::Basename qw(dirname);

my $top = shift // dirname(__FILE__) . '/..';
open my $fh, '<', "$top/src/kernels.h" or die "accuracy-table.pl: $top/src/kernels.h: $!\n";
my $text = do { local $/; <$fh> };
$text =~ s/\\\n//g;

# The header's comment above each function: a bound relative to a term
# ("ULP of max(|dx|, |dy s|)") is said there, and said again in the table.
open my $hh, '<', "$top/src/simdgrad.h" or die "accuracy-table.pl: $top/src/simdgrad.h: $!\n";
my $header = do { local $/; <$hh> };
sub relative_to {
  my ($name) = @_;
  $header =~ m{/\*((?:(?!\*/).)*)\*/\s*void sg_\Q$name\E\(}s or return '';
  my $comment = $1;
  $comment =~ s/\s*\n\s*\*\s*/ /g;
  return '' unless $comment =~ /ULP (of max\([^)]*\))/;
  (my $term = " $1") =~ s/\|/\\|/g; # a | would end the table's cell
  return $term;
}

# A range bound: -INFINITY, INFINITY or a number.
sub num { my ($v) = @_; $v =~ /INFINITY/ ? ($v =~ /^-/ ? -9**9**9 : 9**9**9) : $v + 0 }
sub ulps { my ($b, $name) = @_; $b == 0 ? 'exact (selects)' : sprintf('%g ULP', $b) . relative_to($name) }

print "| kernel | bound (tested) | measured max | where | inputs |\n|---|---|---|---|---|\n";
while ($text =~ /\bX\((\w+),\s*(MAP[12]),\s*([-\d.]+),\s*([-\w.]+),\s*([-\w.]+),/g) {
  my ($name, $shape, $bound, $lo, $hi) = ($1, $2, $3 + 0, num($4), num($5));
  my $file = "$top/plots/data/ulp-$name.tsv";
  my ($max, $where) = ('(not measured)', '');
  if (open my $h, '<', $file) {
    while (<$h>) { ($max, $where) = ($1, $2) if /^# max\t(\S+)\t(\S+)/ }
  }
  my $input = $shape eq 'MAP1' ? 'x' : $hi == 9**9**9 ? 'x' : 'y';
  my $inputs = $shape eq 'MAP1' ? 'all 2^32 floats'
             : $hi == 9**9**9 && $lo == -9**9**9 ? 'all 2^32 x, each with a hashed dy'
             : $hi == 9**9**9 ? "every x >= $lo of the 2^32, each with a hashed dy"
             : "every y in [$lo, $hi] of the 2^32, each with a hashed dy";
  $inputs = $bound == 0 ? "$inputs, bit for bit against the definition" : $inputs;
  my $at = $bound == 0 || $where eq '' ? '' : "$input = $where" . ($shape eq 'MAP1' ? sprintf(' (%.4g)', hex_float($where)) : '');
  my $measured = $bound == 0 ? ($max + 0 == 0 ? '0' : $max) : "**$max ULP**";
  printf "| `sg_%s` | %s | %s | %s | %s, every ISA (`make check-exhaustive`) |\n", $name, ulps($bound, $name),
    $measured, $at, $inputs;
}

# The value of a C hex float (-0x1.1bf908p+6).
sub hex_float {
  my ($s) = @_;
  my ($sign, $int, $frac, $exp) = $s =~ /^(-?)0x([01])\.?([0-9a-f]*)p([-+]\d+)$/i or return 0;
  my $m = $int + ($frac eq '' ? 0 : hex($frac) / 16**length($frac));
  return ($sign ? -1 : 1) * $m * 2**$exp;
}
