#!/usr/bin/env bash
# Counts the x86-64 instructions executed by every single evaluation of the reference
# controllers under valgrind's callgrind, and checks that the count does not depend on the
# input: for each controller it prints min and max instructions per evaluation over >= 1000
# inputs (range ends, out-of-range values, NaN, +-inf, subnormals, random values) and exits
# non-zero when min != max.
#
# How: examples/fixed_time.rs calls `evaluate_once` once per input; callgrind collects only
# inside that function (--toggle-collect) and writes one profile per call (--dump-after);
# each profile's "totals" line is the instruction count of one evaluation.
#
# `pid_pd_mamdani` counts one step of the fuzzy PD + I wrapper (function `step_once`).
#
# Usage: scripts/instruction-count.sh [CONTROLLER...]
#        (default, the set CI checks: pd_mamdani pd_sugeno pd_mamdani_general
#        pd_sugeno_general mixed grid_5x5x5 pid_pd_mamdani; `_general` = without the window
#        kernels)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 1; }
controllers=("$@")
[ ${#controllers[@]} -gt 0 ] ||
  controllers=(pd_mamdani pd_sugeno pd_mamdani_general pd_sugeno_general mixed grid_5x5x5 pid_pd_mamdani)
cargo build --quiet --release --example fixed_time
bin=target/release/examples/fixed_time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
printf '%-20s %8s %12s %12s\n' controller evals min max
for c in "${controllers[@]}"; do
  mkdir -p "$work/$c"
  case "$c" in pid_*) fn=step_once ;; *) fn=evaluate_once ;; esac
  valgrind --tool=callgrind --callgrind-out-file="$work/$c/cg.out" \
    --toggle-collect="*$fn*" --dump-after="fixed_time::$fn" \
    "$bin" "$c" 1000 >"$work/$c/stdout" 2>"$work/$c/valgrind.log" || {
      cat "$work/$c/valgrind.log" >&2; exit 1; }
  # One file per evaluation: cg.out.1, cg.out.2, ...; the last dump (at exit) has cg.out.
  read -r n min max < <(for f in "$work/$c"/cg.out.*; do
      awk '/^totals:/ {print $2}' "$f"; done | sort -n | awk 'NR==1{min=$1} {max=$1; n++} END{print n, min, max}')
  printf '%-20s %8s %12s %12s\n' "$c" "$n" "$min" "$max"
  if [ "$n" -lt 1000 ] || [ "$min" != "$max" ]; then
    echo "FAIL: $c: instruction count varies with the input (or fewer than 1000 evaluations)" >&2
    status=1
  fi
done
exit $status
