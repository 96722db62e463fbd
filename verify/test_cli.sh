#!/bin/sh
# The simdgrad CLI: info, --help, --version, usage errors, and SIMDGRAD_ISA
# (an unknown or unsupported value must be an error, never a silent fallback).
# $SIMDGRAD is the binary, $TEST_RUNNER the emulator of a cross build (or empty).
fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

run() { # run EXPECTED_STATUS ARGS...: run the CLI, check its exit status
  want=$1; shift
  $TEST_RUNNER "$SIMDGRAD" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: simdgrad $* exited $got, want $want"; cat "$err"; fail=1
  fi
}
expect() { # expect FILE PATTERN WHAT
  if ! grep -q -- "$2" "$1"; then echo "FAIL: $3: no '$2' in:"; cat "$1"; fail=1; fi
}

run 0 info
expect "$out" '^cpu: ' "info prints the CPU"
expect "$out" '^features: ' "info prints the features"
expect "$out" '^active: ' "info prints the active ISA"
expect "$out" '^  sigmoid  ' "info lists the sigmoid entry"
expect "$out" '^  sigmoid_backward ' "info lists the sigmoid_backward entry"

run 0 --help;     expect "$out" '^usage: simdgrad' "--help prints usage"
run 0 --version;  expect "$out" '^simdgrad [0-9]' "--version"
run 2;            expect "$err" '^usage:' "no command prints usage"
run 2 frobnicate; expect "$err" "unknown command 'frobnicate'" "unknown command"
run 2 --frobnicate; expect "$err" '^usage:' "unknown flag prints usage"
run 2 info extra; expect "$err" 'takes no arguments' "info with an argument"

# Forcing an ISA: scalar always works and every entry then uses it.
SIMDGRAD_ISA=scalar run 0 info
expect "$out" '^active: *scalar' "SIMDGRAD_ISA=scalar"
if grep -E '^  [a-z_]+ ' "$out" | grep -v ' scalar$' >/dev/null; then
  echo "FAIL: SIMDGRAD_ISA=scalar left a non-scalar kernel"; fail=1
fi
SIMDGRAD_ISA=bogus run 2 info
expect "$err" 'SIMDGRAD_ISA=bogus: unknown ISA' "unknown SIMDGRAD_ISA is an error"
# An ISA of the other architecture is never supported.
case "$($TEST_RUNNER "$SIMDGRAD" info | sed -n 's/^supported: *//p')" in
  *neon*) other=avx2 ;;
  *) other=neon ;;
esac
SIMDGRAD_ISA=$other run 2 info
expect "$err" "SIMDGRAD_ISA=$other: not supported" "unsupported SIMDGRAD_ISA is an error"

[ $fail -eq 0 ] && echo "test_cli: all passed"
exit $fail
