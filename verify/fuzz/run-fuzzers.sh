#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# make fuzz: run each libFuzzer harness fuzz_NAME of the build BUILD for
# SECONDS seconds on its writable corpus BUILD/corpus/fuzz_NAME plus the seeds
# SEEDS/NAME, and print one line per harness. Exit status 1 if any failed.
#   run-fuzzers.sh BUILD SEEDS SECONDS fuzz_NAME...
build=$1 seeds=$2 seconds=$3
shift 3
status=0
for name in "$@"; do
  corpus=$build/corpus/$name crashes=$build/crashes/$name log=$build/$name.log
  mkdir -p "$corpus" "$crashes" || exit 1
  "$build/verify/fuzz/$name" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "$seeds/${name#fuzz_}" >"$log" 2>&1
  rc=$?
  done_line=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 executions in \2 s/p' "$log")
  if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
    echo "$name: $done_line, no failure"
  else
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "$name: FAILED (exit status $rc) after ${runs:-?} executions; input saved to ${input:-nowhere};" \
      "reproduce: $build/verify/fuzz/$name ${input:-}; log: $log"
    grep -A10 -m1 'FUZZ FAILURE\|ERROR: AddressSanitizer\|runtime error\|ERROR: libFuzzer' "$log"
    status=1
  fi
done
exit $status
