#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# make bench-train: seconds of one epoch's training pass of `simdgrad train`
# against the same net and step in PyTorch (bench/train-torch.py), one thread
# each, per batch size; the faster of the epochs run (each its own shuffle).
# PyTorch is optional: without it the torch column says "skipped".
#   bench-train.sh SIMDGRAD TRAIN_TORCH_PY
# Environment: BENCH_TRAIN_EPOCHS (default 3), BENCH_TRAIN_BATCHES (default
# "32 256"), PYTHON (a python with torch; else python3 or /usr/bin/python3,
# the first that imports torch).
set -u
simdgrad=$1 script=$2
epochs=${BENCH_TRAIN_EPOCHS:-3}
batches=${BENCH_TRAIN_BATCHES:-"32 256"}

py=
for c in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$c" -c 'import torch' 2>/dev/null; then py=$c; break; fi
done
[ -n "$py" ] || echo "bench-train: PyTorch is not installed (Debian: python3-torch): its column is skipped" >&2

# The smallest value of column $1 in rows whose first field is an epoch number.
fastest() { awk -F '\t' -v col="$1" '$1 ~ /^[0-9]+$/ { if (m == "" || $col + 0 < m) m = $col + 0 } END { print m }'; }

printf 'batch\tsimdgrad_s\ttorch_s\ttorch/simdgrad\n'
for b in $batches; do
  s=$("$simdgrad" train --epochs "$epochs" --batch "$b" --quiet | fastest 4) || exit 1
  [ -n "$s" ] || { echo "bench-train: simdgrad train printed no epoch" >&2; exit 1; }
  t=skipped ratio=
  if [ -n "$py" ]; then
    t=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$py" "$script" --epochs "$epochs" --batch "$b" | fastest 3) || exit 1
    ratio=$(awk -v s="$s" -v t="$t" 'BEGIN { printf "%.2fx", t / s }')
  fi
  printf '%s\t%s\t%s\t%s\n' "$b" "$s" "$t" "$ratio"
done
