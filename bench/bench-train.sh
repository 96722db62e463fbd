#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# make bench-train: seconds of one epoch's training pass of `simdgrad train`
# for the README's two nets, per batch size, beside
#  - the same pass as a bare loop over the kernel API (bench/train-bare.c):
#    what the MLP object and the CLI cost on top of the kernels. The two
#    must end with the same parameters (the same digest), or this fails;
#  - the same net and step in PyTorch (bench/train-torch.py), optional: without
#    it its columns say "skipped".
# Each on the same number of threads, one and every CPU (the same bits for
# simdgrad: its digest must not change with the count either); the fastest
# of the epochs run (each its own shuffle), and the test accuracy after the
# last epoch.
#   bench-train.sh SIMDGRAD TRAIN_BARE TRAIN_TORCH_PY
# Environment: BENCH_TRAIN_EPOCHS (default 3), BENCH_TRAIN_BATCHES (default
# "32 256"), BENCH_TRAIN_THREADS (default "1 N", N the CPUs this process may
# use), PYTHON (a python with torch; else python3 or /usr/bin/python3, the
# first that imports torch).
set -u
simdgrad=$1 bare=$2 script=$3
epochs=${BENCH_TRAIN_EPOCHS:-3}
batches=${BENCH_TRAIN_BATCHES:-"32 256"}
cpus=$(nproc 2>/dev/null || echo 1)
threads=${BENCH_TRAIN_THREADS:-$( [ "$cpus" -gt 1 ] && echo "1 $cpus" || echo 1 )}
tmp=${TMPDIR:-/tmp}/bench-train.$$
trap 'rm -f "$tmp".*' EXIT

py=
for c in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$c" -c 'import torch' 2>/dev/null; then py=$c; break; fi
done
[ -n "$py" ] || echo "bench-train: PyTorch is not installed (Debian: python3-torch): its columns are skipped" >&2

# The smallest value of column $1 in rows whose first field is an epoch number.
fastest() { awk -F '\t' -v col="$1" '$1 ~ /^[0-9]+$/ { if (m == "" || $col + 0 < m) m = $col + 0 } END { print m }' "$2"; }
# Column $1 of the last epoch's row.
last() { awk -F '\t' -v col="$1" '$1 ~ /^[0-9]+$/ { v = $col } END { print v }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
digest() { sed -n 's/.*parameters digest //p' "$1"; }

# The nets: name, then the options both simdgrad programs and torch take.
nets='784-100-10-sigmoid|--hidden 100 --act sigmoid --init xavier
784-256-128-10-relu|--hidden 256,128 --act relu --init he'

printf 'net\tbatch\tthreads\tsimdgrad_s\tbare_s\tsimdgrad/bare\tstats_s\tsimdgrad_acc\ttorch_s\ttorch/simdgrad\ttorch_acc\n'
status=0
echo "$nets" | while IFS='|' read -r net opts; do
  for b in $batches; do
    first=
    for t in $threads; do
      # shellcheck disable=SC2086
      "$simdgrad" train $opts --epochs "$epochs" --batch "$b" --threads "$t" --quiet >"$tmp.train" 2>"$tmp.train.err" ||
        { cat "$tmp.train.err" >&2; exit 1; }
      # shellcheck disable=SC2086
      SIMDGRAD_THREADS=$t "$bare" $opts --epochs "$epochs" --batch "$b" >"$tmp.bare" 2>"$tmp.bare.err" ||
        { cat "$tmp.bare.err" >&2; exit 1; }
      s=$(fastest 4 "$tmp.train") bs=$(fastest 3 "$tmp.bare")
      [ -n "$s" ] && [ -n "$bs" ] || { echo "bench-train: an epoch is missing" >&2; exit 1; }
      if [ "$(digest "$tmp.train.err")" != "$(digest "$tmp.bare.err")" ]; then
        echo "bench-train: $net batch $b: simdgrad train and the bare loop end with different parameters" \
          "($(digest "$tmp.train.err") against $(digest "$tmp.bare.err"))" >&2
        exit 1
      fi
      [ -n "$first" ] || first=$(digest "$tmp.train.err")
      if [ "$(digest "$tmp.train.err")" != "$first" ]; then
        echo "bench-train: $net batch $b: $t threads trained other parameters than the first count" >&2
        exit 1
      fi
      ts=skipped tr= ta=
      if [ -n "$py" ]; then
        # torch's own threads; its BLAS on one: Debian's torch calls OpenBLAS,
        # whose threads beside torch's made an epoch 4-5x slower on 2 cores
        # shellcheck disable=SC2086
        OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=1 "$py" "$script" $opts --epochs "$epochs" --batch "$b" \
          --threads "$t" >"$tmp.torch" 2>/dev/null || exit 1
        ts=$(fastest 3 "$tmp.torch") ta=$(last 4 "$tmp.torch") tr=$(ratio "$ts" "$s")x
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%sx\t%s\t%s\t%s\t%s\t%s\n' "$net" "$b" "$t" "$s" "$bs" "$(ratio "$s" "$bs")" \
        "$(fastest 5 "$tmp.train")" "$(last 3 "$tmp.train")" "$ts" "$tr" "$ta"
    done
  done
done || status=1
echo "(seconds: the fastest epoch's training pass of $epochs; simdgrad_s without its statistics, stats_s" \
  "those statistics; acc: test accuracy after epoch $epochs; the bare loop reached the same parameters," \
  "and simdgrad the same for every thread count)" >&2
exit $status
