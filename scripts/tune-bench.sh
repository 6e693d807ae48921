#!/usr/bin/env bash
# Benchmark of the README's main job: wall time of `fuzzyopt tune` with 1 and 2 worker
# threads, fitness evaluations per second of both searches (from convergence.csv) and the
# speedup; also checks that both runs wrote the same controller (determinism).
# Targets (issue): main job <= 20 s wall on the 2-core machine; fuzzy fitness evaluation
# speedup with 2 threads >= 1.7x.
# Usage: scripts/tune-bench.sh [JOB]   (default examples/jobs/second-order.toml)
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-examples/jobs/second-order.toml}
cargo build --quiet --release -p optimizer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in 1 2; do
  start=$(date +%s.%N)
  target/release/fuzzyopt tune "$job" --quiet --threads "$t" -o "$work/t$t" >"$work/t$t.log"
  end=$(date +%s.%N)
  awk -v t="$t" -v a="$start" -v b="$end" 'BEGIN {print t, b - a}' >>"$work/wall"
done
cmp -s "$work/t1/controller.json" "$work/t2/controller.json" || { echo "FAIL: 1 and 2 threads tuned different controllers" >&2; exit 1; }
printf '%-8s %10s %16s %16s\n' threads wall_s fuzzy_evals/s pid_evals/s
for t in 1 2; do
  wall=$(awk -v t="$t" '$1 == t {print $2}' "$work/wall")
  awk -F, -v t="$t" -v wall="$wall" '
    $1 == "fuzzy" {fe = $4; fs = $5} $1 == "pid" {pe = $4; ps = $5}
    END {printf "%-8s %10.2f %16.0f %16.0f\n", t, wall, fe / fs, pe / ps}' "$work/t$t/convergence.csv"
done
f1=$(awk -F, '$1 == "fuzzy" {s = $5} END {print s}' "$work/t1/convergence.csv")
f2=$(awk -F, '$1 == "fuzzy" {s = $5} END {print s}' "$work/t2/convergence.csv")
awk -v a="$f1" -v b="$f2" 'BEGIN {printf "fuzzy search speedup with 2 threads: %.2fx (same controller: yes)\n", a / b}'
