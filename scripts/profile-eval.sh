#!/usr/bin/env bash
# Where the instructions of one evaluation go: per-source-line instruction counts of the
# engine for one reference controller (100 evaluations, divided by 100), largest first.
# Usage: scripts/profile-eval.sh CONTROLLER [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
c=${1:?usage: scripts/profile-eval.sh CONTROLLER [LINES]}
cargo build --quiet --release --example fixed_time
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --toggle-collect='*evaluate_once*' \
  target/release/examples/fixed_time "$c" 100 >/dev/null 2>&1
callgrind_annotate --auto=yes --inclusive=no --show-percs=no "$work/cg.out" 2>/dev/null |
  grep -E '^ *[0-9,]+ ' | grep -vE '=>|PROGRAM TOTALS|events annotated|<counts for' | tr -d ',' |
  awk '{ n = $1 / 100; $1 = ""; if (n >= 5) printf "%7.0f %s\n", n, $0 }' | sort -rn | sed -n "1,${2:-40}p" | cut -c1-160
